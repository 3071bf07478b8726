// Unit tests of src/run-control.js with the page's real panels (output.js, status-panel.js,
// stack-view.js, errors-panel.js, callstack-panel.js, prompt.js) on a stand-in DOM
// (fake-dom.mjs), a stand-in editor and a stand-in runner: the commands become runs of
// the right kind, the runner's messages become the state, and every panel draws the
// state, clearing the paused marks together when a run stops being paused.
//
//   node --test web/test/run-control.test.mjs

import { test, beforeEach } from 'node:test';
import assert from 'node:assert/strict';
import { Text, ChangeSet } from '@codemirror/state';
import { installDom, FakeElement } from './fake-dom.mjs';
import { Msg, Status, State, RunKind, Reason, Command, SetupError } from '../src/protocol.js';

installDom();
const { RunControl, OUTPUT_CAP } = await import('../src/run-control.js');
const { OutputPanel } = await import('../src/output.js');
const { StatusPanel } = await import('../src/status-panel.js');
const { StackPanel } = await import('../src/stack-view.js');
const { ErrorsPanel } = await import('../src/errors-panel.js');
const { CallStackPanel } = await import('../src/callstack-panel.js');
const { InputPrompt } = await import('../src/prompt.js');
const { LivePositions } = await import('../src/positions.js');
const { h } = await import('../src/dom.js');

const el = (tag = 'div') => {
  const e = new FakeElement(tag);
  document.body.append(e);
  return e;
};

/** An editor with `text`: its marks are recorded; `edit(from, to, insert)` changes its text. */
function fakeEditor(text) {
  let doc = Text.of(text.split('\n'));
  const editor = {
    marks: { paused: null, error: null, selected: null },
    bps: [],
    view: {
      state: {
        get doc() {
          return doc;
        },
      },
      requestMeasure() {},
      focus() {},
    },
    text: () => doc.toString(),
    breakpoints: () => editor.bps,
    select: (from, to) => (editor.marks.selected = [from, to]),
    showPaused: (r) => (editor.marks.paused = r),
    setRuntimeError: (e) => (editor.marks.error = e),
    /** Inserts `insert` at `from`; returns the changes (for the control's `edit`). */
    insert(from, insert) {
      const changes = ChangeSet.of([{ from, insert }], doc.length);
      doc = changes.apply(doc);
      return changes;
    },
  };
  return editor;
}

/** A runner that records what it is asked; `control.onEvent` gets its messages. */
function fakeRunner() {
  return {
    runs: [],
    sent: [],
    inputs: [],
    stopped: 0,
    nextId: 1,
    run(r) {
      this.runs.push(r);
      return this.nextId++;
    },
    send(type) {
      this.sent.push(type);
    },
    input(line) {
      this.inputs.push(line);
    },
    stop() {
      this.stopped++;
    },
    breakpoints() {},
    value: async () => ({ text: 'whole' }),
    pending: () => ({ sent: {}, waiting: {} }),
  };
}

/** A page: the control with real panels on the stand-in DOM; `runner` once `load()`ed. */
function page(text = '1 2 + println\n"x" read\nstop\n') {
  const editor = fakeEditor(text);
  const positions = new LivePositions(() => editor.view.state.doc);
  const els = { status: el(), output: el('pre'), stack: el('ol'), count: el('small'), errors: el(), callstack: el('ol'), form: el('form'), input: el('input'), eof: el('button') };
  els.form.hidden = true;
  const fields = { args: '', stdin: '', validity: 'valid', valid: () => (fields.validity = 'valid'), invalid: () => (fields.validity = 'invalid'), selectArgs() {} };
  const banner = { said: [], show: (text) => banner.said.push(text) };
  const compiled = { at: [], paused: (p) => compiled.at.push(p), show() {}, edit() {} };
  let control = null;
  const placesOf = (track) => ({
    where: (span) => positions.text(span, track),
    link: (span, ...text) => h('button', { onclick: () => editor.select(...control.spanRange(span, track)) }, text),
  });
  const status = new StatusPanel(els.status, { edited: () => control.edited(), where: (span, o) => control.where(span, o) });
  const views = [
    new OutputPanel(els.output),
    new InputPrompt({ form: els.form, input: els.input, eof: els.eof }, { onLine: (l) => control.input(l), onEof: () => control.input(null), focusEditor() {} }),
    new ErrorsPanel(els.errors, { placesOf }),
    new StackPanel({ list: els.stack, count: els.count }, { runner: () => control.runner }),
    new CallStackPanel(els.callstack, { go: (s) => control.go(s), where: (s) => control.where(s) }),
    status,
  ];
  const button = () => Object.assign(el('button'), { disabled: false });
  const ui = {
    run: button(),
    stop: button(),
    profileRun: button(),
    dbg: { continue: button(), pause: button(), step: button(), stepOver: button(), stepOut: button(), stepBack: button() },
    debugbar: el(),
    status: els.status,
  };
  let saves = 0;
  control = new RunControl({ editor, fields, saved: { saveNow: () => saves++ }, views, panels: { banner, compiled, status }, positions, ui, current: () => ({ name: 'Square', key: 'kept:1' }) });
  const p = {
    control,
    editor,
    els,
    fields,
    banner,
    compiled,
    ui,
    saves: () => saves,
    runner: null,
    load() {
      control.loaded(() => (p.runner = fakeRunner()));
      control.onEvent({ type: Msg.READY, version: '1' });
      return p;
    },
    /** A message of the runner about the last run. */
    msg(m) {
      control.onEvent({ id: p.runner.nextId - 1, ...m });
    },
    text: (name) => els[name].textContent,
    state: () => els.status.dataset.state,
  };
  return p;
}

