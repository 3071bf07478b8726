// Unit tests of src/svm-file.js: export and import of programs as .svm files.
//
//   node --test web/test/svm-file.test.mjs

import { test } from 'node:test';
import assert from 'node:assert/strict';
import fs from 'node:fs';
import { toSvm, fieldsOf, readSvm, fileName, sizeError, MAX_IMPORT_BYTES } from '../src/svm-file.js';

const bytes = (text) => new TextEncoder().encode(text);

test('export writes the arguments and input as the comments the examples use; import reads them back', () => {
  const p = { source: '"hi" println\n', args: '10 "a b"', stdin: 'one\ntwo\n' };
  const text = toSvm(p);
  assert.equal(text, '# args: 10 "a b"\n# stdin: one\n# stdin: two\n"hi" println\n');
  const { program } = readSvm('hello.svm', bytes(text));
  assert.deepEqual(program, { name: 'hello', source: text, args: '10 "a b"', stdin: 'one\ntwo\n', breakpoints: [] });
  // Input without a final newline is the same input.
  assert.equal(toSvm({ ...p, stdin: 'one\ntwo' }), text);
});

test('a source whose comments already say its arguments is exported as it is; stale ones are replaced', () => {
  const source = '# args: 5\n# A countdown.\n5 println\n';
  assert.equal(toSvm({ source, args: '5', stdin: '' }), source);
  assert.equal(toSvm({ source, args: '7', stdin: '' }), '# args: 7\n# A countdown.\n5 println\n');
  assert.equal(toSvm({ source, args: '', stdin: '' }), '# A countdown.\n5 println\n');
  assert.equal(toSvm({ source: 'x', args: '', stdin: '' }), 'x');
});

test('every example round-trips: its export is its file, its import its arguments and input', () => {
  const dir = new URL('../../examples/', import.meta.url);
  const files = fs.readdirSync(dir).filter((f) => f.endsWith('.svm'));
  assert.ok(files.length > 5);
  for (const f of files) {
    const source = fs.readFileSync(new URL(f, dir), 'utf8');
    const fields = fieldsOf(source);
    assert.equal(toSvm({ source, ...fields }), source, f);
    assert.deepEqual(readSvm(f, bytes(source)).program.args, fields.args, f);
  }
});

test('import refuses a file too large or not text, saying why', () => {
  assert.match(readSvm('big.svm', new Uint8Array(MAX_IMPORT_BYTES + 1)).error, /big\.svm is 1\.0 MiB; a program file may be at most 1\.0 MiB/);
  assert.equal(sizeError('ok.svm', MAX_IMPORT_BYTES), null);
  assert.match(readSvm('pic.png', Uint8Array.of(0x89, 0x50, 0x4e, 0x47, 0xff, 0xfe)).error, /pic\.png is not a text file/);
  assert.match(readSvm('nul.svm', bytes('1 println\u0000')).error, /not a text file \(it holds control characters\)/);
  // A byte order mark is dropped; tabs and CRLF are text.
  assert.equal(readSvm('bom.svm', bytes('\ufeff1\tprintln\r\n')).program.source, '1\tprintln\r\n');
});

test('file names: name.svm, without characters file systems refuse', () => {
  assert.equal(fileName('My program'), 'My program.svm');
  assert.equal(fileName('a/b:c?'), 'a-b-c-.svm');
  assert.equal(fileName('x.svm'), 'x.svm');
  assert.equal(fileName('  '), 'program.svm');
});
