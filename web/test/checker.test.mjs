// Unit tests of checker.js: the queue of texts to check (at most one checked, one
// waiting; the newest wins), with a fake worker.
//
//   node --test web/test/checker.test.mjs

import { test } from 'node:test';
import assert from 'node:assert/strict';
import { Checker } from '../src/checker.js';

/** A fake worker that records what the page posts; `answer(msg)` plays the worker's reply. */
function fake() {
  const w = { posted: [], terminated: false };
  w.postMessage = (m) => w.posted.push(m);
  w.terminate = () => (w.terminated = true);
  w.answer = (m) => w.onmessage({ data: m });
  return w;
}

function started() {
  const w = fake();
  let readyCalls = 0;
  const c = new Checker({ spawn: () => w, onReady: () => readyCalls++ });
  c.start('MODULE', 'check-worker.js');
  assert.deepEqual(w.posted, [{ type: 'init', module: 'MODULE' }]);
  w.answer({ type: 'ready' });
  assert.equal(readyCalls, 1);
  w.posted.length = 0;
  return { c, w };
}

test('before the worker is ready a check gives null and posts nothing', async () => {
  const w = fake();
  const c = new Checker({ spawn: () => w });
  c.start('M', 'u');
  assert.equal(await c.check('1 println'), null);
  assert.equal(w.posted.length, 1);
});

test('one text at a time; a newer waiting text replaces the older, whose caller gets null', async () => {
  const { c, w } = started();
  const a = c.check('a');
  const b = c.check('b');
  const d = c.check('d');
  // Only `a` went to the worker; `b` was replaced by `d` while waiting.
  assert.deepEqual(w.posted, [{ type: 'check', id: 1, source: 'a' }]);
  assert.equal(await b, null);
  w.answer({ type: 'checked', id: 1, compiled: { ok: true }, effects: { lines: [] } });
  assert.deepEqual(await a, { compiled: { ok: true }, effects: { lines: [] } });
  assert.deepEqual(w.posted[1], { type: 'check', id: 2, source: 'd' });
  // An answer of another id is not this text's.
  w.answer({ type: 'checked', id: 1, compiled: { ok: false }, effects: null });
  w.answer({ type: 'checked', id: 2, compiled: { ok: false }, effects: null });
  assert.deepEqual(await d, { compiled: { ok: false }, effects: null });
});

test('a worker that fails: the texts in its hands get null, and so does every later one', async () => {
  const { c, w } = started();
  const a = c.check('a');
  const b = c.check('b');
  w.answer({ type: 'fatal', message: 'boom' });
  assert.equal(await a, null);
  assert.equal(await b, null);
  assert.ok(w.terminated);
  assert.equal(c.broken, 'boom');
  assert.equal(await c.check('c'), null);
});
