//! A label's function: a `loop` around a `br_table` over its blocks, and each block's
//! code: the block runner's checks before it runs, its inputs loaded, its operations
//! ([`lower`](super::lower)), its results stored and its exit ([`exits`](super::exits)).

use alloc::format;
use alloc::string::String;
use alloc::vec::Vec;
use core::ops::Range;

use super::cache::Cache;
use super::exits::{exit, leave_at, set_depth, spend, stop_at, stop_short_of, Scope};
use super::layout::{
    global, label_local_names, label_local_types, local, tag, tag_local, Local, WindowSlot,
    LABEL_PARAMS, LABEL_RESULTS,
};
use super::lower::op;
use super::module::Function;
use super::order::Order;
use super::strings::string_checks;
use super::wasm::{Body, Global, Ins, Label};
use super::{MAX_BR_TABLE, NEEDS_FRAMES, NEEDS_STACK, STOPPED};
use crate::block::{Block, WINDOW};
use crate::program::Program;

/// A label's function as made, and the blocks compiled and string-checked among its
/// blocks.
pub(super) struct LabelFunction {
    /// The function, its name left empty.
    pub(super) function: Function,
    /// Its blocks compiled (the others stop for the block runner).
    pub(super) compiled: u32,
    /// Its blocks compiled that check their inputs are not strings.
    pub(super) checked: u32,
}

/// A label's function: runs its blocks from the one in its first parameter while the
/// next is one of them, the machine's registers in its parameters; returns the next
/// block's index, or a status (negative), and the registers.
///
/// `blocks` are the module's indexes of its blocks; `functions` the first block of each
/// label's function (for the direct calls it makes); `names` the module's functions';
/// with `text`, its text is made too. Its name is left empty.
pub(super) fn label_function(
    p: &Program,
    order: &Order,
    blocks: Range<u32>,
    functions: &[u32],
    names: &[String],
    text: bool,
) -> LabelFunction {
    // Locals for the slots of the widest window of its blocks.
    let window = blocks
        .clone()
        .map(|g| p.blocks[order.block(g) as usize].window)
        .max()
        .unwrap_or(0)
        .min(WINDOW as u16);
    let local_names = if text {
        label_local_names(window)
    } else {
        Vec::new()
    };
    let mut f = Body::new(text.then(|| (local_names.clone(), names)));
    f.extend([Ins::I32Const(STOPPED), local::NEXT.set()]);
    let leave = f.label("leave");
    let dispatch = f.label("dispatch");
    f.push(Ins::Block(leave));
    f.push(Ins::Loop(dispatch));
    let arms: Vec<Label> = blocks
        .clone()
        .map(|g| f.label(&format!("block{g}_")))
        .collect();
    for &a in arms.iter().rev() {
        f.push(Ins::Block(a));
    }
    // (At most `MAX_FUNCTION_BLOCKS` arms: one table.)
    debug_assert!(arms.len() <= MAX_BR_TABLE);
    f.extend([
        local::BLOCK.get(),
        Ins::I32Const(blocks.start as i32),
        Ins::I32Sub,
        Ins::BrTable(arms.clone(), leave),
    ]);
    let (mut compiled, mut checked) = (0, 0);
    for g in blocks.clone() {
        f.push(Ins::End);
        let i = order.block(g);
        let b = &p.blocks[i as usize];
        let start = order.start(i);
        let mut scope = Scope {
            order,
            index: i,
            leave,
            dispatch,
            stop: 0,
            round: 0,
            blocks: blocks.clone(),
            program: p,
            functions,
            arms: &arms,
            at: g,
        };
        match string_checks(b) {
            Some(inputs) => {
                compiled += 1;
                checked += u32::from(!inputs.is_empty());
                block_code(&mut f, &mut scope, b, start, &inputs);
            }
            None => stop_at(&mut f, &scope, start),
        }
    }
    f.extend([Ins::End, Ins::End]);
    f.extend([
        local::NEXT.get(),
        local::SP.get(),
        local::FRAME_COUNT.get(),
        local::LEFT.get(),
        local::PC.get(),
    ]);
    let (code, text) = f.finish();
    LabelFunction {
        function: Function {
            name: String::new(),
            export: None,
            params: &LABEL_PARAMS,
            results: &LABEL_RESULTS,
            locals: label_local_types(window),
            local_names,
            code,
            text,
        },
        compiled,
        checked,
    }
}

/// Pushes whether local `l` plus `n` is more than global `limit` (an `i32`).
fn beyond(f: &mut Body, l: Local, n: u16, limit: Global) {
    f.extend([
        l.get(),
        Ins::I32Const(i32::from(n)),
        Ins::I32Add,
        limit.get(),
        Ins::I32GtU,
    ]);
}

