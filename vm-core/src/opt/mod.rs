//! The optimizer: runs of instructions compiled into blocks.
//!
//! A block is a trace: the instructions a program runs from an entry point (the start,
//! a label, the instruction after a `call` or after an instruction the optimizer leaves
//! alone), following `label call`, `label jmp`, and a `return` from a call made in the
//! same trace, up to a conditional `call` or `jmp` (`then else if call`), a `return` to
//! a caller outside the trace, a call or jump to a computed address, an instruction the
//! optimizer leaves alone (input and output, string making, `stop`, `exit`), a place the
//! trace has already been, or 64 instructions. The optimizer runs the trace once on an
//! abstract stack: literals become immediate operands, `dup`, `drop`, `swap`, `over` and
//! `rot` become renamings, `not` before `if` swaps the branches, `if` between two labels
//! before `call` or `jmp` becomes a conditional branch, a call followed in the trace is
//! a frame to push (or nothing, when the trace also returns from it), and what is left
//! is a short list of micro-operations on slots of a window of the stack, then the
//! moves that put the results in place. Results computed after the last operation that
//! checks something are written in place directly (see `Builder::home_below_top`). A
//! conditional call to a bare `return`, followed by `return`s that pop frames the trace
//! pushed (fib's base case, reached from its recursive calls), is resolved when the
//! block is built: the machine goes on where those returns lead, with no frame pushed.
//! A block whose conditional jump goes back to its own start and that leaves the
//! stack's depth and the call frames as it found them (a counted loop's body) is a
//! loop ([`Exit::Loop`]): the runner repeats it checking only the step budget between
//! rounds, since the limits and the window checked for the first round hold for the
//! next.
//!
//! A trace that ends at a conditional jump goes on past it when that makes such a loop
//! (`trace.rs`, `go_on`): along a branch that stays inside the loops around the jump
//! (static ranges from a target to a jump back to it), up to four jumps deep, until it
//! comes back to its start with the depth and the frames as it found them. Each jump
//! gone past is a guard ([`Micro::Guard`](crate::block::Micro), or `GuardEq` for an
//! `==` or `!=` with a number that nothing else reads), and its other branch a side
//! exit ([`Side`](crate::block::Side)): the moves and literals that put the stack as
//! the plain instructions have it at the jump, the steps up to there, and where it
//! goes. A result is written over an input before the last operation that can fail
//! only when no later side exit reads that input. Collatz's body (`step`, then `even`
//! or `odd`, then back) is then two loop blocks, `even` and `odd`, each with the other
//! as the exit of its loop and the end of the inner loop as a side exit; the runner
//! goes from one to the other without leaving its loop (`Block::chain`).
//!
//! A block stands for its instructions exactly. The machine runs it only when the
//! whole run is certain to do what the plain instructions would: enough step budget,
//! enough values on the stack and room for what the instructions push, room for the
//! call frames, a frame to return to; and each operation checks its operands' types
//! and its result (overflow, division by zero) before anything is written where the
//! program can see it. When any check fails, the machine runs the plain instruction at
//! the block's start instead, which then behaves (and fails) exactly as without the
//! optimizer. Output, errors, positions, stack traces and step counts are therefore the
//! same either way; `vm-core/tests/differential.rs` checks it.
//!
//! The optimized stream has one entry per instruction, indexed like the plain code: a
//! block sits at its entry point, and every other position keeps its plain instruction,
//! so a jump into the middle of a block (a numeric address) and the fallback both land
//! on plain instructions.
//!
//! The optimizer, one idea a file: `stack.rs` is the abstract stack a trace runs on
//! (symbolic execution: what is known of each value, the symbolic slots, the micro
//! operations made so far); `rules.rs` the named rewrite rules of the pure operations
//! (folding, immediate operands, negations and choices not computed yet, renamings),
//! each with its unit test; `trace.rs` trace selection (which instructions a block
//! stands for, the calls followed, going on past a conditional jump to make a loop);
//! `place.rs` lays the result out in the block's window (where each result and
//! temporary lives, and the parallel moves that put results in place). The format of
//! what they make is [`crate::block`]; `svm --disasm --blocks` prints it.

