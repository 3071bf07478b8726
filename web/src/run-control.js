// The run: holds the page's one run state (run-state.js: the phase, and the results the
// panels show, run-results.js), turns the person's commands and the runner's messages
// into its transitions, sends the commands to the runner, and has every view draw the
// new state (`render(state)`: each draws its own part, when it is a new object).

import { Msg, State, RunKind } from './protocol.js';
import { initialState, transition, can, isActive, isGoing, controls, Event } from './run-state.js';
import { OUTPUT_CAP } from './run-results.js';
import { renderControls, HISTORY } from './controls.js';
import { stdinLines } from './fields.js';
import { Tracker } from './positions.js';
import { revealPaused } from './follow.js';

export { OUTPUT_CAP };

export class RunControl {
  /**
   * `editor`; `fields` (fields.js); `saved` (saved-program.js); `views`: what draws the
   * run state, each with `render(state)` (the panels: Status, Output, Stack, Errors, Call
   * stack, Profile, the input prompt, the run notes; more with `view`); `panels`: {
   * banner, compiled (the Compiled panel, told of each run), notes (run-notes.js) };
   * `positions` (LivePositions); `ui`: the controls (controls.js) and `debugbar`,
   * `status` (elements); `current()`: the program the editor shows ({ name, key },
   * saved-program.js `title`).
   */
  constructor({ editor, fields, saved, views = [], panels, positions, ui, current = () => ({ name: '', key: '' }) }) {
    Object.assign(this, { editor, fields, saved, panels, positions, ui, current });
    this.state = initialState();
    this.runner = null;
    this.positionsFrame = 0;
    /** What watches the runs (the tour): `{ starting(), message(m) }`. */
    this.watchers = [];
    /** What draws the state: the panels, and the marks in the editor (`marks`). */
    this.views = [...views, { render: (s) => this.marks(s) }];
    /** The marks drawn in the editor: the paused position, the runtime error, the arguments' validity. */
    this.drawn = { paused: null, errorMark: null, argsInvalid: false };
    this.requestsQueued = false;
    renderControls(ui, controls(this.state));
  }

  /**
   * `watcher.starting()` is called when a run is asked for, before its arguments and
   * input are read (it may set them); `watcher.message(m)` with every message of the
   * runner the run state took, once the views have drawn it.
   */
  watch(watcher) {
    this.watchers.push(watcher);
  }

  /** Adds a view of the run state (`render(state)`), drawn from now on. */
  view(v) {
    this.views.push(v);
  }

  // ---- the state ----------------------------------------------------------------------

  /** Applies an event to the run state, then redraws the controls and every view. */
  dispatch(event) {
    this.state = transition(this.state, event);
    renderControls(this.ui, controls(this.state));
    for (const v of this.views) v.render(this.state);
    return this.state;
  }

  /** The Status says `label` (and `detail`): the page's own words ("Loading…"). */
  status(label, detail = '') {
    this.dispatch({ type: Event.STATUS, label, detail });
  }

  /** Is a run going on (paused or waiting for input included)? */
  running() {
    return isActive(this.state);
  }

  /** The last run started: its Tracker (its positions in the editor's text as it is now), or null. */
  get track() {
    return this.state.run?.track ?? null;
  }

  /** Has the program been edited since the last run started? */
  edited() {
    return Boolean(this.track && this.track.edited);
  }

  // ---- positions of the run in the editor's text -----------------------------------------

  /** A span of the last run (or of `track`'s run), in the editor's current text: [from, to]. */
  spanRange(span, track = this.track) {
    if (!track) return [span.from, span.to];
    const { from, to } = track.range(span);
    return [from, to];
  }

  /** Selects a span of the last run in the editor. */
  go(span) {
    this.editor.select(...this.spanRange(span));
  }

  /** "line 3, column 7" of the last run, kept right while the program is edited. */
  where(span, options) {
    return this.positions.text(span, this.track, options);
  }

  /** The program was edited (`changes`): the runs' positions follow, at the next frame. */
  edit(changes) {
    for (const t of new Set([this.track, this.state.profile?.run?.track])) if (t) t.edit(changes);
    this.panels.compiled?.edit(changes);
    if (this.positionsFrame) return;
    this.positionsFrame = requestAnimationFrame(() => {
      this.positionsFrame = 0;
      this.positions.refresh();
      this.panels.notes?.refresh();
      this.panels.status.refresh();
    });
  }

