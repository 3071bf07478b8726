//! Source positions, compile diagnostics, runtime errors, and their rendering as text.

use alloc::string::{String, ToString};
use alloc::vec::Vec;
use core::fmt::{self, Write};

use unicode_width::UnicodeWidthChar;

use crate::ops::Op;
use crate::value::Value;

/// A range of source text: bytes `start..end`, and the 1-based line and column (counted
/// in characters) of its first character and of the position just after its last.
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq, Hash)]
pub struct Span {
    /// Byte offset of the first byte.
    pub start: u32,
    /// Byte offset just past the last byte.
    pub end: u32,
    /// Line of the first character, from 1.
    pub line: u32,
    /// Column of the first character, from 1, in characters.
    pub col: u32,
    /// Line of the position just past the end.
    pub end_line: u32,
    /// Column of the position just past the end.
    pub end_col: u32,
}

/// A secondary message attached to a [`Diagnostic`], possibly pointing elsewhere.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Note {
    /// The text of the note.
    pub message: String,
    /// Where it points, if anywhere.
    pub span: Option<Span>,
}

/// A compile error (or a rendered runtime error): a message at a position, with notes.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Diagnostic {
    /// What is wrong, in one line.
    pub message: String,
    /// The token at fault.
    pub span: Span,
    /// More context: related positions, hints.
    pub notes: Vec<Note>,
}

impl Diagnostic {
    /// A diagnostic with no notes.
    pub fn new(message: impl Into<String>, span: Span) -> Diagnostic {
        Diagnostic {
            message: message.into(),
            span,
            notes: Vec::new(),
        }
    }

    /// Adds a note, pointing somewhere or nowhere.
    pub fn with_note(mut self, message: impl Into<String>, span: Option<Span>) -> Diagnostic {
        self.notes.push(Note {
            message: message.into(),
            span,
        });
        self
    }

    /// Renders the diagnostic like a compiler does: `error: …`, the position as
    /// `--> FILE:LINE:COL`, the source line with a caret under the token, and the notes.
    pub fn render(&self, source: &str, file: &str) -> String {
        let mut out = String::new();
        render_into(&mut out, self, source, file);
        out
    }
}

impl fmt::Display for Diagnostic {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "{}:{}: {}", self.span.line, self.span.col, self.message)
    }
}

fn render_into(out: &mut String, d: &Diagnostic, source: &str, file: &str) {
    let s = d.span;
    let line_text = source_line(source, s.line);
    let gutter = s.line.to_string().len();
    let pad = " ".repeat(gutter);
    let _ = writeln!(out, "error: {}", d.message);
    let _ = writeln!(out, "{pad}--> {file}:{}:{}", s.line, s.col);
    if let Some(text) = line_text {
        let _ = writeln!(out, "{pad} |");
        let _ = writeln!(out, "{} | {}", s.line, text);
        let _ = writeln!(out, "{pad} | {}", caret_line(text, s));
    }
    for note in &d.notes {
        match note.span {
            Some(ns) => {
                let _ = writeln!(
                    out,
                    "{pad} = note: {} ({file}:{}:{})",
                    note.message, ns.line, ns.col
                );
            }
            None => {
                let _ = writeln!(out, "{pad} = note: {}", note.message);
            }
        }
    }
}

/// The text of 1-based line `line`, without its line ending.
pub fn source_line(source: &str, line: u32) -> Option<&str> {
    let text = source.split('\n').nth(line.checked_sub(1)? as usize)?;
    Some(text.strip_suffix('\r').unwrap_or(text))
}

/// Spaces (tabs where the source line has tabs) up to the span, then `^` under it:
/// the line to print below `text` to point at `s`. Wide characters (CJK, emoji) count
/// as two terminal columns, so the caret lines up under them.
pub fn caret_line(text: &str, s: Span) -> String {
    let mut line = String::new();
    let start = s.col.saturating_sub(1) as usize;
    for c in text.chars().take(start) {
        match c {
            '\t' => line.push('\t'),
            c => (0..c.width().unwrap_or(0)).for_each(|_| line.push(' ')),
        }
    }
    let len = if s.end_line == s.line {
        s.end_col.saturating_sub(s.col) as usize
    } else {
        usize::MAX
    };
    let width: usize = text
        .chars()
        .skip(start)
        .take(len)
        .map(|c| c.width().unwrap_or(0))
        .sum();
    for _ in 0..width.max(1) {
        line.push('^');
    }
    line
}

