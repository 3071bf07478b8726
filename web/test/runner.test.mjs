// Unit tests of src/runner.js with a stand-in for the browser's Worker: the runner carries
// the page's commands, drops the late messages of a run the page moved on from, ends a
// worker that does not answer a stop, and replaces one that dies.
//
//   node --test web/test/runner.test.mjs

import { test, afterEach } from 'node:test';
import assert from 'node:assert/strict';
import { setTimeout as sleep } from 'node:timers/promises';
import { Runner, STOP_GRACE_MS, Channel, STALE } from '../src/runner.js';
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
function ready({ going = () => true, onRequests } = {}) {
  const events = [];
  const runner = new Runner({ module: 'the module', url: 'worker.js', onEvent: (m) => events.push(m), isGoing: going, onRequests });
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

/** Resolves to what `p` resolves to, or to 'pending' if it has not within a few ms. */
const settled = (p) => Promise.race([p, sleep(5).then(() => 'pending')]);

test('a channel keeps the latest request: an older one is stale at once and its answer is dropped', async () => {
  const { runner, worker } = ready();
  const a = runner.tierModule('1 println', 1000);
  const qa = worker.sent.at(-1);
  const b = runner.tierModule('2 println', 1000);
  const qb = worker.sent.at(-1);
  assert.deepEqual([qa.type, qa.source, qb.source], [Msg.TIER_MODULE, '1 println', '2 println']);
  assert.equal(await settled(a), STALE, 'the older request is stale as soon as the newer one is sent');
  worker.reply({ type: Msg.TIER_MODULE, req: qa.req, ok: true, text: 'old' });
  worker.reply({ type: Msg.TIER_MODULE, req: qb.req, ok: true, text: 'new' });
  assert.equal((await settled(b)).text, 'new');
  // Other channels and plain requests are not touched by it.
  const d = runner.disasm('x', 0, 10, { channel: Channel.DISASM });
  const more = runner.disasm('x', 10, 10);
  runner.tierModule('3 println', 1000);
  const [qd, qm] = worker.sent.slice(-3, -1);
  worker.reply({ type: Msg.DISASM, req: qd.req, ok: true, rows: [] });
  worker.reply({ type: Msg.DISASM, req: qm.req, ok: true, rows: [1] });
  assert.deepEqual([(await settled(d)).rows, (await settled(more)).rows], [[], [1]]);
  // cancel: the channel's request is stale; a request after it is sent at once.
  const e = runner.disasm('y', 0, 10, { channel: Channel.DISASM });
  runner.cancel(Channel.DISASM);
  assert.equal(await settled(e), STALE);
});

test("the Timeline's channel: one request in the worker, the latest waiting behind it, made when it is sent", async () => {
  const { runner, worker } = ready();
  let window = 0;
  const sent = () => worker.sent.filter((m) => m.type === Msg.TIMELINE);
  const a = runner.timeline({ id: 1, first: 0, count: 200, lines: true });
  const b = runner.timeline(() => ({ id: 1, first: window, count: 200 }));
  const c = runner.timeline(() => ({ id: 1, first: window, count: 200 }));
  assert.equal(sent().length, 1, 'one at a time');
  assert.equal(await settled(b), STALE, 'a waiting request is replaced by a newer one');
  assert.equal(await settled(c), 'pending');
  window = 400;
  worker.reply({ type: Msg.TIMELINE, req: sent()[0].req, info: { steps: 9 }, steps: [] });
  assert.deepEqual((await settled(a)).info, { steps: 9 });
  assert.equal(sent().length, 2, 'the waiting one is sent when the answer comes');
  assert.deepEqual({ ...sent()[1], req: 0 }, { type: Msg.TIMELINE, id: 1, first: 400, count: 200, lines: false, req: 0 });
  worker.reply({ type: Msg.TIMELINE, req: sent()[1].req, info: { steps: 9 }, steps: [{ step: 400 }] });
  assert.deepEqual((await settled(c)).steps, [{ step: 400 }]);
  // Cancelled: the one in the worker and the one waiting are stale; the next goes at once.
  const d = runner.timeline({ id: 2, first: 0, count: 1 });
  const e = runner.timeline({ id: 2, first: 5, count: 1 });
  runner.cancel(Channel.TIMELINE);
  assert.deepEqual([await settled(d), await settled(e)], [STALE, STALE]);
  runner.timeline({ id: 3, first: 0, count: 1 });
  assert.equal(sent().at(-1).id, 3);
  worker.reply({ type: Msg.TIMELINE, req: sent().at(-2).req, info: {} }); // the stale answer comes late: dropped
  assert.equal(sent().length, 4);
});

test('the requests waiting for the worker are told as they change; a replaced worker fails them all', async () => {
  const seen = [];
  const { runner, worker } = ready({ onRequests: (p) => seen.push(p) });
  const v = runner.value({ id: 1, index: 0, steps: 1 });
  runner.timeline({ id: 1, first: 0, count: 1 });
  const w = runner.timeline({ id: 1, first: 1, count: 1 });
  assert.deepEqual(runner.pending(), { sent: { value: 1, timeline: 1 }, waiting: { timeline: 1 } });
  assert.deepEqual(seen.at(-1), runner.pending());
  worker.reply({ type: Msg.FATAL, message: 'boom' });
  assert.match((await settled(v)).error, /restarted/);
  assert.match((await settled(w)).error, /restarted/, 'a request waiting in its channel fails too');
  assert.deepEqual(seen.at(-1), { sent: {}, waiting: {} });
});
