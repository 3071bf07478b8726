// Unit tests of the console's pure parts (console-panel.js): the history kept per
// browser, the caret under an entry, and what "Copy to editor" appends.
//
//   node --test web/test/console-panel.test.mjs

import { test } from 'node:test';
import assert from 'node:assert/strict';
import { readHistory, withEntry, caretLine, transcript, HISTORY_KEY, HISTORY_KEPT } from '../src/console-panel.js';

const storage = (value) => ({ getItem: (k) => (k === HISTORY_KEY ? value : null) });

test('the history: read back, broken or missing is empty, only strings', () => {
  assert.deepEqual(readHistory(storage(JSON.stringify(['1 2 +', 'sq call']))), ['1 2 +', 'sq call']);
  assert.deepEqual(readHistory(storage('{not json')), []);
  assert.deepEqual(readHistory(storage(JSON.stringify({ a: 1 }))), []);
  assert.deepEqual(readHistory(storage(JSON.stringify(['a', 3, null, 'b']))), ['a', 'b']);
  assert.deepEqual(readHistory(storage(null)), []);
  assert.deepEqual(readHistory(null), []);
  const throwing = { getItem: () => { throw new Error('denied'); } };
  assert.deepEqual(readHistory(throwing), []);
});

test('an entry joins the history once in a row, and the oldest go', () => {
  assert.deepEqual(withEntry(['a'], 'b'), ['a', 'b']);
  assert.deepEqual(withEntry(['a', 'b'], 'b'), ['a', 'b']);
  assert.deepEqual(withEntry(['b', 'a'], 'b'), ['b', 'a', 'b']);
  const full = Array.from({ length: HISTORY_KEPT }, (_, i) => String(i));
  const next = withEntry(full, 'new');
  assert.equal(next.length, HISTORY_KEPT);
  assert.deepEqual([next[0], next.at(-1)], ['1', 'new']);
});

test('the caret under a column', () => {
  assert.equal(caretLine(3, 4), '  ^^^^');
  assert.equal(caretLine(1, 1), '^');
  assert.equal(caretLine(5, 0), '    ^', 'at least one caret');
});

test('what Copy to editor appends: the code run, then stop and the definitions', () => {
  assert.equal(transcript([], ''), '');
  assert.equal(transcript(['1 2 +'], '\n'), '# From the console:\n1 2 +\n');
  assert.equal(transcript([], 'sq: dup * return\n'), '# From the console:\nstop\nsq: dup * return\n');
  assert.equal(transcript(['3 sq call', 'println'], 'sq: dup * return\n'), '# From the console:\n3 sq call\nprintln\nstop\nsq: dup * return\n');
});
