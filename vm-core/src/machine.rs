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

use alloc::boxed::Box;
use alloc::collections::VecDeque;
use alloc::rc::Rc;
use alloc::string::{String, ToString};
use alloc::vec::Vec;
use core::fmt::{self, Write};

use crate::debug::{Observer, Quiet};
use crate::error::{ErrorKind, RuntimeError, Span, TraceFrame};
use crate::ops::Op;
use crate::opt::Code;
use crate::program::Program;
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

/// A return-stack entry.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub(crate) struct Frame {
    /// Instruction to continue at on `return`.
    ret: u32,
    /// Instruction index of the `call`.
    call: u32,
    /// The address that was called.
    target: u32,
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

/// A running program: data stack, return stack, position and step count.
#[derive(Clone, Debug)]
pub struct Machine {
    program: Rc<Program>,
    pc: usize,
    stack: Vec<Value>,
    frames: Vec<Frame>,
    steps: u64,
    limits: Limits,
    input: Option<Rc<str>>,
    state: State,
    /// Bytes of strings made since the live total was last counted.
    fresh_string_bytes: usize,
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
        Machine {
            program: Rc::new(program),
            pc: 0,
            stack: args,
            frames: Vec::new(),
            steps: 0,
            limits: Limits::default(),
            input: None,
            state: State::Running,
            fresh_string_bytes: 0,
            history: None,
        }
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
    /// is `run`, at no cost.
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
            self.execute::<O, B, true>(&program, budget, out, observer)
        } else {
            self.execute::<O, B, false>(&program, budget, out, observer)
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

    /// The interpreter loop: runs at most `budget` steps from `self.pc`. Returns why it
    /// stopped and the number of steps done; leaves `self.pc` at the next instruction
    /// (at the failing one after an error, or at a `read` waiting for input). With an
    /// active observer, `self.pc` and `self.steps` are kept up to date at every step so
    /// that the observer sees them. With `RECORD`, only plain instructions run and each
    /// step's undo record is kept.
    #[inline(never)]
    fn execute<O: Write + ?Sized, B: Observer, const RECORD: bool>(
        &mut self,
        p: &Program,
        budget: u64,
        out: &mut O,
        observer: &mut B,
    ) -> (Stop, u64) {
        let mut pc = self.pc;
        let mut done = 0u64;
        let stop = loop {
            let Some(&fast) = p.fast.get(pc) else {
                break Stop::Budget;
            };
            let left = budget - done;
            if left == 0 {
                break Stop::Budget;
            }
            // Recording runs plain instructions only, through the one out-of-line copy of
            // `step` (speed matters less there than code size, in the browser).
            let undo = if RECORD {
                Some(self.undo_record(Code::from(p.code[pc]), pc))
            } else {
                None
            };
            let result = if RECORD {
                self.step_plain(p, pc, out)
            } else {
                self.step(p, fast, pc, left, out)
            };
            let (next, steps, trap) = match result {
                Ok((next, steps)) => (next, steps, None),
                Err(trap @ (Trap::Halt(_) | Trap::Sleep(_))) => (pc + 1, 1, Some(trap)),
                Err(trap) => break Stop::Trap(trap),
            };
            if let Some(undo) = undo {
                self.remember(undo);
            }
            let ran = pc;
            pc = next;
            done += steps;
            if B::ACTIVE {
                self.pc = pc;
                self.steps += steps;
                if !observer.after(self, ran, steps) && trap.is_none() {
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

    /// Runs `code`, the instruction at `pc`, with `left` steps of budget; returns the next
    /// `pc` and the number of steps it took. Superinstructions run only when they can
    /// complete exactly as their plain sequence would; otherwise the plain instruction at
    /// `pc` runs instead.
    #[inline(always)]
    fn step<O: Write + ?Sized>(
        &mut self,
        p: &Program,
        code: Code,
        pc: usize,
        left: u64,
        out: &mut O,
    ) -> Result<(usize, u64), Trap> {
        let r = match code {
            Code::Num(n) => self.push(Value::Num(n)),
            Code::Bool(b) => self.push(Value::Bool(b)),
            Code::Str(i) => self.push_str(p, i),
            Code::Addr(a) => self.push(Value::Num(i64::from(a))),
            Code::Add => self.arith(Op::Add, i64::checked_add),
            Code::Sub => self.arith(Op::Sub, i64::checked_sub),
            Code::Mul => self.arith(Op::Mul, i64::checked_mul),
            Code::Div => self.arith(Op::Div, i64::checked_div),
            Code::Rem => self.arith(Op::Rem, exact_rem),
            Code::Eq => self.equal(true),
            Code::Ne => self.equal(false),
            Code::Lt => self.compare(Op::Lt, |a, b| a < b),
            Code::Le => self.compare(Op::Le, |a, b| a <= b),
            Code::Gt => self.compare(Op::Gt, |a, b| a > b),
            Code::Ge => self.compare(Op::Ge, |a, b| a >= b),
            Code::And => self.logic(Op::And, |a, b| a && b),
            Code::Or => self.logic(Op::Or, |a, b| a || b),
            Code::Not => self.not(),
            Code::If => self.select(),
            Code::Dup => self.dup(),
            Code::Drop => self.drop_top(),
            Code::Swap => self.swap(),
            Code::Over => self.over(),
            Code::Rot => self.rot(),
            Code::CastStr => self.cast_str(),
            Code::CastInt => self.cast_int(),
            Code::Println => self.print(Op::Println, out, true),
            Code::Print => self.print(Op::Print, out, false),
            Code::Concat => self.concat(),
            Code::Read => self.read(),
            Code::SleepMs => self.sleep(),
            Code::Jmp => return self.jump().map(|to| (to, 1)),
            Code::Call => return self.call(pc).map(|to| (to, 1)),
            Code::Return => return self.ret().map(|to| (to, 1)),
            Code::Stop => Err(Trap::Halt(0)),
            Code::Exit => self.exit(),
            Code::AddImm(n) if left >= 2 && self.arith_imm(n, i64::checked_add) => {
                return Ok((pc + 2, 2))
            }
            Code::SubImm(n) if left >= 2 && self.arith_imm(n, i64::checked_sub) => {
                return Ok((pc + 2, 2))
            }
            Code::MulImm(n) if left >= 2 && self.arith_imm(n, i64::checked_mul) => {
                return Ok((pc + 2, 2))
            }
            Code::EqImm(n) if left >= 2 && self.compare_imm(n, |a, b| a == b) => {
                return Ok((pc + 2, 2))
            }
            Code::NeImm(n) if left >= 2 && self.compare_imm(n, |a, b| a != b) => {
                return Ok((pc + 2, 2))
            }
            Code::LtImm(n) if left >= 2 && self.compare_imm(n, |a, b| a < b) => {
                return Ok((pc + 2, 2))
            }
            Code::LeImm(n) if left >= 2 && self.compare_imm(n, |a, b| a <= b) => {
                return Ok((pc + 2, 2))
            }
            Code::GtImm(n) if left >= 2 && self.compare_imm(n, |a, b| a > b) => {
                return Ok((pc + 2, 2))
            }
            Code::GeImm(n) if left >= 2 && self.compare_imm(n, |a, b| a >= b) => {
                return Ok((pc + 2, 2))
            }
            Code::DupEqImm(n) if left >= 3 && self.dup_compare_imm(n, |a, b| a == b) => {
                return Ok((pc + 3, 3))
            }
            Code::DupNeImm(n) if left >= 3 && self.dup_compare_imm(n, |a, b| a != b) => {
                return Ok((pc + 3, 3))
            }
            Code::DupLtImm(n) if left >= 3 && self.dup_compare_imm(n, |a, b| a < b) => {
                return Ok((pc + 3, 3))
            }
            Code::DupLeImm(n) if left >= 3 && self.dup_compare_imm(n, |a, b| a <= b) => {
                return Ok((pc + 3, 3))
            }
            Code::DupGtImm(n) if left >= 3 && self.dup_compare_imm(n, |a, b| a > b) => {
                return Ok((pc + 3, 3))
            }
            Code::DupGeImm(n) if left >= 3 && self.dup_compare_imm(n, |a, b| a >= b) => {
                return Ok((pc + 3, 3))
            }
            Code::DupAddImm(n) if left >= 3 && self.dup_arith_imm(n, i64::checked_add) => {
                return Ok((pc + 3, 3))
            }
            Code::DupSubImm(n) if left >= 3 && self.dup_arith_imm(n, i64::checked_sub) => {
                return Ok((pc + 3, 3))
            }
            Code::OrNot if left >= 2 && self.logic_not(|a, b| a || b) => return Ok((pc + 2, 2)),
            Code::AndNot if left >= 2 && self.logic_not(|a, b| a && b) => return Ok((pc + 2, 2)),
            Code::CallAddr(a) if left >= 2 && self.call_room(0) => {
                return Ok((self.enter(p, a, pc + 1), 2))
            }
            Code::JmpAddr(a) if left >= 2 && self.stack.len() < self.limits.max_stack => {
                return Ok((p.pcs[a as usize] as usize, 2))
            }
            Code::CallIf(t, f) if left >= 4 && self.call_room(1) && self.top_is_bool() => {
                let to = if self.pop_bool() { t } else { f };
                return Ok((self.enter(p, to, pc + 3), 4));
            }
            Code::JmpIf(t, f)
                if left >= 4
                    && self.stack.len() + 2 <= self.limits.max_stack
                    && self.top_is_bool() =>
            {
                let to = if self.pop_bool() { t } else { f };
                return Ok((p.pcs[to as usize] as usize, 4));
            }
            // A superinstruction that cannot run as a whole: run the plain instruction.
            _ => return self.step_plain(p, pc, out),
        };
        r.map(|()| (pc + 1, 1))
    }

    /// Runs the plain instruction at `pc` (the slow path of a superinstruction).
    #[cold]
    #[inline(never)]
    fn step_plain<O: Write + ?Sized>(
        &mut self,
        p: &Program,
        pc: usize,
        out: &mut O,
    ) -> Result<(usize, u64), Trap> {
        self.step(p, Code::from(p.code[pc]), pc, 1, out)
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
    /// [`Machine::step_back`] can undo them. While recording, superinstructions are not
    /// used (every step is one plain instruction). `capacity` 0 stops recording.
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
        self.stack.truncate(u.stack_len - u.popped.len());
        self.stack.extend(u.popped);
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
    fn undo_record(&self, code: Code, pc: usize) -> Undo {
        let pops = match self.program.code[pc] {
            crate::program::Instr::Op(op) => op.info().pops as usize,
            _ => 0,
        };
        let len = self.stack.len();
        let output_bytes = match (code, self.stack.last()) {
            (Code::Println, Some(v)) => printed_len(v) + 1,
            (Code::Print, Some(v)) => printed_len(v),
            _ => 0,
        };
        Undo {
            pc,
            stack_len: len,
            popped: self.stack[len - pops.min(len)..].to_vec(),
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
    pub fn stack(&self) -> &[Value] {
        &self.stack
    }

    /// The number of instructions executed so far.
    pub fn steps(&self) -> u64 {
        self.steps
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

    /// The active calls, innermost first.
    pub fn frames(&self) -> Vec<TraceFrame> {
        self.frames
            .iter()
            .rev()
            .map(|f| TraceFrame {
                label: self.program.label_at(f.target).map(ToString::to_string),
                target: f.target,
                call_span: self.program.span(f.call as usize).unwrap_or_default(),
            })
            .collect()
    }

    /// A runtime error at the current instruction, with the trace and the stack.
    fn error(&self, kind: ErrorKind) -> RuntimeError {
        let shown = self.stack.len().min(RuntimeError::STACK_SHOWN);
        RuntimeError {
            kind,
            span: self.program.span(self.pc).unwrap_or_default(),
            address: self.program.address(self.pc),
            trace: self.frames(),
            stack_top: self.stack[self.stack.len() - shown..].to_vec(),
            stack_len: self.stack.len(),
        }
    }

    // ----- the instructions -----

    /// Checks that `op` finds its operands; returns the stack depth.
    #[inline(always)]
    fn need(&self, op: Op) -> Result<usize, Trap> {
        let len = self.stack.len();
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
            Ok(len) => type_error(op, expected, &self.stack[len - op.info().pops as usize..]),
        }
    }

    #[inline(always)]
    fn room(&self) -> Step {
        if self.stack.len() >= self.limits.max_stack {
            return Err(fail(ErrorKind::StackOverflow {
                limit: self.limits.max_stack,
            }));
        }
        Ok(())
    }

    #[inline(always)]
    fn push(&mut self, v: Value) -> Step {
        self.room()?;
        self.stack.push(v);
        Ok(())
    }

    #[inline(always)]
    fn push_str(&mut self, p: &Program, i: u32) -> Step {
        self.room()?;
        self.stack.push(Value::Str(p.string(i).clone()));
        Ok(())
    }

    /// Replaces the top two values with `v` (the caller checked there are two).
    #[inline(always)]
    fn replace2(&mut self, v: Value) -> Step {
        self.stack.pop();
        if let Some(top) = self.stack.last_mut() {
            *top = v;
        }
        Ok(())
    }

    #[inline(always)]
    fn arith(&mut self, op: Op, f: fn(i64, i64) -> Option<i64>) -> Step {
        let [.., Value::Num(a), Value::Num(b)] = *self.stack.as_slice() else {
            return Err(self.operand_error(op, "two numbers"));
        };
        match f(a, b) {
            Some(r) => self.replace2(Value::Num(r)),
            None if b == 0 => Err(fail(ErrorKind::DivisionByZero { op })),
            None => Err(fail(ErrorKind::Overflow { op, a, b })),
        }
    }

    #[inline(always)]
    fn compare(&mut self, op: Op, f: fn(i64, i64) -> bool) -> Step {
        let [.., Value::Num(a), Value::Num(b)] = *self.stack.as_slice() else {
            return Err(self.operand_error(op, "two numbers"));
        };
        self.replace2(Value::Bool(f(a, b)))
    }

    #[inline(always)]
    fn equal(&mut self, want: bool) -> Step {
        let [.., a, b] = self.stack.as_slice() else {
            return Err(self.operand_error(if want { Op::Eq } else { Op::Ne }, "two values"));
        };
        let r = (a == b) == want;
        self.replace2(Value::Bool(r))
    }

    #[inline(always)]
    fn logic(&mut self, op: Op, f: fn(bool, bool) -> bool) -> Step {
        let [.., Value::Bool(a), Value::Bool(b)] = *self.stack.as_slice() else {
            return Err(self.operand_error(op, "two booleans"));
        };
        self.replace2(Value::Bool(f(a, b)))
    }

    #[inline(always)]
    fn not(&mut self) -> Step {
        let [.., Value::Bool(b)] = self.stack.as_mut_slice() else {
            return Err(self.operand_error(Op::Not, "a boolean"));
        };
        *b = !*b;
        Ok(())
    }

    #[inline(always)]
    fn select(&mut self) -> Step {
        let [.., Value::Bool(cond), _, _] = *self.stack.as_slice() else {
            return Err(self.operand_error(Op::If, "a boolean condition below the two choices"));
        };
        let f = self.stack.pop();
        let t = self.stack.pop();
        if let (Some(top), Some(v)) = (self.stack.last_mut(), if cond { t } else { f }) {
            *top = v;
        }
        Ok(())
    }

    #[inline(always)]
    fn dup(&mut self) -> Step {
        let [.., top] = self.stack.as_slice() else {
            return Err(self.operand_error(Op::Dup, "a value"));
        };
        let v = copy(top);
        self.push(v)
    }

    #[inline(always)]
    fn drop_top(&mut self) -> Step {
        match self.stack.pop() {
            Some(_) => Ok(()),
            None => Err(self.operand_error(Op::Drop, "a value")),
        }
    }

    #[inline(always)]
    fn swap(&mut self) -> Step {
        let [.., a, b] = self.stack.as_mut_slice() else {
            return Err(self.operand_error(Op::Swap, "two values"));
        };
        core::mem::swap(a, b);
        Ok(())
    }

    #[inline(always)]
    fn over(&mut self) -> Step {
        let [.., a, _] = self.stack.as_slice() else {
            return Err(self.operand_error(Op::Over, "two values"));
        };
        let v = copy(a);
        self.push(v)
    }

    #[inline(always)]
    fn rot(&mut self) -> Step {
        let [.., a, b, c] = self.stack.as_mut_slice() else {
            return Err(self.operand_error(Op::Rot, "three values"));
        };
        core::mem::swap(a, b);
        core::mem::swap(b, c);
        Ok(())
    }

    /// Accounts for a new string of `len` bytes made by `op`: it must fit the limit of
    /// one string, and from time to time the strings alive are counted against the total.
    fn new_string(&mut self, op: Op, len: usize) -> Step {
        let limit = self.limits.max_string;
        if len > limit {
            return Err(fail(ErrorKind::StringTooLong { op, len, limit }));
        }
        self.fresh_string_bytes = self.fresh_string_bytes.saturating_add(len);
        let total = self.limits.max_string_total;
        if self.fresh_string_bytes > total / 8 {
            let live = self.live_string_bytes().saturating_add(len);
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

    /// The total length of the distinct strings on the stack.
    #[cold]
    fn live_string_bytes(&self) -> usize {
        let mut seen = alloc::collections::BTreeSet::new();
        self.stack
            .iter()
            .filter_map(|v| match v {
                Value::Str(s) if seen.insert(s.as_ptr()) => Some(s.len()),
                _ => None,
            })
            .sum()
    }

    #[inline(never)]
    fn cast_str(&mut self) -> Step {
        let len = self.need(Op::CastStr)?;
        if !matches!(self.stack[len - 1], Value::Str(_)) {
            self.new_string(Op::CastStr, printed_len(&self.stack[len - 1]))?;
            let top = &mut self.stack[len - 1];
            *top = Value::Str(Rc::from(top.to_string()));
        }
        Ok(())
    }

    #[inline(never)]
    fn cast_int(&mut self) -> Step {
        let len = self.need(Op::CastInt)?;
        let top = &mut self.stack[len - 1];
        let Value::Str(s) = top else {
            return Err(type_error(Op::CastInt, "a string", &self.stack[len - 1..]));
        };
        match s.trim().parse::<i64>() {
            Ok(n) => *top = Value::Num(n),
            Err(_) => {
                return Err(fail(ErrorKind::CastInt {
                    text: top.literal_short(60),
                }))
            }
        }
        Ok(())
    }

    #[inline(never)]
    fn print<O: Write + ?Sized>(&mut self, op: Op, out: &mut O, newline: bool) -> Step {
        let len = self.need(op)?;
        let r = match &self.stack[len - 1] {
            Value::Num(n) => write!(out, "{n}"),
            Value::Bool(b) => out.write_str(if *b { "true" } else { "false" }),
            Value::Str(s) => out.write_str(s),
        };
        r.and_then(|()| {
            if newline {
                out.write_char('\n')
            } else {
                Ok(())
            }
        })
        .map_err(|fmt::Error| fail(ErrorKind::Output))?;
        self.stack.pop();
        Ok(())
    }

    #[inline(never)]
    fn concat(&mut self) -> Step {
        let len = self.need(Op::Concat)?;
        let size =
            printed_len(&self.stack[len - 2]).saturating_add(printed_len(&self.stack[len - 1]));
        self.new_string(Op::Concat, size)?;
        let (a, b) = (&self.stack[len - 2], &self.stack[len - 1]);
        let mut s = String::with_capacity(size);
        let _ = write!(s, "{a}{b}");
        self.replace2(Value::Str(Rc::from(s)))
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
        self.stack.push(Value::Str(line));
        Ok(())
    }

    #[inline(never)]
    fn sleep(&mut self) -> Step {
        let len = self.need(Op::SleepMs)?;
        match self.stack[len - 1] {
            Value::Num(ms) if ms >= 0 => {
                self.stack.pop();
                Err(Trap::Sleep(ms as u64))
            }
            Value::Num(ms) => Err(fail(ErrorKind::NegativeSleep { ms })),
            _ => Err(type_error(
                Op::SleepMs,
                "a number of milliseconds",
                &self.stack[len - 1..],
            )),
        }
    }

    /// The instruction to continue at for the address on top of the stack.
    #[inline(always)]
    fn target(&self, op: Op) -> Result<(usize, u32), Trap> {
        let len = self.need(op)?;
        let Value::Num(addr) = self.stack[len - 1] else {
            return Err(type_error(
                op,
                "an address (a number)",
                &self.stack[len - 1..],
            ));
        };
        match self.program.pc_of(addr) {
            Some(pc) => Ok((pc, addr as u32)),
            None => Err(fail(ErrorKind::InvalidAddress {
                addr,
                len: self.program.token_count(),
            })),
        }
    }

    #[inline(always)]
    fn jump(&mut self) -> Result<usize, Trap> {
        let (pc, _) = self.target(Op::Jmp)?;
        self.stack.pop();
        Ok(pc)
    }

    #[inline(always)]
    fn call(&mut self, pc: usize) -> Result<usize, Trap> {
        let (target, addr) = self.target(Op::Call)?;
        if self.frames.len() >= self.limits.max_calls {
            return Err(fail(ErrorKind::CallStackOverflow {
                limit: self.limits.max_calls,
            }));
        }
        self.stack.pop();
        self.frames.push(Frame {
            ret: pc as u32 + 1,
            call: pc as u32,
            target: addr,
        });
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

    // ----- superinstructions: each returns false (and changes nothing) when it cannot
    // run with exactly the plain sequence's effect -----

    /// `N op` on a number: room for the literal, a number on top, no overflow.
    #[inline(always)]
    fn arith_imm(&mut self, b: i64, f: fn(i64, i64) -> Option<i64>) -> bool {
        let room = self.stack.len() < self.limits.max_stack;
        if let [.., Value::Num(a)] = self.stack.as_mut_slice() {
            if let (true, Some(r)) = (room, f(*a, b)) {
                *a = r;
                return true;
            }
        }
        false
    }

    /// `N cmp` on a number.
    #[inline(always)]
    fn compare_imm(&mut self, b: i64, f: fn(i64, i64) -> bool) -> bool {
        let room = self.stack.len() < self.limits.max_stack;
        match self.stack.as_mut_slice() {
            [.., top @ Value::Num(_)] if room => {
                let Value::Num(a) = *top else { return false };
                *top = Value::Bool(f(a, b));
                true
            }
            _ => false,
        }
    }

    /// `dup N cmp` on a number.
    #[inline(always)]
    fn dup_compare_imm(&mut self, b: i64, f: fn(i64, i64) -> bool) -> bool {
        if self.stack.len() + 2 > self.limits.max_stack {
            return false;
        }
        match *self.stack.as_slice() {
            [.., Value::Num(a)] => {
                self.stack.push(Value::Bool(f(a, b)));
                true
            }
            _ => false,
        }
    }

    /// `dup N op` on a number: room for the copy and the literal, no overflow.
    #[inline(always)]
    fn dup_arith_imm(&mut self, b: i64, f: fn(i64, i64) -> Option<i64>) -> bool {
        if self.stack.len() + 2 > self.limits.max_stack {
            return false;
        }
        match *self.stack.as_slice() {
            [.., Value::Num(a)] => match f(a, b) {
                Some(r) => {
                    self.stack.push(Value::Num(r));
                    true
                }
                None => false,
            },
            _ => false,
        }
    }

    /// `and not`, `or not` on two booleans.
    #[inline(always)]
    fn logic_not(&mut self, f: fn(bool, bool) -> bool) -> bool {
        match *self.stack.as_slice() {
            [.., Value::Bool(a), Value::Bool(b)] => {
                let r = !f(a, b);
                self.stack.pop();
                if let Some(top) = self.stack.last_mut() {
                    *top = Value::Bool(r);
                }
                true
            }
            _ => false,
        }
    }

    /// Room for a fused call: `extra + 1` literals pushed before the `call`, and a frame.
    #[inline(always)]
    fn call_room(&self, extra: usize) -> bool {
        self.stack.len() + extra < self.limits.max_stack
            && self.frames.len() < self.limits.max_calls
    }

    #[inline(always)]
    fn top_is_bool(&self) -> bool {
        matches!(self.stack.last(), Some(Value::Bool(_)))
    }

    /// Pops the boolean on top (checked with `top_is_bool`).
    #[inline(always)]
    fn pop_bool(&mut self) -> bool {
        matches!(self.stack.pop(), Some(Value::Bool(true)))
    }

    /// Pushes a frame for the `call` at `call_pc` to label address `addr`; returns the
    /// instruction to continue at.
    #[inline(always)]
    fn enter(&mut self, p: &Program, addr: u32, call_pc: usize) -> usize {
        self.frames.push(Frame {
            ret: call_pc as u32 + 1,
            call: call_pc as u32,
            target: addr,
        });
        p.pcs[addr as usize] as usize
    }

    #[inline(never)]
    fn exit(&mut self) -> Step {
        let len = self.need(Op::Exit)?;
        let Value::Num(code) = self.stack[len - 1] else {
            return Err(type_error(
                Op::Exit,
                "an exit code (a number)",
                &self.stack[len - 1..],
            ));
        };
        self.stack.pop();
        Err(Trap::Halt(code))
    }
}

/// A copy of a value, read field by field. (A plain `clone` or move copies the whole
/// enum with wide loads, which stall when the value was just written with narrow stores,
/// as pushing a number or a boolean does: this is the interpreter's hottest path.)
#[inline(always)]
fn copy(v: &Value) -> Value {
    match v {
        Value::Num(n) => Value::Num(*n),
        Value::Bool(b) => Value::Bool(*b),
        Value::Str(s) => Value::Str(Rc::clone(s)),
    }
}

/// Remainder with exact results: `MIN % -1` is 0 (only division by zero fails).
fn exact_rem(a: i64, b: i64) -> Option<i64> {
    if b == -1 {
        Some(0)
    } else {
        a.checked_rem(b)
    }
}

/// The length in bytes of a value's printed form.
fn printed_len(v: &Value) -> usize {
    match v {
        Value::Str(s) => s.len(),
        Value::Bool(true) => 4,
        Value::Bool(false) => 5,
        Value::Num(n) => {
            let mut digits = usize::from(*n < 0) + 1;
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

#[cold]
#[inline(never)]
fn type_error(op: Op, expected: &'static str, operands: &[Value]) -> Trap {
    let mut found = String::new();
    for (i, v) in operands.iter().enumerate() {
        if i > 0 {
            found.push_str(if i + 1 == operands.len() {
                " and "
            } else {
                ", "
            });
        }
        let _ = write!(found, "{} {}", v.type_name(), v.literal_short(40));
    }
    fail(ErrorKind::TypeError {
        op,
        expected,
        found,
    })
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::asm::compile;
    use alloc::vec;

    fn run(src: &str) -> (Status, String, Machine) {
        let mut m = Machine::new(compile(src).unwrap(), Vec::new());
        let mut out = String::new();
        let s = m.run(u64::MAX, &mut out);
        (s, out, m)
    }

    #[test]
    fn printed_len_matches_display() {
        for n in [0, 9, 10, -1, -10, 99, 100, i64::MAX, i64::MIN] {
            assert_eq!(printed_len(&Value::Num(n)), n.to_string().len(), "{n}");
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
                Status::OutOfBudget => pauses += 1,
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
            e.trace.iter().map(TraceFrame::name).collect::<Vec<_>>(),
            vec!["7", "f"]
        );
        assert_eq!(e.trace[0].call_span.col, 18);
        assert_eq!(e.trace[1].call_span.col, 3);
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

    #[test]
    fn string_limit() {
        let src = "\"ab\" l: dup concat l jmp";
        let mut m = Machine::new(compile(src).unwrap(), Vec::new()).with_limits(Limits {
            max_string: 1000,
            ..Limits::default()
        });
        let Status::Failed(e) = m.run(u64::MAX, &mut String::new()) else {
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
        let Status::Failed(e) = m.run(u64::MAX, &mut String::new()) else {
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
        assert_eq!(m.run(u64::MAX, &mut String::new()), Status::Halted(0));
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
