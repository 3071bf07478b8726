//! A running program for the page: a vm-core machine, its source index and its output.

use std::fmt;

use serde::Deserialize;
use vm_core::{compile, parse_args, ErrorKind, Limits, Machine, Status};

use crate::convert::{JsDiagnostic, JsError, JsFrame, JsSpan, JsStatus, JsValueView, LineIndex};

/// Options of a session; every field may be left out.
#[derive(Deserialize, Default, Debug)]
#[serde(default)]
pub struct Options {
    /// Data stack limit.
    pub max_stack: Option<usize>,
    /// Return stack limit.
    pub max_calls: Option<usize>,
    /// Step limit over the whole run.
    pub max_steps: Option<f64>,
    /// The most output kept, in bytes; more is a runtime error.
    pub max_output: Option<usize>,
}

/// The default output limit: a tab stays responsive with this much text.
pub const DEFAULT_MAX_OUTPUT: usize = 4 << 20;

/// Why a session could not be made: compile errors, or bad arguments.
#[derive(serde::Serialize, Debug)]
pub struct SetupError {
    /// `compile` (positions in the source) or `args` (positions in the argument text).
    pub kind: &'static str,
    /// The errors.
    pub diagnostics: Vec<JsDiagnostic>,
}

/// The program state behind the JavaScript `Session` class.
pub struct Core {
    machine: Machine,
    index: LineIndex,
    output: String,
    emitted: usize,
    max_output: usize,
    time_ms: f64,
}

/// Collects output up to the limit; refuses (a runtime error of the program) beyond it.
struct CappedSink<'a> {
    buf: &'a mut String,
    emitted: &'a mut usize,
    max: usize,
}

impl fmt::Write for CappedSink<'_> {
    fn write_str(&mut self, s: &str) -> fmt::Result {
        if *self.emitted + s.len() > self.max {
            return Err(fmt::Error);
        }
        *self.emitted += s.len();
        self.buf.push_str(s);
        Ok(())
    }
}

impl Core {
    /// Compiles `source`, reads `args`, and makes a machine ready to run.
    pub fn new(source: &str, args: &str, options: Options) -> Result<Core, SetupError> {
        let index = LineIndex::new(source);
        let program = compile(source).map_err(|ds| SetupError {
            kind: "compile",
            diagnostics: ds.iter().map(|d| JsDiagnostic::new(d, &index)).collect(),
        })?;
        let args = parse_args(args).map_err(|ds| {
            let args_index = LineIndex::new(args);
            SetupError {
                kind: "args",
                diagnostics: ds
                    .iter()
                    .map(|d| JsDiagnostic::new(d, &args_index))
                    .collect(),
            }
        })?;
        let d = Limits::default();
        let limits = Limits {
            max_stack: options.max_stack.unwrap_or(d.max_stack),
            max_calls: options.max_calls.unwrap_or(d.max_calls),
            max_steps: options.max_steps.map(|n| n.max(0.0) as u64),
            max_string: d.max_string,
            max_string_total: d.max_string_total,
        };
        Ok(Core {
            machine: Machine::new(program, args).with_limits(limits),
            index,
            output: String::new(),
            emitted: 0,
            max_output: options.max_output.unwrap_or(DEFAULT_MAX_OUTPUT),
            time_ms: 0.0,
        })
    }

    /// Runs at most `budget` steps; `now` reads a clock in milliseconds.
    pub fn run(&mut self, budget: u64, now: impl Fn() -> f64) -> JsStatus {
        let started = now();
        let mut sink = CappedSink {
            buf: &mut self.output,
            emitted: &mut self.emitted,
            max: self.max_output,
        };
        let status = self.machine.run(budget, &mut sink);
        self.time_ms += now() - started;
        let mut s = JsStatus {
            status: "paused",
            output: std::mem::take(&mut self.output),
            steps: self.machine.steps() as f64,
            time_ms: self.time_ms,
            exit_code: None,
            ms: None,
            error: None,
        };
        match status {
            Status::Halted(code) => {
                s.status = "halted";
                s.exit_code = Some(code.to_string());
            }
            Status::OutOfBudget => {}
            Status::NeedsInput => s.status = "needs_input",
            Status::Sleeping(ms) => {
                s.status = "sleeping";
                s.ms = Some(ms as f64);
            }
            Status::Failed(e) => {
                s.status = "error";
                let message = (e.kind == ErrorKind::Output).then(|| {
                    format!(
                        "output limit: the page keeps at most {} bytes of output",
                        self.max_output
                    )
                });
                s.error = Some(JsError::new(&e, &self.index, message));
            }
        }
        s
    }

    /// Answers a pending `read` with a line, or with the end of input (`None`).
    pub fn provide_input(&mut self, line: Option<&str>) {
        self.machine.provide_input(line);
    }

    /// The data stack, bottom first.
    pub fn stack(&self) -> Vec<JsValueView> {
        self.machine.stack().iter().map(JsValueView::from).collect()
    }

    /// The active calls, innermost first.
    pub fn call_stack(&self) -> Vec<JsFrame> {
        self.machine
            .frames()
            .iter()
            .map(|f| JsFrame::new(f, &self.index))
            .collect()
    }

    /// The position of the next instruction; `None` at the end.
    pub fn position(&self) -> Option<JsSpan> {
        self.machine.next_span().map(|s| self.index.span(s))
    }

    /// Steps executed so far.
    pub fn steps(&self) -> f64 {
        self.machine.steps() as f64
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn run_all(core: &mut Core, budget: u64) -> (JsStatus, String, usize) {
        let mut out = String::new();
        let mut slices = 0;
        loop {
            let s = core.run(budget, || 0.0);
            out.push_str(&s.output);
            slices += 1;
            if s.status != "paused" {
                return (s, out, slices);
            }
        }
    }

    #[test]
    fn small_budgets_give_the_same_output() {
        let src = include_str!("../../examples/fib.svm");
        let mut whole = Core::new(src, "15", Options::default()).unwrap();
        let (s1, out1, n1) = run_all(&mut whole, u64::MAX);
        let mut sliced = Core::new(src, "15", Options::default()).unwrap();
        let (s2, out2, n2) = run_all(&mut sliced, 97);
        assert_eq!((n1, out1.as_str()), (1, "610\n"));
        assert!(n2 > 100);
        assert_eq!(out1, out2);
        assert_eq!(s1.steps, s2.steps);
        assert_eq!(s2.exit_code.as_deref(), Some("0"));
    }

    #[test]
    fn output_limit_is_a_clear_error() {
        let opts = Options {
            max_output: Some(100),
            ..Options::default()
        };
        let mut core = Core::new("l: \"0123456789\" println l jmp", "", opts).unwrap();
        let (s, out, _) = run_all(&mut core, 1000);
        assert_eq!(out.len(), 99);
        let e = s.error.unwrap();
        assert_eq!(
            e.message,
            "output limit: the page keeps at most 100 bytes of output"
        );
        assert!(e.rendered.starts_with("error: output limit"));
    }

    #[test]
    fn setup_errors() {
        let e = Core::new("1 nope", "", Options::default()).err().unwrap();
        assert_eq!(e.kind, "compile");
        let e = Core::new("1", "1 x", Options::default()).err().unwrap();
        assert_eq!((e.kind, e.diagnostics[0].span.column), ("args", 3));
    }
}
