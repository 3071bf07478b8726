//! Source text in its canonical layout (`svm fmt`).
//!
//! The layout, decided from the tokens of [`lex`] and the comments and line breaks
//! between them:
//!
//! - A label definition stands at the start of a line of its own; the code after the
//!   first label definition of the program is indented by [`INDENT`], the code before it
//!   is not.
//! - Tokens are separated by one space, and stay on the line the author put them on: lines
//!   are never joined, and split only around label definitions (`sq: dup * return` becomes
//!   two lines).
//! - A comment after code keeps its column (tabs counted to the next multiple of 8, wide
//!   characters as two) when the code ends before it, and goes one space after the code
//!   otherwise. A comment on a line of its own stays at the start of the line when it was
//!   there, and is indented like the code around it when it was indented. Trailing
//!   whitespace is dropped.
//! - Blank lines are kept, a run of them as one; none at the start or the end. Lines end
//!   in `\n` (a `\r\n` becomes `\n`), and so does the text, unless it is empty.
//!
//! Tokens are copied as they are written (a string keeps its escapes and its line breaks),
//! so the formatted text has the same tokens in the same order: every address and every
//! instruction is unchanged. A source with lexical errors is not formatted.

use alloc::string::String;
use alloc::vec::Vec;

use unicode_width::UnicodeWidthChar;

use crate::error::CompileError;
use crate::lexer::{is_space, lex, Token, TokenKind};

/// The indentation of code after a label definition: four spaces.
pub const INDENT: &str = "    ";

/// Tab stops for the columns of comments.
const TAB: usize = 8;

/// `source` in the canonical layout (see the [module](self)), or its lexical errors, in
/// source order, when it has any.
///
/// ```
/// let text = vm_core::format("5 sq call println stop\n\n\nsq:  dup  *  return  # ( n -- n*n )");
/// let expected = "5 sq call println stop\n\nsq:\n    dup * return     # ( n -- n*n )\n";
/// assert_eq!(text.unwrap(), expected);
/// ```
pub fn format(source: &str) -> Result<String, CompileError> {
    let (tokens, errors) = lex(source);
    if !errors.is_empty() {
        return Err(CompileError::from(errors));
    }
    Ok(layout(source, &lines(source, &tokens)))
}

/// A comment: its text from `#`, without trailing whitespace, and where it stood.
#[derive(Debug)]
struct Comment<'a> {
    text: &'a str,
    /// The display column of its `#` on its line, from 0.
    column: usize,
}

/// One line of the source (a string's line breaks do not end one): its tokens, and its
/// comment if it has one.
#[derive(Debug, Default)]
struct Line<'s, 't> {
    tokens: Vec<&'t Token>,
    comment: Option<Comment<'s>>,
}

/// The display width of `text` starting at display column `column`: tabs to the next
/// multiple of [`TAB`], wide characters as two; after a line break, from 0.
fn advance(column: usize, text: &str) -> usize {
    text.chars().fold(column, |col, c| match c {
        '\n' => 0,
        '\t' => (col / TAB + 1) * TAB,
        c => col + c.width().unwrap_or(0),
    })
}

/// The display column of byte offset `at` on its line.
fn column_of(source: &str, at: usize) -> usize {
    let line_start = source[..at].rfind('\n').map_or(0, |i| i + 1);
    advance(0, &source[line_start..at])
}

/// The source's lines, with their tokens and comments.
fn lines<'s, 't>(source: &'s str, tokens: &'t [Token]) -> Vec<Line<'s, 't>> {
    let mut lines = Vec::new();
    let mut line = Line::default();
    let mut at = 0;
    for token in tokens.iter().map(Some).chain([None]) {
        let gap_end = token.map_or(source.len(), |t| t.span.start as usize);
        gap(source, at, gap_end, &mut line, &mut lines);
        if let Some(t) = token {
            line.tokens.push(t);
            at = t.span.end as usize;
        }
    }
    lines.push(line);
    lines
}

