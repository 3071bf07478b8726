//! Tests of the built `svm` binary: exit codes, stderr format, flags, REPL, bad input.

mod common;

use common::{run, run_env, svm, text};
use std::io::{BufRead, BufReader};
use std::path::{Path, PathBuf};
use std::process::{Output, Stdio};

/// A temporary file with `contents`, removed when dropped.
struct TempFile(PathBuf);

impl TempFile {
    fn new(name: &str, contents: &[u8]) -> TempFile {
        let dir = std::env::temp_dir().join(format!("svm-cli-test-{}", std::process::id()));
        std::fs::create_dir_all(&dir).unwrap();
        let path = dir.join(name);
        std::fs::write(&path, contents).unwrap();
        TempFile(path)
    }

    fn path(&self) -> &str {
        self.0.to_str().unwrap()
    }
}

impl Drop for TempFile {
    fn drop(&mut self) {
        let _ = std::fs::remove_file(&self.0);
    }
}

#[test]
fn runs_fib_like_the_seed() {
    let out = run(&["examples/fib", "5"], "");
    assert_eq!(text(&out.stdout), "5\n");
    assert_eq!(out.status.code(), Some(0));
    let out = run(&["examples/fib.svm", "10"], "");
    assert_eq!(text(&out.stdout), "55\n");
}

#[test]
fn exit_codes() {
    let f = TempFile::new("exit3.svm", b"3 exit");
    assert_eq!(run(&[f.path()], "").status.code(), Some(3));
    let f = TempFile::new("exitneg.svm", b"-1 exit");
    assert_eq!(run(&[f.path()], "").status.code(), Some(255));
    let f = TempFile::new("empty.svm", b"");
    let out = run(&[f.path()], "");
    assert_eq!(out.status.code(), Some(0));
    assert!(out.stdout.is_empty() && out.stderr.is_empty());
}

#[test]
fn compile_errors_render_with_position_and_exit_65() {
    let f = TempFile::new("bad.svm", b"1 2 +\n  foo println \"open\n");
    let out = run(&[f.path()], "");
    assert_eq!(out.status.code(), Some(65));
    let err = text(&out.stderr);
    let expected = format!(
        "error: undefined label `foo` (1 reference)\n --> {p}:2:3\n  |\n2 |   foo println \"open\n  |   ^^^\n",
        p = f.path()
    );
    assert!(err.starts_with(&expected), "{err}");
    assert!(
        err.contains(&format!(
            "error: unterminated string: no closing `\"`\n --> {}:2:15\n",
            f.path()
        )),
        "{err}"
    );
    assert!(
        err.ends_with(&format!("2 errors in {}\n", f.path())),
        "{err}"
    );
    assert!(out.stdout.is_empty());
}

#[test]
fn runtime_errors_have_a_trace_and_exit_70() {
    let f = TempFile::new(
        "rt.svm",
        b"\"before\" println\n10 0 divide call\nstop\ndivide:\n    / return\n",
    );
    let out = run(&[f.path()], "");
    assert_eq!(out.status.code(), Some(70));
    assert_eq!(text(&out.stdout), "before\n");
    let p = f.path();
    assert_eq!(
        text(&out.stderr),
        format!(
            "error: division by zero in `/`\n --> {p}:5:5\n  |\n5 |     / return\n  |     ^\n\
             stack trace, innermost first:\n    in divide (called at {p}:2:13)\n    in the main program\n\
             data stack (2 values, top last): 10 0\n"
        )
    );
}

#[test]
fn usage_errors_and_missing_files_exit_as_sysexits_says() {
    let out = run(&["no/such/file.svm"], "");
    assert_eq!(out.status.code(), Some(66));
    assert!(
        text(&out.stderr).contains("no such file"),
        "{}",
        text(&out.stderr)
    );
    let out = run(&["examples"], "");
    assert_eq!(out.status.code(), Some(66));
    assert!(text(&out.stderr).contains("is a directory"));
    let out = run(&["examples/fib", "\"a\" \"b\""], "");
    assert_eq!(out.status.code(), Some(64));
    assert!(
        text(&out.stderr)
            .contains("argument 1 (\"\\\"a\\\" \\\"b\\\"\") is not one string literal"),
        "{}",
        text(&out.stderr)
    );
    let out = run(&["--bogus"], "");
    assert_eq!(out.status.code(), Some(64));
}

