// The timeline's pure part: which steps of a run the record keeps, the window of steps
// drawn around the selected one, the arrow keys over the steps left out, and the words.

import { count, counted } from './dom.js';

/** Steps drawn side by side around the selected one. */
export const WINDOW = 15;

/** Is `step` kept by the record `info` (vm-wasm's `timeline()`): the start, the first part or the last? */
export const isKept = (info, step) => step >= 0 && step <= info.steps && (step <= info.headEnd || step >= info.tailStart);

/**
 * The kept step nearest to `step` in the direction `dir` (+1 or -1) when `step` is left
 * out: the slider and the arrow keys jump over the steps left out.
 */
export function nearestKept(info, step, dir = 1) {
  const s = Math.max(0, Math.min(info.steps, Math.round(step)));
  if (isKept(info, s)) return s;
  return dir > 0 ? info.tailStart : info.headEnd;
}

/** The first step of the window of `size` steps that shows `step` (near its middle), within the kept part it is in. */
export function windowStart(info, step, size = WINDOW) {
  const [lo, hi] = step <= info.headEnd ? [0, info.headEnd] : [info.tailStart, info.steps];
  const first = Math.max(lo, step - Math.floor(size / 2));
  return Math.max(lo, Math.min(first, hi - size + 1));
}

/** "Steps 10,001–1,234,566 are left out (…)", or '' when the record kept every step. */
export function leftOutText(info) {
  if (!info.leftOut) return '';
  return `Steps ${count(info.headEnd + 1)}–${count(info.tailStart - 1)} are left out (${counted(info.leftOut, 'step')}): the first and the last ${count(info.keep)} steps of a run are kept.`;
}

/** Where a value came from, in words: "pushed at step 4 by 3, line 1, column 7", or "an argument of the run". */
export function originText(chip, tokenText) {
  if (!chip.step || !chip.span) return 'an argument of the run, on the stack from the start';
  return `pushed at step ${count(chip.step)} by ${tokenText}, line ${chip.span.line}, column ${chip.span.column}`;
}

/** The summary of a record: "77 steps", "1,234,567 steps, 20,000 kept". */
export function summaryText(info) {
  const kept = info.headEnd + (info.steps - info.tailStart + 1);
  return info.leftOut ? `${counted(info.steps, 'step')}, ${count(kept)} kept` : counted(info.steps, 'step');
}