mod place;
mod rules;
mod stack;
mod trace;

use alloc::vec;
use alloc::vec::Vec;

use crate::block::{Block, Exit, Loop, NO_BLOCK};
use crate::ops::{Class, Control, Op};
use crate::program::{Code, Instr, Program};
use trace::build;

/// The longest run of instructions one block stands for.
const MAX_BLOCK: usize = 64;

/// Builds the block form of `p`: its blocks, and its dispatch stream with a
/// [`Code::Block`] where each starts.
#[inline(never)]
pub(crate) fn optimize(p: &mut Program) {
    let n = p.code.len();
    let mut dispatch: Vec<Code> = p.code.iter().map(|&i| Code::from(i)).collect();
    // Entry points: the start, labels, numeric addresses before `call` or `jmp`, and
    // the instruction after each instruction that ends a trace.
    let mut entry = vec![false; n + 1];
    entry[0] = true;
    for l in &p.labels {
        if let Some(pc) = p.pc_of(i64::from(l.addr)) {
            entry[pc] = true;
        }
    }
    for (pc, w) in p.code.windows(2).enumerate() {
        if let [Instr::Num(a), Instr::Op(Op::Call | Op::Jmp)] = *w {
            if let Some(t) = p.pc_of(a) {
                entry[t] = true;
            }
        }
        if let Instr::Op(op) = w[0] {
            if ends_entry(op) {
                entry[pc + 1] = true;
            }
        }
    }
    let loops = trace::loops(p);
    let mut blocks = Vec::new();
    let mut work: Vec<usize> = (0..n).rev().filter(|&pc| entry[pc]).collect();
    let mut seen = vec![false; n];
    while let Some(pc) = work.pop() {
        if pc >= n || seen[pc] {
            continue;
        }
        seen[pc] = true;
        let Some(block) = build(p, pc, &loops) else {
            continue;
        };
        // A trace cut short continues at another entry point.
        if let Exit::Next { pc: next, .. } = block.exit {
            work.push(next as usize);
        }
        dispatch[pc] = Code::Block(blocks.len() as u32);
        blocks.push(block);
    }
    // Where the exits go, as blocks.
    let block_at = |pc: u32| match dispatch.get(pc as usize) {
        Some(&Code::Block(i)) => i,
        _ => NO_BLOCK,
    };
    for b in &mut blocks {
        match &mut b.exit {
            Exit::Next { pc, block } => *block = block_at(*pc),
            Exit::JumpIf { t, f, .. } | Exit::CallIf { t, f, .. } => {
                for t in [t, f] {
                    t.block = block_at(t.pc);
                    if t.returns_at_once {
                        t.after_block = block_at(t.after);
                    }
                }
            }
            Exit::Call { to, .. } => to.block = block_at(to.pc),
            Exit::Loop(_) | Exit::Return => {}
        }
        for side in b.sides.iter_mut() {
            side.block = block_at(side.pc);
        }
    }
    for (i, b) in blocks.iter_mut().enumerate() {
        if let (Some(on), Exit::JumpIf { c, t, f }) = (again(b, i as u32), b.exit) {
            b.exit = Exit::Loop(Loop { c, t, f, on });
        }
    }
    chain_loops(&mut blocks);
    p.dispatch = dispatch;
    p.blocks = blocks;
}

/// Marks the exits and side exits of loop blocks that go to a loop block the runner
/// may go on with at once ([`Block::chain`]), such as Collatz's `even` and `odd`
/// loops, which go from one to the other.
fn chain_loops(blocks: &mut [Block]) {
    let fits = |blocks: &[Block], i: usize, depth: u16, to: u32| {
        blocks
            .get(to as usize)
            .is_some_and(|to| blocks[i].chain(depth, to))
    };
    for i in 0..blocks.len() {
        let out = blocks[i].out;
        if let Exit::Loop(Loop { t, f, .. }) = blocks[i].exit {
            let (tc, fc) = (fits(blocks, i, out, t.block), fits(blocks, i, out, f.block));
            if let Exit::Loop(Loop { t, f, .. }) = &mut blocks[i].exit {
                (t.chain, f.chain) = (tc, fc);
            }
            for k in 0..blocks[i].sides.len() {
                let (depth, to) = (blocks[i].sides[k].out, blocks[i].sides[k].block);
                blocks[i].sides[k].chain = fits(blocks, i, depth, to);
            }
        }
    }
}

