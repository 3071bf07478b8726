// The editor's checks as you type, in a worker of their own (check-worker.js): the
// program's diagnostics and its static stack effects. At most one text is being checked
// and one waits; a newer text replaces the waiting one, whose caller gets null (the
// editor has moved on from it).

export class Checker {
  /** `spawn(url)`: makes the worker (a Worker; tests give a fake). `onReady()`: the first checks can be asked. */
  constructor({ spawn = (url) => new Worker(url, { name: 'simple-vm checker' }), onReady = () => {} } = {}) {
    this.spawnWorker = spawn;
    this.onReady = onReady;
    this.worker = null;
    this.ready = false;
    this.broken = null;
    this.nextId = 1;
    /** The text being checked: { id, resolve }. */
    this.busy = null;
    /** The text waiting: { source, resolve }. */
    this.waiting = null;
  }

  /** Starts the worker with the compiled WebAssembly `module`. */
  start(module, url) {
    this.worker = this.spawnWorker(url);
    this.worker.onmessage = (e) => this.message(e.data);
    this.worker.onerror = (e) => this.fail(e.message || 'the checker stopped');
    this.worker.postMessage({ type: 'init', module });
  }

  /**
   * Checks `source`: resolves to `{ compiled, effects }` (vm-wasm's `compile()` and, when
   * it compiles, `effects()`), or null when the checker is not there (yet, or any more)
   * or a newer text took this one's place.
   */
  check(source) {
    if (!this.ready) return Promise.resolve(null);
    return new Promise((resolve) => {
      this.waiting?.resolve(null);
      this.waiting = { source, resolve };
      this.next();
    });
  }

  next() {
    if (this.busy || !this.waiting || !this.ready) return;
    const { source, resolve } = this.waiting;
    this.waiting = null;
    this.busy = { id: this.nextId++, resolve };
    this.worker.postMessage({ type: 'check', id: this.busy.id, source });
  }

  message(msg) {
    switch (msg.type) {
      case 'ready':
        this.ready = true;
        this.onReady();
        return;
      case 'checked':
        if (this.busy?.id !== msg.id) return;
        this.busy.resolve({ compiled: msg.compiled, effects: msg.effects });
        this.busy = null;
        this.next();
        return;
      case 'fatal':
        this.fail(msg.message);
        return;
    }
  }

  /** The worker is gone: every caller gets null from now on (the editor checks nothing). */
  fail(message) {
    this.broken = message;
    this.ready = false;
    this.worker?.terminate();
    this.busy?.resolve(null);
    this.waiting?.resolve(null);
    this.busy = this.waiting = null;
  }
}
