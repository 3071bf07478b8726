// The run: holds the page's one run state (run-state.js), turns the person's commands and
// the runner's messages into its transitions, sends the commands to the runner, and has
// the panels drawn from each new state and message.

import { count, counted, duration } from './dom.js';
import { Msg, State, Status, SetupError, RunKind } from './protocol.js';
import { initialState, transition, can, isActive, isGoing, controls, ENDED, Event } from './run-state.js';
import { renderControls, HISTORY } from './controls.js';
import { stdinLines, argsLabel } from './fields.js';
import { renderStack, renderStackNote, renderPeek } from './stack-view.js';
import { pauseReason } from './pause-reason.js';
import { Tracker } from './positions.js';
import { revealPaused } from './follow.js';
import { tierStatus } from './wasm-text.js';

/** The most output a run keeps (bytes); more ends the run with an "output limit" error. */
export const OUTPUT_CAP = 1 << 20;

export class RunControl {
  /**
   * `editor`; `fields` (fields.js); `saved` (saved-program.js); `panels`: { status,
   * output, stack: { list, count }, errors, callstack, profile, prompt, banner, compiled,
   * notes (run-notes.js) };
   * `positions` (LivePositions); `ui`: the controls (controls.js) and `debugbar`,
   * `status` (elements).
   */
  constructor({ editor, fields, saved, panels, positions, ui }) {
    Object.assign(this, { editor, fields, saved, panels, positions, ui });
    this.state = initialState();
    this.runner = null;
    /** The last run started (its Tracker: its positions in the editor's text as it is now). */
    this.track = null;
    this.positionsFrame = 0;
    /** What watches the runs (the tour): `{ starting(), message(m) }`. */
    this.watchers = [];
    renderControls(ui, controls(this.state));
  }

  /**
   * `watcher.starting()` is called when a run is asked for, before its arguments and
   * input are read (it may set them); `watcher.message(m)` with every message of the
   * runner the run state took, once the panels have shown it.
   */
  watch(watcher) {
    this.watchers.push(watcher);
  }

  // ---- the state ----------------------------------------------------------------------

  /** Applies an event to the run state and redraws the controls. */
  dispatch(event) {
    this.state = transition(this.state, event);
    renderControls(this.ui, controls(this.state));
    return this.state;
  }

  /** Shows the Status of the current state. */
  status(label, detail) {
    this.panels.status.show(this.state, label, detail);
  }

