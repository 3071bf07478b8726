// The editor's checker: compiles the program and finds its static stack effects
// (vm-wasm's `check`: `compile` and `effects` from one compilation) off the page's main
// thread, where a large program took hundreds of milliseconds. One request at a time;
// checker.js sends only the latest.
//
// page -> worker: { type: 'init', module }, { type: 'check', id, source }
// worker -> page: { type: 'ready' }, { type: 'checked', id, compiled, effects },
//   { type: 'fatal', message }

import { initSync, check } from '../pkg/vm_wasm.js';

/**
 * How many instructions the stack-effect analysis may process for one text (each
 * routine counts once per round of its fixpoint): about a second in the worst case
 * measured, after which the editor shows no hints for that text.
 */
export const EFFECTS_BUDGET = 1_000_000;

const post = (msg) => self.postMessage(msg);

self.onmessage = (e) => {
  const msg = e.data;
  try {
    if (msg.type === 'init') {
      initSync({ module: msg.module });
      post({ type: 'ready' });
    } else if (msg.type === 'check') {
      const { compiled, effects } = check(msg.source, EFFECTS_BUDGET);
      post({ type: 'checked', id: msg.id, compiled, effects });
    }
  } catch (err) {
    post({ type: 'fatal', message: String((err && err.message) || err) });
    self.close();
  }
};
