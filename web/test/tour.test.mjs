// Unit tests of src/tour-data.js (node --test), and of the tour's files in web/tour/ as
// the page reads them.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { existsSync, readFileSync, readdirSync, statSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { join } from 'node:path';
import { compareRun, lessonOrder, literal, loadTour, parseCheck, parseLesson, runRequest } from '../src/tour-data.js';
import { parseMarkdown } from '../src/markdown.js';

const TOUR = fileURLToPath(new URL('../tour/', import.meta.url));

const num = (n) => ({ type: 'Num', value: String(n), literal: String(n), cut: false, bytes: String(n).length });
const str = (s) => ({ type: 'Str', value: s, literal: literal({ type: 'Str', value: s }), cut: false, bytes: Buffer.byteLength(s) });
const bool = (b) => ({ type: 'Bool', value: String(b), literal: String(b), cut: false, bytes: String(b).length });
const halted = (output, stack = [], extra = {}) => ({ status: 'halted', exit_code: '0', output, stack, stack_len: stack.length, ...extra });

test('parseCheck reads every field and fills the defaults', () => {
  const c = parseCheck('{"args": "10 \\"a b\\"", "input": ["3", ""], "output": "7\\n", "stack": [1, "1", true, -9007199254740991]}');
  assert.deepEqual(c, {
    args: '10 "a b"',
    input: ['3', ''],
    output: '7\n',
    stack: [
      { type: 'Num', value: '1' },
      { type: 'Str', value: '1' },
      { type: 'Bool', value: 'true' },
      { type: 'Num', value: '-9007199254740991' },
    ],
    error: null,
    starter: null,
    predict: null,
  });
  assert.deepEqual(parseCheck('{"output": ""}'), { args: '', input: [], output: '', stack: null, error: null, starter: null, predict: null });
  assert.equal(parseCheck('{"output": "", "predict": 4}').predict, 4);
  assert.deepEqual(runRequest(c), { args: '10 "a b"', stdin: ['3', ''] });
});

test('parseCheck says what is wrong with a check', () => {
  const cases = [
    ['{"output": "x"', /not JSON/],
    ['[]', /a JSON object/],
    ['{"output": "", "expected": "x"}', /unknown field "expected"/],
    ['{"stack": []}', /"output" .* is required/],
    ['{"output": 5}', /"output"/],
    ['{"output": "", "args": ["1"]}', /"args" is a string/],
    ['{"output": "", "input": "3\\n4"}', /"input" is a list of lines/],
    ['{"output": "", "input": ["3\\n4"]}', /"input" is a list of lines/],
    ['{"output": "", "stack": 1}', /"stack" is a list/],
    ['{"output": "", "stack": [1.5]}', /not an integer/],
    ['{"output": "", "stack": [9007199254740993]}', /not an integer/],
    ['{"output": "", "stack": [null]}', /integer, a boolean or a string, not null/],
    ['{"output": "", "error": "Type error"}', /"error" is the kind of a runtime error/],
    ['{"output": "", "error": "type_error", "stack": []}', /no final stack/],
    ['{"output": "", "starter": {"output": "", "input": []}}', /"starter": unknown field "input"/],
    ['{"output": "", "starter": {"output": "", "starter": {"output": ""}}}', /"starter": unknown field "starter"/],
    ['{"output": "", "starter": {"stack": []}}', /"starter": "output" .* is required/],
    ['{"output": "", "starter": []}', /"starter": a check is a JSON object/],
    ['{"output": "", "predict": 0}', /"predict" is how many steps/],
    ['{"output": "", "predict": 21}', /"predict" is how many steps/],
    ['{"output": "", "predict": 2.5}', /"predict" is how many steps/],
    ['{"output": "", "starter": {"output": "", "predict": 3}}', /"starter": unknown field "predict"/],
  ];
  for (const [text, message] of cases) assert.throws(() => parseCheck(text), message, text);
});

test('literal writes values as the stack shows them', () => {
  assert.equal(literal({ type: 'Num', value: '-7' }), '-7');
  assert.equal(literal({ type: 'Bool', value: 'true' }), 'true');
  assert.equal(literal({ type: 'Str', value: 'say "hi"\\\n\t' }), '"say \\"hi\\"\\\\\\n\\t"');
});