/// The code of block `b` (the program's block `index`, starting at `start`).
///
/// Slots live in locals while the block runs (a tag and a bits local each, see [`Cache`]): its
/// inputs are loaded once, operations work on locals, and the slots below the depth it
/// leaves are stored when it leaves (by its exit or a side exit). A failed check
/// leaves the stack's storage as the block found it, as the block runner does; a loop
/// block stores its results at the end of each round and keeps its inputs in locals
/// for the next.
fn block_code(f: &mut Body, scope: &mut Scope, b: &Block, start: u32, strings: &[WindowSlot]) {
    let stop = f.label("stop");
    scope.stop = stop;
    f.push(Ins::Block(stop));
    // The checks of `Regs::run`, in its order; when one fails, the machine stays here.
    stop_short_of(f, b.budget, stop);
    f.extend([
        local::SP.get(),
        Ins::I32Const(i32::from(b.need)),
        Ins::I32LtU,
        Ins::BrIf(stop),
    ]);
    beyond(f, local::SP, b.room, global::MAX_STACK);
    f.push(Ins::BrIf(stop));
    if b.frames_min > 0 {
        f.extend([
            local::FRAME_COUNT.get(),
            Ins::I32Const(i32::from(b.frames_min)),
            Ins::I32LtU,
            Ins::BrIf(stop),
        ]);
    }
    beyond(f, local::FRAME_COUNT, b.frames_room, global::MAX_CALLS);
    f.extend([
        Ins::BrIf(stop),
        local::SP.get(),
        Ins::I32Const(i32::from(b.need)),
        Ins::I32Sub,
        local::BASE.set(),
    ]);
    beyond(f, local::BASE, WINDOW as u16, global::STACK_LEN);
    let grow = f.label("more_stack");
    f.push(Ins::If(grow));
    leave_at(f, scope, start, NEEDS_STACK);
    f.push(Ins::End);
    if b.frames_room > 0 {
        let grow = f.label("more_frames");
        beyond(f, local::FRAME_COUNT, b.frames_room, global::FRAMES_CAP);
        f.push(Ins::If(grow));
        leave_at(f, scope, start, NEEDS_FRAMES);
        f.push(Ins::End);
    }
    f.extend([
        global::TAGS.get(),
        local::BASE.get(),
        Ins::I32Add,
        local::WINDOW_TAGS.set(),
        global::BITS.get(),
        local::BASE.get(),
        // (Eight bytes a slot.)
        Ins::I32Const(3),
        Ins::I32Shl,
        Ins::I32Add,
        local::WINDOW_BITS.set(),
    ]);
    let mut cache = Cache::new();
    for s in 0..b.need {
        cache.load(f, s);
    }
    let round = f.label("round");
    scope.round = round;
    f.push(Ins::Loop(round));
    // The inputs that `==` compares are not strings.
    for &s in strings {
        f.extend([
            Ins::LocalGet(tag_local(s)),
            Ins::I32Const(tag::STRING_BIT),
            Ins::I32And,
            Ins::BrIf(stop),
        ]);
    }
    for &m in b.ops.iter() {
        op(f, scope, &mut cache, b, m);
    }
    // Every operation ran: the results are stored, then the depth, the count, the exit.
    cache.flush(f, b.out);
    set_depth(f, b.out);
    spend(f, u64::from(b.steps));
    exit(f, scope, &cache, b);
    f.push(Ins::End); // round
    f.push(Ins::End); // stop
    stop_at(f, scope, start);
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::asm::compile;
    use alloc::vec;

    /// The function of all the blocks of `src`, with its text.
    fn made(src: &str) -> LabelFunction {
        let p = compile(src).unwrap();
        let order = Order::new(&p);
        let names: Vec<String> = vec!["at".into(), "run".into()];
        label_function(&p, &order, 0..order.len() as u32, &[0], &names, true)
    }

    #[test]
    fn a_block_comparing_its_inputs_checks_they_are_not_strings() {
        let m = made("over over == swap drop swap drop println");
        assert_eq!((m.compiled, m.checked), (1, 1));
        let lines: Vec<&str> = m.function.text.lines().map(str::trim).collect();
        let bit = format!("i32.const {}", tag::STRING_BIT);
        for t in ["local.get $t0", "local.get $t1"] {
            let check = [t, bit.as_str(), "i32.and", "br_if $stop3"];
            assert!(lines.windows(4).any(|w| w == check), "{t}");
        }
    }

    #[test]
    fn a_block_comparing_a_string_is_left_to_the_block_runner() {
        let m = made("read dup \"\" == println");
        assert_eq!((m.compiled, m.checked), (0, 0));
        assert!(!m.function.text.contains("i64.eq"));
    }

    #[test]
    fn the_locals_are_those_of_the_widest_window() {
        let m = made("+ + + + println");
        let window = (m.function.locals.len() - (local::ALL.len() - LABEL_PARAMS.len())) / 2;
        assert!(window >= 5, "{window}");
        assert_eq!(
            m.function.local_names.len(),
            m.function.locals.len() + LABEL_PARAMS.len()
        );
        assert_eq!(m.function.locals, label_local_types(window as u16));
    }
}
