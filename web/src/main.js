// The playground page: wiring. The editor, the panels (one module each), the saved
// program, and the run (run-control.js, which keeps the run state of run-state.js). Its
// entry is boot.js, which brings the style sheet and evaluates CodeMirror first.

import examples from 'virtual:examples';
import { createEditor } from './editor.js';
import { Msg, RunKind } from './protocol.js';
import { LivePositions } from './positions.js';
import { loadModule, compileSource, breakpointLine, version, consoleEntryOpen } from './vm.js';
import { Checker } from './checker.js';
import { PredictPanel } from './predict-panel.js';
import { loadRunner } from './load-runner.js';
import { RunControl } from './run-control.js';
import { attachControls } from './controls.js';
import { StatusPanel } from './status-panel.js';
import { OutputPanel } from './output.js';
import { ErrorsPanel } from './errors-panel.js';
import { StackPanel } from './stack-view.js';
import { CallStackPanel } from './callstack-panel.js';
import { ProfilePanel } from './profile-panel.js';
import { InputPrompt } from './prompt.js';
import { Banner } from './banner.js';
import { Fields, CommentSync } from './fields.js';
import { SavedProgram } from './saved-program.js';
import { attachShareBox } from './share-box.js';
import { ProgramsPanel } from './programs-panel.js';
import { attachExamples } from './examples-menu.js';
import { attachReference } from './reference-panel.js';
import { CompiledPanel } from './compiled-panel.js';
import { Formatter } from './format-action.js';
import { h } from './dom.js';
import { TourLoader } from './tour-loader.js';
import { TourProgress } from './tour-progress.js';
import { TimelinePanel } from './timeline-panel.js';
import { WasmPanel } from './wasm-panel.js';
import { attachShortcuts, attachTabOption, readTabOption } from './shortcuts.js';
import { readSettings, applyToRoot } from './settings.js';
import { attachSettings } from './settings-panel.js';
import { registerOffline } from './offline.js';
import { RunNotes } from './run-notes.js';
import { ProgramName } from './program-name.js';
import { ConsolePanel } from './console-panel.js';

/* global __WASM_URL__, __WORKER_URL__, __CONSOLE_WORKER_URL__, __CHECK_WORKER_URL__, __SW_URL__ */
const WASM_URL = __WASM_URL__;
const WORKER_URL = __WORKER_URL__;
const CONSOLE_WORKER_URL = __CONSOLE_WORKER_URL__;
const CHECK_WORKER_URL = __CHECK_WORKER_URL__;
/** The service worker (offline.js), null in a development build. */
const SW_URL = __SW_URL__;

const WELCOME = `# Welcome to the simple-vm playground.
# Write a program and press Run (Ctrl+Enter). Hover a word to see what it does;
# the Examples menu and the Reference show more. New to the language? The Tour
# (in the toolbar) teaches it in short lessons, each checked when you run it.

"Hello from the stack!" println
2 3 + 4 * println                 # 20
1 2 < "yes" "no" if println       # yes
`;

const $ = (id) => document.getElementById(id);
const controlsUi = {
  run: $('run'),
  stop: $('stop'),
  profileRun: $('profile-run'),
  dbg: {
    continue: $('dbg-continue'),
    pause: $('dbg-pause'),
    step: $('dbg-step'),
    stepOver: $('dbg-step-over'),
    stepOut: $('dbg-step-out'),
    stepBack: $('dbg-step-back'),
  },
};

// ---- the saved program, the arguments and input -----------------------------------------

const banner = new Banner({ el: $('banner'), msg: $('banner-msg'), close: $('banner-close') });
const saved = new SavedProgram({ bar: $('program-bar'), banner, fallback: { source: WELCOME, args: '', stdin: '' } });
const fields = new Fields({ args: $('args'), stdin: $('stdin'), chip: $('args-chip') }, {
  onInput: () => {
    saved.saveSoon();
    comments?.fieldEdited();
  },
});
const program = saved.load();
fields.set(program);
let comments = null;

// ---- the editor ------------------------------------------------------------------------

