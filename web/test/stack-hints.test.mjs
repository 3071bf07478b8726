import { test } from 'node:test';
import assert from 'node:assert/strict';
import { hintText, hintTitle, hintMarks, labelEffect } from '../src/stack-hints.js';

test('a hint shows the depth before and after, and ? where it is not known', () => {
  assert.equal(hintText({ before: 2, after: 3 }), '( 2 → 3 )');
  assert.equal(hintText({ before: 0, after: 0 }), '( 0 → 0 )');
  assert.equal(hintText({ before: 1, after: null }), '( 1 → ? )');
  assert.equal(hintText({ before: null, after: null }), null);
});

test('its title says where the count starts', () => {
  assert.match(hintTitle({ before: 0, after: 1, routine: null }), /before this line.*from the program’s start/);
  assert.match(hintTitle({ before: 1, after: 1, routine: 'square' }), /in square, counting what it takes/);
});

test('marks come in position order, and none from a program that does not compile or was cut short', () => {
  const lines = [
    { line: 2, to: 20, before: 1, after: 0, routine: null },
    { line: 1, to: 5, before: 0, after: 1, routine: null },
    { line: 3, to: 30, before: null, after: null, routine: null },
    { line: 4, to: 99, before: 1, after: 2, routine: null },
  ];
  const marks = hintMarks({ ok: true, complete: true, lines }, 40);
  assert.deepEqual(
    marks.map((m) => [m.pos, m.text]),
    [
      [5, '( 0 → 1 )'],
      [20, '( 1 → 0 )'],
    ],
  );
  assert.deepEqual(hintMarks({ ok: false, complete: false, lines }, 40), []);
  assert.deepEqual(hintMarks({ ok: true, complete: false, lines }, 40), []);
  assert.deepEqual(hintMarks(null, 40), []);
});

test('a label’s effect is read from the analysis when it is complete', () => {
  const result = { ok: true, complete: true, labels: [{ name: 'square', effect: '( 1 -- 1 )', called: true }] };
  assert.equal(labelEffect(result, 'square'), '( 1 -- 1 )');
  assert.equal(labelEffect(result, 'cube'), null);
  assert.equal(labelEffect({ ...result, complete: false }, 'square'), null);
});
