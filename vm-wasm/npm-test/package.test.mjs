// The npm package @simple-vm/vm-wasm as installed from its tarball into a new project
// (scripts/package-test.sh copies this file there and runs it with `node --test`).
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { createRequire } from 'node:module';
import { execFileSync } from 'node:child_process';
import fs from 'node:fs';
import path from 'node:path';

const require = createRequire(import.meta.url);
const NAME = '@simple-vm/vm-wasm';
const vm = require(NAME);
const DIR = path.dirname(require.resolve(`${NAME}/package.json`));
const manifest = JSON.parse(fs.readFileSync(path.join(DIR, 'package.json'), 'utf8'));

/** Runs a session to its end, slice by slice, answering `read` from `input`. */
function runToEnd(session, input = []) {
  let output = '';
  for (let slices = 0; slices < 1000; slices++) {
    const r = session.run(10_000);
    output += r.output;
    if (r.status === 'needs_input') {
      if (input.length) session.provideInput(input.shift());
      else session.endInput();
    } else if (r.status !== 'paused') {
      return { ...r, output };
    }
  }
  throw new Error('the program did not end in 1000 slices');
}

test('package.json names the package, its license, repository and types', () => {
  assert.equal(manifest.name, NAME);
  assert.match(manifest.description, /\S{10}/);
  assert.equal(manifest.license, 'MIT OR Apache-2.0');
  assert.match(manifest.repository.url, /^https:\/\/github\.com\//);
  assert.ok(fs.existsSync(path.join(DIR, manifest.main)), `main ${manifest.main}`);
  assert.ok(fs.existsSync(path.join(DIR, manifest.types)), `types ${manifest.types}`);
  assert.match(fs.readFileSync(path.join(DIR, manifest.types), 'utf8'), /export class Session/);
});

test('it loads with require and with import, and says its version', async () => {
  const esm = await import(NAME);
  for (const name of ['compile', 'ops', 'version', 'Session']) {
    assert.equal(typeof esm[name], 'function', `import { ${name} }`);
    assert.equal(esm[name], vm[name], `import { ${name} } is require(...).${name}`);
  }
  assert.equal(vm.version(), manifest.version);
  assert.ok(vm.ops().some((op) => op.name === 'concat' && op.effect));
});

test('its exports conditions: Node.js gets the Node.js build, bundlers and browsers the browser one', () => {
  const entry = manifest.exports['.'];
  assert.deepEqual(Object.keys(entry), ['types', 'node', 'browser', 'import', 'require', 'default']);
  assert.equal(require.resolve(NAME), path.join(DIR, manifest.main));
  for (const condition of ['browser', 'import']) {
    assert.equal(entry[condition], './web/index.js', condition);
  }
  const web = fs.readFileSync(path.join(DIR, 'web', 'index.js'), 'utf8');
  assert.match(web, /^await init\(/m, 'the browser entry is ready when imported');
  assert.match(web, /^export \* from '\.\/vm_wasm\.js';$/m);
  for (const file of ['vm_wasm.js', 'vm_wasm_bg.wasm', 'vm_wasm.d.ts', 'index.d.ts']) {
    assert.ok(fs.existsSync(path.join(DIR, 'web', file)), `web/${file}`);
  }
});

test('the license texts and the README are in the package', () => {
  assert.match(fs.readFileSync(path.join(DIR, 'LICENSE-MIT'), 'utf8'), /^MIT License/);
  assert.match(fs.readFileSync(path.join(DIR, 'LICENSE-APACHE'), 'utf8'), /Apache License\s+Version 2\.0/);
  assert.match(fs.readFileSync(path.join(DIR, 'README.md'), 'utf8'), /^# @simple-vm\/vm-wasm/);
});

test('a program runs: its output, exit code and final stack', () => {
  const session = new vm.Session(
    'read " and " swap concat println 9007199254740993 1 + 2 stop',
    '"x"',
    { maxSteps: 1000 },
  );
  const r = runToEnd(session, ['typed']);
  assert.equal(r.status, 'halted');
  assert.equal(r.exitCode, '0');
  assert.equal(r.output, ' and typed\n');
  assert.deepEqual(
    session.stack().map((v) => [v.type, v.value]),
    [['Str', 'x'], ['Num', '9007199254740994'], ['Num', '2']],
  );
});

test('a compile error has its position, from compile and from new Session', () => {
  const source = 'start:\n  1 2 +\n  nowhere jmp';
  const compiled = vm.compile(source);
  assert.equal(compiled.ok, false);
  const [d] = compiled.diagnostics;
  assert.match(d.message, /undefined label `nowhere`/);
  assert.deepEqual([d.line, d.column, d.endColumn], [3, 3, 10]);
  assert.equal(source.slice(d.from, d.to), 'nowhere');
  assert.throws(() => new vm.Session(source, '', {}), (e) => e.kind === 'compile' && e.diagnostics[0].line === 3);
});

test('a runtime error has its message, position, stack and rendering', () => {
  const r = runToEnd(new vm.Session('1 2 println\n7 0 %', '', {}));
  assert.equal(r.status, 'error');
  assert.equal(r.output, '2\n');
  assert.match(r.error.message, /division by zero/);
  assert.deepEqual([r.error.span.line, r.error.span.column], [2, 5]);
  assert.deepEqual(r.error.stack.map((v) => v.value), ['1', '7', '0']);
  assert.match(r.error.rendered, /--> program:2:5/);
});

test('the example of the README runs and prints what the README says', () => {
  const readme = fs.readFileSync(path.join(DIR, 'README.md'), 'utf8');
  const example = readme.match(/```js\n([\s\S]*?)```\n\s*prints\s*\n\s*```text\n([\s\S]*?)```/);
  assert.ok(example, 'README.md has a ```js block followed by "prints" and a ```text block');
  const [, code, expected] = example;
  assert.ok(code.trim().split('\n').length <= 12, 'the example is about ten lines');
  const file = path.join(path.dirname(new URL(import.meta.url).pathname), 'readme-example.cjs');
  fs.writeFileSync(file, code);
  assert.equal(execFileSync(process.execPath, [file], { encoding: 'utf8' }), expected);
});

test('a budget is a whole number from 0 to 2**53 - 1: it does not wrap, and anything else throws', () => {
  // With a 32-bit budget, 2**32 + 5 was 5 steps and Infinity 0 (paused for ever).
  const counting = new vm.Session('0 loop: 1 + dup 100 == end loop if jmp end: drop', '', {});
  assert.equal(counting.run(2 ** 32 + 5).status, 'halted');
  const session = new vm.Session('loop: loop jmp', '', {});
  assert.equal(session.run(0).steps, 0);
  for (const [budget, wrong] of [
    [Infinity, /^budget is infinite/],
    [NaN, /^budget is not a number/],
    [undefined, /^budget is not a number/],
    [-1, /^budget is negative/],
    [0.5, /^budget has a fraction/],
    [2 ** 53, /^budget is above 2\*\*53 - 1/],
  ]) {
    for (const call of ['run', 'stepOver', 'stepOut']) {
      assert.throws(() => session[call](budget), (e) => e instanceof Error && wrong.test(e.message), `${call}(${budget})`);
    }
  }
  assert.equal(session.steps(), 0);
});

test('everything it throws is an Error with a kind; compile and argument errors carry their diagnostics', () => {
  const caught = (f) => {
    try {
      f();
    } catch (e) {
      assert.ok(e instanceof Error, `${e} is an Error`);
      assert.match(e.stack, /\S/);
      return e;
    }
    assert.fail('did not throw');
  };
  const compileError = caught(() => new vm.Session('1 2 +\n  nowhere jmp', '', {}));
  assert.equal(compileError.kind, 'compile');
  assert.equal(compileError.message, 'compile error at 2:3: undefined label `nowhere` (1 reference)');
  assert.deepEqual(compileError.diagnostics.map((d) => [d.line, d.column]), [[2, 3]]);
  const argsError = caught(() => new vm.Session('1', '"open', {}));
  assert.equal(argsError.kind, 'args');
  assert.equal(argsError.diagnostics[0].column, 1);
  assert.equal(caught(() => vm.format('"open')).kind, 'compile');
  const optionsError = caught(() => new vm.Session('1', '', { profile: 'yes' }));
  assert.equal(optionsError.kind, 'options');
  assert.match(optionsError.message, /`profile` must be true or false/);
  assert.equal(caught(() => new vm.Session('1', '', {}).run(-1)).kind, 'budget');
});

test('an option it does not know is refused, named, with the one meant when it is close', () => {
  assert.throws(
    () => new vm.Session('1', '', { max_steps: 100 }),
    (e) => e instanceof Error && e.kind === 'options' &&
      /^bad options: unknown option `max_steps` \(did you mean `maxSteps`\?\); the options are /.test(e.message),
  );
  assert.throws(() => new vm.Session('1', '', { colour: 'red' }), /unknown option `colour`; the options are/);
});

test('the WebAssembly tier runs in Node.js: the same output and steps, most steps in the module, its text', () => {
  const source = '0 loop: 1 + dup 100000 < loop end if jmp\nend: println';
  const plain = new vm.Session(source, '', {});
  const tiered = new vm.Session(source, '', { tier: true });
  const [a, b] = [plain.run(1e9), tiered.run(1e9)];
  assert.deepEqual([b.status, b.output, b.steps], [a.status, a.output, a.steps]);
  assert.equal(a.output, '100000\n');
  const info = tiered.tier();
  assert.equal(info.error, null);
  assert.ok(info.functions.some((f) => f.name === 'loop'), JSON.stringify(info.functions));
  assert.ok(tiered.tierSteps() > 0.9 * b.steps, `${tiered.tierSteps()} of ${b.steps} steps in the module`);
  assert.equal(plain.tier(), null);
  assert.match(tiered.tierText(1e6).text, /\(func \$loop \(param \$block i32\) .*\(result i32 i32 i32 i64 i32\)/);
  assert.equal(vm.tierModule(source, 10).text.text.length, 10);
});

/** The keys of `value` and of every object in it, as `path.key`. */
function keysOf(value, path = '') {
  if (Array.isArray(value)) return value.flatMap((v, i) => keysOf(v, `${path}[${i}]`));
  if (value === null || typeof value !== 'object') return [];
  return Object.entries(value).flatMap(([k, v]) => [`${path}.${k}`, ...keysOf(v, `${path}.${k}`)]);
}

test('its public face is camelCase: the methods, every field of every result, the options', () => {
  const methods = Object.getOwnPropertyNames(vm.Session.prototype).filter((m) => !m.startsWith('__'));
  assert.ok(methods.includes('stepOver') && methods.includes('callStack'), methods.join(' '));
  assert.deepEqual(methods.filter((m) => !/^[a-z][a-zA-Z]*$/.test(m)), []);
  const source = 'f call\n1 "a" +\nf: 2 print return';
  const session = new vm.Session(source, '', { maxSteps: 100, maxOutput: 1000, maxStack: 10, maxCalls: 10, history: 10, profile: true });
  const results = [session.step(), session.stepOver(10), session.stepOut(10), session.stepBack(), session.run(100)];
  assert.equal(results.at(-1).error.kind, 'type_error');
  const shapes = {
    results, compiled: vm.compile('x: 1 nope'), disasm: vm.disasm(source, 0, 10), ops: vm.ops().slice(0, 3),
    stack: session.stack(), top: session.stackTop(1), view: session.valueView(0, 5), frames: session.callStack(),
    position: session.position(), profile: session.profile(),
  };
  const keys = keysOf(shapes);
  for (const key of ['.results[1].timeMs', '.results[3].outputRemoved', '.results[4].error.traceDepth',
    '.results[4].error.stackLen', '.results[4].error.span.endColumn', '.compiled.diagnostics[0].endLine']) {
    assert.ok(keys.includes(key), `${key} in ${keys.join(' ')}`);
  }
  assert.deepEqual(keys.filter((k) => !/^[a-z][a-zA-Z]*$/.test(k.split('.').at(-1))), []);
});
