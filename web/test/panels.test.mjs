// Unit tests of the pure parts of the page's panels: the debugger's keys (controls.js),
// the Input panel's lines and the arguments' label (fields.js), the busiest lines and
// heat levels of a profile (profile-panel.js), and why a run paused (pause-reason.js).
//
//   node --test web/test/panels.test.mjs

import { test } from 'node:test';
import assert from 'node:assert/strict';
import { keyAction, DEBUG_KEYS } from '../src/controls.js';
import { stdinLines, argsLabel } from '../src/fields.js';
import { hotLines, heatLevel } from '../src/profile-panel.js';
import { pauseReason } from '../src/pause-reason.js';
import { Reason, Command } from '../src/protocol.js';

const key = (k, mods = {}) => ({ key: k, code: '', ctrlKey: false, metaKey: false, shiftKey: false, altKey: false, ...mods });

test('keys: F keys by key, the others by code, with Ctrl (or Cmd) and Shift', () => {
  assert.equal(keyAction(key('Enter', { ctrlKey: true })), 'run');
  assert.equal(keyAction(key('Enter', { metaKey: true })), 'run');
  assert.equal(keyAction(key('Enter', { ctrlKey: true, altKey: true })), 'run');
  assert.equal(keyAction(key('Enter')), null);
  assert.equal(keyAction(key('F8')), 'pauseOrContinue');
  assert.equal(keyAction(key('\\', { code: 'Backslash', ctrlKey: true })), 'pauseOrContinue');
  assert.equal(keyAction(key('F10')), 'stepOver');
  assert.equal(keyAction(key('F10', { shiftKey: true })), 'stepBack');
  assert.equal(keyAction(key('F11')), 'step');
  assert.equal(keyAction(key('F11', { shiftKey: true })), 'stepOut');
  // The code, not the character: the same key on another layout.
  assert.equal(keyAction(key('ö', { code: 'Semicolon', ctrlKey: true })), 'step');
  assert.equal(keyAction(key(':', { code: 'Semicolon', ctrlKey: true, shiftKey: true })), 'stepOut');
  assert.equal(keyAction(key('ä', { code: 'Quote', metaKey: true })), 'stepOver');
  assert.equal(keyAction(key('"', { code: 'Quote', ctrlKey: true, shiftKey: true })), 'stepBack');
  assert.equal(keyAction(key('F9')), 'toggleBreakpoint');
  // Alt keeps its own meaning; plain letters and unbound F keys do nothing.
  assert.equal(keyAction(key('F8', { altKey: true })), null);
  assert.equal(keyAction(key(';', { code: 'Semicolon' })), null);
  assert.equal(keyAction(key('F5')), null);
  assert.equal(keyAction(key('F8', { ctrlKey: true })), null);
  // Format: Shift+Alt+F by its code (a Mac's Alt makes another character), nothing else.
  assert.equal(keyAction(key('F', { code: 'KeyF', shiftKey: true, altKey: true })), 'format');
  assert.equal(keyAction(key('Ï', { code: 'KeyF', shiftKey: true, altKey: true })), 'format');
  assert.equal(keyAction(key('f', { code: 'KeyF', altKey: true })), null);
  assert.equal(keyAction(key('F', { code: 'KeyF', shiftKey: true, altKey: true, ctrlKey: true })), null);
  assert.equal(keyAction(key('F', { code: 'KeyF', shiftKey: true })), null);
  // Every key has an action the page defines.
  const actions = new Set(['pauseOrContinue', 'stepOver', 'step', 'stepOut', 'stepBack', 'toggleBreakpoint']);
  for (const [k, a] of Object.entries(DEBUG_KEYS)) assert.ok(actions.has(a), `${k}: ${a}`);
});

test('the Input panel as lines: a final newline adds no empty line', () => {
  assert.deepEqual(stdinLines(''), []);
  assert.deepEqual(stdinLines('a'), ['a']);
  assert.deepEqual(stdinLines('a\n'), ['a']);
  assert.deepEqual(stdinLines('a\n\n'), ['a', '']);
  assert.deepEqual(stdinLines('\n'), ['']);
  assert.deepEqual(stdinLines('a\r\nb\rc\n'), ['a', 'b', 'c']);
  assert.deepEqual(stdinLines(' x \n y'), [' x ', ' y']);
});

test('the arguments beside Run are cut at 60 characters', () => {
  assert.equal(argsLabel('10'), '10');
  assert.equal(argsLabel('x'.repeat(60)), 'x'.repeat(60));
  assert.equal(argsLabel('x'.repeat(61)), `${'x'.repeat(59)}…`);
});

test('the busiest lines of a profile, and heat levels from 1 to 5', () => {
  const lines = [
    { line: 1, count: 5 },
    { line: 2, count: 500 },
    { line: 3, count: 50 },
    { line: 4, count: 1 },
    { line: 5, count: 5000 },
    { line: 6, count: 2 },
  ];
  assert.deepEqual(hotLines(lines).map((l) => l.line), [5, 2, 3, 1, 6]);
  assert.deepEqual(hotLines(lines, 2).map((l) => l.line), [5, 2]);
  assert.equal(lines[0].line, 1, 'the lines given are not reordered');
  assert.equal(heatLevel(5000, 5000), 5);
  assert.equal(heatLevel(1, 5000), 1);
  assert.equal(heatLevel(0, 5000), 1);
  assert.equal(heatLevel(70, 5000), 3); // logarithmic: 5 * ln 71 / ln 5001 = 2.5
  assert.equal(heatLevel(1, 1), 5);
  const levels = lines.map((l) => heatLevel(l.count, 5000));
  assert.deepEqual(levels, [2, 4, 3, 1, 5, 1]);
});

test('every pause says why', () => {
  assert.equal(pauseReason(Reason.BREAKPOINT, Command.RUN), 'at a breakpoint');
  assert.equal(pauseReason(Reason.BREAKPOINT, Command.OVER), 'at a breakpoint (it ended the step over)');
  assert.equal(pauseReason(Reason.BREAKPOINT, Command.OUT), 'at a breakpoint (it ended the step out)');
  assert.equal(pauseReason(Reason.STEP, Command.STEP), 'after one step');
  assert.equal(pauseReason(Reason.STEP, Command.OVER), 'stepped over the call');
  assert.equal(pauseReason(Reason.STEP, Command.OUT), 'stepped out of the call');
  assert.equal(pauseReason(Reason.START, Command.RUN), 'before the first instruction');
  assert.equal(pauseReason(Reason.PAUSE, Command.RUN), 'paused with Pause');
  assert.equal(pauseReason(Reason.STEP_BACK, Command.RUN), 'stepped back');
  assert.equal(pauseReason(Reason.HISTORY_EMPTY, Command.RUN), 'nothing more to step back over');
  assert.equal(pauseReason('something new', Command.RUN), 'paused (something new)');
});
