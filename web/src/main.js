// The playground page: wires the editor, the runner, the panels, examples and sharing.

import './style.css';
import { initSync, compile, ops as opReference, version, Session } from '../pkg/vm_wasm.js';
import examples from 'virtual:examples';
import { createEditor } from './editor.js';
import { Runner } from './runner.js';
import { OutputPanel } from './output.js';
import { encodeState, decodeState, isShareFragment } from './share.js';
import { h, fill, count, counted, duration } from './dom.js';
import { parseFolded, renderFlame } from './flame.js';
import { byLabel, byLabelView, viewSwitch } from './profile-table.js';
import { ProgramStore, KEPT_KEY, sameProgram } from './store.js';
import { renderStack as renderStackView } from './stack-view.js';
import { pauseReason } from './pause-reason.js';
import { Tracker, LivePositions } from './positions.js';
import { revealPaused } from './follow.js';

/* global __WASM_URL__, __WORKER_URL__ */
const WASM_URL = __WASM_URL__;
const WORKER_URL = __WORKER_URL__;

/** The most output a run keeps (bytes); more ends the run with an "output limit" error. */
const OUTPUT_CAP = 1 << 20;
/** Steps a debug run records, so that Step back can undo them. */
const HISTORY = 10_000;

const WELCOME = `# Welcome to the simple-vm playground.
# Write a program and press Run (Ctrl+Enter). Hover a word to see what it does;
# the Examples menu and the Reference show more.

"Hello from the stack!" println
2 3 + 4 * println                 # 20
1 2 < "yes" "no" if println       # yes
`;

const $ = (id) => document.getElementById(id);
const ui = {
  run: $('run'),
  stop: $('stop'),
  examples: $('examples'),
  share: $('share'),
  shareBox: $('share-box'),
  shareLink: $('share-link'),
  shareMsg: $('share-msg'),
  refToggle: $('ref-toggle'),
  reference: $('reference'),
  refList: $('ref-list'),
  banner: $('banner'),
  bannerMsg: $('banner-msg'),
  args: $('args'),
  argsChip: $('args-chip'),
  programBar: $('program-bar'),
  stdin: $('stdin'),
  status: $('status'),
  output: $('output'),
  prompt: $('prompt'),
  promptInput: $('prompt-input'),
  promptEof: $('prompt-eof'),
  stack: $('stack'),
  stackCount: $('stack-count'),
  error: $('error'),
  version: $('version'),
  profileRun: $('profile-run'),
  profile: $('profile'),
  profilePanel: $('profile-panel'),
  profileSum: $('profile-sum'),
  callstack: $('callstack'),
  dbg: {
    continue: $('dbg-continue'),
    pause: $('dbg-pause'),
    step: $('dbg-step'),
    stepOver: $('dbg-step-over'),
    stepOut: $('dbg-step-out'),
    stepBack: $('dbg-step-back'),
  },
};

// ---- saved program ---------------------------------------------------------------

/** A storage of the browser, or null where it is disabled (reading it can throw). */
function storage(name) {
  try {
    return window[name];
  } catch {
    return null;
  }
}

/** The kept program (all tabs) and this tab's draft (a shared program): see store.js. */
const store = new ProgramStore({
  local: storage('localStorage'),
  session: storage('sessionStorage'),
  fallback: { source: WELCOME, args: '', stdin: '' },
});

let saveTimer = 0;
function saveNow() {
  clearTimeout(saveTimer);
  saveTimer = 0;
  if (store.save(currentState()) === 'conflict') showConflict();
}
const saveSoon = () => {
  clearTimeout(saveTimer);
  saveTimer = setTimeout(saveNow, 250);
};
addEventListener('pagehide', () => saveTimer && saveNow());
document.addEventListener('visibilitychange', () => document.visibilityState === 'hidden' && saveTimer && saveNow());

/** The bar above the editor about the saved program: a message and its choices. */
function programBar(kind, message, actions = []) {
  ui.programBar.dataset.kind = kind;
  fill(
    ui.programBar,
    h('span', { class: 'msg' }, message),
    actions.map(([label, onclick]) => h('button', { type: 'button', onclick }, label)),
  );
  ui.programBar.hidden = false;
}
const hideProgramBar = () => (ui.programBar.hidden = true);

/** Replaces the program, its arguments, input and breakpoints (one undoable change). */
function loadProgram(p) {
  editor.setDoc(p.source, {
    breakpoints: p.breakpoints ?? [],
    fields: { args: p.args, stdin: p.stdin },
    current: { args: ui.args.value, stdin: ui.stdin.value },
  });
  clearProfile();
}

/** This tab shows a shared program, saved apart from the kept one. */
function showDraftBar() {
  programBar('draft', 'A shared program: your own program is kept apart, and edits here stay in this tab.', [
    [
      'Keep this one instead',
      () => {
        store.keepDraft(currentState());
        hideProgramBar();
      },
    ],
    [
      'Back to my program',
      () => {
        loadProgram(store.leaveDraft());
        hideProgramBar();
      },
    ],
  ]);
}

