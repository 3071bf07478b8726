//! Plain data shapes that cross into JavaScript, and their conversion from vm-core types.
//!
//! Everything here is pure Rust (serde structs), so it is unit-tested natively. Numbers
//! of the language cross as strings, never as lossy `f64`s. Positions carry both the
//! language's line and column (1-based, in characters) and `from`/`to` offsets in UTF-16
//! code units, which is what JavaScript strings and the editor count in. Field names
//! cross in camelCase (`endLine`, `timeMs`, `outputRemoved`), JavaScript's convention.

use serde::Serialize;
use vm_core::{
    CompileError, Diagnostic, Note, Program, RuntimeError, Span, Trace, TraceFrame, Value, OPS,
};

/// Maps byte offsets of a source text to UTF-16 offsets, line by line.
pub struct LineIndex {
    /// For each line: its byte offset and its UTF-16 offset.
    starts: Vec<(usize, usize)>,
    text: String,
}

impl LineIndex {
    /// Indexes `text`.
    pub fn new(text: &str) -> LineIndex {
        let mut starts = vec![(0, 0)];
        let mut utf16 = 0;
        for (i, c) in text.char_indices() {
            utf16 += c.len_utf16();
            if c == '\n' {
                starts.push((i + 1, utf16));
            }
        }
        LineIndex {
            starts,
            text: text.to_string(),
        }
    }

    /// The UTF-16 offset of byte offset `byte`, which lies on 1-based line `line`.
    fn utf16(&self, byte: usize, line: u32) -> usize {
        let (line_byte, line_utf16) = self
            .starts
            .get(line.saturating_sub(1) as usize)
            .copied()
            .unwrap_or((0, 0));
        let (from, base) = if line_byte <= byte {
            (line_byte, line_utf16)
        } else {
            (0, 0)
        };
        let end = byte.min(self.text.len());
        base + self
            .text
            .get(from..end)
            .map_or(0, |s| s.encode_utf16().count())
    }

    /// A span as JavaScript sees it.
    pub fn span(&self, s: Span) -> JsSpan {
        JsSpan {
            line: s.line,
            column: s.col,
            end_line: s.end_line,
            end_column: s.end_col,
            from: self.utf16(s.start as usize, s.line),
            to: self.utf16(s.end as usize, s.end_line),
        }
    }
}

/// A source range: 1-based line and column (characters) of its start and end, and its
/// UTF-16 offsets in the source string.
#[derive(Serialize, Debug, Clone, PartialEq)]
#[serde(rename_all = "camelCase")]
pub struct JsSpan {
    /// Line of the start, from 1.
    pub line: u32,
    /// Column of the start, from 1, in characters.
    pub column: u32,
    /// Line of the end.
    pub end_line: u32,
    /// Column just past the end.
    pub end_column: u32,
    /// UTF-16 offset of the start.
    pub from: usize,
    /// UTF-16 offset just past the end.
    pub to: usize,
}

/// A note of a diagnostic.
#[derive(Serialize, Debug, Clone, PartialEq)]
pub struct JsNote {
    /// Its text.
    pub message: String,
    /// Where it points, if anywhere.
    pub span: Option<JsSpan>,
}

/// A compile error.
#[derive(Serialize, Debug, Clone, PartialEq)]
pub struct JsDiagnostic {
    /// What is wrong.
    pub message: String,
    /// Where.
    #[serde(flatten)]
    pub span: JsSpan,
    /// Related positions and hints.
    pub notes: Vec<JsNote>,
}

impl JsDiagnostic {
    /// Converts a diagnostic of `index`'s source.
    pub fn new(d: &Diagnostic, index: &LineIndex) -> JsDiagnostic {
        JsDiagnostic {
            message: d.message.clone(),
            span: index.span(d.span),
            notes: JsNote::all(&d.notes, index),
        }
    }
}

impl JsNote {
    /// Converts the notes of a diagnostic or a warning of `index`'s source.
    pub fn all(notes: &[Note], index: &LineIndex) -> Vec<JsNote> {
        notes
            .iter()
            .map(|n| JsNote {
                message: n.message.clone(),
                span: n.span.map(|s| index.span(s)),
            })
            .collect()
    }
}

/// How many characters of a value cross to the page (a string can be 16 MiB; the page
/// asks for the whole of it only on request): as many as the core shows.
pub const VALUE_SHOWN: usize = Value::SHOWN_CHARS;

/// A value as the page shows it: at most [`VALUE_SHOWN`] characters of it, and its size.
#[derive(Serialize, Debug, Clone, PartialEq)]
pub struct JsValueView {
    /// `Num`, `Bool` or `Str`.
    #[serde(rename = "type")]
    pub ty: &'static str,
    /// The printed form (what `println` prints): exact, numbers as decimal strings; a
    /// long string is cut and ends in `…`.
    pub value: String,
    /// The literal form (strings quoted and escaped), cut like `value`.
    pub literal: String,
    /// The length of the whole printed form, in bytes (UTF-8).
    pub bytes: usize,
    /// Whether `value` and `literal` were cut.
    pub cut: bool,
}

