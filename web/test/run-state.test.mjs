// Unit tests of src/run-state.js: the page's run as one state with explicit transitions.
//
//   node --test web/test/run-state.test.mjs

import { test } from 'node:test';
import assert from 'node:assert/strict';
import { initialState, transition, can, controls, isQuiet, shownState, IllegalTransition, Event, PHASES, TRANSITIONS } from '../src/run-state.js';
import { Msg, State, Status, SetupError, RunKind, Reason } from '../src/protocol.js';

/** The state after a series of events from the start. */
const after = (...events) => events.reduce((s, e) => transition(s, typeof e === 'string' ? { type: e } : e), initialState());
const READY = [{ type: Event.LOADED }, { type: Msg.READY }];
const run = (kind = RunKind.PLAIN, extra = {}) => ({ type: Msg.RUN, kind, args: '', ...extra });
const done = (status, resumable = false) => ({ type: Msg.DONE, status, resumable });
const paused = { type: Msg.PAUSED, reason: Reason.BREAKPOINT };

test('loading, then ready: a run goes, pauses, steps, continues and halts', () => {
  let s = initialState();
  assert.equal(s.phase, State.LOADING);
  s = after(...READY);
  assert.equal(s.phase, State.IDLE);
  s = transition(s, run(RunKind.DEBUG, { args: '10' }));
  assert.deepEqual([s.phase, s.kind, s.args], [State.RUNNING, RunKind.DEBUG, '10']);
  s = transition(s, { type: Msg.PROGRESS, steps: 5 });
  assert.equal(s.phase, State.RUNNING);
  s = transition(s, { type: Msg.PROGRESS, sleeping_ms: 100 });
  assert.equal(s.phase, State.SLEEPING);
  s = transition(s, paused);
  assert.equal(s.phase, State.PAUSED);
  s = transition(s, { type: Msg.STEP_OVER });
  assert.equal(s.phase, State.STEPPING);
  s = transition(s, paused);
  s = transition(s, { type: Msg.CONTINUE });
  assert.equal(s.phase, State.RUNNING);
  s = transition(s, done(Status.HALTED, true));
  assert.deepEqual([s.phase, s.resumable], [State.HALTED, true]);
});

test('every outcome of a run has its state', () => {
  const going = after(...READY, run());
  assert.equal(transition(going, done(Status.ERROR)).phase, State.ERROR);
  assert.equal(transition(going, done(Status.STOPPED)).phase, State.STOPPED);
  assert.equal(transition(going, { type: Msg.SETUP_ERROR, kind: SetupError.COMPILE }).phase, State.COMPILE_ERROR);
  assert.equal(transition(going, { type: Msg.SETUP_ERROR, kind: SetupError.ARGS }).phase, State.ARGS_ERROR);
  const asking = transition(going, { type: Msg.NEEDS_INPUT });
  assert.equal(asking.phase, State.INPUT);
  assert.equal(transition(asking, { type: Msg.INPUT }).phase, State.RUNNING);
  // Stop from a pause or from the prompt ends the run.
  assert.equal(transition(asking, done(Status.STOPPED)).phase, State.STOPPED);
  assert.equal(transition(after(...READY, run(), paused), done(Status.STOPPED)).phase, State.STOPPED);
});

test('illegal transitions are rejected and leave the state as it was', () => {
  const idle = after(...READY);
  const cases = [
    [idle, { type: Msg.CONTINUE }],
    [idle, { type: Msg.STEP }],
    [idle, { type: Msg.INPUT }],
    [idle, { type: Msg.PAUSED }],
    [idle, done(Status.HALTED)],
    [after(...READY, run()), { type: Msg.INPUT }], // no prompt is shown
    [after(...READY, run()), { type: Msg.STEP_OUT }], // only from a pause
    [after(...READY, run(), paused), { type: Msg.PAUSE }], // already paused
    [after(...READY, run(), paused, Msg.STEP), { type: Msg.STEP }], // a step is on its way
    [after(...READY, run(), done(Status.HALTED)), { type: Msg.NEEDS_INPUT }],
    [idle, { type: 'no such event' }],
    [idle, { type: 'toString' }],
  ];
  for (const [state, event] of cases) {
    const before = JSON.stringify(state);
    assert.equal(can(state, event), false, `${event.type} in ${state.phase}`);
    assert.throws(() => transition(state, event), IllegalTransition, `${event.type} in ${state.phase}`);
    assert.equal(JSON.stringify(state), before);
  }
  assert.throws(() => transition(idle, { type: Msg.CONTINUE }), /continue is not allowed in the state idle/);
});

test('Run is refused once there is no runner', () => {
  // The module could not be loaded: Run (Ctrl+Enter too) cannot queue a run that never starts.
  const failed = after(Event.LOAD_FAILED);
  assert.equal(failed.phase, State.UNAVAILABLE);
  assert.equal(can(failed, run()), false);
  assert.equal(controls(failed).run, false);
  // The worker died again and again: the same.
  const gone = transition(after(...READY, run()), { type: Msg.DIED, id: 1, final: true });
  assert.equal(gone.phase, State.UNAVAILABLE);
  assert.equal(can(gone, run()), false);
  assert.equal(shownState(gone), State.CRASHED);
  assert.deepEqual(
    Object.entries(controls(gone)).filter(([, on]) => on),
    [],
  );
});

