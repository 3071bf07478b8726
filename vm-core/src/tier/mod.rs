//! The WebAssembly tier: a program's blocks compiled into a WebAssembly module that
//! runs them in place of the block runner, for a host that can instantiate one (the
//! page's worker does, at run time).
//!
//! The module does exactly what the block runner (`machine/blocks.rs`) does, block by
//! block: the same checks before a block runs (budget, values on the stack, room on
//! the stack and for frames, a frame to return to), the same operations with the same
//! checks of types and exact results, the same side exits and exits. Whatever it
//! cannot run whole it leaves where the block runner would: at the start of that
//! block, which the machine then runs as without the tier. So the tier changes speed
//! only; `vm-core/tests/differential.rs`, `tier.rs` and `tier_edges.rs` run programs
//! both ways and compare everything a host can see.
//!
//! The module imports the host's memory (`env.memory`) and works on the machine's own
//! storage there: [`Machine::run_tiered`](crate::Machine::run_tiered) hands the host a
//! [`TierCall`](crate::machine::TierCall) with the addresses of the stack's tags and
//! bits, the frames, and [`state`] words with the registers (depth, frames, position,
//! budget, limits); the host calls the module's export
//! `run(tags, bits, frames, state) -> status` and the machine reads the registers back.
//! A host whose memory is not the module's (a test with a WebAssembly engine written in
//! Rust) copies them in and out instead.
//!
//! Inside, each label's blocks are one function named after the label (blocks before the
//! first label are `main`; a label of more than [`MAX_FUNCTION_BLOCKS`] blocks, or whose
//! function would pass [`MAX_BODY`] bytes, is several), a `loop` around a `br_table`
//! over its blocks; a block going to a later block of its function branches straight to
//! that block's code (the end of its arm of the table), to an earlier one through the
//! table; a block going to another function's block returns that block's index
//! to `run`, which calls the function that has it. A `return` goes through `at(pc)`, a
//! table of what starts at each instruction (in parts of 65,536 instructions, functions
//! `at_0` and on, in a larger program).
//!
//! A label's function takes the machine's registers (depth, frames, budget, position)
//! as parameters, keeps them in locals, and returns them with its result (the next
//! block, or a status); `run` keeps them in globals between calls.
//!
//! Calls are direct: a block that pushes frames (a `call` of a label known when the
//! module is made, or calls it followed, then a jump) and goes to a block calls the
//! function of that block with it, the registers, and the count of frames
//! (`ret_below`), the frames pushed in the machine's frame memory exactly as before.
//! That function runs as any (its own blocks, its own direct calls) until a `return`
//! leaves fewer frames than `ret_below`: the last frame pushed for it is popped, and it
//! returns `RETURNED` (-4) to its caller, the machine at the address that frame returned
//! to. The caller goes on there: straight to the block there, when it is the address it
//! pushed (and when a `return` is there and the caller pushed a frame under that one, it
//! runs that `return` itself, budget permitting, as `at`'s chain of returns would, and
//! goes on from where it leads), or as any `return` does (through `at`). Anything else
//! the called function returns (a status: stopped, for the block runner or the budget,
//! more room asked; or a block of another function) each caller returns on, untouched,
//! to `run`, with the registers as the innermost left them: the machine's state is
//! exactly as without direct calls, its frames in memory, and `run` goes on (or stops)
//! from there as it always did, the frames left to be returned to through `at`. `run`
//! calls a function with `ret_below` 0 (it never returns `RETURNED`). A parameter
//! counts the direct calls under way (0 from `run`): past [`MAX_DIRECT_DEPTH`] a call
//! goes the indirect way (as a jump), so that deep recursion (as deep as `max_calls`
//! allows) never nests the engine's calls deeper.
//!
//! No `br_table` has more than [`MAX_BR_TABLE`] targets (engines cap them): a larger
//! dispatch is a table of tables. Strings are only moved: their texts are the host's. A block whose `==` or `!=`
//! compares two of its inputs checks at the start of each round that they are not
//! strings, and stops there for the block runner when one is; a block whose `==`
//! compares a value that may be a string otherwise is not compiled (the module stops
//! there, and the block runner runs it).
//!
//! One file a layer, each using only layers after it in this list:
//!
//! - `gen.rs` makes the module: the labels' functions (split where too large, and then
//!   made again, the indexes their direct calls use having moved), named, with `at` and
//!   `run`;
//! - `label.rs` writes a label's function: its dispatch, and each block's checks before
//!   it runs, its inputs, its operations, its results and its exit;
//! - `strings.rs` finds the inputs a block's `==` compares (checked not to be strings),
//!   or that it compares a value that may be a string (the block is not compiled);
//! - `lower.rs` writes each operation, with the block runner's checks;
//! - `exits.rs` writes how a block leaves: to another block, round a loop, by a side
//!   exit, a call (a direct call, or as a jump) or a return (frames pushed and popped,
//!   back to a direct caller), the budget spent;
//! - `cache.rs` keeps the slots in locals while a block's code is written: what is
//!   loaded, which tags are known, what is stored when it leaves;
//! - `driver.rs` writes `run` and `at`, and `br_table`s of at most [`MAX_BR_TABLE`]
//!   targets;
//! - `order.rs` puts the blocks in order and makes each label's blocks a function's;
//! - `layout.rs` lists the globals and a label's function's locals (index, name, type),
//!   the functions' indexes, the tags (from the machine's) and the frame's layout (from
//!   `Frame`'s);
//! - `module.rs` describes the module once (memory, globals, functions) and writes it
//!   as bytes and as text;
//! - `wasm.rs` is the instructions (their encoding and text, defined once).

