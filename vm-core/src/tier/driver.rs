//! The module's two fixed functions, which drive the labels' functions: `run`, the
//! export, which loads the machine's registers, calls the function of each next block
//! and stores the registers back; and `at(pc)`, what starts at each instruction, for
//! the places the machine goes to by a computed address (a `return`). Their dispatches
//! are `br_table`s of at most [`MAX_BR_TABLE`] targets: a larger one is a table of
//! tables.

use alloc::format;
use alloc::string::String;
use alloc::vec;
use alloc::vec::Vec;

use super::layout::{function, global};
use super::module::Function;
use super::order::{Group, Order};
use super::wasm::{Body, Ins, Label, Ty};
use super::{state, MAX_BR_TABLE};
use crate::ops::Op;
use crate::program::{Instr, Program};

/// `run`'s parameters (the addresses of the stack's tags and bits, of the frames, and
/// of the state words) and its local (the next block), by index.
const RUN_LOCALS: [&str; 5] = ["tags", "bits", "frames", "state", "block"];
/// `run`'s parameter `tags`.
const TAGS: u32 = 0;
/// `run`'s parameter `bits`.
const BITS: u32 = 1;
/// `run`'s parameter `frames`.
const FRAMES: u32 = 2;
/// `run`'s parameter `state`.
const STATE: u32 = 3;
/// `run`'s local `block`: the next block's index, or a status when negative.
const BLOCK: u32 = 4;

/// A function of one parameter, `pc`, made by `f`.
fn pc_function(f: Body, text: bool) -> Function {
    let (code, body_text) = f.finish();
    Function {
        name: String::new(),
        export: None,
        params: &[Ty::I32],
        results: &[Ty::I32],
        locals: Vec::new(),
        local_names: if text { vec!["pc".into()] } else { Vec::new() },
        code,
        text: body_text,
    }
}

/// What `at(pc)` gives for each instruction `pc` and for the end of the program: the
/// module's index of the block that starts there (-1 for none) times two, plus one when
/// the instruction is `return`.
pub(super) fn at_values(p: &Program, order: &Order) -> Vec<i32> {
    let value = |pc: usize| -> i32 {
        let g = order.module_index(p.block_at(pc));
        let ret = matches!(p.code.get(pc), Some(Instr::Op(Op::Return)));
        g * 2 + i32::from(ret)
    };
    let mut values: Vec<i32> = (0..p.dispatch.len()).map(value).collect();
    values.push(-2);
    values
}

/// The addresses of one part of `at` in a program of more (a function of at most about
/// 800 KB: a table entry and an arm each).
pub(super) const AT_PART: usize = 1 << 16;

/// `at(pc)`: what is at instruction `pc` (see [`at_values`]; -2 past the end). Used
/// where the machine goes to a computed place (a return address). `values` are those of
/// the addresses from `offset` on: all of them, or one part of `AT_PART` in a larger
/// program, whose `at` calls its parts ([`at_parts`]).
pub(super) fn at_function(values: &[i32], offset: u32, names: &[String], text: bool) -> Function {
    let mut distinct: Vec<i32> = values.to_vec();
    distinct.sort_unstable();
    distinct.dedup();
    let mut f = Body::new(text.then(|| (vec!["pc".into()], names)));
    let arms: Vec<Label> = distinct
        .iter()
        .map(|v| f.label(&format!("v{v}_")))
        .collect();
    let outside = f.label("outside");
    f.push(Ins::Block(outside));
    for &a in arms.iter().rev() {
        f.push(Ins::Block(a));
    }
    let table: Vec<Label> = values
        .iter()
        .map(|v| arms[distinct.binary_search(v).unwrap_or(0)])
        .collect();
    br_table_from(&mut f, 0, offset, &table, outside);
    for &v in &distinct {
        f.extend([Ins::End, Ins::I32Const(v), Ins::Return]);
    }
    f.extend([Ins::End, Ins::I32Const(-2)]);
    pc_function(f, text)
}

