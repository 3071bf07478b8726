// The runner: a Web Worker that owns one vm-wasm Session at a time and runs it in
// slices, so the page never freezes and a `stop` is read between two slices.
// The protocol is described in web/README.md ("Worker protocol").

import { initSync, Session, version } from '../pkg/vm_wasm.js';

/** A slice should take about this long (ms); the step budget adapts to it. */
const SLICE_MS = 8;
/** Output and progress are posted at most this often while running (ms). */
const POST_MS = 33;
/** The most stack values sent to the page; the total depth is sent too. */
const STACK_SHOWN = 1000;

let job = null;
let budget = 10_000;

// Yield between slices with a message to ourselves: unlike setTimeout(0) it is not
// clamped to 4 ms, and messages from the page are read in between.
const tick = new MessageChannel();
tick.port1.onmessage = () => guarded(drive);
const schedule = () => tick.port2.postMessage(0);

const post = (msg) => self.postMessage(msg);

function die(err) {
  post({ type: 'fatal', message: String((err && err.message) || err) });
  job = null;
  self.close();
}

/** Any exception is a bug (or a broken session): report it and end this worker. */
function guarded(f) {
  try {
    f();
  } catch (err) {
    die(err);
  }
}

self.onmessage = (e) => guarded(() => handle(e.data));

function handle(msg) {
  switch (msg.type) {
    case 'init':
      initSync({ module: msg.module });
      post({ type: 'ready', version: version() });
      return;
    case 'run':
      return start(msg);
    case 'input':
      return input(msg);
    case 'stop':
      if (job && job.id === msg.id) finish('stopped');
      return;
    case 'pause':
      if (job && job.id === msg.id && job.state === 'running') pause();
      return;
    case 'continue':
      if (job && job.id === msg.id && job.state === 'paused') {
        job.state = 'running';
        schedule();
      }
      return;
    case 'step':
      if (job && job.id === msg.id && job.state === 'paused') {
        job.state = 'running';
        slice(1, true);
      }
      return;
    // Test hooks, to exercise the page's recovery: a bug in the runner, and a slice
    // that does not end (a worker that cannot read `stop`).
    case 'crash':
      throw new Error('the runner was asked to crash');
    case 'hang': {
      const end = performance.now() + msg.ms;
      while (performance.now() < end);
      return;
    }
    default:
      throw new Error(`unknown message ${JSON.stringify(msg.type)}`);
  }
}

function start(msg) {
  if (job) free();
  let session;
  try {
    session = new Session(msg.source, msg.args || '', msg.options || {});
  } catch (e) {
    if (e && (e.kind === 'compile' || e.kind === 'args')) {
      post({ type: 'setup_error', id: msg.id, kind: e.kind, diagnostics: e.diagnostics });
      return;
    }
    throw e;
  }
  job = {
    id: msg.id,
    session,
    stdin: (msg.stdin || []).slice(),
    state: msg.paused ? 'paused' : 'running',
    output: '',
    lastPost: performance.now(),
    timer: 0,
    last: null,
  };
  post({ type: 'started', id: msg.id });
  if (job.state === 'paused') post(inspect({ type: 'paused', id: job.id }));
  else schedule();
}

function input(msg) {
  if (!job || job.id !== msg.id || job.state !== 'input') return;
  if (msg.eof) job.session.end_input();
  else job.session.provide_input(String(msg.line));
  job.state = 'running';
  schedule();
}

function drive() {
  if (job && job.state === 'running') slice(budget, false);
}

/** Runs one slice of `steps` and acts on the status it ends with. */
function slice(steps, single) {
  const t0 = performance.now();
  const r = job.session.run(steps);
  const dt = performance.now() - t0;
  if (!single) {
    if (dt < SLICE_MS / 2) budget = Math.min(budget * 2, 50_000_000);
    else if (dt > SLICE_MS * 2) budget = Math.max(1000, Math.floor(budget / 2));
  }
  job.output += r.output;
  job.last = r;
  switch (r.status) {
    case 'paused':
      if (single) return pause();
      flush(false);
      return schedule();
    case 'sleeping':
      job.state = 'sleeping';
      flush(true, { sleeping_ms: r.ms });
      job.timer = setTimeout(
        () =>
          guarded(() => {
            job.state = 'running';
            drive();
          }),
        r.ms,
      );
      return;
    case 'needs_input':
      if (job.stdin.length) {
        job.session.provide_input(job.stdin.shift());
        if (single) return pause();
        return schedule();
      }
      job.state = 'input';
      post(inspect({ type: 'needs_input', id: job.id }));
      return;
    case 'halted':
    case 'error':
      return finish(r.status);
    default:
      throw new Error(`unknown status ${r.status}`);
  }
}

function take() {
  const out = job.output;
  job.output = '';
  return out;
}

/** Posts output and progress when there is some and enough time has passed. */
function flush(force, extra) {
  const now = performance.now();
  if (!force && now - job.lastPost < POST_MS) return;
  job.lastPost = now;
  const r = job.last;
  post({ type: 'progress', id: job.id, output: take(), steps: r.steps, time_ms: r.time_ms, ...extra });
}

/** The state a debugger shows: position, stacks. */
function inspect(msg) {
  const s = job.session;
  const stack = s.stack();
  return {
    ...msg,
    output: take(),
    steps: s.steps(),
    time_ms: job.last ? job.last.time_ms : 0,
    position: s.position(),
    call_stack: s.call_stack(),
    stack_len: stack.length,
    stack: stack.slice(-STACK_SHOWN),
  };
}

function pause() {
  job.state = 'paused';
  post(inspect({ type: 'paused', id: job.id }));
}

function finish(status) {
  const r = job.last;
  const msg = inspect({ type: 'done', id: job.id, status });
  if (r && status !== 'stopped') {
    msg.exit_code = r.exit_code;
    msg.error = r.error;
  }
  post(msg);
  free();
}

function free() {
  clearTimeout(job.timer);
  job.session.free();
  job = null;
}
