// The flame graph of a profiled run, drawn from its folded stacks (`main;fib;recur 1234`
// lines) as positioned blocks: one row per call depth, the main program on top, each
// block as wide as the instructions run in that call path and the calls it made.
// Names are inserted as text.

import { h, count } from './dom.js';

/** Row height in pixels (the style sheet's .flame-frame height plus a gap). */
const ROW = 22;
/** Blocks narrower than this share of the run are left out (with what they called). */
const MIN_SHARE = 0.001;
/** At most this many blocks are drawn. */
const MAX_FRAMES = 3000;

/** Parses folded stacks into a tree: { name, self, total, children: [] }. */
export function parseFolded(folded) {
  const root = { name: 'all', self: 0, total: 0, children: new Map() };
  for (const line of folded.split('\n')) {
    const cut = line.lastIndexOf(' ');
    if (cut <= 0) continue;
    const n = Number(line.slice(cut + 1));
    if (!Number.isFinite(n) || n <= 0) continue;
    let node = root;
    node.total += n;
    for (const name of line.slice(0, cut).split(';')) {
      let child = node.children.get(name);
      if (!child) {
        child = { name, self: 0, total: 0, children: new Map() };
        node.children.set(name, child);
      }
      child.total += n;
      node = child;
    }
    node.self += n;
  }
  // Every path starts at `main`: that is the root shown.
  const top = root.children.size === 1 ? [...root.children.values()][0] : root;
  return finish(top);
}

function finish(node) {
  const children = [...node.children.values()].sort((a, b) => (a.name < b.name ? -1 : a.name > b.name ? 1 : 0));
  return { name: node.name, self: node.self, total: node.total, children: children.map(finish) };
}

/** A stable colour class for a name (FNV-1a hash, eight colours). */
function hue(name) {
  let x = 2166136261;
  for (let i = 0; i < name.length; i++) x = Math.imul(x ^ name.charCodeAt(i), 16777619) >>> 0;
  return `flame-c${x % 8}`;
}

const pct = (part, whole) => {
  const p = (100 * part) / whole;
  return p >= 0.1 ? `${p.toFixed(1)}%` : '< 0.1%';
};

/**
 * Draws `tree` into `el`. `labelled(name)` says whether a frame's name is a label the
 * editor can go to; `onFrame(name)` is called when such a frame is clicked.
 * Returns { frames, depth } (blocks drawn, deepest row).
 */
export function renderFlame(el, tree, { labelled, onFrame }) {
  const total = tree.total || 1;
  const blocks = [];
  let depth = 0;
  // Breadth first, so that when blocks are capped the shallow ones are kept.
  const queue = [{ node: tree, x: 0, d: 0, path: tree.name }];
  for (let i = 0; i < queue.length && blocks.length < MAX_FRAMES; i++) {
    const { node, x, d, path } = queue[i];
    const share = node.total / total;
    depth = Math.max(depth, d);
    const label = `${node.name}: ${count(node.total)} instruction${node.total === 1 ? '' : 's'} (${pct(node.total, total)})` +
      `, ${count(node.self)} in itself` + (d ? ` — ${path.replace(/;/g, ' → ')}` : '');
    const canGo = labelled(node.name);
    const block = h(
      canGo ? 'button' : 'div',
      {
        type: canGo ? 'button' : null,
        class: `flame-frame ${hue(node.name)}`,
        title: label,
        // A block that is not a button is an image with a name (a plain div may not have one).
        role: canGo ? null : 'img',
        'aria-label': label,
        'data-name': node.name,
        'data-depth': d,
        'data-count': node.total,
        onclick: canGo ? () => onFrame(node.name) : null,
      },
      h('span', {}, node.name),
    );
    block.style.left = `${(100 * x) / total}%`;
    block.style.width = `${100 * share}%`;
    block.style.top = `${d * ROW}px`;
    blocks.push(block);
    let cx = x;
    for (const c of node.children) {
      if (c.total / total >= MIN_SHARE) queue.push({ node: c, x: cx, d: d + 1, path: `${path};${c.name}` });
      cx += c.total;
    }
  }
  const graph = h('div', { class: 'flame', role: 'group', 'aria-label': 'Flame graph: instructions by call path' }, blocks);
  graph.style.height = `${(depth + 1) * ROW}px`;
  el.replaceChildren(graph);
  return { frames: blocks.length, depth };
}
