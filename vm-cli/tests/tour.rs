//! Tests of the playground's tour (`web/tour/`, described in `web/tour/README.md`): every
//! lesson is complete and numbered in order, every reference solution passes its check
//! when `svm` runs it, every starter compiles, does what its check's `starter` says (as
//! the lesson's text does) and does not pass yet, and every `svm` snippet in a lesson's
//! text compiles and runs.

mod common;

use common::{program, run, svm, text};
use serde_json::Value;
use std::path::{Path, PathBuf};

/// The fewest and the most lessons the tour may have.
const LESSONS: std::ops::RangeInclusive<usize> = 10..=15;

/// The fields a check may have (`web/src/tour-data.js` reads the same).
const CHECK_FIELDS: [&str; 7] = [
    "args", "input", "output", "stack", "error", "starter", "predict",
];

/// The most steps a lesson may ask to predict.
const PREDICT_MAX: u64 = 20;

/// The fields of a check's `starter`, which runs with the check's arguments and input.
const STARTER_FIELDS: [&str; 3] = ["output", "stack", "error"];

/// The tour's folder, from the repository's root.
fn tour_dir() -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR")).join("../web/tour")
}

/// One lesson's folder: its number and its path relative to the repository's root.
struct Lesson {
    number: usize,
    dir: String,
}

impl Lesson {
    fn file(&self, name: &str) -> String {
        format!("{}/{name}", self.dir)
    }

    fn read(&self, name: &str) -> String {
        let path = tour_dir().join("..").join("..").join(self.file(name));
        std::fs::read_to_string(&path).unwrap_or_else(|e| panic!("{}: {e}", self.file(name)))
    }

    fn check(&self) -> Check {
        Check::parse(&self.read("check.json"))
            .unwrap_or_else(|e| panic!("{}: {e}", self.file("check.json")))
    }
}

/// The lessons, in the order of their folders' names (`NN-slug`).
fn lessons() -> Vec<Lesson> {
    let mut names: Vec<String> = std::fs::read_dir(tour_dir())
        .unwrap()
        .map(|e| e.unwrap())
        .filter(|e| e.file_type().unwrap().is_dir())
        .map(|e| e.file_name().into_string().unwrap())
        .collect();
    names.sort();
    names
        .into_iter()
        .map(|name| {
            let (digits, slug) = name.split_once('-').unwrap_or((&name, ""));
            let ok = digits.len() == 2
                && digits.bytes().all(|b| b.is_ascii_digit())
                && !slug.is_empty()
                && slug
                    .bytes()
                    .all(|b| b.is_ascii_lowercase() || b.is_ascii_digit() || b == b'-');
            assert!(
                ok,
                "web/tour/{name}: a lesson's folder is named NN-slug (lowercase)"
            );
            Lesson {
                number: digits.parse().unwrap(),
                dir: format!("web/tour/{name}"),
            }
        })
        .collect()
}

/// What a run must do to pass: the program's arguments and input, and what it prints and
/// leaves on the stack, or the runtime error it ends with.
#[derive(Debug)]
struct Check {
    args: Option<String>,
    input: Vec<String>,
    output: String,
    /// The final data stack, bottom first, as literals (`1`, `true`, `"a\n"`).
    stack: Option<Vec<String>>,
    /// The kind of runtime error the run ends with (`type_error`), when it must fail.
    error: Option<String>,
    /// What the starter does, as the lesson's text says: a check of the starter, with the
    /// same arguments and input.
    starter: Option<Box<Check>>,
    /// How many steps of the starter the lesson asks to predict (the page's Predict).
    predict: Option<u64>,
}

impl Check {
    fn parse(json: &str) -> Result<Check, String> {
        let v: Value = serde_json::from_str(json).map_err(|e| e.to_string())?;
        Check::from_json(&v, &CHECK_FIELDS)
    }

