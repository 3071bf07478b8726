//! A host of the WebAssembly tier for tests: validates the compiled module with
//! `wasmparser` and runs it in one of two engines, chosen by the environment variable
//! `SVM_TEST_ENGINE`:
//!
//! - `wasmi` (the default): an interpreter of WebAssembly written in Rust;
//! - `wasmtime`: the module compiled to machine code by Cranelift, as `svm` runs it
//!   (`vm-wasmtime`'s [`WasmtimeTier`]).
//!
//! Neither engine's memory is the machine's, so each call copies the state words and
//! the parts of the stack and frames in use in, and back after
//! ([`TierCall::write_image`]). A module that traps or writes a bad tag fails the test.

use std::sync::OnceLock;

use vm_core::tier::{self, Compiled};
use vm_core::{Program, Tier, TierCall};
use vm_wasmtime::WasmtimeTier;
use wasmi::{Linker, Memory, MemoryType, Module, Store, TypedFunc};

/// A compiled module of one program, instantiated in the engine of `SVM_TEST_ENGINE`.
pub struct TestTier {
    engine: Engine,
    /// The module, for messages.
    pub compiled: Compiled,
    /// What [`Tier::backs_off`] says: no by default here, so that tests can count on the
    /// module running every block the block runner would.
    pub backs_off: bool,
    /// The calls into the module.
    pub entries: u64,
}

enum Engine {
    Wasmi(Box<Wasmi>),
    Wasmtime(Box<WasmtimeTier>),
}

struct Wasmi {
    store: Store<()>,
    memory: Memory,
    run: TypedFunc<(i32, i32, i32, i32), i32>,
}

/// Which engine runs the modules: `wasmi` or `wasmtime`, from `SVM_TEST_ENGINE`.
pub fn engine_name() -> &'static str {
    static NAME: OnceLock<&'static str> = OnceLock::new();
    NAME.get_or_init(|| match std::env::var("SVM_TEST_ENGINE").as_deref() {
        Err(_) | Ok("" | "wasmi") => "wasmi",
        Ok("wasmtime") => "wasmtime",
        Ok(other) => panic!("SVM_TEST_ENGINE={other}: wasmi or wasmtime"),
    })
}

const PAGE: usize = 65536;

impl TestTier {
    /// Compiles `p`, validates the module and instantiates it; panics (failing the
    /// test) if the module is not valid.
    pub fn new(p: &Program) -> TestTier {
        let compiled = tier::compile(p);
        let bytes = compiled.bytes.clone();
        TestTier::with_bytes(compiled, &bytes)
    }

    /// Validates and instantiates `bytes`: the module of `compiled`, or another made
    /// from it (from its text).
    pub fn with_bytes(compiled: Compiled, bytes: &[u8]) -> TestTier {
        if let Err(e) = wasmparser::validate(bytes) {
            panic!("invalid module: {e}\n{}", compiled.text);
        }
        let engine = match engine_name() {
            "wasmtime" => {
                let mut t = WasmtimeTier::with_bytes(&compiled, bytes)
                    .unwrap_or_else(|e| panic!("wasmtime refused the module: {e}"));
                t.set_backs_off(false);
                Engine::Wasmtime(Box::new(t))
            }
            _ => {
                let engine = wasmi::Engine::default();
                let module = Module::new(&engine, bytes).expect("module");
                let mut store = Store::new(&engine, ());
                let memory = Memory::new(&mut store, MemoryType::new(1, None)).expect("memory");
                let mut linker = Linker::new(&engine);
                linker.define("env", "memory", memory).expect("define");
                let instance = linker
                    .instantiate_and_start(&mut store, &module)
                    .expect("instantiate");
                let run = instance
                    .get_typed_func::<(i32, i32, i32, i32), i32>(&store, "run")
                    .expect("run");
                Engine::Wasmi(Box::new(Wasmi { store, memory, run }))
            }
        };
        TestTier {
            engine,
            compiled,
            backs_off: false,
            entries: 0,
        }
    }
}

impl Tier for TestTier {
    fn backs_off(&self) -> bool {
        self.backs_off
    }

    fn enter(&mut self, call: &mut TierCall<'_>) -> u32 {
        self.entries += 1;
        match &mut self.engine {
            Engine::Wasmtime(t) => {
                let status = t.enter(call);
                if let Some(why) = &t.figures().failed {
                    panic!("{why}");
                }
                status
            }
            Engine::Wasmi(w) => {
                let Wasmi { store, memory, run } = &mut **w;
                let image = call.image(8);
                let size = memory.size(&*store) as usize * PAGE;
                if image.end > size {
                    let more = (image.end - size).div_ceil(PAGE) as u64;
                    memory.grow(&mut *store, more).expect("grow");
                }
                call.write_image(&image, memory.data_mut(&mut *store));
                let [tags, bits, frames, state] = image.arguments().map(|a| a as i32);
                let status = match run.call(&mut *store, (tags, bits, frames, state)) {
                    Ok(s) => s as u32,
                    Err(e) => panic!("the module trapped: {e}"),
                };
                assert!(
                    call.read_image(&image, memory.data(&*store)),
                    "the module wrote a bad tag"
                );
                status
            }
        }
    }
}