/// `at(pc)` of a program of more than `AT_PART` addresses: calls the part that has `pc`
/// (function `first` and on), or gives -2 past the end. (A program has at most 8 Mi
/// instructions, `MAX_SOURCE_BYTES / 2`: at most 128 parts, one table.)
pub(super) fn at_parts(parts: usize, first: u32, names: &[String], text: bool) -> Function {
    let mut f = Body::new(text.then(|| (vec!["pc".into()], names)));
    let outside = f.label("outside");
    let labels: Vec<Label> = (0..parts).map(|k| f.label(&format!("part{k}_"))).collect();
    f.push(Ins::Block(outside));
    for &l in labels.iter().rev() {
        f.push(Ins::Block(l));
    }
    debug_assert!(parts <= MAX_BR_TABLE);
    f.extend([
        Ins::LocalGet(0),
        Ins::I32Const(AT_PART.ilog2() as i32),
        Ins::I32ShrU,
        Ins::BrTable(labels, outside),
    ]);
    for k in 0..parts {
        f.extend([
            Ins::End,
            Ins::LocalGet(0),
            Ins::Call(first + k as u32),
            Ins::Return,
        ]);
    }
    f.extend([Ins::End, Ins::I32Const(-2)]);
    pc_function(f, text)
}

/// Branches to `targets[i]` for the `i32` `i` in local `index`, or to `default` when
/// `i` (unsigned) is past them, with no `br_table` over [`MAX_BR_TABLE`] targets.
fn br_table(f: &mut Body, index: u32, targets: &[Label], default: Label) {
    br_table_from(f, index, 0, targets, default);
}

/// [`br_table`] on local `index` minus `offset`. More targets than a table takes are
/// split into parts of `2^shift` targets (`MAX_BR_TABLE`, a power of two, or a power of
/// it: as many as it takes to make at most `MAX_BR_TABLE` parts): a first table on the
/// index's high bits picks the part, whose own table (made the same way) takes the rest.
/// Exact: an index past the targets picks no part, or the last, whose table sends it to
/// `default`.
fn br_table_from(f: &mut Body, index: u32, offset: u32, targets: &[Label], default: Label) {
    let index_less_offset = |f: &mut Body| {
        f.push(Ins::LocalGet(index));
        if offset != 0 {
            f.extend([Ins::I32Const(offset as i32), Ins::I32Sub]);
        }
    };
    if targets.len() <= MAX_BR_TABLE {
        index_less_offset(f);
        f.push(Ins::BrTable(targets.to_vec(), default));
        return;
    }
    let bits = MAX_BR_TABLE.ilog2();
    let mut shift = bits;
    while targets.len().div_ceil(1 << shift) > MAX_BR_TABLE {
        shift += bits;
    }
    let parts: Vec<&[Label]> = targets.chunks(1 << shift).collect();
    let labels: Vec<Label> = (0..parts.len())
        .map(|k| f.label(&format!("part{k}_")))
        .collect();
    for &l in labels.iter().rev() {
        f.push(Ins::Block(l));
    }
    index_less_offset(f);
    f.extend([
        Ins::I32Const(shift as i32),
        Ins::I32ShrU,
        Ins::BrTable(labels, default),
    ]);
    for (k, part) in parts.into_iter().enumerate() {
        f.push(Ins::End);
        let from = offset.wrapping_add((k as u32) << shift);
        br_table_from(f, index, from, part, default);
    }
}