impl JsValueView {
    /// A view of `v` that shows at most `max_chars` characters of a string.
    pub fn new(v: &Value, max_chars: usize) -> JsValueView {
        let (value, bytes, cut) = match v {
            Value::Str(s) => match s.char_indices().nth(max_chars) {
                Some((end, _)) => (format!("{}…", &s[..end]), s.len(), true),
                None => (s.to_string(), s.len(), false),
            },
            other => {
                let text = other.to_string();
                let len = text.len();
                (text, len, false)
            }
        };
        JsValueView {
            ty: v.type_name(),
            value,
            literal: v.literal_cut(max_chars),
            bytes,
            cut,
        }
    }
}

impl From<&Value> for JsValueView {
    fn from(v: &Value) -> Self {
        JsValueView::new(v, VALUE_SHOWN)
    }
}

/// One active call, or a run of identical ones.
#[derive(Serialize, Debug, Clone, PartialEq)]
#[serde(rename_all = "camelCase")]
pub struct JsFrame {
    /// The label called, when one points there.
    pub label: Option<String>,
    /// The label, or the numeric address when no label points there.
    pub name: String,
    /// The address called.
    pub target: u32,
    /// Where the `call` is.
    pub call: JsSpan,
    /// How many identical calls in a row this entry stands for (1 or more).
    pub repeat: usize,
    /// How many calls of a long trace are left out just before this entry (0: none).
    pub left_out: usize,
}

impl JsFrame {
    /// Converts a frame.
    pub fn new(f: &TraceFrame, index: &LineIndex) -> JsFrame {
        JsFrame {
            label: f.label.clone(),
            name: f.name(),
            target: f.target,
            call: index.span(f.call_span),
            repeat: f.repeat,
            left_out: 0,
        }
    }

    /// Converts a folded trace: its entries, the calls left out counted on the entry
    /// that follows them.
    pub fn trace(t: &Trace, index: &LineIndex) -> Vec<JsFrame> {
        let mut frames: Vec<JsFrame> = t.frames.iter().map(|f| JsFrame::new(f, index)).collect();
        if let Some(gap) = t.left_out {
            if let Some(f) = frames.get_mut(gap.after) {
                f.left_out = gap.calls;
            }
        }
        frames
    }
}

/// A runtime error.
#[derive(Serialize, Debug, Clone, PartialEq)]
#[serde(rename_all = "camelCase")]
pub struct JsError {
    /// The kind of error, a stable name (`division_by_zero`, `output_limit`, …).
    pub kind: &'static str,
    /// What went wrong.
    pub message: String,
    /// The instruction at fault.
    pub span: JsSpan,
    /// The first line as shown: `error: MESSAGE`, or the message alone when it calls
    /// itself an error (`type error: …`).
    pub headline: String,
    /// The active calls, innermost first, folded (see `vm_core::Trace`).
    pub trace: Vec<JsFrame>,
    /// The number of active calls (the entries stand for them all, with their `repeat`
    /// and `left_out` counts).
    pub trace_depth: usize,
    /// The top of the data stack, top last.
    pub stack: Vec<JsValueView>,
    /// The same values as the core shows them (`Value::shown`): a long string cut,
    /// with its size.
    pub stack_shown: Vec<String>,
    /// The depth of the data stack.
    pub stack_len: usize,
    /// The error rendered as the command line shows it.
    pub rendered: String,
}

