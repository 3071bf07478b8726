// Unit tests of src/replaced.js (the recently replaced texts) and of the draft's name and
// origin that src/store.js keeps for it.
//
//   node --test web/test/replaced.test.mjs

import { test } from 'node:test';
import assert from 'node:assert/strict';
import { listReplaced, keepReplaced, takeReplaced, fingerprint, worthKeeping, REPLACED_KEY, MAX_VERSIONS, MAX_CHARS } from '../src/replaced.js';
import { ProgramStore } from '../src/store.js';

class MemoryStorage {
  constructor(limit = Infinity) {
    this.map = new Map();
    this.limit = limit;
  }
  getItem(k) {
    return this.map.has(k) ? this.map.get(k) : null;
  }
  setItem(k, v) {
    if (String(v).length > this.limit) {
      const e = new Error('full');
      e.name = 'QuotaExceededError';
      throw e;
    }
    this.map.set(k, String(v));
  }
  removeItem(k) {
    this.map.delete(k);
  }
}

const prog = (source, args = '', stdin = '') => ({ source, args, stdin, breakpoints: [2] });
let n = 0;
const keep = (s, p, name = 'P', why = 'deleted') => keepReplaced(s, p, { name, why, now: ++n, id: `v${n}` });

test('kept versions are listed newest first, with their name, why, time and program', () => {
  const s = new MemoryStorage();
  assert.deepEqual(listReplaced(s), []);
  keep(s, prog('one'), 'First');
  keep(s, prog('two', '3', 'x\n'), 'Second', 'the example hello was loaded over it');
  const list = listReplaced(s);
  assert.deepEqual(
    list.map((v) => [v.name, v.why, v.source, v.args, v.stdin, v.breakpoints]),
    [
      ['Second', 'the example hello was loaded over it', 'two', '3', 'x\n', [2]],
      ['First', 'deleted', 'one', '', '', [2]],
    ],
  );
  assert.ok(list[0].when > list[1].when);
});

test('a blank program is not kept; the same program again only moves up', () => {
  const s = new MemoryStorage();
  assert.equal(worthKeeping(prog('  \n')), false);
  assert.equal(keep(s, prog('  \n')), null);
  assert.deepEqual(listReplaced(s), []);
  keep(s, prog('a'));
  keep(s, prog('b'));
  keep(s, prog('a'), 'A again');
  assert.deepEqual(listReplaced(s).map((v) => [v.name, v.source]), [['A again', 'a'], ['P', 'b']]);
});

test('at most MAX_VERSIONS versions and MAX_CHARS characters are kept, the oldest going first', () => {
  const s = new MemoryStorage();
  for (let i = 0; i < MAX_VERSIONS + 3; i++) keep(s, prog(`p${i}`));
  const list = listReplaced(s);
  assert.equal(list.length, MAX_VERSIONS);
  assert.equal(list[0].source, `p${MAX_VERSIONS + 2}`);
  const big = 'x'.repeat(MAX_CHARS / 2 + 1);
  keep(s, prog(`1${big}`));
  keep(s, prog(`2${big}`));
  assert.deepEqual(listReplaced(s).map((v) => v.source[0]), ['2'], 'two halves and a bit do not fit: the older goes');
});

test('a full storage: older versions go until the newest fits; none fits, nothing kept', () => {
  const s = new MemoryStorage(3000);
  keep(s, prog('a'.repeat(1000)));
  keep(s, prog('b'.repeat(1000)));
  keep(s, prog('c'.repeat(1000)));
  assert.deepEqual(listReplaced(s).map((v) => v.source[0]), ['c', 'b']);
  assert.equal(keep(s, prog('d'.repeat(5000))), null);
  assert.deepEqual(listReplaced(s).map((v) => v.source[0]), ['c', 'b'], 'the list is left as it was');
});

test('take removes a version and returns it; junk in the storage reads as no versions', () => {
  const s = new MemoryStorage();
  const id = keep(s, prog('a'));
  keep(s, prog('b'));
  assert.equal(takeReplaced(s, id).source, 'a');
  assert.equal(takeReplaced(s, id), null);
  assert.deepEqual(listReplaced(s).map((v) => v.source), ['b']);
  s.setItem(REPLACED_KEY, '{nope');
  assert.deepEqual(listReplaced(s), []);
  s.setItem(REPLACED_KEY, JSON.stringify([{ id: 'x' }, null, { id: 'y', source: 'ok' }]));
  assert.deepEqual(listReplaced(s).map((v) => v.id), ['y']);
  assert.deepEqual(listReplaced(null), []);
});

test('a fingerprint tells a program from an edited one', () => {
  assert.equal(fingerprint(prog('a', '1')), fingerprint(prog('a', '1')));
  assert.notEqual(fingerprint(prog('a', '1')), fingerprint(prog('a', '2')));
  assert.notEqual(fingerprint(prog('ab')), fingerprint(prog('ba')));
  assert.notEqual(fingerprint(prog('a', '', 'x')), fingerprint(prog('a', 'x', '')));
});

test('a draft keeps its name and origin across a reload of its tab; a draft without them is a shared program', () => {
  const local = new MemoryStorage();
  const session = new MemoryStorage();
  const tab = () => new ProgramStore({ local, session, fallback: prog('welcome') });
  const a = tab();
  a.load();
  a.openDraft(prog('hello'), { name: 'Example hello', origin: fingerprint(prog('hello')) });
  a.save(prog('hello, edited'));
  const b = tab();
  assert.equal(b.load().source, 'hello, edited');
  assert.equal(b.mode, 'draft');
  assert.equal(b.draftName, 'Example hello');
  assert.equal(b.draftOrigin, fingerprint(prog('hello')));
  session.setItem('simple-vm.playground.draft', JSON.stringify({ source: 'old draft' }));
  const c = tab();
  c.load();
  assert.equal(c.draftName, 'Shared program');
  assert.equal(c.draftOrigin, null);
});
