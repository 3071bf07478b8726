//! simple-vm's WebAssembly tier run natively.
//!
//! [`vm_core::tier`] compiles a program's blocks into a WebAssembly module; in the
//! page the browser's engine runs it. Here [wasmtime](https://wasmtime.dev) compiles
//! the same module to machine code with Cranelift, and [`WasmtimeTier`] is the
//! [`vm_core::Tier`] the machine calls at block starts: one code generator, two
//! engines. [`TierUp`] is the policy `svm` runs programs with: the interpreter starts
//! every run, and a run still going after [`HOT_STEPS`] steps gets its module compiled
//! on another thread and continues in it once it is ready.
//!
//! - `engine.rs`: the one wasmtime engine and its settings;
//! - `tier.rs`: [`WasmtimeTier`], a module instantiated and called;
//! - `tier_up.rs`: [`TierUp`], when to compile and what it cost.

mod engine;
mod tier;
mod tier_up;

pub use tier::{Figures, WasmtimeTier};
pub use tier_up::{TierUp, TierUpReport, HOT_STEPS};
