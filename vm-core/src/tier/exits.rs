//! How a block's code leaves: to another block (in its function, straight to a later
//! one, or by returning its index to `run`), for another round of a loop block, by a
//! side exit, by a call (pushing frames: a direct call of the function of the block it
//! goes to, which comes back when those frames are popped) or a return (popping frames,
//! back to a direct caller or through `at` to where a return leads), or stopped at the
//! block's start for the block runner; and the budget spent on the way.

use core::ops::Range;

use super::cache::Cache;
use super::layout::{frame_fields, function, global, local, WindowSlot, FRAME_RET, FRAME_SIZE};
use super::order::Order;
use super::wasm::{Body, Ins, Label};
use super::{MAX_DIRECT_DEPTH, RETURNED, STOPPED};
use crate::block::{Block, Exit, Put, Side, Target};
use crate::frame::Frame;
use crate::ops::Op;
use crate::program::{Instr, Program};

/// Where a block's code may branch: the labels of the function and of the block, and
/// the block itself.
pub(super) struct Scope<'a> {
    /// The module's order of blocks.
    pub(super) order: &'a Order,
    /// The program's index of the block.
    pub(super) index: u32,
    /// Leaves the function, returning `local::NEXT`.
    pub(super) leave: Label,
    /// Runs the block whose index is in `local::BLOCK`.
    pub(super) dispatch: Label,
    /// Stops at the block's start (a check failed).
    pub(super) stop: Label,
    /// Goes round a loop block again, without the entry checks.
    pub(super) round: Label,
    /// The module's indexes of the blocks this function runs.
    pub(super) blocks: Range<u32>,
    /// The program.
    pub(super) program: &'a Program,
    /// The module's index of the first block of each label's function, in order (the
    /// function that runs a block, for a direct call).
    pub(super) functions: &'a [u32],
    /// The labels of the `block`s that end just before each block's code, by the
    /// module's index less `blocks.start`: a branch to one from an earlier block's code
    /// goes straight to that block, without the dispatch (empty: always the dispatch).
    pub(super) arms: &'a [Label],
    /// The module's index of the block.
    pub(super) at: u32,
}

impl Scope<'_> {
    /// The module's index of the function that runs the module's block `g`.
    fn function_of(&self, g: u32) -> u32 {
        let k = self.functions.partition_point(|&first| first <= g);
        function::FIRST_LABEL + k.saturating_sub(1) as u32
    }
}

/// Leaves the function stopped at instruction `pc`.
pub(super) fn stop_at(f: &mut Body, scope: &Scope, pc: u32) {
    leave_at(f, scope, pc, STOPPED);
}

/// Leaves the function at instruction `pc` with `status` (stopped, or asking the host
/// for more room).
pub(super) fn leave_at(f: &mut Body, scope: &Scope, pc: u32, status: i32) {
    f.extend([
        Ins::I32Const(pc as i32),
        local::PC.set(),
        Ins::I32Const(status),
        local::NEXT.set(),
        Ins::Br(scope.leave),
    ]);
}

/// Goes to instruction `pc`, where block `block` starts (or none).
pub(super) fn goto(f: &mut Body, scope: &Scope, pc: u32, block: u32) {
    let g = scope.order.module_index(block);
    if g < 0 {
        stop_at(f, scope, pc);
    } else if scope.blocks.contains(&(g as u32)) && g as u32 > scope.at && !scope.arms.is_empty() {
        // A later block of this function: its code follows the end of its `block`, which
        // is around this one's.
        f.push(Ins::Br(
            scope.arms[(g as u32 - scope.blocks.start) as usize],
        ));
    } else if scope.blocks.contains(&(g as u32)) {
        f.extend([
            Ins::I32Const(g),
            local::BLOCK.set(),
            Ins::Br(scope.dispatch),
        ]);
    } else {
        f.extend([Ins::I32Const(g), local::NEXT.set(), Ins::Br(scope.leave)]);
    }
}

