// Unit tests of src/store.js: the kept program, a tab's draft, and two tabs saving.
//
//   node --test web/test/store.test.mjs

import { test } from 'node:test';
import assert from 'node:assert/strict';
import { ProgramStore, parseEntry, KEPT_KEY, DRAFT_KEY } from '../src/store.js';

/** A Storage with the methods the store uses. */
class MemoryStorage {
  constructor() {
    this.map = new Map();
  }
  getItem(k) {
    return this.map.has(k) ? this.map.get(k) : null;
  }
  setItem(k, v) {
    this.map.set(k, String(v));
  }
  removeItem(k) {
    this.map.delete(k);
  }
}

const WELCOME = { source: 'welcome', args: '', stdin: '' };
let n = 0;
const newRev = () => `r${++n}`;
/** A tab: its own sessionStorage, the browser's localStorage. */
const tab = (local, session = new MemoryStorage()) => new ProgramStore({ local, session, fallback: WELCOME, newRev });
const prog = (source, args = '', stdin = '', breakpoints = []) => ({ source, args, stdin, breakpoints });

test('a first visit shows the fallback; a save is read back with its breakpoints', () => {
  const local = new MemoryStorage();
  const a = tab(local);
  assert.deepEqual(a.load(), { ...WELCOME, breakpoints: [] });
  assert.equal(a.mode, 'kept');
  assert.equal(a.save(prog('mine', '10', 'x\n', [2, 5])), 'saved');
  assert.deepEqual(tab(local).load(), prog('mine', '10', 'x\n', [2, 5]));
});

test('an entry of the first version (no revision, no breakpoints) still loads; junk does not', () => {
  const local = new MemoryStorage();
  local.setItem(KEPT_KEY, JSON.stringify({ source: 'old', args: 7, stdin: 'in' }));
  const a = tab(local);
  assert.deepEqual(a.load(), prog('old', '7', 'in'));
  assert.equal(a.save(prog('new')), 'saved', 'the tab starts from the entry without a revision');
  assert.equal(parseEntry('{nope'), null);
  assert.equal(parseEntry('{"source": 3}'), null);
  assert.deepEqual(parseEntry('{"source":"s","breakpoints":[1,"x",-2,3.5,4]}').breakpoints, [1, 4]);
});

test('a shared program is a draft of its tab: the kept program stays, and is offered back', () => {
  const local = new MemoryStorage();
  const a = tab(local);
  a.load();
  a.save(prog('kept program', '1'));
  // Another tab opens a share link and edits it.
  const bSession = new MemoryStorage();
  const b = tab(local, bSession);
  b.load();
  assert.equal(b.openDraft(prog('shared', '2')), 'saved');
  assert.equal(b.mode, 'draft');
  assert.equal(b.save(prog('shared, edited', '2')), 'saved');
  // The kept program is untouched: a new tab, and tab a reloaded, show it.
  assert.deepEqual(tab(local).load(), prog('kept program', '1'));
  // Tab b reloaded still shows its draft.
  const b2 = tab(local, bSession);
  assert.deepEqual(b2.load(), prog('shared, edited', '2'));
  assert.equal(b2.mode, 'draft');
  // Leaving the draft gives the kept program back.
  assert.deepEqual(b2.leaveDraft(), prog('kept program', '1'));
  assert.equal(bSession.getItem(DRAFT_KEY), null);
  assert.equal(b2.mode, 'kept');
});

test('keeping a draft makes it the kept program, by choice', () => {
  const local = new MemoryStorage();
  const a = tab(local);
  a.load();
  a.save(prog('old'));
  const b = tab(local);
  b.load();
  b.openDraft(prog('shared'));
  assert.equal(b.keepDraft(prog('shared')), 'saved');
  assert.equal(b.mode, 'kept');
  assert.deepEqual(tab(local).load(), prog('shared'));
  // and b goes on saving it normally
  assert.equal(b.save(prog('shared 2')), 'saved');
});

test('two tabs do not overwrite each other silently', () => {
  const local = new MemoryStorage();
  const a = tab(local);
  const c = tab(local);
  a.load();
  c.load();
  assert.equal(a.save(prog('from a')), 'saved');
  // c has not seen a's save: the storage event says so, and c's save is refused.
  assert.equal(c.changedElsewhere({ key: KEPT_KEY }), true);
  assert.equal(a.changedElsewhere({ key: KEPT_KEY }), false, 'a wrote it itself');
  assert.equal(c.changedElsewhere({ key: 'something else' }), false);
  assert.equal(c.save(prog('from c')), 'conflict');
  assert.deepEqual(tab(local).load(), prog('from a'));
  // A save of what is stored already writes nothing (other tabs hear of nothing).
  assert.equal(a.save(prog('from a')), 'unchanged');
  // c takes a's version: it saves normally from there.
  assert.deepEqual(c.kept(), prog('from a'));
  assert.equal(c.save(prog('from c, after a')), 'saved');
  // now a is behind; it may choose to overwrite.
  assert.equal(a.save(prog('from a again')), 'conflict');
  assert.equal(a.overwrite(prog('from a again')), 'saved');
  assert.deepEqual(tab(local).load(), prog('from a again'));
});

test('a draft tab ignores changes of the kept program; no storage fails softly', () => {
  const local = new MemoryStorage();
  const b = tab(local);
  b.load();
  b.openDraft(prog('shared'));
  tab(local).save(prog('elsewhere'));
  assert.equal(b.changedElsewhere({ key: KEPT_KEY }), false);
  const broken = {
    getItem() {
      throw new Error('denied');
    },
    setItem() {
      throw new Error('denied');
    },
    removeItem() {},
  };
  const x = new ProgramStore({ local: broken, session: broken, fallback: WELCOME, newRev });
  assert.deepEqual(x.load(), { ...WELCOME, breakpoints: [] });
  assert.equal(x.save(prog('p')), 'failed');
});
