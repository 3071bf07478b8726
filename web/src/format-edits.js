// The edits that turn a program into its formatted text (pure). `svm fmt` changes only the
// whitespace between tokens and comments (the lexer's spaces: space, tab, CR, LF); every
// other character stays, in order. So the change is a list of small edits, one per gap of
// whitespace that differs: the editor keeps its cursor at its token, its breakpoints on
// their lines and its marks on their tokens, where replacing the whole text would lose them.

/** The lexer's whitespace (vm-core's `is_space`). */
const isSpace = (c) => c === 32 || c === 9 || c === 13 || c === 10;

/** The end of the run of whitespace of `text` that starts at `i`. */
function spaceEnd(text, i) {
  while (i < text.length && isSpace(text.charCodeAt(i))) i++;
  return i;
}

/**
 * The edits `[{ from, to, insert }]` (positions in `before`, in order, not overlapping) that
 * turn `before` into `after` by replacing gaps of whitespace only; null when the two differ
 * in anything else (then they are not a program and its formatted text).
 */
export function whitespaceEdits(before, after) {
  const edits = [];
  let i = 0;
  let j = 0;
  for (;;) {
    const i2 = spaceEnd(before, i);
    const j2 = spaceEnd(after, j);
    if (before.slice(i, i2) !== after.slice(j, j2)) edits.push({ from: i, to: i2, insert: after.slice(j, j2) });
    i = i2;
    j = j2;
    if (i === before.length || j === after.length) return i === before.length && j === after.length ? edits : null;
    // The characters up to the next whitespace must be the same.
    while (i < before.length && !isSpace(before.charCodeAt(i))) {
      if (before.charCodeAt(i) !== after.charCodeAt(j)) return null;
      i++;
      j++;
    }
    if (j < after.length && !isSpace(after.charCodeAt(j))) return null;
  }
}

/**
 * Where position `pos` of the text before the edits is after them. A position at the end
 * of a gap that changed (the start of a token) stays at the start of its token, one at its
 * start (the end of a token) at the end of its token; one inside a gap goes to its end.
 */
export function mapPos(edits, pos) {
  let delta = 0;
  for (const e of edits) {
    if (e.from >= pos) break;
    if (e.to > pos) return e.from + delta + e.insert.length;
    delta += e.insert.length - (e.to - e.from);
  }
  return pos + delta;
}

/**
 * At most `max` edits that do what `edits` of `before` do: consecutive edits are merged
 * into one that also rewrites the text between them as it was. (CodeMirror pays for every
 * change of a transaction: applying the 15,000 changes of 5,000 lines took the page 350
 * ms; for 25,000 lines, 1,000 changes took 105 ms and 200 took 35–55 ms, in headless
 * Chromium on the busy 2-core development machine.)
 */
export function coalesce(edits, before, max) {
  if (edits.length <= max) return edits;
  const size = Math.ceil(edits.length / max);
  const out = [];
  for (let i = 0; i < edits.length; i += size) {
    const group = edits.slice(i, i + size);
    let insert = '';
    group.forEach((e, k) => {
      insert += e.insert;
      if (k + 1 < group.length) insert += before.slice(e.to, group[k + 1].from);
    });
    out.push({ from: group[0].from, to: group[group.length - 1].to, insert });
  }
  return out;
}

/** The offsets where the lines of `text` start (line 1 at index 0). */
function lineStarts(text) {
  const starts = [0];
  for (let i = text.indexOf('\n'); i >= 0; i = text.indexOf('\n', i + 1)) starts.push(i + 1);
  return starts;
}

/** The line (from 1) of offset `pos` given the lines' starts. */
function lineOf(starts, pos) {
  let lo = 0;
  let hi = starts.length - 1;
  while (lo < hi) {
    const mid = (lo + hi + 1) >> 1;
    if (starts[mid] <= pos) lo = mid;
    else hi = mid - 1;
  }
  return lo + 1;
}

/**
 * Changes an editor makes at most for one Format (see `coalesce`): a program of up to
 * about 60 lines keeps every edit apart; in a longer one, positions inside a merged change
 * (a run's, an error's) go to its ends. The cursor and the breakpoints never do.
 */
export const MAX_CHANGES = 200;

/**
 * What the editor needs to show `after`, the formatted `before`: `changes` (at most
 * MAX_CHANGES, whitespace only where they were not merged), the cursor's `anchor` and
 * `head` and the breakpoints' `lines` moved with their tokens. Null when `after` differs
 * from `before` in more than whitespace.
 */
export function formatChanges(before, after, { anchor = 0, head = anchor, lines = [] } = {}) {
  const edits = whitespaceEdits(before, after);
  if (!edits) return null;
  const oldStarts = lineStarts(before);
  const newStarts = lineStarts(after);
  const moved = lines.filter((l) => l >= 1 && l <= oldStarts.length).map((l) => lineOf(newStarts, mapPos(edits, oldStarts[l - 1])));
  return {
    changes: coalesce(edits, before, MAX_CHANGES),
    anchor: mapPos(edits, anchor),
    head: mapPos(edits, head),
    lines: [...new Set(moved)],
  };
}
