// The service worker (built into dist/sw.js by build.mjs, which writes in the build's hash
// and the list of its files): the page's own files are cached when it installs, so the
// page loads and runs programs with no network after one visit. A new build is a new
// worker with a new cache: it waits until the page asks it to take over (the page's "A new
// version is ready — Reload", offline.js), then deletes the caches of older builds. The
// worker answers only the files of its list, from its cache; everything else goes to the
// network as without it.

import { cacheName, staleCaches, cachedFile } from './offline-cache.js';

/* global __SW_VERSION__, __SW_FILES__ */
const VERSION = __SW_VERSION__;
const FILES = __SW_FILES__;
const CACHE = cacheName(VERSION);

self.addEventListener('install', (event) => {
  // `cache: 'reload'`: the files as the server has them now, not as the HTTP cache kept them.
  event.waitUntil(caches.open(CACHE).then((cache) => cache.addAll(FILES.map((f) => new Request(f, { cache: 'reload' })))));
});

self.addEventListener('activate', (event) => {
  event.waitUntil(caches.keys().then((names) => Promise.all(staleCaches(names, VERSION).map((n) => caches.delete(n)))));
});

self.addEventListener('message', (event) => {
  if (event.data === 'skip-waiting') self.skipWaiting();
});

self.addEventListener('fetch', (event) => {
  const { request } = event;
  if (request.method !== 'GET') return;
  const file = cachedFile(new URL(request.url), self.registration.scope, FILES);
  if (!file) return;
  event.respondWith(
    caches.open(CACHE).then(async (cache) => (await cache.match(file)) ?? fetch(request)),
  );
});
