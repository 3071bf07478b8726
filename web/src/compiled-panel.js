// The Compiled panel: the program as the machine sees it, what `svm --disasm` prints
// (vm-wasm's `disasm`, from the core, asked of the worker): addresses (the token indexes
// that `jmp` and `call` use), labels with their addresses, instructions and their source
// positions. It follows the editor: an edit moves the positions shown at once, and the
// program is compiled again once the typing pauses. Hovering a row marks its token in the
// editor and hovering a token (or moving the cursor onto it) marks its row; while paused,
// the next instruction's row is marked; a jump target goes to its row. Rows are fetched
// and drawn a page at a time, with the full size said.

import { StateEffect, StateField } from '@codemirror/state';
import { EditorView, Decoration } from '@codemirror/view';
import { Tracker, locate } from './positions.js';
import { h, fill, count, counted, setPanelOpen } from './dom.js';
import { Msg } from './protocol.js';
import { Channel } from './runner.js';

/** Rows fetched and drawn at a time (a large program crosses in pieces). */
export const PAGE_ROWS = 500;
/** Rows drawn at most to reach a paused instruction further down (a page per task). */
export const SEEK_ROWS = 10_000;
/** The largest program compiled for the panel (characters), as for the diagnostics. */
export const MAX_CHARS = 512 * 1024;
/** An edit is followed by the rows of the new text after this long without another (ms). */
export const EDIT_DELAY = 300;

// ---- the pure part -----------------------------------------------------------------------

/** "6 instructions, 8 tokens, 2 labels, 0 strings": the disassembler's summary. */
export const summary = (d) =>
  `${counted(d.instructions, 'instruction')}, ${counted(d.tokens, 'token')}, ${counted(d.labels, 'label')}, ${counted(d.strings, 'string')}`;

/** The row whose token holds UTF-16 offset `pos` of the run's text (its end included), or -1. */
export function rowAtOffset(rows, pos) {
  let lo = 0;
  let hi = rows.length;
  // The last row with a span starting at or before `pos` (spans are in source order).
  while (lo < hi) {
    const mid = (lo + hi) >> 1;
    const s = rows[mid].span; // none for the end row, after every instruction
    if (s && s.from <= pos) lo = mid + 1;
    else hi = mid;
  }
  const i = lo - 1;
  return i >= 0 && rows[i].span && pos <= rows[i].span.to ? i : -1;
}

/** The row of the instruction at `position` (a span of the run, as a pause gives it), or -1. */
export function rowOfPosition(rows, position) {
  if (!position) return -1;
  const i = rowAtOffset(rows, position.from);
  return i >= 0 && rows[i].span.from === position.from ? i : -1;
}

/**
 * The row where a jump to `address` continues: the first with an address at or after it
 * (a label definition is a token but no instruction), the end included; -1 when it is not
 * among `rows`.
 */
export function rowOfAddress(rows, address) {
  let lo = 0;
  let hi = rows.length;
  while (lo < hi) {
    const mid = (lo + hi) >> 1;
    if (rows[mid].address < address) lo = mid + 1;
    else hi = mid;
  }
  return lo < rows.length ? lo : -1;
}

/** `line:col` of a row, as the disassembler writes it ('' for the end). */
export const place = (row) => (row.span ? `${row.span.line}:${row.span.column}` : '');

// ---- the mark in the editor --------------------------------------------------------------

const setLinked = StateEffect.define(); // { from, to } or null

const linkedField = StateField.define({
  create: () => Decoration.none,
  update(deco, tr) {
    deco = deco.map(tr.changes);
    for (const e of tr.effects) {
      if (!e.is(setLinked)) continue;
      const len = tr.state.doc.length;
      const from = e.value && Math.min(e.value.from, len);
      const to = e.value && Math.min(Math.max(e.value.to, from), len);
      deco = e.value && to > from ? Decoration.set([Decoration.mark({ class: 'cm-disasm-linked' }).range(from, to)]) : Decoration.none;
    }
    return deco;
  },
  provide: (f) => EditorView.decorations.from(f),
});

const linkedTheme = EditorView.baseTheme({
  '.cm-disasm-linked': { outline: '2px solid var(--accent, #2563eb)', borderRadius: '2px' },
});

// ---- the panel ---------------------------------------------------------------------------

