// Start-up of a page that runs programs (the playground, the embeddable page): the
// WebAssembly module, then the runner, then the operations, each in a task of its own.

import { Runner } from './runner.js';
import { initVm, ops } from './vm.js';

/**
 * Once `module` (a promise of the compiled WebAssembly.Module) is there: vm-wasm on the
 * main thread, the runner of `control` (run-control.js) on the worker at `workerUrl`,
 * `onReady()`; then, in a task of its own (each stays well under 100 ms), `onOps(ops)`.
 * A module that cannot be loaded goes to `control.loadFailed`.
 */
export function loadRunner(control, module, { workerUrl, onReady = () => {}, onOps }) {
  return module
    .then(async (m) => {
      initVm(m);
      control.loaded((onEvent, isGoing, onRequests) => new Runner({ module: m, url: workerUrl, onEvent, isGoing, onRequests }));
      onReady();
      await new Promise((resolve) => setTimeout(resolve));
      onOps(ops());
      performance.mark('ops-ready');
    })
    .catch((e) => control.loadFailed(e));
}
