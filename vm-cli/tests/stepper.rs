//! `svm --step` and `--break` fed from a pipe.

mod common;

use common::{program, run, text};

#[test]
fn a_breakpoint_on_a_line_without_instructions_moves_to_the_next() {
    let p = program("brk", "1 2 +\n# a comment\n\n3 *\nprintln\n");
    let out = run(&["--break", "2", p.to_str().unwrap()], "q\n");
    let err = text(&out.stderr);
    assert!(
        err.contains("note: line 2 has no instruction; the breakpoint is on line 4"),
        "{err}"
    );
    assert!(err.contains("brk.svm:4:1 · 3"), "{err}");
    let out = run(&["--break", "9", p.to_str().unwrap()], "q\n");
    assert!(text(&out.stderr).contains("nor any line after it; no breakpoint there"));
}

#[test]
fn a_breakpoint_on_the_first_instruction_stops_there() {
    let p = program("brk-first", "\"hi\" println\n1 drop\n");
    let out = run(&["--break", "1", p.to_str().unwrap()], "q\n");
    let err = text(&out.stderr);
    assert!(err.contains("brk-first.svm:1:1 · \"hi\""), "{err}");
    assert!(out.stdout.is_empty(), "it ran past the breakpoint");
}

#[test]
fn a_breakpoint_at_a_label() {
    let p = program(
        "brk-label",
        "5 sq call println stop\n\nsq:\n  dup * return\n",
    );
    let out = run(&["--break", "sq", p.to_str().unwrap()], "c\n");
    let err = text(&out.stderr);
    assert!(err.contains("brk-label.svm:4:3 · dup"), "{err}");
    assert_eq!(text(&out.stdout), "25\n");
    let out = run(&["--break", "nope", p.to_str().unwrap()], "q\n");
    assert_eq!(out.status.code(), Some(64));
    assert!(text(&out.stderr).contains("`nope` is neither a line number nor a label"));
}

#[test]
fn read_under_the_stepper_has_its_own_prompt() {
    let p = program("brk-read", "read println\n");
    let out = run(&["--step", p.to_str().unwrap()], "s\nhello\nc\n");
    assert!(
        text(&out.stderr).contains("input for `read`> "),
        "{}",
        text(&out.stderr)
    );
    assert_eq!(text(&out.stdout), "hello\n");
}
