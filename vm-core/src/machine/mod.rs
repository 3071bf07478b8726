//! The machine: runs a [`Program`] for a bounded number of steps and reports a [`Status`].
//!
//! The machine never blocks and does no I/O. Output goes to a sink the host passes to
//! [`Machine::run`] (anything that is [`core::fmt::Write`]: a `String`, a buffered writer
//! adapter). Input and sleeping are statuses: at `read` the machine stops with
//! [`Status::NeedsInput`] until the host calls [`Machine::provide_input`]; at `sleep_ms`
//! it stops with [`Status::Sleeping`] and the host decides how to wait. A run that uses
//! up its budget stops with [`Status::OutOfBudget`], and one that an [`Observer`] pauses
//! with [`Status::Paused`]; either resumes where it was on the next call. Every operation either completes or fails without changing the stacks, so an
//! error leaves the machine exactly as it was before the failing instruction.
//!
//! This file is the machine's public face: [`Machine`], its state and what a host reads
//! of it. The rest, one concern a file:
//!
//! | file | what |
//! | --- | --- |
//! | `run.rs` | the run loops, and the dispatch of a plain instruction to its method |
//! | `instr.rs` | the plain interpreter's instructions, one small method each |
//! | `tier.rs` | the [`Tier`] hook: blocks run by a compiled WebAssembly module ([`crate::tier`]) |
//! | `blocks.rs` | the block runner: the optimizer's blocks, behind one call in the loop; whenever a block cannot run exactly as its instructions would, the plain instructions run instead |
//! | `fuel.rs` | `Fuel`, the step budget the run loops, the block runner and the tier hook spend |
//! | `history.rs` | the undo history, for stepping back |
//! | `observer.rs` | the [`Observer`] hook that debuggers and profilers implement |

mod blocks;
mod fuel;
mod history;
mod instr;
mod observer;
mod run;
mod tier;

pub use observer::{Observer, Quiet};
pub use tier::{Image, Tier, TierCall};

use fuel::Fuel;
use history::History;
use instr::Trap;
use run::Stop;

use alloc::boxed::Box;
use alloc::string::{String, ToString};
use alloc::sync::Arc;
use alloc::vec::Vec;
use core::fmt::Write;

use crate::error::{ErrorKind, RuntimeError, Span, Trace, TraceFrame};
use crate::frame::Frame;
use crate::program::Program;
use crate::slot::{Slot, Stack, Strings, Tag, View};
use crate::value::Value;

/// Limits that keep a program from taking its host down. Reaching one is a runtime error.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct Limits {
    /// Maximum depth of the data stack.
    pub max_stack: usize,
    /// Maximum depth of the return stack (active calls).
    pub max_calls: usize,
    /// Maximum number of steps over the machine's life; `None` for no limit.
    pub max_steps: Option<u64>,
    /// Maximum length of one string, in bytes.
    pub max_string: usize,
    /// Maximum total length of the strings a program keeps alive (on its stack), in
    /// bytes. Checked every time the program has made another eighth of it in new
    /// strings, so the live total stays under 1.125 times this.
    pub max_string_total: usize,
}

impl Default for Limits {
    fn default() -> Self {
        Limits {
            max_stack: 1_000_000,
            max_calls: 100_000,
            max_steps: None,
            max_string: 16 << 20,
            max_string_total: 256 << 20,
        }
    }
}

/// Why [`Machine::run`] returned. More statuses may come: a host matches the ones it
/// knows and treats the others as a pause (call `run` again to go on).
#[derive(Clone, Debug, PartialEq, Eq)]
#[non_exhaustive]
pub enum Status {
    /// The program ended with this exit code (`stop` is 0, `exit` gives its own).
    Halted(i64),
    /// The step budget of this call is used up; call `run` again to go on.
    OutOfBudget,
    /// The observer of [`Machine::run_with`] asked to pause (a breakpoint, a step over
    /// done); call `run` again to go on. Never returned by [`Machine::run`].
    Paused,
    /// The program is at `read`: call [`Machine::provide_input`], then `run`.
    NeedsInput,
    /// `sleep_ms` asked to wait this many milliseconds; `run` again when done waiting.
    Sleeping(u64),
    /// A runtime error. The machine stays at the failing instruction.
    Failed(Box<RuntimeError>),
}