/**
 * The kept program was changed in another tab while this one has edits of its own (or a
 * run going, which a new text would leave behind).
 */
function showConflict(message = 'Your program was changed in another tab; the edits in this tab are not saved.') {
  programBar('conflict', message, [
    [
      'Load the other tab’s version',
      () => {
        loadProgram(store.kept());
        hideProgramBar();
      },
    ],
    [
      'Save this tab’s version over it',
      () => {
        store.overwrite(currentState());
        hideProgramBar();
      },
    ],
  ]);
}

// Another tab saved the kept program: follow it if this tab has no edits of its own
// waiting to be saved; else ask.
addEventListener('storage', (e) => {
  if (e.storageArea !== storage('localStorage') || (e.key !== KEPT_KEY && e.key !== null)) return;
  if (!store.changedElsewhere(e)) return;
  const stored = store.stored();
  if (stored && sameProgram(stored, currentState())) store.kept(); // the same program: nothing to do
  else if (saveTimer || (!ui.programBar.hidden && ui.programBar.dataset.kind === 'conflict')) showConflict();
  else if (runState()) showConflict('Your program was changed in another tab; this tab still shows the program it runs.');
  else {
    loadProgram(store.kept());
    // What was loaded is what is stored: nothing to save.
    clearTimeout(saveTimer);
    saveTimer = 0;
  }
});

// ---- editor --------------------------------------------------------------------------

let wasmReady = false;

let runTrack = null; // the last run started
let profileTrack = null; // the profiled run shown in the Profile panel

const saved = store.load();
ui.args.value = saved.args;
ui.stdin.value = saved.stdin;

// Start-up in tasks (the page must never block its main thread for more than 100 ms):
// evaluating the bundle and building the editor each take 50–90 ms in headless Chromium
// on the development machine; in one task they took 90–160 ms. The operations are
// highlighted in a task of their own once the module is there (below).
await new Promise((resolve) => setTimeout(resolve));
const editor = createEditor($('editor'), {
  doc: saved.source,
  onRun: () => run(),
  onChange: (view, changes) => {
    for (const t of new Set([runTrack, profileTrack])) if (t) t.edit(changes);
    refreshPositions();
    saveSoon();
  },
  compile: (source) => (wasmReady ? compile(source) : null),
  breakpointLine,
  onBreakpoints: (lines) => {
    if (runner && runTrack) runner.breakpoints(lines.map((l) => runTrack.runLine(l, editor.view.state.doc)));
    saveSoon();
  },
  onFields: (fields) => {
    if (!fields) return;
    ui.args.value = fields.args;
    ui.stdin.value = fields.stdin;
    ui.args.removeAttribute('aria-invalid');
    showArgs();
    saveSoon();
  },
});
editor.setBreakpoints(saved.breakpoints);
// What was loaded is what is stored: the breakpoints set from it leave nothing to save
// (a save pending here would make this tab take another tab's save for a conflict).
clearTimeout(saveTimer);
saveTimer = 0;
if (store.mode === 'draft') showDraftBar();
performance.mark('editor-ready');

const currentState = () => ({ source: editor.text(), args: ui.args.value, stdin: ui.stdin.value, breakpoints: editor.breakpoints() });

/** The arguments a run pushes, shortened for a label. */
const argsLabel = (args) => (args.length > 60 ? `${args.slice(0, 59)}…` : args);

/** Beside Run: the arguments it will push, if any (a click goes to the field). */
function showArgs() {
  const args = ui.args.value.trim();
  ui.argsChip.hidden = !args;
  // "args:" on a narrow screen, where the header has little room.
  fill(ui.argsChip, h('span', { class: 'long' }, 'with arguments: '), h('span', { class: 'short' }, 'args: '), argsLabel(args));
  ui.argsChip.title = `Run pushes these arguments first: ${args.length > 500 ? `${args.slice(0, 499)}…` : args} (click to edit them)`;
}
showArgs();
ui.argsChip.addEventListener('click', () => {
  ui.args.focus({ preventScroll: true });
  ui.args.scrollIntoView({ block: 'nearest' });
  ui.args.select();
});

/** A span of the last run (or of `track`'s run), in the editor's current text. */
function spanRange(span, track = runTrack) {
  if (!track) return [span.from, span.to];
  const { from, to } = track.range(span);
  return [from, to];
}

const gotoSpan = (span) => editor.select(...spanRange(span));

// Line numbers of a run follow later edits; the Status says when the program was edited.
const positions = new LivePositions(() => editor.view.state.doc);
const staleNote = h('span', { class: 'stale' }, 'the program was edited since this run: positions follow the edits');
let positionsFrame = 0;
function refreshPositions() {
  if (positionsFrame) return;
  positionsFrame = requestAnimationFrame(() => {
    positionsFrame = 0;
    positions.refresh();
    updateStale();
  });
}
function updateStale() {
  if (runTrack && runTrack.edited && !['idle', 'loading'].includes(ui.status.dataset.state)) ui.status.append(staleNote);
  else staleNote.remove();
}

