// Unit tests of src/worker.js, the runner's Web Worker, in Node: its message handling on
// the real bindings (web/pkg, built by `node build.mjs`; the same module the page runs),
// with `self` a stand-in that records what the worker posts. Runs, input, the debugger's
// commands, Stop, and the requests (value, format, timeline, disasm, tier_module), each
// answered with its `req`.
//
//   node --test web/test/worker.test.mjs

import { test, before } from 'node:test';
import assert from 'node:assert/strict';
import fs from 'node:fs';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { Msg, Status, Reason, Command, SetupError } from '../src/protocol.js';

const WEB = path.dirname(path.dirname(fileURLToPath(import.meta.url)));

/** What the worker posted, oldest first. */
const posted = [];
let closed = false;
// The worker yields between slices with a MessageChannel message to itself. Node's ports
// deliver a message posted from a port's own handler before its timers run, so that a
// loop would keep the tests' timers waiting: here the message is a setImmediate, which
// lets the timers (and the tests' messages) in between, as the browser's task queue does.
globalThis.MessageChannel = class {
  constructor() {
    const port1 = { onmessage: null };
    this.port1 = port1;
    this.port2 = { postMessage: (data) => setImmediate(() => port1.onmessage?.({ data })) };
  }
};
globalThis.self = {
  postMessage: (m) => posted.push(m),
  close: () => (closed = true),
  onmessage: null,
};
await import('../src/worker.js');

/** Sends `msg` to the worker (as the page does). */
const send = (msg) => self.onmessage({ data: msg });

/** Waits until the worker has posted a message that `pred` accepts (after `from`), and returns it. */
async function until(pred, { from = 0, ms = 5000 } = {}) {
  const end = Date.now() + ms;
  for (;;) {
    const m = posted.slice(from).find(pred);
    if (m) return m;
    if (Date.now() > end) throw new Error(`no such message within ${ms} ms; posted: ${JSON.stringify(posted.slice(from).map((x) => x.type))}`);
    await new Promise((r) => setTimeout(r, 2));
  }
}

let nextId = 1;
/** Runs `source` (and what else the run message says); resolves to the id and the index of its first message. */
function run(source, extra = {}) {
  const id = nextId++;
  const from = posted.length;
  send({ type: Msg.RUN, id, source, args: '', stdin: [], options: { maxOutput: 1 << 20 }, paused: false, breakpoints: [], ...extra });
  return { id, from };
}
const ofRun = (id, type) => (m) => m.id === id && m.type === type;
let nextReq = 1;
/** A request with a new `req`; resolves to the worker's answer with that `req`. */
function request(msg) {
  const req = nextReq++;
  const from = posted.length;
  send({ ...msg, req });
  return until((m) => m.req === req, { from });
}

before(async () => {
  const module = new WebAssembly.Module(fs.readFileSync(path.join(WEB, 'pkg', 'vm_wasm_bg.wasm')));
  send({ type: Msg.INIT, module });
  const ready = await until((m) => m.type === Msg.READY);
  assert.match(ready.version, /^\d+\.\d+\.\d+/);
});

test('a run: started, its output, then done with the exit code, the stack and the tier\'s part', async () => {
  const { id, from } = run('"hi" println 2 3 + 7 exit', { options: { maxOutput: 1 << 20, tier: true } });
  const started = await until(ofRun(id, Msg.STARTED), { from });
  assert.deepEqual(started, { type: Msg.STARTED, id });
  const done = await until(ofRun(id, Msg.DONE), { from });
  const output = posted.slice(from).filter((m) => m.id === id && typeof m.output === 'string').map((m) => m.output).join('');
  assert.equal(output, 'hi\n');
  assert.equal(done.status, Status.HALTED);
  assert.equal(String(done.exit_code), '7');
  assert.deepEqual(done.stack.map((v) => v.literal), ['5']);
  assert.equal(done.stack_len, 1);
  assert.equal(done.resumable, false, 'no history: nothing to step back into');
  assert.equal(typeof done.tier.blocks, 'number', 'a run with the tier says what it compiled');
  assert.equal(typeof done.tier.steps, 'number');
});

