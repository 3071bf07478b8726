// The WebAssembly tier in words (pure): the Status's "compiled: 14 blocks in 0.4 ms",
// the WebAssembly panel's summary, and the module's text split into its functions.

import { count, counted, duration } from './dom.js';

/** The most characters of a module's text the WebAssembly panel shows (the rest: its size). */
export const MAX_TEXT = 100_000;

/** The share `part / whole` as a percentage in words: never "100%" or "0%" unless it is. */
export function share(part, whole) {
  if (!whole || part >= whole) return part > 0 ? 'all' : 'none';
  if (part <= 0) return 'none';
  return `${Math.min(99, Math.max(1, Math.round((100 * part) / whole)))}%`;
}

/**
 * What the Status says of the tier of a run that ended: `tier` is vm-wasm's `tier()`
 * with `steps` (the steps run in the module), `steps` the run's; '' for a run without
 * the tier (a debug or profiled run).
 */
export function tierStatus(tier, steps) {
  if (!tier) return '';
  // (Not the engine's message, "CompileError: …": it says nothing to a reader of the Status.)
  if (tier.error?.startsWith('the module did not compile')) return 'interpreted: this browser could not compile the program to WebAssembly (same results, only slower)';
  if (tier.error) return `interpreted: ${tier.error}`;
  const declined = tier.declined ? ` (${count(tier.declined)} left to the interpreter)` : '';
  return `compiled: ${counted(tier.blocks, 'block')}${declined} in ${duration(tier.ms)}, ${share(tier.steps, steps)} of the steps ran compiled`;
}

/** The WebAssembly panel's summary of vm-wasm's `tierModule(...).info`. */
export function moduleSummary(info) {
  const declined = info.declined ? `, ${count(info.declined)} left to the interpreter` : '';
  return `${counted(info.functions.length, 'function')}, ${counted(info.blocks, 'block')}${declined}, ${counted(info.bytes, 'byte')}`;
}

/**
 * The module's text in parts: what comes before the first function (`name: null`), then
 * each function (`(func $name …`, at the module's indentation) with its name; the parts
 * joined are the text.
 */
export function splitFunctions(text) {
  const parts = [];
  const re = /^ {2}\(func \$([^\s()]+)/gm;
  let start = 0;
  let name = null;
  for (let m = re.exec(text); m; m = re.exec(text)) {
    if (m.index > start || name !== null) parts.push({ name, text: text.slice(start, m.index) });
    start = m.index;
    name = m[1];
  }
  parts.push({ name, text: text.slice(start) });
  return parts;
}

/** "… cut at 100,000 characters of 1,234,567" for a text cut short, else ''. */
export const cutNote = (t) => (t.cut ? `… cut at ${count(t.text.length)} characters of ${count(t.size)} in all` : '');
