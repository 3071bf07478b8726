//! The run loops: the one that runs blocks where it can and plain instructions
//! elsewhere, and the one of a watched or recorded run (plain instructions only); and
//! the dispatch of one plain instruction to its method (`instr.rs`).

use core::fmt::Write;

use super::fuel::Fuel;
use super::instr::Trap;
use super::{Machine, Observer, Tier};
use crate::ops::{self, Class, Control, Io, Logic, Op, Shuffle, Text};
use crate::program::{Code, Program};
use crate::slot::Slot;

/// Why the interpreter loop stopped.
pub(super) enum Stop {
    /// The budget is used up, or the program ran past its end.
    Budget,
    /// The observer asked to pause.
    Observer,
    /// An instruction trapped.
    Trap(Trap),
}

impl Machine {
    /// The interpreter loop: runs at most the steps `fuel` allows from `self.pc`, a
    /// block at a time where the program has one that can run whole (in the compiled
    /// module of `tier` first, when there is one), else an instruction at a time.
    /// Returns why it stopped and the number of steps done; leaves `self.pc` at the
    /// next instruction (at the failing one after an error, or at a `read` waiting for
    /// input).
    #[inline(never)]
    pub(super) fn execute<O: Write + ?Sized>(
        &mut self,
        p: &Program,
        fuel: Fuel,
        out: &mut O,
        mut tier: Option<&mut dyn Tier>,
    ) -> (Stop, u64) {
        let mut pc = self.pc;
        let start = fuel;
        let mut fuel = fuel;
        let stop = loop {
            let Some(&code) = p.dispatch.get(pc) else {
                break Stop::Budget;
            };
            if fuel.is_empty() {
                break Stop::Budget;
            }
            let code = match code {
                Code::Block(_) => {
                    let mut runner_fuel = fuel;
                    if let Some(t) = tier.as_deref_mut() {
                        let (next, steps) = self.enter_tier(p, pc, fuel, t);
                        if steps > 0 {
                            pc = next;
                            fuel.spend(steps);
                            self.block_steps += steps;
                            self.tier_steps += steps;
                            continue;
                        }
                        runner_fuel = self.runner_fuel(fuel);
                    }
                    let (next, steps) = self.run_blocks(p, pc, runner_fuel);
                    if steps > 0 {
                        pc = next;
                        fuel.spend(steps);
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
                    fuel.spend(1);
                }
                Err(trap @ (Trap::Halt(_) | Trap::Sleep(_))) => {
                    pc += 1;
                    fuel.spend(1);
                    break Stop::Trap(trap);
                }
                Err(trap) => break Stop::Trap(trap),
            }
        };
        self.pc = pc;
        (stop, start.used(fuel))
    }

    /// The loop of a watched or recorded run: plain instructions only, as many as
    /// `fuel` allows; returns why it stopped and the number of steps done. With an active
    /// observer, `self.pc` and `self.steps` are kept up to date at every step so that
    /// the observer sees them; with `RECORD`, each step's undo record is kept.
    #[inline(never)]
    pub(super) fn execute_watched<O: Write + ?Sized, B: Observer, const RECORD: bool>(
        &mut self,
        p: &Program,
        fuel: Fuel,
        out: &mut O,
        observer: &mut B,
    ) -> (Stop, u64) {
        let mut pc = self.pc;
        let start = fuel;
        let mut fuel = fuel;
        let stop = loop {
            if pc >= p.code.len() || fuel.is_empty() {
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
            fuel.spend(1);
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
        (stop, start.used(fuel))
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
        let r = ops::match_code!(code, |class| return self.op(p, class, pc, out);
            Code::Num(n) => self.push(Slot::num(n)),
            Code::Bool(b) => self.push(Slot::bool(b)),
            Code::Str(i) => self.push(Slot::constant(i)),
            Code::Addr(a) => self.push(Slot::num(i64::from(a))),
            // Blocks are dispatched before plain instructions; this is the plain form.
            Code::Block(_) => return self.step_plain(p, pc, out),
        );
        r.map(|()| pc + 1)
    }

    /// Runs the plain operation of class `class` at `pc` (each arm of `step` has its
    /// own, a constant); returns the next `pc`.
    #[inline(always)]
    fn op<O: Write + ?Sized>(
        &mut self,
        p: &Program,
        class: Class,
        pc: usize,
        out: &mut O,
    ) -> Result<usize, Trap> {
        let r = match class {
            Class::Arithmetic(a) => self.arith(a),
            // `==` and `!=` are defined on any two values, the orders on numbers.
            Class::Comparison(c) => match c.values(true) {
                Some(_) => self.equal(p, c),
                None => self.compare(c),
            },
            Class::Logic(l) => match l {
                Logic::Not => self.not(),
                Logic::If => self.select(),
                Logic::And | Logic::Or => self.logic(l),
            },
            Class::Stack(s) => match s {
                Shuffle::Dup => self.dup(),
                Shuffle::Drop => self.drop_top(),
                Shuffle::Swap => self.swap(),
                Shuffle::Over => self.over(),
                Shuffle::Rot => self.rot(),
            },
            Class::Text(t) => match t {
                Text::CastStr => self.cast_str(p),
                Text::CastInt => self.cast_int(p),
                Text::Concat => self.concat(p),
            },
            Class::Io(io) => match io {
                Io::Println => self.print(p, Op::Println, out, true, pc),
                Io::Print => self.print(p, Op::Print, out, false, pc),
                Io::Read => self.read(),
                Io::SleepMs => self.sleep(),
            },
            Class::Control(c) => match c {
                Control::Jmp => return self.jump(p),
                Control::Call => return self.call(p, pc),
                Control::Return => return self.ret(),
                Control::Stop => Err(Trap::Halt(0)),
                Control::Exit => self.exit(),
            },
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
}