/// What went wrong at run time.
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum ErrorKind {
    /// An operation found fewer values than it takes.
    StackUnderflow {
        /// The operation.
        op: Op,
        /// How many values it takes.
        needed: usize,
        /// How many there were.
        found: usize,
    },
    /// An operation found values of the wrong type.
    TypeError {
        /// The operation.
        op: Op,
        /// What it takes, in words.
        expected: &'static str,
        /// The values found, described.
        found: String,
    },
    /// `/` or `%` by zero.
    DivisionByZero {
        /// `/` or `%`.
        op: Op,
    },
    /// An arithmetic result that does not fit in 64 bits.
    Overflow {
        /// The operation.
        op: Op,
        /// Left operand.
        a: i64,
        /// Right operand.
        b: i64,
    },
    /// `cast_int` of a string that is not an integer.
    CastInt {
        /// The string (cut if long), as a literal.
        text: String,
    },
    /// `jmp` or `call` to an address outside the program.
    InvalidAddress {
        /// The address.
        addr: i64,
        /// The number of tokens (the largest valid address).
        len: u32,
    },
    /// `return` with an empty return stack.
    ReturnWithoutCall,
    /// The data stack is full.
    StackOverflow {
        /// Its limit.
        limit: usize,
    },
    /// The return stack is full.
    CallStackOverflow {
        /// Its limit.
        limit: usize,
    },
    /// The step limit was reached.
    StepLimit {
        /// The limit.
        limit: u64,
    },
    /// `sleep_ms` with a negative duration.
    NegativeSleep {
        /// The duration given.
        ms: i64,
    },
    /// A string would exceed the length limit.
    StringTooLong {
        /// The operation.
        op: Op,
        /// The length it would have, in bytes.
        len: usize,
        /// The limit, in bytes.
        limit: usize,
    },
    /// The strings alive would exceed the total budget.
    StringMemory {
        /// The operation making a new string.
        op: Op,
        /// The bytes of strings alive with the new one.
        live: usize,
        /// The budget, in bytes.
        limit: usize,
    },
    /// The host's output sink refused the text.
    Output,
}

impl ErrorKind {
    /// A short stable name of the kind of error, for hosts: `stack_underflow`,
    /// `type_error`, `division_by_zero`, `overflow`, `cast_int`, `invalid_address`,
    /// `return_without_call`, `stack_overflow`, `call_stack_overflow`, `step_limit`,
    /// `negative_sleep`, `string_too_long`, `string_memory`, `output`.
    pub fn code(&self) -> &'static str {
        match self {
            ErrorKind::StackUnderflow { .. } => "stack_underflow",
            ErrorKind::TypeError { .. } => "type_error",
            ErrorKind::DivisionByZero { .. } => "division_by_zero",
            ErrorKind::Overflow { .. } => "overflow",
            ErrorKind::CastInt { .. } => "cast_int",
            ErrorKind::InvalidAddress { .. } => "invalid_address",
            ErrorKind::ReturnWithoutCall => "return_without_call",
            ErrorKind::StackOverflow { .. } => "stack_overflow",
            ErrorKind::CallStackOverflow { .. } => "call_stack_overflow",
            ErrorKind::StepLimit { .. } => "step_limit",
            ErrorKind::NegativeSleep { .. } => "negative_sleep",
            ErrorKind::StringTooLong { .. } => "string_too_long",
            ErrorKind::StringMemory { .. } => "string_memory",
            ErrorKind::Output => "output",
        }
    }
}

impl fmt::Display for ErrorKind {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            ErrorKind::StackUnderflow { op, needed, found } => {
                let s = if *needed == 1 { "" } else { "s" };
                write!(
                    f,
                    "stack underflow: `{op}` {} takes {needed} value{s}, the stack has {found}",
                    op.info().effect
                )
            }
            ErrorKind::TypeError {
                op,
                expected,
                found,
            } => {
                write!(
                    f,
                    "type error: `{op}` {} expects {expected}, found {found}",
                    op.info().effect
                )
            }
            ErrorKind::DivisionByZero { op } => write!(f, "division by zero in `{op}`"),
            ErrorKind::Overflow { op, a, b } => {
                write!(
                    f,
                    "overflow: `{a} {b} {op}` does not fit in a 64-bit integer"
                )
            }
            ErrorKind::CastInt { text } => {
                write!(f, "cannot convert {text} to an integer (`cast_int`)")
            }
            ErrorKind::InvalidAddress { addr, len } => {
                write!(f, "invalid address {addr}: addresses go from 0 to {len}")
            }
            ErrorKind::ReturnWithoutCall => {
                f.write_str("return with no call: the return stack is empty")
            }
            ErrorKind::StackOverflow { limit } => {
                write!(
                    f,
                    "stack overflow: the data stack is limited to {limit} values"
                )
            }
            ErrorKind::CallStackOverflow { limit } => {
                write!(
                    f,
                    "stack overflow: the return stack is limited to {limit} calls"
                )
            }
            ErrorKind::StepLimit { limit } => write!(f, "step limit: {limit} steps executed"),
            ErrorKind::NegativeSleep { ms } => {
                write!(
                    f,
                    "`sleep_ms` needs a non-negative number of milliseconds, found {ms}"
                )
            }
            ErrorKind::StringTooLong { op, len, limit } => {
                write!(
                    f,
                    "string too long: `{op}` would make {len} bytes, the limit is {limit}"
                )
            }
            ErrorKind::StringMemory { op, live, limit } => write!(
                f,
                "string memory limit: `{op}` would keep {live} bytes of strings alive, the limit is {limit}"
            ),
            ErrorKind::Output => {
                f.write_str("output failed: the host could not take the program's output")
            }
        }
    }
}

