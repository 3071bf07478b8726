//! A running program for the page: a vm-core machine, its source index and its output.

use std::fmt;

use vm_core::{
    compile, parse_args, ErrorKind, Hit, Limits, Machine, Profile, Record, Status, Stopper, Watch,
};

use crate::convert::{JsDiagnostic, JsError, JsFrame, JsSpan, JsStatus, JsValueView, LineIndex};
use crate::tier::{JsTier, TierInfo, TierText};

/// Options of a session; every field may be left out.
#[derive(Default, Debug)]
pub struct Options {
    /// Data stack limit.
    pub max_stack: Option<usize>,
    /// Return stack limit.
    pub max_calls: Option<usize>,
    /// Step limit over the whole run.
    pub max_steps: Option<f64>,
    /// The most output kept, in bytes; more is a runtime error.
    pub max_output: Option<usize>,
    /// Record the last this-many steps so that `step_back` can undo them (the debugger).
    pub history: Option<usize>,
    /// Count instructions by call path and line (`profile()`).
    pub profile: Option<bool>,
    /// Record each step's stack, keeping the first and the last this-many steps (the
    /// page's timeline, which replays a run with it).
    pub record: Option<usize>,
    /// Run the program's blocks in a WebAssembly module compiled for it (the tier);
    /// not with `history`, `profile` or `record`, which run plain instructions.
    pub tier: Option<bool>,
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

impl SetupError {
    /// The message of the `Error` thrown for it: the first error with its position
    /// (`compile error at 2:3: undefined label ...`), and how many more there are.
    pub fn message(&self) -> String {
        let what = if self.kind == "args" {
            "error in the arguments"
        } else {
            "compile error"
        };
        let Some(first) = self.diagnostics.first() else {
            return what.to_string();
        };
        let more = match self.diagnostics.len() - 1 {
            0 => String::new(),
            n => format!(" (and {})", vm_core::text::counted(n as u64, "more error")),
        };
        let at = &first.span;
        format!(
            "{what} at {}:{}: {}{more}",
            at.line, at.column, first.message
        )
    }
}

/// The option names of `new Session`, in the order its documentation gives them.
pub const OPTION_NAMES: [&str; 8] = [
    "maxStack",
    "maxCalls",
    "maxSteps",
    "maxOutput",
    "history",
    "profile",
    "record",
    "tier",
];

/// What is wrong with these option keys, when some are not option names: each named,
/// with the option meant when one is close (`max_steps`: `maxSteps`), and the list of
/// options. `None` when all are known. (Built with `push_str` and compared as bytes:
/// this is in the WebAssembly module, which has a size budget.)
pub fn unknown_options<S: AsRef<str>>(keys: &[S]) -> Option<String> {
    let mut unknown = String::new();
    let mut count = 0;
    for key in keys.iter().map(AsRef::as_ref) {
        if OPTION_NAMES.contains(&key) {
            continue;
        }
        if count > 0 {
            unknown.push_str(", ");
        }
        count += 1;
        unknown.push('`');
        unknown.push_str(key);
        unknown.push('`');
        if let Some(known) = meant(key) {
            unknown.push_str(" (did you mean `");
            unknown.push_str(known);
            unknown.push_str("`?)");
        }
    }
    (count > 0).then(|| {
        format!(
            "unknown option{} {unknown}; the options are {}",
            vm_core::text::plural(count),
            OPTION_NAMES.join(", ")
        )
    })
}

/// The option name that `key` was probably meant to be: the same but for ASCII case,
/// `_` and `-` (`max_steps`, `MAX-STEPS`), or at most two letters away (`histroy`).
fn meant(key: &str) -> Option<&'static str> {
    let bare = |s: &str| -> String {
        s.chars()
            .filter(|c| *c != '_' && *c != '-')
            .map(|c| c.to_ascii_lowercase())
            .collect()
    };
    let key = bare(key);
    let mut best = None;
    for name in OPTION_NAMES {
        let d = vm_core::text::edit_distance(&key, &bare(name));
        if d <= 2 && best.is_none_or(|(least, _)| d < least) {
            best = Some((d, name));
        }
    }
    best.map(|(_, name)| name)
}

