// The Stack panel: the values of the data stack, top last. A value can be a 16 MiB
// string: the runner sends at most 200 characters of each value with its whole size, and
// the panel offers the rest only on request. Copy puts the whole value on the clipboard
// without drawing it; Expand shows a longer piece of it (drawing megabytes of text would
// block the page for seconds).

import { h, fill, count } from './dom.js';

/** The most characters of a value that Expand shows. */
export const EXPAND_CHARS = 20_000;

/** "… 16,777,216 bytes in all" for a value that was cut short, else ''. */
export const sizeNote = (v) => (v.cut ? `… ${count(v.bytes)} bytes in all` : '');

/**
 * Shows `stack` (the top values of a data stack `total` deep, bottom first) in `list`,
 * and the count in `countEl`. `fetchValue({ index, chars })` asks the runner for the
 * whole value at `index` (from the bottom), or with `chars` for that much of it; it
 * resolves to `{ text }`, `{ view }` or `{ error }`. Without it, no buttons.
 */
export function renderStack(list, countEl, stack, total, fetchValue = null) {
  const items = [];
  if (total === 0) items.push(h('li', { class: 'more' }, 'empty'));
  if (total > stack.length) items.push(h('li', { class: 'more' }, `… ${count(total - stack.length)} more below`));
  const first = (total ?? stack.length) - stack.length;
  stack.forEach((v, i) => items.push(valueItem(v, first + i, i === stack.length - 1, fetchValue)));
  fill(list, items);
  countEl.textContent = total ? `${count(total)} value${total === 1 ? '' : 's'}, top last` : '';
}

/** Says `text` in place of the stack (a run going on, or one that left none to show); `peek` as `renderPeek`'s. */
export function renderStackNote(list, countEl, text, peek = null) {
  fill(list, h('li', { class: 'more' }, text));
  countEl.textContent = '';
  if (peek) fill(peek, h('span', { class: 'peek-depth' }, 'Stack: not known while the program runs'));
}

/**
 * The Stack panel as a view of the run's stack (`state.stack`, run-results.js): its
 * values, or a note in their place. `els`: { list, count, peek (the phone's, or none) };
 * `runner()`: the runner (runner.js), which gives the whole of a value, or null.
 */
export class StackPanel {
  constructor({ list, count: countEl, peek = null }, { runner = () => null } = {}) {
    Object.assign(this, { list, countEl, peek, runner });
    this.shown = null;
  }

  render({ stack }) {
    if (stack === this.shown) return;
    this.shown = stack;
    if (!stack) return;
    if ('note' in stack) return renderStackNote(this.list, this.countEl, stack.note, this.peek);
    const runner = this.runner();
    const { id, steps } = stack.from;
    const fetchValue = runner ? (q) => runner.value({ id, steps, ...q }) : null;
    renderStack(this.list, this.countEl, stack.values, stack.total, fetchValue);
    if (this.peek) renderPeek(this.peek, stack.values, stack.total);
  }
}

/** The values the peek shows at most (fewer when they do not fit). */
export const PEEK_VALUES = 8;

/**
 * The peek of the stack, for a phone's bar of debugger buttons (style.css): its depth and
 * its top values, top on the right, each cut by the style to a few characters (its title
 * has the 200 characters the panel has).
 */
export function renderPeek(peek, stack, total = stack.length) {
  const top = stack.slice(-PEEK_VALUES);
  const depth = total ? `Stack, ${count(total)} value${total === 1 ? '' : 's'}:` : 'Stack: empty';
  const values = top.map((v, i) => h('code', { class: `val val-${v.type}${i === top.length - 1 ? ' top' : ''}`, title: v.literal }, v.literal));
  fill(peek, h('span', { class: 'peek-depth' }, depth), total ? h('span', { class: 'peek-values' }, values) : null);
}

function valueItem(v, index, top, fetchValue) {
  const code = h('code', { class: `val val-${v.type}` }, v.literal);
  const body = h('div', { class: 'val-body' }, code);
  if (v.cut) {
    const note = h('span', { class: 'val-size' }, sizeNote(v));
    const msg = h('span', { class: 'val-msg', role: 'status' });
    body.append(note);
    if (fetchValue) {
      const copy = h('button', { type: 'button', class: 'val-copy', title: `Copy the whole value (${count(v.bytes)} bytes) to the clipboard` }, 'Copy');
      const expand = h('button', { type: 'button', class: 'val-expand', title: `Show its first ${count(EXPAND_CHARS)} characters` }, 'Expand');
      copy.addEventListener('click', () => copyValue(v, index, fetchValue, copy, msg));
      expand.addEventListener('click', () => expandValue(v, index, fetchValue, { code, note, expand, msg }));
      body.append(h('span', { class: 'val-actions' }, copy, expand));
    }
    body.append(msg);
  }
  return h('li', { class: top ? 'top' : null }, body, h('span', { class: 'type' }, v.type));
}

async function copyValue(v, index, fetchValue, button, msg) {
  button.disabled = true;
  msg.textContent = 'Copying…';
  const r = await fetchValue({ index });
  try {
    if (r.error) throw new Error(r.error);
    await navigator.clipboard.writeText(r.text);
    msg.textContent = `Copied ${count(v.bytes)} bytes.`;
  } catch (e) {
    msg.textContent = `Could not copy: ${e.message}`;
  }
  button.disabled = false;
}

async function expandValue(v, index, fetchValue, { code, note, expand, msg }) {
  expand.disabled = true;
  const r = await fetchValue({ index, chars: EXPAND_CHARS });
  if (r.error || !r.view) {
    msg.textContent = r.error || 'The value is gone.';
    expand.disabled = false;
    return;
  }
  code.textContent = r.view.literal;
  code.classList.add('val-expanded');
  note.textContent = r.view.cut ? `… the first ${count(EXPAND_CHARS)} characters of ${count(v.bytes)} bytes; Copy takes all of it` : '';
  expand.remove();
}