ui.args.addEventListener('input', () => {
  ui.args.removeAttribute('aria-invalid');
  showArgs();
  saveSoon();
});
ui.stdin.addEventListener('input', saveSoon);

// Ctrl/Cmd+Enter runs from anywhere on the page, not only the editor; so do the
// debugger's keys (see DEBUG_KEYS).
document.addEventListener('keydown', (e) => {
  if (e.defaultPrevented) return;
  if (e.key === 'Enter' && (e.ctrlKey || e.metaKey)) {
    e.preventDefault();
    run();
    return;
  }
  if (e.altKey) return;
  const key = /^F\d+$/.test(e.key) ? e.key : e.code;
  const action = DEBUG_KEYS[(e.ctrlKey || e.metaKey ? 'Ctrl+' : '') + (e.shiftKey ? 'Shift+' : '') + key];
  if (action) {
    e.preventDefault();
    action();
  }
});

// ---- banner --------------------------------------------------------------------------

function showBanner(text, kind = 'error') {
  ui.bannerMsg.textContent = text;
  ui.banner.dataset.kind = kind;
  ui.banner.hidden = false;
}
$('banner-close').addEventListener('click', () => (ui.banner.hidden = true));

// ---- status --------------------------------------------------------------------------

function setStatus(state, label, detail = '') {
  ui.status.dataset.state = state;
  fill(ui.status, h('span', { class: 'state' }, label), detail ? h('span', { class: 'detail', 'aria-live': 'off' }, detail) : null);
  updateStale();
  const active = state === 'running' || state === 'input' || state === 'sleeping' || state === 'paused';
  ui.stop.disabled = !active;
  ui.run.setAttribute('aria-busy', String(active));
  updateControls();
}

const stepsAndTime = (m) => `${counted(m.steps, 'step')} · ${duration(m.time_ms || 0)}${withArgs()}`;
/** The status says when the run pushed arguments, so that they never go unnoticed. */
const withArgs = () => (dbg.args ? ` · ran with arguments: ${argsLabel(dbg.args)}` : '');

// ---- output, stack, errors -------------------------------------------------------

const output = new OutputPanel(ui.output);

/** The Stack panel; `from`: the runner's message with the stack (its run and steps). */
function renderStack(stack, total, from = null) {
  const fetchValue = from && runner ? (q) => runner.value({ id: from.id, steps: from.steps, ...q }) : null;
  renderStackView(ui.stack, ui.stackCount, stack, total, fetchValue);
}

function clearResults() {
  output.clear();
  fill(ui.error);
  renderStack([], undefined);
  hidePrompt();
  editor.setRuntimeError(null);
  editor.showPaused(null);
  renderCallStack(null);
}

/** "line 3, column 7" of the last run, kept right while the program is edited. */
const where = (span) => positions.text(span, runTrack);
const link = (span, ...text) => h('button', { type: 'button', class: 'link', onclick: () => gotoSpan(span) }, text);

function renderCompileErrors(diagnostics) {
  fill(
    ui.error,
    h('p', { class: 'err-head' }, `${diagnostics.length} compile error${diagnostics.length === 1 ? '' : 's'}`),
    h(
      'ul',
      { class: 'diags' },
      diagnostics.map((d) =>
        h(
          'li',
          {},
          link(d, where(d)),
          ': ',
          h('span', { class: 'err-msg' }, d.message),
          d.notes.map((n) => h('div', { class: 'note' }, 'note: ', n.message, n.span ? [' (', link(n.span, where(n.span)), ')'] : null)),
        ),
      ),
    ),
  );
}

function renderArgsErrors(diagnostics) {
  ui.args.setAttribute('aria-invalid', 'true');
  const first = diagnostics[0];
  fill(
    ui.error,
    h('p', { class: 'err-head' }, 'The arguments could not be read'),
    h(
      'ul',
      { class: 'diags' },
      diagnostics.map((d) =>
        h(
          'li',
          {},
          h(
            'button',
            {
              type: 'button',
              class: 'link',
              onclick: () => {
                ui.args.focus();
                ui.args.setSelectionRange(d.from, Math.max(d.to, d.from + 1));
              },
            },
            `arguments, column ${d.column}`,
          ),
          ': ',
          h('span', { class: 'err-msg' }, d.message),
        ),
      ),
    ),
  );
  return first;
}

/**
 * The entries of a folded trace (each with `repeat` and `left_out`, see vm-wasm's
 * JsFrame), innermost first, numbered by their place among all the calls (1 = the
 * innermost), with a line for each run of identical calls and for the calls left out.
 */
