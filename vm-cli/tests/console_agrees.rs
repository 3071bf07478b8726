//! `svm`'s REPL and the playground's console (vm-wasm's `ConsoleCore`) run the same
//! entries by the same rules: the same stacks after each entry, the same messages.

mod common;

use common::{run, text};
use vm_wasm::console::ConsoleCore;

/// The entries of `session` through the console: after each that is kept, the stack as
/// the REPL prints it; and every message (compile and runtime errors, hints) as `svm` prints it.
fn console(session: &[&str]) -> (Vec<String>, String) {
    let mut c = ConsoleCore::new(None);
    let mut stacks = Vec::new();
    let mut messages = String::new();
    for entry in session {
        let e = c.enter(entry);
        match e.kind {
            "hint" => messages.push_str(&format!("error: {}\n", e.message)),
            "rejected" => messages.push_str(&e.message),
            _ => {}
        }
        if e.runs {
            let status = loop {
                let s = c.run(7);
                if s.status == "done" {
                    break s;
                }
            };
            if let Some(err) = status.error {
                messages.push_str(&err.rendered);
            }
        }
        // The REPL prints no stack after an entry that was not kept.
        if !matches!(e.kind, "hint" | "rejected") {
            stacks.push(c.stack_line());
        }
    }
    (stacks, messages)
}

/// The same through `svm` (a pipe): the stacks printed and standard error without the
/// REPL's own acknowledgements (`defined `sq``).
fn cli(session: &[&str]) -> (Vec<String>, String) {
    let typed: String = session.iter().map(|e| format!("{e}\n")).collect();
    let out = run(&[], &typed);
    let stacks = text(&out.stdout).lines().map(String::from).collect();
    let messages = text(&out.stderr)
        .lines()
        .filter(|l| !l.starts_with("defined `") && !l.starts_with("redefined `"))
        .map(|l| format!("{l}\n"))
        .collect();
    (stacks, messages)
}

#[test]
fn the_cli_and_the_console_agree() {
    let session = [
        "1 2 +",
        "sq: dup * return",
        "sq call",
        "quad: sq call sq call return",
        "sq: 1 + return",
        "quad call",
        "2 nope call",
        "0 /",
        "boom: 1 0 / return",
        "boom call",
        "\"n = \" swap cast_str concat",
        ":clear",
        "quit",
        "2 bad call",
        "sq: dup dup * * return 2 sq call",
        ":reset",
        "sq call",
        "1 \"é\" +",
    ];
    let (cli_stacks, cli_messages) = cli(&session);
    let (console_stacks, console_messages) = console(&session);
    assert_eq!(console_stacks, cli_stacks);
    assert_eq!(console_messages, cli_messages);
    // The session says something about each error, and a caret under the entries.
    assert!(
        cli_messages.contains("undefined label `nope`"),
        "{cli_messages}"
    );
    assert!(cli_messages.contains("--> <repl>:7:3"), "{cli_messages}");
    assert!(cli_messages.contains("division by zero"), "{cli_messages}");
}