/// `run(tags, bits, frames, state)`: loads the machine's registers from the state
/// words, runs functions while they name the next block, stores the registers back,
/// and returns the status.
///
/// `groups` are the labels' functions, `names` the module's functions'.
pub(super) fn run_function(groups: &[Group], names: &[String], text: bool) -> Function {
    let local_names: Vec<String> = if text {
        RUN_LOCALS.map(String::from).to_vec()
    } else {
        Vec::new()
    };
    let mut f = Body::new(text.then(|| (local_names.clone(), names)));
    for (param, g) in [
        (TAGS, global::TAGS),
        (BITS, global::BITS),
        (FRAMES, global::FRAMES),
    ] {
        f.extend([Ins::LocalGet(param), g.set()]);
    }
    let word = |w: usize| (w * 8) as u32;
    for (w, g) in [
        (state::SP, global::SP),
        (state::STACK_LEN, global::STACK_LEN),
        (state::FRAMES, global::FRAME_COUNT),
        (state::FRAMES_CAP, global::FRAMES_CAP),
        (state::MAX_STACK, global::MAX_STACK),
        (state::MAX_CALLS, global::MAX_CALLS),
        (state::PC, global::PC),
    ] {
        f.extend([
            Ins::LocalGet(STATE),
            Ins::I64Load(word(w)),
            Ins::I32WrapI64,
            g.set(),
        ]);
    }
    f.extend([
        Ins::LocalGet(STATE),
        Ins::I64Load(word(state::LEFT)),
        global::LEFT.set(),
        global::PC.get(),
        Ins::Call(function::AT),
        Ins::I32Const(1),
        Ins::I32ShrS,
        Ins::LocalSet(BLOCK),
    ]);
    let out = f.label("out");
    let again = f.label("next");
    f.push(Ins::Block(out));
    f.push(Ins::Loop(again));
    // (Named after the functions: the labels' names made text identifiers.)
    let first = function::FIRST_LABEL as usize;
    let arms: Vec<Label> = names[first..first + groups.len()]
        .iter()
        .map(|n| f.label(&format!("{n}_")))
        .collect();
    for &a in arms.iter().rev() {
        f.push(Ins::Block(a));
    }
    let mut table = Vec::new();
    for (k, group) in groups.iter().enumerate() {
        for _ in group.blocks.clone() {
            table.push(arms[k]);
        }
    }
    br_table(&mut f, BLOCK, &table, out);
    for k in 0..groups.len() {
        f.extend([
            Ins::End,
            Ins::LocalGet(BLOCK),
            // (Not called by a direct call: no frame to return to it at, and no direct
            // call under way.)
            Ins::I32Const(0),
            Ins::I32Const(0),
            global::SP.get(),
            global::FRAME_COUNT.get(),
            global::LEFT.get(),
            global::PC.get(),
            Ins::Call(function::FIRST_LABEL + k as u32),
            global::PC.set(),
            global::LEFT.set(),
            global::FRAME_COUNT.set(),
            global::SP.set(),
            Ins::LocalSet(BLOCK),
            Ins::Br(again),
        ]);
    }
    f.extend([Ins::End, Ins::End]);
    for (w, g) in [
        (state::SP, global::SP),
        (state::FRAMES, global::FRAME_COUNT),
        (state::PC, global::PC),
    ] {
        f.extend([
            Ins::LocalGet(STATE),
            g.get(),
            Ins::I64ExtendI32U,
            Ins::I64Store(word(w)),
        ]);
    }
    f.extend([
        Ins::LocalGet(STATE),
        global::LEFT.get(),
        Ins::I64Store(word(state::LEFT)),
        // The status: -1 (stopped) is 0, -2 is 1, -3 is 2.
        Ins::I32Const(-1),
        Ins::LocalGet(BLOCK),
        Ins::I32Sub,
    ]);
    let (code, text) = f.finish();
    Function {
        name: String::new(),
        export: Some("run"),
        params: &[Ty::I32; 4],
        results: &[Ty::I32],
        locals: vec![Ty::I32],
        local_names,
        code,
        text,
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::asm::compile;
    use crate::tier::layout::global;
    use crate::tier::module::Module;

    #[test]
    fn runs_locals_are_named_by_their_indexes() {
        for (i, name) in [(TAGS, "tags"), (BITS, "bits"), (FRAMES, "frames")] {
            assert_eq!(RUN_LOCALS[i as usize], name);
        }
        assert_eq!(RUN_LOCALS[STATE as usize], "state");
        assert_eq!(RUN_LOCALS[BLOCK as usize], "block");
    }

    #[test]
    fn at_gives_each_blocks_index_and_the_returns() {
        let p = compile("1 f call 2 + println stop\nf: 3 + return").unwrap();
        let order = Order::new(&p);
        let values = at_values(&p, &order);
        assert_eq!(values.len(), p.dispatch.len() + 1);
        assert_eq!(values.last(), Some(&-2));
        for (pc, &v) in values.iter().enumerate().take(p.dispatch.len()) {
            let ret = matches!(p.code.get(pc), Some(Instr::Op(Op::Return)));
            assert_eq!(v & 1 == 1, ret, "{pc}");
            assert_eq!(v >> 1, order.module_index(p.block_at(pc)), "{pc}");
        }
        assert!(values.iter().any(|&v| v & 1 == 1));
        assert!(values.iter().any(|&v| v >= 0));
    }

    /// A module of one function: the index of the target that `br_table` picks for its
    /// parameter among `targets` (each 0, 1 or 2), or -1 for the default.
    fn table_module(targets: &[u8]) -> Vec<u8> {
        let names: Vec<String> = vec!["pick".into()];
        let mut f = Body::new(None);
        let outside = f.label("outside");
        let arms: Vec<Label> = (0..3).map(|k| f.label(&format!("arm{k}_"))).collect();
        f.push(Ins::Block(outside));
        for &a in arms.iter().rev() {
            f.push(Ins::Block(a));
        }
        let table: Vec<Label> = targets.iter().map(|&t| arms[usize::from(t)]).collect();
        br_table(&mut f, 0, &table, outside);
        for k in 0..3 {
            f.extend([Ins::End, Ins::I32Const(k), Ins::Return]);
        }
        f.extend([Ins::End, Ins::I32Const(-1)]);
        let mut pick = pc_function(f, false);
        pick.name = names[0].clone();
        pick.export = Some("pick");
        Module {
            memory: ("env", "memory"),
            globals: &global::ALL,
            functions: vec![pick],
        }
        .bytes()
    }

    #[test]
    fn a_table_of_tables_picks_each_target() {
        let n = 2 * MAX_BR_TABLE + 100;
        let targets: Vec<u8> = (0..n).map(|i| (i * 7 % 3) as u8).collect();
        let bytes = table_module(&targets);
        // No table of more than `MAX_BR_TABLE` targets.
        let mut widest = 0;
        for payload in wasmparser::Parser::new(0).parse_all(&bytes) {
            if let wasmparser::Payload::CodeSectionEntry(b) = payload.unwrap() {
                let mut ops = b.get_operators_reader().unwrap();
                while !ops.eof() {
                    if let wasmparser::Operator::BrTable { targets } = ops.read().unwrap() {
                        widest = widest.max(targets.len() as usize);
                    }
                }
            }
        }
        assert!(widest > 0 && widest <= MAX_BR_TABLE, "{widest}");
        let engine = wasmi::Engine::default();
        let module = wasmi::Module::new(&engine, &bytes[..]).unwrap();
        let mut store = wasmi::Store::new(&engine, ());
        let mut linker = wasmi::Linker::<()>::new(&engine);
        let memory = wasmi::Memory::new(&mut store, wasmi::MemoryType::new(0, None)).unwrap();
        linker.define("env", "memory", memory).unwrap();
        let instance = linker.instantiate_and_start(&mut store, &module).unwrap();
        let pick = instance.get_typed_func::<i32, i32>(&store, "pick").unwrap();
        let edges = [
            0,
            1,
            MAX_BR_TABLE - 1,
            MAX_BR_TABLE,
            2 * MAX_BR_TABLE,
            n - 1,
        ];
        for i in edges {
            assert_eq!(
                pick.call(&mut store, i as i32).unwrap(),
                i32::from(targets[i])
            );
        }
        for past in [n as i32, 3 * MAX_BR_TABLE as i32, i32::MAX, -1] {
            assert_eq!(pick.call(&mut store, past).unwrap(), -1, "{past}");
        }
    }
}
