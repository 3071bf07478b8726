// The Keyboard shortcuts dialog: every key of the page, the editor's and the debugger's,
// in groups (`SHORTCUTS`, pure: the debugger's keys are read from controls.js's
// DEBUG_KEYS, so that the list and the keys cannot differ), opened from its button below
// the editor or with `?` outside a text field; Esc or Close closes it. The Tab option (Tab
// indents in the editor, kept in localStorage) is wired here too.

import { h, fill } from './dom.js';
import { DEBUG_KEYS } from './controls.js';
import { KEY_BINDING_NAMES } from './settings.js';

/** Key codes as they are written on the keys. */
const KEY_NAMES = { Backslash: '\\', Quote: "'", Semicolon: ';' };

/** A key of DEBUG_KEYS as people write it: "Ctrl+Backslash" -> "Ctrl+\". */
export const keyName = (key) => key.split('+').map((k) => KEY_NAMES[k] ?? k).join('+');

/** The keys of a debugger action, in DEBUG_KEYS' order: "F10 or Ctrl+'". */
const debugKeys = (action) => Object.keys(DEBUG_KEYS).filter((k) => DEBUG_KEYS[k] === action).map(keyName);

/** What each debugger action does, in the list. */
const DEBUG_WORDS = {
  pauseOrContinue: 'Continue from a pause, or Pause a running debug run; with no run, Debug: run recording the steps, to the first breakpoint',
  stepOver: 'Step over: one instruction; a call runs until it returns (with no run, start one paused)',
  step: 'Step: one instruction, into calls (with no run, start one paused)',
  stepOut: 'Step out: run until the current call returns',
  stepBack: 'Step back: undo the last instruction',
  toggleBreakpoint: 'A breakpoint on the line of the cursor, or none',
};

/** The groups of the page's own keys; the editor's (EDITOR_KEYS) go between the debugger's and the page's. */
const PAGE_GROUPS = Object.freeze([
  {
    title: 'The program',
    rows: [
      { keys: ['Ctrl+Enter', '⌘+Enter'], what: 'Run' },
      { keys: ['Esc'], what: 'Stop a running program (or one waiting for input); a paused one is stopped with Stop' },
      { keys: ['Shift+Alt+F'], what: 'Format the program as svm fmt does' },
      { keys: ['Ctrl+D'], what: 'End of input, in the prompt of a program that reads' },
    ],
  },
  {
    title: 'The debugger (anywhere on the page)',
    rows: Object.keys(DEBUG_WORDS).map((action) => ({ keys: debugKeys(action), what: DEBUG_WORDS[action] })),
  },
  {
    title: 'The page',
    rows: [
      { keys: ['?'], what: 'This list (outside the editor and the text fields)' },
      { keys: ['←', '→'], what: 'In the Timeline\'s slider: the step before or after' },
      { keys: ['Esc'], what: 'Close this list, or My programs' },
    ],
  },
]);

/**
 * The editor's keys, by the key bindings in force (the Settings panel's): the default
 * ones, or those of CodeMirror's Vim and Emacs modes that matter most here.
 */
export const EDITOR_KEYS = Object.freeze({
  default: [
    { keys: ['Tab', 'Shift+Tab'], what: 'Move to the next (or previous) control, as everywhere on the page; with "Tab indents in the editor" on, indent (or unindent) the lines, and Esc then Tab leaves the editor' },
    { keys: ['Ctrl+Space'], what: 'Complete the word: the operations and the labels' },
    { keys: ['Ctrl+Z', 'Ctrl+Y', 'Ctrl+Shift+Z'], what: 'Undo; redo' },
    { keys: ['Ctrl+F'], what: 'Search (and replace)' },
    { keys: ['Ctrl+Shift+M'], what: 'The list of the program\'s errors' },
  ],
  vim: [
    { keys: ['Esc', 'Ctrl+['], what: 'Normal mode (Esc also stops a running program, as everywhere on the page)' },
    { keys: ['i', 'a', 'o'], what: 'Insert mode: before the cursor, after it, on a new line below' },
    { keys: ['h', 'j', 'k', 'l'], what: 'Left, down, up, right (in Normal mode)' },
    { keys: ['dd', 'yy', 'p'], what: 'Delete the line; copy it; paste' },
    { keys: ['u', 'Ctrl+R'], what: 'Undo; redo' },
    { keys: ['/', 'n'], what: 'Search; the next match' },
    { keys: ['v', 'V'], what: 'Visual mode, by characters or by lines' },
    { keys: ['Ctrl+Space'], what: 'Complete the word (in Insert mode)' },
    { keys: ['Tab', 'Shift+Tab'], what: 'Move to the next (or previous) control, unless "Tab indents in the editor" is on' },
  ],
  emacs: [
    { keys: ['Ctrl+A', 'Ctrl+E'], what: 'The start; the end of the line' },
    { keys: ['Ctrl+F', 'Ctrl+B', 'Ctrl+N', 'Ctrl+P'], what: 'Forward, back a character; the next, the previous line' },
    { keys: ['Alt+F', 'Alt+B'], what: 'Forward, back a word' },
    { keys: ['Ctrl+K', 'Ctrl+Y'], what: 'Kill to the end of the line; yank it back' },
    { keys: ['Ctrl+Space', 'Ctrl+W', 'Alt+W'], what: 'Set the mark; kill the region; copy it' },
    { keys: ['Ctrl+/', 'Ctrl+Shift+/'], what: 'Undo; redo' },
    { keys: ['Ctrl+S'], what: 'Search' },
    { keys: ['Alt+/'], what: 'Complete the word: the operations and the labels' },
    { keys: ['Ctrl+G'], what: 'Quit (drop the mark)' },
    { keys: ['Tab', 'Shift+Tab'], what: 'Move to the next (or previous) control, unless "Tab indents in the editor" is on' },
  ],
});