const SPAN_PLUS = { line: 1, column: 5, from: 4, to: 5 };
const pausedAt = (position, extra = {}) => ({
  type: Msg.PAUSED,
  reason: Reason.BREAKPOINT,
  command: Command.RUN,
  output: '',
  steps: 2,
  time_ms: 1,
  position,
  call_stack: [],
  stack: [{ type: 'int', value: 1, literal: '1', bytes: 8, cut: false }, { type: 'int', value: 2, literal: '2', bytes: 8, cut: false }],
  stack_len: 2,
  history: true,
  profile: null,
  ...extra,
});
const done = (extra = {}) => ({ type: Msg.DONE, status: Status.HALTED, exit_code: 0, output: '', steps: 4, time_ms: 2, position: null, call_stack: [], stack: [], stack_len: 0, resumable: false, ...extra });

beforeEach(() => document.body.replaceChildren());

test('Run: a plain run on the tier, a debug run with breakpoints, a profile without; each saved first', () => {
  const p = page().load();
  p.control.run();
  p.editor.bps = [2];
  p.control.run();
  p.control.start(RunKind.PROFILE);
  assert.deepEqual(
    p.runner.runs.map((r) => [r.options, r.breakpoints]),
    [
      [{ maxOutput: OUTPUT_CAP, tier: true }, []],
      [{ maxOutput: OUTPUT_CAP, history: 10_000 }, [2]],
      [{ maxOutput: OUTPUT_CAP, profile: true }, []],
    ],
  );
  assert.equal(p.runner.runs[0].source, p.editor.text());
  assert.equal(p.saves(), 3);
  assert.equal(p.state(), State.RUNNING);
  assert.equal(p.text('status'), 'Profiling…');
});

test('a run asked for before the runner is there waits, and starts once it is ready', () => {
  const p = page();
  p.control.run();
  assert.equal(p.state(), State.LOADING);
  assert.match(p.text('status'), /Loading the runner…/);
  assert.equal(p.saves(), 0, 'nothing saved until the run starts');
  p.load();
  assert.equal(p.runner.runs.length, 1, 'the run started when the runner was ready');
  assert.equal(p.state(), State.RUNNING);
});

test('a pause draws the paused mark, the call stack, the stack and the Status; going on clears every paused mark', () => {
  const p = page().load();
  p.editor.bps = [1];
  p.control.run();
  p.msg(pausedAt(SPAN_PLUS, { output: 'before\n', call_stack: [{ name: 'square', call: { line: 1, column: 1, from: 0, to: 1 }, repeat: 1, leftOut: 0 }] }));
  assert.equal(p.state(), State.PAUSED);
  assert.deepEqual(p.editor.marks.paused, { from: 4, to: 5 });
  assert.deepEqual(p.compiled.at.at(-1), SPAN_PLUS);
  assert.match(p.text('callstack'), /next: line 1, column 5.*square called at line 1, column 1.*main program/);
  assert.deepEqual(p.els.stack.byTag('code').map((c) => c.textContent), ['1', '2']);
  assert.equal(p.text('output'), 'before\n');
  assert.match(p.text('status'), /^Paused.*at a breakpoint · line 1 · 2 steps/);
  // The run ends: the editor's mark, the Compiled panel's row and the call stack go, together.
  p.msg(done({ output: '3\n', steps: 9, stack: [{ type: 'int', value: 3, literal: '3', bytes: 8, cut: false }], stack_len: 1 }));
  assert.equal(p.editor.marks.paused, null);
  assert.equal(p.compiled.at.at(-1), null);
  assert.equal(p.text('callstack'), '');
  assert.equal(p.text('output'), 'before\n3\n');
  assert.deepEqual(p.els.stack.byTag('code').map((c) => c.textContent), ['3']);
  assert.match(p.text('status'), /^Halted.*exit code 0 · 9 steps/);
  assert.equal(p.state(), State.HALTED);
});

