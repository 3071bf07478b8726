// Unit tests of the settings (settings.js): their reading (tolerant of anything stored),
// writing (only what differs from the defaults), applying to the root element; the two
// blocks of the dark theme in style.css; the shortcut list by key bindings (shortcuts.js);
// and the build's handling of the key bindings' chunks (build.mjs).
//
//   node --test web/test/settings.test.mjs

import { test } from 'node:test';
import assert from 'node:assert/strict';
import fs from 'node:fs';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { SETTINGS_KEY, DEFAULTS, THEMES, FONT_SIZES, KEY_BINDINGS, normalize, readSettings, writeSettings, applyToRoot } from '../src/settings.js';
import { shortcutsFor, SHORTCUTS, EDITOR_KEYS } from '../src/shortcuts.js';
import { isLazy, EMACS_SETUP } from '../build.mjs';

const WEB = path.dirname(path.dirname(fileURLToPath(import.meta.url)));

/** A stand-in for localStorage. */
function memory(initial = {}) {
  const m = new Map(Object.entries(initial));
  return { getItem: (k) => (m.has(k) ? m.get(k) : null), setItem: (k, v) => m.set(k, String(v)), removeItem: (k) => m.delete(k), map: m };
}

test('the key is versioned; the defaults are the page as it was: the system theme, 14 px, no wrap, the default keys', () => {
  assert.match(SETTINGS_KEY, /\.v\d+$/);
  assert.deepEqual(DEFAULTS, { theme: 'system', fontSize: 14, lineWrap: false, keyBindings: 'default' });
  assert.ok(THEMES.includes(DEFAULTS.theme) && FONT_SIZES.includes(DEFAULTS.fontSize) && KEY_BINDINGS.includes(DEFAULTS.keyBindings));
});

test('bad stored values read as the defaults, each on its own: the good ones are kept', () => {
  for (const bad of [null, undefined, 3, 'dark', [], ['dark'], true]) assert.deepEqual(normalize(bad), DEFAULTS, String(bad));
  assert.deepEqual(normalize({ theme: 'purple', fontSize: '16', lineWrap: 'yes', keyBindings: 'nano', extra: 1 }), DEFAULTS);
  assert.deepEqual(normalize({ theme: 'dark', fontSize: 7, lineWrap: true, keyBindings: 'VIM' }), { ...DEFAULTS, theme: 'dark', lineWrap: true });
  assert.deepEqual(normalize({ fontSize: 18, keyBindings: 'emacs' }), { ...DEFAULTS, fontSize: 18, keyBindings: 'emacs' });
  assert.equal(normalize({ fontSize: 1e9 }).fontSize, 14);
  assert.equal(normalize({ fontSize: NaN }).fontSize, 14);
  assert.equal(Object.hasOwn(normalize({ __proto__: { theme: 'dark' } }), 'extra'), false);
});

test('readSettings: JSON that does not parse, no storage, or a storage that throws: the defaults', () => {
  assert.deepEqual(readSettings(memory({ [SETTINGS_KEY]: '{not json' })), DEFAULTS);
  assert.deepEqual(readSettings(memory({ [SETTINGS_KEY]: 'null' })), DEFAULTS);
  assert.deepEqual(readSettings(memory()), DEFAULTS);
  assert.deepEqual(readSettings(null), DEFAULTS);
  assert.deepEqual(readSettings({ getItem: () => { throw new Error('SecurityError'); } }), DEFAULTS);
  assert.deepEqual(readSettings(memory({ [SETTINGS_KEY]: '{"theme":"light","keyBindings":"vim"}' })), { ...DEFAULTS, theme: 'light', keyBindings: 'vim' });
});

test('writeSettings keeps only what differs from the defaults, removes the key when nothing does, and says when the storage refused', () => {
  const s = memory();
  assert.equal(writeSettings(s, { ...DEFAULTS, theme: 'dark', fontSize: 20 }), true);
  assert.deepEqual(JSON.parse(s.map.get(SETTINGS_KEY)), { theme: 'dark', fontSize: 20 });
  assert.deepEqual(readSettings(s), { ...DEFAULTS, theme: 'dark', fontSize: 20 });
  assert.equal(writeSettings(s, DEFAULTS), true);
  assert.equal(s.map.has(SETTINGS_KEY), false);
  // Nothing but the four settings is ever written.
  writeSettings(s, { ...DEFAULTS, lineWrap: true, source: 'secret' });
  assert.deepEqual(JSON.parse(s.map.get(SETTINGS_KEY)), { lineWrap: true });
  const full = { ...memory(), setItem: () => { throw new Error('QuotaExceededError'); } };
  assert.equal(writeSettings(full, { ...DEFAULTS, theme: 'dark' }), false);
  assert.equal(writeSettings(null, DEFAULTS), true);
});

