// vm-wasm on the page's main thread: the module is compiled once (and posted to the
// workers), and used here for the embeddable page's diagnostics as you type (`compile`;
// the page's own are checker.js's, in a worker), the operations (`ops`: highlighting,
// hover help, the Reference) and where a breakpoint goes. (The Compiled panel's rows are
// made in the runner's worker.)

import { initSync, compile, ops, version, Session, entryOpen } from '../pkg/vm_wasm.js';
import { SetupError } from './protocol.js';

/** The module at `url`, compiled (fetched once). */
export async function loadModule(url) {
  const res = fetch(url);
  try {
    return await WebAssembly.compileStreaming(res);
  } catch {
    // a server without the application/wasm type: compile from the bytes
    const r = await fetch(url);
    if (!r.ok) throw new Error(`${url}: ${r.status} ${r.statusText}`);
    return WebAssembly.compile(await r.arrayBuffer());
  }
}

let ready = false;

/** Instantiates `module` on the main thread. */
export function initVm(module) {
  initSync({ module });
  ready = true;
}

export { ops, version };

/** Does a console entry go on over another line (a string or a definition left open)? false before the module is there. */
export const consoleEntryOpen = (text) => ready && entryOpen(text);

/** vm-wasm's `compile(source)` (diagnostics and labels), or null before the module is there. */
export const compileSource = (source) => (ready ? compile(source) : null);

/**
 * The line that gets a breakpoint clicked on `line` of `source` (which has `lines`
 * lines): the first line from there with an instruction, or null. Asks the compiler (a
 * session that never runs); a program that does not compile, or a module not there yet,
 * gets the breakpoint where it was clicked.
 */
export function breakpointLine(source, line, lines) {
  if (!ready) return line;
  let session;
  try {
    session = new Session(source, '', {});
  } catch (e) {
    // A compile error (an Error of kind `compile`); anything else is a bug.
    if (e instanceof Error && e.kind === SetupError.COMPILE) return line;
    throw e;
  }
  try {
    const last = Math.min(line + 200, lines);
    const candidates = [];
    for (let l = line; l <= last; l++) candidates.push(l);
    const got = Array.from(session.setBreakpoints(candidates));
    return got.length ? Math.min(...got) : null;
  } finally {
    session.free();
  }
}
