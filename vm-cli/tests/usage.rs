//! Usage errors (exit 64) and how the command line is read: options that need a program
//! file, and the program's own arguments after FILE.

mod common;

use std::path::Path;

use common::{run, text};

#[test]
fn file_only_options_without_a_file_are_usage_errors() {
    let svg = std::env::temp_dir().join(format!("svm-usage-{}.svg", std::process::id()));
    let svg = svg.to_str().unwrap();
    for args in [
        &["--check"][..],
        &["--disasm"],
        &["--step"],
        &["--trace"],
        &["--stats"],
        &["--break", "3"],
        &["--profile", svg],
        &["--flamegraph", svg],
        &["--trace", "repl"],
    ] {
        let out = run(args, "");
        let err = text(&out.stderr);
        assert_eq!(out.status.code(), Some(64), "{args:?}: {err}");
        assert!(err.contains("Usage: svm"), "{args:?}: {err}");
        assert!(err.contains("FILE"), "{args:?}: {err}");
        assert!(out.stdout.is_empty(), "{args:?} started the REPL");
    }
    assert!(!Path::new(svg).exists(), "no flamegraph without a program");
    // `--check` takes files: a file named `repl` is one like any other.
    assert_eq!(run(&["--check", "repl"], "").status.code(), Some(66));
}

#[test]
fn everything_after_file_is_the_programs() {
    let p = common::program("args", "+ println stop");
    let p = p.to_str().unwrap();
    // An option after FILE is an argument of the program, a string like any other word:
    // the program gets it (here `+` then fails on it); nothing is traced.
    for option in ["--trace", "--stats", "-i"] {
        let out = run(&[p, option], "");
        let err = text(&out.stderr);
        assert_eq!(out.status.code(), Some(70), "{option}: {err}");
        assert!(err.contains(&format!("\"{option}\"")), "{err}");
        assert!(!err.contains("stack before the instruction"), "{err}");
        assert!(out.stdout.is_empty());
    }
    let out = run(&[p, "7", "--stats"], "");
    assert_eq!(out.status.code(), Some(70));
    assert!(!text(&out.stderr).contains("steps:"));
    // Before FILE they are options; after it, negative numbers are arguments.
    let out = run(&["--stats", p, "-7", "8"], "");
    assert_eq!(text(&out.stdout), "1\n");
    assert!(text(&out.stderr).contains("steps:"));
    let out = run(&["--trace", p, "1", "2"], "");
    assert!(text(&out.stderr).contains("println"));
}

#[test]
fn a_misspelt_option_is_not_taken_for_the_file() {
    let out = run(&["--chek", "examples/fib"], "");
    let err = text(&out.stderr);
    assert_eq!(out.status.code(), Some(64), "{err}");
    assert!(err.contains("unknown option `--chek`"), "{err}");
    assert!(err.contains("Usage: svm"), "{err}");
}

#[test]
fn dash_reads_the_program_from_standard_input() {
    let out = run(&["-", "20", "22"], "+ println\n");
    assert_eq!(text(&out.stdout), "42\n");
    assert_eq!(out.status.code(), Some(0));
    let out = run(&["-"], "1 +\n");
    assert!(
        text(&out.stderr).contains("--> <stdin>:1:3"),
        "{}",
        text(&out.stderr)
    );
    let out = run(&["--check", "-"], "1 2 +");
    assert_eq!(
        text(&out.stdout),
        "<stdin>: ok (3 instructions, 0 labels)\n"
    );
}

#[test]
fn an_unwritable_profile_path_fails_before_the_run() {
    let p = common::program("prints", "\"ran\" println");
    for option in ["--profile", "--flamegraph"] {
        let out = run(&[option, "/nonexistent/dir/out", p.to_str().unwrap()], "");
        let err = text(&out.stderr);
        assert_eq!(out.status.code(), Some(74), "{err}");
        assert!(err.contains("cannot write /nonexistent/dir/out"), "{err}");
        assert!(
            out.stdout.is_empty(),
            "the program ran: {}",
            text(&out.stdout)
        );
    }
}

#[test]
fn shell_completions_and_the_manual_page() {
    let bash = text(&run(&["--completions", "bash"], "").stdout);
    assert!(
        bash.contains("_svm()") && bash.contains("--trace"),
        "{bash}"
    );
    // The script is valid bash.
    let script = common::scratch("completions").join("svm.bash");
    std::fs::write(&script, &bash).unwrap();
    let checked = std::process::Command::new("bash")
        .arg("-n")
        .arg(&script)
        .status()
        .unwrap();
    assert!(checked.success());
    let zsh = text(&run(&["--completions", "zsh"], "").stdout);
    assert!(zsh.starts_with("#compdef svm"), "{zsh}");
    let fish = text(&run(&["--completions", "fish"], "").stdout);
    assert!(
        fish.contains("complete -c svm") && fish.contains("-l break"),
        "{fish}"
    );
    let man = text(&run(&["--man"], "").stdout);
    assert!(man.contains(".TH svm 1"), "{man}");
    assert!(
        man.contains("interactive") && man.contains("flamegraph"),
        "{man}"
    );
    let out = run(&["--completions", "tcsh"], "");
    assert_eq!(out.status.code(), Some(64));
}
