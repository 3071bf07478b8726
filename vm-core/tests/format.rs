//! `vm_core::format`: the layout rules on small inputs, and that formatting never changes
//! what a program is: on every golden program and example, and on generated sources, the
//! formatted text has the same tokens in the same order (so every address is the same),
//! compiles to the same program (the disassembly, positions aside) or the same errors, and
//! formats to itself.

mod common;

use proptest::prelude::*;
use vm_core::lexer::lex;
use vm_core::{compile, disassemble, format};

fn fmt(source: &str) -> String {
    format(source).unwrap_or_else(|e| panic!("{source:?} does not lex: {e:?}"))
}

/// The tokens of `source` as (kind, text) pairs: what the addresses are made of.
fn tokens(source: &str) -> Vec<String> {
    let (tokens, errors) = lex(source);
    assert!(errors.is_empty(), "{errors:?}");
    tokens
        .iter()
        .map(|t| format!("{:?} {}", t.kind, t.text(source)))
        .collect()
}

/// The disassembly without the source positions (`  3:5` columns), which formatting moves.
fn without_positions(disassembly: &str) -> String {
    let mut out = String::new();
    for line in disassembly.lines() {
        let fields = line.trim_start().split_once(' ').and_then(|(addr, rest)| {
            let (pos, text) = rest.trim_start().split_once(' ')?;
            let is_pos = pos
                .split_once(':')
                .is_some_and(|(l, c)| l.parse::<u32>().is_ok() && c.parse::<u32>().is_ok());
            (addr.parse::<u32>().is_ok() && is_pos).then(|| format!("{addr} {text}"))
        });
        out.push_str(fields.as_deref().unwrap_or(line));
        out.push('\n');
    }
    out
}

/// What `source` compiles to, positions aside: the disassembly, or the error messages
/// and their notes.
fn compiled(source: &str) -> String {
    match compile(source) {
        Ok(program) => without_positions(&disassemble(&program)),
        Err(diags) => diags
            .iter()
            .flat_map(|d| {
                std::iter::once(d.message.clone()).chain(d.notes.iter().map(|n| n.message.clone()))
            })
            .collect::<Vec<_>>()
            .join("\n"),
    }
}

/// Formats `source`, which must lex, and checks the formatted text has the same tokens,
/// compiles to the same thing, and is its own formatting. Returns the formatted text.
fn check_unchanged_meaning(source: &str) -> Result<String, TestCaseError> {
    let formatted = fmt(source);
    prop_assert_eq!(tokens(&formatted), tokens(source), "{:?}", formatted);
    prop_assert_eq!(compiled(&formatted), compiled(source), "{:?}", formatted);
    prop_assert_eq!(fmt(&formatted), formatted.clone(), "not idempotent");
    Ok(formatted)
}

#[test]
fn positions_are_taken_out_of_the_disassembly() {
    let program = compile("1 2\n  + l: println").unwrap();
    let moved = compile("1   2 +\nl:\n\n    println").unwrap();
    assert_ne!(disassemble(&program), disassemble(&moved));
    assert_eq!(
        without_positions(&disassemble(&program)),
        without_positions(&disassemble(&moved))
    );
    let other = compile("1 2 + l: drop").unwrap();
    assert_ne!(
        without_positions(&disassemble(&program)),
        without_positions(&disassemble(&other))
    );
}

#[test]
fn every_golden_program_and_example_keeps_its_meaning() {
    let mut formatted = 0;
    for (path, source) in common::golden_sources() {
        let name = path.display();
        match format(&source) {
            Ok(_) => {
                check_unchanged_meaning(&source).unwrap_or_else(|e| panic!("{name}: {e}"));
                formatted += 1;
            }
            // Not formatted exactly when it does not lex, with the lexer's errors.
            Err(errors) => {
                let (_, lexed) = lex(&source);
                assert!(!lexed.is_empty(), "{name}: refused but lexes");
                assert_eq!(errors.diagnostics, lexed, "{name}");
            }
        }
    }
    assert!(formatted > 100, "only {formatted} programs formatted");
}

