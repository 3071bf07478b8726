// Unit tests of src/saved-program.js on a stand-in DOM and storages (fake-dom.mjs): the
// tab's program saved as it is typed, examples and share links opened as drafts with the
// bar and its choices, another tab's change followed or asked about, a full storage said
// once and "saved again", the operations of My programs (delete and undo), and the tour
// taking the editor and giving it back.
//
//   node --test web/test/saved-program.test.mjs

import { test } from 'node:test';
import assert from 'node:assert/strict';
import { setTimeout as sleep } from 'node:timers/promises';
import { installDom, FakeElement } from './fake-dom.mjs';
import { programKey, INDEX_KEY, DRAFT_KEY } from '../src/store.js';
import { encodeState } from '../src/share.js';

let dom = installDom();
const { SavedProgram } = await import('../src/saved-program.js');

const WELCOME = { source: '"welcome" println\n', args: '', stdin: '' };

/**
 * A tab: a fresh page (its own session storage; `local`: the browser's, shared with other
 * tabs, or a new one) with the saved program attached to a stand-in editor (`shown`: what
 * it shows; `replaced`: the places of each replacement).
 */
function tab({ local = null, hash = '' } = {}) {
  dom = installDom({ hash });
  if (local) dom.window.localStorage = local;
  const bar = new FakeElement('div');
  bar.hidden = true;
  const banner = { said: [], show: (text, kind = 'error') => banner.said.push([kind, text]), hide: () => banner.said.push(['hidden']) };
  const saved = new SavedProgram({ bar, banner, fallback: WELCOME });
  const t = { saved, bar, banner, shown: null, replaced: [], running: false, forgot: 0 };
  t.shown = { breakpoints: [], ...saved.load() };
  saved.attach({
    current: () => t.shown,
    replace: (p, places = null) => {
      t.shown = { breakpoints: [], ...p };
      t.replaced.push(places);
    },
    running: () => t.running,
    forget: () => t.forgot++,
  });
  t.type = (source) => {
    t.shown = { ...t.shown, source };
    saved.saveSoon();
  };
  t.local = dom.window.localStorage;
  t.stored = () => JSON.parse(t.local.getItem(programKey(saved.store.id)));
  t.barText = () => (bar.hidden ? '' : bar.textContent);
  t.button = (label) => bar.byTag('button').find((b) => b.textContent === label);
  /** The `storage` event another tab's write makes here. */
  t.storageEvent = (key) => dom.fire('storage', { storageArea: t.local, key });
  return t;
}

test('a first visit shows the welcome program; typing saves it 250 ms later as "My program"', async () => {
  const t = tab();
  assert.equal(t.shown.source, WELCOME.source);
  assert.equal(t.local.getItem(INDEX_KEY), null, 'nothing is written before an edit');
  t.type('1 println\n');
  assert.ok(t.saved.timer, 'a save waits');
  await sleep(100);
  assert.equal(t.local.getItem(INDEX_KEY), null, 'not saved 100 ms after the edit');
  await sleep(250);
  assert.equal(t.saved.timer, 0);
  assert.equal(t.stored().source, '1 println\n');
  assert.deepEqual(t.saved.title(), { name: 'My program', saved: true, key: `kept:${t.saved.store.id}` });
  // A reload of the tab shows it again.
  const again = tab({ local: t.local });
  assert.equal(again.shown.source, '1 println\n');
});

test('an example opens as a draft: the kept program stays, the bar offers its way back, and the draft is kept if edited', async () => {
  const t = tab();
  t.type('my own\n');
  t.saved.saveNow();
  const keptId = t.saved.store.id;
  t.saved.openExample({ name: 'hello', source: '"hello" println\n', args: '1 2' });
  assert.equal(t.shown.source, '"hello" println\n');
  assert.equal(t.shown.args, '1 2');
  assert.deepEqual(t.replaced.at(-1), { before: { kind: 'kept', id: keptId }, after: { kind: 'draft', name: 'Example hello', origin: t.saved.store.draftOrigin } });
  assert.match(t.barText(), /^Example hello, not saved: your program “My program” is kept as it was/);
  assert.equal(JSON.parse(t.local.getItem(programKey(keptId))).source, 'my own\n', 'the kept program is untouched');
  assert.equal(t.saved.title().saved, false);
  // An edit of the draft stays in this tab's session, not over the kept program.
  t.type('"hello, edited" println\n');
  t.saved.saveNow();
  assert.equal(JSON.parse(dom.window.sessionStorage.getItem(DRAFT_KEY)).source, '"hello, edited" println\n');
  assert.equal(JSON.parse(t.local.getItem(programKey(keptId))).source, 'my own\n');
  // Back to the kept program: the edited draft is kept among the recently replaced.
  t.button('Back to “My program”').click();
  assert.equal(t.shown.source, 'my own\n');
  assert.equal(t.bar.hidden, true);
  const [kept] = t.saved.replacedVersions();
  assert.deepEqual([kept.name, kept.source], ['Example hello', '"hello, edited" println\n']);
  assert.match(kept.why, /left for “My program”/);
});

