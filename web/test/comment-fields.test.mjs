// Unit tests of src/comment-fields.js: the `# args:` / `# stdin:` comments, what an edit of
// them sets, and which fields differ from them.
//
//   node --test web/test/comment-fields.test.mjs

import { test } from 'node:test';
import assert from 'node:assert/strict';
import { commentFields, followComments, differences, MAX_CHARS } from '../src/comment-fields.js';

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