export class CompiledPanel {
  /**
   * `ui`: { toggle (the toolbar's button), panel, body, sum }; `editor` (editor.js);
   * `runner()`: the runner (runner.js; its `disasm`), or null before it is there;
   * `go(span, track)`: selects a span of a text in the editor; `runRange(span)`: a span
   * of the last run in the editor's text ([from, to]).
   */
  constructor(ui, { editor, runner, go, runRange }) {
    Object.assign(this, { ui, editor, runner, go, runRange });
    /** The text the rows were made of (a Tracker: edits since map its positions to the editor's text). */
    this.track = null;
    this.shown = null; // the track the rows were made for (null: none drawn)
    this.pending = null; // the track of the text asked for, until its rows come
    this.timer = 0;
    this.frame = 0;
    this.rows = [];
    this.info = null;
    this.rowEls = [];
    this.pausedAt = null; // the position of a pause (a span of the run)
    this.linked = -1;
    ui.toggle.addEventListener('click', () => this.setOpen(ui.panel.hidden));
    ui.body.addEventListener('mouseover', (e) => this.hoverRow(e));
    ui.body.addEventListener('mouseleave', () => this.link(-1, { editor: true }));
    ui.body.addEventListener('click', (e) => this.click(e));
    editor.view.dispatch({
      effects: StateEffect.appendConfig.of([
        linkedField,
        linkedTheme,
        EditorView.domEventHandlers({
          mousemove: (e, view) => this.hoverEditor(view.posAtCoords({ x: e.clientX, y: e.clientY })),
          mouseleave: () => this.hoverEditor(null),
        }),
        EditorView.updateListener.of((u) => {
          if (u.selectionSet && !u.docChanged && this.open()) this.hoverEditor(u.state.selection.main.head, { scroll: true });
        }),
      ]),
    });
  }

  open() {
    return !this.ui.panel.hidden;
  }

  /** Are the rows shown those of the editor's text as it is? */
  current() {
    return Boolean(this.shown && this.shown === this.track && !this.track.edited);
  }

  setOpen(open) {
    setPanelOpen(this.ui, open);
    if (!open) return this.link(-1, { editor: true });
    if (!this.current()) this.load();
    this.ui.panel.scrollIntoView({ block: 'nearest' });
  }

  /**
   * The editor's text changed (`changes`): the positions shown follow at the next frame,
   * and the rows of the new text are asked for once the typing pauses.
   */
  edit(changes) {
    this.track?.edit(changes);
    this.pending?.edit(changes);
    if (!this.open()) return;
    // Another program (an example, a link, a program of the list): its rows at once.
    let whole = false;
    changes.iterChangedRanges((fromA, toA) => (whole ||= fromA === 0 && toA === changes.length && toA > 0));
    if (whole) return this.load();
    if (!this.frame) this.frame = requestAnimationFrame(() => ((this.frame = 0), this.relabel()));
    clearTimeout(this.timer);
    this.timer = setTimeout(() => this.load(), EDIT_DELAY);
  }

  /** A run started (with the editor's text): the rows are of that text. */
  show() {
    this.pausedAt = null;
    if (this.open() && !this.current()) this.load();
    else if (this.open()) this.markPaused({ scroll: false });
  }

  // The run control's watcher: a runner that is ready (again) makes the rows asked for before.
  starting() {}

  message(m) {
    if ((m.type === Msg.READY || m.type === Msg.DIED) && this.open() && !this.shown) this.load();
  }

  /** A pause at `position` (a span of the run), or null: the run is not paused. */
  paused(position) {
    this.pausedAt = position || null;
    if (this.open() && this.shown) this.markPaused({ scroll: true });
  }

  /** The paused instruction, as a position of the rows' text (or null). */
  pausedHere() {
    if (!this.pausedAt || !this.shown) return null;
    const [from] = this.runRange(this.pausedAt);
    return { from: this.shown.changes.invertedDesc.mapPos(from, 1) };
  }

  // ---- drawing -----------------------------------------------------------------------

  note(text) {
    this.ui.sum.textContent = '';
    fill(this.ui.body, h('p', { class: 'help' }, text));
  }

