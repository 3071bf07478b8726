// The console under the editor: a line of input run against a live session's stack and
// labels, by the rules of `svm`'s REPL (vm-core's `repl`, through vm-wasm's Console in a
// worker of its own, console-worker.js). The stack is drawn after every entry (the Stack
// panel's renderStack); errors are shown as `svm` prints them, with a caret under the
// entry; ↑/↓ walk the entries typed before, kept per browser; "Copy to editor" appends
// the session's entries and definitions to the program, as one change Ctrl+Z undoes.

import { h, count, counted } from './dom.js';
import { renderStack } from './stack-view.js';

/** Where the entries typed are kept (localStorage), the last HISTORY_KEPT of them. */
export const HISTORY_KEY = 'simple-vm.console-history.v1';
export const HISTORY_KEPT = 200;
/** The most entries the log keeps (the oldest go). */
const LOG_KEPT = 200;
/** A stop not acknowledged within this time ends the worker instead (ms). */
const STOP_GRACE_MS = 200;

/** The history kept in `storage`: a list of strings, [] when there is none or it is broken. */
export function readHistory(storage) {
  try {
    const list = JSON.parse(storage?.getItem(HISTORY_KEY) ?? '[]');
    return Array.isArray(list) ? list.filter((e) => typeof e === 'string') : [];
  } catch {
    return [];
  }
}

/** `history` with `entry` at its end (not twice in a row), at most HISTORY_KEPT long. */
export function withEntry(history, entry) {
  const next = history[history.length - 1] === entry ? history.slice() : [...history, entry];
  return next.slice(-HISTORY_KEPT);
}

/** A line of carets under `column` (1-based, characters) for `width` characters. */
export const caretLine = (column, width) => `${' '.repeat(Math.max(0, column - 1))}${'^'.repeat(Math.max(1, width))}`;

/**
 * What "Copy to editor" appends: the code of the entries that ran without error since
 * the last `:clear` or `:reset`, then (after `stop`, so that the program does not run
 * into them) the definitions in effect. '' when there is nothing.
 */
export function transcript(code, definitions) {
  if (!code.length && !definitions.trim()) return '';
  let text = '# From the console:\n';
  text += code.map((c) => `${c}\n`).join('');
  if (definitions.trim()) text += `stop\n${definitions}`;
  return text;
}

export class ConsolePanel {
  /**
   * ui: { panel, log, form, input, prompt, stop, copy, stack, stackCount, status };
   * editor: the page's editor (editor.js); storage: localStorage (or null);
   * entryOpen(text): does the entry go on over another line (vm.js).
   */
  constructor(ui, { editor, storage, entryOpen, notice = () => {} }) {
    this.ui = ui;
    this.editor = editor;
    this.storage = storage;
    this.entryOpen = entryOpen;
    this.notice = notice;
    this.history = readHistory(storage);
    this.at = this.history.length;
    this.draft = '';
    this.pending = '';
    this.worker = null;
    this.module = null;
    this.nextId = 1;
    this.running = null;
    this.code = [];
    this.requests = new Map();
    ui.form.addEventListener('submit', (e) => {
      e.preventDefault();
      this.submit();
    });
    ui.input.addEventListener('keydown', (e) => this.key(e));
    ui.stop.addEventListener('click', () => this.stop());
    ui.copy.addEventListener('click', () => this.copy());
    this.setRunning(false);
    renderStack(ui.stack, ui.stackCount, [], 0);
  }

  /** Starts the console's worker with the compiled WebAssembly `module`. */
  start(module, url) {
    this.module = module;
    this.url = url;
    this.spawn();
  }

  spawn() {
    this.ready = false;
    this.worker = new Worker(this.url);
    this.worker.onmessage = (e) => this.message(e.data);
    this.worker.onerror = (e) => this.died(e.message || 'the console stopped working');
    this.worker.postMessage({ type: 'init', module: this.module });
  }

  /** The worker could not go on: a new session, said in the log. */
  died(message) {
    this.worker?.terminate();
    this.running = null;
    this.setRunning(false);
    this.code = [];
    this.line(h('p', { class: 'console-note console-error' }, `The console's session was lost (${message}); a new one started: the stack and labels are gone.`));
    this.spawn();
  }

