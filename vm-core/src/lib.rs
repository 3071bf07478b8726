//! The simple-vm language: a small Forth-like stack language and its virtual machine.
//!
//! # Embedding
//!
//! [`compile`] makes a [`Program`] (or a [`CompileError`] with every problem found);
//! a [`Machine`] runs it a bounded number of steps at a time and says why it stopped
//! with a [`Status`]. The machine never blocks and does no I/O: output goes to any
//! [`core::fmt::Write`] (a `String`; with the `std` feature, an [`IoSink`] around any
//! `std::io::Write`), input and sleeping are statuses the host answers. A complete host
//! loop:
//!
//! ```
//! use vm_core::{compile, Machine, Status};
//!
//! fn main() -> Result<(), Box<dyn std::error::Error>> {
//!     let source = "read \"hello, \" swap concat println 1 sleep_ms 0 exit";
//!     let program = compile(source)?; // a CompileError: every diagnostic, with positions
//!     let mut machine = Machine::new(program, Vec::new()); // no arguments on the stack
//!     let mut input = ["world"].into_iter(); // the lines `read` gets
//!     let mut out = String::new(); // any core::fmt::Write
//!     let code = loop {
//!         match machine.run(10_000, &mut out) {
//!             Status::Halted(code) => break code,
//!             Status::NeedsInput => machine.provide_input(input.next()), // None: end of input
//!             Status::Sleeping(ms) => std::thread::sleep(std::time::Duration::from_millis(ms)),
//!             Status::OutOfBudget => {} // 10,000 steps done: show `out`, then go on
//!             Status::Paused => {}      // an observer paused (run_with): go on
//!             // The message, the source line, the active calls and the stack:
//!             Status::Failed(e) => return Err(e.render(source, "hello.svm").into()),
//!             _ => {} // a status added in a later version: go on
//!         }
//!     };
//!     assert_eq!((code, out.as_str()), (0, "hello, world\n"));
//!     Ok(())
//! }
//! ```
//!
//! At any stop the machine shows its state: [`Machine::stack`], [`Machine::frames`]
//! (the active calls), [`Machine::next_span`], [`Machine::steps`].
//! [`Machine::run_with`] tells an [`Observer`] about every step: [`Profile`] counts
//! instructions by call path and line, [`Stopper`] pauses at breakpoints and for step
//! over and out. [`Limits`] keep a program from taking its host down.
//!
//! # Threads
//!
//! [`Machine`], [`Program`], [`Value`] and the errors are `Send` and `Sync` (strings
//! are shared with `Arc`): a machine can move into another thread or an async task, and
//! a program can be compiled once and run by machines on several threads.
//!
//! ```
//! use vm_core::{compile, Machine, Status};
//! let program = compile("dup * println").unwrap();
//! let runs: Vec<_> = (1..=3)
//!     .map(|n| {
//!         let mut machine = Machine::new(program.clone(), vec![vm_core::Value::Num(n)]);
//!         std::thread::spawn(move || {
//!             let mut out = String::new();
//!             assert_eq!(machine.run(u64::MAX, &mut out), Status::Halted(0));
//!             out
//!         })
//!     })
//!     .collect();
//! let outputs: Vec<String> = runs.into_iter().map(|t| t.join().unwrap()).collect();
//! assert_eq!(outputs, ["1\n", "4\n", "9\n"]);
//! ```
//!
//! # How it is built
//!
//! The crate is a pipeline; in the order below, each module uses only those before it
//! (`vm-core/tests/modules.rs` fails if a module comes to use one that uses it back):
//!
//! | stage | modules |
//! | --- | --- |
//! | the language's definitions | [`ops`] (the instruction set: one row per operation with its class and, for the pure ones, its signature and its meaning; the rest of the crate takes its operations from it), [`text`] (counts as people read them), [`value`], [`error`] (spans, diagnostics, runtime errors and their messages; `error/render.rs` their rendering as text), `frame` (a call frame) |
//! | source to tokens | [`lexer`], [`format`](mod@format) (the canonical layout) |
//! | the block form | `block` (the format: `Block`, `Micro`, `MicroCode`, `Exit`, `Target`) |
//! | the program | [`program`] (instructions, side tables, the dispatch form `Code`, the blocks) |
//! | the optimizer | `opt` (`opt/trace.rs` selects a trace and runs it on the abstract stack of `opt/stack.rs`, rewriting it by the rules of `opt/rules.rs`; `opt/place.rs` places it in a window) |
//! | tokens to a program | [`asm`] (labels resolved, then the optimizer's blocks) |
//! | analysing a program | [`effects`] (static stack effects: the depth before and after every instruction, each label's effect `( n -- m )`, and warnings) |
//! | compiling the blocks | `slot` (how the machine holds values, whose tags the module uses too), [`tier`]: a WebAssembly module made of the blocks (`tier/gen.rs` and the layers under it; `tier/wasm.rs` is the instructions it writes, as bytes and as text), for a host that runs it with [`Machine::run_tiered`] (the playground's worker does) |
//! | running it | [`machine`]: the public face (`mod.rs`), the run loops (`run.rs`), the plain interpreter's instructions (`instr.rs`, which uses neither `opt` nor `block`), the block runner (`blocks.rs`), the [`Tier`] hook (`tier.rs`), the step budget they share (`fuel.rs`), the undo history (`history.rs`), and the [`Observer`] hook (`observer.rs`); `sink` ([`IoSink`], with the `std` feature) |
//! | watching and showing a run | [`profile`], [`record`] (the stack at every step, for a timeline), [`debug`] (breakpoints, step over and out), [`disasm`] (a program, or its blocks, back to text) |
//! | a session of entries | [`repl`] (the REPL's rules: entries compiled after the ones kept and run on one live machine, labels defined again, `:reset`, the per-entry budget; `svm`'s REPL and the playground's console both use it) |
//!
//! To add an operation, see [the list in `ops`](ops#adding-an-operation): a row, and
//! for a pure operation its function, its lowering to WebAssembly and its model in the
//! edge oracle; the compiler names each of them.
#![no_std]
#![forbid(unsafe_code)]
#![warn(missing_docs)]