function traceItems(trace) {
  const items = [];
  const fold = (text) => h('li', { class: 'fold' }, h('span', { class: 'n' }), text);
  let n = 1;
  for (const f of trace) {
    if (f.left_out) {
      items.push(fold(`… ${counted(f.left_out, 'frame')} left out`));
      n += f.left_out;
    }
    items.push(h('li', {}, h('span', { class: 'n' }, count(n)), link(f.call, 'in ', f.name, ' (called at ', where(f.call), ')')));
    if (f.repeat > 1) items.push(fold(`… ${count(f.repeat - 1)} more identical frame${f.repeat === 2 ? '' : 's'}`));
    n += f.repeat;
  }
  items.push(h('li', {}, h('span', { class: 'n' }, count(n)), 'in the main program'));
  return items;
}

function renderRuntimeError(e, stackLen) {
  const depth = stackLen ?? e.stack_len;
  const folded = e.trace.length !== e.trace_depth;
  fill(
    ui.error,
    h('p', { class: 'err-head' }, h('span', { class: 'err-msg' }, e.headline)),
    h('p', {}, 'at ', link(e.span, where(e.span))),
    h('p', { class: 'sub' }, `stack trace, innermost first${folded ? ` (${counted(e.trace_depth, 'call')})` : ''}:`),
    h('ol', { class: 'trace' }, traceItems(e.trace)),
    depth === 0
      ? h('p', { class: 'sub' }, 'the data stack is empty')
      : h(
          'p',
          { class: 'sub' },
          `data stack (${counted(depth, 'value')}, top last): `,
          h('code', {}, `${depth > e.stack_shown.length ? '… ' : ''}${e.stack_shown.join(' ')}`),
        ),
    h('details', {}, h('summary', {}, 'as the command line shows it'), h('pre', { class: 'rendered' }, e.rendered)),
  );
  editor.setRuntimeError({ ...e.span, from: spanRange(e.span)[0], to: spanRange(e.span)[1], message: e.message });
}

// ---- input prompt ----------------------------------------------------------------------

function showPrompt() {
  ui.prompt.hidden = false;
  ui.promptInput.value = '';
  // Focus without the browser's scroll (it would take the header away); bring the
  // prompt into view only if it is not.
  ui.promptInput.focus({ preventScroll: true });
  ui.prompt.scrollIntoView({ block: 'nearest' });
}

function hidePrompt() {
  if (ui.prompt.contains(document.activeElement)) editor.view.focus();
  ui.prompt.hidden = true;
}

ui.prompt.addEventListener('submit', (e) => {
  e.preventDefault();
  const line = ui.promptInput.value;
  output.echo(line);
  hidePrompt();
  setStatus('running', 'Running…');
  runner.input(line);
});
ui.promptEof.addEventListener('click', () => {
  output.note('[end of input]');
  hidePrompt();
  setStatus('running', 'Running…');
  runner.input(null);
});
ui.promptInput.addEventListener('keydown', (e) => {
  if (e.key === 'd' && e.ctrlKey) {
    e.preventDefault();
    ui.promptEof.click();
  }
});

// ---- running -------------------------------------------------------------------------

let runner = null;
let runPending = null; // the run asked for before the runner was ready

/** What the current (or last) run is: plain, debug (history, breakpoints) or profile. */
const dbg = { kind: 'plain', history: false, resumable: false, ended: false, args: '' };

/** The Input panel as lines; a final newline does not add an empty line. */
function stdinLines(text) {
  if (text === '') return [];
  const lines = text.replace(/\r\n?/g, '\n').split('\n');
  if (lines[lines.length - 1] === '') lines.pop();
  return lines;
}

/** Run: the fast plain run, or a debug run when there are breakpoints to stop at. */
function run() {
  start(editor.breakpoints().length ? 'debug' : 'plain');
}

/**
 * Starts a run. `kind`: `plain` (no observer, the fast path), `debug` (records history
 * for Step back, stops at breakpoints) or `profile` (counts instructions by call path and
 * line). `paused`: start paused before the first instruction.
 */
function start(kind, { paused = false } = {}) {
  if (!runner) {
    if (!wasmReady) {
      runPending = { kind, paused };
      setStatus('loading', 'Loading the runner…', 'the program starts when it is ready');
    }
    return;
  }
  saveNow();
  clearResults();
  ui.args.removeAttribute('aria-invalid');
  runTrack = new Tracker(editor.view.state.doc);
  dbg.kind = kind;
  dbg.history = kind === 'debug';
  dbg.resumable = false;
  dbg.ended = false;
  const options = { max_output: OUTPUT_CAP };
  if (kind === 'debug') options.history = HISTORY;
  if (kind === 'profile') {
    options.profile = true;
    ui.profilePanel.hidden = false;
    profileTrack = runTrack;
    fill(ui.profile, h('p', { class: 'sub' }, 'Profiling…'));
    ui.profileSum.textContent = '';
    editor.showHeat(null);
  }
  dbg.args = ui.args.value.trim();
  runner.run({
    source: editor.text(),
    args: ui.args.value,
    stdin: stdinLines(ui.stdin.value),
    options,
    paused,
    // A profile covers the whole run: it does not stop at breakpoints.
    breakpoints: kind === 'profile' ? [] : editor.breakpoints(),
  });
  setStatus('running', kind === 'profile' ? 'Profiling…' : 'Running…');
  // On a narrow screen the results are below the editor: bring them into view (not for
  // a debug run: its pauses show the paused line, which is in the editor).
  const r = ui.status.getBoundingClientRect();
  if (kind !== 'debug' && (r.top > innerHeight - 40 || r.bottom < 0)) ui.status.scrollIntoView({ block: 'start', behavior: 'smooth' });
}

