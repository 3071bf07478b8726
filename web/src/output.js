// The Output panel: streams text in as it arrives (at most one DOM update per frame),
// keeps the view pinned to the bottom while the reader is there, and shows notes and
// echoed input apart from the program's own output. Everything is inserted as text.

import { h } from './dom.js';

export class OutputPanel {
  constructor(pre) {
    this.pre = pre;
    this.pending = '';
    this.frame = 0;
    this.chars = 0;
  }

  clear() {
    this.pending = '';
    this.chars = 0;
    cancelAnimationFrame(this.frame);
    this.frame = 0;
    this.pre.replaceChildren();
  }

  /** Appends program output; shown at the next frame. */
  append(text) {
    if (!text) return;
    this.pending += text;
    if (!this.frame) this.frame = requestAnimationFrame(() => this.flush());
  }

  /** Shows everything pending now. */
  flush() {
    cancelAnimationFrame(this.frame);
    this.frame = 0;
    if (!this.pending) return;
    const text = this.pending;
    this.pending = '';
    this.chars += text.length;
    this.write(document.createTextNode(text));
  }

  /** A line the person typed for `read`, shown as a terminal would echo it. */
  echo(line) {
    this.flush();
    this.write(h('span', { class: 'echo' }, line + '\n'));
  }

  /** A note of the page (not program output), on a line of its own. */
  note(text) {
    this.flush();
    const last = this.pre.lastChild && this.pre.lastChild.textContent;
    const sep = last && !last.endsWith('\n') ? '\n' : '';
    this.write(h('span', { class: 'note' }, `${sep}${text}\n`));
  }

  /**
   * Removes the last `n` UTF-16 units of program output (stepping back over a print).
   * Echoed input and notes stay: only the program's own text goes.
   */
  removeLast(n) {
    this.flush();
    let node = this.pre.lastChild;
    while (n > 0 && node) {
      const prev = node.previousSibling;
      if (node.nodeType === Node.TEXT_NODE) {
        const len = node.data.length;
        if (len <= n) {
          node.remove();
          n -= len;
          this.chars -= len;
        } else {
          node.deleteData(len - n, n);
          this.chars -= n;
          n = 0;
        }
      }
      node = prev;
    }
  }

  /** Removes the page's notes at the end of the output (a run that goes on again). */
  dropNotes() {
    this.flush();
    while (this.pre.lastChild && this.pre.lastChild.nodeType === Node.ELEMENT_NODE && this.pre.lastChild.classList.contains('note')) {
      this.pre.lastChild.remove();
    }
  }

  write(node) {
    const p = this.pre;
    const atBottom = p.scrollHeight - p.scrollTop - p.clientHeight < 24;
    p.append(node);
    if (atBottom) p.scrollTop = p.scrollHeight;
  }
}