  message(msg) {
    switch (msg.type) {
      case 'ready':
        this.ready = true;
        this.ui.status.textContent = '';
        return;
      case 'entered':
        return this.entered(msg);
      case 'progress':
        if (this.running?.id === msg.id) this.output(msg.output);
        return;
      case 'done':
        return this.done(msg);
      case 'definitions': {
        const resolve = this.requests.get(msg.req);
        this.requests.delete(msg.req);
        resolve?.(msg.text);
        return;
      }
      case 'fatal':
        return this.died(msg.message);
    }
  }

  key(e) {
    if (e.key === 'Escape' && this.running) {
      e.preventDefault();
      this.stop();
    } else if (e.key === 'ArrowUp' && !e.shiftKey && !e.altKey) {
      if (this.at === 0) return;
      if (this.at === this.history.length) this.draft = this.ui.input.value;
      this.at -= 1;
      this.show(this.history[this.at]);
      e.preventDefault();
    } else if (e.key === 'ArrowDown' && !e.shiftKey && !e.altKey) {
      if (this.at >= this.history.length) return;
      this.at += 1;
      this.show(this.at === this.history.length ? this.draft : this.history[this.at]);
      e.preventDefault();
    }
  }

  show(text) {
    this.ui.input.value = text;
    this.ui.input.setSelectionRange(text.length, text.length);
  }

  /** Takes the line typed: an entry, or one more line of an entry that goes on. */
  submit() {
    if (this.running || !this.ready) return;
    const line = this.ui.input.value;
    this.ui.input.value = '';
    const text = this.pending ? `${this.pending}\n${line}` : line;
    if (!this.pending && !line.trim()) return;
    if (line.trim()) {
      this.history = withEntry(this.history, line);
      try {
        this.storage?.setItem(HISTORY_KEY, JSON.stringify(this.history));
      } catch {
        // A full or refused storage: the history lasts as long as the page.
      }
    }
    this.at = this.history.length;
    this.draft = '';
    if (this.entryOpen(text) && line.trim()) {
      this.pending = text;
      this.ui.prompt.textContent = '...';
      this.echo(line, '...');
      return;
    }
    const first = !this.pending;
    this.pending = '';
    this.ui.prompt.textContent = '>';
    const id = this.nextId++;
    this.running = { id, text, entry: null, echo: this.echo(line, first ? '>' : '...') };
    this.setRunning(true);
    this.worker.postMessage({ type: 'enter', id, text });
  }

  /** Adds the line typed to the log, after its prompt; the element. */
  echo(line, prompt) {
    const el = h('pre', { class: 'console-echo' }, h('span', { class: 'console-prompt', 'aria-hidden': 'true' }, `${prompt} `), line);
    this.line(el);
    return el;
  }

  line(el) {
    const log = this.ui.log;
    log.append(el);
    while (log.childElementCount > LOG_KEPT * 4) log.firstElementChild.remove();
    log.scrollTop = log.scrollHeight;
  }

  output(text) {
    if (!text) return;
    const last = this.ui.log.lastElementChild;
    if (last?.classList.contains('console-output') && last.dataset.id === String(this.running.id)) last.append(text);
    else this.line(h('pre', { class: 'console-output', 'data-id': this.running.id }, text));
  }

