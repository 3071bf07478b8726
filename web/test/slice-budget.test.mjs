import { test } from 'node:test';
import assert from 'node:assert/strict';
import { nextBudget } from '../src/slice-budget.js';

test('a fast slice grows the budget toward the slice time, at most 16 times at once', () => {
  // 10,000 steps in 0.02 ms: 16 times more (not the 400 the rate says).
  assert.equal(nextBudget(10_000, 0.02, 8), 160_000);
  // 160,000 steps in 1 ms: 8 times more, about 8 ms.
  assert.equal(nextBudget(160_000, 1, 8), 1_280_000);
  // At least twice as many while under half the slice time.
  assert.equal(nextBudget(1_000_000, 3.9, 8), 2_051_282);
  assert.equal(nextBudget(1_000_000, 3.99, 8), 2_005_012);
  // Never more than 50,000,000.
  assert.equal(nextBudget(40_000_000, 0.5, 8), 50_000_000);
});

test('a slice near the slice time keeps its budget; a slow one halves it', () => {
  assert.equal(nextBudget(500_000, 6, 8), 500_000);
  assert.equal(nextBudget(500_000, 16, 8), 500_000);
  assert.equal(nextBudget(500_000, 17, 8), 250_000);
  assert.equal(nextBudget(1500, 40, 8), 1000);
});
