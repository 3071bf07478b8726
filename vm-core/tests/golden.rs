//! Golden program tests: every `tests/programs/*.svm` and every `examples/*.svm` carries
//! its expectations in comments (see `tests/programs/README.md`); this driver runs each
//! and compares. All mismatches of all files are reported together.

mod common;

use std::fmt::Write as _;
use std::path::Path;

use common::host::run_to_end;
use common::{directive_in_line, svm_files};

use vm_core::{compile, parse_args, Limits, Machine, Status, OPS};

/// The kinds of runtime error, as their messages name them, with the codes of
/// [`vm_core::ErrorKind::code`] each name stands for.
const RUNTIME_KINDS: &[(&str, &[&str])] = &[
    ("stack underflow", &["stack_underflow"]),
    ("type error", &["type_error"]),
    ("division by zero", &["division_by_zero"]),
    ("overflow", &["overflow"]),
    ("cannot convert", &["cast_int"]),
    ("invalid address", &["invalid_address"]),
    ("return with no call", &["return_without_call"]),
    ("stack overflow", &["stack_overflow", "call_stack_overflow"]),
    ("step limit", &["step_limit"]),
    (
        "`sleep_ms` needs a non-negative number",
        &["negative_sleep"],
    ),
    ("string too long", &["string_too_long"]),
    ("string memory limit", &["string_memory"]),
    ("output failed", &["output"]),
];

/// The kinds of compile error, as their messages begin.
const COMPILE_KINDS: &[&str] = &[
    "invalid integer",
    "integer literal",
    "invalid label name",
    "label definition without a name",
    "label `",
    "undefined label",
    "unknown escape",
    "unterminated string",
    "missing whitespace",
    "invalid character",
    "program too large",
];

/// The kind an `expect-error` text names: `Some(codes)` for a runtime error, `None`
/// for a compile error; an error when it names no kind.
fn expected_kind(text: &str) -> Result<Option<&'static [&'static str]>, String> {
    if let Some((_, codes)) = RUNTIME_KINDS.iter().find(|(k, _)| text.starts_with(k)) {
        return Ok(Some(codes));
    }
    if COMPILE_KINDS.iter().any(|k| text.starts_with(k)) {
        return Ok(None);
    }
    Err(format!(
        "`expect-error: {text}` does not begin with the kind of error (`type error`, `stack underflow`, `unterminated string`, …)"
    ))
}

/// What a golden file expects, read from its comments.
#[derive(Default, Debug)]
struct Expect {
    /// The whole standard output: each `expect` line and its newline, then the
    /// `expect-no-newline` text.
    stdout: String,
    exit: Option<i64>,
    errors: Vec<(u32, u32, String)>,
    frames: Vec<String>,
    /// The values the runtime error shows of the stack, as literals, top last.
    stack: Option<String>,
    args: String,
    stdin: Vec<String>,
    limits: Limits,
}

fn parse_position(text: &str) -> (u32, u32, String) {
    let (pos, rest) = text.split_once(' ').unwrap_or((text, ""));
    let (line, col) = pos
        .split_once(':')
        .unwrap_or_else(|| panic!("bad position `{pos}`"));
    (
        line.parse().expect("line"),
        col.parse().expect("column"),
        rest.to_string(),
    )
}

fn read_expectations(source: &str) -> Expect {
    // Its limits, with a step limit unless it sets one (`common::limits`).
    let mut e = Expect {
        limits: common::limits(source),
        ..Expect::default()
    };
    let mut tail = None;
    for line in source.lines() {
        if let Some(v) = directive_in_line(line, "expect") {
            e.stdout.push_str(v);
            e.stdout.push('\n');
        } else if let Some(v) = directive_in_line(line, "expect-no-newline") {
            assert!(tail.is_none(), "more than one `expect-no-newline`");
            tail = Some(v.to_string());
        } else if let Some(v) = directive_in_line(line, "expect-stack") {
            e.stack = Some(v.trim().to_string());
        } else if let Some(v) = directive_in_line(line, "expect-exit") {
            e.exit = Some(v.trim().parse().expect("expect-exit"));
        } else if let Some(v) = directive_in_line(line, "expect-error") {
            e.errors.push(parse_position(v));
        } else if let Some(v) = directive_in_line(line, "expect-frame") {
            e.frames.push(v.trim().to_string());
        } else if let Some(v) = directive_in_line(line, "args") {
            e.args = v.to_string();
        } else if let Some(v) = directive_in_line(line, "stdin") {
            e.stdin.push(v.to_string());
        }
    }
    e.stdout.push_str(&tail.unwrap_or_default());
    e
}

/// What happened when a program ran.
#[derive(Debug, Default)]
struct Outcome {
    stdout: String,
    exit: i64,
    errors: Vec<(u32, u32, String)>,
    /// The runtime error's kind ([`vm_core::ErrorKind::code`]); `None` for compile
    /// errors or none.
    runtime: Option<&'static str>,
    frames: Vec<String>,
    /// The values the runtime error shows of the stack, as literals, top last.
    stack: String,
}

