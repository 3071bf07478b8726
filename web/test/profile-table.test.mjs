// Unit tests of src/profile-table.js: instructions by label, and sorting.
//
//   node --test web/test/profile-table.test.mjs

import { test } from 'node:test';
import assert from 'node:assert/strict';
import { byLabel, sortRows, nextSort } from '../src/profile-table.js';

// A recursive fib's shape: main calls fib, fib calls recur (which calls fib) or base.
const FOLDED = ['main 3', 'main;fib 10', 'main;fib;base 4', 'main;fib;recur 6', 'main;fib;recur;fib 8', 'main;fib;recur;fib;base 2', ''].join('\n');

test('self and total per label; recursion counts once per call path', () => {
  const rows = byLabel(FOLDED);
  const get = (name) => rows.find((r) => r.name === name);
  assert.deepEqual(get('main'), { name: 'main', self: 3, total: 33 });
  // fib: its own instructions on both levels; total = everything under the outer fib.
  assert.deepEqual(get('fib'), { name: 'fib', self: 18, total: 30 });
  assert.deepEqual(get('recur'), { name: 'recur', self: 6, total: 16 });
  assert.deepEqual(get('base'), { name: 'base', self: 6, total: 6 });
  // The selves add up to the run; busiest total first.
  assert.equal(rows.reduce((s, r) => s + r.self, 0), 33);
  assert.deepEqual(rows.map((r) => r.name), ['main', 'fib', 'recur', 'base']);
});

test('malformed lines are skipped', () => {
  assert.deepEqual(byLabel('main 2\nnonsense\nmain;f x\nmain;f -1\n 5\nmain;f 1'), [
    { name: 'main', self: 2, total: 3 },
    { name: 'f', self: 1, total: 1 },
  ]);
  assert.deepEqual(byLabel(''), []);
});

test('sorting by each column, both ways, ties by name', () => {
  const rows = byLabel(FOLDED);
  const names = (key, desc) => sortRows(rows, key, desc).map((r) => r.name);
  assert.deepEqual(names('self', true), ['fib', 'base', 'recur', 'main']);
  assert.deepEqual(names('self', false), ['main', 'base', 'recur', 'fib']);
  assert.deepEqual(names('total', false), ['base', 'recur', 'fib', 'main']);
  assert.deepEqual(names('name', false), ['base', 'fib', 'main', 'recur']);
  assert.deepEqual(names('name', true), ['recur', 'main', 'fib', 'base']);
  // base and recur tie on self: by name
  assert.deepEqual(sortRows([{ name: 'b', self: 1, total: 1 }, { name: 'a', self: 1, total: 1 }], 'self', true).map((r) => r.name), ['a', 'b']);
});

test('a click on a column: counts largest first, names A to Z; again reverses', () => {
  assert.deepEqual(nextSort({ key: 'total', descending: true }, 'self'), { key: 'self', descending: true });
  assert.deepEqual(nextSort({ key: 'self', descending: true }, 'self'), { key: 'self', descending: false });
  assert.deepEqual(nextSort({ key: 'self', descending: true }, 'name'), { key: 'name', descending: false });
});
