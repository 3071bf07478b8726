// wasm-text.js: the tier in the Status's words, the WebAssembly panel's summary, and a
// module's text split into its functions (on the text `pkg/`'s `tierModule` makes of fib).
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { initSync, tierModule } from '../pkg/vm_wasm.js';
import { tierStatus, moduleSummary, splitFunctions, share, cutNote, MAX_TEXT } from '../src/wasm-text.js';

initSync({ module: readFileSync(new URL('../pkg/vm_wasm_bg.wasm', import.meta.url)) });
const FIB = readFileSync(new URL('../../examples/fib.svm', import.meta.url), 'utf8');

test('the share of steps never says all or none unless it is', () => {
  assert.equal(share(0, 0), 'none');
  assert.equal(share(0, 100), 'none');
  assert.equal(share(100, 100), 'all');
  assert.equal(share(1, 1000), '1%');
  assert.equal(share(999, 1000), '99%');
  assert.equal(share(9995, 10000), '99%');
  assert.equal(share(50, 200), '25%');
});

test('the Status names the tier, its blocks, its time and its share of the steps', () => {
  const tier = { blocks: 14, declined: 0, functions: [], bytes: 2409, ms: 0.42, error: null, steps: 970 };
  assert.equal(tierStatus(tier, 1000), 'compiled: 14 blocks in 0.4 ms, 97% of the steps ran compiled');
  assert.equal(
    tierStatus({ ...tier, blocks: 1, declined: 2, ms: 12.6, steps: 1000 }, 1000),
    'compiled: 1 block (2 left to the interpreter) in 13 ms, all of the steps ran compiled',
  );
  assert.equal(tierStatus({ ...tier, error: 'the module could not be instantiated: LinkError: x' }, 10), 'interpreted: the module could not be instantiated: LinkError: x');
  assert.equal(
    tierStatus({ ...tier, error: 'the module did not compile: CompileError: WebAssembly.Module(): invalid table count (> max br_table size): 80002 @+47' }, 10),
    'interpreted: this browser could not compile the program to WebAssembly (same results, only slower)',
  );
  assert.equal(tierStatus(null, 10), '');
});

test("fib's module: its summary, and its text in parts, each label's function named after it", () => {
  const m = tierModule(FIB, MAX_TEXT);
  assert.equal(m.ok, true);
  assert.equal(moduleSummary(m.info), `3 functions, 5 blocks, ${m.info.bytes.toLocaleString('en-US')} bytes`);
  const parts = splitFunctions(m.text.text);
  assert.deepEqual(
    parts.map((p) => p.name),
    [null, 'at', 'run', 'main', 'fib', 'recur'],
  );
  assert.equal(parts.map((p) => p.text).join(''), m.text.text);
  assert.match(parts[4].text, /^ {2}\(func \$fib \(param \$block i32\) .*\(result i32 i32 i32 i64 i32\)\n/);
  assert.match(parts[0].text, /^\(module\n {2}\(import "env" "memory"/);
  assert.equal(cutNote(m.text), '');
  const cut = tierModule(FIB, 1000).text;
  assert.equal(cut.text, m.text.text.slice(0, 1000));
  assert.equal(cutNote(cut), `… cut at 1,000 characters of ${m.text.size.toLocaleString('en-US')} in all`);
  assert.deepEqual(splitFunctions(''), [{ name: null, text: '' }]);
  assert.deepEqual(
    splitFunctions('  (func $a\n  )\n').map((p) => p.name),
    ['a'],
  );
});

test('a program that does not compile has no module, and its diagnostics', () => {
  const m = tierModule('1 nope', MAX_TEXT);
  assert.equal(m.ok, false);
  assert.equal(m.diagnostics[0].line, 1);
  assert.equal(m.text.text, '');
});
