// The results of the page's run, as part of its one state (run-state.js): what the panels
// show (the Output, the Stack, the Errors, the paused position, the input prompt, the
// Profile, the run the Timeline reads, the Status's words) and the run they belong to.
// Pure: no DOM, no runner. `results(state, event, before)` gives the results after an
// event (a message of the protocol, a command or one of run-state.js's `Event`s) that
// run-state.js's `transition` allowed; the panels draw them (`render(state)`), each from
// its own part, and draw again only a part that is a new object.

import { Msg, State, Status, SetupError, RunKind } from './protocol.js';
import { count, counted, duration } from './dom.js';
import { argsLabel } from './fields.js';
import { pauseReason } from './pause-reason.js';
import { tierStatus } from './wasm-text.js';

/** The page's own events (the others are the protocol's messages). */
export const Event = Object.freeze({
  /** the module is compiled and the runner made (its worker may not be ready yet) */
  LOADED: 'loaded',
  /** the module could not be loaded: no run is possible */
  LOAD_FAILED: 'load_failed',
  /** the Status shows a notice of the page (an example was loaded) instead of the run: `{ label, detail }` */
  NOTICE: 'notice',
  /** the Status says what the page does (`{ label, detail }`: "Loading…") */
  STATUS: 'status',
  /** Format found lexical errors: `{ diagnostics, track }` (the text formatted), shown in the Errors panel; none: it formatted the program, and its errors go */
  FORMAT_ERRORS: 'format_errors',
  /** another program was loaded into the editor: the Profile of the last one folds away */
  PROGRAM: 'program',
  /** the requests waiting for the worker changed: `{ pending }` (runner.js `pending()`) */
  REQUESTS: 'requests',
});

/** The most output a run keeps (bytes); more ends the run with an "output limit" error. */
export const OUTPUT_CAP = 1 << 20;

/** The Stack panel's words while a run goes on. */
export const STACK_RUNNING = 'Running: the stack is shown when the run pauses, asks for input or ends.';

// ---- the output: a list of changes -------------------------------------------------------
//
// The output of a run is the list of changes made to it, newest first (`prev`), each
// numbered (`seq`) within its run (`epoch`): append program text (`flush`: show it now,
// not at the next frame), echo a line typed for `read`, a note of the page, remove the last
// units of program text (a step back), drop the page's notes at the end. The Output panel
// applies the changes it has not applied yet (`outputSince`), and starts again on a new
// epoch. A list, not a string: the panel keeps only the last 128 KiB of a megabyte, in
// blocks, and an append must not rebuild it.

/** The empty output of run `epoch`. */
export const emptyOutput = (epoch = 0) => Object.freeze({ epoch, seq: 0, op: null, prev: null });

/** `log` with the changes `ops` (null ones left out) made after it. */
export function addOutput(log, ...ops) {
  for (const op of ops) if (op) log = Object.freeze({ epoch: log.epoch, seq: log.seq + 1, op: Object.freeze(op), prev: log });
  return log;
}

/** The changes of `log` after change number `seq` (of the same epoch), oldest first. */
export function outputSince(log, seq) {
  const ops = [];
  for (let n = log; n && n.seq > seq; n = n.prev) ops.push(n.op);
  return ops.reverse();
}

/**
 * The output as text, notes and echoes included, as the panel shows it (without its limit
 * of 128 KiB): for tests and for reading.
 */
export function outputText(log) {
  // Pieces of text, each `own` (the program's) or not (an echo or a note).
  const pieces = [];
  const last = () => pieces[pieces.length - 1];
  for (const op of outputSince(log, 0)) {
    if (op.type === 'append' && op.text) {
      if (last()?.own) last().text += op.text;
      else pieces.push({ own: true, text: op.text });
    } else if (op.type === 'echo') pieces.push({ own: false, text: op.line + '\n' });
    else if (op.type === 'note') {
      const end = last();
      const sep = end && end.own && !end.text.endsWith('\n') ? '\n' : '';
      pieces.push({ own: false, note: true, text: `${sep}${op.text}\n` });
    } else if (op.type === 'remove') {
      let n = op.units;
      for (let i = pieces.length - 1; i >= 0 && n > 0; i--) {
        if (!pieces[i].own) continue;
        const cut = Math.min(n, pieces[i].text.length);
        pieces[i].text = pieces[i].text.slice(0, pieces[i].text.length - cut);
        n -= cut;
      }
    } else if (op.type === 'dropNotes') {
      while (last()?.note) pieces.pop();
    }
  }
  return pieces.map((p) => p.text).join('');
}

const append = (text, flush) => (text || flush ? { type: 'append', text: text || '', flush } : null);

// ---- the results --------------------------------------------------------------------------

