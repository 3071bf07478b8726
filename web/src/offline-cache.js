// The offline cache's pure part, shared by the service worker (sw.js) and its tests: the
// cache's name for a build, which requests the worker answers from it, and which older
// caches it deletes. The build (build.mjs) writes the list of the page's files into the
// worker, so the list is always exactly the files of that build.

/** The prefix of every cache of the playground; the build's hash follows it. */
export const CACHE_PREFIX = 'simple-vm-';

/** The cache of the build whose hash is `version`. */
export const cacheName = (version) => `${CACHE_PREFIX}${version}`;

/** The caches to delete once the build `version` is in force: the playground's others (not another app's of the same origin). */
export const staleCaches = (names, version) => names.filter((n) => n.startsWith(CACHE_PREFIX) && n !== cacheName(version));

/**
 * The file of the cache that answers a GET of `url` (a URL), or null (the network's):
 * only the page's own files, under the worker's `scope` (a URL ending in "/"). The scope
 * itself is index.html; a page (.html) is the same page whatever its query; the other
 * files (their names carry their content's hash) are answered only as they are named.
 */
export function cachedFile(url, scope, files) {
  if (!url.href.startsWith(scope)) return null;
  const rel = decodeURIComponent(url.pathname.slice(new URL(scope).pathname.length));
  const name = rel === '' ? 'index.html' : rel;
  if (!files.includes(name)) return null;
  if (url.search && !name.endsWith('.html')) return null;
  return name;
}
