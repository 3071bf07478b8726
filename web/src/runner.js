// The page's side of the worker protocol: owns the worker, replaces it when it dies or
// does not answer a stop, and turns its messages into events for the page. Which command
// is allowed when is the page's run state's to say (run-state.js): the runner only
// carries them, and drops the late messages of a run the page has moved on from.
//
// Every request of the page to the worker (a stack value, Format, the Timeline's steps,
// the WebAssembly module, the Compiled panel's rows) goes through `request`: the one place
// that sends it with its `req`, gives its answer to the one who asked, and cancels the
// stale ones. A request may belong to a channel (`Channel`): a newer request of the
// channel makes the older one stale (its answer is dropped, its promise resolves to
// `{ stale: true }`), or, for a queued channel (the Timeline's: a replay must not be asked
// twice at once), waits behind the one the worker has, in place of any older waiting one.

import { Msg, Status } from './protocol.js';

/** A stop not acknowledged within this time ends the worker instead (ms). */
export const STOP_GRACE_MS = 40;
/** A running program that sends nothing for this long means a stuck worker (ms). */
const SILENCE_MS = 10_000;
/** A worker that dies this many times in a row before it is ready is not restarted. */
const MAX_EARLY_DEATHS = 3;

/**
 * The channels of requests: in each, only the latest request counts. `queue`: one at a
 * time in the worker, the latest waiting behind it.
 */
export const Channel = Object.freeze({
  /** the Timeline's steps of a run (queued: each may replay the run) */
  TIMELINE: 'timeline',
  /** the WebAssembly panel's module of the editor's program */
  TIER_MODULE: 'tier_module',
  /** the Compiled panel's first rows of the editor's program */
  DISASM: 'disasm',
});
const QUEUED = new Set([Channel.TIMELINE]);

/** The answer of a request that a newer one of its channel (or a `cancel`) made stale. */
export const STALE = Object.freeze({ stale: true });

/** The types of the worker's answers to requests (each with the request's `req`). */
const ANSWERS = new Set([Msg.VALUE, Msg.FORMATTED, Msg.TIMELINE, Msg.TIER_MODULE, Msg.DISASM]);

export class Runner {
  /**
   * module: the compiled WebAssembly.Module (sent to each worker, never fetched twice);
   * url: the worker script; onEvent(msg): every message of the protocol, plus
   * { type: Msg.DIED, id, message, final? } when a worker had to be replaced;
   * isGoing(): is the worker running the program (so that its silence means it is stuck)?
   * onRequests(pending): the requests waiting for the worker changed (`pending()`).
   */
  constructor({ module, url, onEvent, isGoing, onRequests = () => {} }) {
    this.module = module;
    this.url = url;
    this.onEvent = onEvent;
    this.isGoing = isGoing;
    this.onRequests = onRequests;
    this.worker = null;
    this.ready = false;
    this.earlyDeaths = 0;
    this.nextId = 1;
    this.current = null; // { id, steps, time_ms, heardAt, sleepUntil, stopping }
    this.ended = null; // { id } of a finished run the worker keeps for stepping back
    this.stopTimer = 0;
    this.requests = new Map(); // requests sent, waiting for the worker: req -> { resolve, channel }
    this.channels = new Map(); // channel -> { sent: req or 0, waiting: { msg, resolve } or null }
    this.nextReq = 1;
    this.watchdog = setInterval(() => this.checkSilence(), 1000);
    this.spawn();
  }

  spawn() {
    const w = new Worker(this.url, { name: 'simple-vm runner' });
    this.worker = w;
    this.ready = false;
    w.onmessage = (e) => {
      if (w === this.worker) this.receive(e.data);
    };
    w.onerror = (e) => {
      e.preventDefault();
      if (w === this.worker) this.replace(e.message || 'the runner failed');
    };
    w.onmessageerror = () => {
      if (w === this.worker) this.replace('a message from the runner could not be read');
    };
    w.postMessage({ type: Msg.INIT, module: this.module });
  }

  /** Ends the current worker and starts a fresh one; tells the page when it died. */
  replace(reason, { quiet = false } = {}) {
    this.worker.terminate();
    const gone = { error: 'the runner was restarted: its values are gone' };
    for (const { resolve } of this.requests.values()) resolve(gone);
    for (const ch of this.channels.values()) ch.waiting?.resolve(gone);
    this.requests.clear();
    this.channels.clear();
    this.requestsChanged();
    const run = this.current;
    this.current = null;
    this.ended = null;
    clearTimeout(this.stopTimer);
    if (!this.ready && !quiet) this.earlyDeaths++;
    if (this.earlyDeaths >= MAX_EARLY_DEATHS) {
      this.worker = null;
      this.onEvent({ type: Msg.DIED, id: run && run.id, message: reason, final: true });
      return;
    }
    this.spawn();
    if (!quiet) this.onEvent({ type: Msg.DIED, id: run && run.id, message: reason });
    return run;
  }

