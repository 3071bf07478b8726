//! `svm` never loses output, never swallows an argument or a file, never writes raw
//! control characters, reads bounded input, and keeps to the exit codes of sysexits:
//! one test per defect found by trying it as a user would.

mod common;

use std::process::{Command, Output, Stdio};
use std::time::{Duration, Instant};

use common::{program, run, svm, text};

/// svm with `args`, its standard output going to `/dev/full` (every write fails with
/// "No space left on device"), `stdin` as its input.
fn to_full(args: &[&str], stdin: &str) -> Output {
    let full = std::fs::OpenOptions::new()
        .write(true)
        .open("/dev/full")
        .unwrap();
    let mut child = svm()
        .args(args)
        .stdin(Stdio::piped())
        .stdout(full)
        .stderr(Stdio::piped())
        .spawn()
        .unwrap();
    let _ = std::io::Write::write_all(&mut child.stdin.take().unwrap(), stdin.as_bytes());
    child.wait_with_output().unwrap()
}

/// svm with `args` and `stdin` redirected from `path` (a device, a directory).
fn reading(args: &[&str], path: &str) -> Output {
    let input = std::fs::File::open(path).unwrap();
    svm()
        .args(args)
        .stdin(input)
        .stdout(Stdio::piped())
        .stderr(Stdio::piped())
        .output()
        .unwrap()
}

#[test]
fn a_failed_write_is_never_silent_in_any_output_mode() {
    let hello = program("full-hello", "\"Hello\" println\n");
    let hello = hello.to_str().unwrap();
    let sleeper = program("full-sleep", "\"a\" println 10 sleep_ms \"b\" println\n");
    for (args, stdin) in [
        (vec![hello], ""),
        (vec!["--no-opt", hello], ""),
        (vec!["--trace", hello], ""),
        (vec!["--stats", hello], ""),
        (vec!["--profile", "-", hello], ""),
        (vec!["--ops"], ""),
        (vec!["--disasm", hello], ""),
        (vec!["--check", hello], ""),
        (vec!["fmt", hello], ""),
        (vec!["help"], ""),
        (vec![], "1 2 +\n"),
        (vec!["-e", "1 println"], ""),
    ] {
        let out = to_full(&args, stdin);
        let err = text(&out.stderr);
        assert_eq!(out.status.code(), Some(74), "{args:?}: {err}");
        assert!(err.contains("No space left on device"), "{args:?}: {err}");
    }
    // The position is the instruction whose output was lost: the first `println`, whose
    // line was written out before `sleep_ms`, not the second.
    let out = to_full(&[sleeper.to_str().unwrap()], "");
    let err = text(&out.stderr);
    assert_eq!(out.status.code(), Some(74), "{err}");
    assert!(err.contains("full-sleep.svm:1:5\n"), "{err}");
    assert!(
        err.contains("note: the system said: No space left on device"),
        "{err}"
    );
    // A profile that cannot be written: 74 with the reason.
    let out = run(&["--profile", "/dev/full", hello], "");
    assert_eq!(out.status.code(), Some(74), "{}", text(&out.stderr));
    assert!(text(&out.stderr).contains("No space left on device"));
}

#[test]
fn input_is_read_within_bounds() {
    // A source that never ends: refused at the limit, quickly and in little memory.
    let started = Instant::now();
    let out = svm()
        .arg("/dev/zero")
        .stdout(Stdio::piped())
        .stderr(Stdio::piped())
        .output()
        .unwrap();
    assert_eq!(out.status.code(), Some(65));
    assert!(
        text(&out.stderr).contains("/dev/zero is larger than a program may be"),
        "{}",
        text(&out.stderr)
    );
    assert!(started.elapsed() < Duration::from_secs(20));
    // `read` from an input with no line end: `string too long`, not an abort.
    let p = program("read-zero", "read dup println\n");
    let out = reading(&[p.to_str().unwrap()], "/dev/zero");
    assert_eq!(out.status.code(), Some(70), "{}", text(&out.stderr));
    assert!(text(&out.stderr).contains("string too long: `read`"));
    // An input that cannot be read is an I/O error at the `read`, not the end of input.
    let out = reading(&[p.to_str().unwrap()], "/tmp");
    assert_eq!(out.status.code(), Some(74));
    let err = text(&out.stderr);
    assert!(
        err.contains("cannot read the input: Is a directory"),
        "{err}"
    );
    assert!(err.contains("read-zero.svm:1:1"), "{err}");
}

