// Unit tests of src/positions.js: positions of a run follow later edits.
//
//   node --test web/test/positions.test.mjs

import { test } from 'node:test';
import assert from 'node:assert/strict';
import { EditorState } from '@codemirror/state';
import { Tracker, locate, describe } from '../src/positions.js';

const RUN = 'fib call\nstop\nfib:\n    dup 1 <\n';
/** The span of the first `token` of `text` on its line, as vm-wasm gives spans. */
function spanOf(text, token) {
  const from = text.indexOf(token);
  const before = text.slice(0, from).split('\n');
  return { line: before.length, column: before.at(-1).length + 1, from, to: from + token.length };
}

/** A tracker of RUN after `edits` (CodeMirror change specs), and the edited text. */
function edited(...edits) {
  let state = EditorState.create({ doc: RUN });
  const track = new Tracker(state.doc);
  for (const changes of edits) {
    const tr = state.update({ changes });
    track.edit(tr.changes);
    state = tr.state;
  }
  return { track, doc: state.doc };
}

test('without edits a position is what the run said', () => {
  const { track, doc } = edited();
  const p = locate(spanOf(RUN, 'dup'), track, doc);
  assert.equal(track.edited, false);
  assert.deepEqual(p, { line: 4, column: 5, from: 23, to: 26, changed: false });
  assert.equal(describe(p), 'line 4, column 5');
  assert.equal(describe(p, { column: false }), 'line 4');
});

test('lines inserted above move the line, and the range still covers the token', () => {
  const { track, doc } = edited({ from: 0, insert: '# one\n# two\n# three\n' });
  assert.equal(track.edited, true);
  const p = locate(spanOf(RUN, 'dup'), track, doc);
  assert.deepEqual([p.line, p.column, p.changed], [7, 5, false]);
  assert.equal(doc.sliceString(p.from, p.to), 'dup');
  // The first token of the text: an insertion just before it does not change it.
  const call = locate(spanOf(RUN, 'fib'), track, doc);
  assert.deepEqual([call.line, call.column, call.changed, doc.sliceString(call.from, call.to)], [4, 1, false, 'fib']);
  assert.equal(track.runLine(7, doc), 4);
  assert.equal(track.lineStart(4), doc.line(7).from);
});

test('an edit on the line moves the column; an edit of the token is said', () => {
  const { track, doc } = edited({ from: spanOf(RUN, 'dup').from, insert: 'é😀 ' });
  const p = locate(spanOf(RUN, 'dup'), track, doc);
  // Columns count characters: é and 😀 are one each (😀 is two UTF-16 units).
  assert.deepEqual([p.line, p.column, p.changed], [4, 8, false]);
  assert.equal(doc.sliceString(p.from, p.to), 'dup');
  const { track: t2, doc: d2 } = edited({ from: spanOf(RUN, 'dup').from + 1, to: spanOf(RUN, 'dup').from + 2, insert: 'U' });
  const q = locate(spanOf(RUN, 'dup'), t2, d2);
  assert.equal(q.changed, true);
  assert.equal(describe(q), 'line 4, column 5 (edited)');
});

test('a deleted line: the position goes to where its text was', () => {
  const { track, doc } = edited({ from: 0, to: RUN.indexOf('fib:') });
  const p = locate(spanOf(RUN, 'call'), track, doc);
  assert.equal(p.changed, true);
  assert.equal(p.line, 1);
  const dup = locate(spanOf(RUN, 'dup'), track, doc);
  assert.deepEqual([dup.line, dup.changed, doc.sliceString(dup.from, dup.to)], [2, false, 'dup']);
});

test('a text replaced whole (all selected and typed over, another program loaded) is replaced; a small edit is not', () => {
  assert.equal(edited().track.replaced, false);
  assert.equal(edited({ from: 0, insert: '# a note\n' }).track.replaced, false);
  assert.equal(edited({ from: 0, to: RUN.length - 2, insert: 'x' }).track.replaced, false, 'a character of the run kept');
  assert.equal(edited({ from: 0, to: RUN.length, insert: '"' }, { from: 1, insert: 'new program" println' }).track.replaced, true);
  assert.equal(edited({ from: 0, to: RUN.length, insert: RUN }).track.replaced, true, 'an example loaded over it, even the same text');
});
