// Static stack effects in the editor: a quiet hint at the end of each line's code, the
// stack depth before its first instruction and after its last (`( 2 → 3 )`), from
// vm-wasm's `effects()` (vm-core's analysis; nothing is run). The hints follow the text
// as it is edited until the next analysis replaces them.

import { EditorView } from '@codemirror/view';
import { textWidgets } from './text-widgets.js';

/** A depth as shown: the number, or `?` when the analysis does not know it. */
const depth = (d) => (d === null || d === undefined ? '?' : String(d));

/**
 * The text of a line hint `{ before, after }`: `( 2 → 3 )`; null when neither depth is
 * known (nothing worth showing).
 */
export function hintText(hint) {
  if ((hint.before ?? null) === null && (hint.after ?? null) === null) return null;
  return `( ${depth(hint.before)} → ${depth(hint.after)} )`;
}

/** What a hint says to a screen reader and on hover. */
export function hintTitle(hint) {
  const where = hint.routine ? `in ${hint.routine}, counting what it takes` : 'from the program’s start';
  return `stack depth ${depth(hint.before)} before this line, ${depth(hint.after)} after it (${where}; found without running)`;
}

/**
 * The hints to draw from an `effects()` result, for a document of `length` characters:
 * `[{ pos, text, title }]` in position order. None when the program does not compile or
 * the analysis was cut short.
 */
export function hintMarks(result, length) {
  if (!result?.ok || !result.complete) return [];
  const marks = [];
  for (const h of result.lines) {
    const text = hintText(h);
    if (text === null || h.to > length) continue;
    marks.push({ pos: h.to, text, title: hintTitle(h) });
  }
  return marks.sort((a, b) => a.pos - b.pos);
}

/** The label effect text of `name` in an `effects()` result, or null. */
export function labelEffect(result, name) {
  if (!result?.ok || !result.complete) return null;
  return result.labels.find((l) => l.name === name)?.effect ?? null;
}

const hints = textWidgets({ className: 'cm-stack-hint', labelled: true, ignoreEvent: false });

/** Replaces the hints: `[{ pos, text, title }]` (hintMarks). */
export const setStackHints = hints.set;

const hintTheme = EditorView.baseTheme({
  '.cm-stack-hint': {
    marginLeft: '1.5em',
    fontSize: '85%',
    color: 'var(--muted)',
    fontStyle: 'normal',
    whiteSpace: 'pre',
    userSelect: 'none',
  },
});

/** The editor extension that draws the hints given by `setStackHints`. */
export const stackHints = [hints.field, hintTheme];
