// Unit tests of src/run-results.js through run-state.js's `transition`: the run's results
// in its one state (what every panel draws), as pure data: the output as a list of
// changes, the Stack, the Errors, the paused position, the prompt, the Profile, what the
// Timeline reads and the Status's words.
//
//   node --test web/test/run-results.test.mjs

import { test } from 'node:test';
import assert from 'node:assert/strict';
import { initialState, transition, Event } from '../src/run-state.js';
import { outputText, outputSince, emptyOutput, addOutput, STACK_RUNNING, OUTPUT_CAP } from '../src/run-results.js';
import { Msg, Status, State, RunKind, Reason, Command, SetupError } from '../src/protocol.js';

const track = { edited: false, name: 'a Tracker' };
const runEvent = (kind = RunKind.PLAIN, extra = {}) => ({ type: Msg.RUN, kind, paused: false, args: '', run: { track, at: 0, name: 'My program', key: 'kept:1' }, ...extra });

/** The state after `events`, from a page whose runner is ready. */
function after(...events) {
  let s = transition(transition(initialState(), { type: Event.LOADED }), { type: Msg.READY });
  for (const e of events) s = transition(s, e);
  return s;
}

const SPAN = { line: 2, column: 3, from: 9, to: 10 };
const value = (literal) => ({ type: 'int', value: Number(literal), literal, bytes: 8, cut: false });
const paused = (extra = {}) => ({ type: Msg.PAUSED, id: 1, reason: Reason.STEP, command: Command.STEP, output: '', steps: 3, time_ms: 0.5, position: SPAN, call_stack: [], stack: [value('7')], stack_len: 1, ...extra });
const done = (extra = {}) => ({ type: Msg.DONE, id: 1, status: Status.HALTED, exit_code: 0, output: '', steps: 5, time_ms: 1, stack: [], stack_len: 0, resumable: false, ...extra });

test('a run clears the results of the last one and belongs to its program', () => {
  const before = after(runEvent(RunKind.DEBUG), paused({ output: 'hi\n' }), done({ status: Status.ERROR, error: { kind: 'x', message: 'm', span: SPAN } }));
  assert.ok(before.errors && before.errorMark);
  const s = transition(before, runEvent());
  assert.equal(s.run.track, track);
  assert.equal(s.run.name, 'My program');
  assert.equal(outputText(s.output), '', 'the output starts again');
  assert.notEqual(s.output.epoch, before.output.epoch);
  assert.deepEqual(s.stack, { note: STACK_RUNNING });
  assert.deepEqual([s.errors, s.errorMark, s.paused, s.prompt], [null, null, null, false]);
  assert.deepEqual(s.snapshot, { starting: true });
  assert.deepEqual(s.status, { shown: State.RUNNING, label: 'Running…', detail: '' });
});

test('the paused marks are one part of the state: every way of leaving a pause clears it', () => {
  const atPause = after(runEvent(RunKind.DEBUG), paused());
  assert.deepEqual(atPause.paused, { position: SPAN, call_stack: [] });
  const leaving = {
    'the end of the run': done(),
    'a read that waits for input': { type: Msg.NEEDS_INPUT, id: 1, output: '', steps: 4, stack: [], stack_len: 0 },
    'a new run': runEvent(),
    'a runner that died': { type: Msg.DIED, id: 1, message: 'boom' },
  };
  for (const [why, event] of Object.entries(leaving)) {
    const s = transition(after(runEvent(RunKind.DEBUG), paused(), ...(event.type === Msg.NEEDS_INPUT ? [{ type: Msg.CONTINUE }] : [])), event);
    assert.equal(s.paused, null, why);
  }
  // A step keeps the pause until the worker answers; its answer is a new pause.
  const stepping = transition(atPause, { type: Msg.STEP });
  assert.equal(stepping.paused, atPause.paused);
  const next = transition(stepping, paused({ position: { ...SPAN, from: 11, to: 12 } }));
  assert.notEqual(next.paused, atPause.paused);
  assert.equal(next.paused.position.from, 11);
});

