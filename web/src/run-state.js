// The state of the page's run, in one object with explicit transitions. Pure: no DOM, no
// runner. The page keeps one `RunState`, replaces it with `transition(state, event)` at
// every message of the runner and every command of the person, and draws everything
// about the run from it: the toolbar and the debugger's buttons (`controls`), and the
// panels (each a view, `render(state)`, of its part of the run's results: run-results.js).
//
// An event is a message of the protocol (`{ type: Msg.PAUSED, ... }`, protocol.js), a
// command the page sends (`Msg.RUN`, `Msg.CONTINUE`, `Msg.STEP`, …) or one of `Event`.

import { Msg, State, Status, SetupError, RunKind } from './protocol.js';
import { Event, initialResults, results, shownOf } from './run-results.js';

export { Event };

const {
  LOADING, IDLE, RUNNING, SLEEPING, STEPPING, INPUT, PAUSED, HALTED, ERROR, STOPPED, COMPILE_ERROR, ARGS_ERROR, CRASHED, UNAVAILABLE,
} = State;

/** Every state of the page's run. */
export const PHASES = Object.freeze([
  LOADING, IDLE, RUNNING, SLEEPING, STEPPING, INPUT, PAUSED, HALTED, ERROR, STOPPED, COMPILE_ERROR, ARGS_ERROR, CRASHED, UNAVAILABLE,
]);
/** The worker runs the program: it sends progress until it pauses, asks or ends. */
export const GOING = Object.freeze([RUNNING, SLEEPING, STEPPING]);
/** A run is going on in the worker (Stop applies). */
export const ACTIVE = Object.freeze([...GOING, INPUT, PAUSED]);
/** A run ended. */
export const ENDED = Object.freeze([HALTED, ERROR, STOPPED, COMPILE_ERROR, ARGS_ERROR]);
/** No run: a new one can start. */
const AT_REST = [IDLE, ...ENDED, CRASHED];
/** Ended runs that a debug run can step back into. */
const RESUMABLE = [HALTED, ERROR];
const EVERY = PHASES;
const SAME = null;

/**
 * The transitions, as data: for each event, the states it may come in (`from`) and the
 * state it leads to (`to`: a state, SAME, or a function of the state and the event).
 * `when`: a further condition. `quiet`: the Status is not redrawn (a notice it shows
 * stays). An event in a state not in its `from` is illegal.
 */
export const TRANSITIONS = Object.freeze({
  [Event.LOADED]: { from: [LOADING], to: SAME, quiet: true },
  // (Also a failure just after the runner was made, while the operations are read.)
  [Event.LOAD_FAILED]: { from: EVERY, to: UNAVAILABLE },
  // The first worker's `ready` ends the loading; a replacement worker's changes nothing.
  [Msg.READY]: { from: PHASES.filter((p) => p !== UNAVAILABLE), to: (s) => (s.phase === LOADING ? IDLE : SAME), quiet: (s) => s.phase !== LOADING || s.notice },
  // A run asked for: a run still going is replaced. Before the runner is there, it waits.
  [Msg.RUN]: { from: [LOADING, ...AT_REST, ...ACTIVE], to: (s) => (s.loaded ? RUNNING : LOADING) },
  [Msg.PROGRESS]: { from: GOING, to: (s, e) => (e.sleeping_ms ? SLEEPING : RUNNING) },
  [Msg.NEEDS_INPUT]: { from: GOING, to: INPUT },
  // The person answered the prompt (a line, or the end of input).
  [Msg.INPUT]: { from: [INPUT], to: RUNNING },
  [Msg.SETUP_ERROR]: { from: GOING, to: (s, e) => (e.kind === SetupError.COMPILE ? COMPILE_ERROR : ARGS_ERROR) },
  // A pause: of a running run, after a step, or a step back (from a pause or an end).
  [Msg.PAUSED]: { from: [...GOING, PAUSED, ...RESUMABLE], to: PAUSED },
  // A step back from the end of a run found nothing to undo: it stays ended.
  [Msg.HISTORY_EMPTY]: { from: RESUMABLE, to: SAME, quiet: true },
  [Msg.DONE]: { from: ACTIVE, to: (s, e) => DONE_STATES[e.status] },
  // The runner replaced its worker: the run it had is gone; after repeated deaths, the runner too.
  [Msg.DIED]: { from: EVERY, to: (s, e) => (e.final ? UNAVAILABLE : e.id ? CRASHED : SAME), quiet: (s, e) => !e.final && !e.id },
  [Msg.CONTINUE]: { from: [PAUSED], to: RUNNING },
  // A step is asked: the Status keeps the pause until the worker answers.
  [Msg.STEP]: { from: [PAUSED], to: STEPPING, quiet: true },
  [Msg.STEP_OVER]: { from: [PAUSED], to: STEPPING, quiet: true },
  [Msg.STEP_OUT]: { from: [PAUSED], to: STEPPING, quiet: true },
  // From a pause of a run that records its steps, or from the end of one (the worker kept it).
  [Msg.STEP_BACK]: {
    from: [PAUSED, ...RESUMABLE],
    to: SAME,
    when: (s) => (s.phase === PAUSED ? s.kind === RunKind.DEBUG : s.resumable),
    quiet: true,
  },
  [Msg.PAUSE]: { from: GOING, to: SAME, quiet: true },
  [Msg.STOP]: { from: ACTIVE, to: SAME, quiet: true },
  // A notice replaces the Status of a run that is not going on (shown as `idle`).
  [Event.NOTICE]: { from: PHASES.filter((p) => ![RUNNING, SLEEPING, INPUT].includes(p)), to: SAME },
  // The page's own words in the Status ("Loading…").
  [Event.STATUS]: { from: EVERY, to: SAME },
  // Results that are not the run's, in any state: Format's errors, another program loaded
  // (the Profile folds away), the requests waiting for the worker.
  [Event.FORMAT_ERRORS]: { from: EVERY, to: SAME, quiet: true },
  [Event.PROGRAM]: { from: EVERY, to: SAME, quiet: true },
  [Event.REQUESTS]: { from: EVERY, to: SAME, quiet: true },
});