    fn from_json(v: &Value, known: &[&str]) -> Result<Check, String> {
        let fields = v.as_object().ok_or("a check is a JSON object")?;
        if let Some(k) = fields.keys().find(|k| !known.contains(&k.as_str())) {
            return Err(format!("unknown field `{k}`"));
        }
        let string = |name: &str| match fields.get(name) {
            None => Ok(None),
            Some(a) => a
                .as_str()
                .map(|a| Some(a.to_string()))
                .ok_or(format!("`{name}` is a string")),
        };
        let input = match fields.get("input") {
            None => Vec::new(),
            Some(lines) => lines
                .as_array()
                .ok_or("`input` is a list of lines")?
                .iter()
                .map(|l| match l.as_str() {
                    Some(l) if !l.contains('\n') => Ok(l.to_string()),
                    _ => Err("`input` is a list of lines".to_string()),
                })
                .collect::<Result<_, _>>()?,
        };
        let stack = match fields.get("stack") {
            None => None,
            Some(s) => Some(
                s.as_array()
                    .ok_or("`stack` is a list of values")?
                    .iter()
                    .map(literal)
                    .collect::<Result<_, _>>()?,
            ),
        };
        let error = string("error")?;
        if error.is_some() && stack.is_some() {
            return Err("a run that ends with an error has no final stack to check".into());
        }
        let starter = match fields.get("starter") {
            None => None,
            Some(s) => Some(Box::new(
                Check::from_json(s, &STARTER_FIELDS).map_err(|e| format!("starter: {e}"))?,
            )),
        };
        let predict = match fields.get("predict") {
            None => None,
            Some(n) => Some(n.as_u64().filter(|n| (1..=PREDICT_MAX).contains(n)).ok_or(
                format!("`predict` is how many steps to predict, 1 to {PREDICT_MAX}"),
            )?),
        };
        Ok(Check {
            predict,
            args: string("args")?,
            input,
            output: string("output")?.ok_or("`output` (a string) is required")?,
            stack,
            error,
            starter,
        })
    }

    /// Runs `file` with `svm` and says how the run differs from the check (nothing: it
    /// passes). A `starter` check runs with the arguments and input of `with` (the check
    /// it belongs to).
    fn differences(&self, file: &str) -> Vec<String> {
        self.differences_with(file, self)
    }

    fn differences_with(&self, file: &str, with: &Check) -> Vec<String> {
        let mut args = Vec::new();
        if let Some(a) = &with.args {
            args.push(a.as_str());
        }
        let stdin: String = with.input.iter().map(|l| format!("{l}\n")).collect();
        let mut argv = vec![file];
        argv.extend(&args);
        let out = run(&argv, &stdin);
        let stdout = text(&out.stdout);
        let stderr = text(&out.stderr);
        let mut found = Vec::new();
        match &self.error {
            None if out.status.code() != Some(0) => found.push(format!(
                "exit status {:?}, stderr: {stderr}",
                out.status.code()
            )),
            // svm names the error in words: `type_error` is "type error: …".
            Some(kind)
                if out.status.code() != Some(70)
                    || !stderr
                        .lines()
                        .next()
                        .unwrap_or_default()
                        .contains(&kind.replace('_', " ")) =>
            {
                found.push(format!(
                    "expected a runtime error {kind}, got exit status {:?}, stderr: {stderr}",
                    out.status.code()
                ))
            }
            _ => {}
        }
        if stdout != self.output {
            found.push(format!(
                "output: expected {:?}, got {stdout:?}",
                self.output
            ));
        }
        if let Some(stack) = &self.stack {
            let shown = final_stack(file, &args, &stdin, &stdout);
            let expected = format!("[{}]", stack.join(" "));
            if shown != expected {
                found.push(format!("final stack: expected {expected}, got {shown}"));
            }
        }
        found
    }
}

/// The final data stack of `file`, as `svm -i` shows it before its REPL reads on: the
/// first line after the program's own output `stdout`.
fn final_stack(file: &str, args: &[&str], stdin: &str, stdout: &str) -> String {
    let mut with = vec!["-i", file];
    with.extend(args);
    let out = run(&with, stdin);
    let all = text(&out.stdout);
    let rest = all
        .strip_prefix(stdout)
        .unwrap_or_else(|| panic!("svm -i {file} printed {all:?}, not {stdout:?} first"));
    rest.lines().next().unwrap_or_default().to_string()
}

/// A typed JSON value as the language writes it (`Value::literal`): a number, a boolean,
/// or a string quoted and escaped as the stack shows it.
fn literal(v: &Value) -> Result<String, String> {
    let value = match v {
        Value::Number(n) if n.is_i64() => vm_core::Value::Num(n.as_i64().unwrap()),
        Value::Bool(b) => vm_core::Value::Bool(*b),
        Value::String(s) => vm_core::Value::Str(s.as_str().into()),
        other => {
            return Err(format!(
                "a stack value is an integer, a boolean or a string, not {other}"
            ))
        }
    };
    Ok(value.literal())
}

