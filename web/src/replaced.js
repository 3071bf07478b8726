// Recently replaced: the texts the page took out of the editor (an example or a share
// link loaded over a draft, a draft left for another program, a program deleted), kept in
// localStorage so that each can be restored, also after a reload. My programs lists them
// with Restore. Newest first, at most MAX_VERSIONS of them and MAX_CHARS characters in
// all (the oldest go first).
//
// Pure: the storage is passed in (anything with getItem/setItem/removeItem).

import { get, set, randomRev } from './store.js';

/** Where the versions are kept, in localStorage. */
export const REPLACED_KEY = 'simple-vm.replaced.v1';
/** The most versions kept. */
export const MAX_VERSIONS = 10;
/** The most characters of program text kept in all. */
export const MAX_CHARS = 2 * 1024 * 1024;

/** A version as stored, or null when it is not one. */
function parseVersion(v) {
  if (!v || typeof v.id !== 'string' || typeof v.source !== 'string') return null;
  return {
    id: v.id,
    name: typeof v.name === 'string' && v.name ? v.name : 'A program',
    why: typeof v.why === 'string' ? v.why : '',
    when: Number.isFinite(v.when) ? v.when : 0,
    source: v.source,
    args: String(v.args ?? ''),
    stdin: String(v.stdin ?? ''),
    breakpoints: Array.isArray(v.breakpoints) ? v.breakpoints.filter((l) => Number.isInteger(l) && l > 0) : [],
  };
}

/** The versions kept, newest first. */
export function listReplaced(storage) {
  let list;
  try {
    list = JSON.parse(get(storage, REPLACED_KEY) || '[]');
  } catch {
    return [];
  }
  return Array.isArray(list) ? list.map(parseVersion).filter(Boolean) : [];
}

/** Is a program's text worth keeping (not empty, not blank)? */
export const worthKeeping = (p) => Boolean(p && typeof p.source === 'string' && p.source.trim());

const same = (a, b) => a.source === b.source && (a.args ?? '') === (b.args ?? '') && (a.stdin ?? '') === (b.stdin ?? '');

/**
 * Keeps `program` ({ source, args, stdin, breakpoints }) as a version named `name`,
 * replaced because of `why` ("an example was loaded: hello"). A blank program is not
 * kept; one that is the newest version already only moves up. Returns the version's id,
 * or null when nothing was kept (blank, or no room even alone).
 */
export function keepReplaced(storage, program, { name, why, now = Date.now(), id = randomRev() }) {
  if (!worthKeeping(program)) return null;
  const version = parseVersion({ ...program, id, name, why, when: now });
  let list = listReplaced(storage).filter((v) => !same(v, version));
  list = [version, ...list].slice(0, MAX_VERSIONS);
  let chars = 0;
  list = list.filter((v, i) => i === 0 || (chars += v.source.length) + version.source.length <= MAX_CHARS);
  // A storage that is full: the oldest versions go until the list fits.
  while (list.length) {
    if (set(storage, REPLACED_KEY, JSON.stringify(list)) === null) return id;
    list = list.slice(0, -1);
  }
  return null;
}

/** Takes version `id` out of the list: returns it (null when there is none). */
export function takeReplaced(storage, id) {
  const list = listReplaced(storage);
  const v = list.find((x) => x.id === id) ?? null;
  if (v) set(storage, REPLACED_KEY, JSON.stringify(list.filter((x) => x.id !== id)));
  return v;
}

/** A short, stable fingerprint of a program (to tell a draft edited from the one loaded). */
export function fingerprint(p) {
  const text = `${p.source}\u0000${p.args ?? ''}\u0000${p.stdin ?? ''}`;
  let h = 0x811c9dc5;
  for (let i = 0; i < text.length; i++) {
    h ^= text.charCodeAt(i);
    h = Math.imul(h, 0x01000193);
  }
  return `${text.length}:${(h >>> 0).toString(36)}`;
}
