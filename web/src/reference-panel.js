// The Reference panel: the whole language, grouped by kind (syntax, idioms, operations,
// limits, errors) and searchable as you type. The operations come from vm-wasm's `ops()`
// (each with its stack effect, description and example), everything else from
// docs/language.md, extracted at build time (reference-data.js, `virtual:reference`).
// Drawn when first opened; a search hides what does not match.

import { h, fill, count } from './dom.js';
import { parseInline, parseMarkdown, renderMarkdown } from './markdown.js';
import { KINDS, opEntries, filterReference } from './reference-data.js';

/**
 * Wires the Reference button and search. `loadDoc()`: resolves to `{ entries, url }`
 * (`virtual:reference`, a chunk of its own: lazy-reference.js, fetched when the Reference
 * is first opened); returns { setOps(ops) } to call once the operations are known.
 */
export function attachReference({ toggle, panel, list, search, found, link }, loadDoc) {
  let ops = null;
  let doc = null;
  let drawn = null; // [{ entry, el }] once drawn
  const apply = () => {
    if (!drawn) return;
    const shown = new Set(filterReference(drawn.map((d) => d.entry), search.value));
    for (const d of drawn) d.el.hidden = !shown.has(d.entry);
    for (const group of list.children) group.hidden = !group.querySelector('.ref-entry:not([hidden])');
    found.textContent = search.value.trim() ? (shown.size ? `${count(shown.size)} ${shown.size === 1 ? 'entry' : 'entries'} found` : 'Nothing found') : '';
  };
  search.addEventListener('input', apply);
  toggle.addEventListener('click', async () => {
    const open = panel.hidden;
    if (open && !doc) {
      try {
        doc = await loadDoc();
        link.href = doc.url;
      } catch (e) {
        fill(list, h('p', { class: 'ref-failed' }, `The Reference could not be loaded (${e.message}): try again once the page is back online.`));
      }
    }
    if (open && doc && ops && !drawn) {
      drawn = renderReference(list, [...doc.entries, ...opEntries(ops)]);
      apply();
    }
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

/** Inline Markdown (`code`, **bold**) as nodes. */
const inline = (text) => renderMarkdown([{ type: 'paragraph', content: parseInline(text) }], document).firstChild.childNodes;

/** Draws every entry in its group; returns [{ entry, el }]. */
function renderReference(list, entries) {
  const drawn = [];
  const groups = KINDS.map(([kind, heading]) => {
    const items = entries.filter((e) => e.kind === kind).map((entry) => {
      const el = entry.kind === 'operations' ? opEntry(entry) : textEntry(entry);
      drawn.push({ entry, el });
      return el;
    });
    return h('section', { class: 'ref-group', 'data-kind': kind }, h('h3', {}, heading), h('dl', {}, items));
  });
  fill(list, groups);
  return drawn;
}

function opEntry(o) {
  return h(
    'div',
    { class: 'ref-entry op', id: `op-${encodeURIComponent(o.title)}` },
    h('dt', {}, h('code', { class: 'op-name' }, o.title), ' ', h('code', { class: 'op-effect' }, o.effect)),
    h('dd', {}, h('p', {}, o.body), h('pre', { class: 'op-example' }, o.example)),
  );
}

function textEntry(e) {
  return h(
    'div',
    { class: 'ref-entry', 'data-testid': 'ref-entry' },
    h('dt', {}, [...inline(e.title)]),
    h('dd', {}, renderMarkdown(parseMarkdown(e.body), document)),
  );
}
