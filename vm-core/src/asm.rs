//! Tokens to a [`Program`]: resolves labels to addresses and lays out the side tables.

use alloc::collections::BTreeMap;
use alloc::format;
use alloc::string::{String, ToString};
use alloc::sync::Arc;
use alloc::vec::Vec;

use crate::error::{CompileError, Diagnostic, Span};
use crate::lexer::{lex, Token, TokenKind};
use crate::ops::{Op, OPS};
use crate::program::{Instr, Label, Program};
use crate::value::Value;

/// The largest source [`compile`] accepts, in bytes (16 MiB): far beyond any program
/// written by hand, and small enough that compiling stays fast and light (a larger one
/// would take gigabytes in the browser).
pub const MAX_SOURCE_BYTES: usize = 16 << 20;

/// Compiles source text to a program, or reports every problem found, in source order.
pub fn compile(source: &str) -> Result<Program, CompileError> {
    if source.len() > MAX_SOURCE_BYTES {
        let first = Span {
            start: 0,
            end: 0,
            line: 1,
            col: 1,
            end_line: 1,
            end_col: 1,
        };
        return Err(CompileError::from(alloc::vec![Diagnostic::new(
            format!(
                "program too large: {} bytes, the limit is {MAX_SOURCE_BYTES} bytes (16 MiB)",
                source.len()
            ),
            first,
        )]));
    }
    let (tokens, mut errors) = lex(source);
    let program = assemble(source, &tokens, &mut errors);
    if errors.is_empty() {
        Ok(program)
    } else {
        Err(in_order(errors))
    }
}

/// The errors, in the order of their places in the source: by start, then end, and
/// those at the same place in the order they were found. (An unstable sort of `(start,
/// end, index)` keys gives that order; it is the one sort in the WebAssembly module,
/// whose size counts, and a stable sort of the errors themselves would add a copy of
/// the standard library's merge sort for them.)
fn in_order(errors: Vec<Diagnostic>) -> CompileError {
    let mut keys: Vec<(u32, u32, usize)> = errors
        .iter()
        .enumerate()
        .map(|(i, d)| (d.span.start, d.span.end, i))
        .collect();
    keys.sort_unstable();
    let mut slots: Vec<Option<Diagnostic>> = errors.into_iter().map(Some).collect();
    CompileError::from(
        keys.into_iter()
            .filter_map(|(_, _, i)| slots[i].take())
            .collect::<Vec<_>>(),
    )
}

fn assemble(source: &str, tokens: &[Token], errors: &mut Vec<Diagnostic>) -> Program {
    if tokens.len() >= u32::MAX as usize {
        let span = tokens.last().map(|t| t.span).unwrap_or_default();
        errors.push(Diagnostic::new(
            "program too large: more than 4294967294 tokens",
            span,
        ));
        return Program::default();
    }

    // Pass 1: every label definition's address is the index of the token after it.
    let mut defs: BTreeMap<&str, usize> = BTreeMap::new();
    let mut labels: Vec<Label> = Vec::new();
    for (i, t) in tokens.iter().enumerate() {
        if t.kind != TokenKind::LabelDef {
            continue;
        }
        let name = t.label_name(source);
        match defs.get(name) {
            Some(&first) => errors.push(
                Diagnostic::new(format!("label `{name}` is defined twice"), t.span)
                    .with_note("first defined here", Some(labels[first].span)),
            ),
            None => {
                defs.insert(name, labels.len());
                labels.push(Label {
                    name: name.to_string(),
                    addr: i as u32 + 1,
                    span: t.span,
                });
            }
        }
    }

    // Pass 2: one instruction per token that is not a label definition.
    let mut p = Program {
        pcs: Vec::with_capacity(tokens.len() + 1),
        ..Program::default()
    };
    let mut interned: BTreeMap<&str, u32> = BTreeMap::new();
    let mut undefined: Vec<(&str, Vec<Span>)> = Vec::new();
    for (i, t) in tokens.iter().enumerate() {
        p.pcs.push(p.code.len() as u32);
        let instr = match &t.kind {
            TokenKind::LabelDef => continue,
            TokenKind::Int(n) => Instr::Num(*n),
            TokenKind::Bool(b) => Instr::Bool(*b),
            TokenKind::Op(op) => Instr::Op(*op),
            TokenKind::Str(s) => Instr::Str(*interned.entry(s.as_str()).or_insert_with(|| {
                p.strings.push(Arc::from(s.as_str()));
                p.strings.len() as u32 - 1
            })),
            TokenKind::Word => {
                let name = t.text(source);
                match defs.get(name) {
                    Some(&l) => Instr::Addr(labels[l].addr),
                    None => {
                        match undefined.iter_mut().find(|(n, _)| *n == name) {
                            Some((_, spans)) => spans.push(t.span),
                            None => undefined.push((name, alloc::vec![t.span])),
                        }
                        Instr::Num(0)
                    }
                }
            }
        };
        p.code.push(instr);
        p.spans.push(t.span);
        p.addrs.push(i as u32);
    }
    p.pcs.push(p.code.len() as u32);

    for (name, spans) in undefined {
        errors.push(undefined_label(name, &spans, &labels));
    }
    // In address order already: pass 1 pushed them in the order of their tokens.
    debug_assert!(labels.windows(2).all(|w| w[0].addr < w[1].addr));
    p.labels = labels;
    crate::opt::optimize(&mut p);
    p
}