#[test]
fn arguments_are_literals() {
    let f = TempFile::new("args.svm", b"println println println");
    let out = run(&[f.path(), "-7", "true", "\"hi there\""], "");
    assert_eq!(text(&out.stdout), "hi there\ntrue\n-7\n");
}

#[test]
fn invalid_utf8_names_the_byte() {
    let f = TempFile::new("latin1.svm", b"\"caf\xe9\" println\n");
    let out = run(&[f.path()], "");
    assert_eq!(out.status.code(), Some(65));
    let err = text(&out.stderr);
    assert!(
        err.contains("not valid UTF-8: invalid byte 0xe9 at byte offset 4"),
        "{err}"
    );
    assert!(err.contains(":1:5"), "{err}");
}

#[test]
fn check_and_disasm() {
    let out = run(&["--check", "examples/fib"], "");
    assert_eq!(out.status.code(), Some(0));
    assert!(text(&out.stdout).contains("ok"));
    let f = TempFile::new("c.svm", b"1 nope");
    assert_eq!(run(&["--check", f.path()], "").status.code(), Some(65));
    let out = run(&["--disasm", "examples/fib"], "");
    let d = text(&out.stdout);
    assert!(d.contains("fib:") && d.contains("recur (address"), "{d}");
    assert!(d.lines().any(|l| l.trim_start().starts_with("0 ")), "{d}");
}

/// `--disasm --blocks` prints what the optimizer made of the program; `--blocks`
/// alone is a usage error.
#[test]
fn disasm_blocks() {
    let out = run(
        &["--disasm", "--blocks", "benches/programs/count_loop.svm"],
        "",
    );
    assert_eq!(out.status.code(), Some(0));
    let d = text(&out.stdout);
    assert!(d.starts_with("; 2 blocks\n"), "{d}");
    assert!(
        d.contains(
            "    s0 = s0 + 1\n    s1 = s0 < 10000000\n    if s1 jmp 2 `loop` else 12 `end` (a loop: goes round while s1 is true)\n"
        ),
        "{d}"
    );
    let out = run(&["--disasm", "--blocks", "--no-opt", "examples/fib"], "");
    assert_eq!(text(&out.stdout), "; 0 blocks\n");
    let out = run(&["--blocks", "examples/fib"], "");
    assert_eq!(out.status.code(), Some(64));
    let help = text(&run(&["--help"], "").stdout);
    assert!(help.contains("--blocks"), "{help}");
}

#[test]
fn input_and_end_of_input() {
    let f = TempFile::new(
        "echo.svm",
        b"read println read println read \"\" == println",
    );
    let out = run(&[f.path()], "  first  \r\nsecond");
    assert_eq!(text(&out.stdout), "first\nsecond\ntrue\n");
}

#[test]
fn limits_are_runtime_errors() {
    let f = TempFile::new("loop.svm", b"l: l jmp");
    let out = run(&["--max-steps", "1000", f.path()], "");
    assert_eq!(out.status.code(), Some(70));
    assert!(text(&out.stderr).contains("step limit: 1000 steps"));
    let f = TempFile::new("push.svm", b"l: 1 l jmp");
    let out = run(&["--max-stack", "50", f.path()], "");
    assert_eq!(out.status.code(), Some(70));
    assert!(text(&out.stderr).contains("stack overflow: the data stack is limited to 50 values"));
    let f = TempFile::new("rec.svm", b"r: r call");
    let out = run(&[f.path()], "");
    assert_eq!(out.status.code(), Some(70));
    let err = text(&out.stderr);
    assert!(
        err.contains("the return stack is limited to 100000 calls"),
        "{}",
        &err[..200.min(err.len())]
    );
}

