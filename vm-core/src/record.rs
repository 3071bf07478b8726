//! The stack over time: what each step of a run did to the data stack, so that a host can
//! show the stack at any step, where each value was pushed, and what had been printed.
//! [`Record`] is an [`Observer`], like [`crate::profile::Profile`]: a run that is not
//! recorded pays nothing.
//!
//! Each step is kept as a [`Row`], a delta: the instruction, how many values it took off
//! the stack, the values it put on (each with the step and instruction that pushed it),
//! and the output so far. A long run keeps its first `keep` steps and its last `keep`
//! steps; the steps in between are left out (their number is said), and a base stack
//! absorbs the rows that leave the window of the last steps, so the stack at every kept
//! step can be rebuilt. Strings are kept cut to [`CUT_BYTES`] bytes, with their
//! whole size: a record costs the same whatever the values hold.

use alloc::sync::Arc;
use alloc::vec;
use alloc::vec::Vec;

use crate::machine::{Machine, Observer};
use crate::ops::{Class, Io, Op, Shuffle};
use crate::program::Instr;
use crate::value::Value;

/// The most bytes of a string a record keeps (cut at a character's start).
pub const CUT_BYTES: usize = 256;

/// A value of the data stack as a record keeps it, with where it came from.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Entry {
    /// The value; a string of more than [`CUT_BYTES`] bytes is cut to at most them.
    pub value: Value,
    /// The whole length of a string in bytes (also when it was cut); 0 for the others.
    pub bytes: usize,
    /// The step that pushed it (1 is the record's first step); 0 for a value that was
    /// on the stack when the record began (the program's arguments).
    pub step: u64,
    /// The instruction that pushed it (its `pc`, as
    /// [`Program::span`](crate::Program::span) takes it); `None` for a value that was on
    /// the stack when the record began.
    pub pc: Option<usize>,
}

impl Entry {
    fn new(value: Value, step: u64, pc: Option<usize>) -> Entry {
        let (value, bytes) = match value {
            Value::Str(s) => {
                let bytes = s.len();
                let value = if bytes > CUT_BYTES {
                    let mut cut = CUT_BYTES;
                    while !s.is_char_boundary(cut) {
                        cut -= 1;
                    }
                    Value::Str(Arc::from(&s[..cut]))
                } else {
                    Value::Str(s)
                };
                (value, bytes)
            }
            other => (other, 0),
        };
        Entry {
            value,
            bytes,
            step,
            pc,
        }
    }

    /// Was the value cut short (a string of more than [`CUT_BYTES`] bytes)?
    pub fn is_cut(&self) -> bool {
        matches!(&self.value, Value::Str(s) if s.len() < self.bytes)
    }
}

/// What one step did to the data stack.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Row {
    /// The instruction that ran (its `pc`, as [`Program::span`](crate::Program::span) takes it).
    pub pc: usize,
    /// How many values it took off the stack.
    pub popped: usize,
    /// The values it put on, bottom first. A `swap` or `rot` puts back the values it
    /// moved, with their own origins; `dup` and `over` push one copy, pushed by them.
    pub pushed: Vec<Entry>,
    /// Bytes of output printed since the record began, this step's included.
    pub output: u64,
}

impl Row {
    /// The stack after this step, from the stack before it.
    pub fn apply(&self, stack: &mut Vec<Entry>) {
        stack.truncate(stack.len().saturating_sub(self.popped));
        stack.extend(self.pushed.iter().cloned());
    }
}

/// Where a value of the live stack came from: its step and instruction; and how many
/// bytes `print` writes of it.
type Origin = (u64, Option<usize>, u64);

