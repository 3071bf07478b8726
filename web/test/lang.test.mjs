// Unit tests of src/lang.js: the language mode's tokenizer on representative lines, as
// CodeMirror runs it (one StringStream per line, the state carried from line to line).
//
//   node --test web/test/lang.test.mjs

import { test } from 'node:test';
import assert from 'node:assert/strict';
import { StringStream } from '@codemirror/language';
import { svmParser, classifyWord } from '../src/lang.js';

const OPS = new Set(['dup', 'add', 'println', 'jmp', 'call', 'return', 'if', 'read']);

/**
 * The tokens of `text`, line by line: [text, style] with whitespace left out, and pieces
 * of one style next to each other joined (as the editor shows them).
 */
function tokens(text, ops = OPS) {
  const parser = svmParser(ops);
  let state = parser.startState();
  const out = [];
  for (const line of text.split('\n')) {
    // The editor keeps a copy of the state at each line (to start again from there).
    state = parser.copyState(state);
    if (line === '') {
      parser.blankLine(state);
      continue;
    }
    const stream = new StringStream(line, 4, 2);
    let end = -1;
    while (!stream.eol()) {
      const start = stream.pos;
      const style = parser.token(stream, state);
      assert.ok(stream.pos > start, `the tokenizer did not move at ${start} of ${JSON.stringify(line)}`);
      const last = out[out.length - 1];
      if (style !== null && last && end === start && last[1] === style) last[0] += stream.current();
      else if (style !== null) out.push([stream.current(), style]);
      end = style === null ? -1 : stream.pos;
      stream.start = stream.pos;
    }
  }
  return out;
}

test('numbers, booleans, operations, control operations and labels', () => {
  assert.deepEqual(tokens('loop: 1 -2 +3 true false dup add loop jmp'), [
    ['loop:', 'labelName.definition'],
    ['1', 'number'],
    ['-2', 'number'],
    ['+3', 'number'],
    ['true', 'bool'],
    ['false', 'bool'],
    ['dup', 'operatorKeyword'],
    ['add', 'operatorKeyword'],
    ['loop', 'labelName'],
    ['jmp', 'controlKeyword'],
  ]);
});

test('comments: to the end of the line, also glued to a word', () => {
  assert.deepEqual(tokens('# a comment "not a string"\n1 println# printed'), [
    ['# a comment "not a string"', 'lineComment'],
    ['1', 'number'],
    ['println', 'operatorKeyword'],
    ['# printed', 'lineComment'],
  ]);
});

test('strings with escapes, across lines; # inside a string is text', () => {
  assert.deepEqual(tokens('"a\\"b # c\\n" println'), [
    ['"a', 'string'],
    ['\\"', 'escape'],
    ['b # c', 'string'],
    ['\\n', 'escape'],
    ['"', 'string'],
    ['println', 'operatorKeyword'],
  ]);
  // A string goes on over a line break; the next line starts inside it.
  assert.deepEqual(tokens('"one\ntwo" dup'), [
    ['"one', 'string'],
    ['two"', 'string'],
    ['dup', 'operatorKeyword'],
  ]);
  // Over an empty line too.
  assert.deepEqual(tokens('"one\n\ntwo" 1'), [
    ['"one', 'string'],
    ['two"', 'string'],
    ['1', 'number'],
  ]);
});

test('a backslash at the end of a line inside a string: the tokenizer moves on (it stalled, and the editor lost the key)', () => {
  // As typed, one character at a time: `"C:\` is a string with a lone backslash at its end.
  assert.deepEqual(tokens('"C:\\'), [['"C:\\', 'string']]);
  assert.deepEqual(tokens('"\\'), [['"\\', 'string']]);
  // A string whose line ends in a backslash goes on at the next line.
  assert.deepEqual(tokens('"one \\\ntwo" println'), [
    ['"one \\', 'string'],
    ['two"', 'string'],
    ['println', 'operatorKeyword'],
  ]);
});

test('a word ends at a quote: "x"y is a string and a word', () => {
  assert.deepEqual(tokens('dup"x"y'), [
    ['dup', 'operatorKeyword'],
    ['"x"', 'string'],
    ['y', 'labelName'],
  ]);
});

test('invalid words: numbers with letters, colons inside words, empty labels, labels named like numbers', () => {
  for (const w of ['12ab', '-3x', 'a:b', ':', '1:', 'dup::']) assert.equal(classifyWord(w, OPS), 'invalid', w);
  // An operation's name is no label to define; before the operations are known, it is a label.
  assert.equal(classifyWord('dup:', OPS), 'invalid');
  assert.equal(classifyWord('dup', new Set()), 'labelName');
  assert.equal(classifyWord('true:', OPS), 'invalid');
  assert.equal(classifyWord('-', OPS), 'labelName');
});
