//! Usage errors and how the command line is read: options that need a program file,
//! and the program's own arguments after FILE.

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
    ] {
        let out = run(args, "");
        let err = text(&out.stderr);
        assert_eq!(out.status.code(), Some(2), "{args:?}: {err}");
        assert!(err.contains("Usage: svm"), "{args:?}: {err}");
        assert!(err.contains("FILE"), "{args:?}: {err}");
        assert!(out.stdout.is_empty(), "{args:?} started the REPL");
    }
    assert!(!Path::new(svg).exists(), "no flamegraph without a program");
}