/// Runs `source` like `svm` does, with an in-memory host.
fn run(source: &str, args: &str, stdin: &[String], limits: Limits) -> Outcome {
    let mut outcome = Outcome::default();
    let program = match compile(source) {
        Ok(p) => p,
        Err(diags) => {
            outcome.exit = 65;
            outcome.errors = diags
                .iter()
                .map(|d| (d.span.line, d.span.col, d.message.clone()))
                .collect();
            return outcome;
        }
    };
    let args = parse_args(args).expect("arguments should parse");
    let mut machine = Machine::new(program, args).with_limits(limits);
    let input: Vec<&str> = stdin.iter().map(String::as_str).collect();
    let end = run_to_end(
        &mut machine,
        100_000,
        &input,
        &mut outcome.stdout,
        |m, budget, out| m.run(budget, out),
        |_, _| {},
    );
    match end {
        Status::Halted(code) => outcome.exit = code,
        Status::Failed(e) => {
            outcome.exit = 70;
            outcome.errors = vec![(e.span.line, e.span.col, e.message())];
            outcome.runtime = Some(e.kind.code());
            let shown: Vec<String> = e.stack_top.iter().map(|v| v.literal()).collect();
            outcome.stack = shown.join(" ");
            outcome.frames = e
                .trace
                .calls()
                .map(|f| format!("{} {}:{}", f.name(), f.call_span.line, f.call_span.col))
                .collect();
        }
        other => panic!("unexpected {other:?}"),
    }
    outcome
}

fn check(path: &Path) -> Result<(), String> {
    let bytes = std::fs::read(path).map_err(|e| e.to_string())?;
    let source = String::from_utf8(bytes).map_err(|e| e.to_string())?;
    let e = read_expectations(&source);
    let got = run(&source, &e.args, &e.stdin, e.limits);
    let mut problems = String::new();

    if got.stdout != e.stdout {
        let _ = writeln!(
            problems,
            "  stdout: expected {:?}\n          got      {:?}",
            e.stdout, got.stdout
        );
    }
    // The exit code follows from the errors expected, never from the run.
    let mut kinds = Vec::new();
    for (_, _, text) in &e.errors {
        match expected_kind(text) {
            Ok(k) => kinds.push(k),
            Err(p) => {
                let _ = writeln!(problems, "  {p}");
            }
        }
    }
    let runtime_expected = kinds.iter().find_map(|k| *k);
    let expected_exit = e
        .exit
        .unwrap_or(match (e.errors.is_empty(), runtime_expected) {
            (true, _) => 0,
            (false, Some(_)) => 70,
            (false, None) => 65,
        });
    if got.exit != expected_exit {
        let _ = writeln!(
            problems,
            "  exit: expected {expected_exit}, got {}",
            got.exit
        );
    }
    let kind_matches = match (runtime_expected, got.runtime) {
        (Some(codes), Some(code)) => codes.contains(&code),
        (None, None) => true,
        _ => e.errors.is_empty() && got.errors.is_empty(),
    };
    let errors_match = kind_matches
        && got.errors.len() == e.errors.len()
        && got
            .errors
            .iter()
            .zip(&e.errors)
            .all(|(g, x)| g.0 == x.0 && g.1 == x.1 && g.2.contains(&x.2));
    if !errors_match {
        let _ = writeln!(
            problems,
            "  errors: expected {:?}\n          got      {:?} ({})",
            e.errors,
            got.errors,
            got.runtime.unwrap_or("compile errors or none")
        );
    }
    if let Some(stack) = &e.stack {
        if &got.stack != stack {
            let _ = writeln!(
                problems,
                "  stack shown: expected {stack:?}\n               got      {:?}",
                got.stack
            );
        }
    }
    if got.frames != e.frames {
        let _ = writeln!(
            problems,
            "  frames: expected {:?}\n          got      {:?}",
            e.frames, got.frames
        );
    }
    if problems.is_empty() {
        Ok(())
    } else {
        Err(problems)
    }
}

fn check_all(dir: &Path) {
    let files = svm_files(dir);
    assert!(!files.is_empty(), "no programs in {}", dir.display());
    let mut failures = String::new();
    for path in &files {
        if let Err(p) = check(path) {
            let _ = writeln!(failures, "{}:\n{p}", path.display());
        }
    }
    assert!(failures.is_empty(), "golden mismatches:\n{failures}");
    println!("{} programs in {} passed", files.len(), dir.display());
}

#[test]
fn golden_programs() {
    check_all(&common::programs_dir());
}

#[test]
fn examples() {
    check_all(&common::examples_dir());
}

/// Every example in the operation table prints what its trailing comment says.
#[test]
fn op_table_examples() {
    for info in OPS {
        let (code, expected) = info
            .example
            .split_once("  # ")
            .unwrap_or((info.example, ""));
        let got = run(code, "", &["typed line".to_string()], Limits::default());
        let expected = match info.name {
            "read" => "typed line",
            "exit" => {
                assert_eq!(got.exit, 3);
                ""
            }
            _ => expected,
        };
        assert!(got.errors.is_empty(), "{}: {:?}", info.name, got.errors);
        assert_eq!(
            got.stdout.trim_end(),
            expected,
            "example of `{}`",
            info.name
        );
    }
}
