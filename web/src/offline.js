// Offline and installable: registers the service worker (sw.js, made by the build), and
// when a new deployment's worker has installed beside the one in force, shows a quiet
// prompt, "A new version is ready — Reload": nothing reloads until the person says so, and
// `beforeReload` (the page's) first keeps what was typed. A development build (npm run
// dev) has no worker: it unregisters one left by an earlier build, so that live reload
// sees every change.

import { h } from './dom.js';

/** How often a page left open asks whether a new deployment is there (ms), besides when it is shown again. */
const CHECK_EVERY_MS = 60 * 60 * 1000;

/**
 * `url`: the worker's script ("./sw.js"), or null in a development build; `prompt`: where
 * the prompt goes (an element, empty and hidden), or null for none; `beforeReload()`: what
 * to keep first.
 * Returns a promise of the registration (or null).
 */
export async function registerOffline({ url, prompt, beforeReload = () => {} }) {
  const sw = navigator.serviceWorker;
  if (!sw) return null;
  if (!url) {
    for (const r of await sw.getRegistrations()) await r.unregister();
    return null;
  }
  let reg;
  try {
    reg = await sw.register(url, { scope: './' });
  } catch {
    return null; // Not offline, and nothing else lost.
  }
  let asked = false;
  const show = (worker) => {
    if (!sw.controller || !prompt) return; // The first worker of this browser: nothing to replace.
    const reload = h('button', { type: 'button', 'data-testid': 'update-reload', onclick: async () => {
      asked = true;
      reload.disabled = true;
      await beforeReload();
      worker.postMessage('skip-waiting');
    } }, 'Reload');
    const later = h('button', { type: 'button', class: 'icon', 'aria-label': 'Not now', onclick: () => (prompt.hidden = true) }, '×');
    prompt.replaceChildren(h('span', {}, 'A new version is ready — '), reload, later);
    prompt.hidden = false;
  };
  sw.addEventListener('controllerchange', () => asked && location.reload());
  const watch = (worker) => {
    if (!worker) return;
    if (worker.state === 'installed') show(worker);
    else worker.addEventListener('statechange', () => worker.state === 'installed' && show(worker));
  };
  watch(reg.waiting ?? reg.installing);
  reg.addEventListener('updatefound', () => watch(reg.installing));
  const check = () => reg.update().catch(() => {});
  document.addEventListener('visibilitychange', () => document.visibilityState === 'visible' && check());
  setInterval(check, CHECK_EVERY_MS);
  return reg;
}