test('the output is a list of changes: appends, echoes, notes, a step back and the notes dropped', () => {
  let s = after(runEvent(RunKind.DEBUG), { type: Msg.PROGRESS, id: 1, output: 'a', steps: 1 }, { type: Msg.PROGRESS, id: 1, output: 'b', steps: 2 });
  const seq = s.output.seq;
  assert.deepEqual(outputSince(s.output, 0), [
    { type: 'append', text: 'a', flush: false },
    { type: 'append', text: 'b', flush: false },
  ]);
  s = transition(s, { type: Msg.NEEDS_INPUT, id: 1, output: '?', steps: 3, stack: [], stack_len: 0 });
  assert.equal(s.prompt, true);
  s = transition(s, { type: Msg.INPUT, line: 'Ada' });
  assert.equal(s.prompt, false);
  assert.deepEqual(outputSince(s.output, seq), [
    { type: 'append', text: '?', flush: true },
    { type: 'echo', line: 'Ada' },
  ]);
  s = transition(s, done({ status: Status.STOPPED, output: 'xyz' }));
  assert.equal(outputText(s.output), 'ab?Ada\nxyz\n[stopped]\n');
  // (A stopped run is not resumable; one that halted with history is.)
  s = after(runEvent(RunKind.DEBUG), done({ status: Status.ERROR, error: { kind: 'output_limit', span: SPAN }, output: 'one\ntwo', resumable: true }));
  assert.match(outputText(s.output), /^one\ntwo\n\[output capped at .*\]\n$/, 'the note on a line of its own');
  s = transition(transition(s, { type: Msg.STEP_BACK }), paused({ reason: Reason.STEP_BACK, output_removed: 3 }));
  assert.equal(outputText(s.output), 'one\n', 'the note and the output the step undid are gone');
  // The old state is untouched: a state is a value.
  assert.equal(outputText(emptyOutput(3)), '');
  const log = addOutput(emptyOutput(), { type: 'append', text: 'x', flush: false });
  addOutput(log, { type: 'note', text: 'later' });
  assert.equal(outputText(log), 'x');
});

test('the Status says what the run did, with the position of a pause as a live place', () => {
  const p = after(runEvent(RunKind.DEBUG, { args: '10 20' }), paused({ tier: null }));
  assert.equal(p.status.label, 'Paused');
  assert.deepEqual(p.status.detail, ['after one step', ' · ', { where: SPAN, column: false }, ' · ', '3 steps · 0.5 ms · ran with arguments: 10 20']);
  const halted = transition(p, done({ resumable: true }));
  assert.deepEqual(halted.status, { shown: State.HALTED, label: 'Halted', detail: 'exit code 0 · 5 steps · 1.0 ms · ran with arguments: 10 20 · Step back goes on from here' });
  const profiling = after(runEvent(RunKind.PROFILE), { type: Msg.PROGRESS, id: 1, output: '', steps: 1500 });
  assert.deepEqual(profiling.status, { shown: State.RUNNING, label: 'Profiling…', detail: '1,500 steps' });
  const sleeping = after(runEvent(), { type: Msg.PROGRESS, id: 1, output: '', steps: 1500, sleeping_ms: 2000 });
  assert.deepEqual(sleeping.status, { shown: State.SLEEPING, label: 'Running…', detail: 'sleeping 2,000 ms · 1,500 steps' });
  const capped = after(runEvent(), done({ status: Status.ERROR, error: { kind: 'output_limit', message: 'output limit', span: SPAN } }));
  assert.equal(capped.status.label, 'Runtime error');
  assert.match(outputText(capped.output), new RegExp(`\\[output capped at ${OUTPUT_CAP.toLocaleString('en-US')} bytes`));
  assert.deepEqual(capped.errorMark, { span: SPAN, message: 'output limit' });
  assert.equal(capped.errors.kind, 'runtime');
  assert.equal(capped.errors.track, track, 'the error belongs to the run\'s text');
  // A notice is shown as idle; the next run's Status replaces it.
  const notice = transition(capped, { type: Event.NOTICE, label: 'Example fib loaded', detail: '' });
  assert.deepEqual(notice.status, { shown: State.IDLE, label: 'Example fib loaded', detail: '' });
  // A step asked from a pause keeps the Status (and its `data-state`) until the answer.
  const stepping = transition(p, { type: Msg.STEP });
  assert.equal(stepping.status, p.status);
});

