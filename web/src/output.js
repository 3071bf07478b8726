// The Output panel: streams text in as it arrives (at most one DOM update per frame),
// keeps the view pinned to the bottom while the reader is there, and shows notes and
// echoed input apart from the program's own output. Everything is inserted as text.

import { h, count } from './dom.js';

/**
 * The most program output the panel keeps in the page (UTF-16 units): laying out a
 * megabyte of text blocks the main thread for 300 ms and more, so earlier output is
 * dropped from the view, and a note at the top says how much.
 */
export const SHOWN_MAX = 128 * 1024;

export class OutputPanel {
  constructor(pre) {
    this.pre = pre;
    this.pending = '';
    this.frame = 0;
    this.chars = 0;
    this.dropped = 0;
    this.head = null;
  }

  clear() {
    this.pending = '';
    this.chars = 0;
    this.dropped = 0;
    this.head = null;
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
    let text = this.pending;
    this.pending = '';
    if (text.length > SHOWN_MAX) {
      this.drop(text.length - SHOWN_MAX);
      text = text.slice(-SHOWN_MAX);
    }
    this.chars += text.length;
    this.write(document.createTextNode(text));
    if (this.chars > SHOWN_MAX) this.trim(this.chars - SHOWN_MAX);
  }

  /** Takes `n` UTF-16 units of program output off the start of the view. */
  trim(n) {
    let node = this.head ? this.head.nextSibling : this.pre.firstChild;
    while (n > 0 && node) {
      const next = node.nextSibling;
      if (node.nodeType === Node.TEXT_NODE) {
        const cut = Math.min(n, node.data.length);
        if (cut === node.data.length) node.remove();
        else node.deleteData(0, cut);
        this.chars -= cut;
        this.drop(cut);
        n -= cut;
      }
      node = next;
    }
  }

  /** Counts output left out of the view, and says so at the top. */
  drop(n) {
    this.dropped += n;
    if (!this.head) {
      this.head = h('span', { class: 'note' });
      this.pre.prepend(this.head);
    }
    this.head.textContent = `[${count(this.dropped)} characters of earlier output are not shown]\n`;
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
