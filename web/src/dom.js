// A tiny element builder. Children that are strings become text nodes: nothing the page
// shows from a program (output, errors, values) is ever parsed as HTML.

/**
 * h('li', { class: 'x', onclick: fn }, 'text', otherNode) -> element.
 * Attributes whose value is null, undefined or false are left out.
 */
export function h(tag, attrs, ...children) {
  const el = document.createElement(tag);
  for (const [k, v] of Object.entries(attrs || {})) {
    if (v === null || v === undefined || v === false) continue;
    if (k.startsWith('on') && typeof v === 'function') el.addEventListener(k.slice(2), v);
    else el.setAttribute(k, v === true ? '' : String(v));
  }
  append(el, children);
  return el;
}

function append(el, children) {
  for (const c of children) {
    if (c === null || c === undefined || c === false) continue;
    if (Array.isArray(c)) append(el, c);
    else el.append(c instanceof Node ? c : document.createTextNode(String(c)));
  }
}

/** Removes every child of `el` and appends `children` (as h does). */
export function fill(el, ...children) {
  el.replaceChildren();
  append(el, children);
  return el;
}

/** 1234567 -> "1,234,567". */
export const count = (n) => Number(n).toLocaleString('en-US');

/** A count and its noun, plural unless the count is 1: "1 step", "1,234 steps". */
export const counted = (n, noun) => `${count(n)} ${noun}${Number(n) === 1 ? '' : 's'}`;

/** Milliseconds, readably: "< 0.1 ms", "4.2 ms", "120 ms", "3.10 s". */
export function duration(ms) {
  if (ms < 0.1) return '< 0.1 ms';
  if (ms < 10) return `${ms.toFixed(1)} ms`;
  if (ms < 1000) return `${Math.round(ms)} ms`;
  return `${(ms / 1000).toFixed(ms < 10000 ? 2 : 1)} s`;
}

/** Shows or hides a panel (`ui.panel`) and says so on its toolbar button (`ui.toggle`'s `aria-expanded`). */
export function setPanelOpen({ panel, toggle }, open) {
  panel.hidden = !open;
  toggle.setAttribute('aria-expanded', String(open));
}
