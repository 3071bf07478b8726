// The Compiled panel: the program as the machine sees it, what `svm --disasm` prints
// (vm-wasm's `disasm`, from the core): addresses (the token indexes that `jmp` and `call`
// use), labels with their addresses, instructions and their source positions. Hovering a
// row marks its token in the editor and hovering a token (or moving the cursor onto it)
// marks its row; while paused, the next instruction's row is marked; a jump target goes
// to its row. Rows are fetched and drawn a page at a time, with the full size said.

import { StateEffect, StateField } from '@codemirror/state';
import { EditorView, Decoration } from '@codemirror/view';
import { Tracker } from './positions.js';
import { h, fill, count, counted, setPanelOpen } from './dom.js';

/** Rows fetched and drawn at a time (a large program crosses in pieces). */
export const PAGE_ROWS = 500;
/** Rows drawn at most to reach a paused instruction further down (a page per task). */
export const SEEK_ROWS = 10_000;
/** The largest program compiled for the panel (characters), as for the diagnostics. */
export const MAX_CHARS = 512 * 1024;

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
   * `disasm(source, first, count)`: vm-wasm's, or null before the module is there;
   * `go(span, track)`: selects a span of a run in the editor.
   */
  constructor(ui, { editor, disasm, go }) {
    Object.assign(this, { ui, editor, disasm, go });
    /** The run (or the text) shown: its Tracker; its rows so far and their size. */
    this.track = null;
    this.own = false; // the track is the panel's (the editor's text, no run yet), not a run's
    this.shown = null; // the track the rows were made for
    this.rows = [];
    this.info = null;
    this.rowEls = [];
    this.pausedAt = null; // the position of a pause
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

  setOpen(open) {
    setPanelOpen(this.ui, open);
    if (!open) return this.link(-1, { editor: true });
    // The panel's own text (no run yet) edited since: the text as it is now.
    if (this.own && this.track.edited) this.track = null;
    if (this.shown !== this.track || !this.track) this.render();
    this.ui.panel.scrollIntoView({ block: 'nearest' });
  }

  /** A run started with the text of `track` (positions.js Tracker): its program is shown. */
  show(track) {
    this.track = track;
    this.own = false;
    this.pausedAt = null;
    if (this.open()) this.render();
  }

  /** A pause at `position` (a span of the run), or null: the run is not paused. */
  paused(position) {
    this.pausedAt = position || null;
    if (this.open() && this.shown === this.track) this.markPaused({ scroll: true });
  }

  // ---- drawing -----------------------------------------------------------------------

  /** Compiles the text shown (the last run's, else the editor's) and draws its first rows. */
  render() {
    if (!this.track) {
      this.track = new Tracker(this.editor.view.state.doc);
      this.own = true;
    }
    if (this.shown) this.link(-1, { editor: true });
    this.shown = this.track;
    this.rows = [];
    this.rowEls = [];
    this.linked = -1;
    const { body, sum } = this.ui;
    const source = this.track.doc.toString();
    if (source.length > MAX_CHARS) {
      sum.textContent = '';
      return fill(body, h('p', { class: 'help' }, `The program has ${count(source.length)} characters: too large to show here (svm --disasm shows it).`));
    }
    const d = this.disasm && this.disasm(source, 0, PAGE_ROWS);
    if (!d) {
      // The module is not there yet: drawn again when the panel is next opened.
      this.shown = null;
      return fill(body, h('p', { class: 'help' }, 'Loading…'));
    }
    if (!d.ok) {
      sum.textContent = '';
      return fill(body, h('p', { class: 'help' }, `The program does not compile (${counted(d.diagnostics.length, 'error')}): see the editor's marks.`));
    }
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
        h('span', { role: 'cell', class: 'disasm-pos' }, place(row)),
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
  showMore(scroll = false) {
    const d = this.disasm(this.track.doc.toString(), this.rows.length, PAGE_ROWS);
    if (d && d.ok) this.append(d);
    this.markPaused({ scroll });
  }

  /**
   * The paused instruction is past the rows drawn: draws the next page in a task of its
   * own (and so on, each page a task) up to SEEK_ROWS rows; beyond, says so.
   */
  seekPaused() {
    const at = this.pausedAt;
    const last = this.rows[this.rows.length - 1];
    if (!at || !last || !last.span || last.span.from >= at.from || this.rows.length >= this.info.total) return;
    if (this.rows.length >= SEEK_ROWS) {
      this.more.prepend('The paused instruction is further down. ');
      return;
    }
    clearTimeout(this.seekTimer);
    this.seekTimer = setTimeout(() => {
      if (this.pausedAt === at && this.shown === this.track && this.open()) this.showMore(true);
    });
  }

  /** Marks the paused instruction's row (`aria-current`) and scrolls the panel to it. */
  markPaused({ scroll }) {
    for (const el of this.ui.body.querySelectorAll('.disasm-paused')) {
      el.classList.remove('disasm-paused');
      el.removeAttribute('aria-current');
    }
    const i = rowOfPosition(this.rows, this.pausedAt);
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
      const range = row && row.span ? this.shown.range(row.span) : null;
      this.editor.view.dispatch({ effects: setLinked.of(range) });
    }
  }

  hoverRow(e) {
    const tr = e.target.closest && e.target.closest('[data-row]');
    if (tr) this.link(Number(tr.dataset.row), { editor: true });
  }

  /** A position of the editor's text hovered (or the cursor's, or null): its row is marked. */
  hoverEditor(pos, { scroll = false } = {}) {
    if (!this.open() || this.shown !== this.track || !this.shown) return;
    if (pos === null || pos === undefined) return this.link(-1);
    const runPos = this.shown.changes.invertedDesc.mapPos(pos, -1);
    this.link(rowAtOffset(this.rows, runPos), { scroll });
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
