//! The wasmtime engine every module of a process is compiled by.

use std::sync::OnceLock;

use wasmtime::{Config, Engine, OptLevel};

/// The process's engine, made on first use (its settings cost about a millisecond; a
/// run that never gets hot never makes it).
pub(crate) fn engine() -> Result<&'static Engine, String> {
    static ENGINE: OnceLock<Result<Engine, String>> = OnceLock::new();
    ENGINE
        .get_or_init(|| {
            let mut config = Config::new();
            config.cranelift_opt_level(OptLevel::Speed);
            Engine::new(&config).map_err(|e| format!("{e:#}"))
        })
        .as_ref()
        .map_err(Clone::clone)
}