#[derive(Clone, Debug, PartialEq, Eq)]
enum State {
    Running,
    Halted(i64),
    Failed(Box<RuntimeError>),
}

/// Strings made before the first collection of the ones no longer used.
const FIRST_COLLECTION: usize = 1024;

/// A running program: data stack, return stack, position and step count.
#[derive(Clone, Debug)]
pub struct Machine {
    program: Arc<Program>,
    pc: usize,
    /// The data stack is `stack[..sp]`; the slots above are free space (`stack` only
    /// grows), where blocks put their results before they commit them.
    stack: Stack,
    sp: usize,
    /// The text of the strings made while running.
    strings: Strings,
    frames: Vec<Frame>,
    steps: u64,
    /// How many of `steps` ran inside the optimizer's blocks.
    block_steps: u64,
    /// How many of `block_steps` ran in a compiled module ([`Machine::run_tiered`]).
    tier_steps: u64,
    /// After short calls into the module: the machine calls it again when
    /// `block_steps` reaches this (`machine/tier.rs`)...
    tier_retry_at: u64,
    /// ...after waiting this many block steps (doubling after each short call).
    tier_wait: u64,
    limits: Limits,
    input: Option<Arc<str>>,
    state: State,
    /// Bytes of strings made since the live total was last counted.
    fresh_string_bytes: usize,
    /// Collect unused strings when this many are stored.
    collect_at: usize,
    /// Where `concat` and `cast_str` build a string's text (kept to reuse its memory).
    scratch: String,
    /// What each recent step changed, when recording (for stepping back).
    history: Option<History>,
    /// The position and address of the first `print` or `println` since the host last
    /// said that the output was written ([`Machine::output_written`]).
    unwritten: Option<(Span, u32)>,
    /// The `sleep_ms` the last run stopped after, while the host sleeps.
    slept_at: Option<usize>,
}

impl Machine {
    /// A machine at the start of `program`, with `args` on the stack (first at the bottom).
    pub fn new(program: Program, args: Vec<Value>) -> Machine {
        let mut m = Machine {
            program: Arc::new(program),
            pc: 0,
            stack: Stack::default(),
            sp: 0,
            strings: Strings::default(),
            frames: Vec::new(),
            steps: 0,
            block_steps: 0,
            tier_steps: 0,
            tier_retry_at: 0,
            tier_wait: 0,
            limits: Limits::default(),
            input: None,
            state: State::Running,
            fresh_string_bytes: 0,
            collect_at: FIRST_COLLECTION,
            scratch: String::new(),
            history: None,
            unwritten: None,
            slept_at: None,
        };
        m.stack.grow_to(args.len());
        for v in args {
            let s = m.slot_of(v);
            m.put(s);
        }
        m
    }

    /// The same machine with other limits.
    pub fn with_limits(mut self, limits: Limits) -> Machine {
        self.limits = limits;
        self
    }

    /// Replaces the program and starts it at instruction `pc`, keeping the data stack
    /// and the step count (the REPL runs each line this way); the history of steps to
    /// undo starts afresh.
    pub fn load(&mut self, program: Program, pc: usize) {
        // String constants on the stack belong to the old program: keep their text.
        for i in 0..self.sp {
            let s = self.stack.get(i);
            if s.tag == Tag::Const {
                let text = Arc::clone(self.program.string(s.bits as u32));
                let s = self.strings.insert(text);
                self.stack.set(i, s);
            }
        }
        self.program = Arc::new(program);
        self.pc = pc.min(self.program.code.len());
        self.frames.clear();
        self.input = None;
        self.state = State::Running;
        // Undo records point into the old program.
        if let Some(h) = &mut self.history {
            h.clear();
        }
    }

