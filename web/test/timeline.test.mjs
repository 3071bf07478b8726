import { test } from 'node:test';
import assert from 'node:assert/strict';
import { isKept, nearestKept, windowStart, leftOutText, originText, summaryText } from '../src/timeline-data.js';

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
  assert.equal(originText({ step: 0, span: null }, ''), 'an argument of the run, on the stack from the start');
});
