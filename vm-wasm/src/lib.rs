//! WebAssembly bindings of vm-core for the simple-vm playground.
//!
//! Thin by design: no language logic lives here, only conversion to plain JavaScript
//! data ([`convert`]), the compiled program as rows ([`disasm`]), the static stack effects as an editor shows them ([`effects`]), session state ([`session`]), the console's REPL session ([`console`]), the WebAssembly tier in the browser ([`tier`]), the stack over time ([`timeline`]), the TypeScript declarations of the results ([`types`]) and the exported functions and class
//! ([`api`]). Numbers of the language cross as decimal strings, exactly.

pub mod api;
pub mod console;
pub mod convert;
pub mod disasm;
pub mod effects;
pub mod session;
pub mod tier;
pub mod timeline;
pub mod types;

pub use api::{
    check, compile, effects, entry_open, format, ops, tier_module, version, Console, Session,
};
pub use disasm::disasm;