    /// Runs at most `budget` steps, writing output to `out`.
    pub fn run<O: Write + ?Sized>(&mut self, budget: u64, out: &mut O) -> Status {
        self.run_with(budget, out, &mut Quiet)
    }

    /// Like [`Machine::run`], telling `observer` about every step; the observer can
    /// pause the run (the status is then [`Status::Paused`]). With [`Quiet`] this
    /// is `run`, at no cost. A watched run, like a run that records history, runs the
    /// plain instructions one at a time.
    pub fn run_with<O: Write + ?Sized, B: Observer>(
        &mut self,
        budget: u64,
        out: &mut O,
        observer: &mut B,
    ) -> Status {
        self.run_inner(budget, out, observer, None)
    }

    /// Like [`Machine::run`], running blocks in the compiled module of `tier` (see
    /// [`crate::tier`]) where it can, and in the block runner elsewhere. The result is
    /// the same as `run`'s in every way but speed: output, status, errors, step count.
    /// [`Machine::tier_steps`] counts the steps the module ran. After calls into the
    /// module that ran few steps, the machine leaves it alone for a while (unless
    /// [`Tier::backs_off`] says not to). A machine that records its history runs the
    /// plain instructions only, as with `run`.
    pub fn run_tiered<O: Write + ?Sized>(
        &mut self,
        budget: u64,
        out: &mut O,
        tier: &mut dyn Tier,
    ) -> Status {
        self.run_inner(budget, out, &mut Quiet, Some(tier))
    }

    fn run_inner<O: Write + ?Sized, B: Observer>(
        &mut self,
        budget: u64,
        out: &mut O,
        observer: &mut B,
        tier: Option<&mut dyn Tier>,
    ) -> Status {
        match &self.state {
            State::Running => {}
            State::Halted(code) => return Status::Halted(*code),
            State::Failed(e) => return Status::Failed(e.clone()),
        }
        self.slept_at = None;
        let mut fuel = Fuel::new(budget);
        let mut at_limit = false;
        if let Some(max) = self.limits.max_steps {
            let left = max.saturating_sub(self.steps);
            if left <= budget {
                fuel = Fuel::new(left);
                at_limit = true;
            }
        }
        let program = Arc::clone(&self.program);
        let (stop, done) = if self.history.is_some() {
            self.execute_watched::<O, B, true>(&program, fuel, out, observer)
        } else if B::ACTIVE {
            self.execute_watched::<O, B, false>(&program, fuel, out, observer)
        } else {
            self.execute(&program, fuel, out, tier)
        };
        if !B::ACTIVE {
            self.steps += done;
        }
        match stop {
            Stop::Observer => Status::Paused,
            Stop::Budget if at_limit && done == fuel.left() && self.pc < program.code.len() => {
                let limit = self.limits.max_steps.unwrap_or(0);
                let error = Box::new(self.error(ErrorKind::StepLimit { limit }));
                self.finish(State::Failed(error))
            }
            Stop::Budget if self.pc < program.code.len() => Status::OutOfBudget,
            Stop::Budget => self.finish(State::Halted(0)),
            Stop::Trap(Trap::Halt(code)) => self.finish(State::Halted(code)),
            Stop::Trap(Trap::Sleep(ms)) => {
                // `sleep_ms` goes on to the next instruction; Ctrl+C while the host
                // sleeps is shown at the `sleep_ms` ([`Machine::interrupted`]).
                self.slept_at = self.pc.checked_sub(1);
                Status::Sleeping(ms)
            }
            Stop::Trap(Trap::Input) => Status::NeedsInput,
            Stop::Trap(Trap::Error(kind)) => {
                let error = Box::new(self.error(*kind));
                self.finish(State::Failed(error))
            }
        }
    }

    fn finish(&mut self, state: State) -> Status {
        self.state = state;
        match &self.state {
            State::Halted(code) => Status::Halted(*code),
            State::Failed(e) => Status::Failed(e.clone()),
            State::Running => Status::OutOfBudget,
        }
    }

