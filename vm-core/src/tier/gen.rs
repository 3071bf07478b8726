//! From a program's blocks to the WebAssembly module of the tier: the code of each
//! block, in the function of the label it starts under, doing what the block runner
//! (`machine/blocks.rs`) does for it.

use alloc::format;
use alloc::string::{String, ToString};
use alloc::vec;
use alloc::vec::Vec;

use super::wasm::{uleb, Body, Ins, Label, Ty, GLOBAL_NAMES};
use super::{state, Compiled, Function, STOPPED};
use crate::block::{Block, Exit, Lit, Micro, Put, Side, Target, NO_BLOCK, W, WINDOW};
use crate::frame::Frame;
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
const LEFT: u32 = 10;
const X: u32 = 11;
const Y: u32 = 12;
const Z: u32 = 13;
const LOCAL_NAMES: [&str; 14] = [
    "block", "ret", "sp", "nframes", "pc", "base", "tags", "bits", "r", "frame", "left", "x", "y",
    "z",
];

// Function indexes.
const F_AT: u32 = 0;
const F_RUN: u32 = 1;
const FIRST_LABEL_FN: u32 = 2;

/// The size of a frame in memory (`Frame` is `repr(C)`: `ret`, `call`, `target`).
const FRAME: u32 = 12;

/// Where a block's code may branch: the labels of the function and of the block.
struct At {
    /// Leaves the function, returning `RET`.
    leave: Label,
    /// Runs the block whose index is in `BLK`.
    dispatch: Label,
    /// Stops at the block's start (a check failed).
    stop: Label,
    /// Goes round a loop block again, without the entry checks.
    round: Label,
    /// The side exits.
    sides: Vec<Label>,
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
}