test('a run with the expected output and stack passes', () => {
  const check = parseCheck('{"output": "3\\n2\\n", "stack": [1, "a", false]}');
  const r = compareRun(check, halted('3\n2\n', [num(1), str('a'), bool(false)]));
  assert.deepEqual(r, { passed: true, differences: [] });
  // Without "stack" the stack is not checked.
  assert.equal(compareRun(parseCheck('{"output": "3\\n2\\n"}'), halted('3\n2\n', [num(5)])).passed, true);
});

test('a differing output is described line by line', () => {
  const check = parseCheck('{"output": "1\\n5\\n3\\n"}');
  assert.deepEqual(compareRun(check, halted('1\n6\n3\n')), { passed: false, differences: ['line 2: expected `5`, got `6`'] });
  assert.deepEqual(compareRun(check, halted('1\n5\n')).differences, [
    'line 3: expected `3`, got nothing',
    'expected 3 lines of output, got 2 lines',
  ]);
  assert.deepEqual(compareRun(check, halted('1\n5\n3\n4\n\n')).differences, [
    'line 4: expected nothing, got `4`',
    'line 5: expected nothing, got an empty line',
    'expected 3 lines of output, got 5 lines',
  ]);
  assert.deepEqual(compareRun(check, halted('')).differences, [
    'the program printed nothing',
    'line 1: expected `1`, got nothing',
    'line 2: expected `5`, got nothing',
    'line 3: expected `3`, got nothing',
  ]);
});

test('a missing or extra final line break is named', () => {
  const withBreak = parseCheck('{"output": "1\\n2\\n"}');
  assert.deepEqual(compareRun(withBreak, halted('1\n2')).differences, [
    'the output does not end with a line break (`println` prints one, `print` does not)',
  ]);
  const without = parseCheck('{"output": "12"}');
  assert.deepEqual(compareRun(without, halted('12\n')).differences, [
    'the output ends with a line break, which is not expected (`print` prints none)',
  ]);
});

test('a long or much longer output is summarised', () => {
  const check = parseCheck(JSON.stringify({ output: 'x\n' }));
  const long = 'y'.repeat(1000);
  const r = compareRun(check, halted(`${long}\n`.repeat(20)));
  assert.equal(r.differences[0], `line 1: expected \`x\`, got \`${'y'.repeat(60)}…\``);
  assert.equal(r.differences.length, 7);
  assert.equal(r.differences[5], '… and 15 more differing lines');
  assert.equal(r.differences[6], 'expected 1 line of output, got 20 lines');
});

test('a megabyte of output is summarised from its first lines', () => {
  const check = parseCheck('{"output": "1\\n2\\n"}');
  const r = compareRun(check, halted('7\n'.repeat(524_288)));
  assert.deepEqual(r.differences, [
    'line 1: expected `1`, got `7`',
    'line 2: expected `2`, got `7`',
    'line 3: expected nothing, got `7`',
    'line 4: expected nothing, got `7`',
    'line 5: expected nothing, got `7`',
    '… and 524,283 more differing lines',
    'expected 2 lines of output, got 524,288 lines',
  ]);
  const oneLine = compareRun(check, halted(`1\n2${'x'.repeat(1 << 20)}\n`));
  assert.deepEqual(oneLine.differences, [`line 2: expected \`2\`, got \`2${'x'.repeat(59)}…\``]);
});

test('a differing final stack is shown whole, as literals', () => {
  const check = parseCheck('{"output": "", "stack": [3, 2, 1]}');
  assert.deepEqual(compareRun(check, halted('', [num(1), num(3), num(2)])), {
    passed: false,
    differences: ['the final stack: expected [3 2 1], got [1 3 2]'],
  });
  assert.deepEqual(compareRun(check, halted('', [])).differences, ['the final stack: expected [3 2 1], got [] (an empty stack)']);
  assert.deepEqual(compareRun(parseCheck('{"output": "", "stack": []}'), halted('', [num(1), num(2)])).differences, [
    'the final stack: expected [], got [1 2]',
  ]);
});