  /** Is a run going on (paused or waiting for input included)? */
  running() {
    return isActive(this.state);
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
    for (const t of new Set([this.track, this.panels.profile.track])) if (t) t.edit(changes);
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

  /** The module is there: `makeRunner(onEvent, isGoing)` makes the runner. */
  loaded(makeRunner) {
    this.runner = makeRunner(
      (m) => this.onEvent(m),
      () => isGoing(this.state),
    );
    this.dispatch({ type: Event.LOADED });
  }

  /** The module could not be loaded: no run is possible. */
  loadFailed(e) {
    this.dispatch({ type: Event.LOAD_FAILED });
    this.status('Could not load the runner');
    this.panels.banner.show(`The WebAssembly runner could not be loaded: ${e.message}`);
  }

  /** The Status shows a notice of the page (when no run is going on). */
  notice(label, detail) {
    if (!can(this.state, { type: Event.NOTICE })) return;
    this.dispatch({ type: Event.NOTICE });
    this.status(label, detail);
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
    const event = { type: Msg.RUN, kind, paused, args: fields.args.trim() };
    this.dispatch(event);
    if (this.state.phase === State.LOADING) {
      this.status('Loading the runner…', 'the program starts when it is ready');
      return;
    }
    this.saved.saveNow();
    this.clearResults();
    fields.valid();
    this.track = new Tracker(editor.view.state.doc);
    panels.notes?.started(this.track);
    panels.compiled?.show(this.track);
    const options = { maxOutput: OUTPUT_CAP };
    // A plain run runs the program's blocks in WebAssembly (the tier); the others run
    // plain instructions, which they watch.
    if (kind === RunKind.PLAIN) options.tier = true;
    if (kind === RunKind.DEBUG) options.history = HISTORY;
    if (kind === RunKind.PROFILE) {
      options.profile = true;
      panels.profile.begin(this.track);
    }
    this.runner.run({
      source: editor.text(),
      args: fields.args,
      stdin: stdinLines(fields.stdin),
      options,
      paused,
      // A profile covers the whole run: it does not stop at breakpoints.
      breakpoints: kind === RunKind.PROFILE ? [] : editor.breakpoints(),
    });
    this.status(kind === RunKind.PROFILE ? 'Profiling…' : 'Running…');
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
    if (this.command(Msg.CONTINUE)) this.status('Running…');
    else if (!isActive(this.state)) this.start(RunKind.DEBUG);
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
    const { output, prompt } = this.panels;
    if (line === null) output.note('[end of input]');
    else output.echo(line);
    prompt.hide();
    this.dispatch({ type: Msg.INPUT });
    this.status('Running…');
    this.runner.input(line);
  }

  // ---- the panels ----------------------------------------------------------------------

  clearResults() {
    const { output, errors, prompt, callstack } = this.panels;
    output.clear();
    errors.clear();
    this.stackNote('Running: the stack is shown when the run pauses, asks for input or ends.');
    prompt.hide();
    this.editor.setRuntimeError(null);
    this.editor.showPaused(null);
    this.panels.compiled?.paused(null);
    callstack.clear();
  }

  /** The Stack panel; `from`: the runner's message with the stack (its run and steps). */
  showStack(stack, total, from = null) {
    const runner = this.runner;
    const fetchValue = from && runner ? (q) => runner.value({ id: from.id, steps: from.steps, ...q }) : null;
    renderStack(this.panels.stack.list, this.panels.stack.count, stack, total, fetchValue);
    if (this.panels.stack.peek) renderPeek(this.panels.stack.peek, stack, total);
  }

  /** A note in place of the Stack panel's values. */
  stackNote(text) {
    renderStackNote(this.panels.stack.list, this.panels.stack.count, text, this.panels.stack.peek);
  }

  /** Steps and time of a run's message, and the arguments it pushed (so that they never go unnoticed). */
  stepsAndTime(m) {
    const args = this.state.args ? ` · ran with arguments: ${argsLabel(this.state.args)}` : '';
    const tier = m.tier ? ` · ${tierStatus(m.tier, m.steps)}` : '';
    return `${counted(m.steps, 'step')} · ${duration(m.time_ms || 0)}${tier}${args}`;
  }

  /** Output, prompt, paused mark and call stack go quiet: the run is not paused any more. */
  settle(m) {
    const { output, prompt, callstack } = this.panels;
    if (m) output.append(m.output);
    output.flush();
    prompt.hide();
    this.editor.showPaused(null);
    this.panels.compiled?.paused(null);
    callstack.clear();
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
    this.show(m, before);
    for (const w of this.watchers) w.message(m);
  }

  /** Has the panels show a message of the runner (`before`: the state it came in). */
  show(m, before) {
    const { output, profile, errors } = this.panels;
    switch (m.type) {
      case Msg.READY:
        performance.mark('runner-ready');
        // The version is in the header: once is enough.
        if (before.phase === State.LOADING && !before.notice) this.status('Ready');
        if (before.pending) this.start(before.pending.kind, { paused: before.pending.paused });
        return;
      case Msg.PROGRESS:
        output.append(m.output);
        if (m.sleeping_ms) this.status('Running…', `sleeping ${count(m.sleeping_ms)} ms · ${counted(m.steps, 'step')}`);
        else this.status(this.state.kind === RunKind.PROFILE ? 'Profiling…' : 'Running…', counted(m.steps, 'step'));
        return;
      case Msg.NEEDS_INPUT:
        output.append(m.output);
        output.flush();
        this.showStack(m.stack, m.stack_len, m);
        this.editor.showPaused(null);
        this.panels.compiled?.paused(null);
        this.panels.callstack.clear();
        this.status('Waiting for input', `${counted(m.steps, 'step')} so far`);
        this.panels.prompt.show();
        return;
      case Msg.SETUP_ERROR:
        if (m.kind === SetupError.COMPILE) {
          errors.compile(m.diagnostics);
          this.status('Compile error', `${m.diagnostics.length} error${m.diagnostics.length === 1 ? '' : 's'}`);
        } else {
          this.fields.invalid();
          errors.args(m.diagnostics, (d) => this.fields.selectArgs(d));
          this.status('Bad arguments');
        }
        if (this.state.kind === RunKind.PROFILE) profile.note(null);
        this.stackNote('The program did not start.');
        return;
      case Msg.PAUSED:
        return this.paused(m, ENDED.includes(before.phase));
      case Msg.DONE:
        return this.done(m);
      case Msg.DIED:
        return this.died(m);
      default:
    }
  }

  paused(m, wasEnded) {
    const { output, errors, callstack, profile } = this.panels;
    const editor = this.editor;
    // Stepping back into a run that had ended: the page's note about its end goes.
    if (wasEnded) output.dropNotes();
    if (m.output_removed) output.removeLast(m.output_removed);
    output.append(m.output);
    output.flush();
    this.panels.prompt.hide();
    errors.clear();
    editor.setRuntimeError(null);
    this.showStack(m.stack, m.stack_len, m);
    callstack.show(m);
    if (m.position) {
      const [from, to] = this.spanRange(m.position);
      editor.showPaused({ from, to });
      revealPaused(editor.view, this.ui.debugbar);
    } else editor.showPaused(null);
    this.panels.compiled?.paused(m.position);
    if (m.profile) profile.show(m.profile);
    const at = m.position ? this.where(m.position, { column: false }) : 'at the end';
    this.status('Paused', [pauseReason(m.reason, m.command), ' · ', at, ' · ', this.stepsAndTime(m)]);
  }

  done(m) {
    const { output, profile, errors } = this.panels;
    this.settle(m);
    if (m.stack) this.showStack(m.stack, m.stack_len, m);
    else this.stackNote('The run was stopped before its stack could be read.');
    if (m.profile) {
      profile.show(m.profile);
      profile.reveal();
    } else if (this.state.kind === RunKind.PROFILE && m.forced) {
      profile.note('The run was stopped before its profile could be read.');
    }
    const back = m.resumable ? ' · Step back goes on from here' : '';
    if (m.status === Status.HALTED) {
      this.status('Halted', `exit code ${m.exit_code} · ${this.stepsAndTime(m)}${back}`);
    } else if (m.status === Status.ERROR) {
      if (m.error.kind === 'output_limit') output.note(`[output capped at ${count(OUTPUT_CAP)} bytes: the program was stopped]`);
      errors.runtime(m.error, m.stack_len);
      const [from, to] = this.spanRange(m.error.span);
      this.editor.setRuntimeError({ ...m.error.span, from, to, message: m.error.message });
      this.status('Runtime error', `${this.stepsAndTime(m)}${back}`);
    } else {
      output.note('[stopped]');
      this.status('Stopped', this.stepsAndTime(m));
    }
  }

  died(m) {
    const { output, banner } = this.panels;
    this.settle(null);
    if (m.id) this.stackNote('The runner stopped unexpectedly: the stack of the run is gone.');
    if (m.final) {
      this.status('Runner unavailable');
      banner.show(`The runner failed to start several times (${m.message}). Reload the page to try again; your program is kept.`);
      return;
    }
    if (m.id) {
      output.note('[the runner stopped unexpectedly; the program did not finish]');
      this.status('Runner crashed', 'restarted: run again');
    }
    banner.show(`The runner stopped unexpectedly (${m.message}). A new one has been started; your program is still in the editor.`);
  }
}