// Start-up in tasks (the page must never block its main thread for more than 100 ms):
// boot.js evaluates CodeMirror and this module in tasks of their own; here the editor is
// built in a task, the panels and the run in the next, the rest of the page in a third;
// the operations are highlighted in a task of their own once the module is there
// (load-runner.js). Until a part is there, the editor's hooks do without it.
const nextTask = () => new Promise((resolve) => setTimeout(resolve));
await nextTask();
let control = null;
let profile = null;
let notes = null;
let tour = null;
let formatter = null;
let wasmPanel = null;
const tabIndents = readTabOption(saved.store.local);
// The Settings (boot.js has applied the theme and the font size already).
const settings = readSettings(saved.store.local);
// The diagnostics and stack effects as you type, in a worker of their own.
const checker = new Checker({ onReady: () => editor.recheck() });
const editor = await createEditor($('editor'), {
  doc: program.source,
  tabIndents,
  lineWrap: settings.lineWrap,
  onRun: () => control?.run(),
  onChange: (view, changes) => {
    control?.edit(changes);
    formatter?.edit(changes);
    saved.saveSoon();
    tour?.edited();
    wasmPanel?.edited();
    comments?.edited();
  },
  // (Should the checker's worker fail, the diagnostics are found here, without the stack effects.)
  check: (source) => (checker.broken ? { compiled: compileSource(source), effects: null } : checker.check(source)),
  breakpointLine: (line) => breakpointLine(editor.text(), line, editor.view.state.doc.lines),
  onBreakpoints: (lines) => {
    control?.breakpoints(lines);
    saved.saveSoon();
  },
  onFields: (f) => {
    if (!f) return;
    fields.set(f);
    // A load (or its undo or redo) goes back or forward to its place too: the program
    // of the list, or the draft, that it was in.
    if (f.place) saved.follow(f.place);
    comments?.reset();
    saved.saveSoon();
  },
});
// The `# args:` / `# stdin:` comments fill the fields when they are edited.
comments = new CommentSync({ fields, note: $('fields-note'), text: () => editor.text(), onFields: () => saved.saveSoon() });
comments.reset();

editor.setBreakpoints(program.breakpoints);
saved.attach({
  current: () => ({ source: editor.text(), args: fields.args, stdin: fields.stdin, breakpoints: editor.breakpoints() }),
  replace: loadProgram,
  forget: () => editor.clearHistory(),
  running: () => Boolean(control?.running()),
});
performance.mark('editor-ready');
await nextTask();

// ---- the panels and the run ------------------------------------------------------------------

const places = {
  go: (span) => control.go(span),
  where: (span) => control.where(span),
  link: (span, ...text) => h('button', { type: 'button', class: 'link', onclick: () => control.go(span) }, text),
};
// Line numbers of a run follow later edits.
const positions = new LivePositions(() => editor.view.state.doc);
/** The places of a text (a run's, or the one Format read: its Tracker), for the Errors panel. */
const placesOf = (track) => ({
  where: (span) => positions.text(span, track),
  // Not into another program: the panel's heading says whose the positions are.
  link: (span, ...text) => h('button', { type: 'button', class: 'link', onclick: () => notes.other(track) || editor.select(...control.spanRange(span, track)) }, text),
});
const output = new OutputPanel($('output'));
profile = new ProfilePanel(
  { panel: $('profile-panel'), body: $('profile'), sum: $('profile-sum') },
  { editor, positions, labels: (source) => compileSource(source)?.labels || [] },
);
// Which run Output, Stack, Timeline, Profile and Errors show, once it is not the editor's program.
notes = new RunNotes(
  { output: $('output-of'), stack: $('stack-of'), timeline: $('timeline-of'), profile: $('profile-of'), errors: $('error-of') },
  { current: () => saved.title(), state: () => control.state },
);
const status = new StatusPanel($('status'), {
  edited: () => control.edited(),
  runNote: () => notes.note(),
  errorsOfRun: () => notes.errorsOfRun(),
  otherProgram: () => notes.other(control.track),
  where: (span, options) => control.where(span, options),
});
const compiled = new CompiledPanel(
  { toggle: $('compiled-toggle'), panel: $('compiled-panel'), body: $('compiled'), sum: $('compiled-sum') },
  {
    editor,
    runner: () => control.runner,
    go: (span, track) => editor.select(...control.spanRange(span, track)),
    runRange: (span) => control.spanRange(span),
  },
);
// The views of the run state (run-state.js), each drawing its part when it changes.
const views = [
  output,
  new InputPrompt(
    { form: $('prompt'), input: $('prompt-input'), eof: $('prompt-eof') },
    { onLine: (line) => control.input(line), onEof: () => control.input(null), focusEditor: () => editor.view.focus() },
  ),
  new ErrorsPanel($('error'), { placesOf, onArgs: (d) => fields.selectArgs(d) }),
  new StackPanel({ list: $('stack'), count: $('stack-count'), peek: $('stack-peek') }, { runner: () => control.runner }),
  new CallStackPanel($('callstack'), places),
  profile,
  notes,
  status,
];
control = new RunControl({
  editor,
  fields,
  saved,
  views,
  panels: { banner, compiled, notes, status },
  positions,
  ui: { ...controlsUi, debugbar: $('debugbar'), status: $('status') },
  current: () => saved.title(),
});
formatter = new Formatter({
  editor,
  runner: () => control.runner,
  errors: (diagnostics, track) => control.formatErrors(diagnostics, track),
  notice: (label, detail) => control.notice(label, detail),
});
$('format').addEventListener('click', () => formatter.format());

