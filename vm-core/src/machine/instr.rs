//! The instructions: one method each, on the machine's stacks. Each either completes
//! or fails without changing anything, so that an error leaves the machine as it was
//! before the failing instruction.

use alloc::boxed::Box;
use alloc::string::String;
use alloc::sync::Arc;
use core::fmt::{self, Write};

use super::{Machine, FIRST_COLLECTION};
use crate::error::ErrorKind;
use crate::frame::Frame;
use crate::ops::{self, Arith, ArithError, Compare, Logic, Op};
use crate::program::Program;
use crate::slot::{Slot, Tag, View};

/// Why an instruction did not simply complete. Small (two words), so that results of
/// the hot instructions stay in registers; the error itself is boxed on the cold path.
pub(super) enum Trap {
    Error(Box<ErrorKind>),
    /// `stop` or `exit`: the instruction completed.
    Halt(i64),
    /// `read` with no input yet: the instruction did not run.
    Input,
    /// `sleep_ms`: the instruction completed.
    Sleep(u64),
}

pub(super) type Step = Result<(), Trap>;

/// A runtime error as a trap.
#[cold]
#[inline(never)]
pub(super) fn fail(kind: ErrorKind) -> Trap {
    Trap::Error(Box::new(kind))
}

impl Machine {
    // ----- the stack -----

    /// Pushes without the room check (the caller made it).
    #[inline(always)]
    pub(super) fn put(&mut self, v: Slot) {
        if self.sp == self.stack.len() {
            self.stack.grow_to(self.sp + 1);
        }
        self.stack.set(self.sp, v);
        self.sp += 1;
    }

    /// The top `N` slots, when there are that many.
    #[inline(always)]
    pub(super) fn top<const N: usize>(&self) -> Option<[Slot; N]> {
        let first = self.sp.checked_sub(N)?;
        Some(core::array::from_fn(|i| self.stack.get(first + i)))
    }