test('a string where a number was expected is named', () => {
  const check = parseCheck('{"output": "", "stack": [1, 7]}');
  assert.deepEqual(compareRun(check, halted('', [num(1), str('7')])).differences, [
    'the final stack: expected [1 7], got [1 "7"] (value 2 from the bottom is the string "7", not the number 7)',
  ]);
  const b = parseCheck('{"output": "", "stack": [true]}');
  assert.equal(compareRun(b, halted('', [str('true')])).passed, false);
});

test('a deep stack shows its top values and its depth', () => {
  const check = parseCheck('{"output": "", "stack": []}');
  const stack = Array.from({ length: 1000 }, (_, i) => num(i + 4000));
  const r = compareRun(check, { ...halted('', stack), stack_len: 5000 });
  assert.deepEqual(r.differences, [
    'the final stack: expected [], got [… 4990 4991 4992 4993 4994 4995 4996 4997 4998 4999] (5,000 values)',
  ]);
  // The page sends only the top values of a deep stack: those alone never pass.
  const top = parseCheck(JSON.stringify({ output: '', stack: [4999] }));
  assert.equal(compareRun(top, { ...halted('', [num(4999)]), stack_len: 2 }).passed, false);
});

test('a string cut by the page is compared by its start and size', () => {
  const long = 'é'.repeat(300);
  const check = parseCheck(JSON.stringify({ output: '', stack: [long] }));
  const cut = { type: 'Str', value: `${'é'.repeat(200)}…`, literal: `"${'é'.repeat(200)}…"`, cut: true, bytes: 600 };
  assert.equal(compareRun(check, halted('', [cut])).passed, true);
  assert.equal(compareRun(check, halted('', [{ ...cut, bytes: 602 }])).passed, false);
  const other = parseCheck(JSON.stringify({ output: '', stack: [`x${long.slice(1)}`] }));
  assert.equal(compareRun(other, halted('', [cut])).passed, false);
});

test('a runtime error, an exit code, a stop or a compile error fails the check', () => {
  const check = parseCheck('{"output": "a\\n", "stack": []}');
  const error = {
    status: 'error',
    output: 'a\n',
    stack: [str('x'), num(12)],
    stack_len: 2,
    error: { kind: 'type_error', message: 'type error: `/` ( a b -- a/b ) expects two numbers, found Str "x" and Num 12', span: { line: 5, column: 7 } },
  };
  assert.deepEqual(compareRun(check, error).differences, [
    'the program stopped with a runtime error at line 5, column 7: type error: `/` ( a b -- a/b ) expects two numbers, found Str "x" and Num 12',
  ]);
  assert.deepEqual(compareRun(check, { ...error, output: '' }).differences.slice(1), [
    'the program printed nothing',
    'line 1: expected `a`, got nothing',
  ]);
  assert.deepEqual(compareRun(check, halted('a\n', [], { exit_code: '3' })).differences, ['the program ended with exit code 3, not 0']);
  assert.deepEqual(compareRun(check, { status: 'stopped', output: 'a\n', stack: [], stack_len: 0 }).differences, [
    'the run was stopped before it ended',
  ]);
  const diagnostics = [{ message: 'undefined label `lop`', span: { line: 2, column: 9 }, notes: [] }];
  assert.deepEqual(compareRun(check, { status: 'compile', diagnostics }).differences, [
    'the program does not compile: undefined label `lop` (line 2, column 9)',
  ]);
  assert.deepEqual(compareRun(check, { status: 'args', diagnostics }).differences[0].split(':')[0], 'the arguments cannot be read');
  assert.throws(() => compareRun(check, { status: 'paused' }), /unknown status "paused"/);
});

test('a check may expect a runtime error of a given kind', () => {
  const check = parseCheck('{"output": "a\\n", "error": "type_error"}');
  const run = { status: 'error', output: 'a\n', stack: [], stack_len: 0, error: { kind: 'type_error', message: 'type error: …', span: { line: 1, column: 3 } } };
  assert.deepEqual(compareRun(check, run), { passed: true, differences: [] });
  assert.deepEqual(compareRun(check, { ...run, output: '' }).differences, ['the program printed nothing', 'line 1: expected `a`, got nothing']);
  const other = { ...run, error: { kind: 'stack_underflow', message: 'stack underflow: …', span: { line: 2, column: 1 } } };
  assert.deepEqual(compareRun(check, other).differences, ['the program stopped with a runtime error at line 2, column 1: stack underflow: …, not a type error']);
  assert.deepEqual(compareRun(check, halted('a\n')).differences, ['the program ended without an error; expected a type error']);
  const underflow = parseCheck('{"output": "", "error": "stack_underflow"}');
  assert.deepEqual(compareRun(underflow, halted('')).differences, ['the program ended without an error; expected a stack underflow error']);
  const invalid = parseCheck('{"output": "", "error": "invalid_address"}');
  assert.deepEqual(compareRun(invalid, halted('')).differences, ['the program ended without an error; expected an invalid address error']);
});