#[test]
fn every_file_given_to_check_and_disasm_counts() {
    let good = program("chk-good", "1 println\n");
    let bad = program("chk-bad", "1 nope call\n");
    let (g, b) = (good.to_str().unwrap(), bad.to_str().unwrap());
    let out = run(&["--check", g, b], "");
    assert_eq!(out.status.code(), Some(65));
    assert!(text(&out.stdout).contains("chk-good.svm: ok (2 instructions, 0 labels)"));
    let err = text(&out.stderr);
    assert!(
        err.contains("undefined label `nope`") && err.contains("chk-bad.svm:1:3"),
        "{err}"
    );
    let out = run(&["--check", g, "/no/such.svm"], "");
    assert_eq!(out.status.code(), Some(66));
    assert!(text(&out.stderr).contains("cannot read /no/such.svm"));
    let out = run(&["--disasm", g, g], "");
    assert_eq!(out.status.code(), Some(0));
    assert_eq!(text(&out.stdout).matches("; 2 instructions").count(), 2);
    assert_eq!(text(&out.stdout).matches("chk-good.svm").count(), 2);
}

#[test]
fn each_argument_is_exactly_one_value() {
    let p = program("args", "println println println println println\n");
    let out = run(
        &[p.to_str().unwrap(), "1 # c", "2", "", "\"a b", "\"x\\ty\""],
        "",
    );
    assert_eq!(out.status.code(), Some(0), "{}", text(&out.stderr));
    assert_eq!(text(&out.stdout), "x\ty\n\"a b\n\n2\n1 # c\n");
    // Numbers are numbers, and a word is a string.
    let p = program("args-types", "+ println cast_str println\n");
    let out = run(&[p.to_str().unwrap(), "word", "-3", "5"], "");
    assert_eq!(text(&out.stdout), "2\nword\n");
    let out = run(&[p.to_str().unwrap(), "\"a\" \"b\""], "");
    assert_eq!(out.status.code(), Some(64));
    assert!(text(&out.stderr).contains("argument 1"));
}

#[test]
fn control_characters_are_shown_escaped() {
    let p = program("esc", "x\u{1b}]0;PWNED\u{7} 1\n");
    let out = run(&[p.to_str().unwrap()], "");
    let err = text(&out.stderr);
    assert!(!err.contains('\u{1b}') && !err.contains('\u{7}'), "{err:?}");
    assert!(err.contains("x\\u{1b}]0;PWNED\\u{7} 1"), "{err}");
    // Values in stack displays and traces; the program's own output stays exact.
    let p = program("esc-values", "\"a\\u{1b}b\\u{0}\" dup println 1 0 /\n");
    let out = run(&["--trace", p.to_str().unwrap()], "");
    assert_eq!(out.stdout, b"a\x1bb\x00\n");
    let err = text(&out.stderr);
    assert!(!err.contains('\u{1b}') && !err.contains('\u{0}'), "{err:?}");
    assert!(
        err.contains("data stack (3 values, top last): \"a\\u{1b}b\\u{0}\" 1 0"),
        "{err}"
    );
    let out = run(&[], "\"\\u{1b}[2J\"\n");
    assert_eq!(text(&out.stdout), "[\"\\u{1b}[2J\"]\n");
}

#[test]
fn the_repl_redefines_acknowledges_and_reloads() {
    let out = run(
        &[],
        "sq: dup * return 3 sq call println\nsq: dup dup * * return\n2 sq call\n:words\n",
    );
    assert_eq!(
        text(&out.stdout),
        "9\n[]\n[]\n[8]\nsq               <repl>:2:1\n[8]\n"
    );
    assert_eq!(text(&out.stderr), "defined `sq`\nredefined `sq`\n");
    // :reload takes a file's new text, replacing its labels; errors name the file.
    let lib = program("lib", "double: 2 * return\n");
    let out = Command::new("sh")
        .arg("-c")
        .arg(format!(
            "{{ echo ':load {0}'; echo '4 double call'; sleep 0.3; echo ':reload'; echo '4 double call'; echo 'half call'; }} | {1}",
            lib.display(),
            env!("CARGO_BIN_EXE_svm")
        ))
        .env("SVM_TEST_LIB", &lib)
        .stdin(Stdio::null())
        .stdout(Stdio::piped())
        .stderr(Stdio::piped())
        .spawn()
        .unwrap();
    std::thread::sleep(Duration::from_millis(150));
    std::fs::write(&lib, "double: 3 * return\nhalf: 0 / return\n").unwrap();
    let out = out.wait_with_output().unwrap();
    let (o, e) = (text(&out.stdout), text(&out.stderr));
    assert!(o.starts_with("[]\n[8]\n[8]\n[8 12]\n"), "{o}\n{e}");
    assert!(e.contains("redefined `double`"), "{e}");
    assert!(
        e.contains("division by zero") && e.contains("lib.svm:2:9"),
        "{e}"
    );
    assert!(!e.contains("did you forget `stop`"), "{e}");
}