/// The fenced code blocks marked `svm` in a lesson's text.
fn svm_snippets(markdown: &str) -> Vec<String> {
    let mut snippets = Vec::new();
    let mut current: Option<String> = None;
    for line in markdown.lines() {
        match (&mut current, line.trim_end()) {
            (None, "```svm") => current = Some(String::new()),
            (Some(code), "```") => {
                snippets.push(std::mem::take(code));
                current = None;
            }
            (Some(code), _) => {
                code.push_str(line);
                code.push('\n');
            }
            (None, _) => {}
        }
    }
    assert!(current.is_none(), "a code block is not closed");
    snippets
}

#[test]
fn the_lessons_are_numbered_from_1_without_gaps_and_complete() {
    let lessons = lessons();
    assert!(
        LESSONS.contains(&lessons.len()),
        "the tour has {} lessons, not {LESSONS:?}",
        lessons.len()
    );
    for (i, lesson) in lessons.iter().enumerate() {
        assert_eq!(
            lesson.number,
            i + 1,
            "{}: numbered out of order",
            lesson.dir
        );
        let md = lesson.read("lesson.md");
        let title = md.lines().next().unwrap_or_default();
        assert!(
            title.starts_with("# ") && title.len() > 2,
            "{}: lesson.md starts with its title, `# Title`",
            lesson.dir
        );
        let last = md.trim_end().rsplit("\n\n").next().unwrap();
        assert!(
            last.starts_with("**Task:**"),
            "{}: lesson.md ends with the task, a paragraph starting `**Task:**`",
            lesson.dir
        );
        for file in ["starter.svm", "solution.svm"] {
            assert!(
                !lesson.read(file).trim().is_empty(),
                "{}",
                lesson.file(file)
            );
        }
        lesson.check();
    }
}

#[test]
fn every_reference_solution_passes_its_check() {
    for lesson in lessons() {
        let found = lesson.check().differences(&lesson.file("solution.svm"));
        assert!(
            found.is_empty(),
            "{}: {found:#?}",
            lesson.file("solution.svm")
        );
    }
}

#[test]
fn every_starter_compiles_does_what_its_lesson_says_and_does_not_pass_yet() {
    for lesson in lessons() {
        let starter = lesson.file("starter.svm");
        let out = run(&["--check", &starter], "");
        assert!(out.status.success(), "{starter}: {}", text(&out.stderr));
        let check = lesson.check();
        let found = check.differences(&starter);
        assert!(!found.is_empty(), "{starter} already passes its check");
        let said = check
            .starter
            .as_ref()
            .unwrap_or_else(|| panic!("{}: no `starter`", lesson.file("check.json")));
        let found = said.differences_with(&starter, &check);
        assert!(
            found.is_empty(),
            "{starter} does not do what check.json's `starter` says: {found:#?}"
        );
    }
}

#[test]
fn every_svm_snippet_of_the_lessons_compiles_and_runs() {
    let mut count = 0;
    for lesson in lessons() {
        for (i, code) in svm_snippets(&lesson.read("lesson.md")).iter().enumerate() {
            let name = format!("tour-snippet-{}-{i}", lesson.number);
            let file = program(&name, code);
            let out = svm()
                .args(["--max-steps", "100000"])
                .arg(&file)
                .stdin(std::process::Stdio::null())
                .output()
                .unwrap();
            assert!(
                out.status.success(),
                "{} snippet {}:\n{code}\n{}",
                lesson.file("lesson.md"),
                i + 1,
                text(&out.stderr)
            );
            count += 1;
        }
    }
    assert!(count >= 5, "only {count} snippets found");
}

