// The page's side of the worker protocol: owns the worker, replaces it when it dies or
// does not answer a stop, and turns its messages into events for the page.

/** A stop not acknowledged within this time ends the worker instead (ms). */
export const STOP_GRACE_MS = 40;
/** A running program that sends nothing for this long means a stuck worker (ms). */
const SILENCE_MS = 10_000;
/** A worker that dies this many times in a row before it is ready is not restarted. */
const MAX_EARLY_DEATHS = 3;

export class Runner {
  /**
   * module: the compiled WebAssembly.Module (sent to each worker, never fetched twice);
   * url: the worker script; onEvent(msg): every message of the protocol, plus
   * { type: 'died', id, message } when a worker had to be replaced.
   */
  constructor({ module, url, onEvent }) {
    this.module = module;
    this.url = url;
    this.onEvent = onEvent;
    this.worker = null;
    this.ready = false;
    this.earlyDeaths = 0;
    this.nextId = 1;
    this.current = null; // { id, state, steps, time_ms, heardAt, sleepUntil }
    this.stopTimer = 0;
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
    w.postMessage({ type: 'init', module: this.module });
  }

  /** Ends the current worker and starts a fresh one; tells the page when it died. */
  replace(reason, { quiet = false } = {}) {
    this.worker.terminate();
    const run = this.current;
    this.current = null;
    clearTimeout(this.stopTimer);
    if (!this.ready && !quiet) this.earlyDeaths++;
    if (this.earlyDeaths >= MAX_EARLY_DEATHS) {
      this.worker = null;
      this.onEvent({ type: 'died', id: run && run.id, message: reason, final: true });
      return;
    }
    this.spawn();
    if (!quiet) this.onEvent({ type: 'died', id: run && run.id, message: reason });
    return run;
  }

  receive(msg) {
    if (msg.type === 'ready') {
      this.ready = true;
      this.earlyDeaths = 0;
    }
    if (msg.type === 'fatal') {
      this.replace(msg.message);
      return;
    }
    const run = this.current;
    if (run && msg.id === run.id) {
      run.heardAt = performance.now();
      if ('steps' in msg) run.steps = msg.steps;
      if ('time_ms' in msg) run.time_ms = msg.time_ms;
      run.sleepUntil = msg.sleeping_ms ? performance.now() + msg.sleeping_ms : 0;
      if (msg.type === 'needs_input') run.state = 'input';
      else if (msg.type === 'paused') run.state = 'paused';
      else if (msg.type === 'progress' || msg.type === 'started') run.state = 'running';
      if (msg.type === 'done' || msg.type === 'setup_error') {
        this.current = null;
        clearTimeout(this.stopTimer);
      }
    } else if (msg.id !== undefined && msg.type !== 'ready') {
      return; // a late message of a run that was stopped
    }
    this.onEvent(msg);
  }

  get alive() {
    return this.worker !== null;
  }

  /** Starts a program; a program still running is stopped first. Returns its id. */
  run({ source, args, stdin, options, paused = false }) {
    if (!this.worker) throw new Error('the runner is not available');
    if (this.current) this.stop();
    const id = this.nextId++;
    this.current = { id, state: 'running', steps: 0, time_ms: 0, heardAt: performance.now(), sleepUntil: 0 };
    this.worker.postMessage({ type: 'run', id, source, args, stdin, options, paused });
    return id;
  }

  /** Answers a pending `read`: a line, or null for the end of input. */
  input(line) {
    const run = this.current;
    if (!run || run.state !== 'input') return;
    run.state = 'running';
    run.heardAt = performance.now();
    this.worker.postMessage(line === null ? { type: 'input', id: run.id, eof: true } : { type: 'input', id: run.id, line });
  }

  /** Debugger messages (pause, continue, step) for the current run. */
  send(type) {
    if (this.current) this.worker.postMessage({ type, id: this.current.id });
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
    this.worker.postMessage({ type: 'stop', id: run.id });
    this.stopTimer = setTimeout(() => {
      if (this.current !== run) return;
      this.replace('stopped', { quiet: true });
      this.onEvent({ type: 'done', id: run.id, status: 'stopped', steps: run.steps, time_ms: run.time_ms, forced: true });
    }, STOP_GRACE_MS);
  }

  checkSilence() {
    const run = this.current;
    if (!run || run.state !== 'running' || !this.worker) return;
    const now = performance.now();
    if (run.sleepUntil && now < run.sleepUntil) return;
    const since = Math.max(run.heardAt, run.sleepUntil || 0);
    if (now - since > SILENCE_MS) this.replace(`the runner did not answer for ${SILENCE_MS / 1000} s`);
  }
}