    /// The number of active calls.
    pub fn call_depth(&self) -> usize {
        self.frames.len()
    }

    /// The address called by the innermost active call.
    pub fn innermost_call(&self) -> Option<u32> {
        self.frames.last().map(|f| f.target)
    }

    /// Gives the pending `read` its line (without line ending; it is trimmed), or `None`
    /// at the end of input, which `read` sees as the empty string.
    ///
    /// The machine holds one line: given before the program is at a `read`, the line
    /// waits for the next `read`, which then takes it without stopping; given twice
    /// before a `read` takes it, the second replaces the first. [`Machine::load`]
    /// forgets a line not taken.
    ///
    /// ```
    /// use vm_core::{compile, Machine, Status};
    /// let mut m = Machine::new(compile("read read concat println").unwrap(), vec![]);
    /// let mut out = String::new();
    /// m.provide_input(Some("a")); // before any `read`
    /// m.provide_input(Some("b")); // replaces "a"
    /// assert_eq!(m.run(100, &mut out), Status::NeedsInput); // the first `read` took "b"
    /// m.provide_input(None); // the end of input: ""
    /// assert_eq!(m.run(100, &mut out), Status::Halted(0));
    /// assert_eq!(out, "b\n");
    /// ```
    pub fn provide_input(&mut self, line: Option<&str>) {
        self.input = Some(Arc::from(line.map_or("", str::trim)));
    }

    /// The program being run.
    pub fn program(&self) -> &Program {
        &self.program
    }

    /// The limits in force.
    pub fn limits(&self) -> Limits {
        self.limits
    }

    /// The data stack, bottom first.
    pub fn stack(&self) -> Vec<Value> {
        self.stack_top(self.sp)
    }

    /// The top `n` values of the data stack (all of them if there are fewer), bottom first.
    pub fn stack_top(&self, n: usize) -> Vec<Value> {
        let view = self.view();
        self.stack
            .iter(self.sp - n.min(self.sp)..self.sp)
            .map(|s| view.value(s))
            .collect()
    }

    /// The depth of the data stack.
    pub fn stack_len(&self) -> usize {
        self.sp
    }

    /// The number of instructions executed so far.
    pub fn steps(&self) -> u64 {
        self.steps
    }

    /// How many of the executed instructions ran inside the optimizer's blocks (0 for
    /// an unoptimized program, or a watched run). Tests and profiles use it to tell
    /// that the blocks really run, not only that the results are right.
    pub fn block_steps(&self) -> u64 {
        self.block_steps
    }

    /// How many of [`Machine::block_steps`] ran in the compiled module of
    /// [`Machine::run_tiered`].
    pub fn tier_steps(&self) -> u64 {
        self.tier_steps
    }

    /// The index of the next instruction (`program().code().len()` at the end).
    pub fn pc(&self) -> usize {
        self.pc
    }

    /// The source position of the next instruction, if there is one.
    pub fn next_span(&self) -> Option<Span> {
        self.program.span(self.pc)
    }

    /// The exit code, once the program has ended.
    pub fn exit_code(&self) -> Option<i64> {
        match self.state {
            State::Halted(code) => Some(code),
            _ => None,
        }
    }

    /// The runtime error the program stopped with, if it did.
    pub fn error_state(&self) -> Option<&RuntimeError> {
        match &self.state {
            State::Failed(e) => Some(e),
            _ => None,
        }
    }

    /// Every active call, innermost first, one entry each (`repeat` is 1). Their
    /// number is [`Machine::call_depth`]; [`Machine::trace`] is the form to show.
    pub fn frames(&self) -> Vec<TraceFrame> {
        self.frames
            .iter()
            .rev()
            .map(|f| self.trace_frame(f))
            .collect()
    }

