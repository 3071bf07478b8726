//! The simple-vm language: a small Forth-like stack language and its virtual machine.
//!
//! The crate is a one-way pipeline; each module uses only those before it:
//!
//! | stage | modules |
//! | --- | --- |
//! | the language's definitions | [`ops`] (the instruction set: one row per operation, its class and, for the pure ones, its meaning), [`value`], [`text`] (counts as people read them), [`error`] (spans, diagnostics, runtime errors and their rendering) |
//! | source to tokens | [`lexer`] |
//! | tokens to a program | [`asm`] (labels resolved) makes a [`Program`] ([`program`]: instructions, side tables, the dispatch form `Code`) |
//! | the program's block form | `block` (the format: `Block`, `Micro`, `Exit`, `Target`; `frame` is a call frame), made by `opt` (the optimizer: `opt/build.rs` runs a trace on an abstract stack, `opt/place.rs` places it in a window) |
//! | running it | [`machine`]: the public face (`mod.rs`), the run loops (`run.rs`), the plain interpreter's instructions (`instr.rs`, which uses neither `opt` nor `block`), the block runner (`blocks.rs`), the undo history (`history.rs`), and the [`Observer`] hook (`observer.rs`); `slot` is how it holds values |
//! | watching and showing a run | [`debug`] (breakpoints, step over and out), [`profile`], [`disasm`] (a program, or its blocks, back to text) |
//!
//! `vm-core/tests/modules.rs` fails if a module comes to use one that uses it back.
//! To add an operation, see [the list in `ops`](ops#adding-an-operation): a row, and
//! for a pure operation a function; the compiler names the rest.
//!
//! ```
//! use vm_core::{compile, Machine, Status};
//! let program = compile("1 2 + println").unwrap();
//! let mut machine = Machine::new(program, Vec::new());
//! let mut out = String::new();
//! assert_eq!(machine.run(1000, &mut out), Status::Halted(0));
//! assert_eq!(out, "3\n");
//! ```
#![no_std]
#![forbid(unsafe_code)]

extern crate alloc;
#[cfg(feature = "std")]
extern crate std;

pub mod asm;
mod block;
pub mod debug;
pub mod disasm;
pub mod error;
pub mod format;
mod frame;
pub mod lexer;
pub mod machine;
pub mod ops;
mod opt;
pub mod profile;
pub mod program;
mod slot;
pub mod text;
pub mod value;

pub use asm::{compile, parse_args};
pub use debug::{Hit, Stopper, Watch};
pub use disasm::{disassemble, disassemble_blocks};
pub use error::{
    CompileError, Diagnostic, ErrorKind, LeftOut, Note, RuntimeError, Span, Trace, TraceFrame,
};
pub use format::format;
pub use machine::{Limits, Machine, Observer, Quiet, Status};
pub use ops::{Op, OpInfo, OPS};
pub use profile::Profile;
pub use program::{Instr, Label, Program};
pub use value::Value;
