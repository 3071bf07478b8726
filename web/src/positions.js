// Positions of a run in the editor's text as it is now. A run (paused, finished or failed)
// keeps the text it was started with; the person may edit the program meanwhile. Its
// positions are mapped through those edits (CodeMirror's ChangeSet.mapPos), so every line
// number shown and every position link follows the text it pointed at; a position whose
// token was edited says so.

import { ChangeSet } from '@codemirror/state';

/**
 * The edits made since a text was run, to map its positions to the editor's text (and
 * back).
 */
export class Tracker {
  /** `doc`: the text that was run (a CodeMirror Text). */
  constructor(doc) {
    this.doc = doc;
    this.changes = ChangeSet.empty(doc.length);
  }

  /** Adds the changes of an edit of the editor's text. */
  edit(changes) {
    this.changes = this.changes.compose(changes);
  }

  /** Has the editor's text changed since the run started? */
  get edited() {
    return !this.changes.empty;
  }

  /**
   * Is none of the run's text left in the editor's (all of it selected and typed over,
   * or another program loaded)? Its positions then point into a different program.
   */
  get replaced() {
    let kept = false;
    this.changes.iterGaps((fromA, fromB, length) => {
      if (length > 0) kept = true;
    });
    return this.edited && !kept;
  }

  /** A position of the run's text in the editor's text. */
  map(pos, assoc = 1) {
    return this.changes.mapPos(Math.min(pos, this.doc.length), assoc);
  }

  /** A span's `{ from, to }` of the run's text, in the editor's text. */
  range(span) {
    const from = this.map(span.from, 1);
    return { from, to: Math.max(from, this.map(span.to, -1)) };
  }

  /** Line `line` of the editor's text `doc`, as a line of the run's text. */
  runLine(line, doc) {
    const pos = this.changes.invertedDesc.mapPos(doc.line(line).from, -1);
    return this.doc.lineAt(Math.min(pos, this.doc.length)).number;
  }

  /** The start of a line of the run's text, in the editor's text. */
  lineStart(line) {
    return this.map(this.doc.line(Math.min(Math.max(line, 1), this.doc.lines)).from, -1);
  }
}

/**
 * Where a span of a run is in the editor's text `doc`: `{ line, column, from, to,
 * changed }`, the column in characters from 1 (as the language counts), `changed` when an
 * edit touched the span's text. Without a tracker, the span as it is.
 */
export function locate(span, track, doc) {
  if (!track) return { line: span.line, column: span.column, from: span.from, to: span.to, changed: false };
  const { from, to } = track.range(span);
  const at = Math.min(from, doc.length);
  const line = doc.lineAt(at);
  const column = [...line.text.slice(0, at - line.from)].length + 1;
  return { line: line.number, column, from, to, changed: touched(track.changes, span.from, span.to) };
}

/** Do `changes` replace or insert text strictly inside `from`..`to` (or all of it)? */
function touched(changes, from, to) {
  let hit = false;
  changes.iterChangedRanges((fromA, toA) => {
    if (fromA < to && toA > from) hit = true;
  });
  return hit;
}

/** "line 3, column 7" (with `column: false`, "line 3"), and " (edited)" for a changed span. */
export function describe(p, { column = true } = {}) {
  return `line ${p.line}${column ? `, column ${p.column}` : ''}${p.changed ? ' (edited)' : ''}`;
}

/**
 * Text nodes that name positions of a run and stay right while the program is edited:
 * `text(span, track)` makes one, `refresh()` (after an edit) updates those still shown.
 */
export class LivePositions {
  /** `doc()`: the editor's current text. */
  constructor(doc) {
    this.doc = doc;
    this.nodes = new Set();
    this.forgetting = false;
  }

  /** A text node naming `span` of `track`'s run; `options` as for `describe`. */
  text(span, track, options) {
    const node = document.createTextNode(describe(locate(span, track, this.doc()), options));
    if (track) {
      // Panels are redrawn at every pause: forget the nodes they no longer show, once
      // the panel being drawn has put its new nodes in the page.
      if (this.nodes.size >= 2000 && !this.forgetting) {
        this.forgetting = true;
        queueMicrotask(() => {
          this.forgetting = false;
          this.forgetGone();
        });
      }
      this.nodes.add({ node, span, track, options });
    }
    return node;
  }

  /** Forgets the nodes no longer in the page. */
  forgetGone() {
    for (const entry of this.nodes) if (!entry.node.isConnected) this.nodes.delete(entry);
  }

  /** Updates every node still in the page; forgets the others. */
  refresh() {
    this.forgetGone();
    const doc = this.doc();
    for (const { node, span, track, options } of this.nodes) {
      const text = describe(locate(span, track, doc), options);
      if (node.data !== text) node.data = text;
    }
  }
}