/// Goes to the instruction in `local::PC`: runs the `return`s there while there are frames and
/// budget (as `Regs::ret_chain`), then goes to the block where that leads, if any.
///
/// In a function called by a direct call, once the call's frame is popped (fewer frames
/// than `local::RETURN_BELOW`) it returns [`RETURNED`] to its caller instead, the
/// machine at the instruction that frame returned to: the caller goes on from there.
pub(super) fn return_chain(f: &mut Body, scope: &Scope) {
    let chain = f.label("returns");
    let returned = f.label("returned");
    let is_ret = f.label("is_return");
    let can = f.label("can_return");
    f.extend([
        Ins::Loop(chain),
        local::FRAME_COUNT.get(),
        local::RETURN_BELOW.get(),
        Ins::I32LtU,
        Ins::If(returned),
        Ins::I32Const(RETURNED),
        local::NEXT.set(),
        Ins::Br(scope.leave),
        Ins::End,
        local::PC.get(),
        Ins::Call(function::AT),
        local::AT_VALUE.tee(),
        Ins::I32Const(1),
        Ins::I32And,
        Ins::If(is_ret),
        local::LEFT.get(),
        Ins::I64Eqz,
        Ins::I32Eqz,
        local::FRAME_COUNT.get(),
        Ins::I32Eqz,
        Ins::I32Eqz,
        Ins::I32And,
        Ins::If(can),
    ]);
    pop_frame(f);
    f.extend([
        local::LEFT.get(),
        Ins::I64Const(1),
        Ins::I64Sub,
        local::LEFT.set(),
        Ins::Br(chain),
        Ins::End,
        Ins::End,
        Ins::End,
        // The block there, in this function or another, or none (-1: stopped there).
        local::AT_VALUE.get(),
        Ins::I32Const(1),
        Ins::I32ShrS,
        local::BLOCK.tee(),
        Ins::I32Const(scope.blocks.start as i32),
        Ins::I32Sub,
        Ins::I32Const(scope.blocks.len() as i32),
        Ins::I32LtU,
        Ins::BrIf(scope.dispatch),
        local::BLOCK.get(),
        local::NEXT.set(),
        Ins::Br(scope.leave),
    ]);
}

/// Pops a frame: `local::PC` is where it returns to.
pub(super) fn pop_frame(f: &mut Body) {
    f.extend([
        local::FRAME_COUNT.get(),
        Ins::I32Const(1),
        Ins::I32Sub,
        local::FRAME_COUNT.tee(),
        Ins::I32Const(FRAME_SIZE as i32),
        Ins::I32Mul,
        global::FRAMES.get(),
        Ins::I32Add,
        Ins::I32Load(FRAME_RET),
        local::PC.set(),
    ]);
}

/// Pushes these frames.
pub(super) fn push_frames(f: &mut Body, frames: &[Frame]) {
    if frames.is_empty() {
        return;
    }
    f.extend([
        local::FRAME_COUNT.get(),
        Ins::I32Const(FRAME_SIZE as i32),
        Ins::I32Mul,
        global::FRAMES.get(),
        Ins::I32Add,
        local::FRAME_ADDRESS.set(),
    ]);
    for (j, frame) in frames.iter().enumerate() {
        let at = j as u32 * FRAME_SIZE;
        for (offset, value) in frame_fields(frame) {
            f.extend([
                local::FRAME_ADDRESS.get(),
                Ins::I32Const(value as i32),
                Ins::I32Store(at + offset),
            ]);
        }
    }
    f.extend([
        local::FRAME_COUNT.get(),
        Ins::I32Const(frames.len() as i32),
        Ins::I32Add,
        local::FRAME_COUNT.set(),
    ]);
}

/// Spends `steps` of the budget.
pub(super) fn spend(f: &mut Body, steps: u64) {
    f.extend([
        local::LEFT.get(),
        Ins::I64Const(steps as i64),
        Ins::I64Sub,
        local::LEFT.set(),
    ]);
}

/// Sets the depth to `out` slots above the window's base.
pub(super) fn set_depth(f: &mut Body, out: u16) {
    f.extend([
        local::BASE.get(),
        Ins::I32Const(i32::from(out)),
        Ins::I32Add,
        local::SP.set(),
    ]);
}

/// Branches to `stop` when the budget has less left than `steps`.
pub(super) fn stop_short_of(f: &mut Body, steps: u16, stop: Label) {
    f.extend([
        local::LEFT.get(),
        Ins::I64Const(i64::from(steps)),
        Ins::I64LtU,
        Ins::BrIf(stop),
    ]);
}