fn undefined_label(name: &str, spans: &[Span], labels: &[Label]) -> Diagnostic {
    let count = match spans.len() {
        1 => String::from("1 reference"),
        n => format!("{n} references"),
    };
    let mut d = Diagnostic::new(format!("undefined label `{name}` ({count})"), spans[0]);
    for s in &spans[1..] {
        d = d.with_note(format!("`{name}` is also referenced here"), Some(*s));
    }
    let known = labels
        .iter()
        .map(|l| l.name.as_str())
        .chain(OPS.iter().map(|o| o.name));
    let suggestion = known.clone().find(|k| k.eq_ignore_ascii_case(name));
    if let Some(hint) = suggestion.is_none().then(|| foreign_hint(name)).flatten() {
        d = d.with_note(hint, None);
    } else if let Some(best) = suggestion.or_else(|| closest(name, known)) {
        let kind = if Op::from_name(best).is_some() {
            "the operation"
        } else {
            "the label"
        };
        d = d.with_note(format!("did you mean {kind} `{best}`?"), None);
    } else if !labels.is_empty() || spans.len() == 1 {
        d = d.with_note(
            format!("define it with `{name}:` before the code it should point to"),
            None,
        );
    }
    d
}

/// Words of Forth and of other languages that people try first, and what this language
/// uses instead.
const FOREIGN_WORDS: &[(&str, &str)] = &[
    (".", "print with `println` (or `print`)"),
    (
        ".s",
        "the REPL shows the stack after every line, `svm --step` at every step",
    ),
    (";", "end a call with `return`"),
    ("//", "comments start with `#`"),
    ("emit", "print text with `print`"),
    ("cr", "`\"\" println` prints a line break"),
    ("=", "compare with `==`"),
    ("<>", "compare with `!=`"),
    ("mod", "the remainder is `%`"),
    ("nip", "use `swap drop`"),
    ("tuck", "use `swap over`"),
    ("2dup", "use `over over`"),
    ("negate", "use `0 swap -`"),
    ("invert", "`not` negates a boolean"),
    ("bye", "`stop` ends the program"),
    ("then", "`cond yes no if jmp` jumps to `yes` or `no`"),
    ("else", "`cond yes no if jmp` jumps to `yes` or `no`"),
    (
        "begin",
        "a loop is a label and a jump back to it, `top: … top jmp`",
    ),
];

/// What the language uses instead of `word`, when `word` is a known foreign word.
fn foreign_hint(word: &str) -> Option<String> {
    let (_, advice) = FOREIGN_WORDS
        .iter()
        .find(|(w, _)| w.eq_ignore_ascii_case(word))?;
    Some(format!("`{word}` is not an operation here: {advice}"))
}

/// The candidate nearest to `word` by edit distance, if near enough to be a likely typo.
/// One-character words and candidates are never near anything: `;` is not a typo of `+`
/// nor `//` of `/`.
fn closest<'a>(word: &str, candidates: impl Iterator<Item = &'a str>) -> Option<&'a str> {
    let len = word.chars().count();
    if len < 2 {
        return None;
    }
    let limit = (len / 3).max(1);
    candidates
        .filter(|c| c.chars().count() >= 2)
        .map(|c| (crate::text::edit_distance(word, c), c))
        .filter(|&(d, _)| d <= limit)
        .min_by_key(|&(d, _)| d)
        .map(|(_, c)| c)
}