#[test]
fn repl_commands_take_their_arguments() {
    let out = run(
        &[],
        ":help dup\n:ops swap\nf: 1 + return\n:disasm f\n:trace on\n2 f call\n",
    );
    let o = text(&out.stdout);
    assert!(o.starts_with("dup       ( a -- a a )"), "{o}");
    assert!(o.contains("swap      ( a b -- b a )"), "{o}");
    assert!(
        o.contains("                 f:\n") && o.contains("  return\n"),
        "{o}"
    );
    let e = text(&out.stderr);
    assert!(e.contains("stack before the instruction"), "{e}");
    assert!(e.contains("call             [2 1]"), "{e}");
    assert!(o.ends_with("[3]\n"), "{o}");
}

#[test]
fn help_usage_and_exit_codes() {
    let out = run(&["help"], "");
    assert_eq!(out.status.code(), Some(0));
    assert!(text(&out.stdout).contains("Usage: svm"));
    let out = run(&["help", "fmt"], "");
    assert!(
        text(&out.stdout).contains("Usage: svm fmt"),
        "{}",
        text(&out.stderr)
    );
    let out = run(&["repl", "5"], "");
    assert_eq!(out.status.code(), Some(64));
    let out = run(&["repl", "--help"], "");
    assert_eq!(out.status.code(), Some(0));
    assert!(text(&out.stdout).contains(":reload"));
    let out = run(&["--disasm", "--trace", "examples/fib"], "");
    assert_eq!(out.status.code(), Some(64));
    let out = run(&["--profile", "-", "examples/fib", "3"], "");
    assert!(
        text(&out.stdout).starts_with("2\nmain"),
        "{}",
        text(&out.stdout)
    );
    assert!(!std::path::Path::new("../-").exists() && !std::path::Path::new("-").exists());
    let out = run(&["--frobnicate"], "");
    assert_eq!(out.status.code(), Some(64));
    let out = run(&["-e", "\"abc\" print 1 0 /"], "");
    assert_eq!(out.status.code(), Some(70));
    assert_eq!(text(&out.stdout), "abc");
    let out = run(
        &[
            "--stats",
            "-e",
            "0 l: 1 + dup 100000 < l done if jmp done: stop",
        ],
        "",
    );
    assert!(
        text(&out.stderr).contains("steps: 900,002 "),
        "{}",
        text(&out.stderr)
    );
    let man = text(&run(&["--man"], "").stdout);
    for part in ["EXIT STATUS", "ENVIRONMENT", "NO_COLOR", "64", "74"] {
        assert!(man.contains(part), "{part}");
    }
}

#[test]
fn colours_follow_the_option_and_the_environment() {
    let bad = ["-e", "1 nope call"];
    let with = |args: &[&str], env: &[(&str, &str)]| {
        let mut c = svm();
        c.args(args)
            .env_remove("NO_COLOR")
            .env_remove("CLICOLOR_FORCE");
        for (k, v) in env {
            c.env(k, v);
        }
        text(&c.output().unwrap().stderr)
    };
    assert!(!with(&bad, &[]).contains('\u{1b}'), "not a terminal");
    assert!(with(&[&["--color=always"][..], &bad].concat(), &[]).contains("\u{1b}[1;31merror"));
    assert!(with(&bad, &[("CLICOLOR_FORCE", "1")]).contains('\u{1b}'));
    assert!(!with(
        &[&["--color=never"][..], &bad].concat(),
        &[("CLICOLOR_FORCE", "1")]
    )
    .contains('\u{1b}'));
}

