//! Helpers shared by the tests of the built `svm` binary.

#![allow(dead_code)]

use std::io::Write;
use std::path::{Path, PathBuf};
use std::process::{Command, Output, Stdio};

/// The `svm` binary, run from the repository's root.
pub fn svm() -> Command {
    let mut c = Command::new(env!("CARGO_BIN_EXE_svm"));
    c.current_dir(Path::new(env!("CARGO_MANIFEST_DIR")).join(".."));
    c
}

/// Runs svm with `args`, `stdin` as its input (which it may not read whole).
pub fn run(args: &[&str], stdin: &str) -> Output {
    run_env(args, stdin, &[])
}

/// [`run`] with environment variables set.
pub fn run_env(args: &[&str], stdin: &str, vars: &[(&str, &str)]) -> Output {
    let mut child = svm()
        .envs(vars.iter().copied())
        .args(args)
        .stdin(Stdio::piped())
        .stdout(Stdio::piped())
        .stderr(Stdio::piped())
        .spawn()
        .unwrap();
    let _ = child.stdin.take().unwrap().write_all(stdin.as_bytes());
    child.wait_with_output().unwrap()
}

/// Bytes as text.
pub fn text(bytes: &[u8]) -> String {
    String::from_utf8_lossy(bytes).into_owned()
}

/// An empty temporary directory, `name` telling it from the others of this process.
pub fn scratch(name: &str) -> PathBuf {
    let dir = std::env::temp_dir().join(format!("svm-test-{}-{name}", std::process::id()));
    let _ = std::fs::remove_dir_all(&dir);
    std::fs::create_dir_all(&dir).unwrap();
    dir
}

/// A program file `NAME.svm` with `source` in a fresh temporary directory.
pub fn program(name: &str, source: &str) -> PathBuf {
    let path = scratch(name).join(format!("{name}.svm"));
    std::fs::write(&path, source).unwrap();
    path
}