  receive(msg) {
    if (msg.type === Msg.READY) {
      this.ready = true;
      this.earlyDeaths = 0;
    }
    if (msg.type === Msg.FATAL) {
      this.replace(msg.message);
      return;
    }
    if (ANSWERS.has(msg.type)) {
      this.answer(msg);
      return;
    }
    const run = this.current;
    if (run && msg.id === run.id) {
      run.heardAt = performance.now();
      if ('steps' in msg) run.steps = msg.steps;
      if ('time_ms' in msg) run.time_ms = msg.time_ms;
      run.sleepUntil = msg.sleeping_ms ? performance.now() + msg.sleeping_ms : 0;
      if (msg.type === Msg.DONE || msg.type === Msg.SETUP_ERROR) {
        this.current = null;
        this.ended = msg.resumable ? { id: run.id } : null;
        clearTimeout(this.stopTimer);
      }
      if (msg.type === Msg.HISTORY_EMPTY) this.current = null; // the run stays ended
    } else if (msg.id !== undefined && msg.type !== Msg.READY) {
      return; // a late message of a run that was stopped
    }
    this.onEvent(msg);
  }

  get alive() {
    return this.worker !== null;
  }

  /** Starts a program; a program still running is stopped first. Returns its id. */
  run({ source, args, stdin, options, paused = false, breakpoints = [] }) {
    if (!this.worker) throw new Error('the runner is not available');
    if (this.current) this.stop();
    this.ended = null;
    const id = this.nextId++;
    this.current = { id, steps: 0, time_ms: 0, heardAt: performance.now(), sleepUntil: 0 };
    this.worker.postMessage({ type: Msg.RUN, id, source, args, stdin, options, paused, breakpoints });
    return id;
  }

  /** Answers a pending `read`: a line, or null for the end of input. */
  input(line) {
    const run = this.current;
    if (!run) return;
    run.heardAt = performance.now();
    this.worker.postMessage(line === null ? { type: Msg.INPUT, id: run.id, eof: true } : { type: Msg.INPUT, id: run.id, line });
  }

  /**
   * A debugger command for the current run: Msg.PAUSE, and from a pause Msg.CONTINUE,
   * STEP, STEP_OVER, STEP_OUT and STEP_BACK. A step back from a run that has ended (and
   * that the worker kept) makes it the current run again.
   */
  send(type) {
    let run = this.current;
    if (!run && type === Msg.STEP_BACK && this.ended && this.worker) {
      run = { id: this.ended.id, steps: 0, time_ms: 0, heardAt: performance.now(), sleepUntil: 0 };
      this.current = run;
    }
    if (!run || run.stopping) return;
    run.heardAt = performance.now();
    this.worker.postMessage({ type, id: run.id });
  }

  /**
   * The whole of a stack value of run `id` (`index` from the bottom, as the stack was
   * after `steps` steps): resolves to `{ text }`, with `chars` to `{ view }` (at most
   * that many characters), or `{ error }`.
   */
  value({ id, index, steps, chars = 0 }) {
    return this.request({ type: Msg.VALUE, id, index, steps, chars });
  }

  /**
   * `source` in the layout of `svm fmt`, formatted by the worker (between two slices of a
   * run), with the cursor (`anchor`, `head`) and the breakpoints' `lines`: resolves to
   * `{ changes, anchor, head, lines }` (format-edits.js `formatChanges`), `{ diagnostics }`
   * (lexical errors) or `{ error }`.
   */
  format(source, { anchor = 0, head = anchor, lines = [] } = {}) {
    return this.request({ type: Msg.FORMAT, source, anchor, head, lines });
  }

  /**
   * The stack over time of run `id` (ended or paused): the kept steps `first..first +
   * count` and, with `lines`, the stack each line last left; resolves to `{ info, steps,
   * lines }` (vm-wasm's `timeline`, `timelineSteps`, `timelineLines`), `{ error }`, or
   * STALE. On the Timeline's channel (queued): `query` may be a function, called when the
   * request is sent, giving `{ id, first, count, lines }`.
   */
  timeline(query) {
    const make = () => {
      const { id, first, count, lines = false } = typeof query === 'function' ? query() : query;
      return { type: Msg.TIMELINE, id, first, count, lines };
    };
    return this.request(make, { channel: Channel.TIMELINE });
  }

  /**
   * The WebAssembly module the tier makes of `source` (vm-wasm's `tierModule`, its text cut
   * to `maxChars` characters): resolves to `{ ok, diagnostics, info, text }`, `{ error }`,
   * or STALE once another is asked for (the WebAssembly panel's channel).
   */
  tierModule(source, maxChars) {
    return this.request({ type: Msg.TIER_MODULE, source, maxChars }, { channel: Channel.TIER_MODULE });
  }

