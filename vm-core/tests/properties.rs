//! Property tests: the lexer's spans (where tokens and diagnostics start and end),
//! arithmetic against exact math (folded, and on the block runner), label addresses,
//! and that no input makes compiling or running panic.

mod oracle;

use proptest::prelude::*;
use vm_core::lexer::{lex, TokenKind};
use vm_core::ops::{Arith, Class};
use vm_core::{compile, parse_args, ErrorKind, Limits, Machine, Op, Status, Value};

/// The arithmetic operations of the table, each with its class's variant.
fn arithmetic() -> Vec<(Op, Arith)> {
    Op::ALL
        .iter()
        .filter_map(|&op| match op.class() {
            Class::Arithmetic(a) => Some((op, a)),
            Class::Comparison(_)
            | Class::Logic(_)
            | Class::Stack(_)
            | Class::Text(_)
            | Class::Io(_)
            | Class::Control(_) => None,
        })
        .collect()
}

/// Line and column (1-based, columns in characters) of byte offset `at`, counted afresh.
fn recount(source: &str, at: usize) -> (u32, u32) {
    let before = &source[..at];
    let line = before.matches('\n').count() as u32 + 1;
    let col = before.rsplit('\n').next().unwrap().chars().count() as u32 + 1;
    (line, col)
}

/// Source made of plausible and implausible pieces: tokens, strings with escapes and
/// `#`, comments, odd whitespace, non-ASCII text, stray quotes and colons.
fn source() -> impl Strategy<Value = String> {
    let piece = prop_oneof![
        Just("dup".to_string()),
        Just("+".to_string()),
        Just("loop:".to_string()),
        Just("loop".to_string()),
        Just("\"a # b\"".to_string()),
        Just("\"q\\\"\\\\\\n\\t\"".to_string()),
        Just("# comment".to_string()),
        Just("-12".to_string()),
        Just("9223372036854775808".to_string()),
        Just("é日本😀".to_string()),
        Just("\"".to_string()),
        Just(":".to_string()),
        Just("\\x".to_string()),
        "[a-z0-9:\"#\\\\-]{1,6}",
        "\\PC{1,4}",
    ];
    let space = prop_oneof![
        Just(" "),
        Just("\t"),
        Just("\n"),
        Just("\r\n"),
        Just("  "),
        Just("")
    ];
    prop::collection::vec((piece, space), 0..24).prop_map(|parts| {
        parts
            .into_iter()
            .map(|(p, s)| format!("{p}{s}"))
            .collect::<String>()
    })
}

