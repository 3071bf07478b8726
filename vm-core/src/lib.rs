//! The simple-vm language: a small Forth-like stack language and its virtual machine.
//!
//! Stages, one module each: [`lexer`] (source text to tokens), [`asm`] (tokens to a
//! [`Program`], resolving labels), [`machine`] (a resumable interpreter with budgets and
//! host statuses for input and sleep), [`opt`] (blocks compiled for speed), [`debug`] and [`profile`] (watching a run), [`disasm`] (a program back to text), [`error`]
//! (spans, diagnostics, runtime errors and their rendering), [`text`] (counts as people
//! read them). The instruction set is
//! defined once, in [`ops`].
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
pub use error::{Diagnostic, ErrorKind, LeftOut, Note, RuntimeError, Span, Trace, TraceFrame};
pub use machine::{Limits, Machine, Observer, Quiet, Status};
pub use ops::{Op, OpInfo, OPS};
pub use profile::Profile;
pub use program::{Instr, Label, Program};
pub use value::Value;