test('a run asked for before the runner is there waits for it', () => {
  const s = after(run(RunKind.DEBUG, { paused: true }));
  assert.deepEqual([s.phase, s.pending], [State.LOADING, { kind: RunKind.DEBUG, paused: true }]);
  // Once the runner is made, a run starts at once (its worker reads it when ready).
  const loaded = transition(s, { type: Event.LOADED });
  const started = transition(loaded, run());
  assert.deepEqual([started.phase, started.pending], [State.RUNNING, null]);
  // A replacement worker's `ready` changes nothing.
  assert.equal(transition(started, { type: Msg.READY }).phase, State.RUNNING);
});

test('step back: from a pause of a debug run, and from the end of one the worker kept', () => {
  const debugPause = after(...READY, run(RunKind.DEBUG), paused);
  assert.ok(can(debugPause, { type: Msg.STEP_BACK }));
  assert.equal(can(after(...READY, run(RunKind.PLAIN), paused), { type: Msg.STEP_BACK }), false);
  const halted = after(...READY, run(RunKind.DEBUG), done(Status.HALTED, true));
  assert.ok(can(halted, { type: Msg.STEP_BACK }));
  assert.equal(transition(halted, { type: Msg.STEP_BACK }).phase, State.HALTED);
  assert.equal(transition(halted, paused).phase, State.PAUSED);
  assert.equal(transition(halted, { type: Msg.HISTORY_EMPTY }).phase, State.HALTED);
  // A run that did not keep its history, or was stopped, cannot.
  assert.equal(can(after(...READY, run(), done(Status.HALTED, false)), { type: Msg.STEP_BACK }), false);
  assert.equal(can(after(...READY, run(RunKind.DEBUG), done(Status.STOPPED)), { type: Msg.STEP_BACK }), false);
  // A new run forgets it; so does a runner that died.
  assert.equal(transition(halted, run()).resumable, false);
  assert.equal(transition(halted, { type: Msg.DIED }).resumable, false);
});

test('a notice replaces the Status until the next redraw; steps and pauses keep it', () => {
  const halted = after(...READY, run(), done(Status.HALTED));
  const noticed = transition(halted, { type: Event.NOTICE });
  assert.deepEqual([noticed.phase, noticed.notice, shownState(noticed)], [State.HALTED, true, State.IDLE]);
  const p = transition(after(...READY, run(RunKind.DEBUG), paused), { type: Event.NOTICE });
  assert.equal(transition(p, { type: Msg.STEP }).notice, true);
  assert.equal(transition(transition(p, { type: Msg.STEP }), paused).notice, false);
  assert.equal(transition(noticed, run()).notice, false);
  // Not over a run that is going on.
  assert.equal(can(after(...READY, run()), { type: Event.NOTICE }), false);
  // The first `ready` does not replace a notice shown while loading.
  const early = transition(after(Event.LOADED, { type: Event.NOTICE }), { type: Msg.READY });
  assert.deepEqual([early.phase, early.notice], [State.IDLE, true]);
  assert.ok(isQuiet(after(Event.LOADED, { type: Event.NOTICE }), { type: Msg.READY }));
  assert.equal(isQuiet(after(Event.LOADED), { type: Msg.READY }), false);
});

test('controls follow the state', () => {
  const on = (s) => Object.keys(controls(s)).filter((k) => controls(s)[k] === true).sort();
  assert.deepEqual(on(initialState()), ['run']);
  assert.deepEqual(on(after(...READY)), ['continue', 'profile', 'run', 'step', 'stepOver']);
  assert.deepEqual(on(after(...READY, run())), ['pause', 'profile', 'run', 'stop']);
  assert.deepEqual(on(after(...READY, run(RunKind.DEBUG))), ['debugging', 'pause', 'profile', 'run', 'stop']);
  assert.deepEqual(on(after(...READY, run(RunKind.DEBUG), paused)), [
    'continue', 'debugging', 'profile', 'run', 'step', 'stepBack', 'stepOut', 'stepOver', 'stop',
  ]);
  // A plain run paused with Pause: no step back, and the hint says why.
  assert.deepEqual(on(after(...READY, run(), paused)), ['continue', 'debugging', 'profile', 'run', 'step', 'stepBackHint', 'stepOut', 'stepOver', 'stop']);
  assert.deepEqual(on(after(...READY, run(), { type: Msg.NEEDS_INPUT })), ['profile', 'run', 'stop']);
  assert.deepEqual(on(after(...READY, run(RunKind.DEBUG), done(Status.ERROR, true))), ['continue', 'profile', 'run', 'step', 'stepBack', 'stepOver']);
  // Stop stays available while a paused run's Status shows a notice.
  assert.ok(controls(transition(after(...READY, run(RunKind.DEBUG), paused), { type: Event.NOTICE })).stop);
});

test('the table names only known states', () => {
  for (const [type, r] of Object.entries(TRANSITIONS)) {
    for (const p of r.from) assert.ok(PHASES.includes(p), `${type}: ${p}`);
    if (typeof r.to === 'string') assert.ok(PHASES.includes(r.to), `${type}: ${r.to}`);
  }
});
