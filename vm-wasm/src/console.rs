//! The playground's console: a REPL session of vm-core ([`vm_core::repl`], the rules
//! `svm`'s REPL follows) run in slices of steps, its results as plain data for the page.
//! Positions are the entry's own: line 1 is the entry's first line.

use serde::Serialize;
use vm_core::repl::{self, Entered, Session};
use vm_core::{Limits, Status};

use crate::convert::{JsDiagnostic, JsError, JsSpan, JsValueView, LineIndex};
use crate::session::CappedSink;

/// The most output of one entry kept for the page, in bytes; the rest is counted.
pub const OUTPUT_KEPT: usize = 64 << 10;

/// What became of an entry: `kind` is `accepted` (with `defined` and `runs`: call
/// `run` until it is done), `rejected` (compile errors), `hint` (`quit` typed for
/// `:quit`), `command` (a command done, with its `output`) or `unknown` (a command the
/// console does not have).
#[derive(Serialize, Debug, Clone, PartialEq)]
#[serde(rename_all = "camelCase")]
pub struct JsEntry {
    /// What became of it.
    pub kind: &'static str,
    /// The labels it defined.
    pub defined: Vec<JsDefined>,
    /// Whether code of it is to run.
    pub runs: bool,
    /// The compile errors, positions in the entry.
    pub errors: Vec<JsDiagnostic>,
    /// The message: the errors as `svm` prints them (the lines typed numbered since the
    /// start or `:reset`, carets under the entry), a hint, or a command's output.
    pub message: String,
    /// The line of the session's typed lines the entry starts on (`<repl>:LINE`).
    pub line: u32,
    /// The part of it that runs (all of it, or the code after a definition), when
    /// code of it runs.
    pub code: String,
}

/// A label an entry defined.
#[derive(Serialize, Debug, Clone, PartialEq)]
pub struct JsDefined {
    /// Its name.
    pub name: String,
    /// It was defined before.
    pub again: bool,
}

/// What a slice of an entry's run ended with: `status` `running` (call `run` again) or
/// `done` (halted, or failed: `error`).
#[derive(Serialize, Debug, Clone, PartialEq)]
#[serde(rename_all = "camelCase")]
pub struct JsConsoleStatus {
    /// `running` or `done`.
    pub status: &'static str,
    /// Output kept since the previous call (at most [`OUTPUT_KEPT`] bytes of an entry).
    pub output: String,
    /// All the output of the entry so far, in bytes, kept or not.
    pub output_bytes: usize,
    /// Steps of the entry so far.
    pub steps: f64,
    /// A runtime error: its span in the entry when it is there (else in an earlier
    /// entry: `inEntry` false, and the span is in the typed lines); `rendered` as `svm`
    /// prints it.
    pub error: Option<JsError>,
    /// Whether the error is in the entry.
    pub in_entry: bool,
}

/// The stack: its top `values` (bottom first) and its depth.
#[derive(Serialize, Debug, Clone, PartialEq)]
pub struct JsStackTop {
    /// The top values, bottom first.
    pub values: Vec<JsValueView>,
    /// The depth.
    pub total: usize,
}

/// A console session.
pub struct ConsoleCore {
    session: Session,
    /// The entry running: its first typed line, its byte offset in the typed lines,
    /// the step count it started at, and its lines.
    entry: Option<(u32, usize, u64, u32)>,
    output_bytes: usize,
}

impl ConsoleCore {
    /// A new session; each entry may take `max_steps` steps.
    pub fn new(max_steps: Option<u64>) -> ConsoleCore {
        ConsoleCore {
            session: Session::new(Limits {
                max_steps,
                ..Limits::default()
            }),
            entry: None,
            output_bytes: 0,
        }
    }

