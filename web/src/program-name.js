// The name of the program the editor shows, beside the editor: a program of My programs
// ("Square · saved in this browser"), a draft ("Example hello · not saved") or a lesson
// of the tour. A click opens My programs.

import { h, fill } from './dom.js';

export class ProgramName {
  /** `el`: the element above the editor; `saved` (saved-program.js); `openList()`: opens My programs. */
  constructor(el, { saved, openList }) {
    Object.assign(this, { el, saved, openList });
    saved.listen(() => this.draw());
    this.draw();
  }

  draw() {
    const t = this.saved.title();
    const note = t.away ? 'your program is kept as it was' : t.saved ? 'saved in this browser' : 'not saved in My programs';
    fill(
      this.el,
      h('span', { class: 'visually-hidden' }, 'Program: '),
      h('button', { type: 'button', class: 'link program-title', title: 'My programs: the programs kept in this browser', onclick: () => this.openList() }, t.name),
      ' ',
      h('small', { class: 'program-note' }, note),
    );
    this.el.dataset.saved = String(t.saved);
  }
}
