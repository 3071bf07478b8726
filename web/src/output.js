// The Output panel: a view of the run's output (run-results.js: a list of changes,
// `render(state)` applies those it has not applied yet). Streams text in as it arrives (at
// most one DOM update per frame), keeps the view pinned to the bottom while the reader is
// there, and shows notes and echoed input apart from the program's own output. Everything
// is inserted as text.

import { h, count } from './dom.js';
import { outputSince } from './run-results.js';

/**
 * The most program output the panel keeps in the page (UTF-16 units): laying out a
 * megabyte of text blocks the main thread for 300 ms and more, so earlier output is
 * dropped from the view, and a note at the top says how much.
 */
export const SHOWN_MAX = 128 * 1024;

/**
 * Output is laid out in blocks of about this many UTF-16 units (`span.chunk`, shown as
 * blocks), each ending at a line end, so that new output lays out its own block only.
 * In one text node, each append laid out the whole panel again: 70 to 300 ms a frame
 * once it held 128 KiB of short lines (headless Chromium, a loaded 2-core machine),
 * against under 0.5 ms in blocks. A block boundary is always a line end, so the text,
 * its copy and its layout are the same. Full blocks off screen are not laid out at all
 * (`content-visibility: auto`): 128 KiB shown at once took 70 to 87 ms to lay out in
 * blocks that all were, 1 ms so.
 */
export const CHUNK = 4 * 1024;

/** A line cut into at the top of the view is taken off whole up to this length. */
const LINE_MAX = 1024;

export class OutputPanel {
  constructor(pre) {
    this.pre = pre;
    this.pending = '';
    this.frame = 0;
    this.chars = 0;
    this.dropped = 0;
    this.head = null;
    /** The blocks, first to last: { el, size (UTF-16 units shown in it), lines, endsLine }. */
    this.chunks = [];
    /** The output drawn: its run (`epoch`) and the number of its last change applied. */
    this.epoch = 0;
    this.seq = 0;
  }

  /** Draws the run's output (`state.output`): the changes made since the last drawing; a new run's from an empty panel. */
  render({ output }) {
    if (output.epoch !== this.epoch) {
      this.clear();
      this.epoch = output.epoch;
      this.seq = 0;
    }
    if (output.seq === this.seq) return;
    const ops = outputSince(output, this.seq);
    this.seq = output.seq;
    for (const op of ops) this.apply(op);
  }

  /** Applies one change of the output (run-results.js). */
  apply(op) {
    switch (op.type) {
      case 'append':
        this.append(op.text);
        if (op.flush) this.flush();
        return;
      case 'echo':
        return this.echo(op.line);
      case 'note':
        return this.note(op.text);
      case 'remove':
        return this.removeLast(op.units);
      case 'dropNotes':
        return this.dropNotes();
      default:
        throw new Error(`unknown change of the output: ${op.type}`);
    }
  }