function stop() {
  if (runner) runner.stop();
}

// ---- the debugger --------------------------------------------------------------------

const runState = () => (runner && runner.current ? runner.current.state : null);

/** Continue from a pause; with no run, start a debug run (to the first breakpoint). */
function cont() {
  const state = runState();
  if (state === 'paused') {
    runner.send('continue');
    setStatus('running', 'Running…');
  } else if (!state) start('debug');
}

function pause() {
  if (runState() === 'running') runner.send('pause');
}

/** A step command from a pause; Step and Step over with no run start one, paused. */
function stepCommand(type) {
  const state = runState();
  if (state === 'paused') {
    runner.send(type);
    updateControls();
  } else if (!state && (type === 'step' || type === 'step_over')) {
    start('debug', { paused: true });
  }
}

function stepBack() {
  const state = runState();
  if ((state === 'paused' && dbg.history) || (!state && dbg.resumable)) {
    runner.send('step_back');
    updateControls();
  }
}

/** The F8 key: pause a running program, or continue. */
const pauseOrContinue = () => (runState() === 'running' || runState() === 'sleeping' ? pause() : cont());

/** Debugger keys, by key (F keys) or key code; also in the buttons' tooltips. */
const DEBUG_KEYS = {
  F8: pauseOrContinue,
  'Ctrl+Backslash': pauseOrContinue,
  F10: () => stepCommand('step_over'),
  "Ctrl+Quote": () => stepCommand('step_over'),
  F11: () => stepCommand('step'),
  'Ctrl+Semicolon': () => stepCommand('step'),
  'Shift+F11': () => stepCommand('step_out'),
  'Ctrl+Shift+Semicolon': () => stepCommand('step_out'),
  'Shift+F10': stepBack,
  'Ctrl+Shift+Quote': stepBack,
  F9: () => editor.toggleBreakpoint(editor.view.state.doc.lineAt(editor.view.state.selection.main.head).number),
};

ui.dbg.continue.addEventListener('click', cont);
ui.dbg.pause.addEventListener('click', pause);
ui.dbg.step.addEventListener('click', () => stepCommand('step'));
ui.dbg.stepOver.addEventListener('click', () => stepCommand('step_over'));
ui.dbg.stepOut.addEventListener('click', () => stepCommand('step_out'));
ui.dbg.stepBack.addEventListener('click', stepBack);
ui.profileRun.addEventListener('click', () => start('profile'));

// The context menu that Shift+F10 opens in some browsers is not wanted while it steps back.
document.addEventListener('contextmenu', (e) => {
  if (performance.now() - lastShiftF10 < 500) e.preventDefault();
});
let lastShiftF10 = -1e9;
document.addEventListener('keydown', (e) => e.key === 'F10' && e.shiftKey && (lastShiftF10 = performance.now()), true);

/** Enables the debugger's buttons for the state of the run. */
function updateControls() {
  const state = runState();
  const ready = Boolean(runner && runner.alive);
  const b = ui.dbg;
  const paused = state === 'paused';
  b.continue.disabled = !ready || !(paused || !state);
  b.step.disabled = b.continue.disabled;
  b.stepOver.disabled = b.continue.disabled;
  b.stepOut.disabled = !paused;
  b.pause.disabled = !(state === 'running' || state === 'sleeping');
  b.stepBack.disabled = !((paused && dbg.history) || (!state && dbg.resumable));
  b.stepBack.title = `Step back (Shift+F10 or Ctrl+Shift+'): undo the last instruction, up to ${count(HISTORY)} steps${
    paused && !dbg.history ? ' — this run does not record its steps: start it with Step or Continue, or with a breakpoint set' : ''
  }`;
  ui.profileRun.disabled = !ready;
  // While a debug run goes on, the buttons stay on a phone's screen (style.css).
  document.body.classList.toggle('debugging', paused || (Boolean(state) && dbg.kind === 'debug'));
}

