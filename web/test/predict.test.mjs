// Unit tests of predict.js: reading a typed stack and comparing it with a run's.
//
//   node --test web/test/predict.test.mjs

import { test } from 'node:test';
import assert from 'node:assert/strict';
import { parsePrediction, comparePrediction, literalOf, PREDICT_MAX_VALUES } from '../src/predict.js';

const num = (v) => ({ type: 'Num', value: String(v), literal: String(v), cut: false });
const str = (v, literal) => ({ type: 'Str', value: v, literal, cut: false });
const bool = (v) => ({ type: 'Bool', value: String(v), literal: String(v), cut: false });

test('a typed stack: numbers, booleans and strings, bottom first; empty is the empty stack', () => {
  assert.deepEqual(parsePrediction('1 -2 +3'), { values: [num(1), num(-2), num(3)].map(({ type, value }) => ({ type, value })) });
  assert.deepEqual(parsePrediction('  '), { values: [] });
  assert.deepEqual(parsePrediction('true false'), { values: [{ type: 'Bool', value: 'true' }, { type: 'Bool', value: 'false' }] });
  assert.deepEqual(parsePrediction('"a b" "say \\"hi\\"\\n" "\\u{e9}"'), {
    values: [
      { type: 'Str', value: 'a b' },
      { type: 'Str', value: 'say "hi"\n' },
      { type: 'Str', value: 'é' },
    ],
  });
  // Commas are taken as spaces: "1, 2" is what people type.
  assert.deepEqual(parsePrediction('1, 2').values.length, 2);
  assert.equal(parsePrediction('9223372036854775807').values[0].value, '9223372036854775807');
  assert.equal(parsePrediction('-9223372036854775808').values[0].value, '-9223372036854775808');
});

test('what is not a value is an error with its column', () => {
  assert.deepEqual(parsePrediction('1 dup'), { error: '`dup` is not a value: type numbers, true, false or "strings", bottom first', column: 3 });
  assert.equal(parsePrediction('1 "open').column, 3);
  assert.match(parsePrediction('"a\\qb"').error, /\\q is not an escape/);
  assert.equal(parsePrediction('"a\\qb"').column, 3);
  assert.match(parsePrediction('9223372036854775808').error, /64 bits/);
  assert.match(parsePrediction(Array(PREDICT_MAX_VALUES + 1).fill('1').join(' ')).error, /more than/);
});

test('the literal of an expected value is written as the Stack panel writes it', () => {
  assert.equal(literalOf({ type: 'Str', value: 'a"b\\\n\u001b' }), '"a\\"b\\\\\\n\\u{1b}"');
  assert.equal(literalOf({ type: 'Num', value: '-3' }), '-3');
});

test('a prediction compared with the stack, from the top down', () => {
  const typed = (t) => parsePrediction(t).values;
  const right = comparePrediction(typed('1 2 2'), [num(1), num(2), num(2)]);
  assert.equal(right.right, true);
  assert.deepEqual(right.rows.map((r) => [r.expected, r.actual, r.same]), [
    ['2', '2', true],
    ['2', '2', true],
    ['1', '1', true],
  ]);
  // One value too few: the rows show the missing one at the bottom.
  const short = comparePrediction(typed('2 2'), [num(1), num(2), num(2)]);
  assert.equal(short.right, false);
  assert.deepEqual(short.rows.at(-1), { expected: null, actual: '1', same: false });
  // The type counts: "7" is not 7.
  assert.equal(comparePrediction(typed('"7"'), [num(7)]).right, false);
  assert.equal(comparePrediction(typed('"7"'), [str('7', '"7"')]).right, true);
  assert.equal(comparePrediction(typed('true'), [bool(true)]).right, true);
  // An empty stack predicted and found.
  assert.deepEqual(comparePrediction([], [], 0), { right: true, rows: [] });
  // A deep stack of which the run sent the top values only: the ones below are not known, so not the same.
  const deep = comparePrediction(typed('1 2 3'), [num(2), num(3)], 3);
  assert.equal(deep.right, false);
  assert.equal(deep.rows[2].actual, '…');
  // A string the run cut short is never the same.
  assert.equal(comparePrediction(typed('"ab"'), [{ ...str('ab', '"ab"'), cut: true }]).right, false);
});