impl Order {
    fn new(p: &Program) -> Order {
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
        Order { start, gid, of }
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

/// Can the tier run this block? Not when it compares two values that may be strings
/// (their texts are the host's): the block runner runs it.
fn compiles(b: &Block) -> bool {
    !b.ops
        .iter()
        .any(|m| matches!(m, Micro::Eq(..) | Micro::Ne(..)))
}

/// Builds the module for `p`.
pub(crate) fn module(p: &Program) -> Compiled {
    let order = Order::new(p);
    // Functions: the blocks under each label (or before the first), in order.
    let mut groups: Vec<(String, u32, u32)> = Vec::new();
    for (g, &i) in order.of.iter().enumerate() {
        let pc = order.start[i as usize];
        let label = p
            .labels
            .iter()
            .filter(|l| {
                p.pc_of(i64::from(l.addr))
                    .is_some_and(|at| at <= pc as usize)
            })
            .max_by_key(|l| l.addr);
        let name = label.map_or_else(|| "main".to_string(), |l| l.name.clone());
        let g = g as u32;
        match groups.last_mut() {
            Some((n, _, hi)) if *n == name && *hi == g => *hi = g + 1,
            _ => groups.push((name, g, g + 1)),
        }
    }
    let mut names: Vec<String> = vec!["at".into(), "run".into()];
    for (n, _, _) in &groups {
        let mut name = sanitize(n);
        if names.contains(&name) {
            name = format!("{name}_{}", names.len());
        }
        names.push(name);
    }

    let mut bodies = Vec::new();
    let mut text = String::new();
    let (at_body, at_text) = at_function(p, &order, &names);
    bodies.push(at_body);
    let at_text = wrap(&names[0], "(param $pc i32) (result i32)", "", &at_text);
    let (run_body, run_text) = run_function(&order, &groups, &names);
    bodies.push(run_body);
    let run_text = wrap(
        &names[1],
        "(export \"run\") (param $tags i32) (param $bits i32) (param $frames i32) (param $state i32) (result i32)",
        "(local $block i32)",
        &run_text,
    );
    let mut functions = Vec::new();
    let mut label_texts = Vec::new();
    let mut compiled_blocks = 0;
    for (k, &(_, lo, hi)) in groups.iter().enumerate() {
        let (body, t, n) = label_function(p, &order, lo, hi, &names);
        compiled_blocks += n;
        bodies.push(body);
        let name = &names[FIRST_LABEL_FN as usize + k];
        label_texts.push(wrap(
            name,
            "(param $block i32) (result i32)",
            "(local $ret i32) (local $sp i32) (local $nframes i32) (local $pc i32) (local $base i32) (local $tags i32) (local $bits i32) (local $r i32) (local $frame i32) (local $left i64) (local $x i64) (local $y i64) (local $z i64)",
            &t,
        ));
        functions.push(Function {
            name: name.clone(),
            blocks: hi - lo,
        });
    }

    text.push_str("(module\n  (import \"env\" \"memory\" (memory 0))\n");
    for (i, g) in GLOBAL_NAMES.iter().enumerate() {
        let ty = if i as u32 == G_LEFT { "i64" } else { "i32" };
        text.push_str(&format!("  (global ${g} (mut {ty}) ({ty}.const 0))\n"));
    }
    text.push_str(&run_text);
    for t in &label_texts {
        text.push_str(t);
    }
    text.push_str(&at_text);
    text.push_str(")\n");

    let bytes = encode(&bodies, groups.len() as u32, &names);
    Compiled {
        bytes,
        text,
        functions,
        blocks: compiled_blocks,
        declined: p.blocks.len() as u32 - compiled_blocks,
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
/// export, code, and the function names.
fn encode(bodies: &[Vec<u8>], labels: u32, names: &[String]) -> Vec<u8> {
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
    uleb(&mut funcs, u64::from(2 + labels));
    funcs.extend([0, 1]);
    funcs.extend(core::iter::repeat_n(0, labels as usize));
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

/// `at(pc)`: what is at instruction `pc`, as the module's index of the block that starts
/// there (-1 for none) times two, plus one when the instruction is `return`. Used where
/// the machine goes to a computed place (a return address).
fn at_function(p: &Program, order: &Order, names: &[String]) -> (Vec<u8>, String) {
    let n = p.dispatch.len();
    let value = |pc: usize| -> i32 {
        let g = order.module_index(p.block_at(pc));
        let ret = matches!(
            p.code.get(pc),
            Some(crate::program::Instr::Op(crate::ops::Op::Return))
        );
        g * 2 + i32::from(ret)
    };
    let mut values: Vec<i32> = (0..n).map(value).collect();
    values.push(-2);
    let mut distinct: Vec<i32> = values.clone();
    distinct.sort_unstable();
    distinct.dedup();
    let mut f = Body::new(vec!["pc".into()], names.to_vec());
    let arms: Vec<Label> = distinct
        .iter()
        .map(|v| f.label(&format!("v{v}_")))
        .collect();
    let outside = f.label("outside");
    f.push(Ins::Block(outside));
    for &a in arms.iter().rev() {
        f.push(Ins::Block(a));
    }
    let table = values
        .iter()
        .map(|v| arms[distinct.binary_search(v).unwrap_or(0)])
        .collect();
    f.extend([Ins::LocalGet(0), Ins::BrTable(table, outside)]);
    for &v in &distinct {
        f.extend([Ins::End, Ins::I32Const(v), Ins::Return]);
    }
    f.extend([Ins::End, Ins::I32Const(-2)]);
    f.finish(&[])
}

/// `run(tags, bits, frames, state)`: loads the machine's registers from the state
/// words, runs functions while they name the next block, stores the registers back,
/// and returns the status.
fn run_function(
    order: &Order,
    groups: &[(String, u32, u32)],
    names: &[String],
) -> (Vec<u8>, String) {
    let mut f = Body::new(
        ["tags", "bits", "frames", "state", "block"]
            .map(String::from)
            .to_vec(),
        names.to_vec(),
    );
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
    let arms: Vec<Label> = names[FIRST_LABEL_FN as usize..]
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
    f.extend([Ins::LocalGet(BLOCK), Ins::BrTable(table, out)]);
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
fn label_function(
    p: &Program,
    order: &Order,
    lo: u32,
    hi: u32,
    names: &[String],
) -> (Vec<u8>, String, u32) {
    let mut f = Body::new(
        LOCAL_NAMES.iter().map(|s| s.to_string()).collect(),
        names.to_vec(),
    );
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
    f.extend([
        Ins::LocalGet(BLK),
        Ins::I32Const(lo as i32),
        Ins::I32Sub,
        Ins::BrTable(arms.clone(), leave),
    ]);
    let mut compiled = 0;
    for g in lo..hi {
        f.push(Ins::End);
        let i = order.of[g as usize];
        let b = &p.blocks[i as usize];
        let start = order.start[i as usize];
        let mut at = At {
            leave,
            dispatch,
            stop: 0,
            round: 0,
            sides: Vec::new(),
            lo,
            hi,
        };
        if compiles(b) {
            compiled += 1;
            block_code(&mut f, &mut at, order, b, i, start);
        } else {
            stop_at(&mut f, &at, start);
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
    let (body, text) = f.finish(&[(9, Ty::I32), (4, Ty::I64)]);
    (body, text, compiled)
}

/// Leaves the function stopped at instruction `pc`.
fn stop_at(f: &mut Body, at: &At, pc: u32) {
    f.extend([
        Ins::I32Const(pc as i32),
        Ins::LocalSet(PC),
        Ins::I32Const(STOPPED),
        Ins::LocalSet(RET),
        Ins::Br(at.leave),
    ]);
}

/// Leaves the function with a status that asks the host for more room, at `pc`.
fn needs(f: &mut Body, at: &At, pc: u32, status: i32) {
    f.extend([
        Ins::I32Const(pc as i32),
        Ins::LocalSet(PC),
        Ins::I32Const(status),
        Ins::LocalSet(RET),
        Ins::Br(at.leave),
    ]);
}

/// Goes to instruction `pc`, where block `block` starts (or none).
fn goto(f: &mut Body, at: &At, order: &Order, pc: u32, block: u32) {
    let g = order.module_index(block);
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

/// The code of block `b` (the program's block `index`, starting at `start`).
fn block_code(f: &mut Body, at: &mut At, order: &Order, b: &Block, index: u32, start: u32) {
    let stop = f.label("stop");
    at.stop = stop;
    f.push(Ins::Block(stop));
    // The checks of `Regs::run`, in its order; when one fails, the machine stays here.
    f.extend([
        Ins::LocalGet(LEFT),
        Ins::I64Const(i64::from(b.budget)),
        Ins::I64LtU,
        Ins::BrIf(stop),
        Ins::LocalGet(SP),
        Ins::I32Const(i32::from(b.need)),
        Ins::I32LtU,
        Ins::BrIf(stop),
        Ins::LocalGet(SP),
        Ins::I32Const(i32::from(b.room)),
        Ins::I32Add,
        Ins::GlobalGet(G_MAX_STACK),
        Ins::I32GtU,
        Ins::BrIf(stop),
    ]);
    if b.frames_min > 0 {
        f.extend([
            Ins::LocalGet(NFRAMES),
            Ins::I32Const(i32::from(b.frames_min)),
            Ins::I32LtU,
            Ins::BrIf(stop),
        ]);
    }
    f.extend([
        Ins::LocalGet(NFRAMES),
        Ins::I32Const(i32::from(b.frames_room)),
        Ins::I32Add,
        Ins::GlobalGet(G_MAX_CALLS),
        Ins::I32GtU,
        Ins::BrIf(stop),
        Ins::LocalGet(SP),
        Ins::I32Const(i32::from(b.need)),
        Ins::I32Sub,
        Ins::LocalTee(BASE),
        Ins::I32Const(WINDOW as i32),
        Ins::I32Add,
        Ins::GlobalGet(G_STACK_LEN),
        Ins::I32GtU,
    ]);
    let grow = f.label("more_stack");
    f.push(Ins::If(grow));
    needs(f, at, start, super::NEEDS_STACK);
    f.push(Ins::End);
    if b.frames_room > 0 {
        let grow = f.label("more_frames");
        f.extend([
            Ins::LocalGet(NFRAMES),
            Ins::I32Const(i32::from(b.frames_room)),
            Ins::I32Add,
            Ins::GlobalGet(G_FRAMES_CAP),
            Ins::I32GtU,
            Ins::If(grow),
        ]);
        needs(f, at, start, super::NEEDS_FRAMES);
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
    let round = f.label("round");
    at.round = round;
    f.push(Ins::Loop(round));
    at.sides = b.sides.iter().map(|_| f.label("side")).collect();
    for &s in at.sides.iter().rev() {
        f.push(Ins::Block(s));
    }
    for &m in b.ops.iter() {
        op(f, at, m);
    }
    // Every operation ran: the depth, the count, then the exit.
    set_depth(f, b.out);
    spend(f, u64::from(b.steps));
    exit(f, at, order, b, index);
    for (k, side) in b.sides.iter().enumerate() {
        f.push(Ins::End);
        side_exit(f, at, order, side);
        let _ = k;
    }
    f.push(Ins::End); // round
    f.push(Ins::End); // stop
    stop_at(f, at, start);
}

fn side_exit(f: &mut Body, at: &At, order: &Order, side: &Side) {
    for &p in side.puts.iter() {
        match p {
            Put::Move(d, s) => copy(f, d, s),
            Put::Lit(d, l) => literal(f, d, l),
        }
    }
    spend(f, u64::from(side.steps));
    set_depth(f, side.out);
    goto(f, at, order, side.pc, side.block);
}

/// Calls `to` from the `call` at `call`: pushes the block's frames and the call's, and
/// goes there (as the block runner's `call`).
fn call_to(f: &mut Body, at: &At, order: &Order, b: &Block, call: u32, to: Target) {
    let mut frames = b.pushes.to_vec();
    frames.push(Frame::of_call(call, to.addr));
    push_frames(f, &frames);
    goto(f, at, order, to.pc, to.block);
}

/// Goes where a target of the block's exit says (with the block's frames pushed
/// first, and the call's frame for a conditional call).
fn go(f: &mut Body, at: &At, order: &Order, b: &Block, index: u32, to: Target, call: Option<u32>) {
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
                goto(f, at, order, to.after, to.after_block);
            }
            return;
        }
        call_to(f, at, order, b, call, to);
        return;
    }
    push_frames(f, &b.pushes);
    let same_window = to.block == index && b.out == b.need && b.pushes.is_empty();
    if same_window {
        // Another round of the same block, on the same window: only the budget is
        // checked (the other checks passed for this round and hold again).
        f.extend([
            Ins::LocalGet(LEFT),
            Ins::I64Const(i64::from(b.budget)),
            Ins::I64LtU,
            Ins::BrIf(at.stop),
            Ins::Br(at.round),
        ]);
    } else {
        goto(f, at, order, to.pc, to.block);
    }
}

/// Branches on the boolean in slot `c`: `t` when true, `e` when false.
fn branch(f: &mut Body, c: W, mut t: impl FnMut(&mut Body), mut e: impl FnMut(&mut Body)) {
    let l = f.label("cond");
    load_bits(f, c);
    f.extend([Ins::I64Eqz, Ins::I32Eqz, Ins::If(l)]);
    t(f);
    f.push(Ins::Else);
    e(f);
    f.push(Ins::End);
}

fn exit(f: &mut Body, at: &At, order: &Order, b: &Block, index: u32) {
    match b.exit {
        Exit::Next { pc, block } => {
            push_frames(f, &b.pushes);
            goto(f, at, order, pc, block);
        }
        Exit::JumpIf { c, t, f: e } => branch(
            f,
            c,
            |f| go(f, at, order, b, index, t, None),
            |f| go(f, at, order, b, index, e, None),
        ),
        Exit::Loop(l) => branch(
            f,
            l.c,
            |f| go(f, at, order, b, index, l.t, None),
            |f| go(f, at, order, b, index, l.f, None),
        ),
        // An unconditional call always pushes its frame, even to a bare `return`.
        Exit::Call { call, to } => call_to(f, at, order, b, call, to),
        Exit::CallIf { call, c, t, f: e } => branch(
            f,
            c,
            |f| go(f, at, order, b, index, t, Some(call)),
            |f| go(f, at, order, b, index, e, Some(call)),
        ),
        Exit::Return => {
            pop_frame(f);
            return_chain(f, at);
        }
    }
}

fn load_tag(f: &mut Body, s: W) {
    f.extend([Ins::LocalGet(TB), Ins::I32Load8U(u32::from(s))]);
}

fn load_bits(f: &mut Body, s: W) {
    f.extend([Ins::LocalGet(BB), Ins::I64Load(8 * u32::from(s))]);
}

/// Stores tag `tag` in slot `d`.
fn store_tag(f: &mut Body, d: W, tag: i32) {
    f.extend([
        Ins::LocalGet(TB),
        Ins::I32Const(tag),
        Ins::I32Store8(u32::from(d)),
    ]);
}

/// Stores local `l` (an `i64`) as the bits of slot `d`.
fn store_bits_local(f: &mut Body, d: W, l: u32) {
    f.extend([
        Ins::LocalGet(BB),
        Ins::LocalGet(l),
        Ins::I64Store(8 * u32::from(d)),
    ]);
}

const NUM: i32 = 0;
const BOOL: i32 = 1;
const CONST: i32 = 3;

fn copy(f: &mut Body, d: W, s: W) {
    f.push(Ins::LocalGet(TB));
    load_tag(f, s);
    f.push(Ins::I32Store8(u32::from(d)));
    f.push(Ins::LocalGet(BB));
    load_bits(f, s);
    f.push(Ins::I64Store(8 * u32::from(d)));
}

fn literal(f: &mut Body, d: W, l: Lit) {
    let (tag, bits) = match l {
        Lit::Num(n) => (NUM, n),
        Lit::Bool(b) => (BOOL, i64::from(b)),
        Lit::Str(i) => (CONST, i64::from(i)),
    };
    store_tag(f, d, tag);
    f.extend([
        Ins::LocalGet(BB),
        Ins::I64Const(bits),
        Ins::I64Store(8 * u32::from(d)),
    ]);
}

/// A right operand: a slot or an immediate number.
#[derive(Clone, Copy)]
enum Operand {
    Slot(W),
    Imm(i64),
}

/// Fails (leaves the block at its start) unless the slots hold numbers.
fn check_nums(f: &mut Body, at: &At, a: W, b: Operand) {
    load_tag(f, a);
    if let Operand::Slot(b) = b {
        load_tag(f, b);
        f.push(Ins::I32Or);
    }
    f.push(Ins::BrIf(at.stop));
}

/// Loads the operands into `X` and `Y`.
fn operands(f: &mut Body, a: W, b: Operand) {
    load_bits(f, a);
    f.push(Ins::LocalSet(X));
    match b {
        Operand::Slot(b) => load_bits(f, b),
        Operand::Imm(n) => f.push(Ins::I64Const(n)),
    }
    f.push(Ins::LocalSet(Y));
}

#[derive(Clone, Copy)]
enum Arith {
    Add,
    Sub,
    Mul,
    Div,
    Rem,
}

/// `d = a op b` on numbers, exact (as `ops::add` and the others): a result that would
/// not be exact, or a division by zero, fails.
fn arith(f: &mut Body, at: &At, d: W, a: W, b: Operand, op: Arith) {
    check_nums(f, at, a, b);
    operands(f, a, b);
    let stop = at.stop;
    match op {
        Arith::Add | Arith::Sub => {
            let ins = if matches!(op, Arith::Add) {
                Ins::I64Add
            } else {
                Ins::I64Sub
            };
            f.extend([Ins::LocalGet(X), Ins::LocalGet(Y), ins, Ins::LocalSet(Z)]);
            // Overflow: for `+`, x and y of one sign and z of the other; for `-`, x and
            // y of different signs and z not of x's.
            let second = if matches!(op, Arith::Add) { Y } else { X };
            let first = if matches!(op, Arith::Add) { X } else { Y };
            if matches!(op, Arith::Add) {
                f.extend([
                    Ins::LocalGet(first),
                    Ins::LocalGet(Z),
                    Ins::I64Xor,
                    Ins::LocalGet(second),
                    Ins::LocalGet(Z),
                    Ins::I64Xor,
                ]);
            } else {
                f.extend([
                    Ins::LocalGet(X),
                    Ins::LocalGet(Y),
                    Ins::I64Xor,
                    Ins::LocalGet(X),
                    Ins::LocalGet(Z),
                    Ins::I64Xor,
                ]);
            }
            f.extend([Ins::I64And, Ins::I64Const(0), Ins::I64LtS, Ins::BrIf(stop)]);
        }
        Arith::Mul => {
            f.extend([
                Ins::LocalGet(X),
                Ins::LocalGet(Y),
                Ins::I64Mul,
                Ins::LocalSet(Z),
            ]);
            // Exact when x is 0; when x is -1, unless y is MIN; else when z / x is y
            // (a division that cannot trap: x is neither 0 nor -1).
            let nonzero = f.label("x_not_0");
            let minus_one = f.label("x_is_minus_1");
            f.extend([
                Ins::LocalGet(X),
                Ins::I64Eqz,
                Ins::I32Eqz,
                Ins::If(nonzero),
                Ins::LocalGet(X),
                Ins::I64Const(-1),
                Ins::I64Eq,
                Ins::If(minus_one),
                Ins::LocalGet(Y),
                Ins::I64Const(i64::MIN),
                Ins::I64Eq,
                Ins::BrIf(stop),
                Ins::Else,
                Ins::LocalGet(Z),
                Ins::LocalGet(X),
                Ins::I64DivS,
                Ins::LocalGet(Y),
                Ins::I64Ne,
                Ins::BrIf(stop),
                Ins::End,
                Ins::End,
            ]);
        }
        Arith::Div => {
            // Division by zero, and MIN / -1 (not exact), fail.
            f.extend([
                Ins::LocalGet(Y),
                Ins::I64Eqz,
                Ins::BrIf(stop),
                Ins::LocalGet(X),
                Ins::I64Const(i64::MIN),
                Ins::I64Eq,
                Ins::LocalGet(Y),
                Ins::I64Const(-1),
                Ins::I64Eq,
                Ins::I32And,
                Ins::BrIf(stop),
                Ins::LocalGet(X),
                Ins::LocalGet(Y),
                Ins::I64DivS,
                Ins::LocalSet(Z),
            ]);
        }
        Arith::Rem => {
            // `rem_s` is the truncating remainder, 0 for MIN % -1, as `ops::rem`.
            f.extend([
                Ins::LocalGet(Y),
                Ins::I64Eqz,
                Ins::BrIf(stop),
                Ins::LocalGet(X),
                Ins::LocalGet(Y),
                Ins::I64RemS,
                Ins::LocalSet(Z),
            ]);
        }
    }
    store_tag(f, d, NUM);
    store_bits_local(f, d, Z);
}

/// Stores the `i32` boolean that `value` computes as a boolean in slot `d`.
/// (The value is computed before anything is stored: `d` may be one of its operands.)
fn store_bool(f: &mut Body, d: W, value: impl FnOnce(&mut Body)) {
    value(f);
    f.extend([Ins::I64ExtendI32U, Ins::LocalSet(Z)]);
    store_tag(f, d, BOOL);
    store_bits_local(f, d, Z);
}

fn compare(f: &mut Body, at: &At, d: W, a: W, b: Operand, cmp: Ins) {
    check_nums(f, at, a, b);
    operands(f, a, b);
    store_bool(f, d, |f| {
        f.extend([Ins::LocalGet(X), Ins::LocalGet(Y), cmp])
    });
}

/// Pushes `slot == n` (a value of another type is not equal) as an `i32`.
fn equal_num(f: &mut Body, a: W, n: i64) {
    load_tag(f, a);
    f.push(Ins::I32Eqz);
    load_bits(f, a);
    f.extend([Ins::I64Const(n), Ins::I64Eq, Ins::I32And]);
}

fn op(f: &mut Body, at: &At, m: Micro) {
    use Operand::{Imm, Slot};
    match m {
        Micro::Add(d, a, b) => arith(f, at, d, a, Slot(b), Arith::Add),
        Micro::Sub(d, a, b) => arith(f, at, d, a, Slot(b), Arith::Sub),
        Micro::Mul(d, a, b) => arith(f, at, d, a, Slot(b), Arith::Mul),
        Micro::Div(d, a, b) => arith(f, at, d, a, Slot(b), Arith::Div),
        Micro::Rem(d, a, b) => arith(f, at, d, a, Slot(b), Arith::Rem),
        Micro::AddI(d, a, n) => arith(f, at, d, a, Imm(n), Arith::Add),
        Micro::SubI(d, a, n) => arith(f, at, d, a, Imm(n), Arith::Sub),
        Micro::MulI(d, a, n) => arith(f, at, d, a, Imm(n), Arith::Mul),
        Micro::DivI(d, a, n) => arith(f, at, d, a, Imm(n), Arith::Div),
        Micro::RemI(d, a, n) => arith(f, at, d, a, Imm(n), Arith::Rem),
        Micro::Lt(d, a, b) => compare(f, at, d, a, Slot(b), Ins::I64LtS),
        Micro::Le(d, a, b) => compare(f, at, d, a, Slot(b), Ins::I64LeS),
        Micro::Gt(d, a, b) => compare(f, at, d, a, Slot(b), Ins::I64GtS),
        Micro::Ge(d, a, b) => compare(f, at, d, a, Slot(b), Ins::I64GeS),
        Micro::LtI(d, a, n) => compare(f, at, d, a, Imm(n), Ins::I64LtS),
        Micro::LeI(d, a, n) => compare(f, at, d, a, Imm(n), Ins::I64LeS),
        Micro::GtI(d, a, n) => compare(f, at, d, a, Imm(n), Ins::I64GtS),
        Micro::GeI(d, a, n) => compare(f, at, d, a, Imm(n), Ins::I64GeS),
        // Blocks with these are not compiled (`compiles`).
        Micro::Eq(..) | Micro::Ne(..) => f.push(Ins::Br(at.stop)),
        Micro::EqI(d, a, n) => store_bool(f, d, |f| equal_num(f, a, n)),
        Micro::NeI(d, a, n) => store_bool(f, d, |f| {
            equal_num(f, a, n);
            f.push(Ins::I32Eqz);
        }),
        Micro::And(d, a, b) | Micro::Or(d, a, b) => {
            // Both booleans: tags of 1.
            load_tag(f, a);
            f.extend([Ins::I32Const(BOOL), Ins::I32Xor]);
            load_tag(f, b);
            f.extend([
                Ins::I32Const(BOOL),
                Ins::I32Xor,
                Ins::I32Or,
                Ins::BrIf(at.stop),
            ]);
            let ins = if matches!(m, Micro::And(..)) {
                Ins::I64And
            } else {
                Ins::I64Or
            };
            load_bits(f, a);
            load_bits(f, b);
            f.extend([ins, Ins::LocalSet(Z)]);
            store_tag(f, d, BOOL);
            store_bits_local(f, d, Z);
        }
        Micro::Not(d, a) => {
            load_tag(f, a);
            f.extend([Ins::I32Const(BOOL), Ins::I32Ne, Ins::BrIf(at.stop)]);
            store_bool(f, d, |f| {
                load_bits(f, a);
                f.push(Ins::I64Eqz);
            });
        }
        Micro::Select(d, c, t, e) => {
            // Both values are read before the destination (which may be one of them)
            // is written.
            f.push(Ins::LocalGet(TB));
            load_tag(f, t);
            load_tag(f, e);
            load_bits(f, c);
            f.extend([Ins::I64Eqz, Ins::I32Eqz, Ins::Select]);
            load_bits(f, t);
            f.push(Ins::LocalSet(Y));
            load_bits(f, e);
            f.push(Ins::LocalSet(Z));
            f.push(Ins::I32Store8(u32::from(d)));
            f.extend([Ins::LocalGet(BB), Ins::LocalGet(Y), Ins::LocalGet(Z)]);
            load_bits(f, c);
            f.extend([
                Ins::I64Eqz,
                Ins::I32Eqz,
                Ins::Select,
                Ins::I64Store(8 * u32::from(d)),
            ]);
        }
        Micro::IsBool(a) => {
            load_tag(f, a);
            f.extend([Ins::I32Const(BOOL), Ins::I32Ne, Ins::BrIf(at.stop)]);
        }
        Micro::Num(d, n) => literal(f, d, Lit::Num(n)),
        Micro::Bool(d, b) => literal(f, d, Lit::Bool(b)),
        Micro::Str(d, i) => literal(f, d, Lit::Str(i)),
        Micro::Move(d, s) => copy(f, d, s),
        Micro::Guard(c, on, k) => {
            load_bits(f, c);
            f.push(Ins::I64Eqz);
            if !on {
                f.push(Ins::I32Eqz);
            }
            f.push(Ins::BrIf(at.sides[usize::from(k)]));
        }
        Micro::GuardEq(a, n, on, k) => {
            equal_num(f, a, n);
            if on {
                f.push(Ins::I32Eqz);
            }
            f.push(Ins::BrIf(at.sides[usize::from(k)]));
        }
    }
}
