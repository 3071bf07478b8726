// The runner: a Web Worker that owns one vm-wasm Session at a time and runs it in
// slices, so the page never freezes and a `stop` is read between two slices.
// The protocol is described in web/README.md ("Worker protocol"). vm-wasm's names are
// camelCase (`stepOver`, `timeMs`); the page's own messages keep theirs (`time_ms`).

import { initSync, Session, version, format, disasm, tierModule } from '../pkg/vm_wasm.js';
import { Msg, State, Status, Reason, Command, SetupError } from './protocol.js';
import { formatChanges } from './format-edits.js';
import { nextBudget } from './slice-budget.js';
import { lineNotes, lastStepByLine, infoOf, makeStep, unitsOfBytes } from './timeline-data.js';

/** A slice should take about this long (ms); the step budget adapts to it. */
const SLICE_MS = 8;
/** Output and progress are posted at most this often while running (ms). */
const POST_MS = 33;
/** The most stack values sent to the page; the total depth is sent too. */
const STACK_SHOWN = 1000;
/** The timeline keeps the first and the last this-many steps of a run. */
const TIMELINE_KEEP = 10_000;
/** The most values of each step's stack the timeline sends; the depth is sent too. */
const TIMELINE_VALUES = 12;
/** The most values of a line's stack in its note. */
const NOTE_VALUES = 6;
/** The most lines with a note (each costs a rebuild of its step's stack). */
const NOTE_LINES = 1000;

let job = null;
let budget = 10_000;

// Yield between slices with a message to ourselves: unlike setTimeout(0) it is not
// clamped to 4 ms, and messages from the page are read in between.
const tick = new MessageChannel();
tick.port1.onmessage = () => guarded(drive);
const schedule = () => tick.port2.postMessage(0);

const post = (msg) => self.postMessage(msg);