/**
 * The results before any run. `run`: the run they belong to ({ track, at, name, key }:
 * its text's Tracker (positions.js), when it started, the name and key of the program it
 * ran), or null; `status`: `{ shown, label, detail }` (`shown`: the Status's `data-state`;
 * `detail`: text, or a list of text and `{ where: span, column }`, a live position of the
 * run); `output` (above); `stack`: `{ note }` or `{ values, total, from: { id, steps } }`;
 * `errors`: null or `{ kind: 'compile' | 'args' | 'format', diagnostics, track }` or `{
 * kind: 'runtime', error, stackLen, track }`; `errorMark`: the runtime error's mark in the
 * editor (`{ span, message }`); `paused`: the paused position `{ position, call_stack }`
 * (null: no paused marks); `prompt`: the input prompt is shown; `argsInvalid`: the
 * arguments could not be read; `profile`: null (folded away) or `{ run, start, note,
 * data, reveal }`; `snapshot`: what the Timeline reads: `{ starting: true }`, `{ gone:
 * text }` or `{ id, steps, track }`; `requests`: the requests waiting for the worker
 * (runner.js `pending()`).
 */
export const initialResults = () => ({
  run: null,
  status: Object.freeze({ shown: State.LOADING, label: '', detail: '' }),
  output: emptyOutput(),
  stack: null,
  errors: null,
  errorMark: null,
  paused: null,
  prompt: false,
  argsInvalid: false,
  profile: null,
  snapshot: null,
  requests: Object.freeze({ sent: {}, waiting: {} }),
});

/** "12 steps · 1.2 ms · ran with arguments: 10": steps and time of a message, and the arguments the run pushed. */
export function stepsAndTime(m, args) {
  const pushed = args ? ` · ran with arguments: ${argsLabel(args)}` : '';
  const tier = m.tier ? ` · ${tierStatus(m.tier, m.steps)}` : '';
  return `${counted(m.steps, 'step')} · ${duration(m.time_ms || 0)}${tier}${pushed}`;
}

/** The Stack panel's part of a message with the stack (its run and steps, for Copy and Expand). */
const stackOf = (m) => Object.freeze({ values: m.stack, total: m.stack_len, from: { id: m.id, steps: m.steps } });

/**
 * The results' fields that `event` changes, in `state` (the state after the event, its
 * other fields made), coming from `before`. Only what changes is returned.
 */
