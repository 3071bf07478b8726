// The Profile panel's "by label" view: for every label, the instructions run in its own
// code (self) and in it and everything it called (total), from the folded stacks of a
// profiled run (`main;fib;recur 1234` lines), in a table sortable by each column.
// A recursive label counts once per call path, so its total is never more than the run.

import { h, count } from './dom.js';

/**
 * Folded stacks -> [{ name, self, total }], one row per name, busiest total first.
 * `self`: instructions whose innermost frame is the name; `total`: instructions with the
 * name anywhere in their call path (once, however deep the recursion).
 */
export function byLabel(folded) {
  const rows = new Map();
  const row = (name) => {
    let r = rows.get(name);
    if (!r) rows.set(name, (r = { name, self: 0, total: 0 }));
    return r;
  };
  for (const line of folded.split('\n')) {
    const cut = line.lastIndexOf(' ');
    if (cut <= 0) continue;
    const n = Number(line.slice(cut + 1));
    if (!Number.isFinite(n) || n <= 0) continue;
    const names = line.slice(0, cut).split(';');
    row(names[names.length - 1]).self += n;
    for (const name of new Set(names)) row(name).total += n;
  }
  return sortRows([...rows.values()], 'total', true);
}

/** The columns a table can be sorted by. */
export const COLUMNS = ['name', 'self', 'total'];

/**
 * A sorted copy of `rows` by `key` (`name`, `self` or `total`); `descending` for the
 * largest (or last name) first. Ties go by name, so the order is stable.
 */
export function sortRows(rows, key, descending) {
  const dir = descending ? -1 : 1;
  const byName = (a, b) => (a.name < b.name ? -1 : a.name > b.name ? 1 : 0);
  return [...rows].sort((a, b) => {
    const d = key === 'name' ? byName(a, b) : a[key] - b[key];
    return d ? dir * d : byName(a, b);
  });
}

/** The sort a click on column `key` gives, after `sort` ({ key, descending }). */
export function nextSort(sort, key) {
  if (sort.key === key) return { key, descending: !sort.descending };
  // Names start A to Z, counts largest first.
  return { key, descending: key !== 'name' };
}

const pct = (part, whole) => {
  const p = (100 * part) / whole;
  return p >= 0.1 || p === 0 ? `${p.toFixed(1)}%` : '< 0.1%';
};

const HEADS = { name: 'Label', self: 'Self', total: 'Total' };
const HINTS = {
  name: 'the label (main: the main program)',
  self: 'instructions run in the label’s own code',
  total: 'instructions run in it and in everything it called',
};

/**
 * Draws the table of `rows` into `el`, sorted by `sort` ({ key, descending }); a click
 * on a column's head calls `onSort(next sort)`, on a label `onLabel(name)` (for names
 * that `labelled(name)` says the editor can go to). `total`: the run's instructions.
 */
export function renderByLabel(el, rows, { total, sort, onSort, labelled, onLabel }) {
  const whole = total || 1;
  const head = COLUMNS.map((key) =>
    h(
      'th',
      {
        scope: 'col',
        class: key === 'name' ? null : 'num',
        'aria-sort': sort.key === key ? (sort.descending ? 'descending' : 'ascending') : null,
      },
      h(
        'button',
        { type: 'button', class: 'sort', title: `Sort by ${HEADS[key].toLowerCase()}: ${HINTS[key]}`, 'data-sort': key, onclick: () => onSort(nextSort(sort, key)) },
        HEADS[key],
        h('span', { 'aria-hidden': 'true' }, sort.key === key ? (sort.descending ? ' ▼' : ' ▲') : ''),
      ),
    ),
  );
  const body = sortRows(rows, sort.key, sort.descending).map((r) =>
    h(
      'tr',
      { 'data-name': r.name },
      h(
        'th',
        { scope: 'row' },
        labelled(r.name)
          ? h('button', { type: 'button', class: 'link', title: 'Show the label', onclick: () => onLabel(r.name) }, h('code', {}, r.name))
          : h('code', {}, r.name),
      ),
      h('td', { class: 'num', 'data-count': r.self }, count(r.self), h('span', { class: 'pct' }, ` ${pct(r.self, whole)}`)),
      h('td', { class: 'num', 'data-count': r.total }, count(r.total), h('span', { class: 'pct' }, ` ${pct(r.total, whole)}`)),
    ),
  );
  el.replaceChildren(
    h(
      'table',
      { class: 'by-label' },
      h('caption', { class: 'visually-hidden' }, 'Instructions by label: self and total'),
      h('thead', {}, h('tr', {}, head)),
      h('tbody', {}, body),
    ),
  );
}

/**
 * The "by label" view: a line of help and the table of `rows`, which re-sorts itself on
 * a click on a column's head (and tells `onSort`). Options as for renderByLabel.
 */
export function byLabelView(rows, { total, labelled, onLabel, sort, onSort }) {
  const table = h('div', { class: 'by-label-box' });
  const draw = (s) =>
    renderByLabel(table, rows, {
      total,
      sort: s,
      labelled,
      onLabel,
      onSort: (next) => {
        onSort(next);
        draw(next);
        table.querySelector(`[data-sort=${next.key}]`).focus();
      },
    });
  draw(sort);
  return h(
    'div',
    {},
    h('p', { class: 'sub' }, 'Instructions by label: self, in the label’s own code; total, in it and in everything it called (a recursive label counted once). Click a column to sort by it.'),
    table,
  );
}

/**
 * Buttons that show one of `views` ({ key: [name, element] }) and hide the others,
 * starting with `current`; `onShow(key)` is told of a change.
 */
export function viewSwitch(views, current, onShow) {
  const entries = Object.entries(views);
  const buttons = entries.map(([key, [name, view]]) =>
    h('button', { type: 'button', class: 'view-tab', 'data-view': key, 'aria-controls': view.id || null, onclick: () => show(key) }, name),
  );
  const show = (key) => {
    entries.forEach(([k, [, view]], i) => {
      view.hidden = k !== key;
      buttons[i].setAttribute('aria-pressed', String(k === key));
    });
    onShow(key);
  };
  show(current);
  return h('div', { class: 'view-tabs', role: 'group', 'aria-label': 'Profile view' }, buttons);
}
