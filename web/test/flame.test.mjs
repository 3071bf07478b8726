// Unit tests of src/flame.js's parser: folded stacks (`main;fib;recur 1234` lines) into
// the tree the flame graph draws.
//
//   node --test web/test/flame.test.mjs

import { test } from 'node:test';
import assert from 'node:assert/strict';
import { parseFolded } from '../src/flame.js';

const leaf = (name, n) => ({ name, self: n, total: n, children: [] });

test('a tree of call paths: totals include the calls, selves do not; children by name', () => {
  const tree = parseFolded(['main 3', 'main;fib 10', 'main;fib;recur 6', 'main;fib;base 4', 'main;fib;recur;fib 8', ''].join('\n'));
  assert.deepEqual(tree, {
    name: 'main',
    self: 3,
    total: 31,
    children: [
      {
        name: 'fib',
        self: 10,
        total: 28,
        children: [leaf('base', 4), { name: 'recur', self: 6, total: 14, children: [leaf('fib', 8)] }],
      },
    ],
  });
});

test('the same path on several lines adds up', () => {
  assert.deepEqual(parseFolded('main;f 2\nmain 1\nmain;f 5'), { name: 'main', self: 1, total: 8, children: [leaf('f', 7)] });
});

test('malformed lines are skipped', () => {
  const tree = parseFolded('main 2\nnonsense\nmain;f x\nmain;f -1\nmain;f 0\n 5\nmain;f NaN\nmain;f Infinity\nmain;f 1');
  assert.deepEqual(tree, { name: 'main', self: 2, total: 3, children: [leaf('f', 1)] });
});

test('names with spaces: the count is after the last space', () => {
  assert.deepEqual(parseFolded('main;a b 4'), { name: 'main', self: 0, total: 4, children: [leaf('a b', 4)] });
});

test('no lines, or several roots: the root is "all"', () => {
  assert.deepEqual(parseFolded(''), { name: 'all', self: 0, total: 0, children: [] });
  assert.deepEqual(parseFolded('a 1\nb 2'), { name: 'all', self: 0, total: 3, children: [leaf('a', 1), leaf('b', 2)] });
});
