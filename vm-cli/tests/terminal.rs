//! `svm` driven through a pseudo-terminal, as a person at a terminal uses it: output
//! that appears as it is printed, Ctrl+C, the REPL's line editing and history; and the
//! REPL session that README.md shows, typed in as shown.

mod common;

use std::path::Path;

use common::{program, scratch, svm};

use rexpect::process::wait::WaitStatus;
use rexpect::session::PtySession;

/// svm with `args` on a pseudo-terminal, its history kept in `data` (a scratch dir).
fn spawn(args: &[&str], data: &Path) -> PtySession {
    let mut c = svm();
    c.args(args)
        .env("XDG_DATA_HOME", data)
        .env("HOME", data)
        .env("TERM", "xterm")
        .env("NO_COLOR", "1");
    rexpect::session::spawn_command(c, Some(10_000)).unwrap()
}

/// Waits for the process to end; whether SIGINT ended it (as an uncaught Ctrl+C does).
fn ended_by_sigint(p: &mut PtySession) -> bool {
    p.exp_eof().unwrap();
    matches!(
        p.process().wait().unwrap(),
        WaitStatus::Signaled(_, rexpect::process::signal::Signal::SIGINT, _)
    )
}

/// Waits for the process to end and gives its exit code.
fn exit_code(p: &mut PtySession) -> i32 {
    p.exp_eof().unwrap();
    match p.process().wait().unwrap() {
        WaitStatus::Exited(_, code) => code,
        other => panic!("ended by {other:?}"),
    }
}

#[test]
fn output_shows_at_once_and_ctrl_c_stops_like_an_error() {
    let p = program("loop", "\"before loop\" println\n0 l: 1 +\nl jmp\n");
    let mut s = spawn(&[p.to_str().unwrap()], &scratch("loop-data"));
    // Printed while the program still runs, not at its end.
    s.exp_string("before loop").unwrap();
    s.send_control('c').unwrap();
    s.exp_string("error: interrupted after").unwrap();
    s.exp_regex(r"loop\.svm:[23]:\d+").unwrap();
    s.exp_string("in the main program").unwrap();
    s.exp_string("data stack (").unwrap();
    assert!(
        ended_by_sigint(&mut s),
        "svm ends by SIGINT after reporting"
    );
}

#[test]
fn ctrl_c_stops_a_shell_loop_and_names_where_it_waited() {
    let p = program("sh-loop", "0 l: 1 +\nl jmp\n");
    let script = format!(
        "for i in 1 2 3; do {} {}; done; echo finished",
        env!("CARGO_BIN_EXE_svm"),
        p.display()
    );
    let mut c = std::process::Command::new("sh");
    c.args(["-c", &script]).env("NO_COLOR", "1");
    // The shell as a terminal's shell has it: Ctrl+C not ignored. A test run started in
    // the background by a shell without job control inherits SIGINT ignored, and a
    // shell that starts with SIGINT ignored cannot be stopped by it (POSIX), whatever
    // svm does.
    use std::os::unix::process::CommandExt;
    // SAFETY: between fork and exec only `signal`, which is async-signal-safe, runs.
    unsafe {
        c.pre_exec(|| {
            libc::signal(libc::SIGINT, libc::SIG_DFL);
            libc::signal(libc::SIGQUIT, libc::SIG_DFL);
            Ok(())
        });
    }
    let mut s = rexpect::session::spawn_command(c, Some(10_000)).unwrap();
    std::thread::sleep(std::time::Duration::from_millis(300));
    s.send_control('c').unwrap();
    s.exp_string("error: interrupted after").unwrap();
    let rest = s.exp_eof().unwrap();
    assert!(!rest.contains("finished"), "the loop went on: {rest}");
    // Ctrl+C while the program sleeps at its last instruction, or waits in `read`:
    // the error is there, not at 0:0 or nowhere.
    let p = program("sleep-last", "\"a\" println\n5000 sleep_ms\n");
    let mut s = spawn(&[p.to_str().unwrap()], &scratch("sleep-data"));
    s.exp_string("a").unwrap();
    std::thread::sleep(std::time::Duration::from_millis(200));
    s.send_control('c').unwrap();
    s.exp_string("sleep-last.svm:2:6").unwrap();
    assert!(ended_by_sigint(&mut s));
    let p = program("read-wait", "1 2\nread println\n");
    let mut s = spawn(&[p.to_str().unwrap()], &scratch("read-data"));
    std::thread::sleep(std::time::Duration::from_millis(300));
    s.send_control('c').unwrap();
    s.exp_string("error: interrupted after 2 steps").unwrap();
    s.exp_string("read-wait.svm:2:1").unwrap();
    assert!(ended_by_sigint(&mut s));
}