#[test]
fn stats_and_trace_go_to_stderr() {
    let out = run(&["--stats", "examples/fib", "5"], "");
    assert_eq!(text(&out.stdout), "5\n");
    assert!(
        text(&out.stderr).starts_with("steps: "),
        "{}",
        text(&out.stderr)
    );
    let f = TempFile::new("t.svm", b"1 2 + println");
    let out = run(&["--trace", f.path()], "");
    assert_eq!(text(&out.stdout), "3\n");
    let lines: Vec<String> = text(&out.stderr)
        .lines()
        .map(|l| l.split_whitespace().collect::<Vec<_>>().join(" "))
        .collect();
    assert_eq!(
        lines,
        [
            "step addr line:col instruction stack before the instruction (top on the right)",
            "0 0 1:1 1 []",
            "1 1 1:3 2 [1]",
            "2 2 1:5 + [1 2]",
            "3 3 1:7 println [3]"
        ]
    );
}

#[test]
fn step_mode_shows_each_instruction() {
    let f = TempFile::new("s.svm", b"1 2\n+ println");
    let out = run(&["--step", f.path()], "\ns\nc\n");
    assert_eq!(text(&out.stdout), "3\n");
    let err = text(&out.stderr);
    assert!(err.contains("-- step 0 · address 0"), "{err}");
    assert!(err.contains("-- step 2 · address 2"), "{err}");
    assert!(err.contains("2 | + println\n  | ^\n"), "{err}");
    assert!(err.contains("stack: [1 2]"), "{err}");
    assert!(
        !err.contains("-- step 3"),
        "continue should not stop again: {err}"
    );
    let out = run(&["--step", f.path()], "q\n");
    assert!(out.stdout.is_empty());
}

#[test]
fn repl_keeps_the_stack_and_labels() {
    let out = run(
        &["repl"],
        "1 2 +\nsq: dup * return\n7 sq call return\nfoo\n\"a\" 1 +\ndrop drop +\n:clear\n",
    );
    assert_eq!(
        text(&out.stdout),
        "[3]\n[3]\n[3 49]\n[3 49 \"a\" 1]\n[52]\n[]\n"
    );
    let err = text(&out.stderr);
    assert!(err.contains("return with no call"), "{err}");
    assert!(err.contains("undefined label `foo`"), "{err}");
    assert!(
        err.contains("--> <repl>:5:7"),
        "REPL positions count typed lines: {err}"
    );
    assert_eq!(out.status.code(), Some(70));
    // No file at all is the REPL too.
    assert_eq!(text(&run(&[], "\"hi\" println\n").stdout), "hi\n[]\n");
}

#[test]
fn closed_pipe_ends_quietly() {
    let f = TempFile::new("many.svm", b"0 l: dup println 1 + l jmp");
    let mut child = svm()
        .arg(f.path())
        .stdout(Stdio::piped())
        .stderr(Stdio::piped())
        .spawn()
        .unwrap();
    let mut first = String::new();
    BufReader::new(child.stdout.take().unwrap())
        .read_line(&mut first)
        .unwrap();
    assert_eq!(first, "0\n");
    // The reader is gone now; the program must end by itself, saying nothing.
    let out = child.wait_with_output().unwrap();
    assert_eq!(out.status.code(), Some(141));
    assert!(out.stderr.is_empty(), "{}", text(&out.stderr));
}

/// The number after `key` in `--stats` output.
fn stat(stderr: &str, key: &str) -> u64 {
    let after = stderr
        .split(key)
        .nth(1)
        .unwrap_or_else(|| panic!("no {key:?} in {stderr}"));
    let n = after.split_whitespace().next().unwrap();
    n.replace(',', "").parse().unwrap()
}