/// Reads program arguments: literals with the language's token rules (numbers, booleans,
/// strings), in order. Anything else is an error at its position in `text`.
pub fn parse_args(text: &str) -> Result<Vec<Value>, CompileError> {
    let (tokens, mut errors) = lex(text);
    let mut values = Vec::new();
    for t in tokens {
        match t.kind {
            TokenKind::Int(n) => values.push(Value::Num(n)),
            TokenKind::Bool(b) => values.push(Value::Bool(b)),
            TokenKind::Str(s) => values.push(Value::Str(Arc::from(s))),
            _ => {
                let word = t.text(text);
                let quoted = Value::Str(Arc::from(word)).literal();
                errors.push(
                    Diagnostic::new(
                        format!(
                            "invalid argument `{word}`: arguments are numbers, booleans or strings"
                        ),
                        t.span,
                    )
                    .with_note(
                        format!("did you mean the string {quoted}? (in a shell: '{quoted}')"),
                        None,
                    ),
                )
            }
        }
    }
    if errors.is_empty() {
        Ok(values)
    } else {
        Err(in_order(errors))
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use alloc::vec;

    #[test]
    fn label_addresses_are_token_indices() {
        let p = compile("1 a: 2 b: c: 3 a").unwrap();
        assert_eq!(p.token_count(), 7);
        assert_eq!(p.label("a").unwrap().addr, 2);
        assert_eq!(p.label("b").unwrap().addr, 4);
        assert_eq!(p.label("c").unwrap().addr, 5);
        assert_eq!(
            p.code(),
            &[Instr::Num(1), Instr::Num(2), Instr::Num(3), Instr::Addr(2)]
        );
        // Jumping to a label definition continues at the next instruction.
        assert_eq!(p.pc_of(1), Some(1));
        assert_eq!(p.pc_of(3), Some(2));
        assert_eq!(p.pc_of(4), Some(2));
        assert_eq!(p.pc_of(7), Some(4));
        assert_eq!(p.pc_of(8), None);
        assert_eq!(p.pc_of(-1), None);
        assert_eq!(p.address(2), 5);
        assert_eq!(p.label_at(4), Some("b"));
    }

    #[test]
    fn strings_are_interned() {
        let p = compile("\"a\" \"b\" \"a\"").unwrap();
        assert_eq!(p.code(), &[Instr::Str(0), Instr::Str(1), Instr::Str(0)]);
    }

    #[test]
    fn undefined_and_duplicate_labels() {
        let e = compile("x: foo 1 fo x: foo").unwrap_err();
        let msgs: Vec<_> = e.iter().map(|d| (d.span.col, d.message.as_str())).collect();
        assert_eq!(
            msgs,
            vec![
                (4, "undefined label `foo` (2 references)"),
                (10, "undefined label `fo` (1 reference)"),
                (13, "label `x` is defined twice")
            ]
        );
        assert_eq!(e[0].notes[0].span.unwrap().col, 16);
        assert_eq!(e[2].notes[0].span.unwrap().col, 1);
        let e = compile("loop: lop jmp").unwrap_err();
        assert!(
            e[0].notes.iter().any(|n| n.message.contains("`loop`")),
            "{e:?}"
        );
        let e = compile("1 2 ad").unwrap_err();
        assert!(
            e[0].notes
                .iter()
                .any(|n| n.message.contains("operation `and`")),
            "{e:?}"
        );
    }

    #[test]
    fn args() {
        assert_eq!(
            parse_args("20 -3 true \"hi there\"").unwrap(),
            vec![
                Value::Num(20),
                Value::Num(-3),
                Value::Bool(true),
                Value::Str(Arc::from("hi there"))
            ]
        );
        assert_eq!(parse_args("").unwrap(), vec![]);
        let e = parse_args("1 foo dup").unwrap_err();
        assert_eq!(e.len(), 2);
        assert_eq!(e[0].span.col, 3);
    }

    #[test]
    fn too_large_sources_are_refused() {
        let big = "1 ".repeat(MAX_SOURCE_BYTES / 2 + 1);
        let e = compile(&big).unwrap_err();
        assert_eq!(e.len(), 1);
        assert!(
            e[0].message.starts_with("program too large"),
            "{}",
            e[0].message
        );
    }
}
