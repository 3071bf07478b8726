//! One golden rendering per kind of error: each `tests/golden/errors/NAME.svm` runs
//! with `svm` and what it prints (exit code, stdout, stderr with the caret lines, the
//! stack trace and the data stack) must equal `NAME.expected` byte for byte.
//!
//! A program's comments may say `# flags: ...` (options before the file) and
//! `# args: ...` (arguments after it). After a deliberate change of the rendering,
//! `BLESS=1 cargo test -p vm-cli --test errors` rewrites the expected files; review
//! their diff before committing it.

use std::path::{Path, PathBuf};
use std::process::Command;

fn root() -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR")).join("..")
}

/// The value of `# KEY: VALUE` in `source`, split at whitespace.
fn words(source: &str, key: &str) -> Vec<String> {
    let marker = format!("# {key}:");
    source
        .lines()
        .filter_map(|l| l.strip_prefix(&marker))
        .flat_map(|v| v.split_whitespace().map(str::to_string))
        .collect()
}

/// What `svm` prints for the program at `rel` (a path from the repository's root).
fn render(rel: &str) -> String {
    let source = std::fs::read_to_string(root().join(rel)).unwrap();
    let out = Command::new(env!("CARGO_BIN_EXE_svm"))
        .current_dir(root())
        .args(words(&source, "flags"))
        .arg(rel)
        .args(words(&source, "args"))
        .output()
        .unwrap();
    format!(
        "exit: {}\n--- stdout\n{}--- stderr\n{}",
        out.status
            .code()
            .map_or("none".to_string(), |c| c.to_string()),
        String::from_utf8_lossy(&out.stdout),
        String::from_utf8_lossy(&out.stderr)
    )
}

#[test]
fn every_kind_of_error_renders_as_pinned() {
    let dir = Path::new(env!("CARGO_MANIFEST_DIR")).join("tests/golden/errors");
    let mut names: Vec<String> = std::fs::read_dir(&dir)
        .unwrap()
        .filter_map(|e| {
            let name = e.unwrap().file_name().into_string().unwrap();
            name.strip_suffix(".svm").map(str::to_string)
        })
        .collect();
    names.sort();
    assert!(names.len() >= 20, "only {} programs", names.len());
    let bless = std::env::var_os("BLESS").is_some();
    let mut wrong = Vec::new();
    for name in &names {
        let got = render(&format!("vm-cli/tests/golden/errors/{name}.svm"));
        let path = dir.join(format!("{name}.expected"));
        if bless {
            std::fs::write(&path, &got).unwrap();
            continue;
        }
        let expected = std::fs::read_to_string(&path).unwrap_or_default();
        if got != expected {
            wrong.push(format!("{name}:\n--- expected\n{expected}\n--- got\n{got}"));
        }
    }
    assert!(wrong.is_empty(), "{}", wrong.join("\n"));
}