#[test]
fn a_check_compares_the_output_and_the_typed_final_stack() {
    let file = program("tour-check", "1 \"a\\\"b\" true 7 println\n");
    let file = file.to_str().unwrap();
    let check = |json: &str| Check::parse(json).unwrap().differences(file);
    assert!(check(r#"{"output": "7\n", "stack": [1, "a\"b", true]}"#).is_empty());
    assert!(check(r#"{"output": "7\n"}"#).is_empty());
    // The wrong order, a number for a string, a string for a number, one value too many.
    for stack in [
        r#"[true, "a\"b", 1]"#,
        r#"["1", "a\"b", true]"#,
        r#"[1, "a\"b", "true"]"#,
        r#"[1, "a\"b", true, 7]"#,
    ] {
        let found = check(&format!(r#"{{"output": "7\n", "stack": {stack}}}"#));
        assert_eq!(found.len(), 1, "{stack}: {found:?}");
        assert!(found[0].starts_with("final stack: expected ["), "{found:?}");
    }
    let found = check(r#"{"output": "8\n", "stack": [1, "a\"b", true]}"#);
    assert!(
        found.len() == 1 && found[0].starts_with("output"),
        "{found:?}"
    );
}

#[test]
fn a_check_feeds_input_and_arguments_and_fails_a_runtime_error() {
    let file = program("tour-io", "read cast_int + println\n");
    let file = file.to_str().unwrap();
    let check = |json: &str| Check::parse(json).unwrap().differences(file);
    assert!(check(r#"{"args": "2", "input": ["3"], "output": "5\n", "stack": []}"#).is_empty());
    let found = check(r#"{"input": ["3"], "output": "5\n"}"#);
    assert!(found[0].contains("exit status Some(70)"), "{found:?}");
    assert!(Check::parse(r#"{"output": "", "expect": 1}"#).is_err());
    assert!(Check::parse(r#"{"output": "", "input": ["a\nb"]}"#).is_err());
    assert!(Check::parse(r#"{"output": "", "stack": [1.5]}"#).is_err());
    assert!(Check::parse(r#"{"stack": []}"#).is_err());
}

#[test]
fn at_least_four_lessons_ask_to_predict_steps_their_starter_takes() {
    let mut asking = 0;
    for lesson in lessons() {
        let Some(steps) = lesson.check().predict else {
            continue;
        };
        asking += 1;
        // The starter takes more steps than that before it ends: every prediction is of
        // a step the run takes (one fewer allowed must be a step limit).
        let starter = lesson.file("starter.svm");
        let check = lesson.check();
        let mut argv = vec![
            "--max-steps".to_string(),
            (steps - 1).to_string(),
            starter.clone(),
        ];
        argv.extend(check.args.clone());
        let argv: Vec<&str> = argv.iter().map(String::as_str).collect();
        let stdin: String = check.input.iter().map(|l| format!("{l}\n")).collect();
        let out = run(&argv, &stdin);
        assert!(
            text(&out.stderr).contains("step limit"),
            "{starter}: it ends within {steps} steps, the ones to predict: {}",
            text(&out.stderr)
        );
    }
    assert!(asking >= 4, "{asking} lessons ask to predict steps");
    for bad in [
        r#"{"output": "", "predict": 0}"#,
        r#"{"output": "", "predict": 21}"#,
        r#"{"output": "", "predict": "3"}"#,
        r#"{"output": "", "starter": {"output": "", "predict": 3}}"#,
    ] {
        assert!(Check::parse(bad).is_err(), "{bad}");
    }
    assert_eq!(
        Check::parse(r#"{"output": "", "predict": 4}"#)
            .unwrap()
            .predict,
        Some(4)
    );
}

#[test]
fn a_check_may_expect_a_runtime_error_and_say_what_the_starter_does() {
    let file = program("tour-error", "\"a\" println 1 \"b\" +\n");
    let file = file.to_str().unwrap();
    let check = |json: &str| Check::parse(json).unwrap().differences(file);
    assert!(check(r#"{"output": "a\n", "error": "type_error"}"#).is_empty());
    for json in [
        r#"{"output": "a\n", "error": "stack_underflow"}"#,
        r#"{"output": "a\n"}"#,
        r#"{"output": "", "error": "type_error"}"#,
    ] {
        assert!(!check(json).is_empty(), "{json}");
    }
    let halts = program("tour-halts", "1 2 + println\n");
    let found = Check::parse(r#"{"output": "3\n", "error": "type_error"}"#)
        .unwrap()
        .differences(halts.to_str().unwrap());
    assert!(found[0].starts_with("expected a runtime error type_error, got exit status Some(0)"));
    // A starter's check runs with the arguments and input of the check it belongs to.
    let io = program("tour-starter", "read concat println\n");
    let io = io.to_str().unwrap();
    let c = Check::parse(
        r#"{"args": "\"x\"", "input": ["y"], "output": "", "starter": {"output": "xy\n", "stack": []}}"#,
    )
    .unwrap();
    assert!(c
        .starter
        .as_ref()
        .unwrap()
        .differences_with(io, &c)
        .is_empty());
    assert!(!c.differences(io).is_empty());
    for bad in [
        r#"{"output": "", "starter": {"output": "", "input": []}}"#,
        r#"{"output": "", "starter": {"stack": []}}"#,
        r#"{"output": "", "starter": {"output": "", "starter": {"output": ""}}}"#,
        r#"{"output": "", "error": "type_error", "stack": []}"#,
        r#"{"output": "", "error": 1}"#,
    ] {
        assert!(Check::parse(bad).is_err(), "{bad}");
    }
}