test('a program that does not compile, and arguments that cannot be read: setup errors with their diagnostics', async () => {
  const bad = run('1 2 + nope println');
  const e = await until(ofRun(bad.id, Msg.SETUP_ERROR), { from: bad.from });
  assert.equal(e.kind, SetupError.COMPILE);
  assert.match(e.diagnostics[0].message, /undefined label `nope`/);
  assert.equal(e.diagnostics[0].line, 1);
  const args = run('println', { args: '"unterminated' });
  const a = await until(ofRun(args.id, Msg.SETUP_ERROR), { from: args.from });
  assert.equal(a.kind, SetupError.ARGS);
  assert.ok(a.diagnostics.length > 0);
});

test('input: the lines given first, then the page is asked; the end of input', async () => {
  const { id, from } = run('read println read println read println', { stdin: ['one'] });
  const asked = await until(ofRun(id, Msg.NEEDS_INPUT), { from });
  assert.equal(asked.output, 'one\n', 'the first line came from the run\'s input');
  send({ type: Msg.INPUT, id, line: 'two' });
  await until(ofRun(id, Msg.NEEDS_INPUT), { from: posted.indexOf(asked) + 1 });
  send({ type: Msg.INPUT, id, eof: true });
  const done = await until(ofRun(id, Msg.DONE), { from });
  const output = posted.slice(from).filter((m) => m.id === id && typeof m.output === 'string').map((m) => m.output).join('');
  assert.match(output, /^one\ntwo\n/);
  assert.ok([Status.HALTED, Status.ERROR].includes(done.status));
});

test('the debugger: paused at the start, a breakpoint, a step, a step back, Continue to the end', async () => {
  const source = '1 println\n2 println\n3 println\n';
  const { id, from } = run(source, { paused: true, breakpoints: [3], options: { maxOutput: 1 << 20, history: 100 } });
  const bps = await until(ofRun(id, Msg.BREAKPOINTS), { from });
  assert.deepEqual(bps.lines, [3]);
  const start = await until(ofRun(id, Msg.PAUSED), { from });
  assert.deepEqual([start.reason, start.steps, start.position.line], [Reason.START, 0, 1]);
  let mark = posted.length;
  send({ type: Msg.STEP, id });
  const step = await until(ofRun(id, Msg.PAUSED), { from: mark });
  assert.deepEqual([step.reason, step.command, step.steps], [Reason.STEP, Command.STEP, 1]);
  assert.deepEqual(step.stack.map((v) => v.literal), ['1']);
  mark = posted.length;
  send({ type: Msg.STEP_BACK, id });
  const back = await until(ofRun(id, Msg.PAUSED), { from: mark });
  assert.deepEqual([back.reason, back.steps, back.stack_len], [Reason.STEP_BACK, 0, 0]);
  mark = posted.length;
  send({ type: Msg.CONTINUE, id });
  const atBp = await until(ofRun(id, Msg.PAUSED), { from: mark });
  assert.deepEqual([atBp.reason, atBp.position.line], [Reason.BREAKPOINT, 3]);
  assert.equal(atBp.output, '1\n2\n');
  mark = posted.length;
  send({ type: Msg.CONTINUE, id });
  const done = await until(ofRun(id, Msg.DONE), { from: mark });
  assert.equal(done.status, Status.HALTED);
  assert.equal(done.resumable, true, 'a run with history can be stepped back into');
  // A command the run's state does not allow (Step after the end) is ignored.
  mark = posted.length;
  send({ type: Msg.STEP, id });
  send({ type: Msg.STEP_BACK, id });
  const again = await until(ofRun(id, Msg.PAUSED), { from: mark });
  assert.deepEqual([again.reason, again.output_removed], [Reason.STEP_BACK, 2], 'the last println undone: "3\\n" taken off');
  assert.equal(posted.slice(mark).filter((m) => m.id === id).length, 1, 'the step was ignored');
});

