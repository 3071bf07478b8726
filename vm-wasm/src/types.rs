//! TypeScript declarations of the plain objects that cross into JavaScript (they are
//! built by serde in [`crate::convert`] and [`crate::session`]; a field that Rust
//! leaves out crosses as `null`). wasm-bindgen copies this text into the generated
//! `.d.ts`; the exported functions name these types with `unchecked_return_type` and
//! `unchecked_param_type`. Nothing of it is in the module itself. Field names are
//! camelCase (serde's `rename_all`); string values (`needs_input`, `history_empty`,
//! error kinds like `division_by_zero`) are the stable codes the CLI uses too.
//! `scripts/package-test.sh` compiles a TypeScript consumer against the `.d.ts`.

use wasm_bindgen::prelude::*;

#[wasm_bindgen(typescript_custom_section)]
const TYPES: &'static str = r#"
/** A source range: 1-based line and column (characters), and UTF-16 offsets. */
export interface Span { line: number; column: number; endLine: number; endColumn: number; from: number; to: number; }
/** A note of a diagnostic: a related position or a hint. */
export interface Note { message: string; span: Span | null; }
/** A compile (or argument) error, with its position. */
export interface Diagnostic extends Span { message: string; notes: Note[]; }
/** A label definition. */
export interface Label { name: string; address: number; span: Span; }
/** The result of `compile`. */
export interface Compiled { ok: boolean; diagnostics: Diagnostic[]; labels: Label[]; }
/** What `new Session` (and `format`) throws when the source or the arguments have errors: the first in `message`, all in `diagnostics`. */
export interface SetupError extends Error { kind: "compile" | "args"; diagnostics: Diagnostic[]; }
/** What is thrown for a bad argument: `options` (a field of the wrong kind, or a key that is not an option) or a `budget` that is not a whole number from 0 to 2**53 - 1. */
export interface UsageError extends Error { kind: "options" | "budget"; }
/** Everything the package throws: an `Error` with a `kind`. */
export type VmError = SetupError | UsageError;
/** One line's stack depths before its first instruction and after its last, counted in the program or in a label's routine (`effects()`); null: not known. */
export interface LineHint { line: number; to: number; before: number | null; after: number | null; routine: string | null; }
/** A label's inferred stack effect: `( 1 -- 1 )`, `( 2 -- ) never returns` or `unknown`. */
export interface LabelEffect { name: string; effect: string; called: boolean; }
/** A warning of the stack-effect analysis. */
export interface StackWarning extends Span { kind: "depths-differ" | "underflow" | "stack-comment"; message: string; notes: Note[]; }
/** The result of `effects(source, budget)`: nothing is claimed unless `ok` (it compiles) and `complete` (within the budget). */
export interface StackEffects { ok: boolean; complete: boolean; args: number | null; program: string; lines: LineHint[]; labels: LabelEffect[]; warnings: StackWarning[]; }
/** The result of `check(source, budget)`: `compile` and `effects` from one compilation. */
export interface Checked { compiled: Compiled; effects: StackEffects | null; }
/** An operation of the reference (`ops()`). */
export interface Op { name: string; effect: string; doc: string; example: string; }
/** A value of the data stack; numbers as exact decimal strings, long strings cut. */
export interface ValueView { type: "Num" | "Bool" | "Str"; value: string; literal: string; bytes: number; cut: boolean; }
/** An active call (or, in a trace, `repeat` identical calls in a row). */
export interface Frame { label: string | null; name: string; target: number; call: Span; repeat: number; leftOut: number; }
/** A runtime error. */
export interface RuntimeError {
  kind: string; message: string; span: Span; headline: string; trace: Frame[]; traceDepth: number;
  stack: ValueView[]; stackShown: string[]; stackLen: number; rendered: string;
}
/** Why a run paused. */
export type PauseReason = "budget" | "breakpoint" | "step" | "step_back" | "history_empty";
/** The result of `run`, `step`, `stepOver`, `stepOut` and `stepBack`. */
export interface RunResult {
  status: "halted" | "paused" | "needs_input" | "sleeping" | "error";
  output: string; steps: number; timeMs: number;
  exitCode: string | null; ms: number | null; error: RuntimeError | null;
  reason: PauseReason | null; outputRemoved: number | null;
}
/** The options of `new Session`; a field left out, `null` or `undefined` has its default. */
export interface SessionOptions {
  maxStack?: number | bigint | null; maxCalls?: number | bigint | null; maxSteps?: number | null;
  maxOutput?: number | bigint | null; history?: number | bigint | null; profile?: boolean | null;
  /** Record each step's stack, keeping the first and the last this-many steps (`timeline`). */
  record?: number | bigint | null;
  /** Run the program's blocks in a WebAssembly module made for it (`tier()`); not with `history`, `profile` or `record`. */
  tier?: boolean | null;
}
/** A function of the tier's module: one per label (`main` for the code before the first). */
export interface TierFunction { name: string; blocks: number; }
/** What `Session.tier()` says was compiled; `error`: why the session runs without the tier, `null` when it runs with it. */
export interface TierInfo { blocks: number; declined: number; functions: TierFunction[]; bytes: number; ms: number; error: string | null; }
/** A module's WebAssembly text, at most the characters asked for; `size`: the whole text's length in characters. */
export interface TierText { text: string; size: number; cut: boolean; }
/** The result of `tierModule`: the module a program would run in, not instantiated (`info.ms` is 0). */
export interface TierModule { ok: boolean; diagnostics: Diagnostic[]; info: TierInfo; text: TierText; }
/** A row of `disasm`: one instruction, or the end of the program (`kind: "end"`, no span). */
export interface DisasmRow {
  address: number; labels: string[]; text: string; kind: "num" | "bool" | "str" | "addr" | "op" | "end";
  span: Span | null; target: number | null; block: number | null;
}
/** The result of `disasm`: the program's size and the rows asked for. */
export interface Disasm {
  ok: boolean; diagnostics: Diagnostic[]; instructions: number; tokens: number; labels: number;
  strings: number; total: number; first: number; rows: DisasmRow[];
}
/**
 * `timelineStep`: the record's size and the step (`numbers`), its top values, and the last step of
 * each instruction when asked for (see the method).
 */
export type TimelineStep = [numbers: Float64Array, values: ValueView[], last: BigUint64Array | null];
/** The profile of a session made with `profile: true`. */
export interface Profile { folded: string; lines: { line: number; count: number }[]; total: number; }
/** What became of a console entry (`Console.enter`); positions of `errors` are the entry's own. */
export interface ConsoleEntry {
  kind: "accepted" | "rejected" | "hint" | "command" | "unknown";
  defined: { name: string; again: boolean }[]; runs: boolean; errors: Diagnostic[]; message: string; line: number; code: string;
}
/** A slice of a console entry's run (`Console.run`). */
export interface ConsoleStatus {
  status: "running" | "done"; output: string; outputBytes: number; steps: number;
  error: RuntimeError | null; inEntry: boolean;
}
/** The top of the console's stack and its depth (`Console.stack`). */
export interface StackTop { values: ValueView[]; total: number; }
"#;
