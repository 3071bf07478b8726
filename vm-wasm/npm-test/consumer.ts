// A TypeScript user of @simple-vm/vm-wasm: scripts/package-test.sh compiles it with
// `tsc --noEmit --strict` against the package's .d.ts. It fails to compile when a result
// or an option is typed `any` (an unused @ts-expect-error is an error) or when a
// declared shape loses a field the code below reads.
import { compile, disasm, ops, Session, tierModule } from '@simple-vm/vm-wasm';
import type { RunResult, SessionOptions, ValueView, Frame, Span, Profile, Compiled, Op, Disasm, VmError, TimelineStep, TierInfo, TierText, TierModule } from '@simple-vm/vm-wasm';

/** `value`, which must not be typed `any` (an `any` argument fails to compile). */
function typed<T>(value: T & (0 extends 1 & T ? never : unknown)): T {
  return value;
}

const options: SessionOptions = { maxSteps: 1e6, history: 100, profile: true };
// @ts-expect-error an option of the wrong kind
const wrong: SessionOptions = { profile: 'yes' };
const session = new Session('1 2 + println', '', options);
const result: RunResult = typed(session.run(10_000));
if (result.status === 'error' && result.error) {
  const line: number = result.error.span.line;
  const top: ValueView | undefined = result.error.stack.at(-1);
  console.log(line, top?.value, result.error.kind, result.error.stackLen);
} else if (result.status === 'halted') {
  const code: string | null = result.exitCode;
  console.log(code, result.output);
}
// @ts-expect-error not a status
if (result.status === 'done') console.log('never');
// @ts-expect-error no such field
console.log(result.nope);
const reason: 'budget' | 'breakpoint' | 'step' | 'step_back' | 'history_empty' | null = typed(session.step()).reason;
const removed: number | null = typed(session.stepBack()).outputRemoved;
typed(session.stepOver(1000)) satisfies RunResult;
typed(session.stepOut(1000)) satisfies RunResult;
const stack: ValueView[] = typed(session.stack());
const topTwo: ValueView[] = typed(session.stackTop(2));
const view: ValueView | null = typed(session.valueView(0, 10));
const frames: Frame[] = typed(session.callStack());
const at: Span | null = typed(session.position());
const profile: Profile | null = typed(session.profile());
const compiled: Compiled = typed(compile('1 2 +'));
const first: number | undefined = compiled.diagnostics[0]?.line;
const reference: Op[] = typed(ops());
const rows: Disasm = typed(disasm('start: 1 start jmp', 0, 10));
const target: number | null | undefined = rows.rows[1]?.target;
console.log(rows.total, target, wrong, reason, removed, stack, topTwo, view, frames, at, profile, first, reference.length);
try {
  new Session('1 nope', '', { maxSteps: 10 });
} catch (e) {
  const error = e as VmError;
  const message: string = error.message;
  if (error.kind === 'compile' || error.kind === 'args') {
    const line: number | undefined = error.diagnostics[0]?.line;
    console.log(message, line);
  } else {
    // @ts-expect-error options and budget errors have no diagnostics
    console.log(error.diagnostics);
  }
}
// The timeline of a recorded session: numbers, value views, and the last steps by pc.
const recorded = new Session('1 2 + println', '', { record: 100 });
recorded.run(100);
const step: TimelineStep | null = typed(recorded.timelineStep(2, 5, true));
if (step) {
  const [numbers, values, last] = step;
  const depth: number | undefined = numbers[8];
  const top: ValueView | undefined = values.at(-1);
  const lastOfFirst: bigint | undefined = last?.[0];
  console.log(depth, top?.literal, lastOfFirst);
}
// The WebAssembly tier: what it compiled, the steps in it, the module as text.
const tiered = new Session('0 loop: 1 + dup 10 < loop swap if jmp\nend: println', '', { tier: true });
tiered.run(1000);
const info: TierInfo | null = typed(tiered.tier());
const why: string | null | undefined = info?.error;
const firstFunction: string | undefined = info?.functions[0]?.name;
const inModule: number = tiered.tierSteps();
const text: TierText = typed(tiered.tierText(100));
const wasmModule: TierModule = typed(tierModule('1 println', 1000));
const cut: boolean = wasmModule.text.cut;
console.log(why, firstFunction, inModule, text.size, cut, wasmModule.info.blocks);