/// Leaves by side exit `side` (from the guard whose cache is `cache`).
pub(super) fn side_exit(f: &mut Body, scope: &Scope, cache: &Cache, side: &Side) {
    let mut c = cache.clone();
    for &p in side.puts.iter() {
        match p {
            Put::Move(d, s) => c.copy(f, d, s),
            Put::Lit(d, l) => c.literal(f, d, l),
        }
    }
    c.flush(f, side.out);
    spend(f, u64::from(side.steps));
    set_depth(f, side.out);
    goto(f, scope, side.pc, side.block);
}

/// Calls `to` from the `call` at `call`: pushes the block's frames and the call's, and
/// goes there (as the block runner's `call`), as [`push_and_go`].
pub(super) fn call_to(f: &mut Body, scope: &Scope, b: &Block, call: u32, to: Target) {
    let mut frames = b.pushes.to_vec();
    frames.push(Frame::of_call(call, to.addr));
    push_and_go(f, scope, &frames, to.pc, to.block);
}

/// Pushes `frames` and goes to instruction `pc`, where block `block` starts (or none):
/// when there are frames and a block, by a direct call of the function that runs it
/// while fewer than [`MAX_DIRECT_DEPTH`] are under way (it comes back when the last
/// frame is popped), else as [`goto`].
pub(super) fn push_and_go(f: &mut Body, scope: &Scope, frames: &[Frame], pc: u32, block: u32) {
    push_frames(f, frames);
    let g = scope.order.module_index(block);
    if frames.is_empty() || g < 0 {
        goto(f, scope, pc, block);
        return;
    }
    let direct = f.label("direct");
    f.extend([
        local::DEPTH.get(),
        Ins::I32Const(MAX_DIRECT_DEPTH as i32),
        Ins::I32LtU,
        Ins::If(direct),
    ]);
    direct_call(f, scope, g as u32, frames);
    f.push(Ins::Else);
    goto(f, scope, pc, block);
    f.push(Ins::End);
}

/// Calls the function of the module's block `g`, `frames` pushed, with the registers:
/// it runs from that block until the last frame is popped (it returns [`RETURNED`]),
/// and this function goes on, with the registers it returned, from where the frame
/// returned to (see [`returned_to`]). Anything else it returns (a block of another
/// function, a status) this function returns too, with the registers as it left them.
fn direct_call(f: &mut Body, scope: &Scope, g: u32, frames: &[Frame]) {
    f.extend([
        Ins::I32Const(g as i32),
        local::FRAME_COUNT.get(),
        local::DEPTH.get(),
        Ins::I32Const(1),
        Ins::I32Add,
        local::SP.get(),
        local::FRAME_COUNT.get(),
        local::LEFT.get(),
        local::PC.get(),
        Ins::Call(scope.function_of(g)),
        local::PC.set(),
        local::LEFT.set(),
        local::FRAME_COUNT.set(),
        local::SP.set(),
        local::NEXT.tee(),
        Ins::I32Const(RETURNED),
        Ins::I32Ne,
        Ins::BrIf(scope.leave),
    ]);
    returned_to(f, scope, frames);
    return_chain(f, scope);
}

/// Where a direct call's last frame (of `frames`, pushed for it) returned: when it is
/// the address that frame holds (it always is: only this function pushed it, but it
/// is checked), straight on to the block there, or (a `return` there, and a frame of
/// `frames` under it) that `return` run as [`return_chain`] runs one, when the budget
/// has a step for it, and on again from where it leads; falls through otherwise.
fn returned_to(f: &mut Body, scope: &Scope, frames: &[Frame]) {
    returned_to_from(f, scope, frames, false);
}