/** The state a `done` message's status leads to. */
const DONE_STATES = { [Status.HALTED]: HALTED, [Status.ERROR]: ERROR, [Status.STOPPED]: STOPPED };

/**
 * The state before anything is loaded. `kind`: of the current or last run; `resumable`:
 * the ended run can be stepped back into; `args`: the arguments it pushed; `pending`: a
 * run asked for before the runner was there ({ kind, paused }); `loaded`: the runner is
 * made; `notice`: the Status shows a notice instead of the run; and the run's results
 * (run-results.js `initialResults`: the run they belong to, the Status's words, output,
 * stack, errors, the paused position, the prompt, the profile, what the Timeline reads,
 * the requests waiting for the worker).
 */
export const initialState = () =>
  Object.freeze({ phase: LOADING, kind: RunKind.PLAIN, resumable: false, args: '', pending: null, loaded: false, notice: false, ...initialResults() });

/** An event that may not happen in the state it came in. */
export class IllegalTransition extends Error {
  constructor(state, event) {
    super(`${event.type} is not allowed in the state ${state.phase}`);
    this.name = 'IllegalTransition';
  }
}

/** The rule of `event` if it is allowed in `state`, else null. */
function rule(state, event) {
  const r = Object.hasOwn(TRANSITIONS, event.type) ? TRANSITIONS[event.type] : null;
  if (!r || !r.from.includes(state.phase) || (r.when && !r.when(state, event))) return null;
  return r;
}

/** May `event` happen in `state`? */
export const can = (state, event) => rule(state, event) !== null;

/** Does `event` in `state` leave the Status as it is (a notice it shows stays)? */
export function isQuiet(state, event) {
  const r = rule(state, event);
  return Boolean(r && (typeof r.quiet === 'function' ? r.quiet(state, event) : r.quiet));
}

/** Fields an event sets besides the state. */
function fields(state, event) {
  switch (event.type) {
    case Event.LOADED:
      return { loaded: true };
    case Msg.RUN:
      return {
        kind: event.kind,
        resumable: false,
        args: event.args ?? '',
        pending: state.loaded ? null : { kind: event.kind, paused: Boolean(event.paused) },
      };
    case Msg.DONE:
      return { resumable: Boolean(event.resumable) };
    case Msg.DIED:
      return { resumable: false };
    case Event.LOAD_FAILED:
      return { resumable: false, pending: null };
    case Event.NOTICE:
      return { notice: true };
    default:
      return {};
  }
}

/**
 * The state after `event` (a plain object with a `type`): its phase and fields by the
 * table, then its results (run-results.js). Throws IllegalTransition for an event that
 * may not happen in `state`; never changes `state`.
 */
export function transition(state, event) {
  const r = rule(state, event);
  if (!r) throw new IllegalTransition(state, event);
  const to = typeof r.to === 'function' ? r.to(state, event) : r.to;
  const notice = state.notice && isQuiet(state, event);
  const next = { ...state, notice, ...fields(state, event), phase: to ?? state.phase };
  return Object.freeze({ ...next, ...results(next, event, state) });
}

/** Is a run going on in the worker? */
export const isActive = (state) => ACTIVE.includes(state.phase);

/** Is the worker running the program (so that it must send something now and then)? */
export const isGoing = (state) => GOING.includes(state.phase);

/** The Status panel's `data-state`: the state, `idle` for a notice, `crashed` for no runner. */
export const shownState = shownOf;

/**
 * Which controls are enabled in `state`: Run, Stop, Profile and the debugger's buttons;
 * `debugging`: a debug run goes on (its buttons stay on a phone's screen); `stepBackHint`:
 * a pause of a run that does not record its steps (Step back says how to get one).
 */
export function controls(state) {
  const ready = state.loaded && state.phase !== UNAVAILABLE;
  const active = isActive(state);
  const paused = state.phase === PAUSED;
  // Continue, Step and Step over continue a pause, or start a debug run.
  const go = ready && (paused || !active);
  return {
    run: state.phase !== UNAVAILABLE,
    stop: active,
    profile: ready,
    continue: go,
    step: go,
    stepOver: go,
    stepOut: can(state, { type: Msg.STEP_OUT }),
    pause: can(state, { type: Msg.PAUSE }),
    stepBack: can(state, { type: Msg.STEP_BACK }),
    stepBackHint: paused && state.kind !== RunKind.DEBUG,
    debugging: paused || (active && state.kind === RunKind.DEBUG),
  };
}