export function results(state, event, before) {
  const m = event;
  const status = (label, detail = '') => Object.freeze({ shown: shownOf(state), label, detail });
  const run = state.run;
  switch (m.type) {
    case Msg.RUN: {
      // Before the runner is there, the run waits for it: nothing is cleared yet.
      if (!before.loaded) return { snapshot: Object.freeze({ starting: true }), status: status('Loading the runner…', 'the program starts when it is ready') };
      const r = Object.freeze({ ...m.run });
      return {
        run: r,
        output: emptyOutput(before.output.epoch + 1),
        stack: Object.freeze({ note: STACK_RUNNING }),
        errors: null,
        errorMark: null,
        paused: null,
        prompt: false,
        argsInvalid: false,
        profile: m.kind === RunKind.PROFILE ? Object.freeze({ run: r, start: true, note: 'Profiling…' }) : before.profile,
        snapshot: Object.freeze({ starting: true }),
        status: status(m.kind === RunKind.PROFILE ? 'Profiling…' : 'Running…'),
      };
    }
    case Msg.READY:
      // The version is in the header: once is enough.
      return before.phase === State.LOADING && !before.notice ? { status: status('Ready') } : {};
    case Msg.PROGRESS:
      return {
        output: addOutput(state.output, append(m.output, false)),
        status: m.sleeping_ms
          ? status('Running…', `sleeping ${count(m.sleeping_ms)} ms · ${counted(m.steps, 'step')}`)
          : status(state.kind === RunKind.PROFILE ? 'Profiling…' : 'Running…', counted(m.steps, 'step')),
      };
    case Msg.NEEDS_INPUT:
      return {
        output: addOutput(state.output, append(m.output, true)),
        stack: stackOf(m),
        paused: null,
        prompt: true,
        status: status('Waiting for input', `${counted(m.steps, 'step')} so far`),
      };
    case Msg.INPUT:
      return {
        output: addOutput(state.output, m.line === null || m.line === undefined ? { type: 'note', text: '[end of input]' } : { type: 'echo', line: m.line }),
        prompt: false,
        status: status('Running…'),
      };
    case Msg.CONTINUE:
      return { status: status('Running…') };
    case Msg.SETUP_ERROR: {
      const compile = m.kind === SetupError.COMPILE;
      const diagnostics = m.diagnostics || [];
      return {
        errors: Object.freeze({ kind: compile ? 'compile' : 'args', diagnostics, track: run?.track ?? null }),
        argsInvalid: compile ? state.argsInvalid : true,
        profile: state.kind === RunKind.PROFILE && state.profile ? Object.freeze({ run: state.profile.run, note: null }) : state.profile,
        stack: Object.freeze({ note: 'The program did not start.' }),
        snapshot: Object.freeze({ gone: 'The program did not start: no steps to show.' }),
        status: compile ? status('Compile error', `${diagnostics.length} error${diagnostics.length === 1 ? '' : 's'}`) : status('Bad arguments'),
      };
    }
    case Msg.PAUSED: {
      // Stepping back into a run that had ended: the page's note about its end goes.
      const wasEnded = [State.HALTED, State.ERROR, State.STOPPED, State.COMPILE_ERROR, State.ARGS_ERROR].includes(before.phase);
      const output = addOutput(
        state.output,
        wasEnded ? { type: 'dropNotes' } : null,
        m.output_removed ? { type: 'remove', units: m.output_removed } : null,
        append(m.output, true),
      );
      const at = m.position ? { where: m.position, column: false } : 'at the end';
      return {
        output,
        prompt: false,
        errors: null,
        errorMark: null,
        stack: stackOf(m),
        paused: Object.freeze({ position: m.position || null, call_stack: m.call_stack || [] }),
        profile: m.profile && state.profile ? Object.freeze({ run: state.profile.run, data: m.profile }) : state.profile,
        snapshot: Object.freeze({ id: m.id, steps: m.steps, track: run?.track ?? null }),
        status: status('Paused', Object.freeze([pauseReason(m.reason, m.command), ' · ', at, ' · ', stepsAndTime(m, state.args)])),
      };
    }
    case Msg.DONE:
      return done(state, m, status);
    case Msg.DIED: {
      const out = {
        output: addOutput(state.output, append('', true), m.id && !m.final ? { type: 'note', text: '[the runner stopped unexpectedly; the program did not finish]' } : null),
        prompt: false,
        paused: null,
        snapshot: Object.freeze({ gone: 'The runner stopped unexpectedly: the steps of the run are gone.' }),
      };
      if (m.id) out.stack = Object.freeze({ note: 'The runner stopped unexpectedly: the stack of the run is gone.' });
      if (m.final) out.status = status('Runner unavailable');
      else if (m.id) out.status = status('Runner crashed', 'restarted: run again');
      return out;
    }
    case Event.LOAD_FAILED:
      return { status: status('Could not load the runner') };
    case Event.NOTICE:
    case Event.STATUS:
      return { status: status(m.label, m.detail ?? '') };
    case Event.FORMAT_ERRORS:
      // None (the program was formatted): Format's errors go, a run's stay.
      if (!m.diagnostics.length) return before.errors?.kind === 'format' ? { errors: null } : {};
      return { errors: Object.freeze({ kind: 'format', diagnostics: m.diagnostics, track: m.track ?? null }) };
    case Event.PROGRAM:
      return { profile: null };
    case Event.REQUESTS:
      return { requests: m.pending };
    default:
      return {};
  }
}

/** The results of a run that ended (`done`). */
function done(state, m, status) {
  let output = addOutput(state.output, append(m.output, true));
  const out = { prompt: false, paused: null };
  out.stack = m.stack ? stackOf(m) : Object.freeze({ note: 'The run was stopped before its stack could be read.' });
  if (m.profile && state.profile) out.profile = Object.freeze({ run: state.profile.run, data: m.profile, reveal: true });
  else if (state.kind === RunKind.PROFILE && m.forced && state.profile) out.profile = Object.freeze({ run: state.profile.run, note: 'The run was stopped before its profile could be read.' });
  out.snapshot = Object.freeze(m.forced ? { gone: 'The run was stopped before its steps could be read.' } : { id: m.id, steps: m.steps, track: state.run?.track ?? null });
  const back = m.resumable ? ' · Step back goes on from here' : '';
  if (m.status === Status.HALTED) {
    out.status = status('Halted', `exit code ${m.exit_code} · ${stepsAndTime(m, state.args)}${back}`);
  } else if (m.status === Status.ERROR && m.error) {
    if (m.error.kind === 'output_limit') output = addOutput(output, { type: 'note', text: `[output capped at ${count(OUTPUT_CAP)} bytes: the program was stopped]` });
    out.errors = Object.freeze({ kind: 'runtime', error: m.error, stackLen: m.stack_len, track: state.run?.track ?? null });
    out.errorMark = Object.freeze({ span: m.error.span, message: m.error.message });
    out.status = status('Runtime error', `${stepsAndTime(m, state.args)}${back}`);
  } else if (m.status === Status.ERROR) {
    out.status = status('Runtime error', `${stepsAndTime(m, state.args)}${back}`);
  } else {
    output = addOutput(output, { type: 'note', text: '[stopped]' });
    out.status = status('Stopped', stepsAndTime(m, state.args));
  }
  out.output = output;
  return out;
}

/** The Status panel's `data-state`: the state, `idle` for a notice, `crashed` for no runner. */
export const shownOf = (state) => (state.notice ? State.IDLE : state.phase === State.UNAVAILABLE ? State.CRASHED : state.phase);
