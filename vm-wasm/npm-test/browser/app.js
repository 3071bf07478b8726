// A web app that uses @simple-vm/vm-wasm as a bundler or the browser resolves it: the
// browser test (browser.test.mjs) bundles it with esbuild, and also loads it unbundled
// through an import map. It runs a program to its end and shows what happened.
import { compile, Session, version } from '@simple-vm/vm-wasm';

const session = new Session('"6 * 7 = " 6 7 * concat println 1 2', '', { maxSteps: 1e6 });
let result;
do result = session.run(10000);
while (result.status === 'paused');
const [bad] = compile('1 2 +\n  foo jmp').diagnostics;
const seen = {
  version: version(),
  status: result.status,
  output: result.output,
  stack: session.stack().map((v) => v.value),
  diagnostic: `${bad.line}:${bad.column} ${bad.message}`,
  // Which build this is: only the browser build exports its `initSync`.
  build: typeof (await import('@simple-vm/vm-wasm')).initSync === 'function' ? 'web' : 'node',
};
document.querySelector('#result').textContent = JSON.stringify(seen);
