//! `svm fmt`: printing, `--check`, `-w`, standard input, lexical errors and usage errors.

mod common;

use std::fs;
use std::os::unix::fs::PermissionsExt;
use std::path::Path;
use std::time::{Duration, SystemTime};

use common::{program, run, text};

const MESSY: &str = "1  2 +\tprintln   # three\nsq:  dup * return\n\n\n\n  stop";
const TIDY: &str = "1 2 + println     # three\nsq:\n    dup * return\n\n    stop\n";

/// A time long past, given to files to see whether they are written again.
fn long_ago() -> SystemTime {
    SystemTime::UNIX_EPOCH + Duration::from_secs(1_000_000_000)
}

fn set_mtime(path: &Path, t: SystemTime) {
    fs::File::options()
        .write(true)
        .open(path)
        .unwrap()
        .set_modified(t)
        .unwrap();
}

fn mtime(path: &Path) -> SystemTime {
    fs::metadata(path).unwrap().modified().unwrap()
}

#[test]
fn prints_the_formatted_program() {
    let p = program("messy", MESSY);
    let out = run(&["fmt", p.to_str().unwrap()], "");
    assert_eq!(out.status.code(), Some(0), "{}", text(&out.stderr));
    assert_eq!(text(&out.stdout), TIDY);
    assert!(out.stderr.is_empty());
    assert_eq!(
        fs::read_to_string(&p).unwrap(),
        MESSY,
        "the file was changed"
    );
    // `.svm` may be left out, as when running.
    let out = run(&["fmt", p.with_extension("").to_str().unwrap()], "");
    assert_eq!(text(&out.stdout), TIDY);
}

#[test]
fn dash_formats_standard_input() {
    let out = run(&["fmt", "-"], MESSY);
    assert_eq!(out.status.code(), Some(0));
    assert_eq!(text(&out.stdout), TIDY);
    let out = run(&["fmt", "--check", "-"], TIDY);
    assert_eq!(out.status.code(), Some(0));
    let out = run(&["fmt", "--check", "-"], MESSY);
    assert_eq!(out.status.code(), Some(1));
    assert!(text(&out.stdout).starts_with("<stdin>:1: not formatted"));
}

#[test]
fn check_names_each_unformatted_file_and_its_first_difference() {
    let tidy = program("tidy", TIDY);
    let messy = program("messy-check", MESSY);
    set_mtime(&messy, long_ago());
    let out = run(&["fmt", "--check", tidy.to_str().unwrap()], "");
    assert_eq!(out.status.code(), Some(0));
    assert!(out.stdout.is_empty() && out.stderr.is_empty());
    let out = run(
        &[
            "fmt",
            "--check",
            tidy.to_str().unwrap(),
            messy.to_str().unwrap(),
        ],
        "",
    );
    assert_eq!(out.status.code(), Some(1));
    assert_eq!(
        text(&out.stdout),
        format!(
            "{}:1: not formatted\n  - \"1  2 +\\tprintln   # three\\n\"\n  + \"1 2 + println     # three\\n\"\n",
            messy.display()
        )
    );
    assert_eq!(fs::read_to_string(&messy).unwrap(), MESSY);
    assert_eq!(mtime(&messy), long_ago());
    // A difference that is only the end of the file.
    let no_newline = program("no-newline", "1 2");
    let out = run(&["fmt", "--check", no_newline.to_str().unwrap()], "");
    assert_eq!(out.status.code(), Some(1));
    assert!(
        text(&out.stdout).ends_with(":1: not formatted\n  - \"1 2\"\n  + \"1 2\\n\"\n"),
        "{}",
        text(&out.stdout)
    );
}

#[test]
fn the_examples_are_formatted() {
    let mut args = vec!["fmt".to_string(), "--check".to_string()];
    for entry in fs::read_dir(Path::new(env!("CARGO_MANIFEST_DIR")).join("../examples")).unwrap() {
        args.push(entry.unwrap().path().to_string_lossy().into_owned());
    }
    assert!(args.len() >= 12, "{args:?}");
    let args: Vec<&str> = args.iter().map(String::as_str).collect();
    let out = run(&args, "");
    assert_eq!(
        out.status.code(),
        Some(0),
        "{}{}",
        text(&out.stdout),
        text(&out.stderr)
    );
}

#[test]
fn write_rewrites_in_place_and_leaves_formatted_files_alone() {
    let messy = program("messy-write", MESSY);
    fs::set_permissions(&messy, fs::Permissions::from_mode(0o750)).unwrap();
    let tidy = program("tidy-write", TIDY);
    set_mtime(&tidy, long_ago());
    let out = run(
        &["fmt", "-w", messy.to_str().unwrap(), tidy.to_str().unwrap()],
        "",
    );
    assert_eq!(out.status.code(), Some(0), "{}", text(&out.stderr));
    assert_eq!(
        text(&out.stdout),
        format!("formatted {}\n", messy.display())
    );
    assert_eq!(fs::read_to_string(&messy).unwrap(), TIDY);
    let mode = fs::metadata(&messy).unwrap().permissions().mode();
    assert_eq!(mode & 0o777, 0o750, "permissions not kept: {mode:o}");
    assert_eq!(mtime(&tidy), long_ago(), "a formatted file was written");
    // Nothing else is left in the directory (no temporary file).
    let left: Vec<_> = fs::read_dir(messy.parent().unwrap()).unwrap().collect();
    assert_eq!(left.len(), 1, "{left:?}");
    // Again: nothing to do, nothing said.
    let out = run(&["fmt", "--write", messy.to_str().unwrap()], "");
    assert_eq!(out.status.code(), Some(0));
    assert!(out.stdout.is_empty() && out.stderr.is_empty());
}

