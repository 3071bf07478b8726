//! Errors as every host shows them stay small whatever the program did: folded stack
//! traces, long values cut with their size, windows of long source lines, hints that
//! point at what the language really uses, and wording that reads right.

use vm_core::{compile, parse_args, Limits, Machine, RuntimeError, Status};

/// Runs `source` with `args` to its error.
fn fail(source: &str, args: &str, limits: Limits) -> RuntimeError {
    let program = compile(source).expect("compiles");
    let mut m = Machine::new(program, parse_args(args).expect("arguments")).with_limits(limits);
    let mut out = String::new();
    loop {
        match m.run(1_000_000, &mut out) {
            Status::Failed(e) => return *e,
            Status::OutOfBudget => {}
            other => panic!("expected an error, got {other:?}"),
        }
    }
}

fn rendered(source: &str, args: &str) -> String {
    fail(source, args, Limits::default()).render(source, "p.svm")
}

#[test]
fn deep_recursion_folds_into_one_entry_with_the_count() {
    let text = rendered("f: f call", "");
    assert!(text.len() < 1024, "{} bytes", text.len());
    assert!(
        text.contains(
            "stack trace, innermost first (100,000 calls):\n    in f (called at p.svm:1:6)\n    \
             … 99,999 more identical frames\n    in the main program\n"
        ),
        "{text}"
    );
}

#[test]
fn mutual_recursion_keeps_both_ends_and_says_what_was_left_out() {
    let text = rendered("a: b call\nb: a call", "");
    assert!(text.len() < 4096, "{} bytes", text.len());
    let entries: Vec<&str> = text
        .lines()
        .skip_while(|l| !l.starts_with("stack trace"))
        .skip(1)
        .take_while(|l| l.starts_with("    "))
        .collect();
    assert_eq!(entries.len(), 10 + 1 + 10 + 1, "{text}");
    assert_eq!(entries[0], "    in a (called at p.svm:2:6)");
    assert_eq!(entries[10], "    … 99,980 frames left out");
    assert_eq!(entries[20], "    in b (called at p.svm:1:6)");
    assert_eq!(entries[21], "    in the main program");
}

#[test]
fn long_values_are_cut_and_say_their_size() {
    let long = format!("\"{}\"", "7".repeat(100_000));
    // The stack line of the error, and the message of `cast_int`, which quotes it.
    let text = rendered("dup \"x\" concat cast_int", &long);
    assert!(text.len() < 2048, "{} bytes", text.len());
    assert!(
        text.contains("cannot convert \"7777") && text.contains("…\" (100,001 bytes in all) to"),
        "{text}"
    );
    assert!(text.contains("…\" (100,000 bytes in all) \"7777"), "{text}");
    assert!(text.ends_with("…\" (100,001 bytes in all)\n"), "{text}");
    // A type error describes the values it found the same way.
    let text = rendered("1 +", &long);
    assert!(text.len() < 2048, "{} bytes", text.len());
    assert!(text.contains("found Str \"7777"), "{text}");
}

#[test]
fn a_very_long_line_is_shown_as_a_window_around_the_error() {
    let source = "1 ".repeat(2_000_000);
    let limits = Limits {
        max_stack: 1000,
        ..Limits::default()
    };
    let text = fail(&source, "", limits).render(&source, "p.svm");
    assert!(text.len() < 2048, "{} bytes", text.len());
    let source = format!("{}oops\n", "1 ".repeat(50_000));
    let d = &compile(&source).unwrap_err()[0];
    let text = d.render(&source, "p.svm");
    assert!(text.len() < 1024, "{} bytes", text.len());
    assert!(text.contains(" 1 1 oops\n"), "{text}");
}

#[test]
fn hints_name_what_the_language_uses() {
    let notes = |source: &str| -> Vec<String> {
        compile(source)
            .unwrap_err()
            .iter()
            .flat_map(|d| d.notes.iter().map(|n| n.message.clone()))
            .collect()
    };
    assert_eq!(notes("DUP"), ["did you mean the operation `dup`?"]);
    assert_eq!(
        notes("1 PRINTLN"),
        ["did you mean the operation `println`?"]
    );
    assert_eq!(notes("Loop loop: 1"), ["did you mean the label `loop`?"]);
    let forth = notes(". ; //");
    assert!(forth[0].contains("`println`"), "{forth:?}");
    assert!(forth[1].contains("`return`"), "{forth:?}");
    assert!(forth[2].contains("comments start with `#`"), "{forth:?}");
    for note in notes("x: ~ ^ // ;;").iter() {
        assert!(
            !note.contains("did you mean"),
            "no similarity, no suggestion: {note}"
        );
    }
    let e = parse_args("1 hello").unwrap_err();
    assert!(
        e[0].notes[0]
            .message
            .starts_with("did you mean the string \"hello\"?"),
        "{e:?}"
    );
}

#[test]
fn messages_say_error_once_and_agree_with_their_counts() {
    let text = rendered("1 \"a\" +", "");
    assert!(text.starts_with("type error: `+`"), "{text}");
    let text = rendered("return", "");
    assert!(text.starts_with("error: return with no call"), "{text}");
    assert!(text.ends_with("\nthe data stack is empty\n"), "{text}");
    let one = |limits: Limits| fail("l: 1 l call", "", limits).message();
    assert_eq!(
        one(Limits {
            max_steps: Some(1),
            ..Limits::default()
        }),
        "step limit: 1 step executed"
    );
    assert_eq!(
        one(Limits {
            max_stack: 1,
            ..Limits::default()
        }),
        "stack overflow: the data stack is limited to 1 value"
    );
    assert_eq!(
        one(Limits {
            max_calls: 1,
            ..Limits::default()
        }),
        "stack overflow: the return stack is limited to 1 call"
    );
}
