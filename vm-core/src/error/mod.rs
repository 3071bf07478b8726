//! Source positions, compile diagnostics and runtime errors: what went wrong and where,
//! with the messages of each kind of error. Showing them as text, with the source line
//! and carets, the stack trace and the data stack, is `render.rs`.

mod render;

pub use render::{excerpt, headline, EXCERPT_CHARS};

use alloc::string::{String, ToString};
use alloc::vec::Vec;
use core::fmt;

use crate::ops::Op;
use crate::text::{counted, plural};
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
}

impl fmt::Display for Diagnostic {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "{}:{}: {}", self.span.line, self.span.col, self.message)
    }
}

/// The error of [`compile`](crate::compile) (and of [`parse_args`](crate::parse_args) and
/// [`format`](crate::format())): every problem found, in source order (never none).
///
/// It dereferences to its diagnostics (`errors[0]`, `errors.iter()`, `errors.len()`).
/// [`Display`](fmt::Display) shows one `LINE:COL: message` line per diagnostic;
/// [`CompileError::render`] shows them as the `svm` command does, with the source lines.
/// With the `std` feature it is a [`std::error::Error`], so `?` turns it into a
/// `Box<dyn Error>`:
///
/// ```
/// fn main() -> Result<(), Box<dyn std::error::Error>> {
///     let program = vm_core::compile("1 2 + println")?;
///     assert_eq!(program.code().len(), 4);
///     let error = vm_core::compile("1 nope call").unwrap_err();
///     assert_eq!(error.to_string(), "1:3: undefined label `nope` (1 reference)");
///     let boxed: Box<dyn std::error::Error> = error.into();
///     assert!(boxed.to_string().starts_with("1:3:"));
///     Ok(())
/// }
/// ```
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct CompileError {
    /// The problems, in source order.
    pub diagnostics: Vec<Diagnostic>,
}

impl From<Vec<Diagnostic>> for CompileError {
    fn from(diagnostics: Vec<Diagnostic>) -> CompileError {
        CompileError { diagnostics }
    }
}

impl core::ops::Deref for CompileError {
    type Target = [Diagnostic];

    fn deref(&self) -> &[Diagnostic] {
        &self.diagnostics
    }
}

impl<'a> IntoIterator for &'a CompileError {
    type Item = &'a Diagnostic;
    type IntoIter = core::slice::Iter<'a, Diagnostic>;

    fn into_iter(self) -> Self::IntoIter {
        self.diagnostics.iter()
    }
}

impl fmt::Display for CompileError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        for (i, d) in self.diagnostics.iter().enumerate() {
            if i > 0 {
                f.write_str("\n")?;
            }
            write!(f, "{d}")?;
        }
        Ok(())
    }
}

/// What went wrong at run time.
#[derive(Clone, Debug, PartialEq, Eq)]
#[non_exhaustive]
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
    /// The host stopped the program from outside (the terminal's Ctrl+C).
    Interrupted {
        /// Steps executed until then.
        steps: u64,
    },
}

impl ErrorKind {
    /// A short stable name of the kind of error, for hosts: `stack_underflow`,
    /// `type_error`, `division_by_zero`, `overflow`, `cast_int`, `invalid_address`,
    /// `return_without_call`, `stack_overflow`, `call_stack_overflow`, `step_limit`,
    /// `negative_sleep`, `string_too_long`, `string_memory`, `output`, `interrupted`.
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
            ErrorKind::Interrupted { .. } => "interrupted",
        }
    }
}

impl fmt::Display for ErrorKind {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            ErrorKind::StackUnderflow { op, needed, found } => {
                write!(
                    f,
                    "stack underflow: `{op}` {} takes {needed} value{}, the stack has {found}",
                    op.info().effect,
                    plural(*needed as u64)
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
                    "stack overflow: the data stack is limited to {limit} value{}",
                    plural(*limit as u64)
                )
            }
            ErrorKind::CallStackOverflow { limit } => {
                write!(
                    f,
                    "stack overflow: the return stack is limited to {limit} call{}",
                    plural(*limit as u64)
                )
            }
            ErrorKind::StepLimit { limit } => {
                write!(f, "step limit: {limit} step{} executed", plural(*limit))
            }
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
            ErrorKind::Interrupted { steps } => {
                write!(
                    f,
                    "interrupted after {}",
                    counted(*steps, "step")
                )
            }
        }
    }
}

