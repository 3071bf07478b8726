//! Every output path of `svm` ends quietly (exit 141, nothing on stderr) when the reader
//! of its output has gone away, and `--trace` is buffered and keeps the program's own
//! output in order among its lines.

mod common;

use std::io::Write;
use std::process::{Output, Stdio};

use common::{program, svm, text};

/// Runs svm with `args`, its stdout (and, with `both`, its stderr too) a pipe whose
/// reading end is already closed; `stdin` is its input.
fn into_closed_pipe(args: &[&str], stdin: &str, both: bool) -> Output {
    let (reader, writer) = std::io::pipe().unwrap();
    drop(reader);
    let mut cmd = svm();
    cmd.args(args).stdin(Stdio::piped());
    if both {
        cmd.stdout(writer.try_clone().unwrap())
            .stderr(writer)
            .stdin(Stdio::piped());
    } else {
        cmd.stdout(writer).stderr(Stdio::piped());
    }
    let mut child = cmd.spawn().unwrap();
    // The input may not be read at all when the output is gone first.
    let _ = child.stdin.take().unwrap().write_all(stdin.as_bytes());
    let out = child.wait_with_output().unwrap();
    drop(cmd);
    out
}

fn assert_quiet(out: &Output, what: &str) {
    assert_eq!(
        out.status.code(),
        Some(141),
        "{what}: {}",
        text(&out.stderr)
    );
    assert!(out.stderr.is_empty(), "{what}: {}", text(&out.stderr));
}

#[test]
fn ops_into_a_closed_pipe() {
    assert_quiet(&into_closed_pipe(&["--ops"], "", false), "--ops");
}

#[test]
fn disasm_into_a_closed_pipe() {
    let out = into_closed_pipe(&["--disasm", "examples/fib"], "", false);
    assert_quiet(&out, "--disasm");
}

#[test]
fn check_into_a_closed_pipe() {
    let out = into_closed_pipe(&["--check", "examples/fib"], "", false);
    assert_quiet(&out, "--check");
}

#[test]
fn repl_into_a_closed_pipe() {
    let out = into_closed_pipe(&[], "1 2 +\n:ops\n", false);
    assert_quiet(&out, "the REPL");
}

#[test]
fn program_into_a_closed_pipe() {
    let out = into_closed_pipe(&["examples/fib", "5"], "", false);
    assert_quiet(&out, "a program");
}

#[test]
fn trace_into_a_closed_pipe() {
    let inf = program("inf", "0 l: 1 + l jmp");
    let out = into_closed_pipe(&["--trace", inf.to_str().unwrap()], "", true);
    assert_eq!(out.status.code(), Some(141));
}

#[test]
fn trace_keeps_program_output_in_order() {
    let p = program("order", "\"a\" println 1 2 + println \"b\" println stop");
    let (reader, writer) = std::io::pipe().unwrap();
    let mut child = svm()
        .args(["--trace", p.to_str().unwrap()])
        .stdout(writer.try_clone().unwrap())
        .stderr(writer)
        .spawn()
        .unwrap();
    let mut all = String::new();
    std::io::Read::read_to_string(&mut { reader }, &mut all).unwrap();
    assert!(child.wait().unwrap().success());
    let lines: Vec<&str> = all.lines().map(str::trim_end).collect();
    assert!(
        lines[0].trim_start().starts_with("step"),
        "the header first: {all}"
    );
    let shape: Vec<String> = lines[1..]
        .iter()
        .map(|l| match l.split_whitespace().nth(3) {
            Some(instr) if l.starts_with(' ') => format!("trace {instr}"),
            _ => format!("out {l}"),
        })
        .collect();
    assert_eq!(
        shape,
        [
            "trace \"a\"",
            "trace println",
            "out a",
            "trace 1",
            "trace 2",
            "trace +",
            "trace println",
            "out 3",
            "trace \"b\"",
            "trace println",
            "out b",
            "trace stop",
        ],
        "{all}"
    );
}
