//! Source text to tokens.
//!
//! Tokens are separated by whitespace (space, tab, CR, LF); `#` outside a string starts
//! a comment to the end of the line. Every token carries its [`Span`]. The lexer never
//! stops at the first problem: it reports every one it finds and goes on.

use alloc::format;
use alloc::string::String;
use alloc::vec::Vec;

use crate::error::{Diagnostic, Span};
use crate::ops::Op;

/// What a token is.
#[derive(Clone, Debug, PartialEq, Eq)]
#[non_exhaustive]
pub enum TokenKind {
    /// An integer literal.
    Int(i64),
    /// `true` or `false`.
    Bool(bool),
    /// A string literal, escapes resolved.
    Str(String),
    /// `name:`; the name is the token's text without the colon.
    LabelDef,
    /// An operation name.
    Op(Op),
    /// Any other word: a label reference.
    Word,
}

/// A token and where it stands.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Token {
    /// What it is.
    pub kind: TokenKind,
    /// Where it is.
    pub span: Span,
}

impl Token {
    /// The token's source text.
    pub fn text<'a>(&self, source: &'a str) -> &'a str {
        &source[self.span.start as usize..self.span.end as usize]
    }

    /// For a label definition or reference, the label's name.
    pub fn label_name<'a>(&self, source: &'a str) -> &'a str {
        let text = self.text(source);
        match self.kind {
            TokenKind::LabelDef => &text[..text.len() - 1],
            _ => text,
        }
    }
}

/// Is `c` a token separator?
pub(crate) fn is_space(c: char) -> bool {
    matches!(c, ' ' | '\t' | '\r' | '\n')
}

/// Splits `source` into tokens, reporting every lexical error found.
///
/// Tokens with errors are left out of the list; the diagnostics are in source order.
pub fn lex(source: &str) -> (Vec<Token>, Vec<Diagnostic>) {
    let mut lx = Lexer {
        cur: Cursor::new(source),
        tokens: Vec::new(),
        errors: Vec::new(),
    };
    lx.run();
    (lx.tokens, lx.errors)
}

/// A position in the source: byte offset, line and column.
#[derive(Clone, Copy)]
struct Mark {
    pos: usize,
    line: u32,
    col: u32,
}

struct Cursor<'a> {
    src: &'a str,
    at: Mark,
}

impl<'a> Cursor<'a> {
    fn new(src: &'a str) -> Self {
        Cursor {
            src,
            at: Mark {
                pos: 0,
                line: 1,
                col: 1,
            },
        }
    }

    fn peek(&self) -> Option<char> {
        self.src[self.at.pos..].chars().next()
    }

    fn bump(&mut self) -> Option<char> {
        let c = self.peek()?;
        self.at.pos += c.len_utf8();
        if c == '\n' {
            self.at.line += 1;
            self.at.col = 1;
        } else {
            self.at.col += 1;
        }
        Some(c)
    }

    fn span_from(&self, m: Mark) -> Span {
        span_between(m, self.at)
    }
}

/// The note of an escape error: the escapes a string may hold.
const ESCAPES_NOTE: &str = "the escapes are \\\" \\\\ \\n \\t and \\u{HEX}";

fn span_between(a: Mark, b: Mark) -> Span {
    Span {
        start: a.pos as u32,
        end: b.pos as u32,
        line: a.line,
        col: a.col,
        end_line: b.line,
        end_col: b.col,
    }
}

struct Lexer<'a> {
    cur: Cursor<'a>,
    tokens: Vec<Token>,
    errors: Vec<Diagnostic>,
}