/// Is block `b`, number `index`, a loop on its own: a conditional jump back to its
/// start that leaves the depth and the frames as they were? Then which value of the
/// condition goes round again (see [`Exit::Loop`]).
fn again(b: &Block, index: u32) -> Option<bool> {
    let Exit::JumpIf { t, f, .. } = b.exit else {
        return None;
    };
    if b.need != b.out || !b.pushes.is_empty() {
        return None;
    }
    if t.block == index {
        Some(true)
    } else if f.block == index {
        Some(false)
    } else {
        None
    }
}

/// Does the optimizer compile `op` into blocks? (Text and I/O are left to the plain
/// instructions, and so are `stop` and `exit`.)
fn compiled(op: Op) -> bool {
    match op.class() {
        Class::Arithmetic(_) | Class::Comparison(_) | Class::Logic(_) | Class::Stack(_) => true,
        Class::Text(_) | Class::Io(_) => false,
        Class::Control(c) => match c {
            Control::Jmp | Control::Call | Control::Return => true,
            Control::Stop | Control::Exit => false,
        },
    }
}

/// Does `op` end a trace's entry-point search: after it, a new entry point starts
/// (an instruction left alone, or a change of place)?
fn ends_entry(op: Op) -> bool {
    !compiled(op) || matches!(op.class(), Class::Control(_))
}

#[cfg(test)]
mod tests {
    //! What the optimizer makes of small programs, as `svm --disasm --blocks` prints it.
    use crate::asm::compile;
    use crate::block::Exit;
    use crate::disasm::disassemble_blocks;
    use alloc::string::String;

    /// The blocks of `src`, as text.
    fn blocks(src: &str) -> String {
        disassemble_blocks(&compile(src).unwrap())
    }

    const FIB: &str = "fib call println stop
        fib: dup dup 1 == swap 0 == or not recur base if call return
        recur: dup 1 - fib call swap 2 - fib call + return
        base: return";

    #[test]
    fn traces_follow_calls_into_a_conditional_call() {
        let text = blocks(FIB);
        // `recur`: `dup 1 - fib call` and then fib's test, up to its `if call`: 5 + 13
        // steps. `not` swapped the branches; `dup`, `swap` and the literals left no
        // trace. The call to fib is a frame to push; the stack ends as `n n-1`. `base`
        // is a bare return: after it, fib's `return` pops the frame of `fib call` in
        // recur, which the block pushed, and goes on at `swap` (address 25). The
        // budget counts base's `return` and fib's.
        let recur = "\
block 2 at 20 `recur` (3:16): 18 steps (budget 20); reads 1, leaves 2, window 5, room 4, frames 0 to +2
    s1 = s0 - 1
    s2 = s1 == 1
    s3 = s1 == 0
    s4 = s2 or s3
    push frame: call at 24 to 5 `fib`
    if s4 call at 17 to 33 `base` (returns at once, then 1 return, on at 25) else to 20 `recur`
";
        assert!(text.contains(recur), "{text}");
        // Reached from the start, fib's `return` after base's returns to the caller
        // outside the block: the machine runs it.
        assert!(
            text.contains("if s3 call at 17 to 33 `base` (returns at once, on at 18, a return) else to 20 `recur`"),
            "{text}"
        );
        // `+ return`: the sum goes where the first operand was.
        assert!(
            text.ends_with("block 4 at 30 (3:51): 2 steps; reads 2, leaves 1, window 2, frames 1 to +0\n    s0 = s0 + s1\n    return\n"),
            "{text}"
        );
    }

