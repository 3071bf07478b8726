// Unit tests of src/comment-fields.js: the `# args:` / `# stdin:` comments, what an edit of
// them sets, and which fields differ from them.
//
//   node --test web/test/comment-fields.test.mjs

import { test } from 'node:test';
import assert from 'node:assert/strict';
import fs from 'node:fs';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { commentFields, followComments, differences, scan, MAX_CHARS } from '../src/comment-fields.js';
import { directives } from '../src/svm-file.js';

const EXAMPLES = path.join(path.dirname(fileURLToPath(import.meta.url)), '..', '..', 'examples');

test('the comments of a program: none, arguments, input lines', () => {
  assert.deepEqual(commentFields('1 println'), { args: null, stdin: null });
  assert.deepEqual(commentFields('# args: 1071 462\nover over'), { args: '1071 462', stdin: null });
  assert.deepEqual(commentFields('# stdin: 10\n# stdin:    5\n# stdin:\n1 println'), { args: null, stdin: '10\n   5\n\n' });
  assert.deepEqual(commentFields('# args:\n'), { args: '', stdin: null });
  assert.deepEqual(commentFields(`# args: 1\n${' '.repeat(MAX_CHARS)}`), { args: null, stdin: null }, 'a huge program is not read as you type');
});

test('an edit of a comment sets its field; a comment taken out or left as it was sets nothing', () => {
  const before = commentFields('# args: 1071 462\n# stdin: a\n');
  assert.deepEqual(followComments(before, commentFields('# args: 12 18\n# stdin: a\n')), { args: '12 18' });
  assert.deepEqual(followComments(before, commentFields('# args: 1071 462\n# stdin: b\n# stdin: c\n')), { stdin: 'b\nc\n' });
  assert.deepEqual(followComments(before, commentFields('# stdin: a\n')), {});
  assert.deepEqual(followComments(before, before), {});
  assert.deepEqual(followComments(commentFields(''), commentFields('# args: 5')), { args: '5' });
});

test('fields that differ from the comments, spaces and the final newline aside', () => {
  const c = commentFields('# args: 12 18\n# stdin: x\n');
  assert.deepEqual(differences(c, { args: ' 12 18 ', stdin: 'x' }), { args: false, stdin: false });
  assert.deepEqual(differences(c, { args: '12 19', stdin: 'x\r\n' }), { args: true, stdin: false });
  assert.deepEqual(differences(c, { args: '12 18', stdin: 'y\n' }), { args: false, stdin: true });
  assert.deepEqual(differences(commentFields('1 println'), { args: '3', stdin: 'z' }), { args: false, stdin: false }, 'no comment, nothing to differ from');
});

test('the comments are read as the build reads the examples (svm-file.js directives)', () => {
  const sources = fs.readdirSync(EXAMPLES).filter((f) => f.endsWith('.svm')).map((f) => fs.readFileSync(path.join(EXAMPLES, f), 'utf8'));
  sources.push('# args: 1\r\n#args:2 # args: 3\n"# stdin: in a string" println\n# stdin:\n  #  stdin:  x  \n');
  for (const source of sources) {
    for (const key of ['args', 'stdin']) assert.deepEqual(scan(source, key), directives(source, key), `${key} of ${source.slice(0, 40)}`);
  }
});

test('a CRLF file: its comments are read without the carriage return (an import of a file saved on Windows)', () => {
  assert.deepEqual(directives('# args: 1 2\r\n# stdin: a\r\n', 'args'), ['1 2']);
  assert.deepEqual(commentFields('# args: 1 2\r\n# stdin: a\r\n'), { args: '1 2', stdin: 'a\n' });
});
