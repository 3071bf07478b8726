//! The WebAssembly tier in the browser: vm-core's module of a program's blocks
//! ([`vm_core::tier::compile`]) compiled and instantiated by the JavaScript engine on this
//! module's own memory, and called at block starts ([`vm_core::Tier`]).
//!
//! Compiling and instantiating are synchronous (`new WebAssembly.Module`, `new
//! WebAssembly.Instance`): allowed for modules of any size in a Web Worker (the page's
//! runner), limited to 4 KB on a browser's main thread. When either fails, the session
//! runs without the tier and says why ([`TierInfo::error`]); nothing panics.

use js_sys::{Object, Reflect, Uint8Array, WebAssembly};
use vm_core::tier::{Compiled, STATUS_STOPPED};
use vm_core::{Tier, TierCall};
use wasm_bindgen::prelude::*;
use wasm_bindgen::JsCast;

#[wasm_bindgen]
extern "C" {
    /// The module's export `run(tags, bits, frames, state) -> status`.
    #[wasm_bindgen(extends = js_sys::Function)]
    type RunExport;

    /// `run.call(undefined, tags, bits, frames, state)`, without an array per call.
    #[wasm_bindgen(method, catch, js_name = call)]
    fn call4(
        this: &RunExport,
        this_arg: &JsValue,
        tags: u32,
        bits: u32,
        frames: u32,
        state: u32,
    ) -> Result<i32, JsValue>;
}

/// What was compiled for a session with the `tier` option, and whether it runs.
#[derive(serde::Serialize, Debug, Clone, Default)]
#[serde(rename_all = "camelCase")]
pub struct TierInfo {
    /// Blocks compiled into the module.
    pub blocks: u32,
    /// Blocks left to the block runner.
    pub declined: u32,
    /// The module's functions: one per label (`main` before the first; a label of many
    /// blocks has several), in order.
    pub functions: Vec<TierFunction>,
    /// The module's size in bytes.
    pub bytes: usize,
    /// Milliseconds to make, compile and instantiate the module.
    pub ms: f64,
    /// Why the session runs without the tier (then every other field may be 0), or
    /// `None` when it runs with it.
    pub error: Option<String>,
}

/// One function of the module.
#[derive(serde::Serialize, Debug, Clone)]
pub struct TierFunction {
    /// The label's name, or `main`.
    pub name: String,
    /// The blocks it runs.
    pub blocks: u32,
}

impl TierInfo {
    /// The figures of `compiled` (without the time).
    pub fn of(compiled: &Compiled) -> TierInfo {
        TierInfo {
            blocks: compiled.blocks,
            declined: compiled.declined,
            functions: compiled
                .functions
                .iter()
                .map(|f| TierFunction {
                    name: f.name.clone(),
                    blocks: f.blocks,
                })
                .collect(),
            bytes: compiled.bytes.len(),
            ms: 0.0,
            error: None,
        }
    }
}

/// A module's text, cut to a size: what `tierText` and `tierModule` give.
#[derive(serde::Serialize, Debug)]
pub struct TierText {
    /// The text, at most the characters asked for.
    pub text: String,
    /// The whole text's length in characters.
    pub size: usize,
    /// Whether `text` is cut short.
    pub cut: bool,
}

impl TierText {
    /// The first `max_chars` characters of `text`, and its whole size.
    pub fn new(text: &str, max_chars: usize) -> TierText {
        let size = text.chars().count();
        let end = text
            .char_indices()
            .nth(max_chars)
            .map_or(text.len(), |(i, _)| i);
        TierText {
            text: text[..end].to_string(),
            size,
            cut: end < text.len(),
        }
    }
}

/// A compiled module instantiated by the JavaScript engine, sharing this module's memory.
pub struct JsTier {
    run: RunExport,
    /// Why the module stopped being used (it threw), if it did.
    pub failed: Option<String>,
}

/// The message of a thrown JavaScript value (`CompileError: …`).
fn message(e: &JsValue) -> String {
    e.dyn_ref::<js_sys::Error>()
        .map(|e| {
            let name = e.name().as_string().unwrap_or_default();
            let message = e.message().as_string().unwrap_or_default();
            if name.is_empty() {
                message
            } else {
                format!("{name}: {message}")
            }
        })
        .or_else(|| e.as_string())
        .unwrap_or_else(|| "an exception that is not an Error".to_string())
}

impl JsTier {
    /// Compiles and instantiates `bytes` with this module's memory as `env.memory`;
    /// the engine's message when it cannot.
    pub fn new(bytes: &[u8]) -> Result<JsTier, String> {
        let module = WebAssembly::Module::new(&Uint8Array::from(bytes).into())
            .map_err(|e| format!("the module did not compile: {}", message(&e)))?;
        let env = Object::new();
        let imports = Object::new();
        // Setting properties of new, ordinary objects cannot fail.
        let _ = Reflect::set(&env, &"memory".into(), &wasm_bindgen::memory());
        let _ = Reflect::set(&imports, &"env".into(), &env);
        let instance = WebAssembly::Instance::new(&module, &imports)
            .map_err(|e| format!("the module could not be instantiated: {}", message(&e)))?;
        let run = Reflect::get(&instance.exports(), &"run".into())
            .ok()
            .filter(|f| f.is_function())
            .ok_or("the module has no `run` function")?;
        Ok(JsTier {
            run: run.unchecked_into(),
            failed: None,
        })
    }
}

impl Tier for JsTier {
    fn enter(&mut self, call: &mut TierCall<'_>) -> u32 {
        if self.failed.is_some() {
            return STATUS_STOPPED;
        }
        let before = *call.state();
        let [tags, bits, frames, state] = call.addresses().map(|a| a as u32);
        match self
            .run
            .call4(&JsValue::UNDEFINED, tags, bits, frames, state)
        {
            Ok(status) => status as u32,
            Err(e) => {
                // A trap is a bug of the module: the machine goes on without it, from
                // the registers as they were.
                *call.state() = before;
                self.failed = Some(format!("the module failed: {}", message(&e)));
                STATUS_STOPPED
            }
        }
    }
}

/// The module of a program, for reading: what `tierModule` gives.
#[derive(serde::Serialize, Debug)]
#[serde(rename_all = "camelCase")]
pub struct TierModule {
    /// Whether the program compiled (else only `diagnostics`).
    pub ok: bool,
    /// The program's compile errors.
    pub diagnostics: Vec<crate::convert::JsDiagnostic>,
    /// What the module holds (`ms` is 0: nothing was instantiated).
    pub info: TierInfo,
    /// Its text, cut to the size asked for.
    pub text: TierText,
}

impl TierModule {
    /// Compiles `source` and its module; the text cut to `max_chars` characters.
    pub fn new(source: &str, max_chars: usize) -> TierModule {
        match vm_core::compile(source) {
            Ok(program) => {
                let compiled = vm_core::tier::compile(&program);
                TierModule {
                    ok: true,
                    diagnostics: Vec::new(),
                    info: TierInfo::of(&compiled),
                    text: TierText::new(&compiled.text, max_chars),
                }
            }
            Err(ds) => {
                let index = crate::convert::LineIndex::new(source);
                TierModule {
                    ok: false,
                    diagnostics: ds
                        .iter()
                        .map(|d| crate::convert::JsDiagnostic::new(d, &index))
                        .collect(),
                    info: TierInfo::default(),
                    text: TierText::new("", 0),
                }
            }
        }
    }
}