impl Lexer<'_> {
    fn run(&mut self) {
        while let Some(c) = self.cur.peek() {
            if is_space(c) {
                self.cur.bump();
            } else if c == '#' {
                while self.cur.peek().is_some_and(|c| c != '\n') {
                    self.cur.bump();
                }
            } else if c == '"' {
                self.string();
            } else {
                self.word();
            }
        }
    }

    /// A char-wide span at the cursor.
    fn here(&self) -> Span {
        let mut c = Cursor {
            src: self.cur.src,
            at: self.cur.at,
        };
        c.bump();
        span_between(self.cur.at, c.at)
    }

    /// The error of a string opened at `start` and not closed where it was meant to be:
    /// at the opening quote, with a note saying where the string ran to (`end`).
    fn unterminated(&mut self, start: Mark, end: Span, ran_to: &str) {
        let quote = span_between(
            start,
            Mark {
                pos: start.pos + 1,
                line: start.line,
                col: start.col + 1,
            },
        );
        self.errors.push(
            Diagnostic::new("unterminated string: no closing `\"`", quote)
                .with_note(ran_to, Some(end))
                .with_note(
                    "a string ends at the next `\"` that is not escaped as `\\\"`",
                    None,
                ),
        );
    }

    fn string(&mut self) {
        let start = self.cur.at;
        self.cur.bump(); // the opening quote
        let mut text = String::new();
        let mut ok = true;
        // Where the string's first line ends, if it holds a line break.
        let mut line_end = None;
        loop {
            let before = self.cur.at;
            match self.cur.bump() {
                None => {
                    let end = span_between(self.cur.at, self.cur.at);
                    self.unterminated(start, end, "the string runs to the end of the file");
                    return;
                }
                Some('"') => {
                    if let Some(end_of_line) = line_end.filter(|_| self.glued()) {
                        // This quote opens another string: the one from `start` was
                        // left open. Report it there and read on from its line's end.
                        let closed = span_between(before, self.cur.at);
                        self.unterminated(
                            start,
                            closed,
                            "the string runs over line breaks to the next `\"`, which seems to open another string",
                        );
                        self.cur.at = end_of_line;
                        return;
                    }
                    break;
                }
                Some('\n') => {
                    line_end.get_or_insert(before);
                    text.push('\n');
                }
                Some('\\') => match self.cur.bump() {
                    Some('"') => text.push('"'),
                    Some('\\') => text.push('\\'),
                    Some('n') => text.push('\n'),
                    Some('t') => text.push('\t'),
                    Some('u') => match self.unicode_escape() {
                        Some(c) => text.push(c),
                        None => {
                            ok = false;
                            self.errors.push(
                                Diagnostic::new(
                                    "invalid escape: `\\u{…}` takes 1 to 6 hexadecimal digits of a Unicode scalar value, as `\\u{1b}`",
                                    self.cur.span_from(before),
                                )
                                .with_note(ESCAPES_NOTE, None),
                            );
                        }
                    },
                    None => continue, // reported as unterminated on the next turn
                    Some(other) => {
                        ok = false;
                        self.errors.push(
                            Diagnostic::new(
                                format!("unknown escape `\\{other}` in string"),
                                self.cur.span_from(before),
                            )
                            .with_note(ESCAPES_NOTE, None),
                        );
                    }
                },
                Some(c) => text.push(c),
            }
        }
        if self.glued() {
            ok = false;
            self.errors.push(Diagnostic::new(
                "missing whitespace after string literal",
                self.here(),
            ));
            // The rest of the word belongs to this mistake: don't report it again.
            while self
                .cur
                .peek()
                .is_some_and(|c| !is_space(c) && c != '#' && c != '"')
            {
                self.cur.bump();
            }
        }
        if ok {
            self.tokens.push(Token {
                kind: TokenKind::Str(text),
                span: self.cur.span_from(start),
            });
        }
    }

    /// Does a token go on right at the cursor (no whitespace, comment or end)?
    /// After `\u` in a string: `{HEX}` (1 to 6 hexadecimal digits of a Unicode scalar
    /// value) and its character; `None` when it is not that (the cursor then stops
    /// before the first character that does not fit, or after the `}`).
    fn unicode_escape(&mut self) -> Option<char> {
        if self.cur.peek() != Some('{') {
            return None;
        }
        self.cur.bump();
        let mut value = 0u32;
        let mut digits = 0;
        while let Some(d) = self.cur.peek().and_then(|c| c.to_digit(16)) {
            self.cur.bump();
            digits += 1;
            value = value.saturating_mul(16).saturating_add(d);
        }
        if self.cur.peek() != Some('}') {
            return None;
        }
        self.cur.bump();
        if !(1..=6).contains(&digits) {
            return None;
        }
        char::from_u32(value)
    }

    fn glued(&self) -> bool {
        self.cur.peek().is_some_and(|c| !is_space(c) && c != '#')
    }

    fn word(&mut self) {
        let start = self.cur.at;
        let mut control = None;
        while let Some(c) = self.cur.peek() {
            if is_space(c) || c == '#' || c == '"' {
                break;
            }
            if c.is_control() && control.is_none() {
                control = Some((c, self.here()));
            }
            self.cur.bump();
        }
        let span = self.cur.span_from(start);
        if let Some((c, at)) = control {
            self.errors.push(Diagnostic::new(
                format!(
                    "invalid character U+{:04X}: control characters may only appear in strings",
                    c as u32
                ),
                at,
            ));
            return;
        }
        if self.cur.peek() == Some('"') {
            self.errors.push(Diagnostic::new(
                "missing whitespace before string literal",
                self.here(),
            ));
            return;
        }
        let text = &self.cur.src[start.pos..self.cur.at.pos];
        match classify(text) {
            Ok(kind) => self.tokens.push(Token { kind, span }),
            Err(message) => self.errors.push(Diagnostic::new(message, span)),
        }
    }
}