mod cache;
mod driver;
mod exits;
mod gen;
mod label;
mod layout;
mod lower;
mod module;
mod order;
mod strings;
mod wasm;

use alloc::string::String;
use alloc::vec::Vec;

use crate::program::Program;

/// A compiled module, and what it holds.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Compiled {
    /// The module's bytes.
    pub bytes: Vec<u8>,
    /// The module as WebAssembly text, each label's function named after it (empty
    /// from [`compile_module`]).
    pub text: String,
    /// The functions made of the program's labels, in order (not `at` and `run`, nor
    /// `at`'s parts).
    pub functions: Vec<Function>,
    /// The blocks compiled.
    pub blocks: u32,
    /// The blocks left to the block runner (see the module docs).
    pub declined: u32,
    /// The compiled blocks that compare inputs with `==` or `!=`: they stop, for the
    /// block runner, when one of those is a string.
    pub string_checked: u32,
}

/// One function of a [`Compiled`] module: the blocks that start under one label (or a
/// run of them, for a label of many).
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Function {
    /// Its name: the label's, or `main` for the blocks before the first label (with a
    /// number after it where that name is taken: by the label's first function, say).
    pub name: String,
    /// The blocks it runs (compiled or not).
    pub blocks: u32,
}

/// Compiles the blocks of `program` into a WebAssembly module.
///
/// ```
/// let p = vm_core::compile("0 loop: 1 + dup 10 < loop swap if jmp\nend: println").unwrap();
/// let m = vm_core::tier::compile(&p);
/// assert_eq!(&m.bytes[..4], b"\0asm");
/// assert!(m.functions.iter().any(|f| f.name == "loop"));
/// assert!(m.text.contains("(func $loop"));
/// ```
pub fn compile(program: &Program) -> Compiled {
    gen::module(program, true)
}

/// [`compile`] without the text ([`Compiled::text`] is empty): what a host that runs the
/// module needs, in about half the time.
pub fn compile_module(program: &Program) -> Compiled {
    gen::module(program, false)
}

/// The most targets of a `br_table` in a module. Engines cap them (V8 at 65,520, and
/// refuses the module past that), so a dispatch over more places (`at` over every
/// instruction, `run` over every block) is made of tables of at most this many: a first
/// table on the index's high bits, then one on the rest.
pub const MAX_BR_TABLE: usize = 16_384;

/// The most blocks of one function: a label with more blocks is several functions, each
/// with the label's name (and a number after the first).
pub const MAX_FUNCTION_BLOCKS: u32 = 1024;

// (A function's blocks are one table; a larger table is split on the index's bits.)
const _: () = assert!(MAX_FUNCTION_BLOCKS as usize <= MAX_BR_TABLE);
const _: () = assert!(MAX_BR_TABLE.is_power_of_two());

/// The most bytes of a label's function's body: a function that would be larger is made
/// as two, each of half its blocks. (V8 and SpiderMonkey refuse a function of more than
/// 7,654,321 bytes.) `at` is in parts of 65,536 addresses in a larger program, each
/// smaller than this; `run` has about 16 bytes for each function and its blocks, so it
/// passes this size only in a program of more than about 65,000 functions (and V8's
/// limit past about 470,000).
pub const MAX_BODY: usize = 1 << 20;

/// The state words the module reads and writes (each a little-endian `u64`, at
/// `8 * index` from the state's address): the machine's registers.
pub mod state {
    /// The stack's depth (read and written).
    pub const SP: usize = 0;
    /// The slots of stack storage at the tags' and bits' addresses (read).
    pub const STACK_LEN: usize = 1;
    /// The call frames (read and written).
    pub const FRAMES: usize = 2;
    /// Room for frames at the frames' address (read).
    pub const FRAMES_CAP: usize = 3;
    /// [`Limits::max_stack`](crate::Limits::max_stack), at most `u32::MAX` (read).
    pub const MAX_STACK: usize = 4;
    /// [`Limits::max_calls`](crate::Limits::max_calls), at most `u32::MAX` (read).
    pub const MAX_CALLS: usize = 5;
    /// The instruction the machine is at (read and written).
    pub const PC: usize = 6;
    /// The steps the budget has left (read and written).
    pub const LEFT: usize = 7;
    /// The number of words.
    pub const LEN: usize = 8;
}

/// What the module's `run` returns: it stopped (at a block it cannot run whole, where
/// no block starts, or for the budget).
pub const STATUS_STOPPED: u32 = 0;
/// It needs more stack storage than `STACK_LEN` slots.
pub const STATUS_NEEDS_STACK: u32 = 1;
/// It needs room for more frames than `FRAMES_CAP`.
pub const STATUS_NEEDS_FRAMES: u32 = 2;

// The same, as a label's function returns them (a block's index is not negative).
pub(crate) const STOPPED: i32 = -1 - STATUS_STOPPED as i32;
pub(crate) const NEEDS_STACK: i32 = -1 - STATUS_NEEDS_STACK as i32;
pub(crate) const NEEDS_FRAMES: i32 = -1 - STATUS_NEEDS_FRAMES as i32;
/// What a label's function called by a direct call returns to its caller when the
/// call's frame is popped (the machine at the instruction it returned to); `run`
/// never sees it.
pub(crate) const RETURNED: i32 = -4;

/// The most direct calls under way at once (WebAssembly calls of a label's function
/// by a label's function, each for a call of the program): a call past them goes the
/// indirect way (through `run`, or its function's dispatch), so the program's deep
/// recursion (up to [`Limits::max_calls`](crate::Limits::max_calls) frames) never
/// nests the engine's calls deeper than this.
pub const MAX_DIRECT_DEPTH: u32 = 256;
