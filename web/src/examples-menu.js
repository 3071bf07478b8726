// The Examples menu: the programs of examples/ (bundled by build.mjs as
// `virtual:examples`), each with its arguments and input. A pick with the mouse (or in
// the open list) loads at once; the arrow keys on the closed menu only choose, and Enter
// loads (in Chromium a closed <select> changes its value with an arrow key alone).

import { h } from './dom.js';

/** Keys that change a closed <select>'s value without opening its list. */
const BROWSING_KEYS = new Set(['ArrowUp', 'ArrowDown', 'ArrowLeft', 'ArrowRight', 'Home', 'End', 'PageUp', 'PageDown']);

/**
 * Does a key pressed on the closed menu only choose (true), or may the change it makes
 * load (false)? Letters choose too (type-ahead); the keys that open the list do not.
 */
export function onlyChooses(e) {
  if (e.altKey || e.ctrlKey || e.metaKey) return false;
  return BROWSING_KEYS.has(e.key) || (e.key.length === 1 && e.key !== ' ');
}

/**
 * Fills `select` with `examples`; `onPick(example)` when one is chosen. `hint`: an
 * element that says what Enter does while an example is only chosen.
 */
export function attachExamples(select, examples, onPick, hint = null) {
  for (const ex of examples) select.append(h('option', { value: ex.name }, `${ex.name} — ${ex.title}`));
  let browsing = false;
  const say = (text) => hint && (hint.textContent = text);
  const reset = () => {
    browsing = false;
    select.value = '';
    say('');
  };
  const pick = () => {
    const ex = examples.find((e) => e.name === select.value);
    reset();
    if (ex) onPick(ex);
  };
  select.addEventListener('keydown', (e) => {
    if (e.key === 'Enter' && browsing && select.value) {
      e.preventDefault();
      pick();
    } else if (e.key === 'Escape' && browsing) {
      e.preventDefault();
      reset();
    } else browsing = onlyChooses(e);
  });
  select.addEventListener('mousedown', () => (browsing = false));
  select.addEventListener('blur', () => browsing && reset());
  select.addEventListener('change', () => {
    if (!browsing) return pick();
    say(select.value ? `Enter opens the example ${select.value}; Escape leaves it.` : '');
  });
}
