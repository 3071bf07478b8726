// The playground page: wires the editor, the runner, the panels, examples and sharing.

import './style.css';
import { ChangeSet } from '@codemirror/state';
import { initSync, compile, ops as opReference, version } from '../pkg/vm_wasm.js';
import examples from 'virtual:examples';
import { createEditor } from './editor.js';
import { Runner } from './runner.js';
import { OutputPanel } from './output.js';
import { encodeState, decodeState, isShareFragment } from './share.js';
import { h, fill, count, duration } from './dom.js';

/* global __WASM_URL__, __WORKER_URL__ */
const WASM_URL = __WASM_URL__;
const WORKER_URL = __WORKER_URL__;

/** The most output a run keeps (bytes); more ends the run with an "output limit" error. */
const OUTPUT_CAP = 1 << 20;
const STORE_KEY = 'simple-vm.playground.v1';

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
};

// ---- saved program ---------------------------------------------------------------

function loadSaved() {
  try {
    const s = JSON.parse(localStorage.getItem(STORE_KEY));
    if (s && typeof s.source === 'string') return { source: s.source, args: String(s.args ?? ''), stdin: String(s.stdin ?? '') };
  } catch {
    // no storage, or a damaged entry: start fresh
  }
  return { source: WELCOME, args: '', stdin: '' };
}

let saveTimer = 0;
function saveNow() {
  clearTimeout(saveTimer);
  saveTimer = 0;
  try {
    localStorage.setItem(STORE_KEY, JSON.stringify(currentState()));
  } catch {
    // storage full or disabled: nothing to do
  }
}
const saveSoon = () => {
  clearTimeout(saveTimer);
  saveTimer = setTimeout(saveNow, 250);
};
addEventListener('pagehide', () => saveTimer && saveNow());
document.addEventListener('visibilitychange', () => document.visibilityState === 'hidden' && saveTimer && saveNow());

// ---- editor --------------------------------------------------------------------------

let wasmReady = false;
let runChanges = null; // the edits since the last run started, to map its positions

const saved = loadSaved();
ui.args.value = saved.args;
ui.stdin.value = saved.stdin;

const editor = createEditor($('editor'), {
  doc: saved.source,
  onRun: () => run(),
  onChange: (view, changes) => {
    if (runChanges) runChanges = runChanges.compose(changes);
    saveSoon();
  },
  compile: (source) => (wasmReady ? compile(source) : null),
});
performance.mark('editor-ready');

const currentState = () => ({ source: editor.text(), args: ui.args.value, stdin: ui.stdin.value });

/** A span of the last run, in the editor's current text. */
function spanRange(span) {
  if (!runChanges) return [span.from, span.to];
  return [runChanges.mapPos(span.from, 1), runChanges.mapPos(span.to, -1)];
}

const gotoSpan = (span) => editor.select(...spanRange(span));

ui.args.addEventListener('input', () => {
  ui.args.removeAttribute('aria-invalid');
  saveSoon();
});
ui.stdin.addEventListener('input', saveSoon);

