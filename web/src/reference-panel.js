// The Reference panel: every operation with its stack effect, description and example
// (from vm-wasm's `ops()`), drawn when it is first opened.

import { h, fill } from './dom.js';

/** Wires the Reference button; returns { setOps(ops) } to call once the operations are known. */
export function attachReference({ toggle, panel, list }) {
  let ops = null;
  toggle.addEventListener('click', () => {
    const open = panel.hidden;
    if (open && ops && !list.firstChild) renderReference(list, ops);
    panel.hidden = !open;
    toggle.setAttribute('aria-expanded', String(open));
    if (open) panel.scrollIntoView({ block: 'nearest' });
  });
  return {
    setOps(o) {
      ops = o;
    },
  };
}

function renderReference(list, ops) {
  fill(
    list,
    ops.map((o) =>
      h(
        'div',
        { class: 'op', id: `op-${encodeURIComponent(o.name)}` },
        h('dt', {}, h('code', { class: 'op-name' }, o.name), ' ', h('code', { class: 'op-effect' }, o.effect)),
        h('dd', {}, h('p', {}, o.doc), h('pre', { class: 'op-example' }, o.example)),
      ),
    ),
  );
}
