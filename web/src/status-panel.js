// The Status panel: what the run is doing (its `data-state` is the run state, see
// run-state.js `shownState`), with steps and time, and a note when the program was
// edited since the run it describes (also under a notice of the page, "Example hello
// loaded": then it says which run the panels below show). A view of the run's Status
// (`state.status`, run-results.js): `render(state)`.

import { h, fill } from './dom.js';
import { State } from './protocol.js';
import { statusNote } from './run-notes.js';

export class StatusPanel {
  /**
   * `edited()`: has the program been edited since the run the Status describes?
   * `runNote()`: which run the result panels show, when it is not the editor's program
   * (run-notes.js), or ''; `errorsOfRun()`: the Errors panel shows that run's errors;
   * `otherProgram()`: that run is of another program than the editor's.
   * `where(span, options)`: a live position of the run ("line 3").
   */
  constructor(el, { edited, runNote = () => '', errorsOfRun = () => false, otherProgram = () => false, where = () => '' }) {
    this.el = el;
    this.edited = edited;
    this.runNote = runNote;
    this.errorsOfRun = errorsOfRun;
    this.otherProgram = otherProgram;
    this.where = where;
    this.shown = null;
    this.drawn = null;
    this.stale = h('span', { class: 'stale' });
  }

  /** Draws `state.status`: `{ shown, label, detail }`, the detail's positions (`{ where, column }`) live. */
  render({ status }) {
    if (status === this.drawn) return;
    this.drawn = status;
    const detail = Array.isArray(status.detail) ? status.detail.map((d) => (d && d.where ? this.where(d.where, { column: d.column }) : d)) : status.detail;
    this.show(status.shown, status.label, detail);
  }

  /** Shows the state `shown` (a `data-state`) with a label and a detail (text or nodes). */
  show(shown, label, detail = '') {
    this.shown = shown;
    this.el.dataset.state = this.shown;
    fill(this.el, h('span', { class: 'state' }, label), detail ? h('span', { class: 'detail', 'aria-live': 'off' }, detail) : null);
    this.refresh();
  }

  /** Adds or removes the note that the program was edited since the run. */
  refresh() {
    const edited = this.edited() && this.shown && this.shown !== State.LOADING;
    const text = edited ? statusNote(this.runNote(), { idle: this.shown === State.IDLE, errors: this.errorsOfRun(), other: this.otherProgram() }) : '';
    if (!text) return this.stale.remove();
    if (this.stale.textContent !== text) this.stale.textContent = text;
    this.el.append(this.stale);
  }
}