// Ctrl/Cmd+Enter runs from anywhere on the page, not only the editor.
document.addEventListener('keydown', (e) => {
  if (e.key === 'Enter' && (e.ctrlKey || e.metaKey) && !e.defaultPrevented) {
    e.preventDefault();
    run();
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
  const active = state === 'running' || state === 'input' || state === 'sleeping' || state === 'paused';
  ui.stop.disabled = !active;
  ui.run.setAttribute('aria-busy', String(active));
}

const stepsAndTime = (m) => `${count(m.steps)} steps · ${duration(m.time_ms || 0)}`;

// ---- output, stack, errors -------------------------------------------------------

const output = new OutputPanel(ui.output);

function renderStack(stack, total) {
  const items = [];
  if (total === 0) items.push(h('li', { class: 'more' }, 'empty'));
  if (total > stack.length) items.push(h('li', { class: 'more' }, `… ${count(total - stack.length)} more below`));
  stack.forEach((v, i) =>
    items.push(
      h(
        'li',
        { class: i === stack.length - 1 ? 'top' : null },
        h('code', { class: `val val-${v.type}` }, v.literal),
        h('span', { class: 'type' }, v.type),
      ),
    ),
  );
  fill(ui.stack, items);
  ui.stackCount.textContent = total ? `${count(total)} value${total === 1 ? '' : 's'}, top last` : '';
}

function clearResults() {
  output.clear();
  fill(ui.error);
  renderStack([], undefined);
  hidePrompt();
  editor.setRuntimeError(null);
}

const where = (span) => `line ${span.line}, column ${span.column}`;
const link = (span, text) => h('button', { type: 'button', class: 'link', onclick: () => gotoSpan(span) }, text);

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

function renderRuntimeError(e, stackLen) {
  const frames = e.trace.map((f) => h('li', {}, link(f.call, `in ${f.name} (called at ${where(f.call)})`)));
  frames.push(h('li', {}, 'in the main program'));
  fill(
    ui.error,
    h('p', { class: 'err-head' }, h('span', { class: 'err-msg' }, `error: ${e.message}`)),
    h('p', {}, 'at ', link(e.span, where(e.span))),
    h('p', { class: 'sub' }, 'stack trace, innermost first:'),
    h('ol', { class: 'trace' }, frames),
    h(
      'p',
      { class: 'sub' },
      `data stack (${count(stackLen ?? e.stack_len)} value${(stackLen ?? e.stack_len) === 1 ? '' : 's'}, top last): `,
      h('code', {}, e.stack.map((v) => v.literal).join(' ')),
    ),
    h('details', {}, h('summary', {}, 'as the command line shows it'), h('pre', { class: 'rendered' }, e.rendered)),
  );
  editor.setRuntimeError({ ...e.span, from: spanRange(e.span)[0], to: spanRange(e.span)[1], message: e.message });
}

// ---- input prompt ----------------------------------------------------------------------

function showPrompt() {
  ui.prompt.hidden = false;
  ui.promptInput.value = '';
  ui.promptInput.focus({ preventScroll: false });
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
let runPending = false;

/** The Input panel as lines; a final newline does not add an empty line. */
function stdinLines(text) {
  if (text === '') return [];
  const lines = text.replace(/\r\n?/g, '\n').split('\n');
  if (lines[lines.length - 1] === '') lines.pop();
  return lines;
}

function run() {
  if (!runner) {
    if (!wasmReady) {
      runPending = true;
      setStatus('loading', 'Loading the runner…', 'the program starts when it is ready');
    }
    return;
  }
  saveNow();
  clearResults();
  ui.args.removeAttribute('aria-invalid');
  runChanges = ChangeSet.empty(editor.view.state.doc.length);
  runner.run({
    source: editor.text(),
    args: ui.args.value,
    stdin: stdinLines(ui.stdin.value),
    options: { max_output: OUTPUT_CAP },
  });
  setStatus('running', 'Running…');
  // On a narrow screen the results are below the editor: bring them into view.
  const r = ui.status.getBoundingClientRect();
  if (r.top > innerHeight - 40 || r.bottom < 0) ui.status.scrollIntoView({ block: 'start', behavior: 'smooth' });
}

function stop() {
  if (runner) runner.stop();
}

function onEvent(m) {
  switch (m.type) {
    case 'ready':
      performance.mark('runner-ready');
      if (ui.status.dataset.state === 'loading') setStatus('idle', 'Ready', `simple-vm ${m.version}`);
      if (runPending) {
        runPending = false;
        run();
      }
      return;
    case 'started':
      return;
    case 'progress':
      output.append(m.output);
      if (m.sleeping_ms) setStatus('sleeping', 'Running…', `sleeping ${count(m.sleeping_ms)} ms · ${count(m.steps)} steps`);
      else setStatus('running', 'Running…', `${count(m.steps)} steps`);
      return;
    case 'needs_input':
      output.append(m.output);
      output.flush();
      renderStack(m.stack, m.stack_len);
      setStatus('input', 'Waiting for input', `${count(m.steps)} steps so far`);
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
      return;
    case 'paused':
      output.append(m.output);
      output.flush();
      renderStack(m.stack, m.stack_len);
      setStatus('paused', 'Paused', stepsAndTime(m));
      return;
    case 'done':
      return done(m);
    case 'died':
      output.flush();
      hidePrompt();
      if (m.final) {
        setStatus('crashed', 'Runner unavailable');
        showBanner(`The runner failed to start several times (${m.message}). Reload the page to try again; your program is kept.`);
        ui.run.disabled = true;
        return;
      }
      if (m.id) {
        output.note('[the runner stopped unexpectedly; the program did not finish]');
        setStatus('crashed', 'Runner crashed', 'restarted: run again');
      }
      showBanner(`The runner stopped unexpectedly (${m.message}). A new one has been started; your program is still in the editor.`);
      return;
    default:
  }
}

function done(m) {
  output.append(m.output);
  output.flush();
  hidePrompt();
  if (m.stack) renderStack(m.stack, m.stack_len);
  if (m.status === 'halted') {
    setStatus('halted', 'Halted', `exit code ${m.exit_code} · ${stepsAndTime(m)}`);
  } else if (m.status === 'error') {
    if (/^output limit/.test(m.error.message)) {
      output.note(`[output capped at ${count(OUTPUT_CAP)} bytes: the program was stopped]`);
    }
    renderRuntimeError(m.error, m.stack_len);
    setStatus('error', 'Runtime error', stepsAndTime(m));
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
  editor.setDoc(ex.source);
  ui.args.value = ex.args;
  ui.stdin.value = ex.stdin;
  saveNow();
  editor.view.focus();
  if (!ui.status.dataset.state || !['running', 'input', 'sleeping'].includes(ui.status.dataset.state)) {
    setStatus('idle', `Example ${ex.name} loaded`, 'Ctrl+Z in the editor brings back the previous program');
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
  ui.shareLink.focus();
  ui.shareLink.select();
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
    editor.setDoc(s.source);
    ui.args.value = s.args;
    ui.stdin.value = s.stdin;
    saveNow();
    ui.banner.hidden = true;
  } catch (e) {
    showBanner(`This share link could not be opened: ${e.message}. Your current program was kept.`);
  }
}
addEventListener('hashchange', openShareLink);
const shareLoaded = openShareLink();

// ---- reference -----------------------------------------------------------------------

ui.refToggle.addEventListener('click', () => {
  const open = ui.reference.hidden;
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
  .then((module) => {
    initSync({ module });
    wasmReady = true;
    const ops = opReference();
    editor.setOps(ops);
    renderReference(ops);
    ui.version.textContent = `v${version()}`;
    runner = new Runner({ module, url: WORKER_URL, onEvent });
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
