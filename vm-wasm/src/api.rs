//! What JavaScript sees: `compile`, `format`, `ops`, `version` and the `Session` class,
//! named in camelCase as JavaScript names things (`js_name`; the Rust names stay
//! snake_case).

use js_sys::{Array, BigUint64Array, Float64Array};
use serde::Serialize;
use wasm_bindgen::prelude::*;
use wasm_bindgen::JsCast;

use crate::console::ConsoleCore;
use crate::convert::{self, JsCompiled, JsDiagnostic, LineIndex};
use crate::effects::{JsCheck, JsEffects};
use crate::session::{read_budget, unknown_options, Core, Options, SetupError};
use crate::tier::{JsTier, TierModule};

/// Installs the panic hook once, when the module starts: a panic (a bug) shows its
/// message and the JavaScript stack in the console instead of "unreachable".
#[wasm_bindgen(start)]
pub fn start() {
    console_error_panic_hook::set_once();
}

pub(crate) fn to_js<T: Serialize>(value: &T) -> JsValue {
    let serializer = serde_wasm_bindgen::Serializer::new()
        .serialize_missing_as_null(true)
        .serialize_maps_as_objects(true);
    value.serialize(&serializer).unwrap_or(JsValue::NULL)
}

/// A JavaScript `Error` with `message` and a `kind` property: what every function of
/// the package throws (`compile`, `args`, `options`, `budget`), so that a caller gets a
/// stack and `instanceof Error` and can still tell the kinds apart.
fn error(kind: &str, message: &str) -> js_sys::Error {
    let e = js_sys::Error::new(message);
    // Setting a property of a new, ordinary object cannot fail.
    let _ = js_sys::Reflect::set(&e, &JsValue::from_str("kind"), &JsValue::from_str(kind));
    e
}

/// The `Error` thrown for compile or argument errors: its `diagnostics` as `compile`
/// gives them, the first one in its message.
fn setup_error(e: &SetupError) -> JsValue {
    let thrown = error(e.kind, &e.message());
    let _ = js_sys::Reflect::set(
        &thrown,
        &JsValue::from_str("diagnostics"),
        &to_js(&e.diagnostics),
    );
    thrown.into()
}

/// Compiles `source`: `{ ok, diagnostics: [{message, line, column, endLine, endColumn,
/// from, to, notes}], labels }` (the compiled program itself: [`crate::disasm::disasm`]).
#[wasm_bindgen(unchecked_return_type = "Compiled")]
pub fn compile(source: &str) -> JsValue {
    to_js(&JsCompiled::new(
        &vm_core::compile(source),
        &LineIndex::new(source),
    ))
}

/// `source` in the canonical layout (`svm fmt`). Throws an `Error` with `kind:
/// "compile"` and the `diagnostics`, as the `Session` constructor does, when it has
/// lexical errors.
#[wasm_bindgen]
pub fn format(source: &str) -> Result<String, JsValue> {
    vm_core::format(source).map_err(|ds| {
        let index = LineIndex::new(source);
        setup_error(&SetupError {
            kind: "compile",
            diagnostics: ds.iter().map(|d| JsDiagnostic::new(d, &index)).collect(),
        })
    })
}

/// The static stack effects of `source`, as an editor shows them: `{ ok, complete, args,
/// program, lines: [{ line, to, before, after, routine }], labels: [{ name, effect,
/// called }], warnings }` (see [`crate::effects`]). The analysis processes at most
/// `budget` instructions (a whole number; past it `complete` is false and nothing is
/// claimed), so that its time stays short on a page's main thread.
#[wasm_bindgen(unchecked_return_type = "StackEffects")]
pub fn effects(source: &str, budget: f64) -> JsValue {
    to_js(&JsEffects::new(source, analysis_budget(budget)))
}

/// `{ compiled, effects }`: what `compile(source)` and `effects(source, budget)` give
/// (`effects` null when the program does not compile), from one compilation.
#[wasm_bindgen(unchecked_return_type = "Checked")]
pub fn check(source: &str, budget: f64) -> JsValue {
    to_js(&JsCheck::new(source, analysis_budget(budget)))
}