/// Waits until the line just entered has left the line editor and the editor has
/// started again (for the program's `read`): it turns bracketed paste off, then on.
fn in_the_editor_again(s: &mut PtySession) {
    s.exp_string("\x1b[?2004l").unwrap();
    s.exp_string("\x1b[?2004h").unwrap();
}

/// Types `text` (keys, escape sequences) without Enter.
fn typ(s: &mut PtySession, text: &str) {
    s.send(text).unwrap();
    s.flush().unwrap();
}

/// Types `line` at the REPL, waits for `shown` and then for the next prompt.
fn enter(s: &mut PtySession, line: &str, shown: &str) {
    s.send_line(line).unwrap();
    s.exp_string(shown).unwrap();
    s.exp_string("> ").unwrap();
}

#[test]
fn ctrl_c_interrupts_a_repl_line_and_keeps_the_session() {
    let mut s = spawn(&[], &scratch("repl-ctrl-c"));
    s.exp_string("> ").unwrap();
    enter(&mut s, "3 sq: dup * return", "[9]");
    enter(&mut s, "drop 42", "[42]");
    s.send_line("\"go\" println 0 l: 1 + l jmp").unwrap();
    // Running: its output is there (the typed line shows `"go" println`).
    s.exp_string("go\r\n").unwrap();
    s.send_control('c').unwrap();
    s.exp_string("error: interrupted after").unwrap();
    s.exp_string("<repl>:3:").unwrap();
    // The stack is kept and shown; so are the labels.
    s.exp_regex(r"\[42 \d+( \d+)?\]").unwrap();
    s.exp_string("> ").unwrap();
    enter(&mut s, ":clear", "[]");
    enter(&mut s, "3 sq call", "[9]");
    // Ctrl+C at the prompt drops the line typed so far, and the REPL goes on.
    typ(&mut s, "garbage");
    s.send_control('c').unwrap();
    s.exp_string("> ").unwrap();
    enter(&mut s, "7 println", "7\r\n[9]");
    s.send_control('d').unwrap();
    assert_eq!(exit_code(&mut s), 0);
}

#[test]
fn ctrl_c_pauses_into_the_stepper() {
    let p = program("step-loop", "\"go\" println\n0 l: 1 +\nl jmp\n");
    let mut s = spawn(&["--step", p.to_str().unwrap()], &scratch("step-data"));
    s.exp_string("step> ").unwrap();
    s.send_line("c").unwrap();
    s.exp_string("go\r\n").unwrap();
    s.send_control('c').unwrap();
    s.exp_string("paused after").unwrap();
    s.exp_regex(r"-- step \d+").unwrap();
    s.exp_string("step> ").unwrap();
    s.send_line("q").unwrap();
    assert_eq!(exit_code(&mut s), 0);
}

#[test]
fn the_repl_edits_lines_and_keeps_history_across_sessions() {
    let data = scratch("repl-history");
    let mut s = spawn(&[], &data);
    s.exp_string("> ").unwrap();
    enter(&mut s, "1 2 +", "[3]");
    // Up brings the line back; Left moves in it (here: before `+`, to insert `3 `).
    typ(&mut s, "\x1b[A");
    typ(&mut s, "\x1b[D");
    typ(&mut s, "3 ");
    enter(&mut s, "", "[3 1 5]");
    // Ctrl+L clears the screen and keeps the line.
    typ(&mut s, "4");
    s.send_control('l').unwrap();
    s.exp_string("\x1b[H\x1b[J").unwrap();
    enter(&mut s, "", "[3 1 5 4]");
    s.send_control('d').unwrap();
    assert_eq!(exit_code(&mut s), 0);
    let kept = std::fs::read_to_string(data.join("svm/history")).unwrap();
    assert!(kept.contains("1 2 +") && kept.contains("1 2 3 +"), "{kept}");

    // A new session finds the lines again, with Up and with Ctrl+R.
    let mut s = spawn(&[], &data);
    s.exp_string("> ").unwrap();
    s.send_control('r').unwrap();
    typ(&mut s, "2 +");
    typ(&mut s, "\r");
    s.exp_string("[3]").unwrap();
    s.exp_string("> ").unwrap();
    typ(&mut s, "\x1b[A");
    enter(&mut s, "", "[3 3]");
    s.send_control('d').unwrap();
    assert_eq!(exit_code(&mut s), 0);
}

