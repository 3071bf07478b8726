// How many steps the worker's next slice runs: a pure function, unit-tested.

/**
 * The budget of the next slice after one of `budget` steps took `dt` ms, for slices of
 * about `sliceMs`: scaled toward `sliceMs` by the rate just seen, up to 16 times larger at
 * once (so that a fast run, in the WebAssembly tier, is not held back by many small first
 * slices, each a message to itself), at most 50,000,000 steps; halved, down to 1,000,
 * when a slice took more than twice `sliceMs`.
 */
export function nextBudget(budget, dt, sliceMs) {
  if (dt < sliceMs / 2) {
    const scale = Math.min(16, sliceMs / Math.max(dt, sliceMs / 64));
    return Math.min(Math.max(Math.floor(budget * scale), budget * 2), 50_000_000);
  }
  if (dt > sliceMs * 2) return Math.max(1000, Math.floor(budget / 2));
  return budget;
}