    /// The active calls, innermost first, folded to a few entries however deep the
    /// calls go (see [`Trace`]): the form errors, stack traces and call stacks show.
    pub fn trace(&self) -> Trace {
        Trace::fold(
            &self.frames,
            |a, b| (a.call, a.target) == (b.call, b.target),
            |f| self.trace_frame(f),
        )
    }

    /// The entry of one call, as a trace shows it.
    fn trace_frame(&self, f: &Frame) -> TraceFrame {
        TraceFrame {
            label: self.program.label_at(f.target).map(ToString::to_string),
            target: f.target,
            call_span: self.program.span(f.call as usize).unwrap_or_default(),
            repeat: 1,
        }
    }

    /// The error to show when the host stops the program from outside (Ctrl+C on a
    /// terminal): at the instruction it would run next, with the active calls and the
    /// stack, like a runtime error. The machine itself is unchanged and can go on.
    ///
    /// After a run that stopped for `sleep_ms` ([`Status::Sleeping`]), and before the
    /// next run, the error is at that `sleep_ms`: the host was sleeping for it.
    pub fn interrupted(&self) -> RuntimeError {
        let mut e = self.error(ErrorKind::Interrupted { steps: self.steps });
        if let Some(pc) = self.slept_at {
            e.span = self.program.span(pc).unwrap_or_default();
            e.address = self.program.address(pc);
        }
        e
    }

    /// Tells the machine that everything the program printed so far was written out by
    /// the host (its buffer was flushed without error). Hosts that buffer output call it
    /// after each flush, so that [`Machine::output_failed`] can name the right instruction.
    pub fn output_written(&mut self) {
        self.unwritten = None;
    }

    /// The error to show when the host could not write out what the program printed
    /// (a full disk, a closed file): [`ErrorKind::Output`] at the first `print` or
    /// `println` whose output the host has not said was written
    /// ([`Machine::output_written`]), or at the current instruction when there is none,
    /// with the active calls and the stack as they are now. The machine stops there: it
    /// has failed with this error.
    ///
    /// ```
    /// use vm_core::{compile, ErrorKind, Machine, Status};
    /// let src = "\"a\" println 10 sleep_ms \"b\" println";
    /// let mut m = Machine::new(compile(src).unwrap(), vec![]);
    /// let mut buffered = String::new();
    /// assert_eq!(m.run(100, &mut buffered), Status::Sleeping(10));
    /// // The host's flush of "a\n" failed: the first `println` is to blame.
    /// let e = m.output_failed();
    /// assert_eq!((e.kind, e.span.col), (ErrorKind::Output, 5));
    /// assert!(matches!(m.run(100, &mut buffered), Status::Failed(_)));
    /// ```
    pub fn output_failed(&mut self) -> RuntimeError {
        let mut e = self.error(ErrorKind::Output);
        if let Some((span, address)) = self.unwritten {
            e.span = span;
            e.address = address;
        }
        self.state = State::Failed(Box::new(e.clone()));
        e
    }

    /// Remembers that the instruction at `pc` printed (for [`Machine::output_failed`]).
    #[inline]
    pub(super) fn printed_at(&mut self, pc: usize) {
        if self.unwritten.is_none() {
            self.unwritten = Some((
                self.program.span(pc).unwrap_or_default(),
                self.program.address(pc),
            ));
        }
    }

    /// A runtime error at the current instruction, with the trace and the stack.
    pub(super) fn error(&self, kind: ErrorKind) -> RuntimeError {
        RuntimeError {
            kind,
            span: self.program.span(self.pc).unwrap_or_default(),
            address: self.program.address(self.pc),
            trace: self.trace(),
            stack_top: self.stack_top(RuntimeError::STACK_SHOWN),
            stack_len: self.sp,
        }
    }

    // ----- values -----

