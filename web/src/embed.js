// The embeddable playground (embed.html), made for an <iframe> in another page: the
// editor, Run and Stop, the output and the errors, and a link that opens the program in
// the playground. The program, with its arguments and input, comes from the address's
// fragment, as in a share link (share.js). The rest is the playground's own modules: the
// run (run-control.js, run-state.js) on the same runner (runner.js, worker.js), whose Stop
// ends any program at once. Nothing is saved in the browser. Its entry is embed-boot.js,
// which brings the style sheets and evaluates CodeMirror first.

import { createEditor } from './editor.js';
import { RunKind } from './protocol.js';
import { LivePositions } from './positions.js';
import { loadModule, compileSource } from './vm.js';
import { loadRunner } from './load-runner.js';
import { RunControl } from './run-control.js';
import { keyAction } from './controls.js';
import { StatusPanel } from './status-panel.js';
import { OutputPanel } from './output.js';
import { ErrorsPanel } from './errors-panel.js';
import { StackPanel } from './stack-view.js';
import { InputPrompt } from './prompt.js';
import { Banner } from './banner.js';
import { decodeState, encodeState, isShareFragment } from './share.js';
import { playgroundUrl } from './embed-link.js';
import { h } from './dom.js';
import { registerOffline } from './offline.js';

/* global __WASM_URL__, __WORKER_URL__, __SW_URL__ */
const WASM_URL = __WASM_URL__;
const WORKER_URL = __WORKER_URL__;
const SW_URL = __SW_URL__;

/** The "Open in the playground" link follows edits this long after the last one (ms). */
const LINK_DELAY_MS = 300;

const $ = (id) => document.getElementById(id);
const banner = new Banner({ el: $('banner'), msg: $('banner-msg'), close: $('banner-close') });

/** What the banner says of a link without a program (it goes once one is typed). */
const NO_PROGRAM = 'This link has no program: a share link of the playground with embed.html in place of the page gives one.';

/** The program of the address's fragment ({ source, args, stdin }); an empty one, said why, when it has none. */
async function programFromLink() {
  const fragment = location.hash.slice(1);
  const empty = { source: '', args: '', stdin: '' };
  if (!isShareFragment(fragment)) {
    banner.show(NO_PROGRAM, 'info');
    return empty;
  }
  try {
    return await decodeState(fragment);
  } catch (e) {
    banner.show(`The program of this link could not be read: ${e.message}.`);
    return empty;
  }
}

// The module is fetched and compiled while the link is read and the editor built.
const module = loadModule(WASM_URL);
const program = await programFromLink();
// Another program in the address (the frame's `src` changed only in its fragment): start again with it.
addEventListener('hashchange', () => location.reload());
const open = $('open');
open.href = playgroundUrl(location.href, location.hash.slice(1));

// Start-up in tasks, as the playground's: the editor is built in a task of its own.
await new Promise((resolve) => setTimeout(resolve));
let control = null;
let linkTimer = 0;
const editor = await createEditor($('editor'), {
  doc: program.source,
  onRun: () => control.start(RunKind.PLAIN),
  onChange: (view, changes) => {
    control.edit(changes);
    // A program is typed: "this link has no program" is no longer true.
    if (!banner.el.hidden && banner.msg.textContent === NO_PROGRAM) banner.hide();
    clearTimeout(linkTimer);
    linkTimer = setTimeout(followEdits, LINK_DELAY_MS);
  },
  compile: compileSource,
  // No debugger here: no line takes a breakpoint.
  breakpointLine: () => null,
  onBreakpoints: () => {},
  onFields: () => {},
});
performance.mark('editor-ready');

/** "Open in the playground" opens the program as it is now, edits included. */
async function followEdits() {
  open.href = playgroundUrl(location.href, await encodeState({ ...program, source: editor.text() }));
}

// ---- the run -------------------------------------------------------------------------------

/** The parts of the playground the embed does not have (saving): they do nothing. */
const absent = { saveNow() {} };
/** The arguments and input of the link, as the run reads the playground's fields. */
const fields = { args: program.args, stdin: program.stdin, valid() {}, invalid() {}, selectArgs() {} };
/** The playground's buttons that are not here (the run enables them). */
const noButton = () => ({ disabled: true, title: '' });

const positions = new LivePositions(() => editor.view.state.doc);
/** The places of a run's text (its Tracker), for the Errors panel. */
const placesOf = (track) => ({
  where: (span) => positions.text(span, track),
  link: (span, ...text) => h('button', { type: 'button', class: 'link', onclick: () => editor.select(...control.spanRange(span, track)) }, text),
});
const ui = {
  run: $('run'),
  stop: $('stop'),
  profileRun: noButton(),
  dbg: { continue: noButton(), pause: noButton(), step: noButton(), stepOver: noButton(), stepOut: noButton(), stepBack: noButton() },
  debugbar: null,
  status: $('status'),
};
const status = new StatusPanel($('status'), { edited: () => control.edited(), where: (span, options) => control.where(span, options) });
control = new RunControl({
  editor,
  fields,
  saved: absent,
  positions,
  ui,
  // No debugger, profile or call stack here.
  views: [
    new OutputPanel($('output')),
    new InputPrompt(
      { form: $('prompt'), input: $('prompt-input'), eof: $('prompt-eof') },
      { onLine: (line) => control.input(line), onEof: () => control.input(null), focusEditor: () => editor.view.focus() },
    ),
    new ErrorsPanel($('error'), { placesOf }),
    // The data stack is in the Errors panel of a failed run; a finished run's is not shown.
    new StackPanel({ list: h('ol'), count: h('small') }, { runner: () => control.runner }),
    status,
  ],
  panels: { banner, status },
});
ui.run.addEventListener('click', () => control.start(RunKind.PLAIN));
ui.stop.addEventListener('click', () => control.stop());
document.addEventListener('keydown', (e) => {
  if (e.defaultPrevented) return;
  const action = keyAction(e);
  if (action === 'run') {
    e.preventDefault();
    control.start(RunKind.PLAIN);
  } else if (action === 'stopRunning' && control.stopRunning()) e.preventDefault();
});

control.status('Loading…');
loadRunner(control, module, { workerUrl: WORKER_URL, onOps: (all) => editor.setOps(all) });

// Offline as the playground (the same worker and cache), with no prompt of a new
// version: a frame in someone else's page is not the place for it (and in Chromium the
// embed's new worker did not take over when asked, web/README.md). A new deployment is
// taken once no page of the old one is open.
const offline = registerOffline({ url: SW_URL, prompt: null });

// For the end-to-end tests.
window.playground = {
  offline,
  editor,
  get runner() {
    return control.runner;
  },
  shareLoaded: Promise.resolve(),
};
