// The names shared by the page, the runner (runner.js) and the worker (worker.js): the
// messages between page and worker, the states of a run, and the words the messages
// carry. Each is spelled here once; web/README.md ("Worker protocol") describes them.

/**
 * The `type` of every message between page and worker (and of the runner's own event,
 * `died`). `value` and `breakpoints` go both ways: a request and its answer; `format` is
 * answered by `formatted`; `timeline`, `tier_module` and `disasm` go both ways too.
 */
export const Msg = Object.freeze({
  // page -> worker
  INIT: 'init',
  RUN: 'run',
  INPUT: 'input',
  STOP: 'stop',
  PAUSE: 'pause',
  CONTINUE: 'continue',
  STEP: 'step',
  STEP_OVER: 'step_over',
  STEP_OUT: 'step_out',
  STEP_BACK: 'step_back',
  BREAKPOINTS: 'breakpoints',
  VALUE: 'value',
  /** the program in the layout of `svm fmt` (answered by `formatted`) */
  FORMAT: 'format',
  /** the stack over time of a run that is not running: a replay that records its steps (answered by `timeline`) */
  TIMELINE: 'timeline',
  /** the WebAssembly module the tier makes of a program, as text (the answer has the same type) */
  TIER_MODULE: 'tier_module',
  /** the Compiled panel's rows of a program, as `disasm` gives them (the answer has the same type) */
  DISASM: 'disasm',
  CRASH: 'crash',
  HANG: 'hang',
  // worker -> page
  READY: 'ready',
  STARTED: 'started',
  SETUP_ERROR: 'setup_error',
  PROGRESS: 'progress',
  NEEDS_INPUT: 'needs_input',
  PAUSED: 'paused',
  HISTORY_EMPTY: 'history_empty',
  DONE: 'done',
  FATAL: 'fatal',
  FORMATTED: 'formatted',
  // runner -> page: a worker had to be replaced
  DIED: 'died',
});

/**
 * The states of a run. The page's run state (run-state.js) is one of these; the worker's
 * job is `running`, `sleeping`, `input`, `paused` or `ended` (halted or failed, kept for
 * stepping back). The Status panel shows the page's state as its `data-state`.
 */
export const State = Object.freeze({
  /** the WebAssembly module is not there yet */
  LOADING: 'loading',
  /** ready, no run */
  IDLE: 'idle',
  RUNNING: 'running',
  /** running, in a `sleep_ms` */
  SLEEPING: 'sleeping',
  /** a step, step over or step out asked from a pause, not answered yet */
  STEPPING: 'stepping',
  /** waiting for a line of input */
  INPUT: 'input',
  PAUSED: 'paused',
  HALTED: 'halted',
  /** ended by a runtime error */
  ERROR: 'error',
  STOPPED: 'stopped',
  COMPILE_ERROR: 'compile-error',
  ARGS_ERROR: 'args-error',
  /** the runner died during a run and was replaced: a new run can start */
  CRASHED: 'crashed',
  /** no runner: the module could not be loaded, or the worker died again and again */
  UNAVAILABLE: 'unavailable',
  /** the worker's job that halted or failed, kept for stepping back */
  ENDED: 'ended',
});

/** The status of vm-wasm's `Session.run()`, and of a `done` message (`halted`, `error`, `stopped`). */
export const Status = Object.freeze({
  PAUSED: 'paused',
  SLEEPING: 'sleeping',
  NEEDS_INPUT: 'needs_input',
  HALTED: 'halted',
  ERROR: 'error',
  STOPPED: 'stopped',
});

/** Why a run paused: the `reason` of a `paused` message (`budget` stays in the worker: the end of a slice). */
export const Reason = Object.freeze({
  START: 'start',
  PAUSE: 'pause',
  BREAKPOINT: 'breakpoint',
  STEP: 'step',
  STEP_BACK: 'step_back',
  HISTORY_EMPTY: 'history_empty',
  BUDGET: 'budget',
});

/** What a run was doing when it paused: the `command` of a `paused` message. */
export const Command = Object.freeze({ RUN: 'run', STEP: 'step', OVER: 'over', OUT: 'out' });

/** The `kind` of a `setup_error`: the program did not compile, or the arguments could not be read. */
export const SetupError = Object.freeze({ COMPILE: 'compile', ARGS: 'args' });

/** The kinds of run: `plain` (no observer), `debug` (history, breakpoints), `profile`. */
export const RunKind = Object.freeze({ PLAIN: 'plain', DEBUG: 'debug', PROFILE: 'profile' });