  clear() {
    this.pending = '';
    this.chars = 0;
    this.dropped = 0;
    this.head = null;
    this.chunks = [];
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
      // The last SHOWN_MAX units, from the start of a line (up to LINE_MAX more left out).
      let from = text.length - SHOWN_MAX;
      const nl = text[from - 1] === '\n' ? -1 : text.indexOf('\n', from);
      if (nl >= 0 && nl - from < LINE_MAX) from = nl + 1;
      this.drop(from);
      text = text.slice(from);
    }
    this.chars += text.length;
    this.pinned(() => this.addText(text));
    if (this.chars > SHOWN_MAX) this.trim(this.chars - SHOWN_MAX);
  }

  /** The block new output goes into: the last one, or a new one once it is full at a line end. */
  open() {
    const last = this.chunks[this.chunks.length - 1];
    if (last && !(last.size >= CHUNK && last.endsLine)) return last;
    // A full block, off screen, is not laid out (`.chunk.full`: `content-visibility:
    // auto` in style.css) until it is scrolled to; its height is taken as its line count
    // until then. The last block is always laid out: with a short output, the panel is
    // drawn whole wherever it is (also in a screenshot of the whole page).
    if (last) {
      last.el.style.containIntrinsicBlockSize = `auto ${last.lines}lh`;
      last.el.classList.add('full');
    }
    const chunk = { el: h('span', { class: 'chunk' }), size: 0, lines: 0, endsLine: true };
    this.pre.append(chunk.el);
    this.chunks.push(chunk);
    return chunk;
  }

  /** Adds program text to the blocks, starting a new block at a line end when one is full. */
  addText(text) {
    while (text) {
      const chunk = this.open();
      // Up to the first line end at or after the block's room (all of it without one).
      const nl = text.indexOf('\n', Math.max(CHUNK - chunk.size, 1) - 1);
      const cut = nl < 0 ? text.length : nl + 1;
      const part = text.slice(0, cut);
      const last = chunk.el.lastChild;
      if (last && last.nodeType === Node.TEXT_NODE) last.appendData(part);
      else chunk.el.append(document.createTextNode(part));
      chunk.size += part.length;
      chunk.lines += lineEnds(part);
      chunk.endsLine = part.endsWith('\n');
      text = text.slice(cut);
    }
  }

  /**
   * Takes `n` UTF-16 units of program output off the start of the view, and then the rest
   * of a line it cut into (up to LINE_MAX), so that the view starts at a line's start.
   */
  trim(n) {
    let cutLine = false;
    while (n > 0 && this.chunks.length) {
      const chunk = this.chunks[0];
      let node = chunk.el.firstChild;
      while (n > 0 && node) {
        const next = node.nextSibling;
        if (node.nodeType === Node.TEXT_NODE) {
          const cut = Math.min(n, node.data.length);
          cutLine = node.data[cut - 1] !== '\n';
          if (cut === node.data.length) node.remove();
          else node.deleteData(0, cut);
          chunk.size -= cut;
          this.chars -= cut;
          this.drop(cut);
          n -= cut;
        }
        node = next;
      }
      // A block left without program text goes, with the echoes and notes in it.
      if (hasText(chunk.el)) break;
      chunk.el.remove();
      this.chunks.shift();
    }
    const first = cutLine ? this.textNodes().next().value : null;
    const end = first ? first.data.indexOf('\n') : -1;
    if (end >= 0 && end < LINE_MAX) this.trim(end + 1);
  }

  /** The text nodes of the program's output in the view, first to last. */
  *textNodes() {
    for (const chunk of this.chunks) {
      for (let n = chunk.el.firstChild; n; n = n.nextSibling) if (n.nodeType === Node.TEXT_NODE) yield n;
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
    const last = this.chunks[this.chunks.length - 1];
    const sep = last && last.size && !last.endsLine ? '\n' : '';
    this.write(h('span', { class: 'note' }, `${sep}${text}\n`));
  }

  /**
   * Removes the last `n` UTF-16 units of program output (stepping back over a print).
   * Echoed input and notes stay: only the program's own text goes.
   */
  removeLast(n) {
    this.flush();
    for (let i = this.chunks.length - 1; i >= 0 && n > 0; i--) {
      const chunk = this.chunks[i];
      let node = chunk.el.lastChild;
      while (n > 0 && node) {
        const prev = node.previousSibling;
        if (node.nodeType === Node.TEXT_NODE) {
          const cut = Math.min(n, node.data.length);
          if (cut === node.data.length) node.remove();
          else node.deleteData(node.data.length - cut, cut);
          chunk.size -= cut;
          this.chars -= cut;
          n -= cut;
        }
        node = prev;
      }
    }
    this.tidy();
  }

  /** Removes the page's notes at the end of the output (a run that goes on again). */
  dropNotes() {
    this.flush();
    for (;;) {
      const chunk = this.chunks[this.chunks.length - 1];
      const last = chunk && chunk.el.lastChild;
      if (!last || last.nodeType !== Node.ELEMENT_NODE || !last.classList.contains('note')) break;
      chunk.size -= last.textContent.length;
      last.remove();
      this.tidy();
    }
  }

  /** Empty blocks at the end go; the last one's line end is read again. */
  tidy() {
    while (this.chunks.length && !this.chunks[this.chunks.length - 1].el.firstChild) this.chunks.pop().el.remove();
    const last = this.chunks[this.chunks.length - 1];
    if (last) last.endsLine = last.el.textContent.endsWith('\n');
  }

  /** Adds a node (an echo or a note) to the last block. */
  write(node) {
    this.pinned(() => {
      const chunk = this.open();
      chunk.el.append(node);
      chunk.size += node.textContent.length;
      chunk.endsLine = node.textContent.endsWith('\n');
    });
  }

  /** Runs `change`, keeping the view at the bottom if it was there. */
  pinned(change) {
    const p = this.pre;
    const atBottom = p.scrollHeight - p.scrollTop - p.clientHeight < 24;
    change();
    if (atBottom) p.scrollTop = p.scrollHeight;
  }
}

/** How many line ends `text` has. */
function lineEnds(text) {
  let n = 0;
  for (let i = text.indexOf('\n'); i >= 0; i = text.indexOf('\n', i + 1)) n++;
  return n;
}

/** The first text node (program output) of `el`'s own, or null. */
function firstText(el) {
  for (let n = el.firstChild; n; n = n.nextSibling) if (n.nodeType === Node.TEXT_NODE) return n;
  return null;
}

/** Does `el` hold a text node (program output) of its own? */
const hasText = (el) => firstText(el) !== null;
