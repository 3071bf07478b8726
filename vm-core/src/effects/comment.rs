//! Stack comments: `( a b -- c )` written in a comment, as the examples write them on a
//! label (`square:   # ( n -- n*n )`) and as the operations' table writes effects.
//!
//! A label's stack comment is the first comment after its definition (before the next
//! token) when that comment starts with `(`, or else the comment just before the
//! definition when it starts with the label's name and then `(` (`# fib ( n -- fib(n) )`
//! on the line above `fib:`). The program's own stack comment is a comment before its
//! first token that starts with `(`: it says how many arguments the program takes.

use alloc::string::String;
use alloc::vec::Vec;

use crate::error::Span;
use crate::lexer::{lex, Token, TokenKind};

/// A stack comment: `( before -- after )`, with how many values each side names.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct StackComment {
    /// Its text, from `(` to the matching `)`.
    pub text: String,
    /// How many values it names before `--`: what it takes.
    pub takes: u32,
    /// How many values it names after `--`: what it leaves.
    pub leaves: u32,
    /// Where it is written.
    pub span: Span,
}

/// Reads `( before -- after )` at the start of `text` (after spaces), with its width in
/// bytes; `None` when `text` is not one, or names a varying number of values (`...`).
/// Values are words separated by spaces; a word may hold parentheses (`fib(n)`).
pub fn parse(text: &str) -> Option<(u32, u32, usize)> {
    let lead = text.len() - text.trim_start().len();
    let rest = &text[lead..];
    if !rest.starts_with('(') {
        return None;
    }
    let mut depth = 0usize;
    let mut close = None;
    for (i, c) in rest.char_indices() {
        match c {
            '(' => depth += 1,
            ')' => {
                depth -= 1;
                if depth == 0 {
                    close = Some(i);
                    break;
                }
            }
            _ => {}
        }
    }
    let close = close?;
    let inner = &rest[1..close];
    let words: Vec<&str> = inner.split_whitespace().collect();
    let bar = words.iter().position(|w| *w == "--")?;
    let (before, after) = (&words[..bar], &words[bar + 1..]);
    let varying = |w: &&str| matches!(*w, "--" | "..." | "…");
    if before.iter().chain(after).any(varying) {
        return None;
    }
    Some((before.len() as u32, after.len() as u32, lead + close + 1))
}

/// The span of `source[from..to]`, knowing the position of `at` (the end of `known`).
fn span_from(source: &str, known: Span, from: usize, to: usize) -> Span {
    let (mut line, mut col) = (known.end_line, known.end_col);
    let mut start = (line, col);
    let mut i = known.end as usize;
    for c in source.get(i..to).unwrap_or("").chars() {
        if i == from {
            start = (line, col);
        }
        if c == '\n' {
            line += 1;
            col = 1;
        } else {
            col += 1;
        }
        i += c.len_utf8();
    }
    Span {
        start: from as u32,
        end: to as u32,
        line: start.0,
        col: start.1,
        end_line: line,
        end_col: col,
    }
}

/// The comments of `source[from..to]` (only whitespace and comments there), as the byte
/// range of each one's text after `#`.
fn comments(source: &str, from: usize, to: usize) -> Vec<(usize, usize)> {
    let mut found = Vec::new();
    let Some(gap) = source.get(from..to) else {
        return found;
    };
    let mut at = 0;
    while let Some(i) = gap[at..].find('#') {
        let start = at + i + 1;
        let end = gap[start..].find('\n').map_or(gap.len(), |j| start + j);
        found.push((from + start, from + end));
        at = end;
    }
    found
}

/// A stack comment in `source[start..end]` (a comment's text), optionally after `name`.
fn comment_at(
    source: &str,
    start: usize,
    end: usize,
    name: Option<&str>,
    known: Span,
) -> Option<StackComment> {
    let text = source.get(start..end)?;
    let trimmed = text.trim_start();
    let mut skip = text.len() - trimmed.len();
    if let Some(name) = name {
        let after = trimmed.strip_prefix(name)?;
        if !after.starts_with([' ', '\t', '(']) {
            return None;
        }
        skip += name.len();
    }
    let (takes, leaves, width) = parse(&text[skip..])?;
    let lead = text[skip..].len() - text[skip..].trim_start().len();
    let (from, to) = (start + skip + lead, start + skip + width);
    Some(StackComment {
        text: source[from..to].into(),
        takes,
        leaves,
        span: span_from(source, known, from, to),
    })
}