/** The active calls, innermost first (folded as traces are), and where the run is paused. */
function renderCallStack(m) {
  if (!m) {
    fill(ui.callstack);
    return;
  }
  const items = [];
  if (m.position) {
    items.push(
      h(
        'li',
        { class: 'cs-here' },
        h('button', { type: 'button', class: 'link', onclick: () => gotoSpan(m.position) }, ['next: ', where(m.position)]),
        ' ',
        h('span', { class: 'sub' }, m.call_stack.length ? `in ${m.call_stack[0].name}` : 'in the main program'),
      ),
    );
  }
  for (const f of m.call_stack) {
    if (f.left_out) items.push(h('li', { class: 'cs-fold' }, `… ${counted(f.left_out, 'call')} left out`));
    items.push(
      h(
        'li',
        { class: 'cs-frame' },
        h(
          'button',
          { type: 'button', class: 'link', onclick: () => gotoSpan(f.call), title: 'Show the call' },
          h('code', { class: 'cs-name' }, f.name),
          ' called at ',
          where(f.call),
        ),
      ),
    );
    if (f.repeat > 1) items.push(h('li', { class: 'cs-fold' }, `… ${count(f.repeat - 1)} more identical call${f.repeat === 2 ? '' : 's'}`));
  }
  items.push(h('li', { class: 'cs-main' }, 'main program'));
  fill(ui.callstack, items);
}

function paused(m) {
  // Stepping back into a run that had ended: the page's note about its end goes.
  if (dbg.ended) output.dropNotes();
  dbg.ended = false;
  if (m.output_removed) output.removeLast(m.output_removed);
  output.append(m.output);
  output.flush();
  hidePrompt();
  fill(ui.error);
  editor.setRuntimeError(null);
  renderStack(m.stack, m.stack_len, m);
  renderCallStack(m);
  if (m.position) {
    const [from, to] = spanRange(m.position);
    editor.showPaused({ from, to });
    revealPaused(editor.view, $('debugbar'));
  } else editor.showPaused(null);
  if (m.profile) renderProfile(m.profile);
  const at = m.position ? positions.text(m.position, runTrack, { column: false }) : 'at the end';
  setStatus('paused', 'Paused', [pauseReason(m.reason, m.command), ' · ', at, ' · ', stepsAndTime(m)]);
}

// ---- the profile -----------------------------------------------------------------------

/**
 * Empties the Profile panel and folds it away until the next profiled run (a new
 * program; the editor's setDoc drops the heat marks).
 */
function clearProfile() {
  profileTrack = null;
  fill(ui.profile);
  ui.profileSum.textContent = '';
  ui.profilePanel.hidden = true;
}

/** The start of line `line` of a text, as a span. */
function lineSpan(doc, line) {
  const from = doc.line(line).from;
  return { line, column: 1, from, to: from };
}

/** The Profile panel's view: the flame graph or the table by label, and its sort. */
const profileView = { by: 'flame', sort: { key: 'total', descending: true } };

/** The flame graph, the busiest lines and the heat marks of a profiled run. */
function renderProfile(p) {
  const track = profileTrack;
  if (!track) return;
  const labels = new Map();
  const compiled = compile(track.doc.toString());
  for (const l of compiled.labels || []) labels.set(l.name, l.span);
  const goLabel = (name) => editor.select(...spanRange(labels.get(name), track));
  const total = p.total || 0;
  ui.profileSum.textContent = `${count(total)} instruction${total === 1 ? '' : 's'}`;
  if (!total) {
    fill(ui.profile, h('p', { class: 'sub' }, 'No instructions ran.'));
    editor.showHeat(null);
    return;
  }
  const labelled = (name) => labels.has(name);
  const flame = h('div', { class: 'flame-box' });
  const shown = renderFlame(flame, parseFolded(p.folded), { labelled, onFrame: goLabel });
  const flameView = h(
    'div',
    { id: 'profile-flame' },
    h(
      'p',
      { class: 'sub' },
      'Instructions by call path, the main program on top; a block is as wide as the instructions run in it and in what it called.',
      shown.frames > 1 ? ' Click a block to see its label.' : '',
    ),
    flame,
  );
  const labelView = byLabelView(byLabel(p.folded), { total, labelled, onLabel: goLabel, sort: profileView.sort, onSort: (sort) => (profileView.sort = sort) });
  labelView.id = 'profile-by-label';
  const views = { flame: ['Flame graph', flameView], label: ['By label', labelView] };
  const byCount = [...p.lines].sort((a, b) => b.count - a.count);
  const share = (n) => (100 * n) / total;
  const hot = byCount.slice(0, 5).map((l) =>
    h(
      'li',
      {},
      h(
        'button',
        { type: 'button', class: 'link', onclick: () => editor.select(track.lineStart(l.line), track.lineStart(l.line)) },
        positions.text(lineSpan(track.doc, l.line), track, { column: false }),
      ),
      `: ${count(l.count)} (${share(l.count).toFixed(1)}%)`,
    ),
  );
  fill(
    ui.profile,
    viewSwitch(views, profileView.by, (by) => (profileView.by = by)),
    flameView,
    labelView,
    h('p', { class: 'sub' }, 'Busiest lines (the gutter marks every line that ran):'),
    h('ol', { class: 'hot-lines' }, hot),
  );
  const max = byCount.length ? byCount[0].count : 1;
  editor.showHeat(
    p.lines.map((l) => ({
      pos: track.lineStart(l.line),
      count: l.count,
      share: share(l.count),
      level: Math.max(1, Math.min(5, Math.ceil((5 * Math.log1p(l.count)) / Math.log1p(max)))),
    })),
  );
}