  /** The breakpoints changed (lines of the editor's text): the run's follow. */
  breakpoints(lines) {
    if (this.runner && this.track) this.runner.breakpoints(lines.map((l) => this.track.runLine(l, this.editor.view.state.doc)));
  }

  // ---- the runner --------------------------------------------------------------------

  /** The module is there: `makeRunner(onEvent, isGoing, onRequests)` makes the runner. */
  loaded(makeRunner) {
    this.runner = makeRunner(
      (m) => this.onEvent(m),
      () => isGoing(this.state),
      () => this.requestsChanged(),
    );
    this.dispatch({ type: Event.LOADED });
  }

  /** The runner's requests changed: the state has them once the current task is done (never while the views draw). */
  requestsChanged() {
    if (this.requestsQueued) return;
    this.requestsQueued = true;
    queueMicrotask(() => {
      this.requestsQueued = false;
      if (this.runner) this.dispatch({ type: Event.REQUESTS, pending: this.runner.pending() });
    });
  }

  /** The module could not be loaded: no run is possible. */
  loadFailed(e) {
    this.dispatch({ type: Event.LOAD_FAILED });
    this.panels.banner.show(`The WebAssembly runner could not be loaded: ${e.message}`);
  }

  /** The Status shows a notice of the page (when no run is going on). */
  notice(label, detail) {
    if (!can(this.state, { type: Event.NOTICE })) return;
    this.dispatch({ type: Event.NOTICE, label, detail });
  }

  /** Format found lexical errors in the text `track` (a Tracker of it): the Errors panel shows them. */
  formatErrors(diagnostics, track) {
    this.dispatch({ type: Event.FORMAT_ERRORS, diagnostics, track });
  }

  /** Another program was loaded into the editor. */
  programLoaded() {
    this.dispatch({ type: Event.PROGRAM });
  }

  // ---- commands ------------------------------------------------------------------------

  /** Run: the fast plain run, or a debug run when there are breakpoints to stop at. */
  run() {
    this.start(this.editor.breakpoints().length ? RunKind.DEBUG : RunKind.PLAIN);
  }

  /**
   * Starts a run of `kind` (protocol.js RunKind). `paused`: start paused before the first
   * instruction. Before the runner is there, the run waits for it.
   */
  start(kind, { paused = false } = {}) {
    const { editor, fields, panels } = this;
    if (!can(this.state, { type: Msg.RUN, kind, paused })) return;
    for (const w of this.watchers) w.starting();
    const loaded = this.state.loaded;
    if (loaded) this.saved.saveNow();
    // The run's results belong to the editor's text as it is now (its Tracker).
    const run = loaded ? { track: new Tracker(editor.view.state.doc), at: Date.now(), ...pick(this.current()) } : null;
    this.dispatch({ type: Msg.RUN, kind, paused, args: fields.args.trim(), run });
    if (this.state.phase === State.LOADING) return;
    panels.compiled?.show(run.track);
    const options = { maxOutput: OUTPUT_CAP };
    // A plain run runs the program's blocks in WebAssembly (the tier); the others run
    // plain instructions, which they watch.
    if (kind === RunKind.PLAIN) options.tier = true;
    if (kind === RunKind.DEBUG) options.history = HISTORY;
    if (kind === RunKind.PROFILE) options.profile = true;
    this.runner.run({
      source: editor.text(),
      args: fields.args,
      stdin: stdinLines(fields.stdin),
      options,
      paused,
      // A profile covers the whole run: it does not stop at breakpoints.
      breakpoints: kind === RunKind.PROFILE ? [] : editor.breakpoints(),
    });
    // On a narrow screen the results are below the editor: bring them into view (not for
    // a debug run: its pauses show the paused line, which is in the editor).
    // (Read at the next frame, when the page is laid out anyway: read now, it would lay
    // the page out at once, a millisecond or more of every Run.)
    if (kind === RunKind.DEBUG) return;
    requestAnimationFrame(() => {
      const r = this.ui.status.getBoundingClientRect();
      if (r.top > innerHeight - 40 || r.bottom < 0) this.ui.status.scrollIntoView({ block: 'start', behavior: 'smooth' });
    });
  }