/// What a word (no whitespace, no `#`, no `"`) is, or why it is invalid.
fn classify(text: &str) -> Result<TokenKind, String> {
    if let Some(name) = text.strip_suffix(':') {
        if name.is_empty() {
            return Err(String::from("label definition without a name"));
        }
        return match classify(name) {
            Ok(TokenKind::Word) => Ok(TokenKind::LabelDef),
            Ok(TokenKind::Op(op)) => Err(format!("invalid label name: `{op}` is an operation")),
            Ok(TokenKind::Bool(_)) => Err(format!("invalid label name: `{name}` is a boolean")),
            Ok(TokenKind::Int(_)) => Err(format!("invalid label name: `{name}` is a number")),
            Ok(_) | Err(_) => Err(format!("invalid label name `{name}`")),
        };
    }
    if text.contains(':') {
        return Err(format!(
            "invalid label name `{text}`: `:` may only end a label definition"
        ));
    }
    match text {
        "true" => return Ok(TokenKind::Bool(true)),
        "false" => return Ok(TokenKind::Bool(false)),
        _ => {}
    }
    if let Some(op) = Op::from_name(text) {
        return Ok(TokenKind::Op(op));
    }
    let digits = text.strip_prefix(['+', '-']).unwrap_or(text);
    if digits.starts_with(|c: char| c.is_ascii_digit()) {
        if !digits.bytes().all(|b| b.is_ascii_digit()) {
            return Err(format!(
                "invalid integer literal `{text}`: only decimal integers are supported"
            ));
        }
        return match text.parse::<i64>() {
            Ok(n) => Ok(TokenKind::Int(n)),
            Err(_) => Err(format!(
                "integer literal `{text}` out of range: numbers go from {} to {}",
                i64::MIN,
                i64::MAX
            )),
        };
    }
    Ok(TokenKind::Word)
}

#[cfg(test)]
mod tests {
    use super::*;
    use alloc::vec;

    fn kinds(src: &str) -> Vec<TokenKind> {
        let (tokens, errors) = lex(src);
        assert!(errors.is_empty(), "{errors:?}");
        tokens.into_iter().map(|t| t.kind).collect()
    }

    fn errors(src: &str) -> Vec<(u32, u32, String)> {
        lex(src)
            .1
            .into_iter()
            .map(|d| (d.span.line, d.span.col, d.message))
            .collect()
    }

    #[test]
    fn all_token_kinds() {
        assert_eq!(
            kinds("1 -2 +3 true false \"a b\" x: x + dup"),
            vec![
                TokenKind::Int(1),
                TokenKind::Int(-2),
                TokenKind::Int(3),
                TokenKind::Bool(true),
                TokenKind::Bool(false),
                TokenKind::Str("a b".into()),
                TokenKind::LabelDef,
                TokenKind::Word,
                TokenKind::Op(Op::from_name("+").unwrap()),
                TokenKind::Op(Op::Dup),
            ]
        );
    }

    #[test]
    fn int_limits() {
        assert_eq!(
            kinds("-9223372036854775808 9223372036854775807"),
            vec![TokenKind::Int(i64::MIN), TokenKind::Int(i64::MAX)]
        );
        let e = errors("9223372036854775808");
        assert_eq!(e.len(), 1);
        assert!(e[0].2.contains("out of range"), "{e:?}");
        assert!(errors("1.5")[0].2.contains("invalid integer"));
        assert!(errors("-1x")[0].2.contains("invalid integer"));
    }