// ---- breakpoints -------------------------------------------------------------------------

/**
 * The line that gets a breakpoint clicked on `line`: the first line from there with an
 * instruction, or null. Asks the compiler (a session that never runs); a program that
 * does not compile gets the breakpoint where it was clicked.
 */
function breakpointLine(line) {
  if (!wasmReady) return line;
  let session;
  try {
    session = new Session(editor.text(), '', {});
  } catch {
    return line;
  }
  try {
    const last = Math.min(line + 200, editor.view.state.doc.lines);
    const lines = [];
    for (let l = line; l <= last; l++) lines.push(l);
    const got = Array.from(session.set_breakpoints(lines));
    return got.length ? Math.min(...got) : null;
  } finally {
    session.free();
  }
}

// ---- events of the runner ----------------------------------------------------------------

function onEvent(m) {
  switch (m.type) {
    case 'ready':
      performance.mark('runner-ready');
      // The version is in the header: once is enough.
      if (ui.status.dataset.state === 'loading') setStatus('idle', 'Ready');
      updateControls();
      if (runPending) {
        const { kind, paused: p } = runPending;
        runPending = null;
        start(kind, { paused: p });
      }
      return;
    case 'started':
    case 'breakpoints':
      return;
    case 'progress':
      output.append(m.output);
      if (m.sleeping_ms) setStatus('sleeping', 'Running…', `sleeping ${count(m.sleeping_ms)} ms · ${counted(m.steps, 'step')}`);
      else setStatus('running', dbg.kind === 'profile' ? 'Profiling…' : 'Running…', counted(m.steps, 'step'));
      return;
    case 'needs_input':
      output.append(m.output);
      output.flush();
      renderStack(m.stack, m.stack_len, m);
      editor.showPaused(null);
      renderCallStack(null);
      setStatus('input', 'Waiting for input', `${counted(m.steps, 'step')} so far`);
      showPrompt();
      return;
    case 'setup_error':
      if (m.kind === 'compile') {
        renderCompileErrors(m.diagnostics);
        setStatus('compile-error', 'Compile error', `${m.diagnostics.length} error${m.diagnostics.length === 1 ? '' : 's'}`);
      } else {
        renderArgsErrors(m.diagnostics);
        setStatus('args-error', 'Bad arguments');
      }
      if (dbg.kind === 'profile') fill(ui.profile);
      return;
    case 'paused':
      return paused(m);
    case 'history_empty':
      // A step back from the end of a run that has nothing recorded: it stays ended.
      updateControls();
      return;
    case 'done':
      return done(m);
    case 'died':
      output.flush();
      hidePrompt();
      editor.showPaused(null);
      renderCallStack(null);
      dbg.resumable = false;
      if (m.final) {
        setStatus('crashed', 'Runner unavailable');
        showBanner(`The runner failed to start several times (${m.message}). Reload the page to try again; your program is kept.`);
        ui.run.disabled = true;
        return;
      }
      if (m.id) {
        output.note('[the runner stopped unexpectedly; the program did not finish]');
        setStatus('crashed', 'Runner crashed', 'restarted: run again');
      } else updateControls();
      showBanner(`The runner stopped unexpectedly (${m.message}). A new one has been started; your program is still in the editor.`);
      return;
    default:
  }
}

function done(m) {
  output.append(m.output);
  output.flush();
  hidePrompt();
  editor.showPaused(null);
  renderCallStack(null);
  dbg.resumable = Boolean(m.resumable);
  dbg.ended = true;
  if (m.stack) renderStack(m.stack, m.stack_len, m);
  if (m.profile) {
    renderProfile(m.profile);
    $('profile-panel').scrollIntoView({ block: 'nearest' });
  } else if (dbg.kind === 'profile' && m.forced) {
    fill(ui.profile, h('p', { class: 'sub' }, 'The run was stopped before its profile could be read.'));
  }
  const back = m.resumable ? ' · Step back goes on from here' : '';
  if (m.status === 'halted') {
    setStatus('halted', 'Halted', `exit code ${m.exit_code} · ${stepsAndTime(m)}${back}`);
  } else if (m.status === 'error') {
    if (m.error.kind === 'output_limit') {
      output.note(`[output capped at ${count(OUTPUT_CAP)} bytes: the program was stopped]`);
    }
    renderRuntimeError(m.error, m.stack_len);
    setStatus('error', 'Runtime error', `${stepsAndTime(m)}${back}`);
  } else {
    output.note('[stopped]');
    setStatus('stopped', 'Stopped', stepsAndTime(m));
  }
}