test('a check says what the starter does, run with the same arguments and input', () => {
  const check = parseCheck('{"args": "1", "input": ["x"], "output": "2\\n", "starter": {"output": "", "error": "type_error"}}');
  assert.deepEqual(check.starter, { args: '1', input: ['x'], output: '', stack: null, error: 'type_error', starter: null, predict: null });
  assert.deepEqual(runRequest(check.starter), runRequest(check));
});

test('lessonOrder sorts the folders and refuses gaps and bad names', () => {
  assert.deepEqual(
    lessonOrder(['02-b', '01-a-b']).map((l) => [l.number, l.slug, l.dir]),
    [
      [1, 'a-b', '01-a-b'],
      [2, 'b', '02-b'],
    ],
  );
  assert.throws(() => lessonOrder(['01-a', '03-c']), /03-c: expected lesson 2 here/);
  assert.throws(() => lessonOrder(['02-a']), /expected lesson 1/);
  assert.throws(() => lessonOrder(['01-a', '01-b']), /01-b: expected lesson 2/);
  for (const bad of ['1-a', '01', '01-', '01-A', '01_a', '01-a--b', 'README.md']) assert.throws(() => lessonOrder([bad]), /NN-slug/, bad);
});

test('parseLesson takes the title from the first line', () => {
  const l = parseLesson({ dir: '04-x', markdown: '# Strings and concat\n\nText.\n', starter: 's', solution: 't', check: '{"output": ""}' });
  assert.deepEqual([l.number, l.slug, l.title, l.text, l.starter, l.solution, l.check.output], [4, 'x', 'Strings and concat', '\nText.\n', 's', 't', '']);
  assert.throws(() => parseLesson({ dir: '04-x', markdown: 'Text.\n', starter: '', solution: '', check: '{"output": ""}' }), /04-x\/lesson.md: the first line is the title/);
  assert.throws(() => parseLesson({ dir: '04-x', markdown: '# T\n', starter: '', solution: '', check: '{}' }), /04-x\/check.json: "output"/);
});

// The tour's own files: what the page will load.
const dirs = readdirSync(TOUR).filter((name) => statSync(join(TOUR, name)).isDirectory());
const read = (dir, file) => readFileSync(join(TOUR, dir, file), 'utf8');

test('the tour has 10 to 15 lessons, every one of them readable', () => {
  const lessons = loadTour(dirs, read);
  assert.ok(lessons.length >= 10 && lessons.length <= 15, `${lessons.length} lessons`);
  assert.deepEqual(
    lessons.map((l) => l.number),
    lessons.map((_, i) => i + 1),
  );
  for (const lesson of lessons) {
    const { dir } = lesson;
    assert.ok(lesson.title.length > 0 && lesson.starter.trim() && lesson.solution.trim(), dir);
    const blocks = parseMarkdown(lesson.text);
    // Only the subset the page renders: no heading in the body, code blocks are svm.
    for (const b of blocks) {
      assert.ok(['paragraph', 'list', 'code'].includes(b.type), `${dir}: a ${b.type} in lesson.md`);
      if (b.type === 'code') assert.equal(b.lang, 'svm', `${dir}: a code block is marked svm`);
    }
    const last = blocks[blocks.length - 1];
    assert.equal(last.type, 'paragraph', dir);
    assert.deepEqual(last.content[0], { type: 'strong', content: [{ type: 'text', text: 'Task:' }] }, `${dir}: the last paragraph is the task`);
  }
});

// Every lesson run on the machine the page runs (web/pkg, built by `npm run build`), the
// way the page's worker runs it: the solution passes its check, the starter does not.
const PKG = new URL('../pkg/', import.meta.url);
const built = existsSync(new URL('vm_wasm_bg.wasm', PKG));

