//! From a program's blocks to the WebAssembly module of the tier: the code of each
//! block, in the function of the label it starts under, doing what the block runner
//! (`machine/blocks.rs`) does for it.

use alloc::collections::BTreeSet;
use alloc::format;
use alloc::string::{String, ToString};
use alloc::vec;
use alloc::vec::Vec;

use super::wasm::{uleb, Body, Ins, Label, Ty, GLOBAL_NAMES};
use super::{state, Compiled, Function, MAX_BODY, MAX_BR_TABLE, MAX_FUNCTION_BLOCKS, STOPPED};
use crate::block::{Block, Exit, Lit, Micro, Operand, Put, Side, Target, NO_BLOCK, W, WINDOW};
use crate::frame::Frame;
use crate::ops::{Arith, Class, Compare, Logic, Type};
use crate::program::{Code, Program};

// Globals, by index (see `GLOBAL_NAMES`).
const G_TAGS: u32 = 0;
const G_BITS: u32 = 1;
const G_FRAMES: u32 = 2;
const G_STACK_LEN: u32 = 3;
const G_FRAMES_CAP: u32 = 4;
const G_MAX_STACK: u32 = 5;
const G_MAX_CALLS: u32 = 6;
const G_SP: u32 = 7;
const G_NFRAMES: u32 = 8;
const G_PC: u32 = 9;
const G_LEFT: u32 = 10;

// Locals of a label's function: the block to run first, then the machine's registers
// (kept in locals while the function runs), then scratch.
const BLK: u32 = 0;
const RET: u32 = 1;
const SP: u32 = 2;
const NFRAMES: u32 = 3;
const PC: u32 = 4;
const BASE: u32 = 5;
const TB: u32 = 6;
const BB: u32 = 7;
const R: u32 = 8;
const FA: u32 = 9;
/// An `i32` scratch local (a tag).
const TAG: u32 = 10;
const LEFT: u32 = 11;
/// An `i64` scratch local (a result).
const Z: u32 = 12;
/// The first of the slots' locals: for each slot its tag (`i32`, `$tN`) then its bits
/// (`i64`, `$sN`).
const FIRST_SLOT_LOCAL: u32 = 13;
const LOCAL_NAMES: [&str; 13] = [
    "block", "ret", "sp", "nframes", "pc", "base", "tags", "bits", "r", "frame", "tag", "left", "z",
];

/// The locals of a label's function after its parameter, as declared (count and
/// type): the registers, then a tag and bits for each slot of the widest window of its
/// blocks.
fn locals(window: u16) -> Vec<(u32, Ty)> {
    let mut l = vec![(10, Ty::I32), (2, Ty::I64)];
    for _ in 0..window {
        l.extend([(1, Ty::I32), (1, Ty::I64)]);
    }
    l
}

/// The names of a label's function's locals, parameter first.
fn local_names(window: u16) -> Vec<String> {
    let mut names: Vec<String> = LOCAL_NAMES.iter().map(|s| s.to_string()).collect();
    for s in 0..window {
        names.extend([format!("t{s}"), format!("s{s}")]);
    }
    names
}

/// The declaration of a label's function's locals, as text.
fn locals_text(window: u16) -> String {
    let names = local_names(window);
    let mut t = String::new();
    let mut i = 1;
    for (n, ty) in locals(window) {
        for _ in 0..n {
            if !t.is_empty() {
                t.push(' ');
            }
            let name = names.get(i).map_or("", |s| s.as_str());
            t.push_str(&format!("(local ${name} {})", ty.name()));
            i += 1;
        }
    }
    t
}

// Function indexes.
const F_AT: u32 = 0;
const F_RUN: u32 = 1;
const FIRST_LABEL_FN: u32 = 2;

/// The size of a frame in memory (`Frame` is `repr(C)`: `ret`, `call`, `target`).
const FRAME: u32 = 12;

/// Where a block's code may branch: the labels of the function and of the block, and
/// the block itself.
struct At<'a> {
    /// The module's order of blocks.
    order: &'a Order,
    /// The program's index of the block.
    index: u32,
    /// Leaves the function, returning `RET`.
    leave: Label,
    /// Runs the block whose index is in `BLK`.
    dispatch: Label,
    /// Stops at the block's start (a check failed).
    stop: Label,
    /// Goes round a loop block again, without the entry checks.
    round: Label,
    /// The block indexes this function runs.
    lo: u32,
    hi: u32,
}

/// The module's blocks in their order: by their start, so that each label's function
/// runs a range of them.
struct Order {
    /// The start of each block of the program (by the program's block index).
    start: Vec<u32>,
    /// The module's index of each block of the program.
    gid: Vec<u32>,
    /// The program's block index of each of the module's blocks.
    of: Vec<u32>,
    /// Whether the module's text is made too.
    text: bool,
}

impl Order {
    fn new(p: &Program, text: bool) -> Order {
        let mut start = vec![0; p.blocks.len()];
        let mut of = Vec::new();
        for (pc, c) in p.dispatch.iter().enumerate() {
            if let Code::Block(i) = *c {
                start[i as usize] = pc as u32;
                of.push(i);
            }
        }
        let mut gid = vec![u32::MAX; p.blocks.len()];
        for (g, &i) in of.iter().enumerate() {
            gid[i as usize] = g as u32;
        }
        Order {
            start,
            gid,
            of,
            text,
        }
    }

    /// The module's index of the block at a target, or -1 where there is none.
    fn module_index(&self, block: u32) -> i32 {
        if block == NO_BLOCK {
            -1
        } else {
            self.gid[block as usize] as i32
        }
    }
}

/// What a slot holds while a block's operations run, as far as is known before it
/// runs: one of its inputs as the round found it, or a value of a known tag.
#[derive(Clone, Copy, PartialEq, Eq)]
enum Origin {
    Input(W),
    Tag(i32),
    Unknown,
}

/// The inputs that the block's `==` and `!=` of two slots compare: the module checks
/// at the start of each round that they are not strings (whose texts are the host's),
/// and stops there when one is, for the block runner. `None` when one of them compares
/// a value that may be a string otherwise: then the block is not compiled.
fn string_checks(b: &Block) -> Option<Vec<W>> {
    let mut origin: Vec<Origin> = (0..WINDOW as W)
        .map(|s| {
            if s < b.need {
                Origin::Input(s)
            } else {
                Origin::Unknown
            }
        })
        .collect();
    let at = |s: W| usize::from(s) % WINDOW;
    let mut inputs: Vec<W> = Vec::new();
    for &m in b.ops.iter() {
        // An operation that takes any values (`==`, `!=`) of two slots.
        if let Micro::Bin {
            op,
            a,
            b: Operand::Slot(x),
            ..
        } = m
        {
            let any = op.sig().takes.contains(&Type::Any);
            for s in [a, x].into_iter().filter(|_| any) {
                match origin[at(s)] {
                    Origin::Input(i) => {
                        if !inputs.contains(&i) {
                            inputs.push(i);
                        }
                    }
                    Origin::Tag(NUM | BOOL) => {}
                    _ => return None,
                }
            }
        }
        let Some(d) = m.dest() else { continue };
        origin[at(d)] = match m {
            Micro::Move(_, s) => origin[at(s)],
            Micro::Select(_, _, t, e) if origin[at(t)] == origin[at(e)] => origin[at(t)],
            Micro::Select(..) => Origin::Unknown,
            Micro::Str(..) => Origin::Tag(CONST),
            // What the operation gives, from its row: a string it makes may be compared.
            Micro::Bin { op, .. } => match op.sig().gives {
                Type::Num => Origin::Tag(NUM),
                Type::Bool => Origin::Tag(BOOL),
                Type::Str | Type::Any => Origin::Unknown,
            },
            Micro::Num(..) => Origin::Tag(NUM),
            Micro::Not(..) | Micro::Bool(..) => Origin::Tag(BOOL),
            Micro::IsBool(_) | Micro::Guard(..) | Micro::GuardEq(..) => continue, // (no dest)
        };
    }
    Some(inputs)
}