    #[test]
    fn comments_and_strings() {
        assert_eq!(
            kinds("1 # two 2\n3"),
            vec![TokenKind::Int(1), TokenKind::Int(3)]
        );
        assert_eq!(kinds("dup# x"), vec![TokenKind::Op(Op::Dup)]);
        assert_eq!(
            kinds(r#""a # b" "q\"\\\n\t""#),
            vec![
                TokenKind::Str("a # b".into()),
                TokenKind::Str("q\"\\\n\t".into())
            ]
        );
        assert_eq!(kinds("\"\"#c"), vec![TokenKind::Str("".into())]);
    }

    #[test]
    fn unicode_escapes() {
        assert_eq!(
            kinds(r#""\u{1b}[0m" "\u{e9}\u{1F600}" "\u{0}""#),
            vec![
                TokenKind::Str("\u{1b}[0m".into()),
                TokenKind::Str("\u{e9}\u{1F600}".into()),
                TokenKind::Str("\0".into())
            ]
        );
        for bad in [
            r#""\u1b""#,
            r#""\u{}""#,
            r#""\u{1234567}""#,
            r#""\u{d800}""#,
            r#""\u{x}""#,
        ] {
            let e = errors(bad);
            assert!(e[0].2.contains("invalid escape"), "{bad}: {e:?}");
            assert_eq!((e[0].0, e[0].1), (1, 2), "{bad}");
        }
    }

    #[test]
    fn string_errors() {
        assert_eq!(
            errors("1 \"abc"),
            vec![(1, 3, "unterminated string: no closing `\"`".into())]
        );
        let e = errors("\"a\\qb\"");
        assert_eq!((e[0].0, e[0].1), (1, 3));
        assert!(e[0].2.contains("unknown escape"));
        assert!(errors("\"a\"b")[0].2.contains("missing whitespace after"));
        assert_eq!(errors("\"abc\"def x").len(), 1);
        assert!(errors("a\"b\"")[0].2.contains("missing whitespace before"));
    }

    #[test]
    fn an_unclosed_string_is_reported_at_its_opening_quote() {
        // Line 2 opens a string that the quote opening line 3's string closes: one
        // error, at the opening quote, with a note where it was closed; the lines
        // after it are read as they were meant.
        let src = "1 2\n\"first println\n\"a\" println\n\"b\" println\nstop\n";
        let (tokens, diags) = lex(src);
        assert_eq!(diags.len(), 1, "{diags:?}");
        let d = &diags[0];
        assert!(d.message.starts_with("unterminated string"), "{d:?}");
        assert_eq!((d.span.line, d.span.col), (2, 1));
        let closed = d.notes.iter().find_map(|n| n.span).unwrap();
        assert_eq!((closed.line, closed.col), (3, 1));
        let found: Vec<TokenKind> = tokens.into_iter().map(|t| t.kind).collect();
        assert_eq!(
            found[2..4],
            [TokenKind::Str("a".into()), TokenKind::Op(Op::Println)]
        );
        assert_eq!(found.len(), 7, "{found:?}");
        // Open to the end of the file: the note says where the file ends.
        let (_, diags) = lex("1\n\"abc\n2 3\n");
        assert_eq!((diags[0].span.line, diags[0].span.col), (2, 1));
        let end = diags[0].notes.iter().find_map(|n| n.span).unwrap();
        assert_eq!((end.line, end.col), (4, 1));
        // A string that holds line breaks and is closed properly is no error.
        assert_eq!(
            kinds("\"a\nb\" 1"),
            vec![TokenKind::Str("a\nb".into()), TokenKind::Int(1)]
        );
    }

    #[test]
    fn label_names() {
        assert!(errors(":")[0].2.contains("without a name"));
        assert!(errors("dup:")[0].2.contains("operation"));
        assert!(errors("5:")[0].2.contains("number"));
        assert!(errors("true:")[0].2.contains("boolean"));
        assert!(errors("a:b")[0].2.contains("invalid label name"));
        assert!(errors("a::")[0].2.contains("invalid label name"));
    }

    #[test]
    fn positions_count_characters_and_lines() {
        let src = "é\t日本 x\r\n  \"s\" y";
        let (tokens, _) = lex(src);
        let pos: Vec<_> = tokens
            .iter()
            .map(|t| (t.span.line, t.span.col, t.span.end_col, t.text(src)))
            .collect();
        assert_eq!(
            pos,
            vec![
                (1, 1, 2, "é"),
                (1, 3, 5, "日本"),
                (1, 6, 7, "x"),
                (2, 3, 6, "\"s\""),
                (2, 7, 8, "y")
            ]
        );
    }

    #[test]
    fn control_characters_outside_strings() {
        assert_eq!(
            errors("1 a\u{0}b"),
            vec![(
                1,
                4,
                "invalid character U+0000: control characters may only appear in strings".into()
            )]
        );
        assert_eq!(kinds("\"a\u{0}b\""), vec![TokenKind::Str("a\u{0}b".into())]);
    }

    #[test]
    fn reports_every_error() {
        let e = errors("1.5 \"x\\q\" 99999999999999999999 ok");
        assert_eq!(e.len(), 3);
    }
}