test('applyToRoot: data-theme for Light and Dark, none for System; the font size as a CSS variable', () => {
  const attrs = new Map();
  const props = new Map();
  const root = { setAttribute: (k, v) => attrs.set(k, v), removeAttribute: (k) => attrs.delete(k), style: { setProperty: (k, v) => props.set(k, v) } };
  applyToRoot(root, { theme: 'dark', fontSize: 18 });
  assert.equal(attrs.get('data-theme'), 'dark');
  assert.equal(props.get('--editor-font-size'), '18px');
  applyToRoot(root, { theme: 'system' });
  assert.equal(attrs.has('data-theme'), false);
  assert.equal(props.get('--editor-font-size'), '14px');
  applyToRoot(root, { theme: 'light', fontSize: 'big' });
  assert.equal(attrs.get('data-theme'), 'light');
  assert.equal(props.get('--editor-font-size'), '14px');
});

test('style.css: the dark theme of the system and the one chosen in Settings are the same variables', () => {
  const css = fs.readFileSync(path.join(WEB, 'src', 'style.css'), 'utf8');
  const vars = (re) => {
    const m = re.exec(css);
    assert.ok(m, `${re} not found`);
    return [...m[1].matchAll(/(--[\w-]+):\s*([^;]+);/g)].map(([, k, v]) => `${k}: ${v.trim()}`);
  };
  const system = vars(/@media \(prefers-color-scheme: dark\) \{\s*:root:not\(\[data-theme='light'\]\) \{([^}]*)\}/);
  const chosen = vars(/:root\[data-theme='dark'\] \{([^}]*)\}/);
  assert.ok(system.length > 40, `${system.length} variables`);
  assert.deepEqual(chosen, system);
  // Every colour variable of the light theme has its dark value.
  const light = vars(/:root \{([^}]*)\}/).map((l) => l.split(':')[0]).filter((k) => !['--mono', '--sans'].includes(k));
  assert.deepEqual(light.filter((k) => !system.some((l) => l.startsWith(`${k}:`))), []);
});

test('the shortcut list shows the editor keys of the key bindings in force; the default list is the page\'s list', () => {
  assert.deepEqual(SHORTCUTS, shortcutsFor('default'));
  const keys = (b) => shortcutsFor(b).flatMap((g) => g.rows.flatMap((r) => r.keys));
  const titles = (b) => shortcutsFor(b).map((g) => g.title);
  assert.ok(titles('vim').some((t) => /Vim/.test(t)));
  assert.ok(titles('emacs').some((t) => /Emacs/.test(t)));
  assert.ok(keys('vim').includes('dd'));
  assert.ok(keys('emacs').includes('Ctrl+A') && keys('emacs').includes('Ctrl+E'));
  assert.ok(!keys('default').includes('dd'));
  // The page's and the debugger's keys are there whatever the bindings.
  for (const b of ['default', 'vim', 'emacs']) for (const k of ['Ctrl+Enter', 'F8', 'Shift+Alt+F', '?']) assert.ok(keys(b).includes(k), `${b}: ${k}`);
  assert.deepEqual(shortcutsFor('nano'), shortcutsFor('default'));
  for (const b of Object.keys(EDITOR_KEYS)) for (const r of EDITOR_KEYS[b]) assert.ok(r.keys.length && r.what, JSON.stringify(r));
});

test('build: the key bindings\' chunks are lazy (not preloaded, not in the initial size); Emacs\'s set-up calls lose their pure marks', () => {
  assert.equal(isLazy('main.lazy-vim.TG6FGISS.js'), true);
  assert.equal(isLazy('main.lazy-emacs.HWBFG4F5.js'), true);
  assert.equal(isLazy('main.chunk.FB56W7ST.js'), false);
  assert.equal(isLazy('main.main.7BWK6KLW.js'), false);
  assert.equal(isLazy('main.codemirror.FU62K2ZE.js'), false);
  const pkg = fs.readFileSync(path.join(WEB, 'node_modules', '@replit', 'codemirror-emacs', 'dist', 'index.js'), 'utf8');
  const found = pkg.match(EMACS_SETUP) ?? [];
  assert.deepEqual([...new Set(found)].sort(), ['/*@__PURE__*/EmacsHandler.addCommands(', '/*@__PURE__*/EmacsHandler.bindKey(']);
});