/// A label's function as made: its code, its text, the blocks compiled and
/// string-checked among its blocks, and its window.
struct Made {
    body: Vec<u8>,
    text: String,
    compiled: u32,
    checked: u32,
    window: u16,
}

/// Builds the module for `p`, and its text when `text` says so.
pub(crate) fn module(p: &Program, text: bool) -> Compiled {
    let order = Order::new(p, text);
    // Functions: the blocks under each label (or before the first), in order, at most
    // `MAX_FUNCTION_BLOCKS` to a function.
    let mut groups: Vec<(String, u32, u32)> = Vec::new();
    for (g, &i) in order.of.iter().enumerate() {
        let pc = order.start[i as usize];
        // The last label at or before the block's start (labels are in order).
        let under = p.labels.partition_point(|l| {
            p.pc_of(i64::from(l.addr))
                .is_some_and(|at| at <= pc as usize)
        });
        let label = under.checked_sub(1).and_then(|i| p.labels.get(i));
        let name = label.map_or_else(|| "main".to_string(), |l| l.name.clone());
        let g = g as u32;
        match groups.last_mut() {
            Some((n, lo, hi)) if *n == name && *hi == g && g - *lo < MAX_FUNCTION_BLOCKS => {
                *hi = g + 1
            }
            _ => groups.push((name, g, g + 1)),
        }
    }
    // Each function made; one larger than `MAX_BODY` is made again as two halves (a
    // function of one block is far smaller). A label's function calls only `at`.
    let fixed: Vec<String> = vec!["at".into(), "run".into()];
    let mut made: Vec<(String, u32, u32, Made)> = Vec::new();
    groups.reverse();
    while let Some((name, lo, hi)) = groups.pop() {
        let m = label_function(p, &order, lo, hi, &fixed);
        if m.body.len() > MAX_BODY && hi - lo > 1 {
            let mid = lo + (hi - lo) / 2;
            groups.push((name.clone(), mid, hi));
            groups.push((name, lo, mid));
        } else {
            made.push((name, lo, hi, m));
        }
    }
    let groups: Vec<(String, u32, u32)> = made
        .iter()
        .map(|(n, lo, hi, _)| (n.clone(), *lo, *hi))
        .collect();
    // Function names, unique (a label may be called `run`, or differ from another
    // only in characters the text replaces, and a label may have several functions).
    let mut names = fixed;
    let mut taken: BTreeSet<String> = names.iter().cloned().collect();
    for (n, _, _) in &groups {
        let mut name = sanitize(n);
        while taken.contains(&name) {
            name = format!("{name}_{}", names.len());
        }
        taken.insert(name.clone());
        names.push(name);
    }
    // `at`, and its parts after the labels' functions in a large program.
    let at_values = at_values(p, &order);
    let parts = if at_values.len() > AT_PART {
        at_values.len().div_ceil(AT_PART)
    } else {
        0
    };
    let first_part = FIRST_LABEL_FN + groups.len() as u32;
    for k in 0..parts {
        let mut name = format!("at_{k}");
        while taken.contains(&name) {
            name = format!("{name}_{}", names.len());
        }
        taken.insert(name.clone());
        names.push(name);
    }

    let mut bodies = Vec::new();
    // The text, function by function in the module's order (so that the text is the
    // module), when it is asked for.
    let mut text = String::new();
    if order.text {
        text.push_str("(module\n  (import \"env\" \"memory\" (memory 0))\n");
        for (i, g) in GLOBAL_NAMES.iter().enumerate() {
            let ty = if i as u32 == G_LEFT { "i64" } else { "i32" };
            text.push_str(&format!("  (global ${g} (mut {ty}) ({ty}.const 0))\n"));
        }
    }
    let add = |text: &mut String, name: &str, sig: &str, locals: &str, body: &str| {
        if order.text {
            text.push_str(&wrap(name, sig, locals, body));
        }
    };
    let (at_body, at_text) = if parts == 0 {
        at_function(&at_values, 0, &order, &names)
    } else {
        at_parts(parts, first_part, &order, &names)
    };
    bodies.push(at_body);
    add(
        &mut text,
        &names[0],
        "(param $pc i32) (result i32)",
        "",
        &at_text,
    );
    let (run_body, run_text) = run_function(&order, &groups, &names);
    bodies.push(run_body);
    add(
        &mut text,
        &names[1],
        "(export \"run\") (param $tags i32) (param $bits i32) (param $frames i32) (param $state i32) (result i32)",
        "(local $block i32)",
        &run_text,
    );
    let mut functions = Vec::new();
    let (mut compiled_blocks, mut string_checked) = (0, 0);
    for (k, (_, lo, hi, m)) in made.into_iter().enumerate() {
        compiled_blocks += m.compiled;
        string_checked += m.checked;
        bodies.push(m.body);
        let name = &names[FIRST_LABEL_FN as usize + k];
        let locals = if order.text {
            locals_text(m.window)
        } else {
            String::new()
        };
        add(
            &mut text,
            name,
            "(param $block i32) (result i32)",
            &locals,
            &m.text,
        );
        functions.push(Function {
            name: name.clone(),
            blocks: hi - lo,
        });
    }
    for (k, part) in at_values.chunks(AT_PART).take(parts).enumerate() {
        let (body, t) = at_function(part, (k * AT_PART) as u32, &order, &names);
        bodies.push(body);
        let name = &names[first_part as usize + k];
        add(&mut text, name, "(param $pc i32) (result i32)", "", &t);
    }
    if order.text {
        text.push_str(")\n");
    }

    let bytes = encode(&bodies, groups.len() + parts, &names);
    Compiled {
        bytes,
        text,
        functions,
        blocks: compiled_blocks,
        declined: p.blocks.len() as u32 - compiled_blocks,
        string_checked,
    }
}

/// A label's name as a WebAssembly text identifier.
fn sanitize(name: &str) -> String {
    name.chars()
        .map(|c| {
            if c.is_ascii_alphanumeric() || "_.-+*/\\^~=<>!?@#$%&|:'`".contains(c) {
                c
            } else {
                '_'
            }
        })
        .collect()
}

fn wrap(name: &str, sig: &str, locals: &str, body: &str) -> String {
    let mut t = format!("  (func ${name} {sig}\n");
    if !locals.is_empty() {
        t.push_str(&format!("    {locals}\n"));
    }
    t.push_str(body);
    t.push_str("  )\n");
    t
}