/// The largest budget a run takes: JavaScript's `Number.MAX_SAFE_INTEGER` (2^53 - 1),
/// the largest whole number a JavaScript number holds exactly; more than a machine
/// runs in years.
pub const MAX_BUDGET: u64 = (1 << 53) - 1;

/// Reads the step budget of `run`, `step_over` and `step_out`, a JavaScript number: a
/// whole number from 0 (run nothing; a step over or out still waits for its return) to
/// [`MAX_BUDGET`]. Anything else is an error saying what is wrong with it, rather than
/// a budget that wraps (`2**32 + 5` as 5) or becomes 0 (`Infinity`, `NaN`). The message
/// does not print the number: float formatting would add 18 KB to the module.
pub fn read_budget(budget: f64) -> Result<u64, &'static str> {
    if budget.is_nan() {
        Err("budget is not a number (NaN); give a whole number of steps from 0 to 2**53 - 1")
    } else if budget.is_infinite() {
        Err("budget is infinite; give a whole number of steps from 0 to 2**53 - 1 (the `maxSteps` option limits a whole run)")
    } else if budget < 0.0 {
        Err("budget is negative; give a whole number of steps from 0 to 2**53 - 1")
    } else if budget.trunc() != budget {
        Err("budget has a fraction; give a whole number of steps from 0 to 2**53 - 1")
    } else if budget > MAX_BUDGET as f64 {
        Err("budget is above 2**53 - 1 (Number.MAX_SAFE_INTEGER); give a whole number of steps from 0 to 2**53 - 1")
    } else {
        Ok(budget as u64)
    }
}

/// The program state behind the JavaScript `Session` class.
pub struct Core {
    machine: Machine,
    index: LineIndex,
    output: String,
    /// All output so far, kept while recording history (stepping back removes from it).
    transcript: Option<String>,
    emitted: usize,
    max_output: usize,
    time_ms: f64,
    stopper: Stopper,
    profile: Option<Profile>,
    record: Option<Record>,
    /// The WebAssembly tier, when asked for and instantiated.
    tier: Option<JsTier>,
    /// What was compiled for the tier, when it was asked for.
    tier_info: Option<TierInfo>,
}

/// Collects output up to the limit; refuses (a runtime error of the program) beyond it.
/// (The console writes through it too: the machine's run loop is generic over its sink,
/// and one sink type keeps one copy of it in the module.)
pub(crate) struct CappedSink<'a> {
    pub(crate) buf: &'a mut String,
    pub(crate) transcript: Option<&'a mut String>,
    pub(crate) emitted: &'a mut usize,
    pub(crate) max: usize,
}

impl fmt::Write for CappedSink<'_> {
    fn write_str(&mut self, s: &str) -> fmt::Result {
        if *self.emitted + s.len() > self.max {
            return Err(fmt::Error);
        }
        *self.emitted += s.len();
        self.buf.push_str(s);
        if let Some(t) = &mut self.transcript {
            t.push_str(s);
        }
        Ok(())
    }
}

/// The profile of a run: folded stacks and instructions per line.
#[derive(serde::Serialize, Debug)]
pub struct JsProfile {
    /// `main;fib;recur 1234` lines.
    pub folded: String,
    /// Instructions per source line.
    pub lines: Vec<JsLineCount>,
    /// All instructions counted.
    pub total: f64,
}