/** The groups of the list with the editor's keys of `keyBindings` in force ("default", "vim" or "emacs"). */
export function shortcutsFor(keyBindings = 'default') {
  const rows = EDITOR_KEYS[keyBindings] ?? EDITOR_KEYS.default;
  const name = KEY_BINDING_NAMES[keyBindings] ?? KEY_BINDING_NAMES.default;
  const editor = { title: `The editor (key bindings: ${name}, chosen in Settings)`, rows };
  return [...PAGE_GROUPS.slice(0, 2), editor, ...PAGE_GROUPS.slice(2)];
}

/**
 * The shortcuts with the default key bindings, in groups: `[{ title, rows: [{ keys:
 * [alternatives], what }] }]`; each alternative is a key combination ("Ctrl+Enter").
 */
export const SHORTCUTS = Object.freeze(shortcutsFor('default'));

/** The list drawn in `list`: a table per group, each key in a <kbd>. */
function render(list, keyBindings) {
  fill(
    list,
    shortcutsFor(keyBindings).map((g) =>
      h(
        'section',
        { 'aria-label': g.title },
        h('h3', {}, g.title),
        h(
          'table',
          {},
          h('tbody', {}, g.rows.map((r) => h('tr', {}, h('th', { scope: 'row' }, r.keys.map((k, i) => [i ? ' or ' : null, h('kbd', {}, k)])), h('td', {}, r.what)))),
        ),
      ),
    ),
  );
}

/**
 * The dialog `{ dialog, list, open }` (its button); returns `{ show() }`. Drawn when
 * opened, with the editor's keys of `keyBindings()` (the key bindings in force); the focus
 * goes back to what had it when it closes.
 */
export function attachShortcuts({ dialog, list, open }, { keyBindings = () => 'default' } = {}) {
  let back = null;
  const show = () => {
    if (dialog.open) return;
    render(list, keyBindings());
    back = document.activeElement;
    dialog.showModal();
  };
  open.addEventListener('click', show);
  dialog.addEventListener('close', () => {
    if (back && back.isConnected && typeof back.focus === 'function') back.focus();
    back = null;
  });
  return { show };
}

/** The storage key of the Tab option. */
export const TAB_KEY = 'simple-vm.tab-indents.v1';

/** The Tab option as kept in `storage` (localStorage, or null): off unless the person turned it on. */
export function readTabOption(storage) {
  try {
    return storage?.getItem(TAB_KEY) === 'on';
  } catch {
    return false;
  }
}

/**
 * The Tab option's checkbox: `checkbox` (Tab indents in the editor), `hint` (the way out,
 * shown while it is on); `on`: as read (readTabOption); a change is applied (`apply(on)`,
 * the editor's) and kept in `storage`.
 */
export function attachTabOption({ checkbox, hint }, { on, storage, apply }) {
  checkbox.checked = on;
  hint.hidden = !on;
  checkbox.addEventListener('change', () => {
    const value = checkbox.checked;
    hint.hidden = !value;
    apply(value);
    try {
      if (value) storage?.setItem(TAB_KEY, 'on');
      else storage?.removeItem(TAB_KEY);
    } catch {
      // Not kept: the option holds for this page.
    }
  });
}