impl JsError {
    /// Converts a runtime error. `host` replaces the core's kind and message when the
    /// host knows better (the page's output limit is the host's, not the program's).
    pub fn new(
        e: &RuntimeError,
        index: &LineIndex,
        host: Option<(&'static str, String)>,
    ) -> JsError {
        let core_message = e.message();
        let (kind, message) = host.unwrap_or_else(|| (e.kind.code(), core_message.clone()));
        JsError {
            kind,
            rendered: e
                .render(&index.text, "program")
                .replacen(&core_message, &message, 1),
            headline: vm_core::error::headline(&message),
            message,
            span: index.span(e.span),
            trace: JsFrame::trace(&e.trace, index),
            trace_depth: e.trace.depth,
            stack: e.stack_top.iter().map(JsValueView::from).collect(),
            stack_shown: e.stack_top.iter().map(Value::shown).collect(),
            stack_len: e.stack_len,
        }
    }
}

/// What a slice of running ended with.
#[derive(Serialize, Debug, Clone, PartialEq)]
#[serde(rename_all = "camelCase")]
pub struct JsStatus {
    /// `halted`, `paused`, `needs_input`, `sleeping` or `error`.
    pub status: &'static str,
    /// Output produced since the previous call.
    pub output: String,
    /// Steps executed so far.
    pub steps: f64,
    /// Milliseconds spent running so far.
    pub time_ms: f64,
    /// With `halted`: the program's exit code, as a decimal string.
    pub exit_code: Option<String>,
    /// With `sleeping`: how long.
    pub ms: Option<f64>,
    /// With `error`.
    pub error: Option<JsError>,
    /// With `paused`: why. `budget` (call `run` to go on), `breakpoint`, `step` (a step,
    /// step over or step out is done), `step_back`, `history_empty`.
    pub reason: Option<&'static str>,
    /// With `step_back`: how many UTF-16 units of output the undone step had printed.
    pub output_removed: Option<usize>,
}

/// A label definition.
#[derive(Serialize, Debug, Clone, PartialEq)]
pub struct JsLabel {
    /// Its name.
    pub name: String,
    /// Its address.
    pub address: u32,
    /// Where it is defined.
    pub span: JsSpan,
}

/// The result of compiling.
#[derive(Serialize, Debug, Clone, PartialEq)]
pub struct JsCompiled {
    /// No errors?
    pub ok: bool,
    /// Every compile error, in source order.
    pub diagnostics: Vec<JsDiagnostic>,
    /// On success, the labels.
    pub labels: Vec<JsLabel>,
}

impl JsCompiled {
    /// Converts a compile result of `source`.
    pub fn new(result: &Result<Program, CompileError>, index: &LineIndex) -> JsCompiled {
        match result {
            Ok(p) => JsCompiled {
                ok: true,
                diagnostics: Vec::new(),
                labels: p
                    .labels()
                    .iter()
                    .map(|l| JsLabel {
                        name: l.name.clone(),
                        address: l.addr,
                        span: index.span(l.span),
                    })
                    .collect(),
            },
            Err(ds) => JsCompiled {
                ok: false,
                diagnostics: ds.iter().map(|d| JsDiagnostic::new(d, index)).collect(),
                labels: Vec::new(),
            },
        }
    }
}

/// One operation of the language, for docs and hover help.
#[derive(Serialize, Debug, Clone, PartialEq)]
pub struct JsOp {
    /// As written in source.
    pub name: &'static str,
    /// `( before -- after )`.
    pub effect: &'static str,
    /// What it does.
    pub doc: &'static str,
    /// A small program using it.
    pub example: &'static str,
}

/// The operation reference, straight from vm-core's op table.
pub fn ops() -> Vec<JsOp> {
    OPS.iter()
        .map(|o| JsOp {
            name: o.name,
            effect: o.effect,
            doc: o.doc,
            example: o.example,
        })
        .collect()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn utf16_offsets() {
        let src = "é 😀 x\nab y";
        let index = LineIndex::new(src);
        let (tokens, _) = vm_core::lexer::lex(src);
        let spans: Vec<(usize, usize)> = tokens
            .iter()
            .map(|t| index.span(t.span))
            .map(|s| (s.from, s.to))
            .collect();
        // é is one UTF-16 unit, 😀 two.
        assert_eq!(spans, vec![(0, 1), (2, 4), (5, 6), (7, 9), (10, 11)]);
        let js: Vec<u16> = src.encode_utf16().collect();
        assert_eq!(String::from_utf16(&js[5..6]).unwrap(), "x");
        assert_eq!(String::from_utf16(&js[10..11]).unwrap(), "y");
    }

    #[test]
    fn numbers_cross_as_exact_strings() {
        let v = JsValueView::from(&Value::Num(9007199254740993));
        assert_eq!(v.value, "9007199254740993");
        assert_eq!(v.ty, "Num");
    }

    #[test]
    fn long_strings_cross_cut_with_their_size() {
        let long = Value::Str("é\"".repeat(1000).into());
        let v = JsValueView::from(&long);
        assert_eq!((v.bytes, v.cut), (3000, true));
        assert_eq!(v.value.chars().count(), VALUE_SHOWN + 1);
        assert!(v.value.ends_with('…'));
        assert!(v.literal.starts_with("\"é\\\"é") && v.literal.ends_with("…\""));
        let short = JsValueView::from(&Value::Str("héllo".into()));
        assert_eq!(
            (short.value.as_str(), short.literal.as_str()),
            ("héllo", "\"héllo\"")
        );
        assert_eq!((short.bytes, short.cut), (6, false));
        let n = JsValueView::from(&Value::Num(-12));
        assert_eq!((n.bytes, n.cut), (3, false));
    }

    #[test]
    fn compile_results() {
        let src = "x: 1 y";
        let index = LineIndex::new(src);
        let c = JsCompiled::new(&vm_core::compile(src), &index);
        assert!(!c.ok);
        assert_eq!(c.diagnostics[0].span.column, 6);
        assert_eq!(
            (c.diagnostics[0].span.from, c.diagnostics[0].span.to),
            (5, 6)
        );
        let c = JsCompiled::new(&vm_core::compile("x: 1 x"), &LineIndex::new("x: 1 x"));
        assert!(c.ok);
        assert_eq!(c.labels[0].name, "x");
        assert_eq!(c.labels[0].address, 1);
    }

    #[test]
    fn op_reference_is_the_core_table() {
        let ops = ops();
        assert_eq!(ops.len(), OPS.len());
        assert!(ops
            .iter()
            .any(|o| o.name == "rot" && o.effect == "( a b c -- b c a )"));
    }
}