    /// Replaces the top `n` slots (the caller checked there are `n`) with `v`.
    #[inline(always)]
    pub(super) fn replace(&mut self, n: usize, v: Slot) -> Step {
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
    pub(super) fn type_error(&self, op: Op, expected: &'static str, n: usize) -> Trap {
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
    pub(super) fn push(&mut self, v: Slot) -> Step {
        self.room()?;
        self.put(v);
        Ok(())
    }

    #[inline(always)]
    pub(super) fn arith(&mut self, arith: Arith) -> Step {
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
    pub(super) fn compare(&mut self, compare: Compare) -> Step {
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
    pub(super) fn equal(&mut self, p: &Program, compare: Compare) -> Step {
        let Some([a, b]) = self.top() else {
            return Err(self.operand_error(compare.op(), "two values"));
        };
        let view = View::new(&self.strings, p);
        let r = compare.values(view.equal(a, b)).unwrap_or(false);
        self.replace(2, Slot::bool(r))
    }

    /// `and`, `or`, on two booleans.
    #[inline(always)]
    pub(super) fn logic(&mut self, logic: Logic) -> Step {
        let op = logic.op();
        let Some([a, b]) = self.top() else {
            return Err(self.operand_error(op, "two booleans"));
        };
        let (Some(a), Some(b)) = (a.as_bool(), b.as_bool()) else {
            return Err(self.operand_error(op, "two booleans"));
        };
        match logic.both(a, b) {
            Some(r) => self.replace(2, Slot::bool(r)),
            // (`not` and `if` have methods of their own.)
            None => Err(self.operand_error(op, "two booleans")),
        }
    }

    #[inline(always)]
    pub(super) fn not(&mut self) -> Step {
        match self.top() {
            Some([b]) if b.tag == Tag::Bool => self.replace(1, Slot::bool(ops::not(b.bits != 0))),
            _ => Err(self.operand_error(Op::Not, "a boolean")),
        }
    }

    #[inline(always)]
    pub(super) fn select(&mut self) -> Step {
        match self.top() {
            Some([c, t, f]) if c.tag == Tag::Bool => {
                self.replace(3, ops::select(c.bits != 0, t, f))
            }
            _ => Err(self.operand_error(Op::If, "a boolean condition below the two choices")),
        }
    }

    #[inline(always)]
    pub(super) fn dup(&mut self) -> Step {
        let Some([a]) = self.top() else {
            return Err(self.operand_error(Op::Dup, "a value"));
        };
        self.push(a)
    }

    #[inline(always)]
    pub(super) fn drop_top(&mut self) -> Step {
        if self.sp == 0 {
            return Err(self.operand_error(Op::Drop, "a value"));
        }
        self.sp -= 1;
        Ok(())
    }

    #[inline(always)]
    pub(super) fn swap(&mut self) -> Step {
        let Some([a, b]) = self.top() else {
            return Err(self.operand_error(Op::Swap, "two values"));
        };
        let sp = self.sp;
        self.stack.set(sp - 2, b);
        self.stack.set(sp - 1, a);
        Ok(())
    }

    #[inline(always)]
    pub(super) fn over(&mut self) -> Step {
        let Some([a, _]) = self.top() else {
            return Err(self.operand_error(Op::Over, "two values"));
        };
        self.push(a)
    }

    #[inline(always)]
    pub(super) fn rot(&mut self) -> Step {
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
        let slot = self.strings.insert(Arc::from(self.scratch.as_str()));
        if self.scratch.capacity() > 1 << 16 {
            self.scratch = String::new();
        }
        slot
    }

    /// A new string (made by `op`) of the printed forms of `slots`, one after the other.
    fn printed_string(&mut self, p: &Program, op: Op, slots: &[Slot]) -> Result<Slot, Trap> {
        let view = View::new(&self.strings, p);
        let size = slots
            .iter()
            .fold(0usize, |n, &s| n.saturating_add(printed_len(view, s)));
        self.new_string(op, size)?;
        self.scratch.clear();
        let view = View::new(&self.strings, p);
        for &s in slots {
            push_printed(view, s, &mut self.scratch);
        }
        Ok(self.store_scratch())
    }

    #[inline(never)]
    pub(super) fn cast_str(&mut self, p: &Program) -> Step {
        let len = self.need(Op::CastStr)?;
        let top = self.stack.get(len - 1);
        if !top.is_str() {
            let s = self.printed_string(p, Op::CastStr, &[top])?;
            self.stack.set(len - 1, s);
        }
        Ok(())
    }

    #[inline(never)]
    pub(super) fn cast_int(&mut self, p: &Program) -> Step {
        let len = self.need(Op::CastInt)?;
        let top = self.stack.get(len - 1);
        if !top.is_str() {
            return Err(self.type_error(Op::CastInt, "a string", 1));
        }
        let view = View::new(&self.strings, p);
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
    pub(super) fn print<O: Write + ?Sized>(
        &mut self,
        p: &Program,
        op: Op,
        out: &mut O,
        newline: bool,
        pc: usize,
    ) -> Step {
        let len = self.need(op)?;
        self.printed_at(pc);
        let top = self.stack.get(len - 1);
        let view = View::new(&self.strings, p);
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
    pub(super) fn concat(&mut self, p: &Program) -> Step {
        let len = self.need(Op::Concat)?;
        let (a, b) = (self.stack.get(len - 2), self.stack.get(len - 1));
        let s = self.printed_string(p, Op::Concat, &[a, b])?;
        self.replace(2, s)
    }

    #[inline(never)]
    pub(super) fn read(&mut self) -> Step {
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
    pub(super) fn sleep(&mut self) -> Step {
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
    pub(super) fn jump(&mut self, p: &Program) -> Result<usize, Trap> {
        let (pc, _) = self.target(p, Op::Jmp)?;
        self.sp -= 1;
        Ok(pc)
    }

    #[inline(always)]
    pub(super) fn call(&mut self, p: &Program, pc: usize) -> Result<usize, Trap> {
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
    pub(super) fn ret(&mut self) -> Result<usize, Trap> {
        let frame = self
            .frames
            .pop()
            .ok_or_else(|| fail(ErrorKind::ReturnWithoutCall))?;
        Ok(frame.ret as usize)
    }

    #[inline(never)]
    pub(super) fn exit(&mut self) -> Step {
        let len = self.need(Op::Exit)?;
        let Some(code) = self.stack.get(len - 1).as_num() else {
            return Err(self.type_error(Op::Exit, "an exit code (a number)", 1));
        };
        self.sp -= 1;
        Err(Trap::Halt(code))
    }
}

/// The printed form of a slot: what `println`, `cast_str` and `concat` produce.
pub(super) fn write_printed<O: Write + ?Sized>(view: View, s: Slot, out: &mut O) -> fmt::Result {
    match s.tag {
        Tag::Str | Tag::Const => out.write_str(view.text(s)),
        Tag::Bool => out.write_str(if s.bits != 0 { "true" } else { "false" }),
        Tag::Num => write!(out, "{}", s.bits as i64),
    }
}

/// Appends the printed form of a slot to a `String` (which cannot fail).
pub(super) fn push_printed(view: View, s: Slot, out: &mut String) {
    let _ = write_printed(view, s, out);
}

/// The length in bytes of a slot's printed form.
pub(super) fn printed_len(view: View, s: Slot) -> usize {
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
    use crate::slot::Strings;
    use alloc::string::ToString;

    #[test]
    fn printed_len_matches_display() {
        let p = Program::default();
        let strings = Strings::default();
        let view = View::new(&strings, &p);
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
}