#[test]
fn the_repl_completes_words_and_continues_open_strings() {
    let mut s = spawn(&[], &scratch("repl-complete"));
    s.exp_string("> ").unwrap();
    enter(&mut s, "square: dup * return", "[]");
    enter(&mut s, ":clear", "[]");
    typ(&mut s, "3 squ\t");
    s.exp_string("square").unwrap();
    enter(&mut s, " call", "[9]");
    // A string still open at the end of a line goes on, with a continuation prompt.
    s.send_line("\"first").unwrap();
    s.exp_string("... ").unwrap();
    enter(&mut s, "second\" println", "first\r\nsecond\r\n[9]");
    s.send_control('d').unwrap();
    assert_eq!(exit_code(&mut s), 0);
}

#[test]
fn ctrl_d_ends_the_repl_on_a_new_line() {
    let mut s = spawn(&[], &scratch("repl-ctrl-d"));
    s.exp_string("> ").unwrap();
    s.send_control('d').unwrap();
    let rest = s.exp_eof().unwrap();
    assert!(rest.ends_with("\r\n"), "{rest:?}");
}

#[test]
fn diagnostics_have_colours_on_a_terminal_unless_no_color() {
    let p = program("colour", "1 nope\n");
    for (no_color, coloured) in [("", true), ("1", false)] {
        let mut c = svm();
        c.arg(p.to_str().unwrap())
            .env("TERM", "xterm")
            .env("NO_COLOR", no_color);
        let mut s = rexpect::session::spawn_command(c, Some(10_000)).unwrap();
        let all = s.exp_eof().unwrap();
        assert!(all.contains("undefined label `nope`"), "{all:?}");
        assert_eq!(
            all.contains("\x1b[1;31merror\x1b[0m: "),
            coloured,
            "{all:?}"
        );
        assert_eq!(all.contains("\x1b["), coloured, "{all:?}");
    }
}

#[test]
fn read_in_the_repl_takes_a_line_and_ctrl_c_stops_it() {
    let mut s = spawn(&[], &scratch("repl-read"));
    s.exp_string("> ").unwrap();
    enter(&mut s, "1", "[1]");
    s.send_line("read println").unwrap();
    in_the_editor_again(&mut s);
    enter(&mut s, "typed", "typed\r\n[1]");
    s.send_line("read").unwrap();
    in_the_editor_again(&mut s);
    s.send_control('c').unwrap();
    s.exp_string("error: interrupted after").unwrap();
    s.exp_string("[1]").unwrap();
    s.exp_string("> ").unwrap();
    enter(&mut s, "2", "[1 2]");
    s.send_control('d').unwrap();
    assert_eq!(exit_code(&mut s), 0);
}

/// The REPL session that README.md shows ("The REPL"): its prompts (`> `, `... `) and
/// lines typed, each with the lines shown after it.
fn readme_repl_session() -> Vec<(&'static str, String, Vec<String>)> {
    let readme =
        std::fs::read_to_string(Path::new(env!("CARGO_MANIFEST_DIR")).join("../README.md"))
            .unwrap();
    let (_, rest) = readme
        .split_once("### The REPL\n")
        .expect("README.md has \"### The REPL\"");
    let (_, rest) = rest.split_once("```text\n").expect("a ```text block");
    let (block, _) = rest.split_once("```\n").expect("its end");
    let mut lines = block.lines();
    assert_eq!(lines.next(), Some("$ svm"));
    let mut entries: Vec<(&str, String, Vec<String>)> = vec![("", String::new(), Vec::new())];
    for line in lines {
        let typed = ["> ", "... "]
            .into_iter()
            .find_map(|prompt| Some((prompt, line.strip_prefix(prompt)?)));
        match typed {
            Some((prompt, input)) => entries.push((prompt, input.to_string(), Vec::new())),
            None => entries.last_mut().unwrap().2.push(line.to_string()),
        }
    }
    entries
}

/// `text` as a regular expression that matches it exactly.
fn escaped(text: &str) -> String {
    text.chars()
        .flat_map(|c| {
            let meta = "\\.+*?()|[]{}^$#&-~".contains(c);
            meta.then_some('\\').into_iter().chain([c])
        })
        .collect()
}