#[test]
fn the_examples_are_formatted() {
    let examples = common::svm_files(&common::examples_dir());
    assert!(examples.len() >= 10);
    for path in examples {
        let source = std::fs::read_to_string(&path).unwrap();
        assert_eq!(fmt(&source), source, "{} is not formatted", path.display());
    }
}

#[test]
fn one_space_between_tokens_and_the_lines_kept() {
    assert_eq!(fmt("1   2\t+\n  dup \t println"), "1 2 +\ndup println\n");
    assert_eq!(fmt("1\n2\n3"), "1\n2\n3\n");
}

#[test]
fn labels_start_a_line_and_the_code_after_them_is_indented() {
    assert_eq!(
        fmt("5 sq call println stop\nsq: dup * return"),
        "5 sq call println stop\nsq:\n    dup * return\n"
    );
    assert_eq!(
        fmt("  a:\n1 2 b: c:   3\nd:"),
        "a:\n    1 2\nb:\nc:\n    3\nd:\n"
    );
    // Code after the first label is indented even where no label precedes it directly.
    assert_eq!(fmt("x: 1\n\t\t2\n3"), "x:\n    1\n    2\n    3\n");
}

#[test]
fn trailing_comments_keep_their_column() {
    // At its column when the code ends before it; one space after the code otherwise.
    assert_eq!(
        fmt("1  2      # a\n1 2 3 4 5 6 # b\n1\t# c"),
        "1 2       # a\n1 2 3 4 5 6 # b\n1       # c\n"
    );
    assert_eq!(
        fmt("a: dup      dup     # copy\n  drop# gone"),
        "a:\n    dup dup         # copy\n    drop # gone\n"
    );
    // On a label's line, and after a label cut out of its line.
    assert_eq!(
        fmt("loop:           # n\nend: 1 2       # c"),
        "loop:           # n\nend:\n    1 2        # c\n"
    );
}

#[test]
fn comments_on_their_own_line_stay_at_the_start_or_follow_the_indentation() {
    assert_eq!(
        fmt("# head\n  # indented at the top\nf:\n# at the start\n\t# indented\n  1\n"),
        "# head\n# indented at the top\nf:\n# at the start\n    # indented\n    1\n"
    );
    assert_eq!(fmt("# only\n#   a comment   \n"), "# only\n#   a comment\n");
}

#[test]
fn blank_lines_are_kept_up_to_one() {
    assert_eq!(fmt("\n\n1\n\n\n\n2\n \t\n3\n\n\n"), "1\n\n2\n\n3\n");
    assert_eq!(fmt("a:\n\n\n  1"), "a:\n\n    1\n");
}

#[test]
fn strings_are_copied_as_written() {
    let source = "\"a  #  b\"   \"two\n  lines \\\" # \"  println\n\"\\t\\n\"";
    assert_eq!(
        fmt(source),
        "\"a  #  b\" \"two\n  lines \\\" # \" println\n\"\\t\\n\"\n"
    );
    // A comment after a string over lines keeps its column on the string's last line.
    assert_eq!(fmt("\"a\nbc\"   # c"), "\"a\nbc\"   # c\n");
    assert_eq!(fmt("x: \"a\nbc\"   # c"), "x:\n    \"a\nbc\"   # c\n");
    assert_eq!(fmt("x: \"a\nbc\" 1 # c"), "x:\n    \"a\nbc\" 1 # c\n");
}

#[test]
fn line_ends_and_the_end_of_the_text() {
    assert_eq!(fmt("1 2\r\n3 # c\r\n\r\n4"), "1 2\n3 # c\n\n4\n");
    assert_eq!(fmt(""), "");
    assert_eq!(fmt(" \n\t\r\n \n"), "");
    assert_eq!(fmt("# c"), "# c\n");
}