/// The binary module: types, the imported memory, functions, globals, the `run`
/// export, code, and the function names. After `at` and `run`, `more` functions of one
/// parameter (the labels', then `at`'s parts).
fn encode(bodies: &[Vec<u8>], more: usize, names: &[String]) -> Vec<u8> {
    let mut m = vec![0x00, 0x61, 0x73, 0x6d, 0x01, 0x00, 0x00, 0x00];
    let section = |m: &mut Vec<u8>, id: u8, content: Vec<u8>| {
        m.push(id);
        uleb(m, content.len() as u64);
        m.extend(content);
    };
    // Types: 0 is (i32) -> i32, 1 is (i32 i32 i32 i32) -> i32.
    section(
        &mut m,
        1,
        vec![
            2, 0x60, 1, 0x7f, 1, 0x7f, 0x60, 4, 0x7f, 0x7f, 0x7f, 0x7f, 1, 0x7f,
        ],
    );
    let mut imports = vec![1];
    for s in ["env", "memory"] {
        uleb(&mut imports, s.len() as u64);
        imports.extend(s.as_bytes());
    }
    imports.extend([0x02, 0x00, 0x00]);
    section(&mut m, 2, imports);
    let mut funcs = Vec::new();
    uleb(&mut funcs, 2 + more as u64);
    funcs.extend([0, 1]);
    funcs.extend(core::iter::repeat_n(0, more));
    section(&mut m, 3, funcs);
    let mut globals = vec![GLOBAL_NAMES.len() as u8];
    for i in 0..GLOBAL_NAMES.len() as u32 {
        if i == G_LEFT {
            globals.extend([Ty::I64.byte(), 1, 0x42, 0, 0x0b]);
        } else {
            globals.extend([Ty::I32.byte(), 1, 0x41, 0, 0x0b]);
        }
    }
    section(&mut m, 6, globals);
    let mut exports = vec![1, 3];
    exports.extend(b"run");
    exports.extend([0x00, F_RUN as u8]);
    section(&mut m, 7, exports);
    let mut code = Vec::new();
    uleb(&mut code, bodies.len() as u64);
    for b in bodies {
        code.extend(b);
    }
    section(&mut m, 10, code);
    // The name section: function names, for a debugger's stack.
    let mut sub = Vec::new();
    uleb(&mut sub, names.len() as u64);
    for (i, n) in names.iter().enumerate() {
        uleb(&mut sub, i as u64);
        uleb(&mut sub, n.len() as u64);
        sub.extend(n.as_bytes());
    }
    let mut custom = Vec::new();
    uleb(&mut custom, 4);
    custom.extend(b"name");
    custom.push(1);
    uleb(&mut custom, sub.len() as u64);
    custom.extend(sub);
    section(&mut m, 0, custom);
    m
}

/// What `at(pc)` gives for each instruction `pc` and for the end of the program: the
/// module's index of the block that starts there (-1 for none) times two, plus one when
/// the instruction is `return`.
fn at_values(p: &Program, order: &Order) -> Vec<i32> {
    let value = |pc: usize| -> i32 {
        let g = order.module_index(p.block_at(pc));
        let ret = matches!(
            p.code.get(pc),
            Some(crate::program::Instr::Op(crate::ops::Op::Return))
        );
        g * 2 + i32::from(ret)
    };
    let mut values: Vec<i32> = (0..p.dispatch.len()).map(value).collect();
    values.push(-2);
    values
}

/// The addresses of one part of `at` in a program of more (a function of at most about
/// 800 KB: a table entry and an arm each).
const AT_PART: usize = 1 << 16;

/// `at(pc)`: what is at instruction `pc` (see [`at_values`]; -2 past the end). Used
/// where the machine goes to a computed place (a return address). `values` are those of
/// the addresses from `offset` on: all of them, or one part of `AT_PART` in a larger
/// program, whose `at` calls its parts ([`at_parts`]).
fn at_function(values: &[i32], offset: u32, order: &Order, names: &[String]) -> (Vec<u8>, String) {
    let mut distinct: Vec<i32> = values.to_vec();
    distinct.sort_unstable();
    distinct.dedup();
    let mut f = Body::new(order.text.then(|| (vec!["pc".into()], names)));
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
    f.finish(&[])
}