/// Reads the whitespace and comments of `source[from..to]` into `line`, pushing each line
/// that ends there onto `lines`.
fn gap<'s, 't>(
    source: &'s str,
    from: usize,
    to: usize,
    line: &mut Line<'s, 't>,
    lines: &mut Vec<Line<'s, 't>>,
) {
    let mut at = from;
    while at < to {
        let rest = &source[at..to];
        if rest.starts_with('\n') {
            lines.push(core::mem::take(line));
            at += 1;
        } else if rest.starts_with('#') {
            let len = rest.find('\n').unwrap_or(rest.len());
            line.comment = Some(Comment {
                text: rest[..len].trim_end_matches(is_space),
                column: column_of(source, at),
            });
            at += len;
        } else {
            at += rest.chars().next().map_or(1, char::len_utf8);
        }
    }
}

/// The formatted text of `lines`.
fn layout(source: &str, lines: &[Line]) -> String {
    let mut out = String::new();
    let mut labelled = false;
    let mut blank = false;
    for line in lines {
        if line.tokens.is_empty() && line.comment.is_none() {
            blank = !out.is_empty();
            continue;
        }
        if blank {
            out.push('\n');
            blank = false;
        }
        // Each label definition alone, the code between them together.
        let pieces: Vec<_> = line
            .tokens
            .chunk_by(|a, b| a.kind != TokenKind::LabelDef && b.kind != TokenKind::LabelDef)
            .collect();
        if pieces.is_empty() {
            // A comment on a line of its own.
            if let Some(c) = &line.comment {
                let indented = c.column > 0 && labelled;
                push_line(&mut out, source, indented, &[], Some(c));
            }
        }
        for (i, piece) in pieces.iter().enumerate() {
            let label = piece[0].kind == TokenKind::LabelDef;
            labelled |= label;
            let comment = line.comment.as_ref().filter(|_| i + 1 == pieces.len());
            push_line(&mut out, source, labelled && !label, piece, comment);
        }
    }
    out
}

/// Appends one line: the indentation, `tokens` one space apart, and `comment` at its
/// column or one space after the code.
fn push_line(
    out: &mut String,
    source: &str,
    indented: bool,
    tokens: &[&Token],
    comment: Option<&Comment>,
) {
    if indented {
        out.push_str(INDENT);
    }
    for (i, t) in tokens.iter().enumerate() {
        if i > 0 {
            out.push(' ');
        }
        out.push_str(t.text(source));
    }
    if let Some(c) = comment {
        if !tokens.is_empty() {
            let width = column_of(out, out.len());
            let pad = c.column.saturating_sub(width).max(1);
            out.extend(core::iter::repeat_n(' ', pad));
        }
        out.push_str(c.text);
    }
    out.push('\n');
}

#[cfg(test)]
mod tests {
    use super::*;

    fn fmt(source: &str) -> String {
        format(source).unwrap()
    }

    #[test]
    fn columns_count_tabs_and_wide_characters() {
        assert_eq!(advance(0, "ab"), 2);
        assert_eq!(advance(0, "a\t"), 8);
        assert_eq!(advance(3, "\t\t"), 16);
        assert_eq!(advance(0, "日本"), 4);
        assert_eq!(advance(5, "x\nab"), 2);
        assert_eq!(column_of("1 2\n\tdup # c", 9), 12);
    }

    #[test]
    fn label_definitions_are_cut_out_of_their_line() {
        assert_eq!(fmt("1 a: 2 b: c: 3"), "1\na:\n    2\nb:\nc:\n    3\n");
    }

    #[test]
    fn lexical_errors_are_returned_not_formatted() {
        let errors = format("1 \"open\n2").unwrap_err();
        assert_eq!(errors.len(), 1);
        assert_eq!((errors[0].span.line, errors[0].span.col), (1, 3));
    }
}
