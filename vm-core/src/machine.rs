//! The machine: runs a [`Program`] for a bounded number of steps and reports a [`Status`].
//!
//! The machine never blocks and does no I/O. Output goes to a sink the host passes to
//! [`Machine::run`] (anything that is [`core::fmt::Write`]: a `String`, a buffered writer
//! adapter). Input and sleeping are statuses: at `read` the machine stops with
//! [`Status::NeedsInput`] until the host calls [`Machine::provide_input`]; at `sleep_ms`
//! it stops with [`Status::Sleeping`] and the host decides how to wait. A run that uses
//! up its budget stops with [`Status::OutOfBudget`] and resumes where it was on the next
//! call. Every operation either completes or fails without changing the stacks, so an
//! error leaves the machine exactly as it was before the failing instruction.
//!
//! This module is the plain interpreter: one instruction a step, each a small function.
//! The optimizer's blocks run in `machine/blocks.rs`, behind one call in the loop; whenever a block
//! cannot run exactly as its instructions would, the plain instructions run instead.

mod blocks;
mod observer;

pub use observer::{Observer, Quiet};

use alloc::boxed::Box;
use alloc::collections::VecDeque;
use alloc::rc::Rc;
use alloc::string::{String, ToString};
use alloc::vec::Vec;
use core::fmt::{self, Write};

use crate::block::Frame;
use crate::error::{ErrorKind, RuntimeError, Span, Trace, TraceFrame};
use crate::ops::{self, Arith, ArithError, Class, Compare, Io, Op};
use crate::program::{Code, Instr, Program};
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