    /// Takes an entry: a command (`:reset`, `:clear`, `:words`) or code.
    pub fn enter(&mut self, text: &str) -> JsEntry {
        self.entry = None;
        self.output_bytes = 0;
        let line = self.session.next_line();
        let mut entry = JsEntry {
            kind: "command",
            defined: Vec::new(),
            runs: false,
            errors: Vec::new(),
            message: String::new(),
            line,
            code: String::new(),
        };
        if let Some((name, _)) = repl::command(text) {
            match name {
                "reset" => {
                    self.session.reset();
                    entry.line = 1;
                }
                "clear" => {
                    self.session.command_typed();
                    self.session.clear_stack();
                }
                "words" => {
                    self.session.command_typed();
                    let words = self.session.words();
                    if words.is_empty() {
                        entry.message.push_str("(no labels defined)\n");
                    }
                    for (label, _, at) in words {
                        entry
                            .message
                            .push_str(&format!("{label:<16} <repl>:{}:{}\n", at.line, at.col));
                    }
                }
                _ => {
                    self.session.command_typed();
                    entry.kind = "unknown";
                    entry.message = format!(
                        "unknown command `:{name}`; the console has :clear, :reset and :words"
                    );
                }
            }
            return entry;
        }
        let start = self.session.typed().len();
        match self.session.enter(text) {
            Entered::Hint(hint) => {
                entry.kind = "hint";
                entry.message = hint;
            }
            Entered::Rejected { errors, rendered } => {
                entry.kind = "rejected";
                let index = LineIndex::new(self.session.typed());
                let base = utf16_len(&self.session.typed()[..start]);
                entry.errors = errors
                    .iter()
                    .filter(|p| p.origin == repl::TYPED)
                    .map(|p| {
                        let mut d = JsDiagnostic::new(&p.diagnostic, &index);
                        d.span = within(d.span, line, base);
                        for n in &mut d.notes {
                            n.span = n.span.take().map(|s| within(s, line, base));
                        }
                        d
                    })
                    .collect();
                entry.message = rendered;
            }
            Entered::Accepted { defined, runs } => {
                entry.kind = "accepted";
                entry.runs = runs;
                entry.defined = defined
                    .into_iter()
                    .map(|d| JsDefined {
                        name: d.name,
                        again: d.again,
                    })
                    .collect();
                if runs {
                    let from = repl::run_from(text).map_or(0, |(_, byte)| byte);
                    entry.code = text[from..].trim().to_string();
                    let lines = text.matches('\n').count() as u32 + 1;
                    let steps = self.session.machine().steps();
                    self.entry = Some((line, start, steps, lines));
                }
            }
        }
        entry
    }

    /// Runs the entry at most `budget` more steps. `read` gets the end of input, and
    /// `sleep_ms` does not wait.
    pub fn run(&mut self, budget: u64) -> JsConsoleStatus {
        let mut status = JsConsoleStatus {
            status: "done",
            output: String::new(),
            output_bytes: self.output_bytes,
            steps: 0.0,
            error: None,
            in_entry: false,
        };
        let Some((line, start, first_step, lines)) = self.entry else {
            return status;
        };
        // The session's sink (one copy of the run loop in the module), then the entry's
        // output past OUTPUT_KEPT bytes dropped, and counted.
        let mut text = String::new();
        let mut emitted = 0;
        let mut out = CappedSink {
            buf: &mut text,
            transcript: None,
            emitted: &mut emitted,
            max: usize::MAX,
        };
        let machine = self.session.machine_mut();
        let result = match machine.run(budget, &mut out) {
            Status::NeedsInput => {
                machine.provide_input(None);
                None
            }
            Status::Halted(_) => Some(None),
            Status::Failed(e) => Some(Some(e)),
            _ => None,
        };
        let room = OUTPUT_KEPT.saturating_sub(self.output_bytes);
        let mut end = room.min(text.len());
        while !text.is_char_boundary(end) {
            end -= 1;
        }
        text.truncate(end);
        self.output_bytes += emitted;
        status.steps = (self.session.machine().steps() - first_step) as f64;
        status.output = text;
        status.output_bytes = self.output_bytes;
        match result {
            None => status.status = "running",
            Some(failed) => {
                self.entry = None;
                if let Some(e) = failed {
                    let (moved, _, _) = self.session.placed_error(&e);
                    let index = LineIndex::new(self.session.typed());
                    let mut js = JsError::new(&moved, &index, None);
                    js.rendered = self.session.render_error(&e);
                    status.in_entry = (line..line + lines).contains(&moved.span.line)
                        && self.session.origin_of(e.span.line).0 == repl::TYPED;
                    if status.in_entry {
                        let base = utf16_len(&self.session.typed()[..start]);
                        js.span = within(js.span, line, base);
                    }
                    status.error = Some(js);
                }
            }
        }
        status
    }