test('setup errors, Format\'s errors, the Profile and what the Timeline reads', () => {
  const compile = after(runEvent(RunKind.PROFILE), { type: Msg.SETUP_ERROR, id: 1, kind: SetupError.COMPILE, diagnostics: [{ message: 'x' }] });
  assert.deepEqual([compile.errors.kind, compile.errors.diagnostics.length, compile.argsInvalid], ['compile', 1, false]);
  assert.deepEqual(compile.profile, { run: compile.run, note: null });
  assert.deepEqual(compile.snapshot, { gone: 'The program did not start: no steps to show.' });
  assert.equal(compile.status.detail, '1 error');
  const args = after(runEvent(), { type: Msg.SETUP_ERROR, id: 1, kind: SetupError.ARGS, diagnostics: [] });
  assert.equal(args.argsInvalid, true);
  assert.equal(transition(args, runEvent()).argsInvalid, false);
  const fmtTrack = { edited: false };
  const fmt = transition(args, { type: Event.FORMAT_ERRORS, diagnostics: [{ message: 'unterminated string' }], track: fmtTrack });
  assert.deepEqual([fmt.errors.kind, fmt.errors.track, fmt.phase, fmt.status], ['format', fmtTrack, State.ARGS_ERROR, args.status]);
  // A Format that succeeds (or finds nothing to do) takes its errors away, and only its own.
  const cleared = transition(fmt, { type: Event.FORMAT_ERRORS, diagnostics: [], track: null });
  assert.deepEqual([cleared.errors, cleared.phase, cleared.status], [null, State.ARGS_ERROR, args.status]);
  assert.equal(transition(args, { type: Event.FORMAT_ERRORS, diagnostics: [], track: null }).errors, args.errors, 'the run\'s errors stay');
  // A profiled run: begun, shown at a pause, shown and brought into view at the end.
  const begun = after(runEvent(RunKind.PROFILE));
  assert.deepEqual([begun.profile.start, begun.profile.run.track], [true, track]);
  const profile = { folded: 'main 3', lines: [], total: 3 };
  const shown = transition(begun, done({ profile }));
  assert.deepEqual(shown.profile, { run: begun.run, data: profile, reveal: true });
  assert.deepEqual(shown.snapshot, { id: 1, steps: 5, track });
  // A plain run leaves the Profile of the last profiled run; another program folds it away.
  const plain = transition(shown, runEvent());
  assert.equal(plain.profile, shown.profile);
  assert.equal(transition(plain, { type: Event.PROGRAM }).profile, null);
  // A stop that had to end the worker: no stack, no steps, no profile.
  const forced = transition(after(runEvent(RunKind.PROFILE)), { type: Msg.DONE, id: 1, status: Status.STOPPED, steps: 9, forced: true });
  assert.deepEqual(forced.stack, { note: 'The run was stopped before its stack could be read.' });
  assert.deepEqual(forced.snapshot, { gone: 'The run was stopped before its steps could be read.' });
  assert.equal(forced.profile.note, 'The run was stopped before its profile could be read.');
});

test('the requests waiting for the worker are in the state, in any phase, and change nothing else', () => {
  const s = after(runEvent(), { type: Msg.PROGRESS, id: 1, output: 'x', steps: 1 });
  const pending = { sent: { timeline: 1 }, waiting: {} };
  const t = transition(s, { type: Event.REQUESTS, pending });
  assert.equal(t.requests, pending);
  for (const k of ['phase', 'status', 'output', 'stack', 'paused', 'snapshot']) assert.equal(t[k], s[k], k);
  const none = transition(transition(initialState(), { type: Event.LOAD_FAILED }), { type: Event.REQUESTS, pending });
  assert.equal(none.requests, pending);
});