/// An analysis budget from JavaScript: a budget that is not a whole number from 0 up is
/// taken as none (nothing claimed).
fn analysis_budget(budget: f64) -> u64 {
    if budget.is_finite() && budget >= 0.0 {
        budget as u64
    } else {
        0
    }
}

/// The operation reference: `[{ name, effect, doc, example }]`, from vm-core's op table.
#[wasm_bindgen(unchecked_return_type = "Op[]")]
pub fn ops() -> JsValue {
    to_js(&convert::ops())
}

/// The WebAssembly module the `tier` option would run for `source`, compiled but not
/// instantiated: `{ ok, diagnostics, info, text }` (`info` as `Session.tier()` gives it,
/// `text` as `Session.tierText(maxChars)`).
#[wasm_bindgen(js_name = tierModule, unchecked_return_type = "TierModule")]
pub fn tier_module(source: &str, max_chars: u32) -> JsValue {
    to_js(&TierModule::new(source, max_chars as usize))
}

/// The version of the language and its machine.
#[wasm_bindgen]
pub fn version() -> String {
    env!("CARGO_PKG_VERSION").to_string()
}

/// Milliseconds from the page's (or worker's) `performance` clock.
fn now() -> f64 {
    #[cfg(target_arch = "wasm32")]
    {
        js_sys::Reflect::get(&js_sys::global(), &JsValue::from_str("performance"))
            .ok()
            .and_then(|p| p.dyn_into::<web_sys::Performance>().ok())
            .map_or(0.0, |p| p.now())
    }
    #[cfg(not(target_arch = "wasm32"))]
    {
        0.0
    }
}

/// Reads the options of a session: a plain object whose fields may each be missing,
/// `null` or `undefined` (then the default applies); `undefined` or `null` for all
/// defaults. A key that is not an option is an error (a misspelt option would
/// otherwise be ignored without a word). Read by hand rather than through serde: serde's errors format the floating
/// point number they found, which pulls float formatting (18 KB) into the module.
fn read_options(options: &JsValue) -> Result<Options, String> {
    if options.is_undefined() || options.is_null() {
        return Ok(Options::default());
    }
    if !options.is_object() {
        return Err("expected an object".to_string());
    }
    let keys: Vec<String> = js_sys::Object::keys(options.unchecked_ref::<js_sys::Object>())
        .iter()
        .filter_map(|k| k.as_string())
        .collect();
    if let Some(unknown) = unknown_options(&keys) {
        return Err(unknown);
    }
    let field = |name: &str| -> Result<Option<JsValue>, String> {
        let v = js_sys::Reflect::get(options, &JsValue::from_str(name))
            .map_err(|_| format!("`{name}` cannot be read"))?;
        Ok((!v.is_undefined() && !v.is_null()).then_some(v))
    };
    let count = |name: &str| -> Result<Option<usize>, String> {
        field(name)?
            .map(|v| {
                whole_number(v)
                    .and_then(|n| usize::try_from(n).ok())
                    .ok_or_else(|| {
                        format!("`{name}` must be a whole number from 0 to {}", usize::MAX)
                    })
            })
            .transpose()
    };
    Ok(Options {
        max_stack: count("maxStack")?,
        max_calls: count("maxCalls")?,
        max_steps: field("maxSteps")?
            .map(|v| v.as_f64().ok_or("`maxSteps` must be a number"))
            .transpose()?,
        max_output: count("maxOutput")?,
        history: count("history")?,
        profile: field("profile")?
            .map(|v| v.as_bool().ok_or("`profile` must be true or false"))
            .transpose()?,
        record: count("record")?,
        tier: field("tier")?
            .map(|v| v.as_bool().ok_or("`tier` must be true or false"))
            .transpose()?,
    })
}

/// A non-negative safe integer (a number) or a `BigInt` that fits in a `u64`.
fn whole_number(v: JsValue) -> Option<u64> {
    if v.is_bigint() {
        u64::try_from(v).ok()
    } else if js_sys::Number::is_safe_integer(&v) {
        v.as_f64().filter(|n| *n >= 0.0).map(|n| n as u64)
    } else {
        None
    }
}

/// The budget of `run`, `stepOver` or `stepOut`, or the `Error` to throw.
fn budget_arg(budget: f64) -> Result<u64, JsValue> {
    read_budget(budget).map_err(|message| error("budget", message).into())
}

