// Unit tests of the offline cache's pure part (offline-cache.js) and of the service worker
// the build makes (build.mjs `serviceWorker`): its list of files and its hash.
//
//   node --test web/test/offline-cache.test.mjs

import { test } from 'node:test';
import assert from 'node:assert/strict';
import vm from 'node:vm';
import { CACHE_PREFIX, cacheName, staleCaches, cachedFile } from '../src/offline-cache.js';
import { serviceWorker } from '../build.mjs';

const FILES = ['index.html', 'embed.html', 'main.0123456789.js', 'main.lazy-vim.ABCDEF12.js', 'vm_wasm.abc.wasm', 'favicon.svg', 'manifest.webmanifest'];
const SCOPE = 'https://example.org/play/';
const at = (u) => cachedFile(new URL(u, SCOPE), SCOPE, FILES);

test('a build\'s cache is named by its hash; the playground\'s older caches are deleted, no other app\'s', () => {
  assert.equal(cacheName('89f5251296'), `${CACHE_PREFIX}89f5251296`);
  assert.deepEqual(staleCaches(['simple-vm-old1', 'simple-vm-new', 'other-app-v1', 'simple-vm-old2'], 'new'), ['simple-vm-old1', 'simple-vm-old2']);
  assert.deepEqual(staleCaches([], 'new'), []);
});

test('the worker answers the page\'s own files under its scope, and nothing else', () => {
  assert.equal(at('./'), 'index.html');
  assert.equal(at('./index.html'), 'index.html');
  assert.equal(at('./?x=1'), 'index.html');
  assert.equal(at('./embed.html'), 'embed.html');
  assert.equal(at('./embed.html?x#code=abc'), 'embed.html');
  assert.equal(at('./main.0123456789.js'), 'main.0123456789.js');
  assert.equal(at('./main.lazy-vim.ABCDEF12.js'), 'main.lazy-vim.ABCDEF12.js');
  // A hashed file is answered only as it is named.
  assert.equal(at('./main.0123456789.js?v=2'), null);
  // Not one of the build's files, another directory, another origin, the scope's parent.
  assert.equal(at('./main.9999999999.js'), null);
  assert.equal(at('./sw.js'), null);
  assert.equal(at('./sub/index.html'), null);
  assert.equal(at('https://other.example/play/index.html'), null);
  assert.equal(at('https://example.org/index.html'), null);
  assert.equal(at('https://example.org/play'), null);
});

/** The worker's list and hash, read by running it with stand-ins of the worker's globals. */
async function workerOf(files) {
  const js = new TextDecoder().decode(await serviceWorker(files));
  const listeners = {};
  const opened = [];
  const self = { addEventListener: (t, f) => (listeners[t] = f), registration: { scope: SCOPE }, skipWaiting: () => {} };
  const caches = { open: async (name) => (opened.push(name), { addAll: async (reqs) => (opened.push(reqs.map((r) => r.url)), undefined) }) };
  vm.runInNewContext(js, { self, caches, Request: class { constructor(url) { this.url = url; } }, URL, fetch: () => {} });
  let done;
  listeners.install({ waitUntil: (p) => (done = p) });
  await done;
  return { cache: opened[0], list: [...opened[1]], listeners };
}

test('the build\'s worker caches exactly the build\'s files, under a name that changes with any of them', async () => {
  const files = { 'index.html': '<html>1', 'main.aaaa.js': 'x', 'favicon.svg': '<svg>' };
  const a = await workerOf(files);
  assert.deepEqual(a.list, ['favicon.svg', 'index.html', 'main.aaaa.js']);
  assert.match(a.cache, /^simple-vm-[0-9a-f]{10}$/);
  assert.equal((await workerOf({ ...files })).cache, a.cache);
  assert.notEqual((await workerOf({ ...files, 'index.html': '<html>2' })).cache, a.cache);
  assert.notEqual((await workerOf({ ...files, 'more.js': '' })).cache, a.cache);
  assert.deepEqual(Object.keys(a.listeners).sort(), ['activate', 'fetch', 'install', 'message']);
});