proptest! {
    #![proptest_config(ProptestConfig::with_cases(512))]

    /// Spans lie inside the source on character boundaries, in order, without overlap,
    /// and their lines and columns agree with a recount; every character that is not
    /// whitespace and not in a comment belongs to a token or an error.
    #[test]
    fn lexer_spans_are_exact(src in source()) {
        let (tokens, errors) = lex(&src);
        let mut last_end = 0;
        for t in &tokens {
            let (s, e) = (t.span.start as usize, t.span.end as usize);
            prop_assert!(s < e && e <= src.len());
            prop_assert!(src.is_char_boundary(s) && src.is_char_boundary(e));
            prop_assert!(s >= last_end, "tokens overlap or are out of order");
            last_end = e;
            prop_assert_eq!((t.span.line, t.span.col), recount(&src, s));
            prop_assert_eq!((t.span.end_line, t.span.end_col), recount(&src, e));
        }
        for d in &errors {
            let (s, e) = (d.span.start as usize, d.span.end as usize);
            prop_assert!(s < e && e <= src.len(), "{:?}: empty or outside the source", d);
            prop_assert!(src.is_char_boundary(s) && src.is_char_boundary(e));
            prop_assert_eq!((d.span.line, d.span.col), recount(&src, s));
            // Where the diagnostic ends (what the CLI's carets and the editor's
            // underline show) is exact too.
            prop_assert_eq!((d.span.end_line, d.span.end_col), recount(&src, e), "{:?}", d);
            // The string errors point at the right character.
            let at = src[s..].chars().next();
            let before = src[..s].chars().next_back();
            if d.message.starts_with("unterminated string") || d.message.starts_with("missing whitespace before") {
                prop_assert_eq!((at, e - s), (Some('"'), 1), "{:?}", d);
            }
            if d.message.starts_with("missing whitespace after") {
                prop_assert_eq!(before, Some('"'), "{:?}", d);
                prop_assert!(at.is_some_and(|c| !matches!(c, ' ' | '\t' | '\r' | '\n')) && e - s == at.unwrap().len_utf8(), "{:?}", d);
            }
        }
        // Coverage, on sources the lexer accepts: outside tokens only whitespace and comments.
        if errors.is_empty() {
            let mut covered = vec![false; src.len()];
            for t in &tokens {
                covered[t.span.start as usize..t.span.end as usize].iter_mut().for_each(|c| *c = true);
            }
            let mut in_comment = false;
            for (i, c) in src.char_indices() {
                if covered[i] { in_comment = false; continue; }
                if c == '\n' { in_comment = false; continue; }
                if c == '#' { in_comment = true; }
                prop_assert!(in_comment || matches!(c, ' ' | '\t' | '\r'), "uncovered {:?} at {}", c, i);
            }
        }
    }

    /// Compiling and running anything never panics, and always ends in a status.
    #[test]
    fn nothing_panics(src in source(), args in "\\PC{0,12}") {
        if let Ok(program) = compile(&src) {
            let args = parse_args(&args).unwrap_or_default();
            let limits = Limits { max_steps: Some(2000), max_stack: 64, max_calls: 16, max_string: 4096, max_string_total: 1 << 20 };
            let mut m = Machine::new(program, args).with_limits(limits);
            let mut out = String::new();
            for _ in 0..100 {
                match m.run(97, &mut out) {
                    Status::NeedsInput => m.provide_input(Some("12")),
                    Status::OutOfBudget | Status::Sleeping(_) => {}
                    _ => break,
                }
            }
        }
    }

    /// `a b op` gives exactly the mathematical result when it fits in 64 bits, and an
    /// overflow or division-by-zero error otherwise.
    #[test]
    fn arithmetic_is_exact(
        a in prop_oneof![any::<i64>(), -3i64..3, Just(i64::MIN), Just(i64::MAX)],
        b in prop_oneof![any::<i64>(), -3i64..3, Just(i64::MIN), Just(i64::MAX)],
        (op, arith) in prop::sample::select(arithmetic()),
    ) {
        // Exact math in `i128`, the edge oracle's.
        let exact = oracle::exact(arith, a, b);
        // Folded when compiled; with both operands from the arguments (registers);
        // with `a` from the arguments and `b` an immediate; `a` a literal on the left.
        let forms = [
            (format!("{a} {b} {op} println"), vec![]),
            (format!("swap swap {op} println"), vec![Value::Num(a), Value::Num(b)]),
            (format!("{b} {op} println"), vec![Value::Num(a)]),
            (format!("{a} swap {op} println"), vec![Value::Num(b)]),
        ];
        for (src, args) in forms {
            let mut m = Machine::new(compile(&src).unwrap(), args);
            let mut out = String::new();
            let status = m.run(100, &mut out);
            match exact {
                Some(r) if i64::try_from(r).is_ok() => {
                    prop_assert_eq!(status, Status::Halted(0), "{}", src);
                    prop_assert_eq!(out, format!("{r}\n"), "{}", src);
                }
                Some(_) => {
                    let Status::Failed(e) = status else { panic!("{src}: expected overflow, got {status:?}") };
                    prop_assert_eq!(e.kind, ErrorKind::Overflow { op, a, b }, "{}", src);
                }
                None => {
                    let Status::Failed(e) = status else { panic!("{src}: expected division by zero") };
                    prop_assert_eq!(e.kind, ErrorKind::DivisionByZero { op }, "{}", src);
                }
            }
        }
    }

    /// Every label's address is the index of the token after its definition, and a jump
    /// there continues at the first instruction at or after that token.
    #[test]
    fn labels_resolve_to_token_indices(layout in prop::collection::vec(prop::bool::weighted(0.3), 1..40)) {
        let mut src = String::new();
        let mut expected = Vec::new();
        for (i, is_label) in layout.iter().enumerate() {
            if *is_label {
                src.push_str(&format!("l{i}: "));
                expected.push((format!("l{i}"), i as u32 + 1));
            } else {
                src.push_str("1 ");
            }
        }
        let p = compile(&src).unwrap();
        prop_assert_eq!(p.token_count() as usize, layout.len());
        for (name, addr) in expected {
            prop_assert_eq!(p.label(&name).unwrap().addr, addr);
            let pc = p.pc_of(i64::from(addr)).unwrap();
            let first_instr_token = (addr as usize..layout.len()).find(|&t| !layout[t]).unwrap_or(layout.len());
            prop_assert_eq!(p.address(pc) as usize, first_instr_token);
        }
        let (tokens, _) = lex(&src);
        prop_assert_eq!(tokens.iter().filter(|t| t.kind == TokenKind::LabelDef).count(), p.labels().len());
    }
}

/// Found by `lexer_spans_are_exact`: a space that is not the language's whitespace
/// (U+2000) right after a string is the character the error points at, whole.
#[test]
fn a_unicode_space_after_a_string_is_not_whitespace() {
    let (_, errors) = lex("\"a # b\"\u{2000} ");
    let s = errors[0].span;
    assert_eq!(errors.len(), 1);
    assert!(errors[0].message.starts_with("missing whitespace after"));
    assert_eq!(
        (s.start, s.end, s.line, s.col, s.end_line, s.end_col),
        (7, 10, 1, 8, 1, 9)
    );
}