/// Active calls, as shown in a stack trace: one entry per run of identical consecutive
/// calls (see [`TraceFrame::repeat`]).
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct TraceFrame {
    /// The label that was called, when one points at the called address.
    pub label: Option<String>,
    /// The address that was called.
    pub target: u32,
    /// The position of the `call` that made this frame.
    pub call_span: Span,
    /// How many identical calls (same `call`, same address) in a row this entry stands
    /// for: 1, or more in a recursion like `f: f call`.
    pub repeat: usize,
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

/// Calls left out of the middle of a long [`Trace`].
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct LeftOut {
    /// How many entries of [`Trace::frames`] come before the calls left out.
    pub after: usize,
    /// How many calls are left out.
    pub calls: usize,
}

/// The active calls at an error (or at a pause), innermost first, folded so that it
/// stays small however deep the calls go: identical calls in a row are one entry with
/// a repeat count, and when there are more than `2 × KEPT + 1` entries only the
/// innermost and the outermost [`Trace::KEPT`] are kept, with the number of calls left
/// out between them. The full depth is kept as a number.
#[derive(Clone, Debug, Default, PartialEq, Eq)]
pub struct Trace {
    /// The entries, innermost first.
    pub frames: Vec<TraceFrame>,
    /// The calls left out, if any.
    pub left_out: Option<LeftOut>,
    /// The number of active calls (the depth of the return stack).
    pub depth: usize,
}

impl Trace {
    /// How many entries are kept at each end of a long trace.
    pub const KEPT: usize = 10;

    /// Folds `calls`, given outermost first, where `same` tells identical calls apart
    /// and `entry` makes the entry of a call (its repeat count is then set).
    pub(crate) fn fold<C>(
        calls: &[C],
        same: impl Fn(&C, &C) -> bool,
        entry: impl Fn(&C) -> TraceFrame,
    ) -> Trace {
        // The runs from the innermost call: the index of a run's innermost call, and
        // its length.
        let mut runs: Vec<(usize, usize)> = Vec::new();
        let mut end = calls.len();
        while end > 0 {
            let mut start = end - 1;
            while start > 0 && same(&calls[start - 1], &calls[end - 1]) {
                start -= 1;
            }
            runs.push((end - 1, end - start));
            end = start;
        }
        let mut left_out = None;
        if runs.len() > 2 * Self::KEPT + 1 {
            let middle = runs.drain(Self::KEPT..runs.len() - Self::KEPT);
            left_out = Some(LeftOut {
                after: Self::KEPT,
                calls: middle.map(|(_, n)| n).sum(),
            });
        }
        let frames = runs
            .into_iter()
            .map(|(i, n)| TraceFrame {
                repeat: n,
                ..entry(&calls[i])
            })
            .collect();
        Trace {
            frames,
            left_out,
            depth: calls.len(),
        }
    }

    /// The kept calls, innermost first, each entry as many times as it repeats (the
    /// calls left out are not there).
    pub fn calls(&self) -> impl Iterator<Item = &TraceFrame> {
        self.frames
            .iter()
            .flat_map(|f| core::iter::repeat_n(f, f.repeat))
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
    /// Active calls, innermost first, folded.
    pub trace: Trace,
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
#[cfg(feature = "std")]
impl std::error::Error for CompileError {}

#[cfg(test)]
mod tests {
    use super::*;

    /// A span on one line (also used by `render.rs`'s tests).
    pub(super) fn span(line: u32, col: u32, end_col: u32) -> Span {
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
    fn traces_fold_runs_and_leave_out_the_middle() {
        let entry = |&(call, target): &(u32, u32)| TraceFrame {
            label: None,
            target,
            call_span: span(call, 1, 2),
            repeat: 1,
        };
        let same = |a: &(u32, u32), b: &(u32, u32)| a == b;
        // Outermost first: one call from line 1, then 99,999 identical ones from line 2.
        let calls: Vec<(u32, u32)> = core::iter::once((1, 7))
            .chain(core::iter::repeat_n((2, 7), 99_999))
            .collect();
        let t = Trace::fold(&calls, same, entry);
        assert_eq!(t.depth, 100_000);
        assert_eq!(t.left_out, None);
        let shape: Vec<(u32, usize)> = t
            .frames
            .iter()
            .map(|f| (f.call_span.line, f.repeat))
            .collect();
        assert_eq!(shape, [(2, 99_999), (1, 1)]);
        assert_eq!(t.calls().count(), 100_000);
        // Alternating calls: ten entries at each end and the count of the others.
        let calls: Vec<(u32, u32)> = (0..100_000).map(|i| (i % 2, 7)).collect();
        let t = Trace::fold(&calls, same, entry);
        assert_eq!(t.frames.len(), 2 * Trace::KEPT);
        assert_eq!(
            t.left_out,
            Some(LeftOut {
                after: Trace::KEPT,
                calls: 100_000 - 2 * Trace::KEPT
            })
        );
        assert_eq!(t.frames[0].call_span.line, 1, "innermost first");
        assert_eq!(t.frames[19].call_span.line, 0, "outermost last");
        // Up to 2 × KEPT + 1 entries, nothing is left out.
        let calls: Vec<(u32, u32)> = (0..21).map(|i| (i % 2, 7)).collect();
        assert_eq!(Trace::fold(&calls, same, entry).frames.len(), 21);
        assert_eq!(Trace::fold(&[], same, entry), Trace::default());
    }
}
