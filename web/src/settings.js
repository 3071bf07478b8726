// The page's settings (pure, storage passed in): theme, the editor's font size, line
// wrap and key bindings. Kept per browser in localStorage under a versioned key, as one
// JSON object; a stored value that is missing, of another type or out of range is read
// as its default (the others are kept), and storage that throws reads as the defaults.
// Settings are never part of a share link (share.js encodes the program, arguments and
// input only). boot.js applies the theme and font size before the page is drawn.

/** The storage key: a later format gets a new key (…v2), this one is then migrated or left. */
export const SETTINGS_KEY = 'simple-vm.settings.v1';

export const THEMES = Object.freeze(['system', 'light', 'dark']);
export const FONT_SIZES = Object.freeze([12, 13, 14, 15, 16, 18, 20, 24]);
export const KEY_BINDINGS = Object.freeze(['default', 'vim', 'emacs']);

/** What each choice is called in the Settings panel and the shortcut list. */
export const THEME_NAMES = Object.freeze({ system: 'System', light: 'Light', dark: 'Dark' });
export const KEY_BINDING_NAMES = Object.freeze({ default: 'Default', vim: 'Vim', emacs: 'Emacs' });

export const DEFAULTS = Object.freeze({ theme: 'system', fontSize: 14, lineWrap: false, keyBindings: 'default' });

/** `value` (anything) as settings: each field valid or its default; unknown fields dropped. */
export function normalize(value) {
  const v = value && typeof value === 'object' && !Array.isArray(value) ? value : {};
  return {
    theme: THEMES.includes(v.theme) ? v.theme : DEFAULTS.theme,
    fontSize: FONT_SIZES.includes(v.fontSize) ? v.fontSize : DEFAULTS.fontSize,
    lineWrap: typeof v.lineWrap === 'boolean' ? v.lineWrap : DEFAULTS.lineWrap,
    keyBindings: KEY_BINDINGS.includes(v.keyBindings) ? v.keyBindings : DEFAULTS.keyBindings,
  };
}

/** The settings kept in `storage` (localStorage, or null): the defaults when there are none or they cannot be read. */
export function readSettings(storage) {
  try {
    const text = storage?.getItem(SETTINGS_KEY);
    return normalize(text ? JSON.parse(text) : null);
  } catch {
    return normalize(null);
  }
}

/**
 * Keeps `settings` in `storage`; only what differs from the defaults is written (nothing
 * at all, the key removed, when they are all defaults). Returns false when the storage
 * refused (full, or disabled): the settings then hold for this page only.
 */
export function writeSettings(storage, settings) {
  const s = normalize(settings);
  const changed = Object.fromEntries(Object.entries(s).filter(([k, v]) => DEFAULTS[k] !== v));
  try {
    if (Object.keys(changed).length) storage?.setItem(SETTINGS_KEY, JSON.stringify(changed));
    else storage?.removeItem(SETTINGS_KEY);
    return true;
  } catch {
    return false;
  }
}

/**
 * Applies the theme and the font size to the document's root element: `data-theme`
 * (absent for "system": the page then follows prefers-color-scheme, style.css) and the
 * `--editor-font-size` variable the editor's theme reads.
 */
export function applyToRoot(root, settings) {
  const s = normalize(settings);
  if (s.theme === 'system') root.removeAttribute('data-theme');
  else root.setAttribute('data-theme', s.theme);
  root.style.setProperty('--editor-font-size', `${s.fontSize}px`);
}

/** The browser's localStorage, or null where it cannot be had (a sandboxed frame, storage disabled). */
export function localStore() {
  try {
    return globalThis.localStorage ?? null;
  } catch {
    return null;
  }
}
