// The Examples menu: the programs of examples/ (bundled by build.mjs as
// `virtual:examples`), each with its arguments and input.

import { h } from './dom.js';

/** Fills `select` with `examples`; `onPick(example)` when one is chosen. */
export function attachExamples(select, examples, onPick) {
  for (const ex of examples) select.append(h('option', { value: ex.name }, `${ex.name} — ${ex.title}`));
  select.addEventListener('change', () => {
    const ex = examples.find((e) => e.name === select.value);
    select.value = '';
    if (ex) onPick(ex);
  });
}