/// Instructions executed on one line.
#[derive(serde::Serialize, Debug)]
pub struct JsLineCount {
    /// The line, from 1.
    pub line: u32,
    /// How many instructions ran there.
    pub count: f64,
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
        let mut machine = Machine::new(program, args).with_limits(limits);
        let stopper = Stopper::new(machine.program());
        let history = options.history.unwrap_or(0);
        machine.record_history(history);
        let profile = options
            .profile
            .unwrap_or(false)
            .then(|| Profile::new(&machine));
        let record = options
            .record
            .filter(|&n| n > 0)
            .map(|n| Record::new(&machine, n));
        Ok(Core {
            transcript: (history > 0).then(String::new),
            record,
            machine,
            index,
            output: String::new(),
            emitted: 0,
            max_output: options.max_output.unwrap_or(DEFAULT_MAX_OUTPUT),
            time_ms: 0.0,
            stopper,
            profile,
            tier: None,
            tier_info: None,
        })
    }

    /// Compiles the program's blocks into a WebAssembly module and has `instantiate`
    /// make a tier of its bytes; without it when that fails, or when the session
    /// records history, a profile or its steps, saying why in [`Core::tier_info`].
    /// `now` reads a clock in milliseconds (the time is in the info).
    pub fn use_tier(
        &mut self,
        instantiate: impl FnOnce(&[u8]) -> Result<JsTier, String>,
        now: impl Fn() -> f64,
    ) {
        if self.profile.is_some() || self.record.is_some() || self.transcript.is_some() {
            self.tier_info = Some(TierInfo {
                error: Some(
                    "not with history, profile or record: those runs run plain instructions".into(),
                ),
                ..TierInfo::default()
            });
            return;
        }
        let started = now();
        let compiled = vm_core::tier::compile_module(self.machine.program());
        let made = instantiate(&compiled.bytes);
        let mut info = TierInfo::of(&compiled);
        info.ms = now() - started;
        match made {
            Ok(tier) => self.tier = Some(tier),
            Err(e) => info.error = Some(e),
        }
        self.tier_info = Some(info);
    }

    /// What was compiled for the tier (`None` without the `tier` option), with the
    /// reason it does not run, if it does not (also when the module failed during a run).
    pub fn tier_info(&self) -> Option<TierInfo> {
        let mut info = self.tier_info.clone()?;
        if let Some(failed) = self.tier.as_ref().and_then(|t| t.failed.clone()) {
            info.error = Some(failed);
        }
        Some(info)
    }

    /// The tier's module as WebAssembly text, at most `max_chars` characters of it
    /// (empty without the tier).
    pub fn tier_text(&self, max_chars: usize) -> TierText {
        // Made when asked for: a run needs only the module (`compile_module`).
        let text = match &self.tier_info {
            // (A session that refused the tier compiled nothing: 0 bytes.)
            Some(info) if info.bytes > 0 => vm_core::tier::compile(self.machine.program()).text,
            _ => String::new(),
        };
        TierText::new(&text, max_chars)
    }

    /// Steps run in the tier's module so far.
    pub fn tier_steps(&self) -> f64 {
        self.machine.tier_steps() as f64
    }

    /// Sets breakpoints on these lines; returns the lines that have an instruction.
    pub fn set_breakpoints(&mut self, lines: &[u32]) -> Vec<u32> {
        self.stopper.set_lines(self.machine.program(), lines)
    }

    /// One instruction.
    pub fn step(&mut self, now: impl Fn() -> f64) -> JsStatus {
        let mut s = self.run(1, now);
        if s.status == "paused" {
            s.reason = Some("step");
        }
        s
    }

    /// Runs a `call` at the position to its return (or one instruction if it is not a
    /// call), pausing at breakpoints; at most `budget` steps now, then `run` goes on.
    pub fn step_over(&mut self, budget: u64, now: impl Fn() -> f64) -> JsStatus {
        match Stopper::step_over_depth(&self.machine) {
            Some(depth) => {
                self.stopper.until_depth(Some(depth));
                self.run(budget, now)
            }
            None => self.step(now),
        }
    }

    /// Runs until the innermost call returns (or to the end outside any call).
    pub fn step_out(&mut self, budget: u64, now: impl Fn() -> f64) -> JsStatus {
        self.stopper
            .until_depth(self.machine.call_depth().checked_sub(1));
        self.run(budget, now)
    }

    /// Forgets a step over or step out still waiting for its call to return.
    pub fn cancel_step(&mut self) {
        self.stopper.until_depth(None);
    }

    /// Undoes the last step (with the `history` option). `output_removed` says how many
    /// UTF-16 units of output that step had printed; `reason` is `step_back`, or
    /// `history_empty` when there is nothing to undo.
    pub fn step_back(&mut self) -> JsStatus {
        let undone = self.machine.step_back();
        let mut removed = 0;
        if let (Some(bytes), Some(t)) = (undone, &mut self.transcript) {
            let cut = t.len().saturating_sub(bytes);
            removed = t[cut..].encode_utf16().count();
            t.truncate(cut);
            self.emitted = self.emitted.saturating_sub(bytes);
        }
        JsStatus {
            status: "paused",
            reason: Some(if undone.is_some() {
                "step_back"
            } else {
                "history_empty"
            }),
            output_removed: Some(removed),
            ..self.blank_status()
        }
    }

    /// The profile so far (with the `profile` option): every instruction executed,
    /// including those run again after stepping back.
    pub fn profile(&self) -> Option<JsProfile> {
        let p = self.profile.as_ref()?;
        let program = self.machine.program();
        Some(JsProfile {
            folded: p.folded(program),
            lines: p
                .lines(program)
                .into_iter()
                .map(|(line, n)| JsLineCount {
                    line,
                    count: n as f64,
                })
                .collect(),
            total: p.total() as f64,
        })
    }

    fn blank_status(&self) -> JsStatus {
        JsStatus {
            status: "paused",
            output: String::new(),
            steps: self.machine.steps() as f64,
            time_ms: self.time_ms,
            exit_code: None,
            ms: None,
            error: None,
            reason: None,
            output_removed: None,
        }
    }

    /// Runs at most `budget` steps; `now` reads a clock in milliseconds.
    pub fn run(&mut self, budget: u64, now: impl Fn() -> f64) -> JsStatus {
        let started = now();
        let mut sink = CappedSink {
            buf: &mut self.output,
            transcript: self.transcript.as_mut(),
            emitted: &mut self.emitted,
            max: self.max_output,
        };
        let plain = self.profile.is_none() && self.record.is_none() && self.stopper.is_idle();
        let status = if let (true, Some(tier)) = (plain, &mut self.tier) {
            self.machine.run_tiered(budget, &mut sink, tier)
        } else if plain {
            self.machine.run(budget, &mut sink)
        } else {
            let mut watch = Watch {
                stopper: &mut self.stopper,
                profile: self.profile.as_mut(),
                record: self.record.as_mut(),
            };
            self.machine.run_with(budget, &mut sink, &mut watch)
        };
        self.time_ms += now() - started;
        let mut s = JsStatus {
            output: std::mem::take(&mut self.output),
            ..self.blank_status()
        };
        match status {
            Status::Halted(code) => {
                s.status = "halted";
                s.exit_code = Some(code.to_string());
            }
            Status::OutOfBudget => s.reason = Some("budget"),
            Status::Paused => {
                s.reason = Some(match self.stopper.take_hit() {
                    Some(Hit::Breakpoint) => "breakpoint",
                    _ => "step",
                });
            }
            Status::NeedsInput => s.status = "needs_input",
            Status::Sleeping(ms) => {
                s.status = "sleeping";
                s.ms = Some(ms as f64);
            }
            Status::Failed(e) => {
                s.status = "error";
                let host = (e.kind == ErrorKind::Output).then(|| {
                    let message = format!(
                        "output limit: the page keeps at most {} bytes of output",
                        self.max_output
                    );
                    ("output_limit", message)
                });
                s.error = Some(JsError::new(&e, &self.index, host));
            }
            // A status this version of the page does not know: shown as a pause.
            _ => {}
        }
        s
    }

    /// Answers a pending `read` with a line, or with the end of input (`None`).
    pub fn provide_input(&mut self, line: Option<&str>) {
        self.machine.provide_input(line);
    }

    /// The data stack, bottom first.
    pub fn stack(&self) -> Vec<JsValueView> {
        self.stack_top(usize::MAX)
    }

    /// The top `n` values of the data stack, bottom first.
    pub fn stack_top(&self, n: usize) -> Vec<JsValueView> {
        let stack = self.machine.stack();
        stack[stack.len().saturating_sub(n)..]
            .iter()
            .map(JsValueView::from)
            .collect()
    }

    /// The value at `index` of the data stack (0 is the bottom), showing at most
    /// `max_chars` characters of it; `None` when there is no such value.
    pub fn value_view(&self, index: usize, max_chars: usize) -> Option<JsValueView> {
        let stack = self.machine.stack();
        stack.get(index).map(|v| JsValueView::new(v, max_chars))
    }

    /// The whole printed form of the value at `index` of the data stack (0 is the
    /// bottom), however long; `None` when there is no such value.
    pub fn value_text(&self, index: usize) -> Option<String> {
        let stack = self.machine.stack();
        stack.get(index).map(|v| v.to_string())
    }

    /// The depth of the data stack.
    pub fn stack_len(&self) -> usize {
        self.machine.stack().len()
    }

    /// The active calls, innermost first, folded as error traces are (identical calls
    /// in a row are one entry with its `repeat`, the middle of a long trace is left out):
    /// a few dozen entries however deep the calls go.
    pub fn call_stack(&self) -> Vec<JsFrame> {
        JsFrame::trace(&self.machine.trace(), &self.index)
    }

    /// The position of the next instruction; `None` at the end.
    pub fn position(&self) -> Option<JsSpan> {
        self.machine.next_span().map(|s| self.index.span(s))
    }

    /// Steps executed so far.
    pub fn steps(&self) -> f64 {
        self.machine.steps() as f64
    }

    /// The record of a session made with the `record` option.
    pub fn record(&self) -> Option<&Record> {
        self.record.as_ref()
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
    fn debugging_breakpoints_step_over_out_and_back() {
        let src = "\"é\" println\n1 f call\n2 println\nstop\nf:\n  \"in f\" println\n  return\n";
        let opts = Options {
            history: Some(10_000),
            profile: Some(true),
            ..Options::default()
        };
        let mut core = Core::new(src, "", opts).unwrap();
        assert_eq!(core.set_breakpoints(&[6, 5, 42]), vec![6]);
        let s = core.run(1000, || 0.0);
        assert_eq!((s.status, s.reason), ("paused", Some("breakpoint")));
        assert_eq!(s.output, "é\n");
        assert_eq!(core.position().unwrap().line, 6);
        assert_eq!(core.call_stack().len(), 1);
        // Step out: back in the main program after the call, having printed "in f".
        core.set_breakpoints(&[]);
        let s = core.step_out(1000, || 0.0);
        assert_eq!((s.reason, s.output.as_str()), (Some("step"), "in f\n"));
        assert_eq!(
            (core.position().unwrap().line, core.call_stack().len()),
            (3, 0)
        );
        // Step back into the call: undoing `return`, then the println removes its output.
        let s = core.step_back();
        assert_eq!((s.reason, s.output_removed), (Some("step_back"), Some(0)));
        assert_eq!(core.call_stack().len(), 1);
        let s = core.step_back();
        assert_eq!(s.output_removed, Some(5));
        assert_eq!(core.position().unwrap().line, 6);
        // Back to the start, then nothing more to undo; "é\n" is two UTF-16 units.
        let mut removed = 0;
        while let s @ JsStatus {
            reason: Some("step_back"),
            ..
        } = core.step_back()
        {
            removed += s.output_removed.unwrap();
        }
        assert_eq!((removed, core.steps()), (2, 0.0));
        // Step over the call from `f call`: one debugger step runs the whole call.
        for _ in 0..4 {
            core.step(|| 0.0); // `"é"`, `println`, `1`, `f`: now at `call`
        }
        let s = core.step_over(1000, || 0.0);
        assert_eq!((s.reason, s.output.as_str()), (Some("step"), "in f\n"));
        assert_eq!(core.position().unwrap().line, 3);
        let s = core.run(1000, || 0.0);
        assert_eq!(s.status, "halted");
        let p = core.profile().unwrap();
        assert!(p.folded.starts_with("main "), "{}", p.folded);
        // The profile counts every instruction executed: f's three ran twice, before and
        // after stepping back over them.
        assert!(p.folded.contains("main;f 6"), "{}", p.folded);
    }

    #[test]
    fn deep_traces_cross_folded() {
        let mut core = Core::new("f: f call", "", Options::default()).unwrap();
        let (s, _, _) = run_all(&mut core, u64::MAX);
        let e = s.error.unwrap();
        assert_eq!(e.trace.len(), 1);
        assert_eq!((e.trace[0].repeat, e.trace_depth), (100_000, 100_000));
        assert!(e.rendered.len() < 1024, "{}", e.rendered);
        let mut core = Core::new("a: b call\nb: a call", "", Options::default()).unwrap();
        let e = run_all(&mut core, u64::MAX).0.error.unwrap();
        assert_eq!(e.trace.len(), 20);
        assert_eq!(e.trace[10].left_out, 100_000 - 20);
        // A paused deep run's call stack is folded the same way.
        let mut core = Core::new("a: b call\nb: a call", "", Options::default()).unwrap();
        core.run(50_000, || 0.0);
        assert_eq!(core.call_stack().len(), 20);
        // One "error" in the headline.
        let mut core = Core::new("1 \"a\" +", "", Options::default()).unwrap();
        let e = run_all(&mut core, u64::MAX).0.error.unwrap();
        assert!(e.headline.starts_with("type error: `+`"), "{}", e.headline);
        assert_eq!(e.stack_shown, ["1", "\"a\""]);
    }

    #[test]
    fn a_cancelled_step_out_no_longer_stops() {
        let src = "f call \"back\" println stop f: 1 drop return";
        let mut core = Core::new(src, "", Options::default()).unwrap();
        core.run(3, || 0.0); // inside f
        assert_eq!(core.call_stack().len(), 1);
        let s = core.step_out(0, || 0.0); // no budget yet: the wait stays
        assert_eq!(s.reason, Some("budget"));
        core.cancel_step();
        let s = core.run(1000, || 0.0);
        assert_eq!((s.status, s.output.as_str()), ("halted", "back\n"));
        // Without cancelling, the run would have stopped when f returned.
        let mut core = Core::new(src, "", Options::default()).unwrap();
        core.run(3, || 0.0);
        core.step_out(0, || 0.0);
        assert_eq!(core.run(1000, || 0.0).reason, Some("step"));
    }

    #[test]
    fn long_strings_are_cut_until_asked_for() {
        let src = "\"x\" loop: dup concat loop jmp";
        let mut core = Core::new(src, "", Options::default()).unwrap();
        let (s, _, _) = run_all(&mut core, 1_000_000);
        let e = s.error.unwrap();
        assert!(e.message.starts_with("string too long"), "{}", e.message);
        let big = 16 << 20;
        for v in e.stack.iter().chain(core.stack().iter()) {
            assert_eq!((v.bytes, v.cut), (big, true));
            assert!(v.literal.len() < 1000 && v.value.len() < 1000);
        }
        assert!(e.rendered.len() < 2000, "{} bytes", e.rendered.len());
        let top = core.stack_len() - 1;
        assert_eq!(core.value_text(top).map(|t| t.len()), Some(big));
        let view = core.value_view(top, 10_000).unwrap();
        assert_eq!(view.literal.chars().count(), 10_000 + 3);
        assert_eq!(
            (core.value_text(top + 1), core.value_view(top + 1, 1)),
            (None, None)
        );
    }

    #[test]
    fn a_breakpoint_ends_a_step_over() {
        // Step over `f call` stops at a breakpoint inside f; once it is removed, Continue
        // runs to the end instead of stopping when f returns.
        let src = "f call \"after f\" println\nf call \"after f 2\" println\nstop\nf:\n\"in f\" println\nreturn\n";
        let mut core = Core::new(src, "", Options::default()).unwrap();
        core.step(|| 0.0);
        core.set_breakpoints(&[5]);
        let s = core.step_over(1000, || 0.0);
        assert_eq!(s.reason, Some("breakpoint"));
        core.set_breakpoints(&[]);
        let s = core.run(1000, || 0.0);
        assert_eq!(s.status, "halted");
        assert_eq!(s.output, "in f\nafter f\nin f\nafter f 2\n");
    }

    #[test]
    fn budgets_are_whole_numbers_that_do_not_wrap() {
        assert_eq!(read_budget(0.0), Ok(0));
        assert_eq!(read_budget(-0.0), Ok(0));
        assert_eq!(read_budget(10_000.0), Ok(10_000));
        assert_eq!(read_budget(2f64.powi(32) + 5.0), Ok((1 << 32) + 5));
        assert_eq!(read_budget(MAX_BUDGET as f64), Ok(MAX_BUDGET));
        let wrong = |n: f64| read_budget(n).unwrap_err().split(';').next().unwrap();
        assert_eq!(wrong(f64::NAN), "budget is not a number (NaN)");
        assert_eq!(wrong(f64::INFINITY), "budget is infinite");
        assert_eq!(wrong(f64::NEG_INFINITY), "budget is infinite");
        assert_eq!(wrong(-1.0), "budget is negative");
        assert_eq!(wrong(1.5), "budget has a fraction");
        assert_eq!(
            wrong(2f64.powi(53)),
            "budget is above 2**53 - 1 (Number.MAX_SAFE_INTEGER)"
        );
    }

    #[test]
    fn setup_errors() {
        let e = Core::new("1 nope", "", Options::default()).err().unwrap();
        assert_eq!(e.kind, "compile");
        assert_eq!(
            e.message(),
            "compile error at 1:3: undefined label `nope` (1 reference)"
        );
        let e = Core::new("1", "1 x", Options::default()).err().unwrap();
        assert_eq!((e.kind, e.diagnostics[0].span.column), ("args", 3));
        assert!(
            e.message().starts_with("error in the arguments at 1:3: "),
            "{}",
            e.message()
        );
        let e = Core::new("a b\nc", "", Options::default()).err().unwrap();
        assert!(
            e.message().ends_with("(and 2 more errors)"),
            "{}",
            e.message()
        );
    }

    #[test]
    fn unknown_options_are_named_with_the_one_meant() {
        assert_eq!(unknown_options(&OPTION_NAMES), None);
        assert_eq!(unknown_options::<&str>(&[]), None);
        assert_eq!(
            unknown_options(&["profile", "max_steps"]).unwrap(),
            "unknown option `max_steps` (did you mean `maxSteps`?); the options are \
             maxStack, maxCalls, maxSteps, maxOutput, history, profile, record, tier"
        );
        let two = unknown_options(&["colour", "MAX-OUTPUT"]).unwrap();
        assert!(
            two.starts_with("unknown options `colour`, `MAX-OUTPUT` (did you mean `maxOutput`?); "),
            "{two}"
        );
        assert_eq!(meant("histroy"), Some("history"));
        assert_eq!(meant("max_stak"), Some("maxStack"));
        assert_eq!(meant("steps"), None);
    }
}