/// Why [`Machine::run`] returned.
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum Status {
    /// The program ended with this exit code (`stop` is 0, `exit` gives its own).
    Halted(i64),
    /// The step budget of this call is used up; call `run` again to go on.
    OutOfBudget,
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

/// Why an instruction did not simply complete. Small (two words), so that results of
/// the hot instructions stay in registers; the error itself is boxed on the cold path.
enum Trap {
    Error(Box<ErrorKind>),
    /// `stop` or `exit`: the instruction completed.
    Halt(i64),
    /// `read` with no input yet: the instruction did not run.
    Input,
    /// `sleep_ms`: the instruction completed.
    Sleep(u64),
}

type Step = Result<(), Trap>;

/// A runtime error as a trap.
#[cold]
#[inline(never)]
fn fail(kind: ErrorKind) -> Trap {
    Trap::Error(Box::new(kind))
}

/// Strings made before the first collection of the ones no longer used.
const FIRST_COLLECTION: usize = 1024;

/// A running program: data stack, return stack, position and step count.
#[derive(Clone, Debug)]
pub struct Machine {
    program: Rc<Program>,
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
    limits: Limits,
    input: Option<Rc<str>>,
    state: State,
    /// Bytes of strings made since the live total was last counted.
    fresh_string_bytes: usize,
    /// Collect unused strings when this many are stored.
    collect_at: usize,
    /// Where `concat` and `cast_str` build a string's text (kept to reuse its memory).
    scratch: String,
    /// What each recent step changed, when recording (for stepping back).
    history: Option<History>,
}

/// What one step changed, enough to undo it.
#[derive(Clone, Debug)]
struct Undo {
    pc: usize,
    stack_len: usize,
    /// The values the instruction took from the stack (its `pops`), bottom first.
    popped: Vec<Value>,
    frames_len: usize,
    /// The top frame before the step (what a `return` pops).
    frame: Option<Frame>,
    input: Option<Rc<str>>,
    output_bytes: usize,
}

/// The most recent steps' undo records.
#[derive(Clone, Debug)]
struct History {
    undo: VecDeque<Undo>,
    capacity: usize,
}

/// Why the interpreter loop stopped.
enum Stop {
    /// The budget is used up, or the program ran past its end.
    Budget,
    /// The observer asked to pause.
    Observer,
    /// An instruction trapped.
    Trap(Trap),
}

impl Machine {
    /// A machine at the start of `program`, with `args` on the stack (first at the bottom).
    pub fn new(program: Program, args: Vec<Value>) -> Machine {
        let mut m = Machine {
            program: Rc::new(program),
            pc: 0,
            stack: Stack::default(),
            sp: 0,
            strings: Strings::default(),
            frames: Vec::new(),
            steps: 0,
            block_steps: 0,
            limits: Limits::default(),
            input: None,
            state: State::Running,
            fresh_string_bytes: 0,
            collect_at: FIRST_COLLECTION,
            scratch: String::new(),
            history: None,
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
                let text = Rc::clone(self.program.string(s.bits as u32));
                let s = self.strings.insert(text);
                self.stack.set(i, s);
            }
        }
        self.program = Rc::new(program);
        self.pc = pc.min(self.program.code.len());
        self.frames.clear();
        self.input = None;
        self.state = State::Running;
        // Undo records point into the old program.
        if let Some(h) = &mut self.history {
            h.undo.clear();
        }
    }

    /// Runs at most `budget` steps, writing output to `out`.
    pub fn run<O: Write + ?Sized>(&mut self, budget: u64, out: &mut O) -> Status {
        self.run_with(budget, out, &mut Quiet)
    }

    /// Like [`Machine::run`], telling `observer` about every step; the observer can
    /// pause the run (the status is then [`Status::OutOfBudget`]). With [`Quiet`] this
    /// is `run`, at no cost. A watched run, like a run that records history, runs the
    /// plain instructions one at a time.
    pub fn run_with<O: Write + ?Sized, B: Observer>(
        &mut self,
        budget: u64,
        out: &mut O,
        observer: &mut B,
    ) -> Status {
        match &self.state {
            State::Running => {}
            State::Halted(code) => return Status::Halted(*code),
            State::Failed(e) => return Status::Failed(e.clone()),
        }
        let mut budget = budget;
        let mut at_limit = false;
        if let Some(max) = self.limits.max_steps {
            let left = max.saturating_sub(self.steps);
            if left <= budget {
                budget = left;
                at_limit = true;
            }
        }
        let program = Rc::clone(&self.program);
        let (stop, done) = if self.history.is_some() {
            self.execute_watched::<O, B, true>(&program, budget, out, observer)
        } else if B::ACTIVE {
            self.execute_watched::<O, B, false>(&program, budget, out, observer)
        } else {
            self.execute(&program, budget, out)
        };
        if !B::ACTIVE {
            self.steps += done;
        }
        match stop {
            Stop::Observer => Status::OutOfBudget,
            Stop::Budget if at_limit && done == budget && self.pc < program.code.len() => {
                let limit = self.limits.max_steps.unwrap_or(0);
                let error = Box::new(self.error(ErrorKind::StepLimit { limit }));
                self.finish(State::Failed(error))
            }
            Stop::Budget if self.pc < program.code.len() => Status::OutOfBudget,
            Stop::Budget => self.finish(State::Halted(0)),
            Stop::Trap(Trap::Halt(code)) => self.finish(State::Halted(code)),
            Stop::Trap(Trap::Sleep(ms)) => Status::Sleeping(ms),
            Stop::Trap(Trap::Input) => Status::NeedsInput,
            Stop::Trap(Trap::Error(kind)) => {
                let error = Box::new(self.error(*kind));
                self.finish(State::Failed(error))
            }
        }
    }

    /// The interpreter loop: runs at most `budget` steps from `self.pc`, a block at a
    /// time where the program has one that can run whole, else an instruction at a
    /// time. Returns why it stopped and the number of steps done; leaves `self.pc` at
    /// the next instruction (at the failing one after an error, or at a `read` waiting
    /// for input).
    #[inline(never)]
    fn execute<O: Write + ?Sized>(&mut self, p: &Program, budget: u64, out: &mut O) -> (Stop, u64) {
        let mut pc = self.pc;
        let mut done = 0u64;
        let stop = loop {
            let Some(&code) = p.dispatch.get(pc) else {
                break Stop::Budget;
            };
            let left = budget - done;
            if left == 0 {
                break Stop::Budget;
            }
            let code = match code {
                Code::Block(_) => {
                    let (next, steps) = self.run_blocks(p, pc, left);
                    if steps > 0 {
                        pc = next;
                        done += steps;
                        self.block_steps += steps;
                        continue;
                    }
                    // The block cannot run whole: its first instruction runs alone.
                    Code::from(p.code[pc])
                }
                plain => plain,
            };
            match self.step(p, code, pc, out) {
                Ok(next) => {
                    pc = next;
                    done += 1;
                }
                Err(trap @ (Trap::Halt(_) | Trap::Sleep(_))) => {
                    pc += 1;
                    done += 1;
                    break Stop::Trap(trap);
                }
                Err(trap) => break Stop::Trap(trap),
            }
        };
        self.pc = pc;
        (stop, done)
    }

    /// The loop of a watched or recorded run: plain instructions only. With an active
    /// observer, `self.pc` and `self.steps` are kept up to date at every step so that
    /// the observer sees them; with `RECORD`, each step's undo record is kept.
    #[inline(never)]
    fn execute_watched<O: Write + ?Sized, B: Observer, const RECORD: bool>(
        &mut self,
        p: &Program,
        budget: u64,
        out: &mut O,
        observer: &mut B,
    ) -> (Stop, u64) {
        let mut pc = self.pc;
        let mut done = 0u64;
        let stop = loop {
            if pc >= p.code.len() || done == budget {
                break Stop::Budget;
            }
            let undo = RECORD.then(|| self.undo_record(pc));
            // One shared copy of the plain step for every kind of observer (a watched
            // step is slow anyway: the observer runs after each).
            let (next, trap) = match self.step_plain(p, pc, out) {
                Ok(next) => (next, None),
                Err(trap @ (Trap::Halt(_) | Trap::Sleep(_))) => (pc + 1, Some(trap)),
                Err(trap) => break Stop::Trap(trap),
            };
            if let Some(undo) = undo {
                self.remember(undo);
            }
            let ran = pc;
            pc = next;
            done += 1;
            if B::ACTIVE {
                self.pc = pc;
                self.steps += 1;
                if !observer.after(self, ran, 1) && trap.is_none() {
                    break Stop::Observer;
                }
            }
            if let Some(trap) = trap {
                break Stop::Trap(trap);
            }
        };
        self.pc = pc;
        (stop, done)
    }

    /// Runs the plain instruction `code` at `pc`; returns the next `pc`.
    #[inline(always)]
    fn step<O: Write + ?Sized>(
        &mut self,
        p: &Program,
        code: Code,
        pc: usize,
        out: &mut O,
    ) -> Result<usize, Trap> {
        let r = match code {
            Code::Num(n) => self.push(Slot::num(n)),
            Code::Bool(b) => self.push(Slot::bool(b)),
            Code::Str(i) => self.push(Slot::constant(i)),
            Code::Addr(a) => self.push(Slot::num(i64::from(a))),
            Code::Add => self.arith(Arith::Add),
            Code::Sub => self.arith(Arith::Sub),
            Code::Mul => self.arith(Arith::Mul),
            Code::Div => self.arith(Arith::Div),
            Code::Rem => self.arith(Arith::Rem),
            Code::Eq => self.equal(p, Compare::Eq),
            Code::Ne => self.equal(p, Compare::Ne),
            Code::Lt => self.compare(Compare::Lt),
            Code::Le => self.compare(Compare::Le),
            Code::Gt => self.compare(Compare::Gt),
            Code::Ge => self.compare(Compare::Ge),
            Code::And => self.logic(Op::And, ops::and),
            Code::Or => self.logic(Op::Or, ops::or),
            Code::Not => self.not(),
            Code::If => self.select(),
            Code::Dup => self.dup(),
            Code::Drop => self.drop_top(),
            Code::Swap => self.swap(),
            Code::Over => self.over(),
            Code::Rot => self.rot(),
            Code::CastStr => self.cast_str(p),
            Code::CastInt => self.cast_int(p),
            Code::Println => self.print(p, Op::Println, out, true),
            Code::Print => self.print(p, Op::Print, out, false),
            Code::Concat => self.concat(p),
            Code::Read => self.read(),
            Code::SleepMs => self.sleep(),
            Code::Jmp => return self.jump(p),
            Code::Call => return self.call(p, pc),
            Code::Return => return self.ret(),
            Code::Stop => Err(Trap::Halt(0)),
            Code::Exit => self.exit(),
            // Blocks are dispatched before plain instructions; this is the plain form.
            Code::Block(_) => return self.step_plain(p, pc, out),
        };
        r.map(|()| pc + 1)
    }

    /// Runs the plain instruction at `pc` (out of line).
    #[inline(never)]
    fn step_plain<O: Write + ?Sized>(
        &mut self,
        p: &Program,
        pc: usize,
        out: &mut O,
    ) -> Result<usize, Trap> {
        self.step(p, Code::from(p.code[pc]), pc, out)
    }

    fn finish(&mut self, state: State) -> Status {
        self.state = state;
        match &self.state {
            State::Halted(code) => Status::Halted(*code),
            State::Failed(e) => Status::Failed(e.clone()),
            State::Running => Status::OutOfBudget,
        }
    }

    /// Starts keeping what each step changes, for the last `capacity` steps, so that
    /// [`Machine::step_back`] can undo them. While recording, the plain instructions
    /// run one at a time. `capacity` 0 stops recording.
    pub fn record_history(&mut self, capacity: usize) {
        self.history = (capacity > 0).then(|| History {
            undo: VecDeque::new(),
            capacity,
        });
    }

    /// How many steps can be undone.
    pub fn history_len(&self) -> usize {
        self.history.as_ref().map_or(0, |h| h.undo.len())
    }

    /// Undoes the last step: the stacks, the position, the step count, pending input and
    /// a halted or failed state are as before it. Returns how many bytes of output that
    /// step printed (the host removes them from its output), or `None` when there is
    /// nothing to undo.
    pub fn step_back(&mut self) -> Option<usize> {
        let u = self.history.as_mut()?.undo.pop_back()?;
        self.sp = u.stack_len - u.popped.len();
        for v in u.popped {
            let s = self.slot_of(v);
            self.put(s);
        }
        if self.frames.len() > u.frames_len {
            self.frames.truncate(u.frames_len);
        } else if self.frames.len() < u.frames_len {
            self.frames.extend(u.frame);
        }
        self.pc = u.pc;
        self.steps -= 1;
        self.input = u.input;
        self.state = State::Running;
        Some(u.output_bytes)
    }

    /// What the plain instruction `code` at `pc` may change, taken before it runs.
    fn undo_record(&self, pc: usize) -> Undo {
        let op = match self.program.code[pc] {
            Instr::Op(op) => Some(op),
            Instr::Num(_) | Instr::Bool(_) | Instr::Str(_) | Instr::Addr(_) => None,
        };
        let pops = op.map_or(0, |op| op.info().pops as usize);
        let len = self.sp;
        let view = self.view();
        let top = len.checked_sub(1).map(|i| self.stack.get(i));
        // The bytes it prints, if it prints.
        let output_bytes = match (op.map(Op::class), top) {
            (Some(Class::Io(Io::Println)), Some(v)) => printed_len(view, v) + 1,
            (Some(Class::Io(Io::Print)), Some(v)) => printed_len(view, v),
            (Some(Class::Io(Io::Println | Io::Print)), None) => 0,
            (Some(Class::Io(Io::Read | Io::SleepMs)), _) => 0,
            (
                Some(
                    Class::Arithmetic(_)
                    | Class::Comparison(_)
                    | Class::Logic(_)
                    | Class::Stack(_)
                    | Class::Text(_)
                    | Class::Control(_),
                )
                | None,
                _,
            ) => 0,
        };
        Undo {
            pc,
            stack_len: len,
            popped: self
                .stack
                .iter(len - pops.min(len)..len)
                .map(|s| view.value(s))
                .collect(),
            frames_len: self.frames.len(),
            frame: self.frames.last().copied(),
            input: self.input.clone(),
            output_bytes,
        }
    }

    fn remember(&mut self, undo: Undo) {
        if let Some(h) = &mut self.history {
            if h.undo.len() == h.capacity {
                h.undo.pop_front();
            }
            h.undo.push_back(undo);
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
    pub fn provide_input(&mut self, line: Option<&str>) {
        self.input = Some(Rc::from(line.map_or("", str::trim)));
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
    pub fn interrupted(&self) -> RuntimeError {
        self.error(ErrorKind::Interrupted { steps: self.steps })
    }

    /// A runtime error at the current instruction, with the trace and the stack.
    fn error(&self, kind: ErrorKind) -> RuntimeError {
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
    fn view(&self) -> View<'_> {
        View {
            strings: &self.strings,
            program: &self.program,
        }
    }

    /// The slot for a value from outside (its string stored in the machine's table).
    fn slot_of(&mut self, v: Value) -> Slot {
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

    // ----- the stack -----

    /// Pushes without the room check (the caller made it).
    #[inline(always)]
    fn put(&mut self, v: Slot) {
        if self.sp == self.stack.len() {
            self.stack.grow_to(self.sp + 1);
        }
        self.stack.set(self.sp, v);
        self.sp += 1;
    }

    /// The top `N` slots, when there are that many.
    #[inline(always)]
    fn top<const N: usize>(&self) -> Option<[Slot; N]> {
        let first = self.sp.checked_sub(N)?;
        Some(core::array::from_fn(|i| self.stack.get(first + i)))
    }

    /// Replaces the top `n` slots (the caller checked there are `n`) with `v`.
    #[inline(always)]
    fn replace(&mut self, n: usize, v: Slot) -> Step {
        self.sp -= n - 1;
        self.stack.set(self.sp - 1, v);
        Ok(())
    }

    // ----- the instructions -----

    /// Checks that `op` finds its operands; returns the stack depth.
    #[inline(always)]
    fn need(&self, op: Op) -> Result<usize, Trap> {
        let len = self.sp;
        let needed = op.info().pops as usize;
        if len < needed {
            return Err(underflow(op, needed, len));
        }
        Ok(len)
    }

    /// The error of `op` when its operands are missing or of the wrong type.
    #[cold]
    #[inline(never)]
    fn operand_error(&self, op: Op, expected: &'static str) -> Trap {
        match self.need(op) {
            Err(underflow) => underflow,
            Ok(_) => self.type_error(op, expected, op.info().pops as usize),
        }
    }

    /// A type error of `op`, describing the top `n` values.
    #[cold]
    #[inline(never)]
    fn type_error(&self, op: Op, expected: &'static str, n: usize) -> Trap {
        let operands = self.stack_top(n);
        let mut found = String::new();
        for (i, v) in operands.iter().enumerate() {
            if i > 0 {
                found.push_str(if i + 1 == operands.len() {
                    " and "
                } else {
                    ", "
                });
            }
            let _ = write!(found, "{} {}", v.type_name(), v.shown());
        }
        fail(ErrorKind::TypeError {
            op,
            expected,
            found,
        })
    }

    #[inline(always)]
    fn room(&self) -> Step {
        if self.sp >= self.limits.max_stack {
            return Err(fail(ErrorKind::StackOverflow {
                limit: self.limits.max_stack,
            }));
        }
        Ok(())
    }

    #[inline(always)]
    fn push(&mut self, v: Slot) -> Step {
        self.room()?;
        self.put(v);
        Ok(())
    }

    #[inline(always)]
    fn arith(&mut self, arith: Arith) -> Step {
        let op = arith.op();
        let Some([a, b]) = self.top() else {
            return Err(self.operand_error(op, "two numbers"));
        };
        let (Some(a), Some(b)) = (a.as_num(), b.as_num()) else {
            return Err(self.operand_error(op, "two numbers"));
        };
        match arith.apply(a, b) {
            Ok(r) => self.replace(2, Slot::num(r)),
            Err(ArithError::DivisionByZero) => Err(fail(ErrorKind::DivisionByZero { op })),
            Err(ArithError::Overflow) => Err(fail(ErrorKind::Overflow { op, a, b })),
        }
    }

    /// `< <= > >=`, on two numbers.
    #[inline(always)]
    fn compare(&mut self, compare: Compare) -> Step {
        let op = compare.op();
        let Some([a, b]) = self.top() else {
            return Err(self.operand_error(op, "two numbers"));
        };
        let (Some(a), Some(b)) = (a.as_num(), b.as_num()) else {
            return Err(self.operand_error(op, "two numbers"));
        };
        self.replace(2, Slot::bool(compare.numbers(a, b)))
    }

    /// `==`, `!=`, on any two values.
    #[inline(always)]
    fn equal(&mut self, p: &Program, compare: Compare) -> Step {
        let Some([a, b]) = self.top() else {
            return Err(self.operand_error(compare.op(), "two values"));
        };
        let view = View {
            strings: &self.strings,
            program: p,
        };
        let r = compare.values(view.equal(a, b)).unwrap_or(false);
        self.replace(2, Slot::bool(r))
    }

    #[inline(always)]
    fn logic(&mut self, op: Op, f: fn(bool, bool) -> bool) -> Step {
        let Some([a, b]) = self.top() else {
            return Err(self.operand_error(op, "two booleans"));
        };
        let (Some(a), Some(b)) = (a.as_bool(), b.as_bool()) else {
            return Err(self.operand_error(op, "two booleans"));
        };
        self.replace(2, Slot::bool(f(a, b)))
    }

    #[inline(always)]
    fn not(&mut self) -> Step {
        match self.top() {
            Some([b]) if b.tag == Tag::Bool => self.replace(1, Slot::bool(ops::not(b.bits != 0))),
            _ => Err(self.operand_error(Op::Not, "a boolean")),
        }
    }

    #[inline(always)]
    fn select(&mut self) -> Step {
        match self.top() {
            Some([c, t, f]) if c.tag == Tag::Bool => {
                self.replace(3, ops::select(c.bits != 0, t, f))
            }
            _ => Err(self.operand_error(Op::If, "a boolean condition below the two choices")),
        }
    }

    #[inline(always)]
    fn dup(&mut self) -> Step {
        let Some([a]) = self.top() else {
            return Err(self.operand_error(Op::Dup, "a value"));
        };
        self.push(a)
    }

    #[inline(always)]
    fn drop_top(&mut self) -> Step {
        if self.sp == 0 {
            return Err(self.operand_error(Op::Drop, "a value"));
        }
        self.sp -= 1;
        Ok(())
    }

    #[inline(always)]
    fn swap(&mut self) -> Step {
        let Some([a, b]) = self.top() else {
            return Err(self.operand_error(Op::Swap, "two values"));
        };
        let sp = self.sp;
        self.stack.set(sp - 2, b);
        self.stack.set(sp - 1, a);
        Ok(())
    }

    #[inline(always)]
    fn over(&mut self) -> Step {
        let Some([a, _]) = self.top() else {
            return Err(self.operand_error(Op::Over, "two values"));
        };
        self.push(a)
    }

    #[inline(always)]
    fn rot(&mut self) -> Step {
        let Some([a, b, c]) = self.top() else {
            return Err(self.operand_error(Op::Rot, "three values"));
        };
        let sp = self.sp;
        self.stack.set(sp - 3, b);
        self.stack.set(sp - 2, c);
        self.stack.set(sp - 1, a);
        Ok(())
    }

    /// Accounts for a new string of `len` bytes made by `op`: it must fit the limit of
    /// one string, and from time to time the strings no longer used are freed and the
    /// ones alive are counted against the total.
    fn new_string(&mut self, op: Op, len: usize) -> Step {
        let limit = self.limits.max_string;
        if len > limit {
            return Err(fail(ErrorKind::StringTooLong { op, len, limit }));
        }
        self.fresh_string_bytes = self.fresh_string_bytes.saturating_add(len);
        let total = self.limits.max_string_total;
        if self.fresh_string_bytes > total / 8 || self.strings.used() >= self.collect_at {
            let live = self
                .strings
                .collect(self.stack.iter(0..self.sp))
                .saturating_add(len);
            // Collect again when the table has doubled, or when it grew by a quarter
            // of the stack (so a deep stack is not scanned for every few strings).
            self.collect_at = (self.strings.used() * 2)
                .max(FIRST_COLLECTION)
                .max(self.sp / 4);
            if live > total {
                return Err(fail(ErrorKind::StringMemory {
                    op,
                    live,
                    limit: total,
                }));
            }
            self.fresh_string_bytes = 0;
        }
        Ok(())
    }

    /// Stores a new string (accounted for with `new_string`) and returns its slot.
    /// Stores the text in `scratch` as a new string (one allocation, of its size).
    /// A very long text's memory is not kept.
    fn store_scratch(&mut self) -> Slot {
        let slot = self.strings.insert(Rc::from(self.scratch.as_str()));
        if self.scratch.capacity() > 1 << 16 {
            self.scratch = String::new();
        }
        slot
    }

    #[inline(never)]
    fn cast_str(&mut self, p: &Program) -> Step {
        let len = self.need(Op::CastStr)?;
        let top = self.stack.get(len - 1);
        if !top.is_str() {
            let view = View {
                strings: &self.strings,
                program: p,
            };
            let size = printed_len(view, top);
            self.new_string(Op::CastStr, size)?;
            self.scratch.clear();
            let view = View {
                strings: &self.strings,
                program: p,
            };
            push_printed(view, top, &mut self.scratch);
            let s = self.store_scratch();
            self.stack.set(len - 1, s);
        }
        Ok(())
    }

    #[inline(never)]
    fn cast_int(&mut self, p: &Program) -> Step {
        let len = self.need(Op::CastInt)?;
        let top = self.stack.get(len - 1);
        if !top.is_str() {
            return Err(self.type_error(Op::CastInt, "a string", 1));
        }
        let view = View {
            strings: &self.strings,
            program: p,
        };
        match view.text(top).trim().parse::<i64>() {
            Ok(n) => self.stack.set(len - 1, Slot::num(n)),
            Err(_) => {
                return Err(fail(ErrorKind::CastInt {
                    text: view.value(top).shown(),
                }))
            }
        }
        Ok(())
    }

    #[inline(never)]
    fn print<O: Write + ?Sized>(
        &mut self,
        p: &Program,
        op: Op,
        out: &mut O,
        newline: bool,
    ) -> Step {
        let len = self.need(op)?;
        let top = self.stack.get(len - 1);
        let view = View {
            strings: &self.strings,
            program: p,
        };
        write_printed(view, top, out)
            .and_then(|()| {
                if newline {
                    out.write_char('\n')
                } else {
                    Ok(())
                }
            })
            .map_err(|fmt::Error| fail(ErrorKind::Output))?;
        self.sp -= 1;
        Ok(())
    }

    #[inline(never)]
    fn concat(&mut self, p: &Program) -> Step {
        let len = self.need(Op::Concat)?;
        let (a, b) = (self.stack.get(len - 2), self.stack.get(len - 1));
        let size = {
            let view = View {
                strings: &self.strings,
                program: p,
            };
            printed_len(view, a).saturating_add(printed_len(view, b))
        };
        self.new_string(Op::Concat, size)?;
        let view = View {
            strings: &self.strings,
            program: p,
        };
        self.scratch.clear();
        push_printed(view, a, &mut self.scratch);
        push_printed(view, b, &mut self.scratch);
        let s = self.store_scratch();
        self.replace(2, s)
    }

    #[inline(never)]
    fn read(&mut self) -> Step {
        self.room()?;
        let Some(line) = self.input.take() else {
            return Err(Trap::Input);
        };
        if let Err(e) = self.new_string(Op::Read, line.len()) {
            self.input = Some(line);
            return Err(e);
        }
        let s = self.strings.insert(line);
        self.put(s);
        Ok(())
    }

    #[inline(never)]
    fn sleep(&mut self) -> Step {
        let len = self.need(Op::SleepMs)?;
        match self.stack.get(len - 1).as_num() {
            Some(ms) if ms >= 0 => {
                self.sp -= 1;
                Err(Trap::Sleep(ms as u64))
            }
            Some(ms) => Err(fail(ErrorKind::NegativeSleep { ms })),
            None => Err(self.type_error(Op::SleepMs, "a number of milliseconds", 1)),
        }
    }

    /// The instruction to continue at for the address on top of the stack.
    #[inline(always)]
    fn target(&self, p: &Program, op: Op) -> Result<(usize, u32), Trap> {
        let len = self.need(op)?;
        let Some(addr) = self.stack.get(len - 1).as_num() else {
            return Err(self.type_error(op, "an address (a number)", 1));
        };
        match p.pc_of(addr) {
            Some(pc) => Ok((pc, addr as u32)),
            None => Err(fail(ErrorKind::InvalidAddress {
                addr,
                len: p.token_count(),
            })),
        }
    }

    #[inline(always)]
    fn jump(&mut self, p: &Program) -> Result<usize, Trap> {
        let (pc, _) = self.target(p, Op::Jmp)?;
        self.sp -= 1;
        Ok(pc)
    }

    #[inline(always)]
    fn call(&mut self, p: &Program, pc: usize) -> Result<usize, Trap> {
        let (target, addr) = self.target(p, Op::Call)?;
        if self.frames.len() >= self.limits.max_calls {
            return Err(fail(ErrorKind::CallStackOverflow {
                limit: self.limits.max_calls,
            }));
        }
        self.sp -= 1;
        self.frames.push(Frame::of_call(pc as u32, addr));
        Ok(target)
    }

    #[inline(always)]
    fn ret(&mut self) -> Result<usize, Trap> {
        let frame = self
            .frames
            .pop()
            .ok_or_else(|| fail(ErrorKind::ReturnWithoutCall))?;
        Ok(frame.ret as usize)
    }

    #[inline(never)]
    fn exit(&mut self) -> Step {
        let len = self.need(Op::Exit)?;
        let Some(code) = self.stack.get(len - 1).as_num() else {
            return Err(self.type_error(Op::Exit, "an exit code (a number)", 1));
        };
        self.sp -= 1;
        Err(Trap::Halt(code))
    }
}

/// The printed form of a slot: what `println`, `cast_str` and `concat` produce.
fn write_printed<O: Write + ?Sized>(view: View, s: Slot, out: &mut O) -> fmt::Result {
    match s.tag {
        Tag::Str | Tag::Const => out.write_str(view.text(s)),
        Tag::Bool => out.write_str(if s.bits != 0 { "true" } else { "false" }),
        Tag::Num => write!(out, "{}", s.bits as i64),
    }
}

/// Appends the printed form of a slot to a `String` (which cannot fail).
fn push_printed(view: View, s: Slot, out: &mut String) {
    let _ = write_printed(view, s, out);
}

/// The length in bytes of a slot's printed form.
fn printed_len(view: View, s: Slot) -> usize {
    match s.tag {
        Tag::Str | Tag::Const => view.text(s).len(),
        Tag::Bool if s.bits != 0 => 4,
        Tag::Bool => 5,
        Tag::Num => {
            let n = s.bits as i64;
            let mut digits = usize::from(n < 0) + 1;
            let mut m = n.unsigned_abs();
            while m >= 10 {
                m /= 10;
                digits += 1;
            }
            digits
        }
    }
}

#[cold]
#[inline(never)]
fn underflow(op: Op, needed: usize, found: usize) -> Trap {
    fail(ErrorKind::StackUnderflow { op, needed, found })
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::asm::compile;
    use alloc::vec;

    /// Runs `src` for at most a million steps (a broken machine that loops fails the
    /// test instead of hanging it).
    fn run(src: &str) -> (Status, String, Machine) {
        let mut m = Machine::new(compile(src).unwrap(), Vec::new());
        let mut out = String::new();
        let s = m.run(1_000_000, &mut out);
        (s, out, m)
    }

    #[test]
    fn printed_len_matches_display() {
        let p = Program::default();
        let strings = Strings::default();
        let view = View {
            strings: &strings,
            program: &p,
        };
        for n in [0, 9, 10, -1, -10, 99, 100, i64::MAX, i64::MIN] {
            let s = Slot::num(n);
            assert_eq!(printed_len(view, s), n.to_string().len(), "{n}");
            let mut text = String::new();
            push_printed(view, s, &mut text);
            assert_eq!(text, n.to_string());
        }
        for b in [true, false] {
            assert_eq!(printed_len(view, Slot::bool(b)), b.to_string().len());
        }
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
        assert_eq!(m.stack(), &[Value::Num(1), Value::Str(Rc::from("x"))]);
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