/// The record of a run's steps: the first and last `keep` of them in full.
///
/// ```
/// use vm_core::{compile, Machine, Record, Status, Value};
/// let mut m = Machine::new(compile("1 2 swap - println").unwrap(), vec![]);
/// let mut record = Record::new(&m, 10_000);
/// let mut out = String::new();
/// assert_eq!(m.run_with(100, &mut out, &mut record), Status::Halted(0));
/// assert_eq!(record.steps(), 5);
/// // After `swap`: 2 (pushed at step 2) under 1 (pushed at step 1).
/// let stack = record.stack_at(3).unwrap();
/// let values: Vec<_> = stack.iter().map(|e| (e.value.clone(), e.step)).collect();
/// assert_eq!(values, [(Value::Num(2), 2), (Value::Num(1), 1)]);
/// assert_eq!(record.row(5).unwrap().output, 2); // "1\n"
/// ```
#[derive(Clone, Debug)]
pub struct Record {
    keep: usize,
    /// The stack when the record began.
    start: Vec<Entry>,
    /// The first steps, at most `keep`.
    head: Vec<Row>,
    /// The last steps after the head, at most `keep`: a ring whose oldest row is at
    /// `oldest` once it is full (a plain `Vec`: a `VecDeque` costs the WebAssembly
    /// module more code).
    tail: Vec<Row>,
    oldest: usize,
    /// The stack before the tail's first row (after every other row).
    base: Vec<Entry>,
    /// Where each value of the machine's stack now came from, and its printed size.
    live: Vec<Origin>,
    steps: u64,
    output: u64,
    /// The last step each instruction ran at (0: never).
    last: Vec<u64>,
}

impl Record {
    /// A record of a run of `machine`, from where it is now, keeping the first `keep`
    /// and the last `keep` steps (at least one of each).
    pub fn new(machine: &Machine, keep: usize) -> Record {
        let mut live = Vec::new();
        let start = entries(machine.stack(), &mut live, &[], (0, None));
        Record {
            keep: keep.max(1),
            live,
            base: start.clone(),
            start,
            head: Vec::new(),
            tail: Vec::new(),
            oldest: 0,
            steps: 0,
            output: 0,
            last: vec![0; machine.program().code().len()],
        }
    }

    /// The number of steps recorded.
    pub fn steps(&self) -> u64 {
        self.steps
    }

    /// How many of the first and of the last steps are kept.
    pub fn keep(&self) -> usize {
        self.keep
    }

    /// The last of the first steps kept in full: steps `1..=head_end()` are kept.
    pub fn head_end(&self) -> u64 {
        self.head.len() as u64
    }

    /// The first of the last steps kept in full: steps `tail_start()..=steps()` are kept.
    pub fn tail_start(&self) -> u64 {
        self.steps - self.tail.len() as u64 + 1
    }

    /// How many steps between the first and the last ones are left out.
    pub fn left_out(&self) -> u64 {
        self.tail_start() - 1 - self.head_end()
    }

    /// Bytes of output printed since the record began.
    pub fn output(&self) -> u64 {
        self.output
    }

    /// What step `step` did (from 1), if it is kept.
    pub fn row(&self, step: u64) -> Option<&Row> {
        if step == 0 || step > self.steps {
            None
        } else if step <= self.head_end() {
            self.head.get(step as usize - 1)
        } else {
            let i = step.checked_sub(self.tail_start())? as usize;
            self.tail_row(i)
        }
    }

    /// The data stack after step `step` (bottom first; step 0 is the stack when the
    /// record began), if it can be rebuilt: for a kept step, and for the one just before
    /// the last steps kept.
    pub fn stack_at(&self, step: u64) -> Option<Vec<Entry>> {
        if step > self.steps {
            return None;
        }
        let (mut stack, rows) = if step <= self.head_end() {
            (self.start.clone(), self.head.iter().take(step as usize))
        } else {
            let before = self.tail_start() - 1;
            let n = step.checked_sub(before)? as usize;
            let mut stack = self.base.clone();
            for r in (0..n).filter_map(|i| self.tail_row(i)) {
                r.apply(&mut stack);
            }
            return Some(stack);
        };
        for r in rows {
            r.apply(&mut stack);
        }
        Some(stack)
    }

    /// The `i`-th of the last steps kept, oldest first.
    fn tail_row(&self, i: usize) -> Option<&Row> {
        // (No `%`: the module has no division by zero to report.)
        let j = self.oldest + i;
        self.tail
            .get(if j >= self.tail.len() {
                j - self.tail.len()
            } else {
                j
            })
            .filter(|_| i < self.tail.len())
    }

    /// The last step that ran the instruction `pc`, if it ran.
    pub fn last_step(&self, pc: usize) -> Option<u64> {
        self.last.get(pc).copied().filter(|&s| s > 0)
    }