  /** Asks the worker for the rows of the editor's text, and draws the first page when they come. */
  async load() {
    clearTimeout(this.timer);
    const doc = this.editor.view.state.doc;
    const track = new Tracker(doc);
    const source = doc.toString();
    const runner = this.runner();
    // What the panel asked for before is stale (the runner's channel drops its answer).
    runner?.cancel(Channel.DISASM);
    if (source.length > MAX_CHARS) {
      this.pending = null;
      this.begin(track);
      return this.note(`The program has ${count(source.length)} characters: too large to show here (svm --disasm shows it).`);
    }
    if (!runner) {
      // The runner is not there yet: asked again when it is ready.
      this.shown = null;
      return this.note('Loading…');
    }
    this.pending = track;
    const d = await runner.disasm(source, 0, PAGE_ROWS, { channel: Channel.DISASM });
    if (d.stale) return;
    this.pending = null;
    if (d.error) {
      this.shown = null;
      return this.note(`The program could not be compiled here: ${d.error}`);
    }
    this.begin(track);
    if (!d.ok) return this.note(`The program does not compile (${counted(d.diagnostics.length, 'error')}): see the editor's marks.`);
    this.render(d);
  }

  /** The rows to come are of `track`'s text. */
  begin(track) {
    if (this.shown) this.link(-1, { editor: true });
    this.track = track;
    this.shown = track;
    this.rows = [];
    this.rowEls = [];
    this.linked = -1;
  }

  /** Draws the first rows of a `disasm` answer. */
  render(d) {
    const { body, sum } = this.ui;
    this.info = d;
    sum.textContent = summary(d);
    // A grid of rows rather than a table: rows out of view are not laid out
    // (`content-visibility`), which a table's layout would not allow.
    const cell = (text, cls) => h('span', { role: 'columnheader', class: cls }, text);
    const table = h(
      'div',
      { role: 'table', class: 'disasm-table', 'aria-label': 'The compiled program' },
      h('div', { role: 'row', class: 'disasm-head' }, cell('address', 'disasm-addr'), cell('line:col', 'disasm-pos'), cell('instruction')),
      (this.tbody = h('div', { role: 'rowgroup' })),
    );
    this.more = h('p', { class: 'disasm-more' });
    fill(body, table, this.more);
    this.append(d);
    this.markPaused({ scroll: true });
  }

  /** `line:col` of a row in the editor's text as it is now (the rows' text edited since). */
  where(row) {
    if (!row.span) return '';
    if (!this.shown.edited) return place(row);
    const p = locate(row.span, this.shown, this.editor.view.state.doc);
    return `${p.line}:${p.column}`;
  }

  /** The positions drawn follow the edits made since the rows were made. */
  relabel() {
    if (!this.shown || !this.open()) return;
    this.rowEls.forEach((el, i) => {
      const cell = el && el.querySelector('.disasm-pos');
      const text = this.where(this.rows[i]);
      if (cell && cell.textContent !== text) cell.textContent = text;
    });
  }

  /** Draws the rows of a `disasm` answer after those drawn, and says what is left. */
  append(d) {
    const start = this.rows.length;
    const trs = [];
    d.rows.forEach((row, k) => {
      const i = start + k;
      for (const name of row.labels) {
        trs.push(
          h(
            'div',
            { role: 'row', class: 'disasm-label', 'data-row': i },
            h('span', { role: 'cell', class: 'disasm-addr' }),
            h('span', { role: 'cell', class: 'disasm-pos' }),
            h('span', { role: 'cell' }, h('span', { class: 'disasm-label-name' }, `${name}:`), ' ', h('small', {}, `address ${row.address}`)),
          ),
        );
      }
      const text =
        row.target !== null && row.target !== undefined
          ? h('button', { type: 'button', class: 'link disasm-target', 'data-target': row.target, title: `Go to address ${row.target}` }, row.text)
          : row.text;
      const tr = h(
        'div',
        { role: 'row', class: `disasm-row disasm-kind-${row.kind}`, 'data-row': i, 'data-address': row.address },
        h('span', { role: 'cell', class: 'disasm-addr' }, String(row.address)),
        h('span', { role: 'cell', class: 'disasm-pos' }, this.where(row)),
        h('span', { role: 'cell', class: 'disasm-text' }, text, row.block ? h('small', { class: 'disasm-block' }, ` ; block: ${row.block} instructions run as one`) : null),
      );
      trs.push(tr);
      this.rowEls[i] = tr;
    });
    this.rows.push(...d.rows);
    this.tbody.append(...trs);
    const left = d.total - this.rows.length;
    if (left > 0) {
      fill(
        this.more,
        `… ${counted(left, 'more row')} (${count(d.total)} in all). `,
        h('button', { type: 'button', class: 'link', 'data-more': '1' }, `Show ${count(Math.min(left, PAGE_ROWS))} more`),
      );
    } else fill(this.more);
  }