test('waiting for input: the prompt shows, the paused marks go; a line typed is echoed and sent', () => {
  const p = page().load();
  p.editor.bps = [1];
  p.control.run();
  p.msg(pausedAt(SPAN_PLUS));
  p.control.command(Msg.CONTINUE);
  assert.equal(p.runner.sent.at(-1), Msg.CONTINUE);
  assert.equal(p.text('status'), 'Running…');
  p.msg({ type: Msg.NEEDS_INPUT, output: 'name? ', steps: 5, time_ms: 1, position: SPAN_PLUS, call_stack: [], stack: [], stack_len: 0 });
  assert.equal(p.els.form.hidden, false, 'the prompt is shown');
  assert.equal(p.editor.marks.paused, null);
  assert.equal(p.text('callstack'), '');
  assert.match(p.text('status'), /^Waiting for input/);
  p.control.input('Ada');
  assert.deepEqual(p.runner.inputs, ['Ada']);
  assert.equal(p.els.form.hidden, true);
  assert.equal(p.text('output'), 'name? Ada\n');
  p.msg({ type: Msg.NEEDS_INPUT, output: '', steps: 6, time_ms: 1, position: null, call_stack: [], stack: [], stack_len: 0 });
  p.control.input(null);
  assert.deepEqual(p.runner.inputs, ['Ada', null]);
  assert.equal(p.text('output'), 'name? Ada\n[end of input]\n');
});

test('a runtime error: the Errors panel, the error mark in the editor, the output capped note', () => {
  const p = page().load();
  p.control.run();
  const error = {
    kind: 'output_limit',
    message: 'output limit',
    headline: 'runtime error: output limit',
    span: SPAN_PLUS,
    trace: [],
    traceDepth: 0,
    stack: [],
    stackShown: [],
    stackLen: 0,
    rendered: 'error: output limit',
  };
  p.msg(done({ status: Status.ERROR, error, output: 'xx' }));
  assert.equal(p.state(), State.ERROR);
  assert.match(p.text('errors'), /runtime error: output limit.*at line 1, column 5/);
  assert.deepEqual(p.editor.marks.error, { ...SPAN_PLUS, from: 4, to: 5, message: 'output limit' });
  assert.equal(p.text('output'), `xx\n[output capped at ${OUTPUT_CAP.toLocaleString('en-US')} bytes: the program was stopped]\n`);
  // The position link selects the token; a new run takes the error and its mark away.
  p.els.errors.byTag('button')[0].click();
  assert.deepEqual(p.editor.marks.selected, [4, 5]);
  p.control.run();
  assert.equal(p.text('errors'), '');
  assert.equal(p.editor.marks.error, null);
  assert.equal(p.text('output'), '');
});

test('a compile error and bad arguments: the Errors panel, the Arguments marked until the next run', () => {
  const p = page().load();
  p.control.run();
  const d = { line: 1, column: 1, from: 0, to: 4, message: 'undefined label `nope`', notes: [] };
  p.msg({ type: Msg.SETUP_ERROR, kind: SetupError.COMPILE, diagnostics: [d] });
  assert.equal(p.state(), State.COMPILE_ERROR);
  assert.match(p.text('errors'), /1 compile error.*line 1, column 1: undefined label/);
  assert.equal(p.text('stack'), 'The program did not start.');
  assert.equal(p.fields.validity, 'valid');
  p.control.run();
  p.msg({ type: Msg.SETUP_ERROR, kind: SetupError.ARGS, diagnostics: [{ column: 3, message: 'not a value' }] });
  assert.equal(p.state(), State.ARGS_ERROR);
  assert.equal(p.fields.validity, 'invalid');
  assert.match(p.text('errors'), /The arguments could not be read.*arguments, column 3: not a value/);
  p.control.run();
  assert.equal(p.fields.validity, 'valid');
});

