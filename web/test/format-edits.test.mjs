import { test } from 'node:test';
import assert from 'node:assert/strict';
import { whitespaceEdits } from '../src/format-edits.js';

/** `before` with `edits` applied (from the end, so that positions stay right). */
function apply(before, edits) {
  let text = before;
  for (const e of [...edits].reverse()) text = text.slice(0, e.from) + e.insert + text.slice(e.to);
  return text;
}

const CASES = [
  ['a: 1 2 +   println', 'a:\n    1 2 + println\n'],
  ['5 sq call println stop\n\n\nsq:  dup  *  return  # ( n -- n*n )', '5 sq call println stop\n\nsq:\n    dup * return     # ( n -- n*n )\n'],
  ['\n\n  "a  b"\t\tprintln\r\n', '"a  b" println\n'],
  ['x', 'x\n'],
  ['', ''],
  ['already\n', 'already\n'],
];

test('the edits turn the text into the formatted text and touch only whitespace', () => {
  for (const [before, after] of CASES) {
    const edits = whitespaceEdits(before, after);
    assert.ok(edits, `${JSON.stringify(before)}: no edits`);
    assert.equal(apply(before, edits), after, JSON.stringify(before));
    let last = -1;
    for (const e of edits) {
      assert.ok(e.from > last || (e.from === 0 && last === -1), 'in order, not overlapping');
      assert.match(before.slice(e.from, e.to), /^[ \t\r\n]*$/, 'only whitespace is replaced');
      assert.match(e.insert, /^[ \t\r\n]*$/, 'only whitespace is inserted');
      last = e.to;
    }
  }
});

test('one edit per gap that changed; none for a formatted text', () => {
  assert.deepEqual(whitespaceEdits('already\n', 'already\n'), []);
  assert.deepEqual(whitespaceEdits('1  2 +\n', '1 2 +\n'), [{ from: 1, to: 3, insert: ' ' }]);
  assert.deepEqual(whitespaceEdits('a: b', 'a:\n    b\n'), [
    { from: 2, to: 3, insert: '\n    ' },
    { from: 4, to: 4, insert: '\n' },
  ]);
});

test('texts that differ in more than whitespace give null', () => {
  assert.equal(whitespaceEdits('1 2 +', '1 2 -'), null);
  assert.equal(whitespaceEdits('1 2', '1 2 3'), null);
  assert.equal(whitespaceEdits('1 2 3', '1 2'), null);
  assert.equal(whitespaceEdits('12', '1 2'), null);
  assert.equal(whitespaceEdits('1 2', '12'), null);
  // Other spaces than the lexer's are part of a token.
  assert.equal(whitespaceEdits('1\u00a02', '1 2'), null);
});

import { mapPos, coalesce, formatChanges, MAX_CHANGES } from '../src/format-edits.js';

test('positions keep to their tokens', () => {
  const before = 'a:   1  2 +';
  const after = 'a:\n    1 2 +\n';
  const edits = whitespaceEdits(before, after);
  const at = (text, token, k = 0) => text.indexOf(token) + k;
  // The start of a token, the end of one, the middle of one.
  assert.equal(mapPos(edits, at(before, '1')), at(after, '1'));
  assert.equal(mapPos(edits, at(before, '2')), at(after, '2'));
  assert.equal(mapPos(edits, at(before, 'a:', 2)), at(after, 'a:', 2));
  assert.equal(mapPos(edits, at(before, '+', 1)), at(after, '+', 1), 'the end stays at the last token, before the added line break');
  assert.equal(mapPos(edits, 0), 0);
  // Inside a gap: to the next token.
  assert.equal(mapPos(edits, at(before, '1') - 1), at(after, '1'));
});

test('coalesced edits do the same, with at most the number asked for', () => {
  const before = 'x:  1   2\n'.repeat(50) + '  y';
  const after = 'x:\n    1 2\n'.repeat(50) + 'y\n';
  const edits = whitespaceEdits(before, after);
  assert.ok(edits.length > 100);
  for (const max of [1, 7, 100, edits.length]) {
    const merged = coalesce(edits, before, max);
    assert.ok(merged.length <= max, `${merged.length} > ${max}`);
    assert.equal(apply(before, merged), after);
  }
  assert.equal(coalesce(edits, before, edits.length), edits);
});

test('formatChanges: changes, the cursor and the breakpoints of a formatted program', () => {
  const before = 'main:  1 2 +   println\n\n\n\nsq: dup *  return\n';
  const after = 'main:\n    1 2 + println\n\nsq:\n    dup * return\n';
  const r = formatChanges(before, after, { anchor: before.indexOf('println'), lines: [1, 5] });
  assert.equal(apply(before, r.changes), after);
  assert.equal(r.anchor, after.indexOf('println'));
  assert.equal(r.head, r.anchor);
  // A breakpoint at the start of a line stays with the line's first token.
  assert.deepEqual(r.lines, [1, 4]);
  assert.equal(formatChanges('1 2', '1 3'), null);
  // A huge program: few changes, the same text, the cursor still at its token.
  const big = 'l:   1  2 +  drop\n'.repeat(5000);
  const bigAfter = 'l:\n    1 2 + drop\n'.repeat(5000);
  const at = big.length - 'drop\n'.length;
  const h = formatChanges(big, bigAfter, { anchor: at });
  assert.ok(h.changes.length <= MAX_CHANGES);
  assert.equal(apply(big, h.changes), bigAfter);
  assert.equal(bigAfter.slice(h.anchor), 'drop\n');
});