#[test]
fn write_replaces_the_file_a_link_points_to() {
    let target = program("linked", MESSY);
    let link = target.with_file_name("link.svm");
    std::os::unix::fs::symlink(&target, &link).unwrap();
    let out = run(&["fmt", "-w", link.to_str().unwrap()], "");
    assert_eq!(out.status.code(), Some(0), "{}", text(&out.stderr));
    assert!(fs::symlink_metadata(&link).unwrap().is_symlink());
    assert_eq!(fs::read_to_string(&target).unwrap(), TIDY);
}

#[test]
fn a_read_only_file_is_not_rewritten() {
    let p = program("read-only", MESSY);
    fs::set_permissions(&p, fs::Permissions::from_mode(0o444)).unwrap();
    let out = run(&["fmt", "-w", p.to_str().unwrap()], "");
    assert_eq!(out.status.code(), Some(74));
    let err = text(&out.stderr);
    assert!(
        err.starts_with(&format!("error: cannot write {}", p.display())),
        "{err}"
    );
    assert_eq!(fs::read_to_string(&p).unwrap(), MESSY);
}

#[test]
fn a_lexical_error_is_reported_with_its_position_and_nothing_is_written() {
    let source = "1  2\n  dup \"open\n";
    let p = program("open-string", source);
    set_mtime(&p, long_ago());
    let name = p.to_str().unwrap();
    for flag in [&[][..], &["--check"], &["-w"]] {
        let mut args = vec!["fmt"];
        args.extend(flag);
        args.push(name);
        let out = run(&args, "");
        let err = text(&out.stderr);
        assert_eq!(out.status.code(), Some(65), "{flag:?}: {err}");
        assert!(out.stdout.is_empty(), "{flag:?}: {}", text(&out.stdout));
        assert!(
            err.starts_with("error: unterminated string: no closing `\"`"),
            "{err}"
        );
        assert!(err.contains(&format!(" --> {name}:2:7\n")), "{err}");
        assert!(err.ends_with(&format!("1 error in {name}\n")), "{err}");
        assert_eq!(fs::read_to_string(&p).unwrap(), source);
        assert_eq!(mtime(&p), long_ago());
    }
    // With other files: each is done, and the largest exit code given.
    let messy = program("messy-with-error", MESSY);
    let out = run(&["fmt", "--check", name, messy.to_str().unwrap()], "");
    assert_eq!(out.status.code(), Some(65));
    assert!(text(&out.stdout).contains(&format!("{}:1: not formatted", messy.display())));
    let out = run(&["fmt", "-w", name, messy.to_str().unwrap()], "");
    assert_eq!(out.status.code(), Some(65));
    assert_eq!(fs::read_to_string(&messy).unwrap(), TIDY);
}

#[test]
fn usage_errors() {
    let a = program("usage-a", TIDY);
    let a = a.to_str().unwrap();
    for (args, says, code) in [
        (&["fmt"][..], "required arguments were not provided", 64),
        (&["fmt", a, a], "several files need --check or -w", 64),
        (&["fmt", "--check", "-w", a], "cannot be used with", 64),
        (&["fmt", "-w", "-"], "cannot rewrite standard input", 64),
        (&["fmt", "--frob", a], "unexpected argument '--frob'", 64),
        (&["--trace", "fmt", a], "cannot read fmt", 66),
    ] {
        let out = run(args, "");
        let err = text(&out.stderr);
        assert_eq!(out.status.code(), Some(code), "{args:?}: {err}");
        assert!(err.contains(says), "{args:?}: {err}");
        assert!(out.stdout.is_empty(), "{args:?}");
    }
    let out = run(&["fmt", "--check", "/nonexistent/x.svm"], "");
    assert_eq!(out.status.code(), Some(66));
    assert!(text(&out.stderr).starts_with("error: cannot read /nonexistent/x.svm: no such file"));
}

#[test]
fn help_lists_fmt() {
    let help = text(&run(&["--help"], "").stdout);
    assert!(help.contains("svm <COMMAND>"), "{help}");
    assert!(help.contains("\n  fmt  Format programs"), "{help}");
    let help = text(&run(&["fmt", "--help"], "").stdout);
    assert!(
        help.contains("Usage: svm fmt [OPTIONS] <FILE>..."),
        "{help}"
    );
    assert!(
        help.contains("--check") && help.contains("-w, --write"),
        "{help}"
    );
}