    #[test]
    fn traces_stop_before_what_they_leave_alone() {
        // `1 2 +` is folded: the block only stores two 3s. Output is left to the plain
        // instruction (address 4); what follows is a block again.
        assert_eq!(
            blocks("1 2 + dup println 3 *"),
            "\
; 2 blocks
block 0 at 0 (1:1): 4 steps; reads 0, leaves 2, window 2, room 2
    s0 = 3
    s1 = 3
    next 4
block 1 at 5 (1:19): 2 steps; reads 1, leaves 1, window 1, room 1
    s0 = s0 * 3
    next 7
"
        );
    }

    #[test]
    fn results_after_the_last_check_are_computed_in_place() {
        // `1 +` can overflow: it is the last check, and writes only when it succeeds,
        // so it writes the counter in place; `<` of two numbers cannot fail. The
        // block jumps back to itself and leaves the depth as it was: a loop.
        assert_eq!(
            blocks("0 loop: 1 + dup 10 < loop end if jmp end: println"),
            "\
; 2 blocks
block 0 at 0 (1:1): 10 steps; reads 0, leaves 1, window 1, room 4
    s0 = 1
    next 2
block 1 at 2 `loop` (1:9): 9 steps; reads 1, leaves 1, window 2, room 3
    s0 = s0 + 1
    s1 = s0 < 10
    if s1 jmp 2 `loop` else 12 `end` (a loop: goes round while s1 is true)
"
        );
        // A later check keeps results out of the inputs' slots until it passed; then
        // the moves put them in place.
        assert_eq!(
            blocks("1 + swap 2 <"),
            "\
; 1 block
block 0 at 0 (1:1): 5 steps; reads 2, leaves 2, window 4, room 1
    s2 = s1 + 1
    s3 = s0 < 2
    s0 = s2
    s1 = s3
    next 5
"
        );
    }

    #[test]
    fn a_cycle_of_moves_goes_through_a_spare_slot() {
        // `rot` moves each of three values: a cycle, which needs a fourth slot.
        assert_eq!(
            blocks("rot 1 drop"),
            "\
; 1 block
block 0 at 0 (1:1): 3 steps; reads 3, leaves 3, window 4, room 1
    s3 = s0
    s0 = s1
    s1 = s2
    s2 = s3
    next 3
"
        );
    }

    #[test]
    fn loops_of_one_block_are_marked_to_go_round() {
        let again = |src: &str| -> alloc::vec::Vec<Option<bool>> {
            let p = compile(src).unwrap();
            p.blocks
                .iter()
                .map(|b| match b.exit {
                    Exit::Loop(l) => Some(l.on),
                    _ => None,
                })
                .collect()
        };
        // The loop block jumps back to itself when its condition is true...
        assert_eq!(
            again("0 loop: 1 + dup 10 < loop end if jmp end: println"),
            [None, Some(true)]
        );
        // ...or, with `not` swapping the branches, when it is false.
        assert_eq!(
            again("7 loop: 1 - dup 0 == not loop end if jmp end: println"),
            [None, Some(false)]
        );
        // A round that leaves one more value is not one.
        assert_eq!(
            again("0 loop: 1 + dup dup 10 < loop end if jmp end: println"),
            [None, None]
        );
        // Two conditional jumps in a loop: the trace goes on past the first one (a
        // side exit to `end`), so that each of `a` and `b` starts a loop of one block.
        assert_eq!(
            again("0 a: 1 + dup 10 < b end if jmp b: 1 + dup 20 < a end if jmp end: println"),
            [None, Some(true), Some(true)]
        );
        // A round that pushes a call frame neither.
        assert!(!again(FIB).contains(&Some(true)) && !again(FIB).contains(&Some(false)));
    }

    #[test]
    fn unoptimized_programs_have_no_blocks() {
        let p = compile(FIB).unwrap();
        assert!(!p.blocks.is_empty());
        let plain = p.unoptimized();
        assert_eq!(disassemble_blocks(&plain), "; 0 blocks\n");
        assert!(plain.blocks.is_empty());
        assert_eq!(plain.dispatch.len(), plain.code.len());
    }
}
