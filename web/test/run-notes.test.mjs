// Unit tests of the words of src/run-notes.js (which run a panel shows) and of the keys of
// the Examples menu (src/examples-menu.js) that only choose.
//
//   node --test web/test/run-notes.test.mjs

import { test } from 'node:test';
import assert from 'node:assert/strict';
import { runNote, clock, statusNote, RunNotes } from '../src/run-notes.js';
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

test('a run whose text was replaced whole is of another program, even under the same name', () => {
  const at = new Date(2026, 11, 7, 19, 5, 12).getTime();
  const run = { at, name: 'My program', key: 'kept:p1' };
  assert.equal(runNote(run, { edited: true, current: { key: 'kept:p1' }, replaced: true }), 'the run of “My program” at 19:05:12: not the program in the editor');
});

test('the Errors panel says whose run its errors are of, its links go nowhere in another program, and the Status names it', () => {
  const at = new Date(2026, 11, 7, 19, 5, 12).getTime();
  const track = { edited: true, replaced: true };
  const run = { at, name: 'My program', key: 'kept:p1', track };
  let state = { run, errors: { kind: 'runtime', track }, profile: null };
  let current = { key: 'draft:Example fib:1:x' };
  const els = { output: { textContent: '', hidden: true }, errors: { textContent: '', hidden: true } };
  const notes = new RunNotes(els, { current: () => current, state: () => state });
  notes.render(state);
  const note = 'the run of “My program” at 19:05:12: not the program in the editor';
  assert.deepEqual([els.errors.textContent, els.errors.hidden], [note, false]);
  assert.equal(notes.errorsOfRun(), true);
  assert.equal(notes.other(track), true, 'no jump into the new program');
  assert.equal(statusNote(notes.note(), { errors: notes.errorsOfRun() }), `the program was edited since the last run: Output, Stack and Errors show ${note}`);
  assert.equal(statusNote(note), `the program was edited since the last run: Output and Stack show ${note}`);
  // Format's errors are not the run's: no note; their links go to a text still there.
  const fmt = { edited: false, replaced: false };
  state = { ...state, errors: { kind: 'format', track: fmt } };
  notes.render(state);
  assert.deepEqual([els.errors.textContent, els.errors.hidden, notes.errorsOfRun(), notes.other(fmt)], ['', true, false, false]);
  // The run's program, edited a little: its links go on following the edits.
  const small = { edited: true, replaced: false };
  current = { key: 'kept:p1' };
  state = { run: { ...run, track: small }, errors: { kind: 'runtime', track: small }, profile: null };
  notes.render(state);
  assert.deepEqual([els.errors.textContent, notes.other(small)], ['the run of 19:05:12: the program was edited since', false]);
});

test('the Status of a run that ended says why its results are stale as the headings do', () => {
  const note = 'the run of “My program” at 19:05:12: not the program in the editor';
  // Stopped after another program was loaded: the headings' words, not "edited since".
  assert.equal(statusNote(note, { idle: false, other: true }), note);
  // The same program, edited: its positions follow the edits.
  assert.equal(statusNote('the run of 19:05:12: the program was edited since', { idle: false }), 'the program was edited since this run: positions follow the edits');
  assert.equal(statusNote('', { idle: false }), 'the program was edited since this run: positions follow the edits', 'a page without the headings\' notes');
  assert.equal(statusNote('', { idle: true }), '');
});

test('on the closed Examples menu, arrows and letters only choose; Enter, Space and Alt+Down may load', () => {
  const key = (k, mods = {}) => ({ key: k, altKey: false, ctrlKey: false, metaKey: false, ...mods });
  for (const k of ['ArrowDown', 'ArrowUp', 'Home', 'End', 'PageDown', 'f']) assert.equal(onlyChooses(key(k)), true, k);
  for (const k of ['Enter', ' ', 'Tab', 'Escape', 'F4']) assert.equal(onlyChooses(key(k)), false, k);
  assert.equal(onlyChooses(key('ArrowDown', { altKey: true })), false, 'Alt+Down opens the list');
});