#[test]
fn a_hot_run_moves_into_the_tier_and_runs_the_same() {
    // fib 25 is about 4.5 million steps: hot after 100,000. (SVM_TIER_AT makes the
    // move at a set step, not when the compiling thread is done.)
    let a = run_env(
        &["--stats", "examples/fib", "25"],
        "",
        &[("SVM_TIER_AT", "100000")],
    );
    let b = run(&["--stats", "--no-tier", "examples/fib", "25"], "");
    assert_eq!(text(&a.stdout), "75025\n");
    assert_eq!(a.stdout, b.stdout);
    let (ea, eb) = (text(&a.stderr), text(&b.stderr));
    assert_eq!(stat(&ea, "steps: "), stat(&eb, "steps: "));
    assert!(stat(&eb, "steps: ") > 4_000_000, "{eb}");
    // With the tier, the module is compiled and most steps run in it.
    if cfg!(feature = "tier") {
        assert!(
            ea.contains("\ntier: ") && ea.contains(" blocks compiled"),
            "{ea}"
        );
        assert!(
            stat(&ea, "compiled: ") * 10 > stat(&ea, "steps: ") * 9,
            "{ea}"
        );
    } else {
        assert!(ea.contains("tier: off (not in this build of svm)"), "{ea}");
    }
    assert_eq!(stat(&eb, "compiled: "), 0);
    assert!(eb.contains("tier: off (--no-tier)"), "{eb}");
    // A short run compiles nothing.
    let c = text(&run(&["--stats", "examples/hello.svm"], "").stderr);
    assert!(
        c.contains("tier: nothing compiled") || !cfg!(feature = "tier"),
        "{c}"
    );
    // Nor does a traced or profiled one (they watch every step).
    let d = run(&["--stats", "--profile", "-", "examples/fib", "20"], "");
    assert!(
        text(&d.stderr).contains("tier: off (a traced or profiled run)"),
        "{}",
        text(&d.stderr)
    );
    // Errors and exit codes are the interpreter's, at the same position and step.
    let src = TempFile::new(
        "deep.svm",
        b"0 loop: 1 + dup 2000000 < loop end if jmp\nend: dup 0 swap - 9223372036854775807 swap - println\n",
    );
    let tiered = run_env(&["--stats", src.path()], "", &[("SVM_TIER_AT", "1000")]);
    let plain = run(&["--stats", "--no-tier", src.path()], "");
    assert_eq!(tiered.status.code(), Some(70));
    assert_eq!(tiered.status.code(), plain.status.code());
    let (et, ep) = (text(&tiered.stderr), text(&plain.stderr));
    assert!(et.contains("overflow"), "{et}");
    assert!(
        cfg!(not(feature = "tier")) || stat(&et, "compiled: ") > 1_000_000,
        "{et}"
    );
    let message = |e: &str| e.split("steps: ").next().unwrap().to_string();
    assert_eq!(message(&et), message(&ep));
    assert_eq!(stat(&et, "steps: "), stat(&ep, "steps: "));
}

#[test]
fn no_opt_runs_the_same() {
    let a = run(&["--stats", "examples/fib", "12"], "");
    let b = run(&["--stats", "--no-opt", "examples/fib", "12"], "");
    assert_eq!(text(&a.stdout), "144\n");
    assert_eq!(a.stdout, b.stdout);
    let steps = |o: &Output| {
        text(&o.stderr)
            .split_whitespace()
            .nth(1)
            .unwrap()
            .to_string()
    };
    assert_eq!(steps(&a), steps(&b));
    // The optimized run took its blocks (most of its steps), the other none.
    let in_blocks = |o: &Output| -> u64 {
        let e = text(&o.stderr);
        let after = e
            .split("in blocks: ")
            .nth(1)
            .unwrap_or_else(|| panic!("{e}"));
        let n = after.split_whitespace().next().unwrap();
        n.replace(',', "").parse().unwrap()
    };
    let total: u64 = steps(&a).replace(',', "").parse().unwrap();
    assert!(in_blocks(&a) * 10 > total * 9, "{}", text(&a.stderr));
    assert_eq!(in_blocks(&b), 0);
    let d = text(&run(&["--disasm", "examples/fib"], "").stdout);
    assert!(d.contains("run as one"), "{d}");
}

#[test]
fn ops_lists_the_table() {
    let out = run(&["--ops"], "");
    let t = text(&out.stdout);
    assert!(t.contains("rot") && t.contains("( a b c -- b c a )"));
    assert_eq!(t.lines().count(), vm_core::OPS.len());
}

#[test]
fn nul_bytes_are_an_error_with_a_position() {
    let f = TempFile::new("nul.svm", b"1 \x00 2 println");
    let out = run(&[f.path()], "");
    assert_eq!(out.status.code(), Some(65));
    let err = text(&out.stderr);
    assert!(err.contains("invalid character U+0000"), "{err}");
    assert!(err.contains(":1:3"), "{err}");
}