    /// Reads slots as values, with the current program's constants.
    pub(super) fn view(&self) -> View<'_> {
        View::new(&self.strings, &self.program)
    }

    /// The slot for a value from outside (its string stored in the machine's table).
    pub(super) fn slot_of(&mut self, v: Value) -> Slot {
        match v {
            Value::Num(n) => Slot::num(n),
            Value::Bool(b) => Slot::bool(b),
            Value::Str(s) => self.strings.insert(s),
        }
    }

    /// The total length of the distinct strings on the stack.
    #[cfg(test)]
    fn live_string_bytes(&self) -> usize {
        self.strings.live_bytes(self.stack.iter(0..self.sp))
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::asm::compile;
    use crate::ops::Op;
    use alloc::vec;
    use core::fmt;

    /// Runs `src` for at most a million steps (a broken machine that loops fails the
    /// test instead of hanging it).
    fn run(src: &str) -> (Status, String, Machine) {
        let mut m = Machine::new(compile(src).unwrap(), Vec::new());
        let mut out = String::new();
        let s = m.run(1_000_000, &mut out);
        (s, out, m)
    }

    #[test]
    fn budget_pauses_and_resumes_with_identical_output() {
        let src = "0 loop: dup println 1 + dup 20 < loop end if jmp end:";
        let (_, whole, full) = run(src);
        let mut m = Machine::new(compile(src).unwrap(), Vec::new());
        let mut out = String::new();
        let mut pauses = 0;
        loop {
            match m.run(7, &mut out) {
                Status::OutOfBudget if pauses < 10_000 => pauses += 1,
                Status::Halted(0) => break,
                other => panic!("{other:?}"),
            }
        }
        assert!(pauses > 10);
        assert_eq!(out, whole);
        assert_eq!(m.steps(), full.steps());
    }

    #[test]
    fn input_is_a_status() {
        let mut m = Machine::new(compile("read read concat println").unwrap(), Vec::new());
        let mut out = String::new();
        assert_eq!(m.run(100, &mut out), Status::NeedsInput);
        assert_eq!(m.run(100, &mut out), Status::NeedsInput);
        m.provide_input(Some("  a b \t"));
        assert_eq!(m.run(100, &mut out), Status::NeedsInput);
        assert_eq!(m.steps(), 1);
        m.provide_input(None);
        assert_eq!(m.run(100, &mut out), Status::Halted(0));
        assert_eq!(out, "a b\n");
    }

    #[test]
    fn sleep_is_a_status() {
        let (s, _, mut m) = run("250 sleep_ms 1 exit");
        assert_eq!(s, Status::Sleeping(250));
        assert_eq!(m.run(10, &mut String::new()), Status::Halted(1));
        assert_eq!(m.steps(), 4);
    }

    #[test]
    fn errors_leave_the_stack_alone() {
        let (s, _, m) = run("1 \"x\" +");
        let Status::Failed(e) = s else { panic!() };
        assert_eq!(m.stack(), &[Value::Num(1), Value::Str(Arc::from("x"))]);
        assert_eq!(e.span.col, 7);
        assert_eq!(
            e.message(),
            "type error: `+` ( a b -- a+b ) expects two numbers, found Num 1 and Str \"x\""
        );
        assert_eq!(m.pc(), 2);
        // A failed machine keeps failing the same way.
        let mut m = m;
        assert_eq!(m.run(10, &mut String::new()), Status::Failed(e));
    }

    #[test]
    fn trace_names_labels_and_addresses() {
        let (s, _, _) = run("f call stop f: 7 call return 0 0 /");
        let Status::Failed(e) = s else { panic!() };
        assert_eq!(
            e.trace
                .frames
                .iter()
                .map(TraceFrame::name)
                .collect::<Vec<_>>(),
            vec!["7", "f"]
        );
        assert_eq!(e.trace.frames[0].call_span.col, 18);
        assert_eq!(e.trace.frames[1].call_span.col, 3);
    }

    #[test]
    fn step_limit() {
        let mut m = Machine::new(compile("l: l jmp").unwrap(), Vec::new()).with_limits(Limits {
            max_steps: Some(10),
            ..Limits::default()
        });
        let mut out = String::new();
        assert_eq!(m.run(4, &mut out), Status::OutOfBudget);
        let Status::Failed(e) = m.run(100, &mut out) else {
            panic!()
        };
        assert_eq!(e.kind, ErrorKind::StepLimit { limit: 10 });
        assert_eq!(m.steps(), 10);
        // A program that ends exactly at the limit ends normally.
        let mut m = Machine::new(compile("1 2").unwrap(), Vec::new()).with_limits(Limits {
            max_steps: Some(2),
            ..Limits::default()
        });
        assert_eq!(m.run(100, &mut out), Status::Halted(0));
    }

    #[test]
    fn interrupted_is_an_error_where_the_machine_is() {
        let mut m = Machine::new(compile("7 0 l: 1 +\nl jmp").unwrap(), Vec::new());
        let mut out = String::new();
        assert_eq!(m.run(1001, &mut out), Status::OutOfBudget);
        let e = m.interrupted();
        assert_eq!(e.kind, ErrorKind::Interrupted { steps: 1001 });
        assert_eq!(e.message(), "interrupted after 1,001 steps");
        assert_eq!(e.stack_len, m.stack_len());
        assert_eq!(Some(e.span), m.next_span());
        // The machine goes on as if nothing happened.
        assert_eq!(m.run(3, &mut out), Status::OutOfBudget);
        assert_eq!(m.steps(), 1004);
    }

    #[test]
    fn output_errors_are_errors() {
        struct Closed;
        impl Write for Closed {
            fn write_str(&mut self, _: &str) -> fmt::Result {
                Err(fmt::Error)
            }
        }
        let mut m = Machine::new(compile("1 println").unwrap(), Vec::new());
        let Status::Failed(e) = m.run(10, &mut Closed) else {
            panic!()
        };
        assert_eq!(e.kind, ErrorKind::Output);
        assert_eq!(m.stack(), &[Value::Num(1)]);
    }

    // The loops below run under a step budget: a broken machine that loops fails the
    // test instead of hanging it.
    #[test]
    fn string_limit() {
        let src = "\"ab\" l: dup concat l jmp";
        let mut m = Machine::new(compile(src).unwrap(), Vec::new()).with_limits(Limits {
            max_string: 1000,
            ..Limits::default()
        });
        let Status::Failed(e) = m.run(10_000_000, &mut String::new()) else {
            panic!()
        };
        assert_eq!(
            e.kind,
            ErrorKind::StringTooLong {
                op: Op::Concat,
                len: 1024,
                limit: 1000
            }
        );
    }

    #[test]
    fn string_memory_limit() {
        // Each round keeps a string twice as long as the last one alive on the stack.
        let src = "\"0123456789\" l: dup dup concat dup concat dup concat l jmp";
        let limits = Limits {
            max_string_total: 100_000,
            ..Limits::default()
        };
        let mut m = Machine::new(compile(src).unwrap(), Vec::new()).with_limits(limits);
        let Status::Failed(e) = m.run(10_000_000, &mut String::new()) else {
            panic!()
        };
        let ErrorKind::StringMemory {
            op: Op::Concat,
            live,
            limit: 100_000,
        } = e.kind
        else {
            panic!("{:?}", e.kind)
        };
        assert!(live > 100_000, "{live}");
        // What is really alive never went past the budget and an eighth.
        assert!(
            m.live_string_bytes() <= 112_500,
            "{}",
            m.live_string_bytes()
        );
        // Strings that are dropped do not count.
        let src =
            "0 l: \"0123456789\" dup concat dup concat drop 1 + dup 10000 < l end if jmp end:";
        let mut m = Machine::new(compile(src).unwrap(), Vec::new()).with_limits(limits);
        assert_eq!(m.run(10_000_000, &mut String::new()), Status::Halted(0));
    }

    #[test]
    fn load_keeps_the_stack() {
        let (_, _, mut m) = run("1 2");
        m.load(compile("+ println").unwrap(), 0);
        let mut out = String::new();
        assert_eq!(m.run(10, &mut out), Status::Halted(0));
        assert_eq!(out, "3\n");
    }
}
