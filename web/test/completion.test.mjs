// Unit tests of src/completion.js: the labels a program defines, the completion options,
// and the fix a "did you mean" diagnostic offers.
//
//   node --test web/test/completion.test.mjs

import { test } from 'node:test';
import assert from 'node:assert/strict';
import { definedLabels, completionOptions, completeAlready, suggestion, fixActions } from '../src/completion.js';

const OPS = [
  { name: 'print', effect: '( a -- )', doc: 'Prints a value.' },
  { name: 'println', effect: '( a -- )', doc: 'Prints a value and a newline.' },
  { name: 'dup', effect: '( a -- a a )', doc: 'Copies the top value.' },
];

test('the labels a program defines, outside strings and comments', () => {
  const text = 'start: 1\n"not: a label" # nor: this\n"two\nlines: \\" still: string"\n  loop: dup 10: x:y end:\n-1: done:';
  assert.deepEqual(definedLabels(text), [
    { name: 'start', line: 1 },
    { name: 'loop', line: 5 },
    { name: 'end', line: 5 },
    { name: 'done', line: 6 },
  ]);
  assert.deepEqual(definedLabels(''), []);
  assert.deepEqual(definedLabels('"unclosed: string'), []);
});

test('completion options: operations with their stack effect and doc, then the labels', () => {
  const options = completionOptions(OPS, [
    { name: 'loop', line: 2 },
    { name: 'dup', line: 3 },
    { name: 'loop', line: 5 },
  ]);
  assert.deepEqual(options[1], { label: 'println', type: 'function', detail: '( a -- )', info: 'Prints a value and a newline.' });
  assert.deepEqual(
    options.map((o) => o.label),
    ['print', 'println', 'dup', 'loop'],
  );
  assert.deepEqual(options[3], { label: 'loop', type: 'variable', detail: 'label', info: 'The label defined on line 2.', boost: 1 });
});

test('a word typed in full needs no completion, unless a longer name goes on from it', () => {
  const names = ['print', 'println', 'dup'];
  assert.ok(completeAlready('println', names));
  assert.ok(completeAlready('dup', names));
  assert.ok(!completeAlready('print', names));
  assert.ok(!completeAlready('pri', names));
  assert.ok(!completeAlready('prinx', names));
});

test('a "did you mean" note gives a fix that replaces the word', () => {
  const d = (...messages) => ({ message: 'undefined label', notes: messages.map((message) => ({ message, span: null })) });
  assert.equal(suggestion(d('did you mean the operation `println`?')), 'println');
  assert.equal(suggestion(d('`x` is also referenced here', 'did you mean the label `loop`?')), 'loop');
  assert.equal(suggestion(d('define it with `x:` before the code it should point to')), null);
  assert.equal(suggestion(d('did you mean the string "x"? (in a shell: \'"x"\')')), null);
  assert.equal(suggestion({ message: 'x', notes: [] }), null);
  assert.deepEqual(fixActions(d('nothing to suggest')), []);
  const [fix] = fixActions(d('did you mean the operation `println`?'));
  assert.equal(fix.name, 'Replace with println');
  const dispatched = [];
  fix.apply({ dispatch: (tr) => dispatched.push(tr) }, 2, 8);
  assert.deepEqual(dispatched, [{ changes: { from: 2, to: 8, insert: 'println' }, selection: { anchor: 9 }, userEvent: 'input.complete' }]);
});