/// A program being run: made from source and an argument string, run in slices.
#[wasm_bindgen]
pub struct Session {
    core: Core,
}

#[wasm_bindgen]
impl Session {
    /// Compiles `source` and reads `args` (literals, as on the command line). `options`
    /// may set `maxStack`, `maxCalls`, `maxSteps`, `maxOutput` (bytes), `history`
    /// (steps that `stepBack` can undo; the debugger), `profile` (bool), `record` (the
    /// timeline) and `tier` (bool: run the program's blocks in a WebAssembly module made
    /// for it; see `tier()`). Throws an
    /// `Error` with `kind: "options"` (`bad options: …`) naming the field when one is of
    /// the wrong kind or is not an option (and the option meant, when one is close), and
    /// one with `kind: "compile" | "args"` and the `diagnostics` when the source or the
    /// arguments have errors.
    #[wasm_bindgen(constructor)]
    pub fn new(
        source: &str,
        args: &str,
        #[wasm_bindgen(unchecked_param_type = "SessionOptions | null | undefined")]
        options: JsValue,
    ) -> Result<Session, JsValue> {
        let options = read_options(&options)
            .map_err(|e| JsValue::from(error("options", &format!("bad options: {e}"))))?;
        let tier = options.tier.unwrap_or(false);
        let mut core = Core::new(source, args, options).map_err(|e| setup_error(&e))?;
        if tier {
            core.use_tier(JsTier::new, now);
        }
        Ok(Session { core })
    }

    /// What was compiled for a session made with `tier: true`, else `null`: `{ blocks,
    /// declined, functions: [{ name, blocks }], bytes, ms, error }`; `error` says why
    /// the session runs without the tier (the module did not compile or instantiate, or
    /// the session records history, a profile or its steps), `null` when it runs with it.
    #[wasm_bindgen(unchecked_return_type = "TierInfo | null")]
    pub fn tier(&self) -> JsValue {
        to_js(&self.core.tier_info())
    }

    /// The steps run in the tier's module so far (the rest ran in the interpreter).
    #[wasm_bindgen(js_name = tierSteps)]
    pub fn tier_steps(&self) -> f64 {
        self.core.tier_steps()
    }

    /// The tier's module as WebAssembly text (each label's function named after it):
    /// `{ text, size, cut }`, at most `maxChars` characters, `size` the whole text's;
    /// empty without the tier.
    #[wasm_bindgen(js_name = tierText, unchecked_return_type = "TierText")]
    pub fn tier_text(&self, max_chars: u32) -> JsValue {
        to_js(&self.core.tier_text(max_chars as usize))
    }

    /// Runs at most `budget` steps. Returns `{ status, output, steps, timeMs, exitCode,
    /// ms, error }`: status is `halted` (with `exitCode`, a decimal string), `paused`
    /// (budget used; call again), `needs_input` (call `provideInput` or `endInput`),
    /// `sleeping` (with `ms`; call again when done waiting) or `error` (with `error`:
    /// message, span, trace, stack, rendered). `output` is what was printed since the
    /// previous call.
    ///
    /// `budget` is a whole number from 0 to `Number.MAX_SAFE_INTEGER`; anything else
    /// (`NaN`, `Infinity`, negative, fractional, larger) throws an `Error` with `kind:
    /// "budget"` saying which.
    #[wasm_bindgen(unchecked_return_type = "RunResult")]
    pub fn run(&mut self, budget: f64) -> Result<JsValue, JsValue> {
        Ok(to_js(&self.core.run(budget_arg(budget)?, now)))
    }

    /// Runs one instruction; the same status as `run` (`reason: "step"`).
    #[wasm_bindgen(unchecked_return_type = "RunResult")]
    pub fn step(&mut self) -> JsValue {
        to_js(&self.core.step(now))
    }

    /// Runs the `call` at the position until it returns (one instruction when the next
    /// is not a `call`); pauses at breakpoints. At most `budget` steps: with `reason:
    /// "budget"` call `run` to go on waiting for the return.
    /// Throws for a budget that `run` rejects.
    #[wasm_bindgen(js_name = stepOver, unchecked_return_type = "RunResult")]
    pub fn step_over(&mut self, budget: f64) -> Result<JsValue, JsValue> {
        Ok(to_js(&self.core.step_over(budget_arg(budget)?, now)))
    }

