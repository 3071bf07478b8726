// The editor's checker: compiles the program and finds its static stack effects
// (vm-wasm's `compile` and `effects`) off the page's main thread, where a large program
// took hundreds of milliseconds. One request at a time; checker.js sends only the latest.
//
// page -> worker: { type: 'init', module }, { type: 'check', id, source }
// worker -> page: { type: 'ready' }, { type: 'checked', id, compiled, effects },
//   { type: 'fatal', message }

import { initSync, compile, effects } from '../pkg/vm_wasm.js';

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
      const compiled = compile(msg.source);
      post({ type: 'checked', id: msg.id, compiled, effects: compiled.ok ? effects(msg.source, EFFECTS_BUDGET) : null });
    }
  } catch (err) {
    post({ type: 'fatal', message: String((err && err.message) || err) });
    self.close();
  }
};