/// `at(pc)` of a program of more than `AT_PART` addresses: calls the part that has `pc`
/// (function `first` and on), or gives -2 past the end. (A program has at most 8 Mi
/// instructions, `MAX_SOURCE_BYTES / 2`: at most 128 parts, one table.)
fn at_parts(parts: usize, first: u32, order: &Order, names: &[String]) -> (Vec<u8>, String) {
    let mut f = Body::new(order.text.then(|| (vec!["pc".into()], names)));
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
    f.finish(&[])
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
fn run_function(
    order: &Order,
    groups: &[(String, u32, u32)],
    names: &[String],
) -> (Vec<u8>, String) {
    let mut f = Body::new(order.text.then(|| {
        let locals = ["tags", "bits", "frames", "state", "block"];
        (locals.map(String::from).to_vec(), names)
    }));
    const STATE: u32 = 3;
    const BLOCK: u32 = 4;
    for (param, g) in [(0, G_TAGS), (1, G_BITS), (2, G_FRAMES)] {
        f.extend([Ins::LocalGet(param), Ins::GlobalSet(g)]);
    }
    let word = |w: usize| (w * 8) as u32;
    for (w, g) in [
        (state::SP, G_SP),
        (state::STACK_LEN, G_STACK_LEN),
        (state::FRAMES, G_NFRAMES),
        (state::FRAMES_CAP, G_FRAMES_CAP),
        (state::MAX_STACK, G_MAX_STACK),
        (state::MAX_CALLS, G_MAX_CALLS),
        (state::PC, G_PC),
    ] {
        f.extend([
            Ins::LocalGet(STATE),
            Ins::I64Load(word(w)),
            Ins::I32WrapI64,
            Ins::GlobalSet(g),
        ]);
    }
    f.extend([
        Ins::LocalGet(STATE),
        Ins::I64Load(word(state::LEFT)),
        Ins::GlobalSet(G_LEFT),
        Ins::GlobalGet(G_PC),
        Ins::Call(F_AT),
        Ins::I32Const(1),
        Ins::I32ShrS,
        Ins::LocalSet(BLOCK),
    ]);
    let out = f.label("out");
    let again = f.label("next");
    f.push(Ins::Block(out));
    f.push(Ins::Loop(again));
    // (Named after the functions: the labels' names made text identifiers.)
    let first = FIRST_LABEL_FN as usize;
    let arms: Vec<Label> = names[first..first + groups.len()]
        .iter()
        .map(|n| f.label(&format!("{n}_")))
        .collect();
    for &a in arms.iter().rev() {
        f.push(Ins::Block(a));
    }
    let mut table = Vec::new();
    for (k, &(_, lo, hi)) in groups.iter().enumerate() {
        for _ in lo..hi {
            table.push(arms[k]);
        }
    }
    debug_assert_eq!(table.len(), order.of.len());
    br_table(&mut f, BLOCK, &table, out);
    for k in 0..groups.len() {
        f.extend([
            Ins::End,
            Ins::LocalGet(BLOCK),
            Ins::Call(FIRST_LABEL_FN + k as u32),
            Ins::LocalSet(BLOCK),
            Ins::Br(again),
        ]);
    }
    f.extend([Ins::End, Ins::End]);
    for (w, g) in [
        (state::SP, G_SP),
        (state::FRAMES, G_NFRAMES),
        (state::PC, G_PC),
    ] {
        f.extend([
            Ins::LocalGet(STATE),
            Ins::GlobalGet(g),
            Ins::I64ExtendI32U,
            Ins::I64Store(word(w)),
        ]);
    }
    f.extend([
        Ins::LocalGet(STATE),
        Ins::GlobalGet(G_LEFT),
        Ins::I64Store(word(state::LEFT)),
        // The status: -1 (stopped) is 0, -2 is 1, -3 is 2.
        Ins::I32Const(-1),
        Ins::LocalGet(BLOCK),
        Ins::I32Sub,
    ]);
    f.finish(&[(1, Ty::I32)])
}

/// A label's function: runs its blocks from the one in its parameter while the next is
/// one of them; returns the next block's index, or a status (negative).
fn label_function(p: &Program, order: &Order, lo: u32, hi: u32, names: &[String]) -> Made {
    // Locals for the slots of the widest window of its blocks.
    let window = (lo..hi)
        .map(|g| p.blocks[order.of[g as usize] as usize].window)
        .max()
        .unwrap_or(0)
        .min(WINDOW as u16);
    let mut f = Body::new(order.text.then(|| (local_names(window), names)));
    f.extend([
        Ins::GlobalGet(G_SP),
        Ins::LocalSet(SP),
        Ins::GlobalGet(G_NFRAMES),
        Ins::LocalSet(NFRAMES),
        Ins::GlobalGet(G_LEFT),
        Ins::LocalSet(LEFT),
        Ins::GlobalGet(G_PC),
        Ins::LocalSet(PC),
        Ins::I32Const(STOPPED),
        Ins::LocalSet(RET),
    ]);
    let leave = f.label("leave");
    let dispatch = f.label("dispatch");
    f.push(Ins::Block(leave));
    f.push(Ins::Loop(dispatch));
    let arms: Vec<Label> = (lo..hi).map(|g| f.label(&format!("block{g}_"))).collect();
    for &a in arms.iter().rev() {
        f.push(Ins::Block(a));
    }
    // (At most `MAX_FUNCTION_BLOCKS` arms: one table.)
    debug_assert!(arms.len() <= MAX_BR_TABLE);
    f.extend([
        Ins::LocalGet(BLK),
        Ins::I32Const(lo as i32),
        Ins::I32Sub,
        Ins::BrTable(arms.clone(), leave),
    ]);
    let (mut compiled, mut checked) = (0, 0);
    for g in lo..hi {
        f.push(Ins::End);
        let i = order.of[g as usize];
        let b = &p.blocks[i as usize];
        let start = order.start[i as usize];
        let mut at = At {
            order,
            index: i,
            leave,
            dispatch,
            stop: 0,
            round: 0,
            lo,
            hi,
        };
        match string_checks(b) {
            Some(inputs) => {
                compiled += 1;
                checked += u32::from(!inputs.is_empty());
                block_code(&mut f, &mut at, b, start, &inputs);
            }
            None => stop_at(&mut f, &at, start),
        }
    }
    f.extend([Ins::End, Ins::End]);
    f.extend([
        Ins::LocalGet(SP),
        Ins::GlobalSet(G_SP),
        Ins::LocalGet(NFRAMES),
        Ins::GlobalSet(G_NFRAMES),
        Ins::LocalGet(LEFT),
        Ins::GlobalSet(G_LEFT),
        Ins::LocalGet(PC),
        Ins::GlobalSet(G_PC),
        Ins::LocalGet(RET),
    ]);
    let (body, text) = f.finish(&locals(window));
    Made {
        body,
        text,
        compiled,
        checked,
        window,
    }
}

/// Leaves the function stopped at instruction `pc`.
fn stop_at(f: &mut Body, at: &At, pc: u32) {
    leave_at(f, at, pc, STOPPED);
}

/// Leaves the function at instruction `pc` with `status` (stopped, or asking the host
/// for more room).
fn leave_at(f: &mut Body, at: &At, pc: u32, status: i32) {
    f.extend([
        Ins::I32Const(pc as i32),
        Ins::LocalSet(PC),
        Ins::I32Const(status),
        Ins::LocalSet(RET),
        Ins::Br(at.leave),
    ]);
}

/// Goes to instruction `pc`, where block `block` starts (or none).
fn goto(f: &mut Body, at: &At, pc: u32, block: u32) {
    let g = at.order.module_index(block);
    if g < 0 {
        stop_at(f, at, pc);
    } else if (at.lo..at.hi).contains(&(g as u32)) {
        f.extend([Ins::I32Const(g), Ins::LocalSet(BLK), Ins::Br(at.dispatch)]);
    } else {
        f.extend([Ins::I32Const(g), Ins::LocalSet(RET), Ins::Br(at.leave)]);
    }
}

/// Goes to the instruction in `PC`: runs the `return`s there while there are frames and
/// budget (as `Regs::ret_chain`), then goes to the block where that leads, if any.
fn return_chain(f: &mut Body, at: &At) {
    let chain = f.label("returns");
    let is_ret = f.label("is_return");
    let can = f.label("can_return");
    f.extend([
        Ins::Loop(chain),
        Ins::LocalGet(PC),
        Ins::Call(F_AT),
        Ins::LocalTee(R),
        Ins::I32Const(1),
        Ins::I32And,
        Ins::If(is_ret),
        Ins::LocalGet(LEFT),
        Ins::I64Eqz,
        Ins::I32Eqz,
        Ins::LocalGet(NFRAMES),
        Ins::I32Eqz,
        Ins::I32Eqz,
        Ins::I32And,
        Ins::If(can),
    ]);
    pop_frame(f);
    f.extend([
        Ins::LocalGet(LEFT),
        Ins::I64Const(1),
        Ins::I64Sub,
        Ins::LocalSet(LEFT),
        Ins::Br(chain),
        Ins::End,
        Ins::End,
        Ins::End,
        // The block there, in this function or another, or none (-1: stopped there).
        Ins::LocalGet(R),
        Ins::I32Const(1),
        Ins::I32ShrS,
        Ins::LocalTee(BLK),
        Ins::I32Const(at.lo as i32),
        Ins::I32Sub,
        Ins::I32Const((at.hi - at.lo) as i32),
        Ins::I32LtU,
        Ins::BrIf(at.dispatch),
        Ins::LocalGet(BLK),
        Ins::LocalSet(RET),
        Ins::Br(at.leave),
    ]);
}

/// Pops a frame: `PC` is where it returns to.
fn pop_frame(f: &mut Body) {
    f.extend([
        Ins::LocalGet(NFRAMES),
        Ins::I32Const(1),
        Ins::I32Sub,
        Ins::LocalTee(NFRAMES),
        Ins::I32Const(FRAME as i32),
        Ins::I32Mul,
        Ins::GlobalGet(G_FRAMES),
        Ins::I32Add,
        Ins::I32Load(0),
        Ins::LocalSet(PC),
    ]);
}

/// Pushes these frames.
fn push_frames(f: &mut Body, frames: &[Frame]) {
    if frames.is_empty() {
        return;
    }
    f.extend([
        Ins::LocalGet(NFRAMES),
        Ins::I32Const(FRAME as i32),
        Ins::I32Mul,
        Ins::GlobalGet(G_FRAMES),
        Ins::I32Add,
        Ins::LocalSet(FA),
    ]);
    for (j, fr) in frames.iter().enumerate() {
        let o = j as u32 * FRAME;
        for (k, v) in [fr.ret, fr.call, fr.target].into_iter().enumerate() {
            f.extend([
                Ins::LocalGet(FA),
                Ins::I32Const(v as i32),
                Ins::I32Store(o + 4 * k as u32),
            ]);
        }
    }
    f.extend([
        Ins::LocalGet(NFRAMES),
        Ins::I32Const(frames.len() as i32),
        Ins::I32Add,
        Ins::LocalSet(NFRAMES),
    ]);
}

fn spend(f: &mut Body, steps: u64) {
    f.extend([
        Ins::LocalGet(LEFT),
        Ins::I64Const(steps as i64),
        Ins::I64Sub,
        Ins::LocalSet(LEFT),
    ]);
}

fn set_depth(f: &mut Body, out: u16) {
    f.extend([
        Ins::LocalGet(BASE),
        Ins::I32Const(i32::from(out)),
        Ins::I32Add,
        Ins::LocalSet(SP),
    ]);
}

/// Branches to `stop` when the budget has less left than `steps`.
fn stop_short_of(f: &mut Body, steps: u16, stop: Label) {
    f.extend([
        Ins::LocalGet(LEFT),
        Ins::I64Const(i64::from(steps)),
        Ins::I64LtU,
        Ins::BrIf(stop),
    ]);
}

/// Pushes whether local `l` plus `n` is more than global `limit` (an `i32`).
fn beyond(f: &mut Body, l: u32, n: u16, limit: u32) {
    f.extend([
        Ins::LocalGet(l),
        Ins::I32Const(i32::from(n)),
        Ins::I32Add,
        Ins::GlobalGet(limit),
        Ins::I32GtU,
    ]);
}

/// The code of block `b` (the program's block `index`, starting at `start`).
///
/// Slots live in locals while the block runs (`T(s)` and `B(s)`, see [`Cache`]): its
/// inputs are loaded once, operations work on locals, and the slots below the depth it
/// leaves are stored when it leaves (by its exit or a side exit). A failed check
/// leaves the stack's storage as the block found it, as the block runner does; a loop
/// block stores its results at the end of each round and keeps its inputs in locals
/// for the next.
fn block_code(f: &mut Body, at: &mut At, b: &Block, start: u32, strings: &[W]) {
    let stop = f.label("stop");
    at.stop = stop;
    f.push(Ins::Block(stop));
    // The checks of `Regs::run`, in its order; when one fails, the machine stays here.
    stop_short_of(f, b.budget, stop);
    f.extend([
        Ins::LocalGet(SP),
        Ins::I32Const(i32::from(b.need)),
        Ins::I32LtU,
        Ins::BrIf(stop),
    ]);
    beyond(f, SP, b.room, G_MAX_STACK);
    f.push(Ins::BrIf(stop));
    if b.frames_min > 0 {
        f.extend([
            Ins::LocalGet(NFRAMES),
            Ins::I32Const(i32::from(b.frames_min)),
            Ins::I32LtU,
            Ins::BrIf(stop),
        ]);
    }
    beyond(f, NFRAMES, b.frames_room, G_MAX_CALLS);
    f.extend([
        Ins::BrIf(stop),
        Ins::LocalGet(SP),
        Ins::I32Const(i32::from(b.need)),
        Ins::I32Sub,
        Ins::LocalSet(BASE),
    ]);
    beyond(f, BASE, WINDOW as u16, G_STACK_LEN);
    let grow = f.label("more_stack");
    f.push(Ins::If(grow));
    leave_at(f, at, start, super::NEEDS_STACK);
    f.push(Ins::End);
    if b.frames_room > 0 {
        let grow = f.label("more_frames");
        beyond(f, NFRAMES, b.frames_room, G_FRAMES_CAP);
        f.push(Ins::If(grow));
        leave_at(f, at, start, super::NEEDS_FRAMES);
        f.push(Ins::End);
    }
    f.extend([
        Ins::GlobalGet(G_TAGS),
        Ins::LocalGet(BASE),
        Ins::I32Add,
        Ins::LocalSet(TB),
        Ins::GlobalGet(G_BITS),
        Ins::LocalGet(BASE),
        Ins::I32Const(3),
        Ins::I32Shl,
        Ins::I32Add,
        Ins::LocalSet(BB),
    ]);
    let mut cache = Cache::new();
    for s in 0..b.need {
        cache.load(f, s);
    }
    let round = f.label("round");
    at.round = round;
    f.push(Ins::Loop(round));
    // The inputs that `==` compares are not strings (tags 2 and 3).
    for &s in strings {
        f.extend([
            Ins::LocalGet(t_local(s)),
            Ins::I32Const(2),
            Ins::I32And,
            Ins::BrIf(stop),
        ]);
    }
    for &m in b.ops.iter() {
        op(f, at, &mut cache, b, m);
    }
    // Every operation ran: the results are stored, then the depth, the count, the exit.
    cache.flush(f, b.out);
    set_depth(f, b.out);
    spend(f, u64::from(b.steps));
    exit(f, at, &cache, b);
    f.push(Ins::End); // round
    f.push(Ins::End); // stop
    stop_at(f, at, start);
}

/// Leaves by side exit `side` (from the guard whose cache is `cache`).
fn side_exit(f: &mut Body, at: &At, cache: &Cache, side: &Side) {
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
    goto(f, at, side.pc, side.block);
}

/// Calls `to` from the `call` at `call`: pushes the block's frames and the call's, and
/// goes there (as the block runner's `call`).
fn call_to(f: &mut Body, at: &At, b: &Block, call: u32, to: Target) {
    let mut frames = b.pushes.to_vec();
    frames.push(Frame::of_call(call, to.addr));
    push_frames(f, &frames);
    goto(f, at, to.pc, to.block);
}

/// Goes where a target of the block's exit says (with the block's frames pushed
/// first, and the call's frame for a call).
fn go(f: &mut Body, at: &At, cache: &Cache, b: &Block, to: Target, call: Option<u32>) {
    if let Some(call) = call {
        if to.returns_at_once {
            // As `Regs::run` for a conditional call to a bare `return` (only those
            // know where the machine is after it: `after`).
            spend(f, 1 + u64::from(to.pops));
            let keep = b.pushes.len().saturating_sub(to.pops as usize);
            push_frames(f, b.pushes.get(..keep).unwrap_or_default());
            if to.after_returns {
                f.extend([Ins::I32Const(to.after as i32), Ins::LocalSet(PC)]);
                return_chain(f, at);
            } else {
                goto(f, at, to.after, to.after_block);
            }
            return;
        }
        call_to(f, at, b, call, to);
        return;
    }
    push_frames(f, &b.pushes);
    let same_window = to.block == at.index && b.out == b.need && b.pushes.is_empty();
    if same_window {
        // Another round of the same block, on the same window: only the budget is
        // checked (the other checks passed for this round and hold again). Its inputs
        // are in their locals, as for the first round.
        cache.round_inputs(f, b.need);
        stop_short_of(f, b.budget, at.stop);
        f.push(Ins::Br(at.round));
    } else {
        goto(f, at, to.pc, to.block);
    }
}

/// Branches on the boolean in slot `c`: `t` when true, `e` when false.
fn branch(
    f: &mut Body,
    cache: &Cache,
    c: W,
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

fn exit(f: &mut Body, at: &At, cache: &Cache, b: &Block) {
    match b.exit {
        Exit::Next { pc, block } => {
            push_frames(f, &b.pushes);
            goto(f, at, pc, block);
        }
        Exit::JumpIf { c, t, f: e } => branch(
            f,
            cache,
            c,
            |f| go(f, at, cache, b, t, None),
            |f| go(f, at, cache, b, e, None),
        ),
        Exit::Loop(l) => branch(
            f,
            cache,
            l.c,
            |f| go(f, at, cache, b, l.t, None),
            |f| go(f, at, cache, b, l.f, None),
        ),
        // An unconditional call always pushes its frame, even to a bare `return`
        // (only a conditional call knows where the machine is after one: `after`).
        Exit::Call { call, to } => call_to(f, at, b, call, to),
        Exit::CallIf { call, c, t, f: e } => branch(
            f,
            cache,
            c,
            |f| go(f, at, cache, b, t, Some(call)),
            |f| go(f, at, cache, b, e, Some(call)),
        ),
        Exit::Return => {
            pop_frame(f);
            return_chain(f, at);
        }
    }
}

const NUM: i32 = 0;
const BOOL: i32 = 1;
const CONST: i32 = 3;

/// The local holding slot `s`'s tag (`i32`).
fn t_local(s: W) -> u32 {
    FIRST_SLOT_LOCAL + 2 * u32::from(s)
}

/// The local holding slot `s`'s bits (`i64`).
fn b_local(s: W) -> u32 {
    FIRST_SLOT_LOCAL + 2 * u32::from(s) + 1
}

/// Loads slot `s`'s tag and bits from the stack's storage into its locals.
fn load_slot(f: &mut Body, s: W) {
    f.extend([
        Ins::LocalGet(TB),
        Ins::I32Load8U(u32::from(s)),
        Ins::LocalSet(t_local(s)),
        Ins::LocalGet(BB),
        Ins::I64Load(8 * u32::from(s)),
        Ins::LocalSet(b_local(s)),
    ]);
}

/// Where each slot of the window is while a block's code is written: in the stack's
/// storage only, or in its locals (its tag either in `T(s)` or known to be a given
/// tag, its bits in `B(s)`), and whether the storage has its value.
#[derive(Clone)]
struct Cache {
    slots: [Place; WINDOW],
}

#[derive(Clone, Copy, PartialEq, Eq)]
enum Place {
    /// Only in the stack's storage.
    Stored,
    /// In locals: the tag when it is known, whether the storage is behind, and the tag
    /// the storage is known to hold.
    Local {
        tag: Option<i32>,
        dirty: bool,
        stored: Option<i32>,
    },
}

impl Cache {
    fn new() -> Cache {
        Cache {
            slots: [Place::Stored; WINDOW],
        }
    }

    fn place(&self, s: W) -> Place {
        self.slots[usize::from(s) % WINDOW]
    }

    fn set_place(&mut self, s: W, p: Place) {
        self.slots[usize::from(s) % WINDOW] = p;
    }

    /// Loads slot `s` from the storage into its locals, if it is not there.
    fn load(&mut self, f: &mut Body, s: W) {
        if self.place(s) == Place::Stored {
            load_slot(f, s);
            self.set_place(
                s,
                Place::Local {
                    tag: None,
                    dirty: false,
                    stored: None,
                },
            );
        }
    }

    /// The tag the storage of slot `s` is known to hold.
    fn stored(&self, s: W) -> Option<i32> {
        match self.place(s) {
            Place::Local { stored, .. } => stored,
            Place::Stored => None,
        }
    }

    /// Slot `d` was written, with tag `tag` if known: its storage is now behind.
    fn written(&mut self, d: W, tag: Option<i32>) {
        let stored = self.stored(d);
        self.set_place(
            d,
            Place::Local {
                tag,
                dirty: true,
                stored,
            },
        );
    }

    /// The tag of slot `s`, if known while writing the code.
    fn known(&self, s: W) -> Option<i32> {
        match self.place(s) {
            Place::Local { tag, .. } => tag,
            Place::Stored => None,
        }
    }

    /// Pushes slot `s`'s tag.
    fn push_tag(&mut self, f: &mut Body, s: W) {
        self.load(f, s);
        match self.known(s) {
            Some(t) => f.push(Ins::I32Const(t)),
            None => f.push(Ins::LocalGet(t_local(s))),
        }
    }

    /// The local with slot `s`'s bits (loaded first where needed: see [`Cache::load`];
    /// this one only names it).
    fn bits(&self, s: W) -> u32 {
        b_local(s)
    }

    /// Pushes slot `s`'s bits.
    fn push_bits(&mut self, f: &mut Body, s: W) {
        self.load(f, s);
        f.push(Ins::LocalGet(b_local(s)));
    }

    /// After a check that slot `s` holds `tag` passed.
    fn now_known(&mut self, s: W, tag: i32) {
        // (A slot whose storage is not behind has that tag in its storage too.)
        if let Place::Local { dirty, stored, .. } = self.place(s) {
            self.set_place(
                s,
                Place::Local {
                    tag: Some(tag),
                    dirty,
                    stored: if dirty { stored } else { Some(tag) },
                },
            );
        }
    }

    /// Sets slot `d` to the bits on the stack, with tag `tag`.
    fn set(&mut self, f: &mut Body, d: W, tag: i32) {
        f.push(Ins::LocalSet(b_local(d)));
        self.written(d, Some(tag));
    }

    /// Copies slot `s` to slot `d`.
    fn copy(&mut self, f: &mut Body, d: W, s: W) {
        if d == s {
            return;
        }
        self.load(f, s);
        let tag = self.known(s);
        if tag.is_none() {
            f.extend([Ins::LocalGet(t_local(s)), Ins::LocalSet(t_local(d))]);
        }
        f.extend([Ins::LocalGet(b_local(s)), Ins::LocalSet(b_local(d))]);
        self.written(d, tag);
    }

    fn literal(&mut self, f: &mut Body, d: W, l: Lit) {
        let (tag, bits) = match l {
            Lit::Num(n) => (NUM, n),
            Lit::Bool(b) => (BOOL, i64::from(b)),
            Lit::Str(i) => (CONST, i64::from(i)),
        };
        f.push(Ins::I64Const(bits));
        self.set(f, d, tag);
    }

    /// Stores the slots below `end` whose storage is behind.
    fn flush(&mut self, f: &mut Body, end: u16) {
        for s in 0..end.min(WINDOW as u16) {
            if let Place::Local {
                tag,
                dirty: true,
                stored,
            } = self.place(s)
            {
                // (The tag is stored unless the storage is known to have it.)
                if tag.is_none() || tag != stored {
                    f.push(Ins::LocalGet(TB));
                    match tag {
                        Some(t) => f.push(Ins::I32Const(t)),
                        None => f.push(Ins::LocalGet(t_local(s))),
                    }
                    f.push(Ins::I32Store8(u32::from(s)));
                }
                f.extend([
                    Ins::LocalGet(BB),
                    Ins::LocalGet(b_local(s)),
                    Ins::I64Store(8 * u32::from(s)),
                ]);
                self.set_place(
                    s,
                    Place::Local {
                        tag,
                        dirty: false,
                        stored: tag,
                    },
                );
            }
        }
    }

    /// Before another round of a loop block: the round starts with its inputs in their
    /// locals, tags included (as [`block_code`] loaded them for the first).
    fn round_inputs(&self, f: &mut Body, need: u16) {
        for s in 0..need {
            match self.place(s) {
                Place::Local { tag: Some(t), .. } => {
                    f.extend([Ins::I32Const(t), Ins::LocalSet(t_local(s))]);
                }
                Place::Local { tag: None, .. } => {}
                // (Not so: the first round loads every input, and a slot stays in its
                // locals. The storage has its value, after the flush.)
                Place::Stored => load_slot(f, s),
            }
        }
    }
}

/// Fails (leaves the block at its start) unless slot `s` holds `tag`.
fn check(f: &mut Body, at: &At, cache: &mut Cache, s: W, tag: i32) {
    cache.load(f, s);
    match cache.known(s) {
        Some(t) if t == tag => return,
        // (A check that fails whenever it runs.)
        Some(_) => f.push(Ins::Br(at.stop)),
        None => {
            f.push(Ins::LocalGet(t_local(s)));
            if tag != 0 {
                f.extend([Ins::I32Const(tag), Ins::I32Ne]);
            }
            f.push(Ins::BrIf(at.stop));
        }
    }
    cache.now_known(s, tag);
}

fn check_nums(f: &mut Body, at: &At, cache: &mut Cache, a: W, b: Operand) {
    check(f, at, cache, a, NUM);
    if let Operand::Slot(b) = b {
        check(f, at, cache, b, NUM);
    }
}

/// Pushes an operand's bits.
fn push(f: &mut Body, cache: &mut Cache, o: Operand) {
    match o {
        Operand::Slot(s) => cache.push_bits(f, s),
        Operand::Imm(n) => f.push(Ins::I64Const(n)),
    }
}

/// `d = a op b` on numbers, exact (as `ops::add` and the others): a result that would
/// not be exact, or a division by zero, fails.
fn arith(f: &mut Body, at: &At, cache: &mut Cache, d: W, a: W, b: Operand, op: Arith) {
    check_nums(f, at, cache, a, b);
    let stop = at.stop;
    let x = cache.bits(a);
    let y = |f: &mut Body| match b {
        Operand::Slot(s) => f.push(Ins::LocalGet(b_local(s))),
        Operand::Imm(n) => f.push(Ins::I64Const(n)),
    };
    match (op, b) {
        (Arith::Add | Arith::Sub, Operand::Imm(n)) => {
            // With a number known here, one comparison says whether it is exact:
            // x + n for n > 0 when x <= MAX - n, for n < 0 when x >= MIN - n; x - n
            // likewise.
            let n = if matches!(op, Arith::Add) {
                Some(n)
            } else {
                n.checked_neg()
            };
            match n {
                Some(0) => f.extend([Ins::LocalGet(x), Ins::LocalSet(Z)]),
                Some(n) => {
                    let (bound, cmp) = if n > 0 {
                        (i64::MAX - n, Ins::I64GtS)
                    } else {
                        (i64::MIN - n, Ins::I64LtS)
                    };
                    f.extend([
                        Ins::LocalGet(x),
                        Ins::I64Const(bound),
                        cmp,
                        Ins::BrIf(stop),
                        Ins::LocalGet(x),
                        Ins::I64Const(n),
                        Ins::I64Add,
                        Ins::LocalSet(Z),
                    ]);
                }
                // x - MIN is exact only for x < 0: x + MAX + 1.
                None => f.extend([
                    Ins::LocalGet(x),
                    Ins::I64Const(0),
                    Ins::I64GeS,
                    Ins::BrIf(stop),
                    Ins::LocalGet(x),
                    Ins::I64Const(i64::MIN),
                    Ins::I64Sub,
                    Ins::LocalSet(Z),
                ]),
            }
        }
        (Arith::Add | Arith::Sub, Operand::Slot(_)) => {
            f.push(Ins::LocalGet(x));
            y(f);
            let ins = if matches!(op, Arith::Add) {
                Ins::I64Add
            } else {
                Ins::I64Sub
            };
            f.extend([ins, Ins::LocalSet(Z)]);
            // Overflow: for `+`, x and y of one sign and z of the other; for `-`, x
            // and y of different signs and z not of x's.
            if matches!(op, Arith::Add) {
                f.extend([Ins::LocalGet(x), Ins::LocalGet(Z), Ins::I64Xor]);
                y(f);
                f.extend([Ins::LocalGet(Z), Ins::I64Xor]);
            } else {
                f.push(Ins::LocalGet(x));
                y(f);
                f.extend([Ins::I64Xor, Ins::LocalGet(x), Ins::LocalGet(Z), Ins::I64Xor]);
            }
            f.extend([Ins::I64And, Ins::I64Const(0), Ins::I64LtS, Ins::BrIf(stop)]);
        }
        (Arith::Mul, Operand::Imm(n)) => match n {
            0 => f.extend([Ins::I64Const(0), Ins::LocalSet(Z)]),
            1 => f.extend([Ins::LocalGet(x), Ins::LocalSet(Z)]),
            -1 => negate(f, x, stop),
            // Exact when z / n is x (n is neither 0 nor -1: the division cannot trap).
            _ => f.extend([
                Ins::LocalGet(x),
                Ins::I64Const(n),
                Ins::I64Mul,
                Ins::LocalTee(Z),
                Ins::I64Const(n),
                Ins::I64DivS,
                Ins::LocalGet(x),
                Ins::I64Ne,
                Ins::BrIf(stop),
            ]),
        },
        (Arith::Mul, Operand::Slot(s)) => {
            let y = b_local(s);
            f.extend([
                Ins::LocalGet(x),
                Ins::LocalGet(y),
                Ins::I64Mul,
                Ins::LocalSet(Z),
            ]);
            // Exact when x is 0; when x is -1, unless y is MIN; else when z / x is y
            // (a division that cannot trap: x is neither 0 nor -1).
            let nonzero = f.label("x_not_0");
            let minus_one = f.label("x_is_minus_1");
            f.extend([
                Ins::LocalGet(x),
                Ins::I64Eqz,
                Ins::I32Eqz,
                Ins::If(nonzero),
                Ins::LocalGet(x),
                Ins::I64Const(-1),
                Ins::I64Eq,
                Ins::If(minus_one),
                Ins::LocalGet(y),
                Ins::I64Const(i64::MIN),
                Ins::I64Eq,
                Ins::BrIf(stop),
                Ins::Else,
                Ins::LocalGet(Z),
                Ins::LocalGet(x),
                Ins::I64DivS,
                Ins::LocalGet(y),
                Ins::I64Ne,
                Ins::BrIf(stop),
                Ins::End,
                Ins::End,
            ]);
        }
        (Arith::Div, Operand::Imm(n)) => match n {
            0 => f.push(Ins::Br(stop)),
            // MIN / -1 is not exact.
            -1 => negate(f, x, stop),
            _ => f.extend([
                Ins::LocalGet(x),
                Ins::I64Const(n),
                Ins::I64DivS,
                Ins::LocalSet(Z),
            ]),
        },
        (Arith::Div, Operand::Slot(s)) => {
            // Division by zero, and MIN / -1 (not exact), fail.
            let y = b_local(s);
            f.extend([
                Ins::LocalGet(y),
                Ins::I64Eqz,
                Ins::BrIf(stop),
                Ins::LocalGet(x),
                Ins::I64Const(i64::MIN),
                Ins::I64Eq,
                Ins::LocalGet(y),
                Ins::I64Const(-1),
                Ins::I64Eq,
                Ins::I32And,
                Ins::BrIf(stop),
                Ins::LocalGet(x),
                Ins::LocalGet(y),
                Ins::I64DivS,
                Ins::LocalSet(Z),
            ]);
        }
        (Arith::Rem, _) => {
            // `rem_s` is the truncating remainder, 0 for MIN % -1, as `ops::rem`.
            if let Operand::Slot(s) = b {
                f.extend([Ins::LocalGet(b_local(s)), Ins::I64Eqz, Ins::BrIf(stop)]);
            } else if b == Operand::Imm(0) {
                f.push(Ins::Br(stop));
            }
            f.push(Ins::LocalGet(x));
            y(f);
            f.extend([Ins::I64RemS, Ins::LocalSet(Z)]);
        }
    }
    f.push(Ins::LocalGet(Z));
    cache.set(f, d, NUM);
}

/// `Z = -x`, exact: `-MIN` is not (`* -1` and `/ -1`).
fn negate(f: &mut Body, x: u32, stop: Label) {
    f.extend([
        Ins::LocalGet(x),
        Ins::I64Const(i64::MIN),
        Ins::I64Eq,
        Ins::BrIf(stop),
        Ins::I64Const(0),
        Ins::LocalGet(x),
        Ins::I64Sub,
        Ins::LocalSet(Z),
    ]);
}

fn compare(f: &mut Body, at: &At, cache: &mut Cache, d: W, a: W, b: Operand, cmp: Ins) {
    check_nums(f, at, cache, a, b);
    cache.push_bits(f, a);
    push(f, cache, b);
    f.extend([cmp, Ins::I64ExtendI32U]);
    cache.set(f, d, BOOL);
}

/// Pushes `slot == n` (a value of another type is not equal) as an `i32`.
fn equal_num(f: &mut Body, cache: &mut Cache, a: W, n: i64) {
    cache.load(f, a);
    match cache.known(a) {
        Some(NUM) => {
            f.extend([Ins::LocalGet(b_local(a)), Ins::I64Const(n), Ins::I64Eq]);
        }
        Some(_) => f.push(Ins::I32Const(0)),
        None => f.extend([
            Ins::LocalGet(t_local(a)),
            Ins::I32Eqz,
            Ins::LocalGet(b_local(a)),
            Ins::I64Const(n),
            Ins::I64Eq,
            Ins::I32And,
        ]),
    }
}

/// Leaves by side exit `k` when the `i32` on the stack is not 0.
fn side_if(f: &mut Body, at: &At, cache: &Cache, b: &Block, k: u16) {
    let l = f.label("side");
    f.push(Ins::If(l));
    match b.sides.get(usize::from(k)) {
        Some(side) => side_exit(f, at, cache, side),
        None => f.push(Ins::Br(at.stop)),
    }
    f.push(Ins::End);
}

fn op(f: &mut Body, at: &At, cache: &mut Cache, b: &Block, m: Micro) {
    use Operand::{Imm, Slot};
    let c = cache;
    match m {
        Micro::Bin {
            op,
            dst: d,
            a,
            b: x,
        } => match (op.class(), x) {
            (Class::Arithmetic(op), x) => arith(f, at, c, d, a, x, op),
            (Class::Comparison(Compare::Lt), x) => compare(f, at, c, d, a, x, Ins::I64LtS),
            (Class::Comparison(Compare::Le), x) => compare(f, at, c, d, a, x, Ins::I64LeS),
            (Class::Comparison(Compare::Gt), x) => compare(f, at, c, d, a, x, Ins::I64GtS),
            (Class::Comparison(Compare::Ge), x) => compare(f, at, c, d, a, x, Ins::I64GeS),
            // Neither is a string (`string_checks`): equal when tags and bits are.
            (Class::Comparison(cmp @ (Compare::Eq | Compare::Ne)), Slot(x)) => {
                c.load(f, a);
                c.load(f, x);
                match (c.known(a), c.known(x)) {
                    (Some(p), Some(q)) if p != q => f.push(Ins::I32Const(0)),
                    (Some(_), Some(_)) => f.extend([
                        Ins::LocalGet(b_local(a)),
                        Ins::LocalGet(b_local(x)),
                        Ins::I64Eq,
                    ]),
                    _ => {
                        c.push_tag(f, a);
                        c.push_tag(f, x);
                        f.extend([
                            Ins::I32Sub,
                            Ins::I32Eqz,
                            Ins::LocalGet(b_local(a)),
                            Ins::LocalGet(b_local(x)),
                            Ins::I64Eq,
                            Ins::I32And,
                        ]);
                    }
                }
                if cmp == Compare::Ne {
                    f.push(Ins::I32Eqz);
                }
                f.push(Ins::I64ExtendI32U);
                c.set(f, d, BOOL);
            }
            (Class::Comparison(cmp @ (Compare::Eq | Compare::Ne)), Imm(n)) => {
                equal_num(f, c, a, n);
                if cmp == Compare::Ne {
                    f.push(Ins::I32Eqz);
                }
                f.push(Ins::I64ExtendI32U);
                c.set(f, d, BOOL);
            }
            (Class::Logic(l @ (Logic::And | Logic::Or)), Slot(x)) => {
                check(f, at, c, a, BOOL);
                check(f, at, c, x, BOOL);
                c.push_bits(f, a);
                c.push_bits(f, x);
                f.push(if l == Logic::And {
                    Ins::I64And
                } else {
                    Ins::I64Or
                });
                c.set(f, d, BOOL);
            }
            // (Not made by the optimizer: leave the block to the block runner.)
            (Class::Logic(Logic::And | Logic::Or), Imm(_))
            | (Class::Logic(Logic::Not | Logic::If), _)
            | (Class::Stack(_) | Class::Text(_) | Class::Io(_) | Class::Control(_), _) => {
                f.push(Ins::Br(at.stop))
            }
        },
        Micro::Not(d, a) => {
            check(f, at, c, a, BOOL);
            c.push_bits(f, a);
            f.extend([Ins::I64Eqz, Ins::I64ExtendI32U]);
            c.set(f, d, BOOL);
        }
        Micro::Select(d, cond, t, e) => {
            c.load(f, cond);
            c.load(f, t);
            c.load(f, e);
            let tag = match (c.known(t), c.known(e)) {
                (Some(x), Some(y)) if x == y => Some(x),
                _ => None,
            };
            if tag.is_none() {
                c.push_tag(f, t);
                c.push_tag(f, e);
                f.extend([
                    Ins::LocalGet(b_local(cond)),
                    Ins::I64Eqz,
                    Ins::I32Eqz,
                    Ins::Select,
                    Ins::LocalSet(TAG),
                ]);
            }
            f.extend([
                Ins::LocalGet(b_local(t)),
                Ins::LocalGet(b_local(e)),
                Ins::LocalGet(b_local(cond)),
                Ins::I64Eqz,
                Ins::I32Eqz,
                Ins::Select,
                Ins::LocalSet(b_local(d)),
            ]);
            if tag.is_none() {
                f.extend([Ins::LocalGet(TAG), Ins::LocalSet(t_local(d))]);
            }
            c.written(d, tag);
        }
        Micro::IsBool(a) => check(f, at, c, a, BOOL),
        Micro::Num(d, n) => c.literal(f, d, Lit::Num(n)),
        Micro::Bool(d, v) => c.literal(f, d, Lit::Bool(v)),
        Micro::Str(d, i) => c.literal(f, d, Lit::Str(i)),
        Micro::Move(d, s) => c.copy(f, d, s),
        Micro::Guard(cond, on, k) => {
            // Leaves when the condition is not `on`.
            c.push_bits(f, cond);
            f.push(Ins::I64Eqz);
            if !on {
                f.push(Ins::I32Eqz);
            }
            side_if(f, at, c, b, k);
        }
        Micro::GuardEq(a, n, on, k) => {
            equal_num(f, c, a, n);
            if on {
                f.push(Ins::I32Eqz);
            }
            side_if(f, at, c, b, k);
        }
    }
}