function die(err) {
  post({ type: Msg.FATAL, message: String((err && err.message) || err) });
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

/** The job of message `msg`, when it is in one of `states`. */
const jobIn = (msg, ...states) => (job && job.id === msg.id && states.includes(job.state) ? job : null);

function handle(msg) {
  switch (msg.type) {
    case Msg.INIT:
      initSync({ module: msg.module });
      post({ type: Msg.READY, version: version() });
      return;
    case Msg.RUN:
      return start(msg);
    case Msg.INPUT:
      return input(msg);
    case Msg.STOP:
      if (job && job.id === msg.id) {
        if (job.state === State.ENDED) free();
        else finish(Status.STOPPED);
      }
      return;
    case Msg.PAUSE:
      // A pause during `sleep_ms` ends the wait.
      if (jobIn(msg, State.RUNNING, State.SLEEPING)) {
        clearTimeout(job.timer);
        // Pausing takes control back: a step over or out still waiting is forgotten.
        job.session.cancelStep();
        pause(Reason.PAUSE);
      }
      return;
    case Msg.CONTINUE:
      if (jobIn(msg, State.PAUSED)) {
        job.mode = Command.RUN;
        job.state = State.RUNNING;
        schedule();
      }
      return;
    case Msg.STEP:
      if (jobIn(msg, State.PAUSED)) command(Command.STEP, () => job.session.step());
      return;
    case Msg.STEP_OVER:
      if (jobIn(msg, State.PAUSED)) command(atCall() ? Command.OVER : Command.STEP, () => job.session.stepOver(budget));
      return;
    case Msg.STEP_OUT:
      if (jobIn(msg, State.PAUSED)) command(Command.OUT, () => job.session.stepOut(budget));
      return;
    case Msg.STEP_BACK:
      if (jobIn(msg, State.PAUSED) || (jobIn(msg, State.ENDED) && job.resumable)) stepBack();
      return;
    case Msg.VALUE:
      return value(msg);
    case Msg.FORMAT:
      return formatSource(msg);
    case Msg.TIMELINE:
      return timeline(msg);
    case Msg.TIER_MODULE:
      return post({ type: Msg.TIER_MODULE, req: msg.req, ...tierModule(msg.source, msg.maxChars) });
    case Msg.DISASM:
      return post({ type: Msg.DISASM, req: msg.req, ...disasm(msg.source, msg.first, msg.count) });
    case Msg.BREAKPOINTS:
      if (jobIn(msg, State.RUNNING, State.PAUSED, State.SLEEPING, State.INPUT, State.ENDED)) {
        job.breakpoints = Array.from(job.session.setBreakpoints(msg.lines || []));
        post({ type: Msg.BREAKPOINTS, id: job.id, lines: job.breakpoints });
      }
      return;
    // Test hooks, to exercise the page's recovery: a bug in the runner, and a slice
    // that does not end (a worker that cannot read `stop`).
    case Msg.CRASH:
      throw new Error('the runner was asked to crash');
    case Msg.HANG: {
      const end = performance.now() + msg.ms;
      while (performance.now() < end);
      return;
    }
    default:
      throw new Error(`unknown message ${JSON.stringify(msg.type)}`);
  }
}

/**
 * The whole of a stack value the page shows cut short: `index` from the bottom of the
 * data stack of run `id`, as it was after `steps` steps; its printed form, or with
 * `chars` its view with at most that many characters. Answers `value` with `req`.
 */
function value(msg) {
  const j = job && job.id === msg.id && job.state !== State.RUNNING && job.state !== State.SLEEPING ? job : null;
  const reply = { type: Msg.VALUE, id: msg.id, req: msg.req };
  if (!j || j.session.steps() !== msg.steps) {
    post({ ...reply, error: 'the run has gone on since: its values are no longer there' });
  } else if (msg.chars) {
    post({ ...reply, view: j.session.valueView(msg.index, msg.chars) });
  } else {
    post({ ...reply, text: j.session.valueText(msg.index) });
  }
}

/**
 * The program `source` in the layout of `svm fmt`: answers `formatted` with `req`, the
 * `changes` that make it, and the cursor (`anchor`, `head`) and breakpoint `lines` moved
 * with their tokens (format-edits.js; here, so that a huge program costs the page
 * nothing); or with the lexical errors' `diagnostics`, and nothing to change.
 */
function formatSource(msg) {
  const reply = { type: Msg.FORMATTED, req: msg.req };
  let text;
  try {
    text = format(msg.source);
  } catch (e) {
    // vm-wasm throws an Error with a `kind`; lexical errors come with their diagnostics.
    if (e instanceof Error && e.kind === SetupError.COMPILE) return post({ ...reply, diagnostics: e.diagnostics });
    throw e;
  }
  const where = { anchor: msg.anchor, head: msg.head, lines: msg.lines };
  const r = formatChanges(msg.source, text, where) ?? { changes: [{ from: 0, to: msg.source.length, insert: text }], anchor: 0, head: 0, lines: [] };
  post({ ...reply, ...r });
}

/**
 * The timeline of run `id` as it is now (not while it runs): the run is replayed by a
 * second session that records its steps (Session option `record`), with the same
 * arguments and the same lines of input, without its waits; the plain run itself records
 * nothing. The replay runs in slices between other messages, once per step count of the
 * run. Answers `timeline` with `req`: `{ info, steps, lines }` (from vm-wasm's
 * `timelineStep`: the record's size, the kept steps `first..first + count` and, with
 * `lines`, the stack each line last left, as timeline-data.js makes them), or `{ error }`.
 */
function timeline(msg) {
  const j = job && job.id === msg.id && job.state !== State.RUNNING && job.state !== State.SLEEPING ? job : null;
  if (!j) {
    post({ type: Msg.TIMELINE, id: msg.id, req: msg.req, error: 'the run has gone on since, or is running' });
    return;
  }
  const target = j.session.steps();
  if (!j.replay || j.replay.target !== target) {
    // The requests waiting for a replay of fewer steps get this one's answers.
    const waiting = j.replay ? j.replay.waiting : [];
    if (j.replay) j.replay.session.free();
    const { history, profile, tier, ...limits } = j.options;
    const session = new Session(j.source, j.args, { ...limits, record: TIMELINE_KEEP });
    j.replay = { target, session, inputs: j.inputs.slice(), waiting, done: false, ended: false, budget: 10_000, output: '' };
    replayTick.port2.postMessage(0);
  }
  j.replay.waiting.push(msg);
  if (j.replay.done) answerTimeline(j);
}

const replayTick = new MessageChannel();
replayTick.port1.onmessage = () => guarded(replaySlice);

/** One slice of the replay of the job's run (see `timeline`). */
function replaySlice() {
  const r = job && job.replay;
  if (!r || r.done) return;
  const s = r.session;
  const t0 = performance.now();
  while (performance.now() - t0 < SLICE_MS) {
    const left = r.target - s.steps();
    if (left <= 0) break;
    const res = s.run(Math.min(left, r.budget));
    r.output += res.output;
    if (res.status === Status.NEEDS_INPUT) {
      const line = r.inputs.shift();
      if (line === undefined || line === null) s.endInput();
      else s.provideInput(line);
    } else if (res.status === Status.HALTED || res.status === Status.ERROR) {
      r.ended = true;
      break;
    }
    if (performance.now() - t0 < SLICE_MS / 2) r.budget = Math.min(r.budget * 2, 1_000_000);
  }
  if (!r.ended && s.steps() < r.target) return replayTick.port2.postMessage(0);
  r.done = true;
  answerTimeline(job);
}

/** Answers the timeline requests waiting for the job's replay. */
function answerTimeline(j) {
  const r = j.replay;
  const s = r.session;
  // The instructions' text and positions, by pc: the program's rows as `disasm` gives them.
  if (!r.instrs) r.instrs = disasm(j.source, 0, 0xffffffff).rows;
  const units = unitsOfBytes(r.output);
  const stepAt = (step, max) => makeStep(step, s.timelineStep(step, max, false), (pc) => r.instrs[pc], units);
  const [size, , last] = s.timelineStep(0, 0, true);
  const info = infoOf(size);
  for (const msg of r.waiting.splice(0)) {
    const steps = [];
    const first = Math.max(0, msg.first || 0);
    const end = Math.min(info.steps, first + Math.min(msg.count || 1, 200) - 1);
    for (let step = first; step <= end; step++) {
      const row = stepAt(step, TIMELINE_VALUES);
      if (row) steps.push(row);
    }
    const ran = msg.lines ? lastStepByLine(Array.from(last, Number), (pc) => r.instrs[pc]?.span?.line) : [];
    const lines = msg.lines ? lineNotes(ran.slice(0, NOTE_LINES), (step) => stepAt(step, NOTE_VALUES)) : null;
    post({ type: Msg.TIMELINE, id: msg.id, req: msg.req, info, steps, lines, linesRan: ran.length });
  }
}

function start(msg) {
  if (job) free();
  const options = msg.options || {};
  let session;
  try {
    session = new Session(msg.source, msg.args || '', options);
  } catch (e) {
    // An Error with a `kind`: `compile` and `args` are the program's (shown with their
    // diagnostics); `options` would be the page's own bug, reported as one by guarded().
    if (e instanceof Error && (e.kind === SetupError.COMPILE || e.kind === SetupError.ARGS)) {
      post({ type: Msg.SETUP_ERROR, id: msg.id, kind: e.kind, diagnostics: e.diagnostics });
      return;
    }
    throw e;
  }
  // Runs with history or a profile are slower per step: every run starts with a small
  // budget, which grows in a few slices.
  budget = 10_000;
  job = {
    id: msg.id,
    session,
    source: msg.source,
    args: msg.args || '',
    options,
    stdin: (msg.stdin || []).slice(),
    // every line of input the run was given (null: the end of input), for its replay
    inputs: [],
    replay: null,
    // running | paused | sleeping | input | ended (halted or failed, kept for step back)
    state: msg.paused ? State.PAUSED : State.RUNNING,
    // what the last command asked for: run (go on), step (pause after one step), over
    // and out (go on until the call returns)
    mode: Command.RUN,
    history: (options.history || 0) > 0,
    profile: Boolean(options.profile),
    // what the WebAssembly tier compiled (the `tier` option), or null
    tier: options.tier ? session.tier() : null,
    breakpoints: [],
    output: '',
    lastPost: performance.now(),
    timer: 0,
    last: null,
  };
  post({ type: Msg.STARTED, id: msg.id });
  if (msg.breakpoints && msg.breakpoints.length) {
    job.breakpoints = Array.from(session.setBreakpoints(msg.breakpoints));
    post({ type: Msg.BREAKPOINTS, id: job.id, lines: job.breakpoints });
  }
  // A breakpoint is checked after each step: one on the first instruction is met here.
  const first = session.position();
  if (job.state === State.PAUSED) pause(Reason.START);
  else if (first && job.breakpoints.includes(first.line)) pause(Reason.BREAKPOINT);
  else schedule();
}

function input(msg) {
  if (!jobIn(msg, State.INPUT)) return;
  if (msg.eof) job.session.endInput();
  else job.session.provideInput(String(msg.line));
  job.inputs.push(msg.eof ? null : String(msg.line));
  job.state = State.RUNNING;
  // A step that stopped at `read` is done once the line is read.
  if (job.mode === Command.STEP) act(job.session.step());
  else schedule();
}

/** Is the next instruction a `call` (which "step over" runs to its return)? */
function atCall() {
  const p = job.session.position();
  return Boolean(p) && job.source.slice(p.from, p.to) === 'call';
}

/** Runs a debugger command from a pause. */
function command(mode, f) {
  job.mode = mode;
  job.state = State.RUNNING;
  act(f());
}

function stepBack() {
  const s = job.session;
  const r = s.stepBack();
  if (r.reason === Reason.HISTORY_EMPTY && job.state === State.ENDED) {
    // Nothing to undo: the run stays ended.
    post({ type: Msg.HISTORY_EMPTY, id: job.id });
    return;
  }
  job.last = r;
  job.mode = Command.RUN;
  pause(r.reason, { output_removed: r.outputRemoved || 0 });
}

/** Runs one slice; the budget adapts so that a slice takes about SLICE_MS. */
function drive() {
  if (!job || job.state !== State.RUNNING) return;
  const t0 = performance.now();
  const r = job.session.run(budget);
  const dt = performance.now() - t0;
  budget = nextBudget(budget, dt, SLICE_MS);
  act(r);
}

/** Acts on the status a call of the session ended with. */
function act(r) {
  job.output += r.output;
  job.last = r;
  switch (r.status) {
    case Status.PAUSED:
      // `budget`: the slice is used up (also during a long step over or out): go on.
      if (r.reason && r.reason !== Reason.BUDGET) return pause(r.reason);
      flush(false);
      return schedule();
    case Status.SLEEPING:
      // A step onto `sleep_ms` has done its step: the wait is skipped.
      if (job.mode === Command.STEP) return pause(Reason.STEP);
      job.state = State.SLEEPING;
      flush(true, { sleeping_ms: r.ms });
      job.timer = setTimeout(
        () =>
          guarded(() => {
            job.state = State.RUNNING;
            drive();
          }),
        r.ms,
      );
      return;
    case Status.NEEDS_INPUT:
      if (job.stdin.length) {
        const line = job.stdin.shift();
        job.inputs.push(line);
        job.session.provideInput(line);
        if (job.mode === Command.STEP) return act(job.session.step());
        return schedule();
      }
      job.state = State.INPUT;
      post(inspect({ type: Msg.NEEDS_INPUT, id: job.id }));
      return;
    case Status.HALTED:
    case Status.ERROR:
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
  post({ type: Msg.PROGRESS, id: job.id, output: take(), steps: r.steps, time_ms: r.timeMs, ...extra });
}

/** The state a debugger shows: position, stacks, and the profile of a profiled run. */
function inspect(msg) {
  const s = job.session;
  return {
    ...msg,
    output: take(),
    steps: s.steps(),
    time_ms: job.last ? job.last.timeMs : 0,
    position: s.position(),
    call_stack: s.callStack(),
    stack_len: s.stackLen(),
    stack: s.stackTop(STACK_SHOWN),
    history: job.history,
    profile: job.profile ? s.profile() : null,
  };
}

/** Pauses; `command` says what the run was doing (run, step, over, out). */
function pause(reason, extra) {
  const command = job.mode;
  job.state = State.PAUSED;
  job.mode = Command.RUN;
  post(inspect({ type: Msg.PAUSED, id: job.id, reason, command, ...extra }));
}

function finish(status) {
  const r = job.last;
  const msg = inspect({ type: Msg.DONE, id: job.id, status });
  if (r && status !== Status.STOPPED) {
    msg.exit_code = r.exitCode;
    msg.error = r.error;
  }
  // A run with history that halted or failed can be resumed by stepping back. Every
  // ended run is kept until the next one, for the whole of its stack values.
  msg.resumable = job.history && status !== Status.STOPPED;
  // The tier: what it compiled and the steps that ran in its module.
  if (job.tier) msg.tier = { ...job.tier, steps: job.session.tierSteps() };
  post(msg);
  clearTimeout(job.timer);
  job.state = State.ENDED;
  job.resumable = msg.resumable;
}

function free() {
  clearTimeout(job.timer);
  if (job.replay) {
    for (const msg of job.replay.waiting) post({ type: Msg.TIMELINE, id: msg.id, req: msg.req, error: 'the run has ended: another started' });
    job.replay.session.free();
  }
  job.session.free();
  job = null;
}
