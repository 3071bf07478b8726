// The Call stack panel: where a paused run is, and its active calls, innermost first,
// folded as traces are. Each entry is a button that selects the call in the editor. A view
// of the paused position (`state.paused`, run-results.js): empty when the run is not paused.

import { h, fill, count, counted } from './dom.js';

/** `places`: { go(span): select it in the editor, where(span): a live "line 3, column 7" }. */
export class CallStackPanel {
  constructor(el, places) {
    this.el = el;
    this.places = places;
    this.shown = null;
  }

  render({ paused }) {
    if (paused === this.shown) return;
    this.shown = paused;
    this.show(paused);
  }

  clear() {
    fill(this.el);
  }

  /** The state of a pause (`position`, `call_stack`), or null to empty the panel. */
  show(m) {
    if (!m) return this.clear();
    const { go, where } = this.places;
    const items = [];
    if (m.position) {
      items.push(
        h(
          'li',
          { class: 'cs-here' },
          h('button', { type: 'button', class: 'link', onclick: () => go(m.position) }, ['next: ', where(m.position)]),
          ' ',
          h('span', { class: 'sub' }, m.call_stack.length ? `in ${m.call_stack[0].name}` : 'in the main program'),
        ),
      );
    }
    for (const f of m.call_stack) {
      if (f.leftOut) items.push(h('li', { class: 'cs-fold' }, `… ${counted(f.leftOut, 'call')} left out`));
      items.push(
        h(
          'li',
          { class: 'cs-frame' },
          h(
            'button',
            { type: 'button', class: 'link', onclick: () => go(f.call), title: 'Show the call' },
            h('code', { class: 'cs-name' }, f.name),
            ' called at ',
            where(f.call),
          ),
        ),
      );
      if (f.repeat > 1) items.push(h('li', { class: 'cs-fold' }, `… ${count(f.repeat - 1)} more identical call${f.repeat === 2 ? '' : 's'}`));
    }
    items.push(h('li', { class: 'cs-main' }, 'main program'));
    fill(this.el, items);
  }
}