  stop() {
    if (!can(this.state, { type: Msg.STOP })) return;
    this.dispatch({ type: Msg.STOP });
    this.runner.stop();
  }

  /**
   * Esc: stops a program that runs or waits for input (not a paused one: Esc is the
   * editor's then, and Stop ends it). Says whether it stopped one.
   */
  stopRunning() {
    if (!isGoing(this.state) && this.state.phase !== State.INPUT) return false;
    this.stop();
    return true;
  }

  /** Sends a debugger command to the runner, if the state allows it; says whether it did. */
  command(type) {
    if (!can(this.state, { type })) return false;
    this.dispatch({ type });
    this.runner.send(type);
    return true;
  }

  /** Continue from a pause; with no run, start a debug run (to the first breakpoint). */
  continue() {
    if (!this.command(Msg.CONTINUE) && !isActive(this.state)) this.start(RunKind.DEBUG);
  }

  pause() {
    this.command(Msg.PAUSE);
  }

  /** A step command from a pause; Step and Step over with no run start one, paused. */
  step(type) {
    if (this.command(type)) return;
    if (!isActive(this.state) && (type === Msg.STEP || type === Msg.STEP_OVER)) this.start(RunKind.DEBUG, { paused: true });
  }

  stepBack() {
    this.command(Msg.STEP_BACK);
  }

  /** The F8 key: pause a running program, or continue. */
  pauseOrContinue() {
    if (isGoing(this.state)) this.pause();
    else this.continue();
  }

  /** The person answered the input prompt: a line, or null for the end of input. */
  input(line) {
    if (!can(this.state, { type: Msg.INPUT })) return;
    this.dispatch({ type: Msg.INPUT, line });
    this.runner.input(line);
  }

  // ---- the marks in the editor -----------------------------------------------------------

  /**
   * The editor's view of the run state: the paused token (brought into view at a new
   * pause) and the Compiled panel's paused row, the runtime error's mark, and the
   * Arguments field marked when its arguments could not be read.
   */
  marks(s) {
    const drawn = this.drawn;
    if (s.paused !== drawn.paused) {
      drawn.paused = s.paused;
      const position = s.paused?.position;
      if (position) {
        const [from, to] = this.spanRange(position);
        this.editor.showPaused({ from, to });
        if (this.ui.debugbar) revealPaused(this.editor.view, this.ui.debugbar);
      } else this.editor.showPaused(null);
      this.panels.compiled?.paused(position || null);
    }
    if (s.errorMark !== drawn.errorMark) {
      drawn.errorMark = s.errorMark;
      const e = s.errorMark;
      if (!e) this.editor.setRuntimeError(null);
      else {
        const [from, to] = this.spanRange(e.span);
        this.editor.setRuntimeError({ ...e.span, from, to, message: e.message });
      }
    }
    if (s.argsInvalid !== drawn.argsInvalid) {
      drawn.argsInvalid = s.argsInvalid;
      if (s.argsInvalid) this.fields.invalid();
      else this.fields.valid();
    }
  }

  // ---- the runner's messages -------------------------------------------------------------

  onEvent(m) {
    if (m.type === Msg.STARTED || m.type === Msg.BREAKPOINTS) return;
    if (!can(this.state, m)) {
      console.warn(`the page ignored the runner's ${m.type} in the state ${this.state.phase}`);
      return;
    }
    const before = this.state;
    this.dispatch(m);
    if (m.type === Msg.READY) performance.mark('runner-ready');
    if (m.type === Msg.READY && before.pending) this.start(before.pending.kind, { paused: before.pending.paused });
    if (m.type === Msg.DIED) this.died(m);
    for (const w of this.watchers) w.message(m);
  }

  /** The banner says what happened to the runner. */
  died(m) {
    const { banner } = this.panels;
    if (m.final) banner.show(`The runner failed to start several times (${m.message}). Reload the page to try again; your program is kept.`);
    else banner.show(`The runner stopped unexpectedly (${m.message}). A new one has been started; your program is still in the editor.`);
  }
}

/** The name and key of a program (saved-program.js `title`). */
const pick = ({ name, key }) => ({ name, key });