  /** Fetches and draws the next page of rows; `scroll`: to the paused row, if there. */
  async showMore(scroll = false) {
    const shown = this.shown;
    const runner = this.runner();
    if (!shown || !runner) return;
    const d = await runner.disasm(shown.doc.toString(), this.rows.length, PAGE_ROWS);
    if (shown !== this.shown) return;
    if (d && d.ok) this.append(d);
    this.markPaused({ scroll });
  }

  /**
   * The paused instruction is past the rows drawn: draws the next page in a task of its
   * own (and so on, each page a task) up to SEEK_ROWS rows; beyond, says so.
   */
  seekPaused() {
    const at = this.pausedHere();
    const last = this.rows[this.rows.length - 1];
    if (!at || !last || !last.span || last.span.from >= at.from || this.rows.length >= this.info.total) return;
    if (this.rows.length >= SEEK_ROWS) {
      this.more.prepend('The paused instruction is further down. ');
      return;
    }
    const pausedAt = this.pausedAt;
    clearTimeout(this.seekTimer);
    this.seekTimer = setTimeout(() => {
      if (this.pausedAt === pausedAt && this.shown && this.open()) this.showMore(true);
    });
  }

  /** Marks the paused instruction's row (`aria-current`) and scrolls the panel to it. */
  markPaused({ scroll }) {
    for (const el of this.ui.body.querySelectorAll('.disasm-paused')) {
      el.classList.remove('disasm-paused');
      el.removeAttribute('aria-current');
    }
    const i = rowOfPosition(this.rows, this.pausedHere());
    if (i < 0) return this.seekPaused();
    this.rowEls[i].classList.add('disasm-paused');
    this.rowEls[i].setAttribute('aria-current', 'step');
    if (scroll) this.reveal(i);
  }

  /** Scrolls the panel (not the page) so that row `i` is in view. */
  reveal(i) {
    const el = this.rowEls[i];
    const box = this.ui.body;
    if (!el) return;
    const top = el.offsetTop - box.offsetTop;
    if (top < box.scrollTop + 24 || top + el.offsetHeight > box.scrollTop + box.clientHeight) {
      box.scrollTop = Math.max(0, top - box.clientHeight / 3);
    }
  }

  // ---- linking rows and tokens -----------------------------------------------------------

  /** Marks row `i` (or none with -1); with `editor`, marks its token in the editor too. */
  link(i, { editor = false, scroll = false } = {}) {
    if (this.linked >= 0 && this.rowEls[this.linked]) this.rowEls[this.linked].classList.remove('disasm-linked');
    this.linked = i;
    const row = this.rows[i];
    if (i >= 0 && this.rowEls[i]) {
      this.rowEls[i].classList.add('disasm-linked');
      if (scroll) this.reveal(i);
    }
    if (editor) {
      const range = row && row.span && this.shown ? this.shown.range(row.span) : null;
      this.editor.view.dispatch({ effects: setLinked.of(range) });
    }
  }

  hoverRow(e) {
    const tr = e.target.closest && e.target.closest('[data-row]');
    if (tr) this.link(Number(tr.dataset.row), { editor: true });
  }

  /** A position of the editor's text hovered (or the cursor's, or null): its row is marked. */
  hoverEditor(pos, { scroll = false } = {}) {
    if (!this.open() || !this.shown) return;
    if (pos === null || pos === undefined) return this.link(-1);
    const here = this.shown.changes.invertedDesc.mapPos(pos, -1);
    this.link(rowAtOffset(this.rows, here), { scroll });
  }

  click(e) {
    const t = e.target;
    if (t.dataset && t.dataset.more) return this.showMore();
    if (t.dataset && t.dataset.target !== undefined) {
      const i = rowOfAddress(this.rows, Number(t.dataset.target));
      if (i < 0) return;
      for (const el of this.ui.body.querySelectorAll('.disasm-jumped')) el.classList.remove('disasm-jumped');
      this.rowEls[i].classList.add('disasm-jumped');
      this.link(i, { editor: true, scroll: true });
      return;
    }
    const tr = t.closest && t.closest('.disasm-row');
    const row = tr && this.rows[Number(tr.dataset.row)];
    if (row && row.span) this.go(row.span, this.shown);
  }
}
