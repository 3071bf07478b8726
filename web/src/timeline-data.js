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

/**
 * Where a value came from, in words: "pushed at step 4 by 3, line 1, column 7", or "an
 * argument of the run". `kept`: whether the record kept that step (false: it says that the
 * step is among those left out, which cannot be shown).
 */
export function originText(chip, tokenText, kept = true) {
  if (!chip.step || !chip.span) return 'an argument of the run, on the stack from the start.';
  const at = `pushed at step ${count(chip.step)} by ${tokenText}, line ${chip.span.line}, column ${chip.span.column}`;
  return kept ? at : `${at}: a step left out of the record, so it cannot be shown.`;
}

/** The summary of a record: "77 steps", "1,234,567 steps, 20,000 kept". */
export function summaryText(info) {
  const kept = info.headEnd + (info.steps - info.tailStart + 1);
  return info.leftOut ? `${counted(info.steps, 'step')}, ${count(kept)} kept` : counted(info.steps, 'step');
}

/**
 * The note of a line: the stack its last step left (`row`, a step of vm-wasm's
 * `timelineSteps`), its values bottom first as literals, `…` before them when the stack is
 * deeper, `[]` when it is empty.
 */
export function noteText(row) {
  if (!row.depth) return '[]';
  const values = row.values.map((v) => v.text).join(' ');
  return row.depth > row.values.length ? `… ${values}` : values;
}

/**
 * The last step of each line: `lastByPc` (the last step that ran each instruction, 0 for
 * none) and `lineOf(pc)`, the line of an instruction. Returns `[[line, step]]` by line.
 */
export function lastStepByLine(lastByPc, lineOf) {
  const last = new Map();
  lastByPc.forEach((step, pc) => {
    const line = step ? lineOf(pc) : 0;
    if (line) last.set(line, Math.max(step, last.get(line) || 0));
  });
  return [...last].sort((a, b) => a[0] - b[0]);
}

/**
 * The lines' notes from `[[line, step]]` and `stepOf(step)`, the kept step (or null when
 * it was left out): `[{ line, step, depth, text }]`, `depth` and `text` null for a step
 * left out.
 */
export function lineNotes(lastSteps, stepOf) {
  return lastSteps.map(([line, step]) => {
    const row = stepOf(step);
    return { line, step, depth: row ? row.depth : null, text: row ? noteText(row) : null };
  });
}

/** The record's size: the first five of `timelineStep`'s numbers, as `{ steps, headEnd, tailStart, leftOut, keep }`. */
export const infoOf = (n) => ({ steps: n[0], headEnd: n[1], tailStart: n[2], leftOut: n[3], keep: n[4] });

/**
 * A step of the timeline, `{ step, text, span, popped, output, depth, values: [{ type,
 * text, bytes, cut, step, span }] }`, from vm-wasm's `timelineStep` (`[nums, values]`),
 * with `instr(pc)`: the instruction `{ text, span }` (a row of `disasm`) and
 * `units(bytes)`: the output's UTF-16 units in so many of its bytes (see `unitsOfBytes`);
 * null when the step is not kept.
 */
export function makeStep(step, [numbers, values], instr, units = (n) => n) {
  if (numbers.length <= 5) return null;
  const nums = numbers.slice(5);
  const [pc, popped, bytes, depth] = nums;
  const at = pc >= 0 ? instr(pc) : null;
  return {
    step,
    text: at ? at.text : 'start',
    span: at ? at.span : null,
    popped,
    output: units(bytes),
    depth,
    values: values.map((v, i) => {
      const from = nums[5 + 2 * i];
      return { type: v.type, text: v.literal, bytes: v.bytes, cut: v.cut, step: nums[4 + 2 * i], span: from >= 0 ? instr(from)?.span ?? null : null };
    }),
  };
}

/**
 * For `text` (a run's output), a function from a number of its bytes in UTF-8 to the
 * number of its UTF-16 units: the record counts output in bytes, the page in units. Each
 * call goes on from the last when asked for more (a window of steps, in order).
 */
export function unitsOfBytes(text) {
  let bytes = 0;
  let units = 0;
  return (want) => {
    if (want < bytes) bytes = units = 0;
    while (bytes < want && units < text.length) {
      const c = text.codePointAt(units);
      bytes += c < 0x80 ? 1 : c < 0x800 ? 2 : c < 0x10000 ? 3 : 4;
      units += c < 0x10000 ? 1 : 2;
    }
    return units;
  };
}