/// [`returned_to`], `known` when the position is known to be the last frame's return
/// address (set by the `return` just run in place).
fn returned_to_from(f: &mut Body, scope: &Scope, frames: &[Frame], known: bool) {
    let Some((last, under)) = frames.split_last() else {
        return;
    };
    let p = scope.program;
    let ret = last.ret;
    let returns = matches!(p.code.get(ret as usize), Some(Instr::Op(Op::Return)));
    let plain = (ret as usize) < p.dispatch.len() && !returns;
    if !plain && (!returns || under.is_empty()) {
        return;
    }
    let expected = f.label("expected");
    let there = [
        local::PC.get(),
        Ins::I32Const(ret as i32),
        Ins::I32Sub,
        Ins::I32Eqz,
    ];
    if plain {
        if known {
            goto(f, scope, ret, p.block_at(ret as usize));
            return;
        }
        f.extend(there);
        f.push(Ins::If(expected));
        goto(f, scope, ret, p.block_at(ret as usize));
        f.push(Ins::End);
        return;
    }
    // A `return` there: it pops the frame under (pushed here, untouched since), when
    // the budget has a step for it.
    f.extend([local::LEFT.get(), Ins::I64Eqz, Ins::I32Eqz]);
    if !known {
        f.extend(there);
        f.push(Ins::I32And);
    }
    f.extend([
        Ins::If(expected),
        local::FRAME_COUNT.get(),
        Ins::I32Const(1),
        Ins::I32Sub,
        local::FRAME_COUNT.set(),
        local::LEFT.get(),
        Ins::I64Const(1),
        Ins::I64Sub,
        local::LEFT.set(),
        Ins::I32Const(under[under.len() - 1].ret as i32),
        local::PC.set(),
    ]);
    returned_to_from(f, scope, under, true);
    f.push(Ins::End);
}

/// Goes where a target of the block's exit says (with the block's frames pushed
/// first, and the call's frame for a call).
pub(super) fn go(
    f: &mut Body,
    scope: &Scope,
    cache: &Cache,
    b: &Block,
    to: Target,
    call: Option<u32>,
) {
    if let Some(call) = call {
        if to.returns_at_once {
            // As `Regs::run` for a conditional call to a bare `return` (only those
            // know where the machine is after it: `after`).
            spend(f, 1 + u64::from(to.pops));
            let keep = b.pushes.len().saturating_sub(to.pops as usize);
            push_frames(f, b.pushes.get(..keep).unwrap_or_default());
            if to.after_returns {
                f.extend([Ins::I32Const(to.after as i32), local::PC.set()]);
                return_chain(f, scope);
            } else {
                goto(f, scope, to.after, to.after_block);
            }
            return;
        }
        call_to(f, scope, b, call, to);
        return;
    }
    let same_window = to.block == scope.index && b.out == b.need && b.pushes.is_empty();
    if same_window {
        // Another round of the same block, on the same window: only the budget is
        // checked (the other checks passed for this round and hold again). Its inputs
        // are in their locals, as for the first round.
        cache.round_inputs(f, b.need);
        stop_short_of(f, b.budget, scope.stop);
        f.push(Ins::Br(scope.round));
    } else {
        push_and_go(f, scope, &b.pushes, to.pc, to.block);
    }
}

/// Branches on the boolean in slot `c`: `t` when true, `e` when false.
pub(super) fn branch(
    f: &mut Body,
    cache: &Cache,
    c: WindowSlot,
    mut t: impl FnMut(&mut Body),
    mut e: impl FnMut(&mut Body),
) {
    let l = f.label("cond");
    f.push(Ins::LocalGet(cache.bits(c)));
    f.extend([Ins::I64Eqz, Ins::I32Eqz, Ins::If(l)]);
    t(f);
    f.push(Ins::Else);
    e(f);
    f.push(Ins::End);
}

