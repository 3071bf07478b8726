// The Errors panel: compile errors with their positions, the arguments' errors, and a
// runtime error with its position, stack trace and data stack; also the lexical errors
// Format found. Every position is a button that selects its token in the editor. A view
// of the run's errors (`state.errors`, run-results.js): `render(state)`.

import { h, fill, count, counted } from './dom.js';

/**
 * `placesOf(track)`: the places of a text (its Tracker, positions.js: a run's, or the
 * text Format read): { link(span, ...text): a button that selects `span` in the editor,
 * where(span): a live text node naming its line and column }. `onArgs(d)`: selects the
 * place of an argument's error `d` in the Arguments field.
 */
export class ErrorsPanel {
  constructor(el, { placesOf, onArgs = () => {} }) {
    this.el = el;
    this.placesOf = placesOf;
    this.onArgs = onArgs;
    this.places = null;
    this.shown = null;
  }

  /** Draws `state.errors`: none, a compile (or Format's) error list, the arguments' errors or a runtime error. */
  render({ errors }) {
    if (errors === this.shown) return;
    this.shown = errors;
    if (!errors) return this.clear();
    this.places = this.placesOf(errors.track);
    if (errors.kind === 'runtime') this.runtime(errors.error, errors.stackLen);
    else if (errors.kind === 'args') this.args(errors.diagnostics, this.onArgs);
    else this.compile(errors.diagnostics);
  }

  clear() {
    fill(this.el);
  }

  /** The program did not compile: each diagnostic with its notes. */
  compile(diagnostics) {
    const { link, where } = this.places;
    fill(
      this.el,
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

  /** The arguments could not be read; `onColumn(d)` selects the place in the field. */
  args(diagnostics, onColumn) {
    fill(
      this.el,
      h('p', { class: 'err-head' }, 'The arguments could not be read'),
      h(
        'ul',
        { class: 'diags' },
        diagnostics.map((d) =>
          h(
            'li',
            {},
            h('button', { type: 'button', class: 'link', onclick: () => onColumn(d) }, `arguments, column ${d.column}`),
            ': ',
            h('span', { class: 'err-msg' }, d.message),
          ),
        ),
      ),
    );
  }

  /** A runtime error `e` (vm-wasm's JsRuntimeError); `stackLen`: the data stack's depth. */
  runtime(e, stackLen) {
    const { link, where } = this.places;
    const depth = stackLen ?? e.stackLen;
    const folded = e.trace.length !== e.traceDepth;
    fill(
      this.el,
      h('p', { class: 'err-head' }, h('span', { class: 'err-msg' }, e.headline)),
      h('p', {}, 'at ', link(e.span, where(e.span))),
      h('p', { class: 'sub' }, `stack trace, innermost first${folded ? ` (${counted(e.traceDepth, 'call')})` : ''}:`),
      h('ol', { class: 'trace' }, traceItems(e.trace, this.places)),
      depth === 0
        ? h('p', { class: 'sub' }, 'the data stack is empty')
        : h(
            'p',
            { class: 'sub' },
            `data stack (${counted(depth, 'value')}, top last): `,
            h('code', {}, `${depth > e.stackShown.length ? '… ' : ''}${e.stackShown.join(' ')}`),
          ),
      h('details', {}, h('summary', {}, 'as the command line shows it'), h('pre', { class: 'rendered' }, e.rendered)),
    );
  }
}

/**
 * The entries of a folded trace (each with `repeat` and `leftOut`, see vm-wasm's
 * JsFrame), innermost first, numbered by their place among all the calls (1 = the
 * innermost), with a line for each run of identical calls and for the calls left out.
 */
export function traceItems(trace, { link, where }) {
  const items = [];
  const fold = (text) => h('li', { class: 'fold' }, h('span', { class: 'n' }), text);
  let n = 1;
  for (const f of trace) {
    if (f.leftOut) {
      items.push(fold(`… ${counted(f.leftOut, 'frame')} left out`));
      n += f.leftOut;
    }
    items.push(h('li', {}, h('span', { class: 'n' }, count(n)), link(f.call, 'in ', f.name, ' (called at ', where(f.call), ')')));
    if (f.repeat > 1) items.push(fold(`… ${count(f.repeat - 1)} more identical frame${f.repeat === 2 ? '' : 's'}`));
    n += f.repeat;
  }
  items.push(h('li', {}, h('span', { class: 'n' }, count(n)), 'in the main program'));
  return items;
}