#[test]
fn help_and_version_on_a_full_disk_are_failures_too() {
    for args in [&["--help"][..], &["-V"], &["fmt", "--help"]] {
        let out = to_full(args, "");
        assert_eq!(out.status.code(), Some(74), "{args:?}");
    }
}

#[test]
fn a_piped_repl_reports_failed_loads_and_commands_in_its_exit_code() {
    let bad = program("bad-lib", "1 nope call\n");
    let out = run(&[], &format!(":load {}\n", bad.display()));
    assert_eq!(out.status.code(), Some(65), "{}", text(&out.stderr));
    assert_eq!(run(&[], ":load /no/such.svm\n").status.code(), Some(66));
    assert_eq!(run(&[], ":frobnicate\n").status.code(), Some(64));
}

#[test]
fn repl_calls_are_placed_in_their_own_source_and_reload_drops_removed_labels() {
    let lib = program("placed", "boom: 1 0 / return\nsq: dup * return\n");
    let out = run(&[], &format!(":load {}\n\nboom call\n", lib.display()));
    let e = text(&out.stderr);
    assert!(e.contains("--> "), "{e}");
    assert!(e.contains("placed.svm:1:11"), "{e}");
    assert!(e.contains("in boom (called at <repl>:3:6)"), "{e}");
    // The file loses `boom`: after :reload it is gone, and `sq` stays.
    let script = format!(
        "{{ echo ':load {0}'; sleep 0.4; echo ':reload'; echo ':words'; }} | {1}",
        lib.display(),
        env!("CARGO_BIN_EXE_svm")
    );
    let child = Command::new("sh")
        .args(["-c", &script])
        .stdout(Stdio::piped())
        .stderr(Stdio::piped())
        .spawn()
        .unwrap();
    std::thread::sleep(Duration::from_millis(200));
    std::fs::write(&lib, "sq: dup * return\n").unwrap();
    let out = child.wait_with_output().unwrap();
    let (o, e) = (text(&out.stdout), text(&out.stderr));
    assert!(e.contains("removed `boom`"), "{e}");
    assert!(!o.contains("boom"), "{o}");
    assert!(
        o.contains("placed.svm:1:1") && o.starts_with("[]\n[]\nsq "),
        "{o}"
    );
}

#[test]
fn names_and_invisible_characters_stay_on_their_line() {
    let dir = common::scratch("odd-names");
    let odd = dir.join("n\nl.svm");
    std::fs::write(&odd, "1 nope call\n").unwrap();
    let out = run(&[odd.to_str().unwrap()], "");
    let e = text(&out.stderr);
    assert!(e.contains("n\\nl.svm:1:3"), "{e}");
    let bom = program("bom", "\u{feff}1 println\n");
    let e = text(&run(&[bom.to_str().unwrap()], "").stderr);
    assert!(e.contains("\\u{feff}1"), "{e}");
}

#[test]
fn files_after_e_are_checked_and_headers_name_every_file() {
    let good = program("e-good", "1 println\n");
    let out = run(&["--check", "-e", "1 +", good.to_str().unwrap()], "");
    let o = text(&out.stdout);
    assert!(
        o.contains("<-e>: ok") && o.contains("e-good.svm: ok"),
        "{o}"
    );
    let out = run(&["--disasm", good.to_str().unwrap(), "/no/such.svm"], "");
    assert_eq!(out.status.code(), Some(66));
    assert!(text(&out.stdout).starts_with("; "), "{}", text(&out.stdout));
    assert!(text(&out.stdout).contains("e-good.svm"));
    let out = run(&["--flamegraph", "-", "examples/fib", "3"], "");
    assert!(text(&out.stdout).contains("<svg"), "{}", text(&out.stderr));
    let out = run(&["--profile", "p", "--flamegraph", "p", "examples/fib"], "");
    assert_eq!(out.status.code(), Some(64));
}

#[test]
fn the_repl_starts_its_stack_on_a_new_line() {
    let out = run(
        &[],
        "\"abc\" print 9\n0 l: 1 + dup 3 < l e if jmp e: drop\n",
    );
    assert_eq!(text(&out.stdout), "abc\n[9]\n[9]\n");
    assert_eq!(
        text(&out.stderr),
        "",
        "labels inside code are not definitions"
    );
}
