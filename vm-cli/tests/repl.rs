//! The REPL fed from a pipe: definitions, `:load`, `svm -i FILE`, and every example
//! that `:help` shows.

mod common;

use common::{program, run, text};

#[test]
fn every_help_example_works_as_shown() {
    let help = text(&run(&[], ":help\n").stdout);
    let examples: Vec<(&str, &str)> = help
        .lines()
        .filter(|l| l.starts_with("  > "))
        .map(|l| (l[4..34].trim_end(), &l[35..]))
        .collect();
    assert!(examples.len() >= 3, "{help}");
    assert!(
        examples.iter().any(|(typed, _)| typed.starts_with("sq: ")),
        "{help}"
    );
    let typed: String = examples.iter().map(|(t, _)| format!("{t}\n")).collect();
    let out = run(&[], &typed);
    assert_eq!(text(&out.stderr), "defined `sq`\n", "{typed}");
    let shown: Vec<&str> = examples.iter().map(|(_, s)| *s).collect();
    assert_eq!(text(&out.stdout).lines().collect::<Vec<_>>(), shown);
}

#[test]
fn definitions_are_kept_not_run() {
    let out = run(
        &[],
        "3\nsq: dup * return\nsq call\ncube:\ndup sq call\n*\nreturn\ncube call\n",
    );
    assert_eq!(text(&out.stderr), "defined `sq`\ndefined `cube`\n");
    assert_eq!(text(&out.stdout), "[3]\n[3]\n[9]\n[9]\n[729]\n");
    // An empty line ends a definition too; a definition that fails to compile is not kept.
    let out = run(&[], "f: 1 +\n\n5\ng: nope return\n");
    assert_eq!(text(&out.stdout), "[]\n[5]\n");
    assert!(text(&out.stderr).contains("undefined label `nope`"));
}

#[test]
fn load_brings_in_labels_without_running() {
    let p = program("lib", "\"main\" println stop\ndouble: 2 * return\n");
    let out = run(&[], &format!(":load {}\n21 double call\n", p.display()));
    assert_eq!(text(&out.stdout), "[]\n[42]\n");
    let err = text(&out.stderr);
    assert!(err.contains("loaded") && err.contains("double"), "{err}");
    let out = run(&[], ":load /nonexistent/x.svm\n1\n");
    assert_eq!(text(&out.stdout), "[]\n[1]\n");
    assert!(text(&out.stderr).contains("cannot read"));
}

#[test]
fn dash_i_runs_the_file_then_starts_the_repl() {
    let p = program("start", "\"ran\" println 5 stop\nsq: dup * return\n");
    let out = run(&["-i", p.to_str().unwrap()], "sq call\n");
    assert_eq!(text(&out.stderr), "");
    assert_eq!(text(&out.stdout), "ran\n[5]\n[25]\n");
    // Its arguments too.
    let out = run(&["-i", p.to_str().unwrap(), "7"], "+\n");
    assert_eq!(text(&out.stdout), "ran\n[7 5]\n[12]\n");
}

#[test]
fn commands_and_hints() {
    let out = run(&[], "1\n:foo\nquit\nhelp\n2\n");
    let err = text(&out.stderr);
    assert!(err.contains("unknown command `:foo`"), "{err}");
    assert!(
        err.contains("`quit` is not an operation: type :quit"),
        "{err}"
    );
    assert!(
        err.contains("`help` is not an operation: type :help"),
        "{err}"
    );
    assert_eq!(text(&out.stdout), "[1]\n[1]\n[1 2]\n");
    // After :reset, line numbers start again at 1.
    let out = run(&[], "1\n2\n:reset\n1 +\n");
    assert!(
        text(&out.stderr).contains("--> <repl>:1:3"),
        "{}",
        text(&out.stderr)
    );
}

#[test]
fn a_piped_session_with_a_failed_line_exits_non_zero() {
    assert_eq!(run(&[], "1 2 +\n").status.code(), Some(0));
    assert_eq!(run(&[], "foo\n1\n").status.code(), Some(65));
    assert_eq!(run(&[], "+\n1\n").status.code(), Some(70));
    assert_eq!(run(&[], "+\nfoo\n").status.code(), Some(70));
}
