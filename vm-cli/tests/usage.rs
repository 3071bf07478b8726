//! Usage errors and how the command line is read: options that need a program file,
//! and the program's own arguments after FILE.

use std::path::Path;
use std::process::{Command, Output, Stdio};

fn svm(args: &[&str]) -> Output {
    Command::new(env!("CARGO_BIN_EXE_svm"))
        .current_dir(Path::new(env!("CARGO_MANIFEST_DIR")).join(".."))
        .args(args)
        .stdin(Stdio::null())
        .output()
        .unwrap()
}

fn text(bytes: &[u8]) -> String {
    String::from_utf8_lossy(bytes).into_owned()
}

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
    ] {
        let out = svm(args);
        let err = text(&out.stderr);
        assert_eq!(out.status.code(), Some(2), "{args:?}: {err}");
        assert!(err.contains("Usage: svm"), "{args:?}: {err}");
        assert!(err.contains("FILE"), "{args:?}: {err}");
        assert!(out.stdout.is_empty(), "{args:?} started the REPL");
    }
    assert!(!Path::new(svg).exists(), "no flamegraph without a program");
}