/** Runs `source` to its end as the worker does, giving the check's input lines and then
 * the end of input; returns what compareRun reads. */
function runOnWasm({ Session }, source, { args, stdin }) {
  let session;
  try {
    session = new Session(source, args, {});
  } catch (e) {
    if (e && (e.kind === 'compile' || e.kind === 'args')) return { status: e.kind, diagnostics: e.diagnostics };
    throw e;
  }
  try {
    let output = '';
    for (let slices = 0; slices < 100; slices++) {
      const r = session.run(1_000_000);
      output += r.output;
      if (r.status === 'needs_input') {
        if (stdin.length) session.provideInput(stdin.shift());
        else session.endInput();
      } else if (r.status === 'halted' || r.status === 'error') {
        return { status: r.status, output, exit_code: r.exitCode, error: r.error, stack: session.stackTop(1000), stack_len: session.stackLen() };
      }
    }
    throw new Error('the program did not end within 100 million steps');
  } finally {
    session.free();
  }
}

test('on the WebAssembly machine every solution passes its check, and every starter does what its lesson says and does not pass', { skip: !built && 'web/pkg is not built (npm run build)' }, async () => {
  const vm = await import(new URL('vm_wasm.js', PKG));
  vm.initSync({ module: readFileSync(new URL('vm_wasm_bg.wasm', PKG)) });
  for (const { dir, check, solution: solutionSource, starter: starterSource } of loadTour(dirs, read)) {
    const solution = compareRun(check, runOnWasm(vm, solutionSource, runRequest(check)));
    assert.deepEqual(solution, { passed: true, differences: [] }, `${dir}/solution.svm`);
    const starter = compareRun(check, runOnWasm(vm, starterSource, runRequest(check)));
    assert.equal(starter.passed, false, `${dir}/starter.svm passes`);
    assert.ok(starter.differences.length > 0, dir);
    // The starter does what the lesson's text says it does.
    assert.ok(check.starter, `${dir}/check.json has no "starter"`);
    const said = compareRun(check.starter, runOnWasm(vm, starterSource, runRequest(check.starter)));
    assert.deepEqual(said, { passed: true, differences: [] }, `${dir}/starter.svm does not do what "starter" says`);
  }
  // What a starter's run is told, for two kinds of failure: a differing stack and a
  // runtime error.
  const juggling = parseCheck(read('03-stack-juggling', 'check.json'));
  assert.deepEqual(compareRun(juggling, runOnWasm(vm, read('03-stack-juggling', 'starter.svm'), runRequest(juggling))).differences, [
    'the final stack: expected [3 2 1], got [1 3 2]',
  ]);
  const errors = parseCheck(read('12-errors-and-debugger', 'check.json'));
  const failed = compareRun(errors, runOnWasm(vm, read('12-errors-and-debugger', 'starter.svm'), runRequest(errors)));
  assert.match(failed.differences[0], /^the program stopped with a runtime error at line 5, column 7: type error: `\/`/);
});

test('loadTour reads each lesson folder in order and names a missing file', () => {
  const files = {
    '02-b': { 'lesson.md': '# B\n\n**Task:** b.\n', 'starter.svm': '2', 'solution.svm': '2 println', 'check.json': '{"output": "2\\n"}' },
    '01-a': { 'lesson.md': '# A\n\n**Task:** a.\n', 'starter.svm': '1', 'solution.svm': '1 println', 'check.json': '{"output": "1\\n", "stack": []}' },
  };
  const readFake = (dir, file) => {
    if (!(file in files[dir])) throw new Error(`${dir}/${file}: no such file`);
    return files[dir][file];
  };
  const lessons = loadTour(Object.keys(files), readFake);
  assert.deepEqual(
    lessons.map((l) => [l.number, l.title, l.starter, l.solution, l.check.output, l.check.stack]),
    [
      [1, 'A', '1', '1 println', '1\n', []],
      [2, 'B', '2', '2 println', '2\n', null],
    ],
  );
  delete files['02-b']['check.json'];
  assert.throws(() => loadTour(Object.keys(files), readFake), /02-b\/check.json: no such file/);
});
