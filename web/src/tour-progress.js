// The tour on the page, its pure parts: the lessons' links (`#tour/5`), a lesson's text
// split from its task, the program a lesson puts in the editor, and the learner's
// progress (passed lessons, the code typed in each), kept in localStorage.
//
// Pure: the storage is passed in (anything with getItem/setItem/removeItem; it may be
// missing, disabled or full: then nothing is kept, and writes say so).

import { get, set } from './store.js';

/** The tour's progress, in localStorage. */
export const TOUR_KEY = 'simple-vm.tour.v1';

/** The link of lesson `n`: `#tour/5`. */
export const lessonHash = (n) => `#tour/${n}`;

/**
 * The lesson an address's fragment opens (`#tour/5` or `tour/5`), or null when it is no
 * lesson's link; a number out of range is clamped to the lessons there are (`count`).
 */
export function lessonFromHash(hash, count) {
  const m = /^#?tour(?:\/(\d{1,6}))?\/?$/.exec(hash);
  if (!m || count < 1) return null;
  const n = m[1] === undefined ? 1 : Number(m[1]);
  return Math.min(Math.max(n, 1), count);
}

/**
 * Splits a lesson's parsed text (markdown.js's blocks) into its body and its task: the
 * last paragraph that starts with a bold `Task:`. `task` is null when there is none.
 */
export function splitTask(blocks) {
  const i = blocks.findLastIndex(
    (b) => b.type === 'paragraph' && b.content[0]?.type === 'strong' && /^Task:?$/.test(b.content[0].content.map((p) => p.text ?? '').join('').trim()),
  );
  if (i < 0) return { body: blocks, task: null };
  return { body: blocks.filter((_, j) => j !== i), task: blocks[i] };
}

/** The Input panel's text of a check's input lines. */
export const inputText = (lines) => lines.map((l) => `${l}\n`).join('');

/**
 * The program lesson `lesson` puts in the editor: the code typed in it before (`code`,
 * or null) or its starter, with the check's arguments and input.
 */
export function lessonProgram(lesson, code) {
  return { source: code ?? lesson.starter, args: lesson.check.args, stdin: inputText(lesson.check.input), breakpoints: [] };
}

/** Does a run with these fields (`{ args, stdin }` as typed) get exactly the lesson's arguments and input? */
export function sameRequest(lesson, fields) {
  return fields.args === lesson.check.args && fields.stdin === inputText(lesson.check.input);
}

/** The stored progress: `{ passed: [numbers], predicted: [numbers], code: { n: text }, last }`, read leniently. */
export function parseProgress(text) {
  let p = null;
  try {
    p = JSON.parse(text);
  } catch {
    // nothing kept, or something else: start afresh
  }
  if (!p || typeof p !== 'object') p = {};
  const numbers = (list) => (Array.isArray(list) ? [...new Set(list.filter((n) => Number.isInteger(n) && n > 0))].sort((a, b) => a - b) : []);
  const passed = numbers(p.passed);
  const predicted = numbers(p.predicted);
  const code = {};
  if (p.code && typeof p.code === 'object') {
    for (const [k, v] of Object.entries(p.code)) if (/^\d+$/.test(k) && typeof v === 'string') code[k] = v;
  }
  const last = Number.isInteger(p.last) && p.last > 0 ? p.last : null;
  return { passed, predicted, code, last };
}

/**
 * The learner's progress. Every write reads the stored progress first and changes only
 * its own part, so that two tabs of the tour do not undo each other's passed lessons.
 */
export class TourProgress {
  /** `local`: localStorage (or null). */
  constructor(local) {
    this.local = local;
  }

  read() {
    return parseProgress(get(this.local, TOUR_KEY));
  }

  /** Changes the stored progress with `change(progress)`; true when it could be written. */
  update(change) {
    const p = this.read();
    change(p);
    return set(this.local, TOUR_KEY, JSON.stringify(p)) === null;
  }

  /** Has lesson `n` been passed? */
  passed(n) {
    return this.read().passed.includes(n);
  }

  markPassed(n) {
    return this.update((p) => {
      if (!p.passed.includes(n)) p.passed = [...p.passed, n].sort((a, b) => a - b);
    });
  }

  /** Lesson `n`'s steps were all predicted right (its predict part, predict-panel.js). */
  markPredicted(n) {
    return this.update((p) => {
      if (!p.predicted.includes(n)) p.predicted = [...p.predicted, n].sort((a, b) => a - b);
    });
  }

  /** The code typed in lesson `n` (null: none, the starter). */
  code(n) {
    return this.read().code[n] ?? null;
  }

  /** Keeps the code of lesson `n`; the starter itself (or null) is not kept. */
  setCode(n, text, starter) {
    return this.update((p) => {
      if (text === null || text === starter) delete p.code[n];
      else p.code[n] = text;
    });
  }

  /** The lesson opened last (null: none yet). */
  last() {
    return this.read().last;
  }

  setLast(n) {
    return this.update((p) => {
      p.last = n;
    });
  }
}