test('a share link opens as a draft and leaves the address; a damaged one is said and changes nothing', async () => {
  const fragment = await encodeState({ source: '"shared" println\n', args: '', stdin: 'x' });
  const t = tab({ hash: `#${fragment}` });
  await t.saved.openShareLink();
  assert.equal(t.shown.source, '"shared" println\n');
  assert.equal(t.shown.stdin, 'x');
  assert.equal(dom.location.hash, '', 'the fragment is removed');
  assert.match(t.barText(), /^A shared program: your own program is kept apart/);
  assert.deepEqual(t.bar.byTag('button').map((b) => b.textContent), ['Keep this one instead', 'Save as a new program', 'Back to my program']);
  // Save as a new program: it joins the list, named "Shared program".
  t.button('Save as a new program').click();
  assert.deepEqual(t.saved.store.list().map((p) => p.name).sort(), ['Shared program']);
  assert.equal(t.saved.store.mode, 'kept');

  const bad = tab({ local: t.local, hash: '#code=AAAA' });
  const before = bad.shown;
  await bad.saved.openShareLink();
  assert.equal(bad.shown, before, 'the current program is kept');
  assert.match(bad.banner.said.at(-1)[1], /^This share link could not be opened: .*Your current program was kept\.$/);
});

test('another tab saves the program: a tab with no edits follows, one with edits waiting asks, and can save over it', async () => {
  const a = tab();
  a.type('version 1\n');
  a.saved.saveNow();
  const b = tab({ local: a.local });
  assert.equal(b.shown.source, 'version 1\n');
  // Tab a saves again: b, with nothing waiting, follows.
  a.shown = { ...a.shown, source: 'version 2\n' };
  a.saved.report(a.saved.store.save(a.shown));
  b.storageEvent(programKey(b.saved.store.id));
  assert.equal(b.shown.source, 'version 2\n');
  assert.equal(b.bar.hidden, true);
  // Now b has an edit waiting when a saves: b is asked, and does not save over a.
  b.type('b edits\n');
  a.shown = { ...a.shown, source: 'version 3\n' };
  a.saved.report(a.saved.store.save(a.shown));
  b.storageEvent(programKey(b.saved.store.id));
  assert.match(b.barText(), /^Your program was changed in another tab; the edits in this tab are not saved\./);
  assert.equal(b.saved.store.save(b.shown), 'conflict', 'b does not overwrite a silently');
  b.button('Save this tab’s version over it').click();
  assert.equal(b.stored().source, 'b edits\n');
  // A tab that shows a running program keeps it, and says so.
  const c = tab({ local: a.local });
  c.running = true;
  a.saved.store.base = JSON.parse(a.local.getItem(programKey(a.saved.store.id))).rev;
  a.shown = { ...a.shown, source: 'version 4\n' };
  a.saved.report(a.saved.store.save(a.shown));
  c.storageEvent(programKey(c.saved.store.id));
  assert.equal(c.shown.source, 'b edits\n');
  assert.match(c.barText(), /this tab still shows the program it runs/);
});

test('a full storage: the program stays, the banner says so once, and "saved again" once there is room', () => {
  const t = tab();
  t.type('first\n');
  t.saved.saveNow();
  t.local.full = true;
  t.type('second\n');
  t.saved.saveNow();
  t.type('third\n');
  t.saved.saveNow();
  const errors = t.banner.said.filter(([kind]) => kind === 'error');
  assert.equal(errors.length, 1, 'said once');
  assert.match(errors[0][1], /storage is full: your program is not saved, but it stays on this page/);
  assert.equal(t.shown.source, 'third\n');
  assert.equal(t.saved.title().saved, false);
  t.local.full = false;
  t.type('fourth\n');
  t.saved.saveNow();
  assert.deepEqual(t.banner.said.at(-1), ['info', 'Your program is saved again.']);
  assert.equal(t.stored().source, 'fourth\n');
});

test('deleting the tab\'s program opens a new one; Undo brings it back open, and the empty one made goes', () => {
  const t = tab();
  t.type('only one\n');
  t.saved.saveNow();
  const id = t.saved.store.id;
  const gone = t.saved.remove(id);
  assert.equal(gone.mine, true);
  assert.deepEqual(t.saved.store.list().map((p) => p.name), ['Untitled']);
  assert.equal(t.shown.source, '');
  assert.equal(t.saved.replacedVersions()[0].why, 'deleted');
  assert.ok(t.saved.undoRemove(gone));
  assert.equal(t.saved.store.id, id);
  assert.equal(t.shown.source, 'only one\n');
  assert.deepEqual(t.saved.store.list().map((p) => p.name), ['My program'], 'the empty "Untitled" is gone');
  assert.equal(t.saved.replacedVersions().length, 0, 'no longer among the recently replaced');
});

test('the tour takes the editor: nothing is saved while away, and back gives the stored program', () => {
  const t = tab();
  t.type('mine\n');
  t.saved.leave();
  assert.equal(t.stored().source, 'mine\n', 'saved as it was when left');
  assert.deepEqual(t.saved.title(), { name: 'A lesson of the tour', saved: false, away: true, key: 'tour' });
  t.shown = { ...t.shown, source: 'lesson code\n' };
  t.saved.saveNow();
  assert.equal(t.stored().source, 'mine\n', 'no lesson code lands in the program');
  const back = t.saved.back();
  assert.equal(back.source, 'mine\n');
  assert.equal(t.saved.title().away, undefined);
});
