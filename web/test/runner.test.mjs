// Unit tests of src/runner.js with a stand-in for the browser's Worker: the runner carries
// the page's commands, drops the late messages of a run the page moved on from, ends a
// worker that does not answer a stop, and replaces one that dies.
//
//   node --test web/test/runner.test.mjs

import { test, afterEach } from 'node:test';
import assert from 'node:assert/strict';
import { setTimeout as sleep } from 'node:timers/promises';
import { Runner, STOP_GRACE_MS } from '../src/runner.js';
import { Msg, Status } from '../src/protocol.js';

/** A Worker that records what it is sent; `reply(msg)` is a message from it. */
class FakeWorker {
  static all = [];
  constructor(url) {
    this.url = url;
    this.sent = [];
    this.terminated = false;
    FakeWorker.all.push(this);
  }
  postMessage(m) {
    this.sent.push(m);
  }
  terminate() {
    this.terminated = true;
  }
  reply(data) {
    this.onmessage({ data });
  }
}
globalThis.Worker = FakeWorker;

let runners = [];
afterEach(() => {
  for (const r of runners) clearInterval(r.watchdog);
  runners = [];
  FakeWorker.all = [];
});

/** A runner whose worker is ready; `events`: what it told the page. */
function ready({ going = () => true } = {}) {
  const events = [];
  const runner = new Runner({ module: 'the module', url: 'worker.js', onEvent: (m) => events.push(m), isGoing: going });
  runners.push(runner);
  runner.worker.reply({ type: Msg.READY, version: '1' });
  return { runner, events, worker: runner.worker };
}

const types = (list) => list.map((m) => m.type);

test('the worker gets the module, then runs and commands with the id of the run', () => {
  const { runner, events, worker } = ready();
  assert.deepEqual(worker.sent[0], { type: Msg.INIT, module: 'the module' });
  const id = runner.run({ source: '1 println', args: '', stdin: [], options: {} });
  runner.send(Msg.PAUSE);
  runner.input('a line');
  runner.input(null);
  assert.deepEqual(worker.sent.slice(1), [
    { type: Msg.RUN, id, source: '1 println', args: '', stdin: [], options: {}, paused: false, breakpoints: [] },
    { type: Msg.PAUSE, id },
    { type: Msg.INPUT, id, line: 'a line' },
    { type: Msg.INPUT, id, eof: true },
  ]);
  assert.deepEqual(types(events), [Msg.READY]);
});

test('late messages of an earlier run are dropped', () => {
  const { runner, events, worker } = ready();
  const first = runner.run({ source: 'a', options: {} });
  const second = runner.run({ source: 'b', options: {} });
  assert.notEqual(first, second);
  worker.reply({ type: Msg.PROGRESS, id: first, output: 'old', steps: 1 });
  worker.reply({ type: Msg.DONE, id: first, status: Status.STOPPED });
  worker.reply({ type: Msg.PROGRESS, id: second, output: 'new', steps: 2 });
  assert.deepEqual(
    events.filter((m) => m.type !== Msg.READY).map((m) => [m.type, m.id]),
    [[Msg.PROGRESS, second]],
  );
  // After its end, nothing more of it either.
  worker.reply({ type: Msg.DONE, id: second, status: Status.HALTED });
  worker.reply({ type: Msg.PROGRESS, id: second, output: 'late', steps: 3 });
  assert.deepEqual(types(events).slice(-2), [Msg.PROGRESS, Msg.DONE]);
});

test('a stop the worker does not answer in time ends the worker: the page gets done, stopped', async () => {
  const { runner, events, worker } = ready();
  const id = runner.run({ source: 'loop', options: {} });
  worker.reply({ type: Msg.PROGRESS, id, output: '', steps: 500, time_ms: 3 });
  runner.stop();
  assert.deepEqual(worker.sent.at(-1), { type: Msg.STOP, id });
  await sleep(STOP_GRACE_MS + 30);
  assert.ok(worker.terminated);
  assert.notEqual(runner.worker, worker, 'a new worker');
  assert.deepEqual(events.at(-1), { type: Msg.DONE, id, status: Status.STOPPED, steps: 500, time_ms: 3, forced: true });
  // A quiet replacement: no `died` for a stop.
  assert.ok(!types(events).includes(Msg.DIED));
});

test('a stop answered in time keeps the worker', async () => {
  const { runner, events, worker } = ready();
  const id = runner.run({ source: 'loop', options: {} });
  runner.stop();
  worker.reply({ type: Msg.DONE, id, status: Status.STOPPED });
  await sleep(STOP_GRACE_MS + 30);
  assert.equal(worker.terminated, false);
  assert.equal(types(events).filter((t) => t === Msg.DONE).length, 1);
});

test('a new run right after a stop is not ended by the grace period of that stop', async () => {
  const { runner, events, worker } = ready();
  runner.run({ source: 'loop', options: {} });
  runner.stop();
  const second = runner.run({ source: 'other', options: {} });
  await sleep(STOP_GRACE_MS + 30);
  assert.equal(worker.terminated, false);
  assert.equal(runner.current.id, second);
  assert.ok(!types(events).includes(Msg.DONE));
});

