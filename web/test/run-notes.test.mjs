// Unit tests of the words of src/run-notes.js (which run a panel shows) and of the keys of
// the Examples menu (src/examples-menu.js) that only choose.
//
//   node --test web/test/run-notes.test.mjs

import { test } from 'node:test';
import assert from 'node:assert/strict';
import { runNote, clock } from '../src/run-notes.js';
import { onlyChooses } from '../src/examples-menu.js';

test('a panel of the editor\'s program says nothing; of an edited or another program, which run it shows', () => {
  const at = new Date(2026, 11, 7, 19, 5, 12).getTime();
  assert.equal(clock(at), '19:05:12');
  const run = { at, name: 'Square', key: 'kept:p1' };
  assert.equal(runNote(run, { edited: false, current: { key: 'kept:p1' } }), '');
  assert.equal(runNote(null, { edited: true, current: { key: 'kept:p1' } }), '');
  assert.equal(runNote(run, { edited: true, current: { key: 'kept:p1' } }), 'the run of 19:05:12: the program was edited since', 'renamed since, the same program');
  assert.equal(runNote(run, { edited: true, current: { key: 'draft:Example hello:5:x' } }), 'the run of “Square” at 19:05:12: not the program in the editor');
});

test('on the closed Examples menu, arrows and letters only choose; Enter, Space and Alt+Down may load', () => {
  const key = (k, mods = {}) => ({ key: k, altKey: false, ctrlKey: false, metaKey: false, ...mods });
  for (const k of ['ArrowDown', 'ArrowUp', 'Home', 'End', 'PageDown', 'f']) assert.equal(onlyChooses(key(k)), true, k);
  for (const k of ['Enter', ' ', 'Tab', 'Escape', 'F4']) assert.equal(onlyChooses(key(k)), false, k);
  assert.equal(onlyChooses(key('ArrowDown', { altKey: true })), false, 'Alt+Down opens the list');
});