#[test]
fn lexical_errors_are_not_formatted() {
    for source in ["1 \"open", "1.5 x", "a:b", "\"a\"b", "x\u{1}"] {
        let errors = format(source).unwrap_err();
        assert_eq!(errors.diagnostics, lex(source).1, "{source:?}");
        assert!(!errors.is_empty());
    }
}

/// Sources that lex: tokens of every kind (strings with spaces, `#`, escapes and line
/// breaks; label definitions and references; non-ASCII words), separated by spaces, tabs,
/// line breaks, blank lines and comments.
fn source() -> impl Strategy<Value = String> {
    let token = prop_oneof![
        Just("dup"),
        Just("+"),
        Just("jmp"),
        Just("-12"),
        Just("true"),
        Just("loop:"),
        Just("loop"),
        Just("end:"),
        Just("end"),
        Just("é日本:"),
        Just("é日本"),
        Just("\"a # b\""),
        Just("\"two\n  lines\t# x \""),
        Just("\"q\\\"\\\\\\n\\t\""),
        Just("\"\""),
        Just("\" \r\n\""),
    ];
    let space = prop_oneof![
        Just(" "),
        Just("   "),
        Just("\t"),
        Just("\n"),
        Just("\r\n"),
        Just("\n\n\n"),
        Just("\n    "),
        Just("\n\t\t"),
        Just(" # note\n"),
        Just("\t# a \"comment\" #2 \n  "),
        Just("#glued\n"),
        Just("\n# own line\n"),
        Just("\n   # indented\n\n"),
        Just("                    # far\n"),
    ];
    (
        space.clone(),
        prop::collection::vec((token, space), 0..30),
        prop::option::of(Just("# last, no line end")),
    )
        .prop_map(|(first, parts, last)| {
            let mut s = String::from(first);
            for (t, sp) in parts {
                s.push_str(t);
                s.push_str(sp);
            }
            s.push_str(last.unwrap_or(""));
            s
        })
}

proptest! {
    #![proptest_config(ProptestConfig::with_cases(512))]

    /// Formatting keeps the tokens and the program, and is idempotent; the layout rules
    /// hold: no trailing whitespace outside strings, no runs of blank lines, label
    /// definitions alone at the start of their line.
    #[test]
    fn formatting_keeps_the_meaning(src in source()) {
        let formatted = check_unchanged_meaning(&src)?;
        prop_assert!(!formatted.contains("\n\n\n") && !formatted.starts_with('\n'));
        prop_assert!(formatted.is_empty() || formatted.ends_with('\n'));
        prop_assert!(!formatted.contains('\r') || src.contains("\" \r\n\""));
        let (toks, _) = lex(&formatted);
        for t in &toks {
            let start = t.span.start as usize;
            let line_start = formatted[..start].rfind('\n').map_or(0, |i| i + 1);
            if t.kind == vm_core::lexer::TokenKind::LabelDef {
                prop_assert_eq!(line_start, start, "{:?}", formatted);
                let after = &formatted[t.span.end as usize..];
                prop_assert!(after.starts_with('\n') || after.trim_start_matches(' ').starts_with('#'));
            }
        }
        // Whitespace only in strings is left before a line break.
        for (i, _) in formatted.match_indices('\n') {
            if formatted[..i].ends_with([' ', '\t', '\r']) {
                let in_string = toks.iter().any(|t| (t.span.start as usize) < i && i < t.span.end as usize);
                prop_assert!(in_string, "whitespace before the line break at {}: {:?}", i, formatted);
            }
        }
    }

    /// On any text, formatting refuses exactly the sources the lexer reports errors in,
    /// with those errors, and never panics.
    #[test]
    fn refuses_exactly_what_does_not_lex(src in "[a-z0-9:\"#\\\\ \n\t.-]{0,40}") {
        let (_, errors) = lex(&src);
        match format(&src) {
            Ok(formatted) => {
                prop_assert!(errors.is_empty());
                prop_assert_eq!(tokens(&formatted), tokens(&src));
            }
            Err(e) => prop_assert_eq!(e.diagnostics, errors),
        }
    }
}