test('late messages of an earlier state are ignored; Stop and the debugger commands only where allowed', () => {
  const p = page().load();
  const warned = [];
  const warn = console.warn;
  console.warn = (w) => warned.push(w);
  try {
    p.msg(pausedAt(SPAN_PLUS)); // no run
    assert.equal(p.state(), 'idle');
    assert.equal(p.editor.marks.paused, null);
    assert.match(warned[0], /ignored the runner's paused in the state idle/);
  } finally {
    console.warn = warn;
  }
  p.control.stop();
  assert.equal(p.runner.stopped, 0, 'nothing to stop');
  assert.equal(p.control.command(Msg.STEP_BACK), false);
  // Step with no run starts a debug run paused before the first instruction.
  p.control.step(Msg.STEP);
  assert.deepEqual([p.runner.runs[0].paused, p.runner.runs[0].options.history], [true, 10_000]);
  p.control.stop();
  assert.equal(p.runner.stopped, 1);
});

test('stepping back into an ended run drops the page\'s note and the output the step undid', () => {
  const p = page().load();
  p.editor.bps = [1];
  p.control.run();
  p.msg(done({ status: Status.STOPPED, output: 'ab\n' }));
  assert.equal(p.text('output'), 'ab\n[stopped]\n');
  p.control.run();
  const error = { kind: 'output_limit', message: 'output limit', headline: 'output limit', span: SPAN_PLUS, trace: [], traceDepth: 0, stack: [], stackShown: [], stackLen: 0, rendered: '' };
  p.msg(done({ status: Status.ERROR, error, output: 'abc\n', resumable: true }));
  assert.match(p.text('output'), /^abc\n\[output capped at/);
  assert.match(p.text('status'), /Step back goes on from here/);
  assert.equal(p.control.command(Msg.STEP_BACK), true);
  p.msg(pausedAt(SPAN_PLUS, { reason: Reason.STEP_BACK, output_removed: 2 }));
  assert.equal(p.text('output'), 'ab');
  assert.equal(p.text('errors'), '', 'the error is gone with the end of the run');
  assert.deepEqual(p.editor.marks.paused, { from: 4, to: 5 });
});

test('a runner that died: the banner, the output\'s note, the stack gone; the next run starts afresh', () => {
  const p = page().load();
  p.control.run();
  p.msg({ type: Msg.PROGRESS, output: 'partial', steps: 10, time_ms: 3 });
  p.msg({ type: Msg.DIED, message: 'boom' });
  assert.equal(p.state(), State.CRASHED);
  assert.equal(p.text('status'), 'Runner crashedrestarted: run again');
  assert.match(p.banner.said[0], /stopped unexpectedly \(boom\)/);
  assert.equal(p.text('output'), 'partial\n[the runner stopped unexpectedly; the program did not finish]\n');
  assert.equal(p.text('stack'), 'The runner stopped unexpectedly: the stack of the run is gone.');
  p.control.run();
  assert.equal(p.state(), State.RUNNING);
});

test('a notice replaces the Status of an ended run, not of a running one', () => {
  const p = page().load();
  p.control.notice('Example fib loaded', 'kept');
  assert.equal(p.state(), 'idle');
  assert.equal(p.text('status'), 'Example fib loadedkept');
  p.control.run();
  p.control.notice('Example hello loaded');
  assert.equal(p.text('status'), 'Running…');
  assert.equal(p.state(), State.RUNNING);
});

test('positions follow edits: the Status and the paused mark of a run edited since', async () => {
  const p = page().load();
  p.editor.bps = [1];
  p.control.run();
  p.msg(pausedAt(SPAN_PLUS));
  assert.match(p.text('status'), /line 1 ·/);
  // Two lines typed above the program.
  p.control.edit(p.editor.insert(0, 'a\nb\n'));
  assert.equal(p.control.edited(), true);
  await new Promise((r) => setTimeout(r, 5)); // the frame that redraws the positions
  assert.match(p.text('status'), /line 3 ·.*edited since this run/);
  assert.deepEqual(p.control.spanRange(SPAN_PLUS), [8, 9]);
});