/**
 * Replaces the program, its arguments, input and breakpoints (one undoable change).
 * `places`: { before, after } (saved-program.js `place()`): undoing the change goes back to
 * the program of the list or the draft it left, redoing it forward again.
 */
function loadProgram(p, places = null) {
  editor.setDoc(p.source, {
    breakpoints: p.breakpoints ?? [],
    fields: { args: p.args, stdin: p.stdin, place: places?.after },
    current: { args: fields.args, stdin: fields.stdin, place: places?.before },
  });
  control?.programLoaded();
  notes?.refresh();
}

fields.showArgs();

attachTabOption({ checkbox: $('tab-indents'), hint: $('tab-escape') }, { on: tabIndents, storage: saved.store.local, apply: (on) => editor.setTabIndents(on) });
const settingsPanel = attachSettings(
  { dialog: $('settings'), body: $('settings-body'), open: $('settings-open'), note: $('settings-note') },
  {
    settings,
    storage: saved.store.local,
    apply: async (next, previous) => {
      applyToRoot(document.documentElement, next);
      if (next.fontSize !== previous.fontSize) editor.fontSizeChanged();
      if (next.lineWrap !== previous.lineWrap) editor.setLineWrap(next.lineWrap);
      if (next.keyBindings !== previous.keyBindings) await editor.setKeyBindings(next.keyBindings);
    },
  },
);
// Key bindings other than the default: their chunk is fetched now, not with the page.
if (settings.keyBindings !== 'default') {
  editor.setKeyBindings(settings.keyBindings).catch((e) => banner.show(`The ${settings.keyBindings} key bindings could not be loaded (${e.message}): the default ones are in force.`));
}
const shortcuts = attachShortcuts(
  { dialog: $('shortcuts'), list: $('shortcuts-list'), open: $('shortcuts-open') },
  { keyBindings: () => settingsPanel.settings().keyBindings },
);

// Predict the next step: Step and Step over ask first while it is on.
const predict = new PredictPanel({ toggle: $('predict-toggle'), panel: $('predict') }, { control, editor });
attachControls(controlsUi, {
  run: () => control.run(),
  stop: () => control.stop(),
  stopRunning: () => control.stopRunning(),
  shortcuts: () => shortcuts.show(),
  profile: () => control.start(RunKind.PROFILE),
  continue: () => control.continue(),
  pause: () => control.pause(),
  pauseOrContinue: () => control.pauseOrContinue(),
  step: () => predict.intercept(Msg.STEP) || control.step(Msg.STEP),
  stepOver: () => predict.intercept(Msg.STEP_OVER) || control.step(Msg.STEP_OVER),
  stepOut: () => control.step(Msg.STEP_OUT),
  stepBack: () => control.stepBack(),
  format: () => formatter.format(),
  toggleBreakpoint: () => editor.toggleBreakpoint(editor.view.state.doc.lineAt(editor.view.state.selection.main.head).number),
});

await nextTask();

// ---- examples, share, reference ---------------------------------------------------------