/// One active call at the time of an error, as shown in a stack trace.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct TraceFrame {
    /// The label that was called, when one points at the called address.
    pub label: Option<String>,
    /// The address that was called.
    pub target: u32,
    /// The position of the `call` that made this frame.
    pub call_span: Span,
}

impl TraceFrame {
    /// The label's name, or the numeric address where no label points there.
    pub fn name(&self) -> String {
        match &self.label {
            Some(l) => l.clone(),
            None => self.target.to_string(),
        }
    }
}

/// A runtime error: what, where, the active calls and the top of the data stack.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct RuntimeError {
    /// What went wrong.
    pub kind: ErrorKind,
    /// The position of the instruction at fault.
    pub span: Span,
    /// The token address of the instruction at fault.
    pub address: u32,
    /// Active calls, innermost first.
    pub trace: Vec<TraceFrame>,
    /// The top of the data stack (at most [`RuntimeError::STACK_SHOWN`] values), top last.
    pub stack_top: Vec<Value>,
    /// The depth of the data stack.
    pub stack_len: usize,
}

impl RuntimeError {
    /// How many values from the top of the stack an error keeps.
    pub const STACK_SHOWN: usize = 8;

    /// The error message (without position).
    pub fn message(&self) -> String {
        self.kind.to_string()
    }

    /// Renders the error: like a compile error, then the stack trace (one line per active
    /// call, innermost first) and the top of the data stack.
    pub fn render(&self, source: &str, file: &str) -> String {
        let mut out = String::new();
        render_into(
            &mut out,
            &Diagnostic::new(self.message(), self.span),
            source,
            file,
        );
        let _ = writeln!(out, "stack trace, innermost first:");
        for frame in &self.trace {
            let s = frame.call_span;
            let _ = writeln!(
                out,
                "    in {} (called at {file}:{}:{})",
                frame.name(),
                s.line,
                s.col
            );
        }
        let _ = writeln!(out, "    in the main program");
        let _ = write!(
            out,
            "data stack ({} value{}, top last):",
            self.stack_len,
            if self.stack_len == 1 { "" } else { "s" }
        );
        if self.stack_len > self.stack_top.len() {
            out.push_str(" …");
        }
        for v in &self.stack_top {
            let _ = write!(out, " {}", v.literal_short(40));
        }
        out.push('\n');
        out
    }
}

impl fmt::Display for RuntimeError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "{}:{}: {}", self.span.line, self.span.col, self.kind)
    }
}

#[cfg(feature = "std")]
impl std::error::Error for RuntimeError {}
#[cfg(feature = "std")]
impl std::error::Error for Diagnostic {}

#[cfg(test)]
mod tests {
    use super::*;

    fn span(line: u32, col: u32, end_col: u32) -> Span {
        Span {
            start: 0,
            end: 0,
            line,
            col,
            end_line: line,
            end_col,
        }
    }

    #[test]
    fn renders_caret_under_the_token() {
        let src = "1 2 +\n\tfoo bar\r\n";
        let d = Diagnostic::new("undefined label `bar`", span(2, 6, 9));
        assert_eq!(
            d.render(src, "x.svm"),
            "error: undefined label `bar`\n --> x.svm:2:6\n  |\n2 | \tfoo bar\n  | \t    ^^^\n"
        );
    }

    #[test]
    fn carets_line_up_under_wide_characters() {
        assert_eq!(caret_line("日本 ab", span(1, 4, 6)), "     ^^");
        assert_eq!(caret_line("x 日本", span(1, 3, 5)), "  ^^^^");
        assert_eq!(caret_line("", span(1, 1, 1)), "^");
    }

    #[test]
    fn source_line_strips_cr() {
        assert_eq!(source_line("a\r\nb", 1), Some("a"));
        assert_eq!(source_line("a\r\nb", 2), Some("b"));
        assert_eq!(source_line("a", 3), None);
        assert_eq!(source_line("a", 0), None);
    }
}