#[test]
fn a_50_mb_file_is_refused_at_once() {
    let f = TempFile::new(
        "big.svm",
        "1 drop\n".repeat(50 * 1024 * 1024 / 7).as_bytes(),
    );
    let started = std::time::Instant::now();
    let out = run(&[f.path()], "");
    assert_eq!(out.status.code(), Some(65));
    assert!(
        text(&out.stderr).contains("is larger than a program may be: more than 16,777,216 bytes"),
        "{}",
        text(&out.stderr)
    );
    assert!(started.elapsed().as_secs() < 30);
}

#[test]
fn a_million_labels_and_a_very_long_line() {
    let labels: Vec<String> = (0..1_000_000).map(|i| format!("l{i}:")).collect();
    let f = TempFile::new(
        "labels.svm",
        format!("{} \"done\" println", labels.join(" ")).as_bytes(),
    );
    let out = run(&[f.path()], "");
    assert_eq!(
        (out.status.code(), text(&out.stdout).as_str()),
        (Some(0), "done\n")
    );
    let f = TempFile::new(
        "long.svm",
        format!("0 {}println", "1 + ".repeat(300_000)).as_bytes(),
    );
    let out = run(&[f.path()], "");
    assert_eq!(
        (out.status.code(), text(&out.stdout).as_str()),
        (Some(0), "300000\n")
    );
}

#[test]
fn an_unreadable_file_is_no_input() {
    // Reading a process's memory from offset 0 fails: a file that exists but cannot be read,
    // even for root.
    let out = run(&["/proc/self/mem"], "");
    assert_eq!(out.status.code(), Some(66));
    assert!(
        text(&out.stderr).starts_with("error: cannot read /proc/self/mem"),
        "{}",
        text(&out.stderr)
    );
}

#[test]
fn read_on_a_closed_stdin_is_end_of_input() {
    let f = TempFile::new("closed.svm", b"read \"\" == println");
    let out = svm().arg(f.path()).stdin(Stdio::null()).output().unwrap();
    assert_eq!(text(&out.stdout), "true\n");
    assert_eq!(out.status.code(), Some(0));
}

#[test]
fn profile_writes_folded_stacks_and_a_flamegraph() {
    let dir = std::env::temp_dir().join(format!("svm-profile-{}", std::process::id()));
    std::fs::create_dir_all(&dir).unwrap();
    let (folded, svg) = (dir.join("fib.folded"), dir.join("fib.svg"));
    let out = run(
        &[
            "--profile",
            folded.to_str().unwrap(),
            "--flamegraph",
            svg.to_str().unwrap(),
            "examples/fib",
            "5",
        ],
        "",
    );
    assert_eq!(
        (out.status.code(), text(&out.stdout).as_str()),
        (Some(0), "5\n")
    );
    // The golden file: instructions per call path of fib 5, 306 in all (as --stats counts).
    let expected = std::fs::read_to_string(
        Path::new(env!("CARGO_MANIFEST_DIR")).join("tests/golden/fib5.folded"),
    )
    .unwrap();
    assert_eq!(std::fs::read_to_string(&folded).unwrap(), expected);
    let total: u64 = expected
        .lines()
        .map(|l| l.rsplit(' ').next().unwrap().parse::<u64>().unwrap())
        .sum();
    assert_eq!(total, 306);
    let svg = std::fs::read_to_string(&svg).unwrap();
    assert!(
        svg.starts_with("<?xml") && svg.contains("<svg") && svg.contains("recur"),
        "{}",
        &svg[..200]
    );
    // A profiled run steps through the plain instructions: the run that is not
    // watched takes the blocks, and must count the same instructions.
    let fast = run(&["--stats", "examples/fib", "5"], "");
    let stats = text(&fast.stderr);
    assert!(stats.starts_with("steps: 306  in blocks: "), "{stats}");
    assert!(!stats.starts_with("steps: 306  in blocks: 0 "), "{stats}");
    let _ = std::fs::remove_dir_all(&dir);
}

