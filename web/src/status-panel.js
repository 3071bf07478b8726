// The Status panel: what the run is doing (its `data-state` is the run state, see
// run-state.js `shownState`), with steps and time, and a note when the program was
// edited since the run it describes.

import { h, fill } from './dom.js';
import { State } from './protocol.js';
import { shownState } from './run-state.js';

export class StatusPanel {
  /** `edited()`: has the program been edited since the run the Status describes? */
  constructor(el, { edited }) {
    this.el = el;
    this.edited = edited;
    this.shown = null;
    this.stale = h('span', { class: 'stale' }, 'the program was edited since this run: positions follow the edits');
  }

  /** Shows `state` (the run state) with a label and a detail (text or nodes). */
  show(state, label, detail = '') {
    this.shown = shownState(state);
    this.el.dataset.state = this.shown;
    fill(this.el, h('span', { class: 'state' }, label), detail ? h('span', { class: 'detail', 'aria-live': 'off' }, detail) : null);
    this.refresh();
  }

  /** Adds or removes the note that the program was edited since the run. */
  refresh() {
    if (this.edited() && this.shown && this.shown !== State.IDLE && this.shown !== State.LOADING) this.el.append(this.stale);
    else this.stale.remove();
  }
}