/// A line shown after Ctrl+C as a regular expression: what depends on when the key came
/// (the steps, the instruction's column and caret, the values on the stack) left open.
fn after_ctrl_c(line: &str) -> Option<String> {
    let line = line.strip_prefix("^C").unwrap_or(line);
    if line.trim_start().starts_with('|') && line.contains('^') {
        return None; // the caret under the instruction it stopped at
    }
    // The stack: the first value (from before) as shown, the count and the rest open.
    if let Some((head, values)) = line.split_once("top last): ") {
        let first = values.split(' ').next().unwrap_or("");
        let head = escaped(head).replace(char::is_numeric, r"\d");
        return Some(format!("{head}top last\\): {} ", escaped(first)));
    }
    if line.starts_with('[') {
        return Some(format!(
            "{} ",
            escaped(line.split(' ').next().unwrap_or(line))
        ));
    }
    if let Some((head, _)) = line.rsplit_once(':').filter(|_| line.contains(" --> ")) {
        return Some(format!(r"{}:\d+", escaped(head)));
    }
    if let Some((head, _)) = line.split_once("interrupted after ") {
        return Some(format!(
            r"{}interrupted after \d[\d,]* steps",
            escaped(head)
        ));
    }
    Some(escaped(line))
}

#[test]
fn the_repl_session_of_the_readme_goes_as_shown() {
    let entries = readme_repl_session();
    assert!(entries.len() > 5, "{entries:?}");
    let mut s = spawn(&[], &scratch("readme-repl"));
    for (prompt, input, shown) in &entries {
        if !input.is_empty() {
            // Typed once the prompt is there (a line typed ahead may be lost).
            s.exp_string(prompt).unwrap();
            s.send_line(input).unwrap();
        }
        if input.contains("Ctrl+C") {
            std::thread::sleep(std::time::Duration::from_millis(300));
            s.send_control('c').unwrap();
            for pattern in shown.iter().filter_map(|l| after_ctrl_c(l)) {
                s.exp_regex(&pattern)
                    .unwrap_or_else(|e| panic!("after Ctrl+C, no {pattern:?}: {e}"));
            }
        } else {
            for line in shown {
                s.exp_string(line)
                    .unwrap_or_else(|e| panic!("after {input:?}, no {line:?}: {e}"));
            }
        }
    }
    s.exp_string("> ").unwrap();
    s.send_line(":quit").unwrap();
    assert_eq!(exit_code(&mut s), 0);
}

#[test]
fn what_ctrl_c_leaves_open() {
    assert_eq!(
        after_ctrl_c("^Cerror: interrupted after 7,340,040 steps").unwrap(),
        r"error: interrupted after \d[\d,]* steps"
    );
    assert_eq!(after_ctrl_c("  |            ^^^"), None);
    assert_eq!(after_ctrl_c("[9 1835008 17]").unwrap(), r"\[9 ");
    assert_eq!(
        after_ctrl_c("data stack (3 values, top last): 9 1835008 17").unwrap(),
        r"data stack \(\d values, top last\): 9 "
    );
    assert_eq!(
        after_ctrl_c(" --> <repl>:7:12").unwrap(),
        r" \-\-> <repl>:7:\d+"
    );
    assert_eq!(
        after_ctrl_c("    in the main program").unwrap(),
        "    in the main program"
    );
}

#[test]
fn errors_start_on_a_line_of_their_own_and_the_prompt_stays_off_a_piped_stdout() {
    let mut s = spawn(&["-e", "\"abc\" print 1 0 /"], &scratch("midline-data"));
    s.exp_string("abc\r\nerror: division by zero").unwrap();
    assert_eq!(exit_code(&mut s), 70);
    // The REPL on a terminal with its standard output into a file: the file gets the
    // stacks, not the prompt nor the editor's escape codes.
    let dir = scratch("tee-data");
    let log = dir.join("log.txt");
    let script = format!("{} > {}", env!("CARGO_BIN_EXE_svm"), log.display());
    let mut c = std::process::Command::new("sh");
    c.args(["-c", &script])
        .env("XDG_DATA_HOME", &dir)
        .env("HOME", &dir)
        .env("TERM", "xterm")
        .env("NO_COLOR", "1");
    let mut s = rexpect::session::spawn_command(c, Some(10_000)).unwrap();
    s.exp_string("> ").unwrap();
    s.send_line("1 2 +").unwrap();
    s.exp_string("> ").unwrap();
    s.send_line(":quit").unwrap();
    s.exp_eof().unwrap();
    let logged = std::fs::read_to_string(&log).unwrap();
    assert_eq!(logged, "[3]\n");
}
