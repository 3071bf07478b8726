// Unit tests of the Compiled panel's pure part (compiled-panel.js): the row of a position
// of the source, of a pause and of a jump's address, on rows as vm-wasm's `disasm` gives
// them (made here by the machine of web/pkg).
//
//   node --test web/test/compiled.test.mjs

import { test } from 'node:test';
import assert from 'node:assert/strict';
import fs from 'node:fs';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { initSync, disasm } from '../pkg/vm_wasm.js';
import { rowAtOffset, rowOfPosition, rowOfAddress, place, summary } from '../src/compiled-panel.js';

const WEB = path.dirname(path.dirname(fileURLToPath(import.meta.url)));
initSync({ module: fs.readFileSync(path.join(WEB, 'pkg', 'vm_wasm_bg.wasm')) });

const SOURCE = 'start: 1 2 + println end jmp end:';

test('the rows of a known program: addresses, labels, positions, targets', () => {
  const d = disasm(SOURCE, 0, 100);
  assert.equal(d.ok, true);
  assert.equal(summary(d), '6 instructions, 8 tokens, 2 labels, 0 strings');
  assert.deepEqual(
    d.rows.map((r) => [r.address, r.labels.join(' '), place(r), r.text, r.target]),
    [
      [1, 'start', '1:8', '1', null],
      [2, '', '1:10', '2', null],
      [3, '', '1:12', '+', null],
      [4, '', '1:14', 'println', null],
      [5, '', '1:22', 'end (address 8)', 8],
      [6, '', '1:26', 'jmp', null],
      [8, 'end', '', '(end)', null],
    ],
  );
});

test('a position of the source to its row: inside a token or at its end, never between', () => {
  const { rows } = disasm(SOURCE, 0, 100);
  const at = (text, k = 0) => SOURCE.indexOf(text) + k;
  assert.equal(rowAtOffset(rows, at('println')), 3);
  assert.equal(rowAtOffset(rows, at('println', 4)), 3);
  assert.equal(rowAtOffset(rows, at('println', 7)), 3); // the cursor right after it
  assert.equal(rowAtOffset(rows, at('jmp', 1)), 5);
  assert.equal(rowAtOffset(rows, at('end ')), 4);
  assert.equal(rowAtOffset(rows, 0), -1); // the label definition `start:` is no instruction
  assert.equal(rowAtOffset(rows, SOURCE.length), -1); // `end:` at the end
  assert.equal(rowAtOffset([], 3), -1);
});

test('every token of an example is found at each of its characters', () => {
  const source = fs.readFileSync(path.join(WEB, '..', 'examples', 'fib.svm'), 'utf8');
  const { rows, total } = disasm(source, 0, 100_000);
  assert.equal(rows.length, total);
  for (let i = 0; i < rows.length - 1; i++) {
    for (let pos = rows[i].span.from; pos <= rows[i].span.to; pos++) {
      // a token's end is the next one's start only when nothing is between them
      const want = pos === rows[i].span.to && rows[i + 1].span && rows[i + 1].span.from === pos ? i + 1 : i;
      assert.equal(rowAtOffset(rows, pos), want, `position ${pos}`);
    }
  }
});

test('a pause marks the row of its position; a jump goes to the first row at or after its address', () => {
  const { rows } = disasm(SOURCE, 0, 100);
  const span = (i) => rows[i].span;
  assert.equal(rowOfPosition(rows, span(4)), 4);
  assert.equal(rowOfPosition(rows, { ...span(4), from: span(4).from + 1 }), -1);
  assert.equal(rowOfPosition(rows, null), -1);
  assert.equal(rowOfAddress(rows, 8), 6); // the end
  assert.equal(rowOfAddress(rows, 0), 0); // `start:` is address 0, its code is at 1
  assert.equal(rowOfAddress(rows, 7), 6); // the label definition `end:` is address 7
  assert.equal(rowOfAddress(rows, 3), 2);
  assert.equal(rowOfAddress(rows, 9), -1);
});

test('a large program crosses a page at a time, with its full size', () => {
  const source = Array.from({ length: 5000 }, (_, i) => `${i} drop`).join('\n');
  const first = disasm(source, 0, 1000);
  assert.equal(first.total, 10_001);
  assert.equal(first.rows.length, 1000);
  const last = disasm(source, 10_000, 1000);
  assert.deepEqual(last.rows.map((r) => r.text), ['(end)']);
  const middle = disasm(source, 4000, 2);
  assert.deepEqual(middle.rows.map((r) => [r.address, r.text]), [[4000, '2000'], [4001, 'drop']]);
  const bad = disasm('1 nope', 0, 10);
  assert.equal(bad.ok, false);
  assert.match(bad.diagnostics[0].message, /nope/);
});