    /// Runs until the innermost call returns; like `stepOver` otherwise.
    #[wasm_bindgen(js_name = stepOut, unchecked_return_type = "RunResult")]
    pub fn step_out(&mut self, budget: f64) -> Result<JsValue, JsValue> {
        Ok(to_js(&self.core.step_out(budget_arg(budget)?, now)))
    }

    /// Step `step` of the record of a session made with the `record` option (0: the
    /// start): `[numbers, values, last]`, or `null` without the option. `numbers`
    /// (a `Float64Array`): the record's size `[steps, headEnd, tailStart, leftOut, keep]`
    /// (steps `1..=headEnd` and `tailStart..=steps` are kept), then for a kept step `[pc,
    /// popped, output, depth]` and the step and pc that pushed each of its top
    /// `maxValues` values (pc -1 for step 0 and for an argument; `output` in bytes of
    /// UTF-8). `values`: those values, bottom first, strings cut to 24 characters with
    /// their size. `last`, with `lastSteps`: the last step that ran each instruction (by
    /// pc, 0 for none; a `BigUint64Array`), else `null`. One method for all of it: the module stays small.
    #[wasm_bindgen(js_name = timelineStep, unchecked_return_type = "TimelineStep | null")]
    pub fn timeline_step(&self, step: f64, max_values: u32, last_steps: bool) -> JsValue {
        let Some(r) = self.core.record() else {
            return JsValue::NULL;
        };
        let (numbers, values) = crate::timeline::step(r, step.max(0.0) as u64, max_values as usize);
        let last = if last_steps {
            BigUint64Array::from(r.last_steps()).into()
        } else {
            JsValue::NULL
        };
        Array::of3(&Float64Array::from(&numbers[..]), &to_js(&values), &last).into()
    }

    /// Forgets a step over or step out still waiting for its call to return (a pause
    /// during a long step over: a later `run` then stops only at breakpoints).
    #[wasm_bindgen(js_name = cancelStep)]
    pub fn cancel_step(&mut self) {
        self.core.cancel_step();
    }

    /// Undoes the last step (sessions made with the `history` option): stacks, position,
    /// steps and input are as before it; `outputRemoved` says how many UTF-16 units to
    /// remove from the end of the output shown. `reason: "history_empty"` when there is
    /// nothing left to undo.
    #[wasm_bindgen(js_name = stepBack, unchecked_return_type = "RunResult")]
    pub fn step_back(&mut self) -> JsValue {
        to_js(&self.core.step_back())
    }

    /// Sets breakpoints on these source lines (replacing earlier ones); `run`, `stepOver`
    /// and `stepOut` pause before the first instruction of such a line (`reason:
    /// "breakpoint"`). Returns the lines that have an instruction to stop at.
    #[wasm_bindgen(js_name = setBreakpoints)]
    pub fn set_breakpoints(&mut self, lines: Vec<u32>) -> Vec<u32> {
        self.core.set_breakpoints(&lines)
    }

    /// The profile so far (sessions made with `profile: true`), else `null`: `{ folded,
    /// lines: [{ line, count }], total }`; `folded` has one `main;fib;recur 1234` line
    /// per call path.
    #[wasm_bindgen(unchecked_return_type = "Profile | null")]
    pub fn profile(&self) -> JsValue {
        to_js(&self.core.profile())
    }

    /// The top `n` values of the data stack, bottom first (cheap on a deep stack).
    #[wasm_bindgen(js_name = stackTop, unchecked_return_type = "ValueView[]")]
    pub fn stack_top(&self, n: u32) -> JsValue {
        to_js(&self.core.stack_top(n as usize))
    }

    /// The value at `index` of the data stack (0 is the bottom) as `stack` shows values,
    /// but with at most `chars` characters of a string; `null` when there is none.
    #[wasm_bindgen(js_name = valueView, unchecked_return_type = "ValueView | null")]
    pub fn value_view(&self, index: u32, chars: u32) -> JsValue {
        to_js(&self.core.value_view(index as usize, chars as usize))
    }