extern crate alloc;
#[cfg(feature = "std")]
extern crate std;

pub mod asm;
mod block;
pub mod debug;
pub mod disasm;
pub mod effects;
pub mod error;
pub mod format;
mod frame;
pub mod lexer;
pub mod machine;
pub mod ops;
mod opt;
pub mod profile;
pub mod program;
pub mod record;
pub mod repl;
#[cfg(feature = "std")]
mod sink;
mod slot;
pub mod text;
pub mod tier;
pub mod value;

pub use asm::{compile, parse_args, MAX_SOURCE_BYTES};
#[doc(hidden)]
pub use debug::Watch;
pub use debug::{Hit, Stopper};
pub use disasm::{disassemble, disassemble_blocks};
pub use effects::Effects;
pub use error::{
    CompileError, Diagnostic, ErrorKind, LeftOut, Note, RuntimeError, Span, Trace, TraceFrame,
};
pub use format::format;
pub use machine::{Image, Limits, Machine, Observer, Quiet, Status, Tier, TierCall};
pub use ops::{Op, OpInfo, OPS};
pub use profile::Profile;
pub use program::{Instr, Label, Program};
pub use record::Record;
#[cfg(feature = "std")]
pub use sink::IoSink;
pub use value::Value;

/// What the crate docs promise about threads, checked when the crate builds.
const _: () = {
    const fn send_and_sync<T: Send + Sync>() {}
    send_and_sync::<Machine>();
    send_and_sync::<Program>();
    send_and_sync::<Value>();
    send_and_sync::<Status>();
    send_and_sync::<CompileError>();
    send_and_sync::<RuntimeError>();
    send_and_sync::<Stopper>();
    send_and_sync::<Profile>();
    send_and_sync::<Record>();
};