test('Stop ends a loop between two slices; a message of another run is ignored', async () => {
  const { id, from } = run('loop: loop jmp');
  await until(ofRun(id, Msg.STARTED), { from });
  await new Promise((r) => setTimeout(r, 30));
  send({ type: Msg.STOP, id: id + 1000 });
  send({ type: Msg.PAUSE, id: id + 1000 });
  await new Promise((r) => setTimeout(r, 20));
  assert.equal(posted.slice(from).some((m) => m.type === Msg.DONE || m.type === Msg.PAUSED), false);
  send({ type: Msg.STOP, id });
  const done = await until(ofRun(id, Msg.DONE), { from });
  assert.equal(done.status, Status.STOPPED);
  assert.ok(done.steps > 0);
});

test('requests are answered with their req: a whole value, Format\'s changes or errors, the rows, the module', async () => {
  const { id, from } = run('"abc" dup concat dup concat 1 exit');
  const done = await until(ofRun(id, Msg.DONE), { from });
  const v = await request({ type: Msg.VALUE, id, index: 0, steps: done.steps, chars: 0 });
  assert.deepEqual([v.type, v.id, v.text], [Msg.VALUE, id, 'abcabcabcabc']);
  const gone = await request({ type: Msg.VALUE, id, index: 0, steps: done.steps - 1, chars: 0 });
  assert.match(gone.error, /gone on since/);
  const f = await request({ type: Msg.FORMAT, source: 'a:   1   println\n', anchor: 0, head: 0, lines: [] });
  assert.equal(f.type, Msg.FORMATTED);
  assert.ok(f.changes.length > 0);
  let text = 'a:   1   println\n';
  for (const c of [...f.changes].sort((x, y) => y.from - x.from)) text = text.slice(0, c.from) + c.insert + text.slice(c.to);
  assert.equal(text, 'a:\n    1 println\n');
  const lexical = await request({ type: Msg.FORMAT, source: '"open', anchor: 0, head: 0, lines: [] });
  assert.match(lexical.diagnostics[0].message, /unterminated string/);
  const d = await request({ type: Msg.DISASM, source: '1 2 + println', first: 0, count: 10 });
  assert.deepEqual([d.ok, d.total, d.rows.map((r) => r.text)], [true, 5, ['1', '2', '+', 'println', '(end)']]);
  assert.deepEqual(d.rows[2].span, { line: 1, column: 5, endLine: 1, endColumn: 6, from: 4, to: 5 });
  const t = await request({ type: Msg.TIER_MODULE, source: 'sq: dup * return', maxChars: 100 });
  assert.equal(t.ok, true);
  assert.ok(t.text.size > 0 && t.text.text.length <= 100);
});

test('the timeline: the steps of an ended run, replayed; none while a run goes on, nor of another run', async () => {
  const { id, from } = run('1 2 + 3 * println');
  const done = await until(ofRun(id, Msg.DONE), { from });
  const t = await request({ type: Msg.TIMELINE, id, first: 0, count: 10, lines: true });
  assert.equal(t.info.steps, done.steps);
  assert.deepEqual(t.steps.map((s) => s.values.map((v) => v.text)).slice(0, 5), [[], ['1'], ['1', '2'], ['3'], ['3', '3']]);
  assert.deepEqual(t.lines.map((n) => n.line), [1]);
  const other = await request({ type: Msg.TIMELINE, id: id + 1000, first: 0, count: 10 });
  assert.match(other.error, /gone on since, or is running/);
  // Requests for a replay still going when another run starts are answered with an error.
  const long = run('0\nloop:\n1 + dup 20000 < loop end if jmp\nend:\ndrop stop\n');
  const ended = await until(ofRun(long.id, Msg.DONE), { from: long.from, ms: 20_000 });
  const req = nextReq++;
  const mark = posted.length;
  send({ type: Msg.TIMELINE, id: long.id, req, first: ended.steps - 5, count: 5 });
  run('1 println');
  const answer = await until((m) => m.req === req, { from: mark });
  assert.equal(answer.error, 'the run has ended: another started');
});

test('a message the worker does not know is a bug: it says so and closes itself', async () => {
  const from = posted.length;
  send({ type: 'no such message' });
  const fatal = await until((m) => m.type === Msg.FATAL, { from });
  assert.match(fatal.message, /unknown message "no such message"/);
  assert.equal(closed, true);
});