ui.run.addEventListener('click', () => run());
ui.stop.addEventListener('click', () => stop());

// ---- examples -----------------------------------------------------------------------

for (const ex of examples) ui.examples.append(h('option', { value: ex.name }, `${ex.name} — ${ex.title}`));
ui.examples.addEventListener('change', () => {
  const ex = examples.find((e) => e.name === ui.examples.value);
  ui.examples.value = '';
  if (!ex) return;
  // Its arguments and input come with it (none when it has none); Ctrl+Z brings back
  // all three.
  loadProgram(ex);
  saveNow();
  editor.view.focus();
  if (!ui.status.dataset.state || !['running', 'input', 'sleeping'].includes(ui.status.dataset.state)) {
    setStatus('idle', `Example ${ex.name} loaded`, 'Ctrl+Z in the editor brings back the previous program, its arguments and input');
  }
});

// ---- share ---------------------------------------------------------------------------

ui.share.addEventListener('click', async () => {
  ui.shareLink.value = '';
  const fragment = await encodeState(currentState());
  const url = `${location.origin}${location.pathname}${location.search}#${fragment}`;
  ui.shareLink.value = url;
  ui.shareBox.hidden = false;
  ui.share.setAttribute('aria-expanded', 'true');
  let copied = false;
  try {
    await navigator.clipboard.writeText(url);
    copied = true;
  } catch {
    // no clipboard permission: the link is selected for copying by hand
  }
  ui.shareMsg.textContent = copied ? 'Link copied to the clipboard.' : 'Copy this link:';
  // Focus without the browser's scroll, which would take the header away.
  ui.shareLink.focus({ preventScroll: true });
  ui.shareLink.select();
  ui.shareBox.scrollIntoView({ block: 'nearest' });
});
$('share-close').addEventListener('click', () => {
  ui.shareBox.hidden = true;
  ui.share.setAttribute('aria-expanded', 'false');
  ui.share.focus();
});

async function openShareLink() {
  const fragment = location.hash.slice(1);
  if (!isShareFragment(fragment)) return;
  // The link has been read (or refused): a reload then keeps later edits.
  history.replaceState(null, '', location.pathname + location.search);
  try {
    const s = await decodeState(fragment);
    // The kept program is saved as it is, and stays: the shared one is this tab's draft
    // until the person chooses to keep it.
    if (saveTimer) saveNow();
    store.openDraft(s);
    loadProgram(s);
    saveNow();
    showDraftBar();
    ui.banner.hidden = true;
  } catch (e) {
    showBanner(`This share link could not be opened: ${e.message}. Your current program was kept.`);
  }
}
addEventListener('hashchange', openShareLink);
const shareLoaded = openShareLink();

// ---- reference -----------------------------------------------------------------------

let referenceOps = null; // the operations, once the module is there
ui.refToggle.addEventListener('click', () => {
  const open = ui.reference.hidden;
  if (open && referenceOps && !ui.refList.firstChild) renderReference(referenceOps);
  ui.reference.hidden = !open;
  ui.refToggle.setAttribute('aria-expanded', String(open));
  if (open) ui.reference.scrollIntoView({ block: 'nearest' });
});

function renderReference(ops) {
  fill(
    ui.refList,
    ops.map((o) =>
      h(
        'div',
        { class: 'op', id: `op-${encodeURIComponent(o.name)}` },
        h('dt', {}, h('code', { class: 'op-name' }, o.name), ' ', h('code', { class: 'op-effect' }, o.effect)),
        h('dd', {}, h('p', {}, o.doc), h('pre', { class: 'op-example' }, o.example)),
      ),
    ),
  );
}

// ---- the WebAssembly module ------------------------------------------------------------

async function loadWasm() {
  const res = fetch(WASM_URL);
  try {
    return await WebAssembly.compileStreaming(res);
  } catch {
    // a server without the application/wasm type: compile from the bytes
    const r = await fetch(WASM_URL);
    if (!r.ok) throw new Error(`${WASM_URL}: ${r.status} ${r.statusText}`);
    return WebAssembly.compile(await r.arrayBuffer());
  }
}

setStatus('loading', 'Loading…');
loadWasm()
  .then(async (module) => {
    initSync({ module });
    wasmReady = true;
    runner = new Runner({ module, url: WORKER_URL, onEvent });
    ui.version.textContent = `v${version()}`;
    // Highlighting the operations is a task of its own (each stays well under 100 ms);
    // the Reference is drawn when it is first opened.
    await new Promise((resolve) => setTimeout(resolve));
    referenceOps = opReference();
    editor.setOps(referenceOps);
    performance.mark('ops-ready');
  })
  .catch((e) => {
    setStatus('crashed', 'Could not load the runner');
    showBanner(`The WebAssembly runner could not be loaded: ${e.message}`);
    ui.run.disabled = true;
  });

// For the end-to-end tests and for poking around in the console.
window.playground = {
  editor,
  get runner() {
    return runner;
  },
  shareLoaded,
};