/// Leaves by the block's exit, with its results stored (as `cache` says).
pub(super) fn exit(f: &mut Body, scope: &Scope, cache: &Cache, b: &Block) {
    match b.exit {
        Exit::Next { pc, block } => push_and_go(f, scope, &b.pushes, pc, block),
        Exit::JumpIf { c, t, f: e } => branch(
            f,
            cache,
            c,
            |f| go(f, scope, cache, b, t, None),
            |f| go(f, scope, cache, b, e, None),
        ),
        Exit::Loop(l) => branch(
            f,
            cache,
            l.c,
            |f| go(f, scope, cache, b, l.t, None),
            |f| go(f, scope, cache, b, l.f, None),
        ),
        // An unconditional call always pushes its frame, even to a bare `return`
        // (only a conditional call knows where the machine is after one: `after`).
        Exit::Call { call, to } => call_to(f, scope, b, call, to),
        Exit::CallIf { call, c, t, f: e } => branch(
            f,
            cache,
            c,
            |f| go(f, scope, cache, b, t, Some(call)),
            |f| go(f, scope, cache, b, e, Some(call)),
        ),
        Exit::Return => {
            pop_frame(f);
            return_chain(f, scope);
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::asm::compile;
    use crate::block::NO_BLOCK;
    use crate::block::WINDOW;
    use crate::tier::layout::label_local_names;
    use alloc::string::{String, ToString};
    use alloc::vec;
    use alloc::vec::Vec;

    /// The text of what `write` writes in a scope running the module's first block
    /// (of three), a line an instruction, after the scope's labels are opened
    /// (`$leave0`, `$dispatch1`, `$stop2`, `$round3`).
    fn written(write: impl FnOnce(&mut Body, &Scope)) -> Vec<String> {
        let p = compile("1 2 + a: 3 + 4 + b: 5 + println").unwrap();
        let order = Order::new(&p);
        assert_eq!(order.len(), 3);
        let names: Vec<String> = vec!["at".into(), "run".into()];
        let mut f = Body::new(Some((label_local_names(WINDOW as u16), &names)));
        let (leave, dispatch) = (f.label("leave"), f.label("dispatch"));
        let (stop, round) = (f.label("stop"), f.label("round"));
        f.extend([
            Ins::Block(leave),
            Ins::Loop(dispatch),
            Ins::Block(stop),
            Ins::Loop(round),
        ]);
        let scope = Scope {
            order: &order,
            index: order.block(0),
            leave,
            dispatch,
            stop,
            round,
            blocks: 0..1,
            program: &p,
            functions: &[0, 1, 2],
            arms: &[],
            at: 0,
        };
        write(&mut f, &scope);
        let (_, text) = f.finish();
        text.lines().skip(4).map(|l| l.trim().to_string()).collect()
    }

    #[test]
    fn a_block_of_this_function_is_dispatched_another_returned() {
        let code = written(|f, scope| {
            let (here, there) = (scope.order.block(0), scope.order.block(2));
            goto(f, scope, 0, here);
            goto(f, scope, 9, there);
            goto(f, scope, 12, NO_BLOCK);
        });
        let expected = [
            "i32.const 0",
            "local.set $block",
            "br $dispatch1",
            "i32.const 2",
            "local.set $ret",
            "br $leave0",
            "i32.const 12",
            "local.set $pc",
            "i32.const -1",
            "local.set $ret",
            "br $leave0",
        ];
        assert_eq!(code, expected);
    }

    #[test]
    fn frames_are_pushed_field_by_field() {
        let code = written(|f, _| push_frames(f, &[Frame::of_call(3, 9), Frame::of_call(5, 1)]));
        let expected = [
            "local.get $nframes",
            "i32.const 12",
            "i32.mul",
            "global.get $frames",
            "i32.add",
            "local.set $frame",
            "local.get $frame",
            "i32.const 4",
            "i32.store",
            "local.get $frame",
            "i32.const 3",
            "i32.store offset=4",
            "local.get $frame",
            "i32.const 9",
            "i32.store offset=8",
            "local.get $frame",
            "i32.const 6",
            "i32.store offset=12",
            "local.get $frame",
            "i32.const 5",
            "i32.store offset=16",
            "local.get $frame",
            "i32.const 1",
            "i32.store offset=20",
            "local.get $nframes",
            "i32.const 2",
            "i32.add",
            "local.set $nframes",
        ];
        assert_eq!(code, expected);
        assert!(written(|f, _| push_frames(f, &[])).is_empty());
    }

    #[test]
    fn a_popped_frame_gives_its_return_address() {
        let code = written(|f, _| pop_frame(f));
        let load = code.iter().position(|l| l.starts_with("i32.load")).unwrap();
        // The first field: no offset.
        assert_eq!(code[load], "i32.load");
        assert_eq!(code[load + 1], "local.set $pc");
        assert!(code.contains(&"local.tee $nframes".to_string()));
    }
}
