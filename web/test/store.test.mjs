// Unit tests of src/store.js: My programs (every operation, the migration), a tab's draft,
// two tabs saving, and a full or disabled storage.
//
//   node --test web/test/store.test.mjs

import { test } from 'node:test';
import assert from 'node:assert/strict';
import { ProgramStore, uniqueName, parseEntry, parseIndex, programKey, KEPT_KEY, INDEX_KEY, DRAFT_KEY, CURRENT_KEY } from '../src/store.js';

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
let ids = 0;
const newId = () => `p${++ids}`;
const tab = (local, session = new MemoryStorage()) => new ProgramStore({ local, session, fallback: WELCOME, newRev, newId, now: () => ++n });
const prog = (source, args = '', stdin = '', breakpoints = []) => ({ source, args, stdin, breakpoints });

test('a first visit shows the fallback; a save is read back with its breakpoints', () => {
  const local = new MemoryStorage();
  const a = tab(local);
  assert.deepEqual(a.load(), { ...WELCOME, breakpoints: [] });
  assert.equal(a.mode, 'kept');
  assert.equal(a.save(prog('mine', '10', 'x\n', [2, 5])), 'saved');
  assert.deepEqual(tab(local).load(), prog('mine', '10', 'x\n', [2, 5]));
});

test('an entry of the first version (no revision, no breakpoints) becomes "My program"; junk does not load', () => {
  const local = new MemoryStorage();
  local.setItem(KEPT_KEY, JSON.stringify({ source: 'old', args: 7, stdin: 'in' }));
  const a = tab(local);
  assert.deepEqual(a.load(), prog('old', '7', 'in'));
  assert.deepEqual(a.list().map((p) => [p.name, p.current]), [['My program', true]]);
  assert.equal(local.getItem(KEPT_KEY), null, 'moved, once written');
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
  a.load();
  a.save(prog('start'));
  const c = tab(local);
  c.load();
  assert.equal(a.save(prog('from a')), 'saved');
  // c has not seen a's save: the storage event says so, and c's save is refused.
  assert.equal(c.changedElsewhere({ key: programKey(c.id) }), true);
  assert.equal(a.changedElsewhere({ key: programKey(a.id) }), false, 'a wrote it itself');
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
  assert.equal(b.changedElsewhere({ key: programKey(b.id) }), false);
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
  assert.equal(x.error, 'unavailable');
  assert.deepEqual(x.pending, prog('p'));
});

/** A localStorage that refuses writes while `full`, as browsers do. */
class FullStorage extends MemoryStorage {
  constructor() {
    super();
    this.full = false;
  }
  setItem(k, v) {
    if (this.full) throw Object.assign(new Error('quota'), { name: 'QuotaExceededError' });
    super.setItem(k, v);
  }
}

test('My programs: create, open, rename, duplicate, delete and undo', () => {
  const local = new MemoryStorage();
  const session = new MemoryStorage();
  const a = tab(local, session);
  a.load();
  assert.deepEqual(a.list(), [], 'nothing kept before the first save');
  assert.equal(a.save(prog('first', '1')), 'saved');
  const first = a.id;
  assert.deepEqual(a.list().map((p) => p.name), ['My program']);
  const second = a.create('Second', prog('second', '', 'x\n', [1]));
  assert.ok(second);
  assert.equal(a.id, second);
  assert.equal(session.getItem(CURRENT_KEY), second, 'a reload of the tab stays on it');
  assert.deepEqual(a.list().map((p) => [p.name, p.current]), [['Second', true], ['My program', false]]);
  // Open the first again: its text, and this tab saves it from now on.
  assert.deepEqual(a.open(first), prog('first', '1'));
  assert.equal(a.save(prog('first, edited', '1')), 'saved');
  assert.equal(a.entry(first).source, 'first, edited');
  assert.equal(a.entry(second).source, 'second', 'the other program is untouched');
  assert.equal(a.open('no such id'), null);
  // A new tab opens the program opened last.
  assert.equal(tab(local).load().source, 'first, edited');
  // Rename: the name only, not the revision (no conflict with a tab editing it).
  const rev = a.entry(first).rev;
  assert.equal(a.rename(first, '  Renamed  '), true);
  assert.equal(a.name(first), 'Renamed');
  assert.equal(a.entry(first).rev, rev);
  assert.equal(a.rename(first, '   '), false, 'an empty name is refused');
  assert.equal(a.name(first), 'Renamed');
  // Duplicate: a copy with its own id; this tab stays.
  const copy = a.duplicate(first);
  assert.notEqual(copy, first);
  assert.equal(a.name(copy), 'Renamed (copy)');
  assert.deepEqual(parseEntry(local.getItem(programKey(copy))).source, 'first, edited');
  assert.equal(a.id, first);
  // Names stay apart: a second copy, a second "Second".
  assert.equal(a.name(a.duplicate(first)), 'Renamed (copy) 2');
  a.remove(a.list().find((p) => p.name === 'Renamed (copy) 2').id);
  assert.equal(a.name(a.create('Second', prog(''))), 'Second 2');
  a.remove(a.id);
  a.open(first);
  assert.equal(uniqueName(['x', 'x 2'], 'x'), 'x 3');
  // Delete, then undo.
  const gone = a.remove(second);
  assert.ok(gone);
  assert.equal(local.getItem(programKey(second)), null);
  assert.deepEqual(a.list().map((p) => p.name).sort(), ['Renamed', 'Renamed (copy)']);
  assert.equal(a.restore(gone), true);
  assert.deepEqual(a.list().map((p) => p.name).sort(), ['Renamed', 'Renamed (copy)', 'Second']);
  assert.equal(a.entry(second).source, 'second');
  // Deleting the tab's own program leaves it with none (it then opens another).
  a.remove(first);
  assert.equal(a.id, null);
  assert.equal(a.remove(first), null, 'already gone');
});