    /// The whole printed form of the value at `index` of the data stack (0 is the
    /// bottom), however long; `undefined` when there is none.
    #[wasm_bindgen(js_name = valueText)]
    pub fn value_text(&self, index: u32) -> Option<String> {
        self.core.value_text(index as usize)
    }

    /// The depth of the data stack.
    #[wasm_bindgen(js_name = stackLen)]
    pub fn stack_len(&self) -> u32 {
        self.core.stack_len() as u32
    }

    /// Gives the pending `read` a line (it is trimmed).
    #[wasm_bindgen(js_name = provideInput)]
    pub fn provide_input(&mut self, line: &str) {
        self.core.provide_input(Some(line));
    }

    /// Tells the pending `read` that input has ended (it reads `""`).
    #[wasm_bindgen(js_name = endInput)]
    pub fn end_input(&mut self) {
        self.core.provide_input(None);
    }

    /// The data stack, bottom first: `[{ type, value, literal, bytes, cut }]`: at most
    /// 200 characters of each value (`cut` says so), and its whole length in `bytes`.
    #[wasm_bindgen(unchecked_return_type = "ValueView[]")]
    pub fn stack(&self) -> JsValue {
        to_js(&self.core.stack())
    }

    /// The active calls, innermost first: `[{ label, name, target, call: span }]`.
    #[wasm_bindgen(js_name = callStack, unchecked_return_type = "Frame[]")]
    pub fn call_stack(&self) -> JsValue {
        to_js(&self.core.call_stack())
    }

    /// The span of the next instruction, or `null` at the end.
    #[wasm_bindgen(unchecked_return_type = "Span | null")]
    pub fn position(&self) -> JsValue {
        to_js(&self.core.position())
    }

    /// The number of steps executed so far.
    pub fn steps(&self) -> f64 {
        self.core.steps()
    }
}

/// Does `text` go on over another line as a console (or `svm` REPL) entry: a string left
/// open, or a definition not ended by `return`, `jmp`, `stop` or `exit`?
#[wasm_bindgen(js_name = entryOpen)]
pub fn entry_open(text: &str) -> bool {
    vm_core::repl::entry_open(text)
}

/// The playground's console: a session of entries on one live machine, by the rules of
/// `svm`'s REPL (vm-core's `repl`). `enter` takes an entry; when it runs, `run` runs it
/// in slices until it is `done`.
#[wasm_bindgen]
pub struct Console {
    core: ConsoleCore,
}

#[wasm_bindgen]
impl Console {
    /// A new session; each entry may take `maxSteps` steps (0: no limit).
    #[wasm_bindgen(constructor)]
    pub fn new(max_steps: f64) -> Result<Console, JsValue> {
        let max = read_budget(max_steps).map_err(|m| JsValue::from(error("budget", m)))?;
        Ok(Console {
            core: ConsoleCore::new((max > 0).then_some(max)),
        })
    }

    /// Takes an entry (code, or `:reset`, `:clear`, `:words`).
    #[wasm_bindgen(unchecked_return_type = "ConsoleEntry")]
    pub fn enter(&mut self, text: &str) -> JsValue {
        to_js(&self.core.enter(text))
    }

    /// Runs the entry at most `budget` more steps.
    #[wasm_bindgen(unchecked_return_type = "ConsoleStatus")]
    pub fn run(&mut self, budget: f64) -> Result<JsValue, JsValue> {
        let budget = read_budget(budget).map_err(|m| JsValue::from(error("budget", m)))?;
        Ok(to_js(&self.core.run(budget)))
    }

    /// Stops the entry running; the stack stays as it is.
    pub fn stop(&mut self) {
        self.core.stop();
    }

    /// The top `n` values of the stack, and its depth.
    #[wasm_bindgen(unchecked_return_type = "StackTop")]
    pub fn stack(&self, n: u32) -> JsValue {
        to_js(&self.core.stack(n as usize))
    }

    /// The labels defined.
    pub fn labels(&self) -> Vec<String> {
        self.core.labels()
    }

    /// The definitions in effect, as text.
    pub fn definitions(&self) -> String {
        self.core.definitions()
    }
}
