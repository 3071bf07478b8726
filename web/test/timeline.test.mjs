import { test } from 'node:test';
import assert from 'node:assert/strict';
import { isKept, nearestKept, windowStart, leftOutText, originText, summaryText, noteText, lineNotes, lastStepByLine, infoOf, makeStep, unitsOfBytes } from '../src/timeline-data.js';

const short = { steps: 30, headEnd: 30, tailStart: 31, leftOut: 0, keep: 10_000 };
const long = { steps: 100, headEnd: 10, tailStart: 91, leftOut: 80, keep: 10 };

test('kept steps: the start, the first part and the last', () => {
  assert.deepEqual([0, 1, 30, 31].map((s) => isKept(short, s)), [true, true, true, false]);
  assert.deepEqual([0, 10, 11, 90, 91, 100, 101].map((s) => isKept(long, s)), [true, true, false, false, true, true, false]);
});

test('the slider and the arrow keys jump over the steps left out', () => {
  assert.equal(nearestKept(long, 11, 1), 91);
  assert.equal(nearestKept(long, 90, -1), 10);
  assert.equal(nearestKept(long, 50, 1), 91);
  assert.equal(nearestKept(long, 5, 1), 5);
  assert.equal(nearestKept(long, 500, 1), 100);
  assert.equal(nearestKept(long, -3, -1), 0);
});

test('the window of steps stays within its part', () => {
  assert.equal(windowStart(short, 0, 15), 0);
  assert.equal(windowStart(short, 20, 15), 13);
  assert.equal(windowStart(short, 30, 15), 16);
  assert.equal(windowStart(long, 9, 15), 0);
  assert.equal(windowStart(long, 92, 15), 91);
  assert.equal(windowStart(long, 100, 5), 96);
});

test('words', () => {
  assert.equal(leftOutText(short), '');
  assert.equal(leftOutText(long), 'Steps 11–90 are left out (80 steps): the first and the last 10 steps of a run are kept.');
  assert.equal(summaryText(short), '30 steps');
  assert.equal(summaryText(long), '100 steps, 20 kept');
  const span = { line: 2, column: 7 };
  assert.equal(originText({ step: 4, span }, '`3`'), 'pushed at step 4 by `3`, line 2, column 7');
  assert.equal(originText({ step: 4, span }, '`3`', false), 'pushed at step 4 by `3`, line 2, column 7: a step left out of the record, so it cannot be shown.');
  assert.equal(originText({ step: 0, span: null }, ''), 'an argument of the run, on the stack from the start.');
  assert.equal(originText({ step: 0, span: null }, '', false), 'an argument of the run, on the stack from the start.');
});

test('a line\'s note: the stack its last step left, top on the right', () => {
  const chip = (text) => ({ text });
  assert.equal(noteText({ depth: 0, values: [] }), '[]');
  assert.equal(noteText({ depth: 2, values: [chip('7'), chip('"ab"')] }), '7 "ab"');
  assert.equal(noteText({ depth: 9, values: [chip('1'), chip('2')] }), '… 1 2');
  const rows = { 4: { depth: 1, values: [chip('3')] } };
  assert.deepEqual(lineNotes([[1, 4], [3, 99]], (s) => rows[s]), [
    { line: 1, step: 4, depth: 1, text: '3' },
    { line: 3, step: 99, depth: null, text: null },
  ]);
});

test('the last step of each line, from the last step of each instruction', () => {
  // pcs 0-1 on line 1, 2-4 on line 2 (pc 3 never ran), 5 on line 4 (never ran).
  const lines = [1, 1, 2, 2, 2, 4];
  assert.deepEqual(lastStepByLine([7, 3, 5, 0, 9, 0], (pc) => lines[pc]), [
    [1, 7],
    [2, 9],
  ]);
});

test('a step made from the numbers and values of the session', () => {
  assert.deepEqual(infoOf(new Float64Array([100, 10, 91, 80, 10, 4, 0])), long);
  const size = [9, 9, 10, 0, 100];
  const rows = [
    { text: '1', span: { line: 1, column: 1 } },
    { text: '2', span: { line: 1, column: 3 } },
    { text: 'swap', span: { line: 2, column: 1 } },
  ];
  const view = (literal) => ({ type: 'Num', literal, bytes: literal.length, cut: false });
  assert.deepEqual(makeStep(3, [[...size, 2, 2, 0, 3, 0, -1, 2, 1, 1, 0], [view('9'), view('2'), view('1')]], (pc) => rows[pc]), {
    step: 3,
    text: 'swap',
    span: { line: 2, column: 1 },
    popped: 2,
    output: 0,
    depth: 3,
    values: [
      { type: 'Num', text: '9', bytes: 1, cut: false, step: 0, span: null },
      { type: 'Num', text: '2', bytes: 1, cut: false, step: 2, span: { line: 1, column: 3 } },
      { type: 'Num', text: '1', bytes: 1, cut: false, step: 1, span: { line: 1, column: 1 } },
    ],
  });
  assert.equal(makeStep(0, [[...size, -1, 0, 0, 0], []], () => null).text, 'start');
  assert.equal(makeStep(50, [size, []], () => null), null);
});

test('bytes of output in UTF-16 units', () => {
  const units = unitsOfBytes('é\n😀a');
  // é is 2 bytes and 1 unit, 😀 4 bytes and 2 units.
  assert.deepEqual([0, 2, 3, 7, 8].map(units), [0, 1, 2, 4, 5]);
  assert.equal(units(3), 2);
  assert.equal(units(99), 5);
  assert.equal(makeStep(1, [[1, 1, 2, 0, 9, 0, 0, 3, 0], []], () => ({ text: 'x', span: null }), units).output, 2);
});
