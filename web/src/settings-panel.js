// The Settings panel: a dialog opened from the toolbar's Settings button (Tab reaches it;
// Esc or Close closes it, and the focus goes back to the button). Theme, the editor's font
// size, line wrap and key bindings (settings.js), each applied as soon as it is changed and
// kept in this browser; never in a share link.

import { h, fill } from './dom.js';
import { THEMES, THEME_NAMES, FONT_SIZES, KEY_BINDINGS, KEY_BINDING_NAMES, DEFAULTS, normalize, writeSettings } from './settings.js';

const KEY_BINDING_HINTS = {
  default: 'the browser\'s and CodeMirror\'s usual keys',
  vim: 'Esc for Normal mode, i to insert, dd, yy, p, u…',
  emacs: 'Ctrl+A, Ctrl+E, Ctrl+K, Ctrl+Y, Ctrl+S…',
};

/** A group of radio buttons (a fieldset with its legend): `name`, its `values` and their words. */
function radios(name, legend, values, words, hints = {}) {
  return h(
    'fieldset',
    { class: 'settings-group' },
    h('legend', {}, legend),
    values.map((v) =>
      h(
        'label',
        { class: 'settings-choice' },
        h('input', { type: 'radio', name, value: v, 'data-testid': `settings-${name}-${v}` }),
        ` ${words[v]}`,
        hints[v] ? h('small', {}, ` — ${hints[v]}`) : null,
      ),
    ),
  );
}

/**
 * The panel: `{ dialog, body, open, note }`; `settings`: as read (readSettings); a change
 * is applied (`apply(next, previous)`, which may return a promise: the key bindings are
 * fetched when first chosen, and a rejected one puts the previous choice back) and kept in
 * `storage`. Returns `{ show(), settings() }`.
 */
export function attachSettings({ dialog, body, open, note }, { settings, storage, apply }) {
  let current = normalize(settings);
  let back = null;
  const fontSize = h(
    'select',
    { id: 'settings-font-size', name: 'fontSize', 'data-testid': 'settings-font-size' },
    FONT_SIZES.map((n) => h('option', { value: n }, `${n} px${n === DEFAULTS.fontSize ? ' (default)' : ''}`)),
  );
  const wrap = h('input', { type: 'checkbox', id: 'settings-wrap', name: 'lineWrap', 'data-testid': 'settings-wrap' });
  fill(
    body,
    radios('theme', 'Theme', THEMES, THEME_NAMES, { system: 'as your system is set' }),
    h('p', { class: 'settings-row' }, h('label', { for: 'settings-font-size' }, 'Editor font size'), ' ', fontSize),
    h('p', { class: 'settings-row' }, h('label', { for: 'settings-wrap', class: 'settings-choice' }, wrap, ' Wrap long lines in the editor')),
    radios('keyBindings', 'Editor key bindings', KEY_BINDINGS, KEY_BINDING_NAMES, KEY_BINDING_HINTS),
  );
  const say = (text) => (note.textContent = text);
  const KEPT = 'Kept in this browser, never put in a share link.';

  /** The controls show `s`. */
  const show = (s) => {
    for (const input of body.querySelectorAll('input[type=radio]')) input.checked = s[input.name] === input.value;
    fontSize.value = String(s.fontSize);
    wrap.checked = s.lineWrap;
  };
  show(current);
  say(KEPT);

  const change = async (patch) => {
    const previous = current;
    const next = normalize({ ...current, ...patch });
    current = next;
    if (patch.keyBindings && patch.keyBindings !== 'default') say(`Loading the ${KEY_BINDING_NAMES[patch.keyBindings]} key bindings…`);
    try {
      await apply(next, previous);
    } catch (e) {
      // Only the key bindings can fail (their chunk not fetched): the others stay.
      current = { ...next, keyBindings: previous.keyBindings };
      show(current);
      say(`The ${KEY_BINDING_NAMES[next.keyBindings]} key bindings could not be loaded (${e.message}); the ${KEY_BINDING_NAMES[previous.keyBindings]} ones are in force.`);
      writeSettings(storage, current);
      return;
    }
    say(writeSettings(storage, current) ? KEPT : 'Not kept: this browser\'s storage refused. The settings hold for this page only.');
  };
  body.addEventListener('change', (e) => {
    const t = e.target;
    if (t === fontSize) change({ fontSize: Number(fontSize.value) });
    else if (t === wrap) change({ lineWrap: wrap.checked });
    else if (t.type === 'radio') change({ [t.name]: t.value });
  });

  const showDialog = () => {
    if (dialog.open) return;
    show(current);
    back = document.activeElement;
    dialog.showModal();
  };
  open.addEventListener('click', showDialog);
  dialog.addEventListener('close', () => {
    if (back && back.isConnected && typeof back.focus === 'function') back.focus();
    back = null;
  });
  return { show: showDialog, settings: () => current };
}