#[test]
fn step_mode_steps_over_out_and_back_and_stops_at_breakpoints() {
    let f = TempFile::new(
        "dbg.svm",
        b"1 f call\n2 println\nstop\nf:\n  \"in f\" println\n  return\n",
    );
    // Step twice (to the `call`), over the call, back (into the call, at its `return`),
    // then continue to the end.
    let out = run(&["--step", f.path()], "s\ns\nn\nb\nc\n");
    assert_eq!(text(&out.stdout), "in f\n2\n");
    let err = text(&out.stderr);
    assert!(err.contains("-- step 2 · address 2"), "{err}");
    assert!(
        err.contains("-- step 6 · address 3 · ") && err.contains("2 | 2 println"),
        "{err}"
    );
    assert!(
        err.contains("-- step 5 · address 9 · ") && err.contains("6 |   return"),
        "{err}"
    );
    // A breakpoint: runs straight to line 5, inside the call; step out returns to line 2.
    let out = run(&["--break", "5", f.path()], "o\nq\n");
    let err = text(&out.stderr);
    assert!(err.contains("5 |   \"in f\" println"), "{err}");
    assert!(err.contains("calls: f (called at 1:5)"), "{err}");
    assert!(
        err.contains("2 | 2 println") && err.contains("calls: (none)"),
        "{err}"
    );
    assert_eq!(text(&out.stdout), "in f\n");
    let out = run(&["--break", "3", "--break", "99", f.path()], "c\n");
    assert!(
        text(&out.stderr).contains("line 99 has no instruction"),
        "{}",
        text(&out.stderr)
    );
}

/// The first `n` bytes of `s` (for messages about huge outputs).
fn head(s: &str, n: usize) -> &str {
    let mut end = n.min(s.len());
    while !s.is_char_boundary(end) {
        end -= 1;
    }
    &s[..end]
}

#[test]
fn deep_recursion_prints_a_folded_trace() {
    let f = TempFile::new("deep.svm", b"f: f call");
    let out = run(&[f.path()], "");
    assert_eq!(out.status.code(), Some(70));
    let err = text(&out.stderr);
    assert!(err.len() < 4096, "{} bytes: {}", err.len(), head(&err, 600));
    assert!(err.contains("limited to 100000 calls"), "{err}");
    assert!(err.contains("(100,000 calls)"), "{err}");
    assert!(
        err.contains(&format!(
            "    in f (called at {}:1:6)\n    … 99,999 more identical frames\n    in the main program\n",
            f.path()
        )),
        "{err}"
    );
    // Mutual recursion has no identical neighbours: its middle is left out.
    let f = TempFile::new("mutual.svm", b"a: b call\nb: a call");
    let out = run(&[f.path()], "");
    let err = text(&out.stderr);
    assert!(err.len() < 4096, "{} bytes: {}", err.len(), head(&err, 600));
    assert!(err.contains("… 99,980 frames left out\n"), "{err}");
}

#[test]
fn long_values_are_cut_with_their_size() {
    let f = TempFile::new("grow.svm", b"\"x\" loop: dup concat loop jmp");
    let out = run(&[f.path()], "");
    assert_eq!(out.status.code(), Some(70));
    let err = text(&out.stderr);
    assert!(err.contains("string too long"), "{}", head(&err, 600));
    assert!(err.len() < 4096, "{} bytes: {}", err.len(), head(&err, 600));
    assert!(err.contains("…\" (16,777,216 bytes in all)"), "{err}");
    // The trace, the stepper and the REPL show values the same way.
    let long = format!("\"{}\"", "y".repeat(5000));
    let f = TempFile::new("show.svm", b"dup drop println");
    let out = run(&["--trace", f.path(), &long], "");
    let err = text(&out.stderr);
    assert!(err.len() < 4096, "{} bytes: {}", err.len(), head(&err, 600));
    assert!(err.contains("…\" (5,000 bytes in all)"), "{err}");
    let out = run(&["--step", f.path(), &long], "s\ns\nq\n");
    let err = text(&out.stderr);
    assert!(err.len() < 4096, "{} bytes: {}", err.len(), head(&err, 600));
    assert!(err.contains("…\" (5,000 bytes in all)"), "{err}");
    let out = run(&["repl"], &format!("{long} dup\n"));
    let shown = text(&out.stdout);
    assert!(shown.len() < 2048, "{} bytes", shown.len());
    assert_eq!(
        shown.matches("…\" (5,000 bytes in all)").count(),
        2,
        "{shown}"
    );
}