  entered({ id, entry }) {
    if (this.running?.id !== id) return;
    this.running.entry = entry;
    if (entry.kind === 'rejected') {
      this.caret(entry.errors[0]);
      this.line(h('pre', { class: 'console-error', role: 'alert' }, entry.message.trimEnd()));
    } else if (entry.kind === 'hint' || entry.kind === 'unknown') {
      this.line(h('pre', { class: 'console-error' }, `error: ${entry.message}`));
    } else if (entry.kind === 'command') {
      if (entry.message) this.line(h('pre', { class: 'console-output' }, entry.message.trimEnd()));
      const command = this.running.text.trim();
      if (command.startsWith(':reset')) {
        this.code = [];
        this.line(h('p', { class: 'console-note' }, 'Session reset: no labels, an empty stack.'));
      } else if (command.startsWith(':clear')) this.code = [];
    } else {
      // As the REPL: an entry that starts with a label definition says what it defined.
      if (/^\s*[^\s"#]+:(\s|$)/.test(this.running.text)) {
        for (const d of entry.defined) this.line(h('p', { class: 'console-note' }, `${d.again ? 'redefined' : 'defined'} ${d.name}`));
      }
    }
  }

  /** A line of carets under the entry's echo, for an error `span` on its last line typed. */
  caret(span) {
    if (!span) return;
    const echoes = this.ui.log.querySelectorAll('.console-echo');
    const lines = this.running.text.split('\n');
    const echo = echoes[echoes.length - lines.length + span.line - 1];
    if (!echo) return;
    const width = span.endLine === span.line ? span.endColumn - span.column : 1;
    echo.after(h('pre', { class: 'console-caret', 'aria-hidden': 'true' }, `${' '.repeat(2)}${caretLine(span.column, width)}`));
  }

  done(msg) {
    const job = this.running;
    if (job?.id !== msg.id) return;
    clearTimeout(job.timer);
    this.output(msg.output);
    const entry = job.entry;
    if (msg.outputBytes > 64 * 1024) this.line(h('p', { class: 'console-note' }, `Output cut short: ${count(msg.outputBytes)} bytes in all.`));
    if (msg.stopped) this.line(h('p', { class: 'console-note' }, 'Stopped; the stack is as the entry left it.'));
    if (msg.error) {
      if (msg.inEntry) this.caret(msg.error.span);
      const note = msg.error.kind === 'step_limit' ? `\nThe console stopped the entry after ${counted(msg.steps, 'step')}: an entry may take ${count(Number(msg.error.message.match(/\d+/)?.[0] ?? 0))} steps.` : '';
      this.line(h('pre', { class: 'console-error', role: 'alert' }, msg.error.rendered.trimEnd() + note));
    } else if (entry?.runs && !msg.stopped && entry.code) {
      this.code.push(entry.code);
    }
    if (entry && entry.kind !== 'rejected' && entry.kind !== 'hint' && entry.kind !== 'unknown') this.stackLine(msg.stack);
    renderStack(this.ui.stack, this.ui.stackCount, msg.stack.values, msg.stack.total);
    this.running = null;
    this.setRunning(false);
  }

  /** The stack after an entry, in the log, as `svm`'s REPL prints it. */
  stackLine({ values, total }) {
    const shown = values.slice(-32);
    const more = total - shown.length;
    const text = `[${more ? `… ${count(more)} more, ` : ''}${shown.map((v) => v.literal).join(' ')}]`;
    this.line(h('pre', { class: 'console-stack' }, text));
  }

  /** Stops the entry running (Stop, Esc); a worker that does not answer is replaced. */
  stop() {
    const job = this.running;
    if (!job) return;
    this.worker.postMessage({ type: 'stop', id: job.id });
    job.timer = setTimeout(() => {
      if (this.running === job) this.died('it did not answer Stop');
    }, STOP_GRACE_MS);
  }

  setRunning(on) {
    this.ui.stop.disabled = !on;
    this.ui.panel.dataset.state = on ? 'running' : 'idle';
    this.ui.status.textContent = on ? 'Running… (Esc or Stop ends it)' : '';
  }

  /** Appends the session's entries and definitions to the editor's program (one undoable change). */
  async copy() {
    if (!this.worker || !this.ready) return;
    const req = this.nextId++;
    const definitions = await new Promise((resolve) => {
      this.requests.set(req, resolve);
      this.worker.postMessage({ type: 'definitions', req });
    });
    const text = transcript(this.code, definitions);
    if (!text) {
      this.notice('Nothing to copy', 'no entry has run and no label is defined in the console');
      return;
    }
    const doc = this.editor.view.state.doc;
    const before = doc.length && !doc.toString().endsWith('\n') ? '\n\n' : doc.length ? '\n' : '';
    this.editor.view.dispatch({ changes: { from: doc.length, insert: before + text }, scrollIntoView: true, userEvent: 'input.paste' });
    this.notice('Console copied to the editor', 'appended after your program; Ctrl+Z in the editor undoes it');
  }
}