  /**
   * The Compiled panel's rows of `source` (vm-wasm's `disasm`, rows `first..first +
   * count`): resolves to `{ ok, diagnostics, total, rows, … }` or `{ error }`. On a
   * `channel` (Channel.DISASM: a program's first rows), STALE once another is asked for.
   */
  disasm(source, first, count, { channel = null } = {}) {
    return this.request({ type: Msg.DISASM, source, first, count }, { channel });
  }

  /**
   * Sends `msg` (or, for a request that waits in a queued channel, `msg()` when it is
   * sent) with a new `req`; resolves to the worker's answer with that `req`, or to STALE
   * when a newer request of its `channel` (or `cancel`) made it stale.
   */
  request(msg, { channel = null } = {}) {
    if (!this.worker) return Promise.resolve({ error: 'the runner is not available' });
    return new Promise((resolve) => {
      const ch = channel && this.channel(channel);
      if (ch && QUEUED.has(channel) && ch.sent) {
        // The worker has one: this one waits behind it, in place of an older one.
        ch.waiting?.resolve(STALE);
        ch.waiting = { msg, resolve };
      } else {
        if (ch) this.forget(ch);
        this.send1(msg, resolve, channel);
      }
      this.requestsChanged();
    });
  }

  /** Sends a request now. */
  send1(msg, resolve, channel) {
    const req = this.nextReq++;
    const m = typeof msg === 'function' ? msg() : msg;
    this.requests.set(req, { resolve, channel, type: m.type });
    if (channel) this.channel(channel).sent = req;
    this.worker.postMessage({ ...m, req });
  }

  /** A request's answer: to the one who asked (none for a stale request); a request waiting behind it goes. */
  answer(msg) {
    const r = this.requests.get(msg.req);
    this.requests.delete(msg.req);
    if (!r) return;
    const ch = r.channel && this.channels.get(r.channel);
    if (ch && ch.sent === msg.req) {
      ch.sent = 0;
      const next = ch.waiting;
      ch.waiting = null;
      if (next && this.worker) this.send1(next.msg, next.resolve, r.channel);
    }
    this.requestsChanged();
    r.resolve(msg);
  }

  channel(name) {
    let ch = this.channels.get(name);
    if (!ch) this.channels.set(name, (ch = { sent: 0, waiting: null }));
    return ch;
  }

  /** The requests of channel `ch` become stale: resolved with STALE now, their answers dropped. */
  forget(ch) {
    if (ch.sent) {
      this.requests.get(ch.sent)?.resolve(STALE);
      this.requests.delete(ch.sent);
      ch.sent = 0;
    }
    ch.waiting?.resolve(STALE);
    ch.waiting = null;
  }

  /** Makes the requests of `channel` stale (the page moved on from what they were for). */
  cancel(channel) {
    const ch = this.channels.get(channel);
    if (!ch || (!ch.sent && !ch.waiting)) return;
    this.forget(ch);
    this.requestsChanged();
  }

  /**
   * The requests not answered yet, by their message's type: `{ sent, waiting }` (`sent`:
   * the worker has them; `waiting`: behind one of their channel), e.g. `{ sent: { value:
   * 1, timeline: 1 }, waiting: { timeline: 1 } }`.
   */
  pending() {
    const sent = {};
    for (const r of this.requests.values()) sent[r.type] = (sent[r.type] || 0) + 1;
    const waiting = {};
    for (const [name, ch] of this.channels) if (ch.waiting) waiting[name] = 1;
    return { sent, waiting };
  }

  requestsChanged() {
    this.onRequests(this.pending());
  }

  /** Sets the breakpoints (lines of the run's source) of the current or ended run. */
  breakpoints(lines) {
    const id = this.current ? this.current.id : this.ended && this.ended.id;
    if (id && this.worker) this.worker.postMessage({ type: Msg.BREAKPOINTS, id, lines });
  }

  /**
   * Stops the current program. The worker is asked first; if it does not confirm within
   * STOP_GRACE_MS (a long slice), it is ended and replaced. Either way the page gets a
   * `done` event with status `stopped`.
   */
  stop() {
    const run = this.current;
    if (!run || run.stopping) return;
    run.stopping = true;
    this.worker.postMessage({ type: Msg.STOP, id: run.id });
    this.stopTimer = setTimeout(() => {
      if (this.current !== run) return;
      this.replace('stopped', { quiet: true });
      this.onEvent({ type: Msg.DONE, id: run.id, status: Status.STOPPED, steps: run.steps, time_ms: run.time_ms, forced: true });
    }, STOP_GRACE_MS);
  }

  checkSilence() {
    const run = this.current;
    if (!run || !this.isGoing() || !this.worker) return;
    const now = performance.now();
    if (run.sleepUntil && now < run.sleepUntil) return;
    const since = Math.max(run.heardAt, run.sleepUntil || 0);
    if (now - since > SILENCE_MS) this.replace(`the runner did not answer for ${SILENCE_MS / 1000} s`);
  }
}