#[test]
fn errors_in_very_long_lines_show_a_window_of_the_line() {
    // 4 MB of `1 1 1 …` overflowing the data stack.
    let f = TempFile::new("ones.svm", "1 ".repeat(2_000_000).as_bytes());
    let out = run(&["--max-stack", "1000", f.path()], "");
    assert_eq!(out.status.code(), Some(70));
    let err = text(&out.stderr);
    assert!(err.len() < 4096, "{} bytes: {}", err.len(), head(&err, 600));
    assert!(err.contains(":1:2001\n"), "{err}");
    let lines: Vec<&str> = err.lines().collect();
    let (code, caret) = (lines[3], lines[4]);
    assert!(
        code.starts_with("1 | ...") && code.ends_with("..."),
        "{err}"
    );
    let at = caret.find('^').unwrap();
    assert_eq!(&code[at - 1..=at + 1], " 1 ", "{err}");
    assert!(
        code.len() < 200 && caret.trim_end().len() == at + 1,
        "{err}"
    );
    // A compile error far into a long line.
    let f = TempFile::new(
        "far.svm",
        format!("{}nope", "1 ".repeat(100_000)).as_bytes(),
    );
    let out = run(&[f.path()], "");
    assert_eq!(out.status.code(), Some(65));
    let err = text(&out.stderr);
    assert!(err.len() < 2048, "{} bytes: {}", err.len(), head(&err, 600));
    assert!(
        err.contains("1 1 nope\n  |") && err.contains(" ^^^^\n"),
        "{err}"
    );
}

#[test]
fn hints_suggest_what_the_language_uses() {
    let f = TempFile::new("forth.svm", b"1 DUP . ;\n// PRINTLN\n");
    let out = run(&[f.path()], "");
    assert_eq!(out.status.code(), Some(65));
    let err = text(&out.stderr);
    assert!(err.contains("did you mean the operation `dup`?"), "{err}");
    assert!(
        err.contains("did you mean the operation `println`?"),
        "{err}"
    );
    assert!(
        err.contains("`.` is not an operation here: print with `println`"),
        "{err}"
    );
    assert!(
        err.contains("`;` is not an operation here: end a call with `return`"),
        "{err}"
    );
    assert!(err.contains("comments start with `#`"), "{err}");
    assert!(
        !err.contains("`+`") && !err.contains("operation `/`"),
        "{err}"
    );
    // Each argument is one value: a word is a string (fib then fails on it).
    let out = run(&["examples/fib", "hello"], "");
    assert_eq!(out.status.code(), Some(70));
    let err = text(&out.stderr);
    assert!(err.contains("found Str \"hello\" and Num 1"), "{err}");
}

#[test]
fn messages_say_error_once_and_count_in_words() {
    let f = TempFile::new("type.svm", b"1 \"a\" +");
    let err = text(&run(&[f.path()], "").stderr);
    assert!(err.starts_with("type error: `+`"), "{err}");
    assert!(!err.contains("error: type error"), "{err}");
    let f = TempFile::new("ret.svm", b"return");
    let err = text(&run(&[f.path()], "").stderr);
    assert!(err.starts_with("error: return with no call"), "{err}");
    assert!(err.ends_with("\nthe data stack is empty\n"), "{err}");
    let f = TempFile::new("one.svm", b"l: l jmp");
    let err = text(&run(&["--max-steps", "1", f.path()], "").stderr);
    assert!(err.contains("step limit: 1 step executed"), "{err}");
    let f = TempFile::new("stop.svm", b"stop");
    let err = text(&run(&["--step", f.path()], "s\n").stderr);
    assert!(err.contains("exit code 0 after 1 step\n"), "{err}");
}
