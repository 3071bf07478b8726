//! The undo history: what each recent step changed, so that a debugger can step back.

use alloc::collections::VecDeque;
use alloc::sync::Arc;
use alloc::vec::Vec;

use super::instr::printed_len;
use super::{Machine, State};
use crate::frame::Frame;
use crate::ops::{Class, Io, Op};
use crate::program::Instr;
use crate::value::Value;

/// What one step changed, enough to undo it.
#[derive(Clone, Debug)]
pub(super) struct Undo {
    pc: usize,
    stack_len: usize,
    /// The values the instruction took from the stack (its `pops`), bottom first.
    popped: Vec<Value>,
    frames_len: usize,
    /// The top frame before the step (what a `return` pops).
    frame: Option<Frame>,
    input: Option<Arc<str>>,
    output_bytes: usize,
}

/// The most recent steps' undo records.
#[derive(Clone, Debug)]
pub(super) struct History {
    undo: VecDeque<Undo>,
    capacity: usize,
}

impl History {
    /// Forgets every step (their records point into a program that is gone).
    pub(super) fn clear(&mut self) {
        self.undo.clear();
    }
}

impl Machine {
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
    pub(super) fn undo_record(&self, pc: usize) -> Undo {
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

    pub(super) fn remember(&mut self, undo: Undo) {
        if let Some(h) = &mut self.history {
            if h.undo.len() == h.capacity {
                h.undo.pop_front();
            }
            h.undo.push_back(undo);
        }
    }
}