    /// The last step that ran each instruction, by its `pc` (as
    /// [`Program::span`](crate::Program::span) takes it); 0 for one that never ran.
    pub fn last_steps(&self) -> &[u64] {
        &self.last
    }

    /// The row of step `step`, which ran `pc` and left `machine` as it is.
    fn delta(&mut self, machine: &Machine, pc: usize, step: u64) -> Row {
        let op = match machine.program().code().get(pc) {
            Some(Instr::Op(op)) => Some(*op),
            Some(Instr::Num(_) | Instr::Bool(_) | Instr::Str(_) | Instr::Addr(_)) | None => None,
        };
        let n = self.live.len();
        let here = (step, Some(pc));
        let after = machine.stack_len();
        // What it took and where what it put came from (no operation puts more than
        // three values). `pops` is checked against each operation's stack effect
        // (`ops/`), and the tests below compare every step with a plain run.
        let top = |i: usize| {
            let (s, p, _) = self.live[n - i];
            (s, p)
        };
        let class = op.map(Op::class);
        let (popped, origins, k): (usize, [(u64, Option<usize>); 3], usize) = match class {
            // A copy on top, pushed by the operation.
            Some(Class::Stack(Shuffle::Dup | Shuffle::Over)) => (0, [here; 3], 1),
            // The values moved keep their origins: ( a b -- b a ), ( a b c -- b c a ).
            Some(Class::Stack(Shuffle::Swap)) if n >= 2 => (2, [top(1), top(2), here], 2),
            Some(Class::Stack(Shuffle::Rot)) if n >= 3 => (3, [top(2), top(1), top(3)], 3),
            // The others take their operands and push what they make.
            Some(
                Class::Stack(Shuffle::Drop | Shuffle::Swap | Shuffle::Rot)
                | Class::Arithmetic(_)
                | Class::Comparison(_)
                | Class::Logic(_)
                | Class::Text(_)
                | Class::Io(_)
                | Class::Control(_),
            )
            | None => {
                let pops = op.map_or(0, |op| op.info().pops as usize).min(n);
                (pops, [here; 3], (after + pops).saturating_sub(n))
            }
        };
        // What `print` and `println` write: the value they took, and a newline.
        self.output += match (class, self.live.last()) {
            (Some(Class::Io(Io::Print)), Some(&(_, _, len))) => len,
            (Some(Class::Io(Io::Println)), Some(&(_, _, len))) => len + 1,
            (Some(Class::Io(Io::Print | Io::Println)), None) => 0,
            (
                Some(
                    Class::Io(Io::Read | Io::SleepMs)
                    | Class::Arithmetic(_)
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
        self.live.truncate(n - popped);
        Row {
            pc,
            popped,
            pushed: entries(machine.stack_top(k), &mut self.live, &origins, here),
            output: self.output,
        }
    }
}

/// The entries of `values`, the `i`-th pushed at `origins[i]`, or at `here` past them;
/// each value's origin and printed size go on `live` too.
fn entries(
    values: Vec<Value>,
    live: &mut Vec<Origin>,
    origins: &[(u64, Option<usize>)],
    here: (u64, Option<usize>),
) -> Vec<Entry> {
    let mut out = Vec::new();
    for (i, v) in values.into_iter().enumerate() {
        let (step, pc) = origins.get(i).copied().unwrap_or(here);
        let len = match &v {
            Value::Str(s) => s.len(),
            Value::Bool(true) => 4,
            Value::Bool(false) => 5,
            Value::Num(n) => digits(*n),
        };
        live.push((step, pc, len as u64));
        out.push(Entry::new(v, step, pc));
    }
    out
}

/// The length of `n` written in decimal.
fn digits(n: i64) -> usize {
    let mut d = usize::from(n < 0) + 1;
    let mut m = n.unsigned_abs();
    while m >= 10 {
        m /= 10;
        d += 1;
    }
    d
}

impl Observer for Record {
    fn after(&mut self, machine: &Machine, pc: usize, _steps: u64) -> bool {
        // A watched run dispatches one instruction at a time (see `Observer::after`).
        let step = self.steps + 1;
        let row = self.delta(machine, pc, step);
        self.steps = step;
        if let Some(l) = self.last.get_mut(pc) {
            *l = step;
        }
        if self.head.len() < self.keep {
            row.apply(&mut self.base);
            self.head.push(row);
        } else if self.tail.len() < self.keep {
            self.tail.push(row);
        } else {
            // The oldest row leaves the window: the base absorbs it.
            let old = core::mem::replace(&mut self.tail[self.oldest], row);
            old.apply(&mut self.base);
            self.oldest += 1;
            if self.oldest == self.keep {
                self.oldest = 0;
            }
        }
        true
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::asm::{compile, parse_args};
    use crate::machine::Status;
    use alloc::string::{String, ToString};

    /// A plain run, one `Machine::run(1)` at a time: the stack, the output's length and
    /// the instruction of every step (index 0: before the first), and how it ended.
    fn plain(
        src: &str,
        args: &str,
        input: &[&str],
    ) -> (Vec<Vec<Value>>, Vec<u64>, Vec<usize>, Status) {
        let mut m = Machine::new(compile(src).unwrap(), parse_args(args).unwrap());
        let mut input = input.iter();
        let mut out = String::new();
        let (mut stacks, mut outs, mut pcs) = (vec![m.stack()], vec![0], vec![usize::MAX]);
        loop {
            let pc = m.pc();
            let before = m.steps();
            let status = m.run(1, &mut out);
            if m.steps() > before {
                stacks.push(m.stack());
                outs.push(out.len() as u64);
                pcs.push(pc);
            }
            match status {
                Status::OutOfBudget => {}
                Status::NeedsInput => m.provide_input(input.next().copied()),
                Status::Sleeping(_) => {}
                s => return (stacks, outs, pcs, s),
            }
        }
    }

    /// The same run recorded with `keep`, in slices of 7 steps.
    fn recorded(src: &str, args: &str, input: &[&str], keep: usize) -> (Record, Status, String) {
        let mut m = Machine::new(compile(src).unwrap(), parse_args(args).unwrap());
        let mut record = Record::new(&m, keep);
        let mut input = input.iter();
        let mut out = String::new();
        loop {
            match m.run_with(7, &mut out, &mut record) {
                Status::OutOfBudget => {}
                Status::NeedsInput => m.provide_input(input.next().copied()),
                Status::Sleeping(_) => {}
                s => return (record, s, out),
            }
        }
    }

    /// The value as the record keeps it.
    fn kept(v: &Value) -> (Value, usize) {
        let e = Entry::new(v.clone(), 0, None);
        (e.value, e.bytes)
    }

    /// Every kept step's stack, output and instruction are the plain run's; the others
    /// are left out, and counted.
    fn check(src: &str, args: &str, input: &[&str], keep: usize) -> Record {
        let (stacks, outs, pcs, status) = plain(src, args, input);
        let (record, rstatus, _) = recorded(src, args, input, keep);
        assert_eq!(status, rstatus, "{src}");
        let steps = stacks.len() as u64 - 1;
        assert_eq!(record.steps(), steps, "{src}");
        let head = steps.min(keep as u64);
        let tail_start = (steps + 1 - (steps - head).min(keep as u64)).max(head + 1);
        assert_eq!((record.head_end(), record.tail_start()), (head, tail_start));
        assert_eq!(record.left_out(), tail_start - 1 - head);
        for step in 0..=steps {
            let is_kept = step <= head || step >= tail_start;
            let got = record.stack_at(step);
            if !is_kept && step + 1 != tail_start {
                assert_eq!(got, None, "{src}: step {step}");
                assert_eq!(record.row(step), None);
                continue;
            }
            let got: Vec<_> = got
                .unwrap()
                .iter()
                .map(|e| (e.value.clone(), e.bytes))
                .collect();
            let want: Vec<_> = stacks[step as usize].iter().map(kept).collect();
            assert_eq!(got, want, "{src}: the stack after step {step}");
            if step > 0 && is_kept {
                let row = record.row(step).unwrap();
                assert_eq!(
                    row.output, outs[step as usize],
                    "{src}: output after step {step}"
                );
                assert_eq!(
                    row.pc, pcs[step as usize],
                    "{src}: instruction of step {step}"
                );
            }
        }
        assert_eq!(record.stack_at(steps + 1), None);
        record
    }

    const FIB: &str = include_str!("../../examples/fib.svm");
    const PROGRAMS: &[(&str, &str, &[&str])] = &[
        ("1 2 swap - println", "", &[]),
        ("1 2 3 rot over dup drop + * \"a\" concat print", "", &[]),
        ("\"é\" println true println -12 print 3 0 /", "", &[]),
        (
            "read read concat dup println cast_str print",
            "",
            &["ab", "cd"],
        ),
        ("read println read println", "", &["x"]),
        (
            "0 l: 1 + dup 2 sleep_ms 50 < l end if jmp end: 7 exit",
            "",
            &[],
        ),
        ("1 2 3 5 10", "\"arg\" 4", &[]),
        ("\"0123456789\" l: dup concat dup println l jmp", "", &[]),
    ];

    #[test]
    fn every_kept_step_is_the_plain_run() {
        for &(src, args, input) in PROGRAMS {
            for keep in [1, 2, 3, 10, 10_000] {
                check(src, args, input, keep);
            }
        }
        // Longer than twice the window: the edges of both parts.
        for keep in [5, 100, 1000] {
            let r = check(FIB, "10", &[], keep);
            assert!(r.left_out() > 0);
        }
    }

    #[test]
    fn origins_follow_moved_values() {
        let (r, _, _) = recorded("1 2 3 rot swap dup over", "9", &[], 100);
        let origins = |step| -> Vec<(String, u64)> {
            r.stack_at(step)
                .unwrap()
                .iter()
                .map(|e| (e.value.to_string(), e.step))
                .collect()
        };
        let owned = |v: &[(&str, u64)]| {
            v.iter()
                .map(|(s, n)| (s.to_string(), *n))
                .collect::<Vec<_>>()
        };
        assert_eq!(origins(3), owned(&[("9", 0), ("1", 1), ("2", 2), ("3", 3)]));
        // rot: ( 1 2 3 -- 2 3 1 ), each keeps the step that pushed it.
        assert_eq!(origins(4), owned(&[("9", 0), ("2", 2), ("3", 3), ("1", 1)]));
        assert_eq!(origins(5), owned(&[("9", 0), ("2", 2), ("1", 1), ("3", 3)]));
        // dup and over push a copy, pushed by them.
        assert_eq!(
            origins(7),
            owned(&[("9", 0), ("2", 2), ("1", 1), ("3", 3), ("3", 6), ("3", 7)])
        );
        assert_eq!(r.row(6).unwrap().pushed[0].pc, Some(5));
        assert_eq!(r.stack_at(0).unwrap()[0].pc, None);
        // The last step of each instruction, also of those left out.
        let (r, _, _) = recorded("0 l: 1 + dup 3 < l end if jmp end: 5", "", &[], 1);
        // `0`, then three rounds of the nine instructions of the loop, then `5`.
        assert_eq!(r.last_steps(), [1, 20, 21, 22, 23, 24, 25, 26, 27, 28, 29]);
        assert_eq!(
            (r.last_step(0), r.last_step(1), r.last_step(99)),
            (Some(1), Some(20), None)
        );
    }

    #[test]
    fn long_strings_are_cut_with_their_size() {
        let (r, status, _) = recorded("\"x\" l: dup concat l jmp", "", &[], 50);
        assert!(matches!(status, Status::Failed(_)));
        let top = r.stack_at(r.steps()).unwrap().pop().unwrap();
        assert_eq!(top.bytes, 16 << 20);
        assert!(top.is_cut());
        let text = |t: String| Value::Str(Arc::from(t.as_str()));
        assert_eq!(top.value, text("x".repeat(CUT_BYTES)));
        let short = Entry::new(text("é".repeat(CUT_BYTES / 2)), 0, None);
        assert!(!short.is_cut());
        // Cut at the start of a character.
        let long = Entry::new(text("xé".repeat(CUT_BYTES)), 0, None);
        assert_eq!((long.is_cut(), long.bytes), (true, 3 * CUT_BYTES));
        // 85 times "xé" is 255 bytes, and "x" the 256th; "é" would go past.
        assert_eq!(long.value, text("xé".repeat(CUT_BYTES / 3) + "x"));
    }
}
