//! A host of the WebAssembly tier for tests: validates the compiled module with
//! `wasmparser` and runs it in `wasmi`, a WebAssembly engine written in Rust. Its
//! memory is not the machine's, so each call copies the stack storage, the frames and
//! the state words in, and copies them back after.

use vm_core::tier::{self, Compiled, STATUS_STOPPED};
use vm_core::{Program, Tier, TierCall};
use wasmi::{Engine, Linker, Memory, MemoryType, Module, Store, TypedFunc};

/// A compiled module of one program, instantiated in `wasmi`.
pub struct WasmiTier {
    store: Store<()>,
    memory: Memory,
    run: TypedFunc<(i32, i32, i32, i32), i32>,
    /// The module, for messages.
    pub compiled: Compiled,
    /// What [`Tier::backs_off`] says: no by default here, so that tests can count on the
    /// module running every block the block runner would.
    pub backs_off: bool,
    /// The calls into the module.
    pub entries: u64,
}

const PAGE: usize = 65536;

impl WasmiTier {
    /// Compiles `p`, validates the module and instantiates it; panics (failing the
    /// test) if the module is not valid.
    pub fn new(p: &Program) -> WasmiTier {
        let compiled = tier::compile(p);
        let bytes = compiled.bytes.clone();
        WasmiTier::with_bytes(compiled, &bytes)
    }

    /// Validates and instantiates `bytes`: the module of `compiled`, or another made
    /// from it (from its text).
    pub fn with_bytes(compiled: Compiled, bytes: &[u8]) -> WasmiTier {
        if let Err(e) = wasmparser::validate(bytes) {
            panic!("invalid module: {e}\n{}", compiled.text);
        }
        let engine = Engine::default();
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
        WasmiTier {
            store,
            memory,
            run,
            compiled,
            backs_off: false,
            entries: 0,
        }
    }
}

impl Tier for WasmiTier {
    fn backs_off(&self) -> bool {
        self.backs_off
    }

    fn enter(&mut self, call: &mut TierCall<'_>) -> u32 {
        self.entries += 1;
        let tags = call.tag_bytes();
        let bits: Vec<u8> = call.bits().iter().flat_map(|b| b.to_le_bytes()).collect();
        let frames: Vec<u8> = call
            .frame_words()
            .iter()
            .flat_map(|w| w.to_le_bytes())
            .collect();
        let state: Vec<u8> = call.state().iter().flat_map(|w| w.to_le_bytes()).collect();
        // State at 8, tags after it, then bits (8-aligned), then frames.
        let state_at = 8;
        let tags_at = state_at + state.len();
        let bits_at = (tags_at + tags.len()).next_multiple_of(8);
        let frames_at = bits_at + bits.len();
        let end = frames_at + frames.len();
        let size = self.memory.size(&self.store) as usize * PAGE;
        if end > size {
            let more = (end - size).div_ceil(PAGE) as u64;
            self.memory.grow(&mut self.store, more).expect("grow");
        }
        for (at, bytes) in [
            (state_at, &state),
            (tags_at, &tags),
            (bits_at, &bits),
            (frames_at, &frames),
        ] {
            self.memory
                .write(&mut self.store, at, bytes)
                .expect("write");
        }
        let status = match self.run.call(
            &mut self.store,
            (
                tags_at as i32,
                bits_at as i32,
                frames_at as i32,
                state_at as i32,
            ),
        ) {
            Ok(s) => s as u32,
            Err(e) => panic!("the module trapped: {e}"),
        };
        let read = |at: usize, len: usize| {
            let mut v = vec![0u8; len];
            self.memory.read(&self.store, at, &mut v).expect("read");
            v
        };
        let new_state = read(state_at, state.len());
        let new_tags = read(tags_at, tags.len());
        let new_bits = read(bits_at, bits.len());
        let new_frames = read(frames_at, frames.len());
        for (w, b) in call.state().iter_mut().zip(new_state.chunks_exact(8)) {
            *w = u64::from_le_bytes(b.try_into().unwrap());
        }
        assert!(call.set_tag_bytes(&new_tags), "the module wrote a bad tag");
        for (w, b) in call.bits().iter_mut().zip(new_bits.chunks_exact(8)) {
            *w = u64::from_le_bytes(b.try_into().unwrap());
        }
        let words: Vec<u32> = new_frames
            .chunks_exact(4)
            .map(|b| u32::from_le_bytes(b.try_into().unwrap()))
            .collect();
        call.set_frame_words(&words);
        let _ = STATUS_STOPPED;
        status
    }
}
