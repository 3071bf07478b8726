// The console's worker: owns one vm-wasm Console (a REPL session by the rules of `svm`'s
// REPL, vm-core's `repl`) and runs each entry in slices, so the page never freezes and a
// `stop` is read between two slices. Its own worker, beside the runner's: a Run, a Stop
// or a runner replaced never touches the console's stack and labels.
//
// page -> worker: { type: 'init', module }, { type: 'enter', id, text },
//   { type: 'stop', id }, { type: 'definitions', req }
// worker -> page: { type: 'ready' }, { type: 'entered', id, entry } (vm-wasm's
//   ConsoleEntry), { type: 'progress', id, output }, { type: 'done', id, output,
//   outputBytes, steps, error, inEntry, stopped, stack: { values, total }, labels },
//   { type: 'definitions', req, text }, { type: 'fatal', message }

import { initSync, Console } from '../pkg/vm_wasm.js';
import { nextBudget } from './slice-budget.js';

/** The steps one entry may take (the per-entry budget of vm-core's REPL session). */
export const ENTRY_STEPS = 50_000_000;
/** A slice should take about this long (ms). */
const SLICE_MS = 8;
/** Output is posted at most this often while an entry runs (ms). */
const POST_MS = 33;
/** The most stack values sent to the page; the depth is sent too. */
const STACK_SHOWN = 200;

let session = null;
let job = null;
let budget = 10_000;

const tick = new MessageChannel();
tick.port1.onmessage = () => guarded(slice);
const schedule = () => tick.port2.postMessage(0);
const post = (msg) => self.postMessage(msg);

function guarded(f) {
  try {
    f();
  } catch (err) {
    post({ type: 'fatal', message: String((err && err.message) || err) });
    job = null;
    self.close();
  }
}

self.onmessage = (e) => guarded(() => handle(e.data));

function handle(msg) {
  switch (msg.type) {
    case 'init':
      initSync({ module: msg.module });
      session = new Console(ENTRY_STEPS);
      post({ type: 'ready' });
      return;
    case 'enter': {
      const entry = session.enter(msg.text);
      post({ type: 'entered', id: msg.id, entry });
      if (entry.runs) {
        job = { id: msg.id, output: '', posted: performance.now() };
        schedule();
      } else {
        done(msg.id, {});
      }
      return;
    }
    case 'stop':
      if (job && job.id === msg.id) {
        session.stop();
        const { output } = job;
        job = null;
        done(msg.id, { output, stopped: true });
      }
      return;
    case 'definitions':
      post({ type: 'definitions', req: msg.req, text: session.definitions() });
      return;
    default:
      throw new Error(`unknown message ${JSON.stringify(msg.type)}`);
  }
}

function slice() {
  if (!job) return;
  const t0 = performance.now();
  const s = session.run(budget);
  const t1 = performance.now();
  budget = nextBudget(budget, t1 - t0, SLICE_MS);
  job.output += s.output;
  if (s.status === 'done') {
    const { id, output } = job;
    job = null;
    return done(id, { output, outputBytes: s.outputBytes, steps: s.steps, error: s.error, inEntry: s.inEntry });
  }
  if (job.output && t1 - job.posted >= POST_MS) {
    post({ type: 'progress', id: job.id, output: job.output });
    job.output = '';
    job.posted = t1;
  }
  schedule();
}

function done(id, result) {
  post({ type: 'done', id, output: '', error: null, ...result, stack: session.stack(STACK_SHOWN), labels: session.labels() });
}
