// The WebAssembly panel: the module the WebAssembly tier makes of the program (vm-wasm's
// `tierModule`), as WebAssembly text, each label's function named after it; made by the
// worker only while the panel is open (when it is opened, when a run starts, and a moment
// after an edit), cut to MAX_TEXT characters with the full size said. Its pure part is
// wasm-text.js.

import { h, fill, count, counted, setPanelOpen } from './dom.js';
import { Msg } from './protocol.js';
import { Channel } from './runner.js';
import { MAX_CHARS } from './compiled-panel.js';
import { MAX_TEXT, moduleSummary, splitFunctions, cutNote } from './wasm-text.js';

/** An edit is followed by a new module after this long without another (ms). */
const EDIT_DELAY = 400;
/** About this many characters of text are drawn in one task. */
const DRAW_CHARS = 20_000;
/** The most functions named at the top of the panel. */
const MAX_LINKS = 100;

export class WasmPanel {
  /**
   * `ui`: { toggle (the toolbar's button), panel, body, sum }; `editor` (editor.js);
   * `runner()`: the runner (runner.js), or null before it is there.
   */
  constructor(ui, { editor, runner }) {
    Object.assign(this, { ui, editor, runner });
    this.drawing = 0; // the latest module drawn (its text is drawn in tasks); older drawings stop
    this.shownText = null; // the program text shown, or null
    this.timer = 0;
    ui.toggle.addEventListener('click', () => this.setOpen(ui.panel.hidden));
    ui.body.addEventListener('click', (e) => this.click(e));
  }

  open() {
    return !this.ui.panel.hidden;
  }

  setOpen(open) {
    setPanelOpen(this.ui, open);
    if (!open) return;
    if (this.shownText !== this.editor.text()) this.load();
    this.ui.panel.scrollIntoView({ block: 'nearest' });
  }

  /** The program was edited: its module is made again once the typing pauses. */
  edited() {
    if (!this.open()) return;
    clearTimeout(this.timer);
    this.timer = setTimeout(() => this.load(), EDIT_DELAY);
  }

  // The run control's watcher: a run's program is the one shown; a runner that is
  // ready (again) makes the module asked for before.
  starting() {
    if (this.open() && this.shownText !== this.editor.text()) this.load();
  }

  message(m) {
    if ((m.type === Msg.READY || m.type === Msg.DIED) && this.open() && this.shownText === null) this.load();
  }

  /** Asks the worker for the module of the editor's text, and shows it when it comes. */
  async load() {
    clearTimeout(this.timer);
    const source = this.editor.text();
    const runner = this.runner();
    // What the panel asked for before is stale (the runner's channel drops its answer), and so is what it draws.
    this.drawing++;
    runner?.cancel(Channel.TIER_MODULE);
    if (source.length > MAX_CHARS) {
      this.shownText = source;
      this.ui.sum.textContent = '';
      return fill(this.ui.body, h('p', { class: 'help' }, `The program has ${count(source.length)} characters: too large to show here.`));
    }
    if (!runner) return this.note('Loading…');
    if (!this.ui.body.firstChild) this.note('Compiling…');
    const m = await runner.tierModule(source, MAX_TEXT);
    if (m.stale) return;
    if (m.error) return this.note(`The module could not be made: ${m.error}`);
    this.shownText = source;
    if (!m.ok) {
      this.ui.sum.textContent = '';
      return fill(this.ui.body, h('p', { class: 'help' }, `The program does not compile (${counted(m.diagnostics.length, 'error')}): see the editor's marks.`));
    }
    this.render(m);
  }

  note(text) {
    this.shownText = null;
    this.ui.sum.textContent = '';
    fill(this.ui.body, h('p', { class: 'help' }, text));
  }

  /** Draws the module: its labels' functions as links, then its text a function a block. */
  render(m) {
    this.ui.sum.textContent = moduleSummary(m.info);
    const labels = new Map(m.info.functions.map((f) => [f.name, f.blocks]));
    const parts = splitFunctions(m.text.text);
    const nav = h(
      'p',
      { class: 'wasm-functions' },
      'Functions: ',
      m.info.functions.slice(0, MAX_LINKS).map((f, i) => [
        i ? ', ' : '',
        h('button', { type: 'button', class: 'link', 'data-func': f.name, title: `Show $${f.name}` }, f.name),
        h('small', {}, ` (${counted(f.blocks, 'block')})`),
      ]),
      m.info.functions.length > MAX_LINKS ? ` and ${count(m.info.functions.length - MAX_LINKS)} more` : '',
    );
    const code = h('div', { class: 'wasm-text', 'data-testid': 'wasm-text', tabindex: '0', 'aria-label': 'The module as WebAssembly text' });
    const cut = cutNote(m.text);
    fill(this.ui.body, nav, code, cut ? h('p', { class: 'wasm-more' }, `${cut} (svm --disasm --blocks shows the blocks).`) : null);
    this.draw(code, parts, 0, labels, ++this.drawing);
  }

  /** Draws the parts from `i` on, about DRAW_CHARS characters a task (a long text is laid out in pieces). */
  draw(code, parts, i, labels, ask) {
    if (ask !== this.drawing) return;
    let chars = 0;
    const pres = [];
    for (; i < parts.length && chars < DRAW_CHARS; i++) {
      const p = parts[i];
      chars += p.text.length;
      pres.push(h('pre', { class: labels.has(p.name) ? 'wasm-func wasm-label' : 'wasm-func', 'data-name': p.name ?? '' }, p.text));
    }
    code.append(...pres);
    if (i < parts.length) setTimeout(() => this.draw(code, parts, i, labels, ask));
  }

  click(e) {
    const name = e.target.dataset && e.target.dataset.func;
    if (!name) return;
    const box = this.ui.body.querySelector('.wasm-text');
    const pre = [...box.children].find((el) => el.dataset.name === name);
    if (pre) box.scrollTop = pre.offsetTop - box.offsetTop;
  }
}
