//! [`WasmtimeTier`]: a program's module compiled by wasmtime and called by the machine.

use std::time::{Duration, Instant};

use vm_core::tier::{self, Compiled, STATUS_STOPPED};
use vm_core::{Program, Tier, TierCall};
use wasmtime::{Memory, MemoryType, Module, Store, TypedFunc};

use crate::engine::engine;

/// A WebAssembly page.
const PAGE: usize = 65_536;

/// The module of one program, compiled to machine code and instantiated, with its own
/// memory. Each call into it copies the registers and the parts of the stack and frames
/// in use into that memory and back ([`TierCall::write_image`]): the machine's storage
/// is not the module's memory here, as it is in the page.
pub struct WasmtimeTier {
    store: Store<()>,
    memory: Memory,
    run: TypedFunc<(i32, i32, i32, i32), i32>,
    backs_off: bool,
    figures: Figures,
}

/// What a [`WasmtimeTier`] cost and did.
#[derive(Clone, Debug, Default, PartialEq, Eq)]
pub struct Figures {
    /// Blocks compiled into the module.
    pub blocks: u32,
    /// Blocks left to the block runner.
    pub declined: u32,
    /// The module's functions.
    pub functions: usize,
    /// The module's size in bytes.
    pub bytes: usize,
    /// Time to make the module (vm-core's code generator).
    pub generate: Duration,
    /// Time for wasmtime to compile and instantiate it (with `engine`).
    pub compile: Duration,
    /// Of `compile`, the time to set up wasmtime's engine (once a process).
    pub engine: Duration,
    /// Calls into the module.
    pub entries: u64,
    /// Why the module stopped being called, if it did: it trapped or wrote a value
    /// that is not one (neither happens unless the code generator is wrong; the
    /// machine then goes on without it, with its state as before that call).
    pub failed: Option<String>,
}

impl WasmtimeTier {
    /// Compiles `program`'s blocks into a module ([`vm_core::tier::compile_module`]) and
    /// has wasmtime compile and instantiate it.
    pub fn new(program: &Program) -> Result<WasmtimeTier, String> {
        let started = Instant::now();
        let compiled = tier::compile_module(program);
        let generate = started.elapsed();
        let mut t = WasmtimeTier::with_bytes(&compiled, &compiled.bytes)?;
        t.figures.generate = generate;
        Ok(t)
    }

    /// Compiles and instantiates `bytes`: the module of `compiled`, or one made from it
    /// (from its text, say).
    pub fn with_bytes(compiled: &Compiled, bytes: &[u8]) -> Result<WasmtimeTier, String> {
        let started = Instant::now();
        let engine = engine()?;
        let engine_time = started.elapsed();
        let module = Module::new(engine, bytes).map_err(|e| format!("{e:#}"))?;
        let mut store = Store::new(engine, ());
        let memory =
            Memory::new(&mut store, MemoryType::new(1, None)).map_err(|e| format!("{e:#}"))?;
        let instance = wasmtime::Instance::new(&mut store, &module, &[memory.into()])
            .map_err(|e| format!("{e:#}"))?;
        let run = instance
            .get_typed_func::<(i32, i32, i32, i32), i32>(&mut store, "run")
            .map_err(|e| format!("{e:#}"))?;
        Ok(WasmtimeTier {
            store,
            memory,
            run,
            backs_off: true,
            figures: Figures {
                blocks: compiled.blocks,
                declined: compiled.declined,
                functions: compiled.functions.len(),
                bytes: bytes.len(),
                compile: started.elapsed(),
                engine: engine_time,
                ..Figures::default()
            },
        })
    }

    /// What [`Tier::backs_off`] says (yes by default: a call copies the stack in use,
    /// so a program that leaves the module at once each time is faster without it).
    /// Tests say no, so that the module runs every block the block runner would.
    pub fn set_backs_off(&mut self, backs_off: bool) {
        self.backs_off = backs_off;
    }

    /// What it cost and did so far.
    pub fn figures(&self) -> &Figures {
        &self.figures
    }

    /// Memory of at least `bytes`, or why not.
    fn reserve(&mut self, bytes: usize) -> Result<(), String> {
        let size = self.memory.data_size(&self.store);
        if bytes > size {
            let more = (bytes - size).div_ceil(PAGE) as u64;
            self.memory
                .grow(&mut self.store, more)
                .map_err(|e| format!("{e:#}"))?;
        }
        Ok(())
    }
}

impl Tier for WasmtimeTier {
    fn backs_off(&self) -> bool {
        self.backs_off
    }

    fn enter(&mut self, call: &mut TierCall<'_>) -> u32 {
        if self.figures.failed.is_some() {
            return STATUS_STOPPED;
        }
        self.figures.entries += 1;
        let image = call.image(8);
        // The module's addresses are 32-bit.
        if image.end > u32::MAX as usize {
            return STATUS_STOPPED;
        }
        if let Err(e) = self.reserve(image.end) {
            self.figures.failed = Some(format!("memory for the stack: {e}"));
            return STATUS_STOPPED;
        }
        call.write_image(&image, self.memory.data_mut(&mut self.store));
        let [tags, bits, frames, state] = image.arguments().map(|a| a as u32 as i32);
        match self.run.call(&mut self.store, (tags, bits, frames, state)) {
            Ok(status) if call.read_image(&image, self.memory.data(&self.store)) => status as u32,
            Ok(_) => {
                self.figures.failed = Some("the module wrote a value that is not one".into());
                STATUS_STOPPED
            }
            Err(e) => {
                self.figures.failed = Some(format!("the module trapped: {e:#}"));
                STATUS_STOPPED
            }
        }
    }
}