test('a worker that fails is replaced and the page told; three early deaths in a row end the runner', () => {
  const { runner, events, worker } = ready();
  const id = runner.run({ source: 'x', options: {} });
  worker.reply({ type: Msg.FATAL, message: 'boom' });
  assert.ok(worker.terminated);
  assert.deepEqual(events.at(-1), { type: Msg.DIED, id, message: 'boom' });
  // Deaths before the new worker is ready count; the third ends it.
  runner.worker.onerror({ preventDefault() {}, message: 'again' });
  runner.worker.onerror({ preventDefault() {}, message: 'again' });
  assert.equal(runner.alive, true);
  runner.worker.onerror({ preventDefault() {}, message: 'and again' });
  assert.equal(runner.alive, false);
  assert.deepEqual(events.at(-1), { type: Msg.DIED, id: null, message: 'and again', final: true });
});

test('step back from the end of a run goes to that run', () => {
  const { runner, events, worker } = ready();
  const id = runner.run({ source: 'x', options: { history: 10 } });
  worker.reply({ type: Msg.DONE, id, status: Status.HALTED, resumable: true });
  runner.send(Msg.STEP_BACK);
  assert.deepEqual(worker.sent.at(-1), { type: Msg.STEP_BACK, id });
  worker.reply({ type: Msg.PAUSED, id, reason: 'step_back' });
  assert.deepEqual(types(events).slice(-2), [Msg.DONE, Msg.PAUSED]);
  // A run that is not resumable is not kept.
  const other = runner.run({ source: 'y', options: {} });
  worker.reply({ type: Msg.DONE, id: other, status: Status.HALTED, resumable: false });
  const before = worker.sent.length;
  runner.send(Msg.STEP_BACK);
  assert.equal(worker.sent.length, before);
});

test('value requests are answered by request, and fail when the worker is replaced', async () => {
  const { runner, worker } = ready();
  const id = runner.run({ source: 'x', options: {} });
  const a = runner.value({ id, index: 0, steps: 5 });
  const b = runner.value({ id, index: 1, steps: 5, chars: 10 });
  const [qa, qb] = worker.sent.slice(-2);
  assert.deepEqual([qa.type, qa.index, qb.index, qb.chars], [Msg.VALUE, 0, 1, 10]);
  worker.reply({ type: Msg.VALUE, id, req: qb.req, view: { literal: '"x"' } });
  worker.reply({ type: Msg.VALUE, id, req: qa.req, text: 'whole' });
  assert.deepEqual(await a, { type: Msg.VALUE, id, req: qa.req, text: 'whole' });
  assert.deepEqual((await b).view, { literal: '"x"' });
  const c = runner.value({ id, index: 0, steps: 5 });
  worker.reply({ type: Msg.FATAL, message: 'boom' });
  const answer = await Promise.race([c, sleep(1000).then(() => ({ error: 'no answer within 1 s' }))]);
  assert.match(answer.error, /restarted/);
});

test('a running program that stays silent for 10 s means a stuck worker; paused or waiting, it does not', () => {
  let going = true;
  const { runner, events, worker } = ready({ going: () => going });
  const id = runner.run({ source: 'x', options: {} });
  // 11 s later, nothing heard.
  const now = performance.now.bind(performance);
  const later = now() + 11_000;
  performance.now = () => later;
  try {
    going = false;
    runner.checkSilence();
    assert.equal(worker.terminated, false);
    going = true;
    runner.checkSilence();
  } finally {
    performance.now = now;
  }
  assert.ok(worker.terminated);
  assert.deepEqual(events.at(-1), { type: Msg.DIED, id, message: 'the runner did not answer for 10 s' });
});

test('format requests carry the selection and breakpoints, are answered by request, and fail when the worker is replaced', async () => {
  const { runner, events, worker } = ready();
  const id = runner.run({ source: 'x', options: {} });
  const a = runner.format('a:  1', { anchor: 4, lines: [1] });
  const q = worker.sent.at(-1);
  assert.deepEqual({ ...q, req: 0 }, { type: Msg.FORMAT, req: 0, source: 'a:  1', anchor: 4, head: 4, lines: [1] });
  // A run's messages and a format's answer do not mix.
  worker.reply({ type: Msg.PROGRESS, id, output: '', steps: 1 });
  const answer = { type: Msg.FORMATTED, req: q.req, changes: [{ from: 2, to: 4, insert: '\n    ' }], anchor: 7, head: 7, lines: [1] };
  worker.reply(answer);
  assert.deepEqual(await a, answer);
  assert.deepEqual(types(events), [Msg.READY, Msg.PROGRESS]);
  const b = runner.format('1 2');
  worker.reply({ type: Msg.FATAL, message: 'boom' });
  const failed = await Promise.race([b, sleep(1000).then(() => ({ error: 'no answer within 1 s' }))]);
  assert.match(failed.error, /restarted/);
});