    /// Stops the entry running (the stack stays as it is).
    pub fn stop(&mut self) {
        self.entry = None;
    }

    /// The top `n` values of the stack and its depth.
    pub fn stack(&self, n: usize) -> JsStackTop {
        let m = self.session.machine();
        JsStackTop {
            values: m.stack_top(n).iter().map(JsValueView::from).collect(),
            total: m.stack_len(),
        }
    }

    /// The stack as `svm`'s REPL prints it, its top 32 values (`[1 2 "a"]`).
    pub fn stack_line(&self) -> String {
        vm_core::repl::stack_line(self.session.machine(), 32)
    }

    /// The labels defined.
    pub fn labels(&self) -> Vec<String> {
        self.session.labels()
    }

    /// The definitions in effect, as text (for the editor).
    pub fn definitions(&self) -> String {
        self.session.definitions()
    }
}

/// How many UTF-16 units `s` has.
fn utf16_len(s: &str) -> usize {
    s.encode_utf16().count()
}

/// A span of the typed lines as a span of the entry that starts on their line `first`,
/// at UTF-16 offset `base`.
fn within(s: JsSpan, first: u32, base: usize) -> JsSpan {
    JsSpan {
        line: s.line + 1 - first,
        end_line: s.end_line + 1 - first,
        from: s.from - base,
        to: s.to - base,
        ..s
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn run_all(c: &mut ConsoleCore) -> JsConsoleStatus {
        loop {
            let s = c.run(1000);
            if s.status == "done" {
                return s;
            }
        }
    }

    #[test]
    fn entries_define_and_run() {
        let mut c = ConsoleCore::new(Some(1_000_000));
        let e = c.enter("sq: dup * return");
        assert_eq!(
            (e.kind, e.runs, e.defined[0].again),
            ("accepted", false, false)
        );
        let e = c.enter("3 sq call");
        assert!(e.runs);
        assert!(run_all(&mut c).error.is_none());
        assert_eq!(c.stack_line(), "[9]");
        assert!(c.enter("sq: 1 + return").defined[0].again);
        c.enter("sq call");
        run_all(&mut c);
        assert_eq!(c.stack_line(), "[10]");
        assert_eq!(c.enter("sq: 2 * return 4 sq call").code, "4 sq call");
        assert_eq!(c.definitions(), "sq: 2 * return\n");
    }

    #[test]
    fn errors_are_placed_in_the_entry() {
        let mut c = ConsoleCore::new(None);
        c.enter("1");
        run_all(&mut c);
        let e = c.enter("2 nope call");
        assert_eq!(e.kind, "rejected");
        let s = &e.errors[0].span;
        assert_eq!((s.line, s.column, s.from, s.to), (1, 3, 2, 6));
        assert!(e.message.contains("--> <repl>:2:3"), "{}", e.message);
        c.enter("\"é\" 1 +");
        let s = run_all(&mut c);
        let err = s.error.unwrap();
        assert!(s.in_entry);
        assert_eq!((err.span.line, err.span.column, err.span.from), (1, 7, 6));
        assert!(err.rendered.contains("<repl>:3:7"), "{}", err.rendered);
    }

    #[test]
    fn an_endless_entry_meets_the_budget() {
        let mut c = ConsoleCore::new(Some(10_000));
        c.enter("0 l: 1 + l jmp");
        let s = run_all(&mut c);
        let e = s.error.unwrap();
        assert_eq!(e.message, "step limit: 10000 steps executed");
        assert!(
            s.in_entry && e.rendered.contains("<repl>:1:"),
            "{}",
            e.rendered
        );
        c.enter("2");
        run_all(&mut c);
        assert!(c.stack_line().ends_with(" 2]"), "{}", c.stack_line());
    }

    #[test]
    fn output_is_cut_and_counted() {
        let mut c = ConsoleCore::new(None);
        c.enter("0 l: \"xxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxx\" println 1 + dup 2000 < l done if jmp done:");
        let mut kept = 0;
        let s = loop {
            let s = c.run(1000);
            kept += s.output.len();
            if s.status == "done" {
                break s;
            }
        };
        assert_eq!(kept, OUTPUT_KEPT);
        assert_eq!(s.output_bytes, 2000 * 64);
    }
}