test('two tabs on the same program of the list get a conflict; on different programs, none', () => {
  const local = new MemoryStorage();
  const a = tab(local);
  a.load();
  a.save(prog('one'));
  const one = a.id;
  const two = a.create('Two', prog('two'));
  a.open(one);
  const b = tab(local);
  b.load();
  assert.equal(b.id, one);
  const c = tab(local);
  c.load();
  c.open(two);
  assert.equal(a.save(prog('one by a')), 'saved');
  assert.equal(c.changedElsewhere({ key: programKey(one) }), false, 'c shows another program');
  assert.equal(c.save(prog('two by c')), 'saved');
  assert.equal(b.changedElsewhere({ key: programKey(one) }), true);
  assert.equal(b.save(prog('one by b')), 'conflict');
  assert.equal(a.entry(one).source, 'one by a', 'not overwritten');
  // Deleted in another tab: the tab's save is a conflict too; overwriting brings it back.
  a.remove(one);
  assert.equal(b.save(prog('one by b')), 'conflict');
  assert.equal(b.overwrite(prog('one by b')), 'saved');
  assert.equal(b.entry(one).source, 'one by b');
  assert.ok(b.list().some((p) => p.id === one));
});

test('a full storage: the program stays in memory, the error says so, and the next save after space is freed writes it', () => {
  const local = new FullStorage();
  const a = tab(local);
  a.load();
  a.save(prog('kept'));
  local.full = true;
  assert.equal(a.save(prog('typed while full', '3')), 'failed');
  assert.equal(a.error, 'quota');
  assert.deepEqual(a.pending, prog('typed while full', '3'));
  assert.equal(a.entry(a.id).source, 'kept', 'what was stored stays');
  assert.equal(a.create('New', prog('new')), null, 'no half-made program');
  assert.equal(a.duplicate(a.id), null);
  assert.equal(a.error, 'quota');
  assert.deepEqual(a.list().map((p) => p.name), ['My program']);
  local.full = false;
  assert.equal(a.save(prog('typed while full', '3')), 'saved');
  assert.equal(a.error, null);
  assert.equal(a.pending, null);
  assert.equal(tab(local).load().source, 'typed while full');
});

test('a migration that cannot be written keeps the program of earlier versions where it was', () => {
  const local = new FullStorage();
  local.setItem(KEPT_KEY, JSON.stringify({ source: 'old', rev: 'r0' }));
  local.full = true;
  const a = tab(local);
  assert.equal(a.load().source, 'old');
  assert.notEqual(local.getItem(KEPT_KEY), null, 'not removed');
  assert.equal(local.getItem(INDEX_KEY), null);
  assert.equal(a.save(prog('old, edited')), 'failed');
  assert.equal(a.error, 'quota');
  local.full = false;
  const b = tab(local);
  assert.equal(b.load().source, 'old');
  assert.equal(local.getItem(KEPT_KEY), null);
  assert.equal(parseIndex(local.getItem(INDEX_KEY)).programs[0].name, 'My program');
  assert.equal(parseIndex('junk'), null);
  // The first tab's next save (storage freed) keeps its edit as a program of its own.
  assert.equal(a.save(prog('old, edited')), 'saved');
  assert.deepEqual(a.list().map((p) => p.name), ['My program 2', 'My program']);
  assert.equal(a.stored().source, 'old, edited');
});

test('a shared draft can be saved as a new program; the one of the list stays', () => {
  const local = new MemoryStorage();
  const a = tab(local);
  a.load();
  a.save(prog('mine'));
  const mine = a.id;
  a.openDraft(prog('shared'));
  const id = a.create('Shared program', prog('shared'));
  assert.equal(a.mode, 'kept');
  assert.equal(a.id, id);
  assert.equal(a.entry(mine).source, 'mine');
  assert.equal(a.session.getItem(DRAFT_KEY), null);
});