attachExamples(
  $('examples'),
  examples,
  (ex) => {
    tour.close();
    // A draft of this tab, never over a program of the list. Its arguments and input
    // come with it (none when it has none); Ctrl+Z brings back all three, and the place.
    saved.openExample(ex);
    editor.view.focus();
    control.notice(`Example ${ex.name} loaded`, 'your program is kept as it was; Ctrl+Z in the editor brings back the previous program, its arguments and input');
  },
  $('examples-hint'),
);
const shareUi = { button: $('share'), box: $('share-box'), link: $('share-link'), msg: $('share-msg'), close: $('share-close') };
attachShareBox({ ...shareUi, embed: $('share-embed'), copyEmbed: $('share-embed-copy') }, () => ({
  source: editor.text(),
  args: fields.args,
  stdin: fields.stdin,
}));
// ---- the tour: its lessons' links (#tour/5) open them --------------------------------------

tour = new TourLoader($('tour-toggle'), {
  load: () => import('./lazy-tour.js'),
  make: ({ TourPanel, lessons }) =>
    new TourPanel(
      { toggle: $('tour-toggle'), panel: $('tour') },
      { lessons, progress: new TourProgress(saved.store.local), saved, editor, fields, loadProgram, endInput: () => control.input(null), run: () => control.run(), predict: (steps, done) => predict.begin(steps, done) },
    ),
  failed: (e) => banner.show(`The tour could not be loaded (${e.message}): try again once the page is back online.`),
});
control.watch(tour);
const timeline = new TimelinePanel(
  { toggle: $('timeline-toggle'), notesToggle: $('notes-toggle'), panel: $('timeline-panel'), sum: $('timeline-sum'), body: $('timeline-body') },
  { editor, runner: () => control.runner, spanRange: (span, track) => control.spanRange(span, track), output },
);
control.view(timeline);
wasmPanel = new WasmPanel({ toggle: $('wasm-toggle'), panel: $('wasm-panel'), body: $('wasm'), sum: $('wasm-sum') }, { editor, runner: () => control.runner });
control.watch(wasmPanel);
control.watch(compiled);
control.watch(comments);
addEventListener('hashchange', () => {
  if (tour.route(location.hash)) return;
  tour.close();
  saved.openShareLink();
});
const shareLoaded = saved.openShareLink();
tour.route(location.hash);
// Opening or making a program of the list closes the tour first (it gives the editor back).
saved.beforeSwitch = () => tour.close();
const programsPanel = new ProgramsPanel({ toggle: $('programs-toggle'), panel: $('programs'), editorHost: $('editor') }, { saved, banner });
new ProgramName($('program-name'), { saved, openList: () => programsPanel.show(true) });
const reference = attachReference(
  { toggle: $('ref-toggle'), panel: $('reference'), list: $('ref-list'), search: $('ref-search'), found: $('ref-found'), link: $('ref-link') },
  () => import('./lazy-reference.js').then((m) => m.reference),
);

// ---- the WebAssembly module ------------------------------------------------------------

control.status('Loading…');
const consolePanel = new ConsolePanel(
  { panel: $('console'), log: $('console-log'), form: $('console-form'), input: $('console-input'), prompt: $('console-prompt'), stop: $('console-stop'), copy: $('console-copy'), stack: $('console-stack'), stackCount: $('console-stack-count'), status: $('console-status') },
  { editor, storage: saved.store.local, entryOpen: consoleEntryOpen, notice: (label, detail) => control.notice(label, detail) },
);
const wasmModule = loadModule(WASM_URL);
// The console's and the checker's workers start once the module is there, after the runner's.
wasmModule
  .then((m) =>
    setTimeout(() => {
      checker.start(m, CHECK_WORKER_URL);
      consolePanel.start(m, CONSOLE_WORKER_URL);
    }),
  )
  .catch(() => {});
// The Reference is drawn when it is first opened.
loadRunner(control, wasmModule, {
  workerUrl: WORKER_URL,
  onReady: () => ($('version').textContent = `v${version()}`),
  onOps: (all) => {
    reference.setOps(all);
    editor.setOps(all);
  },
});

// Offline: the page's files cached after this visit; a new deployment offers a reload,
// the program saved first (it is saved as one types anyway).
const offline = registerOffline({ url: SW_URL, prompt: $('update'), beforeReload: () => saved.saveNow() });

// For the end-to-end tests and for poking around in the console.
window.playground = {
  offline,
  editor,
  get runner() {
    return control.runner;
  },
  shareLoaded,
  tour,
  saved,
  console: consolePanel,
  settings: settingsPanel,
  predict,
  checker,
};
