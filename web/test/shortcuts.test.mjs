// Unit tests of the keyboard: the shortcuts' list (shortcuts.js) and the page's keys
// (controls.js: Esc, ?, and where ? is typed rather than a shortcut).
//
//   node --test web/test/shortcuts.test.mjs

import { test } from 'node:test';
import assert from 'node:assert/strict';
import { SHORTCUTS, keyName, readTabOption, TAB_KEY } from '../src/shortcuts.js';
import { keyAction, isTyping, DEBUG_KEYS } from '../src/controls.js';

const key = (k, mods = {}) => ({ key: k, code: '', ctrlKey: false, metaKey: false, shiftKey: false, altKey: false, ...mods });

test('Esc is Stop, ? is the list of shortcuts; with Ctrl, Alt or Cmd they are not', () => {
  assert.equal(keyAction(key('Escape')), 'stopRunning');
  assert.equal(keyAction(key('Escape', { shiftKey: true })), null);
  assert.equal(keyAction(key('Escape', { ctrlKey: true })), null);
  assert.equal(keyAction(key('?', { shiftKey: true, code: 'Slash' })), 'shortcuts');
  assert.equal(keyAction(key('?', { ctrlKey: true })), null);
  assert.equal(keyAction(key('/', { code: 'Slash' })), null);
});

test('? is typed in text fields, text areas, selects and the editor; elsewhere it opens the list', () => {
  const el = (tagName, more = {}) => ({ tagName, isContentEditable: false, ...more });
  assert.equal(isTyping(el('INPUT')), true);
  assert.equal(isTyping(el('INPUT', { type: 'search' })), true);
  assert.equal(isTyping(el('INPUT', { type: 'checkbox' })), false);
  assert.equal(isTyping(el('INPUT', { type: 'range' })), false);
  assert.equal(isTyping(el('TEXTAREA')), true);
  assert.equal(isTyping(el('SELECT')), true);
  assert.equal(isTyping(el('DIV', { isContentEditable: true })), true);
  assert.equal(isTyping(el('BUTTON')), false);
  assert.equal(isTyping(el('BODY')), false);
  assert.equal(isTyping(null), false);
});

test('the list names every key of the page: each debugger key as it is written on the keyboard', () => {
  const listed = SHORTCUTS.flatMap((g) => g.rows.flatMap((r) => r.keys));
  for (const k of Object.keys(DEBUG_KEYS)) assert.ok(listed.includes(keyName(k)), `${k} is not listed`);
  assert.equal(keyName('Ctrl+Backslash'), 'Ctrl+\\');
  assert.equal(keyName('Ctrl+Shift+Quote'), "Ctrl+Shift+'");
  assert.equal(keyName('Shift+F11'), 'Shift+F11');
  for (const k of ['Ctrl+Enter', 'Esc', 'Shift+Alt+F', 'Ctrl+Space', 'Tab', '?', 'Ctrl+D']) assert.ok(listed.includes(k), `${k} is not listed`);
  for (const g of SHORTCUTS) for (const r of g.rows) assert.ok(r.keys.length && r.what, JSON.stringify(r));
});

test('the Tab option is off unless it was turned on, also without storage', () => {
  const storage = (v) => ({ getItem: (k) => (k === TAB_KEY ? v : null) });
  assert.equal(readTabOption(storage(null)), false);
  assert.equal(readTabOption(storage('on')), true);
  assert.equal(readTabOption(null), false);
  assert.equal(readTabOption({ getItem: () => { throw new Error('denied'); } }), false);
});