/// The stack comments of a source: the program's, and each label definition's (by the
/// byte offset where the definition starts).
#[derive(Debug, Default)]
pub struct Comments {
    /// The program's stack comment, before its first token.
    pub program: Option<StackComment>,
    /// Each label's, by the start of its definition.
    pub labels: Vec<(u32, StackComment)>,
}

/// Finds the stack comments of `source` (see the [module](self)).
pub fn find(source: &str) -> Comments {
    let (tokens, _) = lex(source);
    let mut out = Comments::default();
    let origin = Span {
        line: 1,
        col: 1,
        end_line: 1,
        end_col: 1,
        ..Span::default()
    };
    let first = tokens
        .first()
        .map_or(source.len(), |t| t.span.start as usize);
    out.program = comments(source, 0, first)
        .into_iter()
        .find_map(|(s, e)| comment_at(source, s, e, None, origin));
    for (i, t) in tokens.iter().enumerate() {
        if t.kind != TokenKind::LabelDef {
            continue;
        }
        let next = tokens
            .get(i + 1)
            .map_or(source.len(), |n| n.span.start as usize);
        let after = comments(source, t.span.end as usize, next)
            .first()
            .and_then(|&(s, e)| comment_at(source, s, e, None, t.span));
        let found = after.or_else(|| before(source, &tokens, i));
        if let Some(c) = found {
            out.labels.push((t.span.start, c));
        }
    }
    out
}

/// The stack comment just before label definition `tokens[i]`: `# NAME ( … )`.
fn before(source: &str, tokens: &[Token], i: usize) -> Option<StackComment> {
    let t = &tokens[i];
    let (from, known) = match i.checked_sub(1).map(|j| &tokens[j]) {
        Some(p) => (p.span.end as usize, p.span),
        None => (
            0,
            Span {
                line: 1,
                col: 1,
                end_line: 1,
                end_col: 1,
                ..Span::default()
            },
        ),
    };
    let &(s, e) = comments(source, from, t.span.start as usize).last()?;
    // Only whitespace between the comment and the definition.
    if !source.get(e..t.span.start as usize)?.trim().is_empty() {
        return None;
    }
    comment_at(source, s, e, Some(t.label_name(source)), known)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn parses_the_notation() {
        assert_eq!(parse("( a b -- c )"), Some((2, 1, 12)));
        assert_eq!(parse(" ( n -- fib(n) ) rest"), Some((1, 1, 16)));
        assert_eq!(parse("( -- )"), Some((0, 0, 6)));
        assert_eq!(parse("( a -- (a+b)/2 x )"), Some((1, 2, 18)));
        assert_eq!(parse("( a b c )"), None);
        assert_eq!(parse("( a -- b"), None);
        assert_eq!(parse("a ( -- )"), None);
        assert_eq!(parse("( ... -- a )"), None);
        assert_eq!(parse("( a -- b -- c )"), None);
        assert_eq!(parse(""), None);
    }

    #[test]
    fn finds_label_and_program_comments() {
        let src = "# ( x -- )\n# header\n5 sq call\nsq:   # ( n -- n*n )\n    dup *\n# cube ( n -- n3 )\ncube:\n    dup\nloop: # not one\n  x: # ( a b -- )\n";
        let c = find(src);
        let p = c.program.unwrap();
        assert_eq!((p.takes, p.leaves, p.text.as_str()), (1, 0, "( x -- )"));
        assert_eq!((p.span.line, p.span.col, p.span.end_col), (1, 3, 11));
        let names: Vec<(&str, u32, u32, u32, u32)> = c
            .labels
            .iter()
            .map(|(at, s)| {
                let name = &src[*at as usize..];
                let name = &name[..name.find(':').unwrap()];
                (name, s.takes, s.leaves, s.span.line, s.span.col)
            })
            .collect();
        assert_eq!(
            names,
            [("sq", 1, 1, 4, 9), ("cube", 1, 1, 6, 8), ("x", 2, 0, 10, 8)]
        );
    }

    #[test]
    fn a_comment_before_must_name_the_label_and_touch_it() {
        assert!(find("# f ( a -- )\n\ng:\n").labels.is_empty());
        assert!(find("# f ( a -- )\n1\nf:\n").labels.is_empty());
        assert!(find("# fx ( a -- )\nf:\n").labels.is_empty());
        assert_eq!(find("1 # f ( a -- )\nf:\n").labels.len(), 1);
        assert!(find("\"# ( a -- )\" f: 1").labels.is_empty());
        assert!(find("1 # ( a -- )").program.is_none());
    }
}
