//! Golden program tests: every `tests/programs/*.svm` and every `examples/*.svm` carries
//! its expectations in comments (see `tests/programs/README.md`); this driver runs each
//! and compares. All mismatches of all files are reported together.

mod common;

use std::fmt::Write as _;
use std::path::Path;

use common::{directive_in_line, svm_files};

use vm_core::{compile, parse_args, Limits, Machine, Status, OPS};

/// What a golden file expects, read from its comments.
#[derive(Default, Debug)]
struct Expect {
    stdout: Vec<String>,
    exit: Option<i64>,
    errors: Vec<(u32, u32, String)>,
    frames: Vec<String>,
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
    let mut e = Expect::default();
    for line in source.lines() {
        if let Some(v) = directive_in_line(line, "expect") {
            e.stdout.push(v.to_string());
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
        } else if let Some(v) = directive_in_line(line, "max-steps") {
            e.limits.max_steps = Some(v.trim().parse().expect("max-steps"));
        } else if let Some(v) = directive_in_line(line, "max-stack") {
            e.limits.max_stack = v.trim().parse().expect("max-stack");
        } else if let Some(v) = directive_in_line(line, "max-calls") {
            e.limits.max_calls = v.trim().parse().expect("max-calls");
        }
    }
    e
}

/// What happened when a program ran.
#[derive(Debug, Default)]
struct Outcome {
    stdout: String,
    exit: i64,
    errors: Vec<(u32, u32, String)>,
    frames: Vec<String>,
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
    let mut input = stdin.iter();
    loop {
        match machine.run(100_000, &mut outcome.stdout) {
            Status::OutOfBudget | Status::Sleeping(_) => {}
            Status::NeedsInput => machine.provide_input(input.next().map(String::as_str)),
            Status::Halted(code) => {
                outcome.exit = code;
                return outcome;
            }
            Status::Failed(e) => {
                outcome.exit = 70;
                outcome.errors = vec![(e.span.line, e.span.col, e.message())];
                outcome.frames = e
                    .trace
                    .calls()
                    .map(|f| format!("{} {}:{}", f.name(), f.call_span.line, f.call_span.col))
                    .collect();
                return outcome;
            }
        }
    }
}

fn check(path: &Path) -> Result<(), String> {
    let bytes = std::fs::read(path).map_err(|e| e.to_string())?;
    let source = String::from_utf8(bytes).map_err(|e| e.to_string())?;
    let e = read_expectations(&source);
    let got = run(&source, &e.args, &e.stdin, e.limits);
    let mut problems = String::new();

    let lines: Vec<&str> = if got.stdout.is_empty() {
        vec![]
    } else {
        got.stdout
            .strip_suffix('\n')
            .unwrap_or(&got.stdout)
            .split('\n')
            .collect()
    };
    if lines != e.stdout {
        let _ = writeln!(
            problems,
            "  stdout: expected {:?}\n          got      {:?}",
            e.stdout, lines
        );
    }
    let expected_exit = e.exit.unwrap_or(match (e.errors.is_empty(), got.exit) {
        (true, _) => 0,
        (false, 65) => 65,
        (false, _) => 70,
    });
    if got.exit != expected_exit {
        let _ = writeln!(
            problems,
            "  exit: expected {expected_exit}, got {}",
            got.exit
        );
    }
    let errors_match = got.errors.len() == e.errors.len()
        && got
            .errors
            .iter()
            .zip(&e.errors)
            .all(|(g, x)| g.0 == x.0 && g.1 == x.1 && g.2.contains(&x.2));
    if !errors_match {
        let _ = writeln!(
            problems,
            "  errors: expected {:?}\n          got      {:?}",
            e.errors, got.errors
        );
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
