// End-to-end tests of the page offline and installable (offline.js, sw.js, build.mjs) in
// Chromium: after one visit the playground and embed.html load and run a program with the
// network off; a new deployment's worker brings a quiet "A new version is ready — Reload"
// (nothing reloads until it is clicked, nothing typed is lost); the manifest; axe-core on
// the prompt in both themes, at 1280 px and 390 px, with screenshots.
//
//   npm --prefix web run build && node --test web/test/e2e-offline.test.mjs

import { test } from 'node:test';
import assert from 'node:assert/strict';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { serve } from '../serve.mjs';
import { encodeState } from '../src/share.js';
import { pageHarness, DIST, SHOTS } from './e2e-harness.mjs';
import { setProgram, run, editorText, outputText, noProblems, harnessTools, saved } from './e2e-page.mjs';

const harness = pageHarness({ dist: DIST });
const { open, ready, newContext } = harness;
const { axeOn } = harnessTools(harness);
const PHONE = { viewport: { width: 390, height: 844 }, deviceScaleFactor: 2, isMobile: true, hasTouch: true };
const shot = (page, name, options = {}) => page.screenshot({ path: path.join(SHOTS, `${name}.png`), ...options });

/** Waits until the page's service worker is active (its files are then all cached). */
const offlineReady = (page) =>
  page.evaluate(async () => {
    const registered = await Promise.race([navigator.serviceWorker.ready, new Promise((resolve) => setTimeout(resolve, 10_000))]);
    if (!registered) return 'no service worker';
    const { active } = registered;
    if (active.state !== 'activated') await new Promise((resolve) => active.addEventListener('statechange', () => active.state === 'activated' && resolve()));
    return active.state;
  });

test('offline: after one visit the playground loads and runs a program with no network, and so does embed.html', async () => {
  const { context, page, problems } = await open();
  assert.equal(await offlineReady(page), 'activated');
  const manifest = await page.evaluate(() => fetch(document.querySelector('link[rel=manifest]').href).then((r) => r.json()));
  assert.equal(manifest.start_url, './');
  assert.equal(manifest.display, 'standalone');
  assert.ok(manifest.icons.length);

  await context.setOffline(true);
  assert.equal(await page.evaluate(() => fetch('./favicon.svg?not-cached').then(() => 'online', () => 'offline')), 'offline');
  await page.reload();
  await ready(page);
  await setProgram(page, '"offline" println 6 7 * println\n');
  await run(page);
  assert.equal(await outputText(page), 'offline\n42\n');
  // The tour and the Reference, fetched only when first opened, come from the cache too.
  await page.click('#tour-toggle');
  await page.locator('[data-testid=tour] h3').waitFor();
  assert.match(await page.locator('[data-testid=tour] h3').textContent(), /^1\. /);
  await page.click('[data-testid=tour-back]');
  await page.click('#ref-toggle');
  await page.locator('#ref-list .ref-entry').first().waitFor();
  // A share link's program in the embeddable page, with no network either.
  const fragment = await encodeState({ source: '1 2 + println\n', args: '', stdin: '' });
  await page.goto(`${harness.url}embed.html#${fragment}`);
  await ready(page);
  await run(page);
  assert.equal(await outputText(page), '3\n');
  noProblems(problems.filter((p) => !/ERR_INTERNET_DISCONNECTED/.test(p)));
  await context.close();
});

/** A copy of the build, served on its own, so that a test can deploy a "new build" over it. */
async function deployment() {
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'svm-offline-'));
  fs.cpSync(DIST, dir, { recursive: true });
  const server = await serve({ root: dir, port: 0 });
  return {
    url: server.url,
    /** A new build: index.html says so, and the worker has another hash (as a build makes it). */
    redeploy() {
      const index = path.join(dir, 'index.html');
      fs.writeFileSync(index, fs.readFileSync(index, 'utf8').replace('<head>', '<head>\n  <meta name="svm-build" content="2">'));
      const sw = path.join(dir, 'sw.js');
      fs.writeFileSync(sw, fs.readFileSync(sw, 'utf8').replace(/(var \w+=")([0-9a-f]{10})(")/, (_, a, h, b) => `${a}${h.split('').reverse().join('')}${b}`));
    },
    async close() {
      await server.close();
      fs.rmSync(dir, { recursive: true, force: true });
    },
  };
}

test('a new deployment: the page says "A new version is ready — Reload", reloads only when asked, and keeps what was typed (light at 1280 px, dark at 390 px)', async () => {
  for (const [colorScheme, ctx, label] of [['light', {}, 'light'], ['dark', PHONE, 'dark-390']]) {
    const site = await deployment();
    const context = await newContext({ colorScheme, bypassCSP: true, ...ctx });
    const page = await context.newPage();
    const problems = [];
    page.on('pageerror', (e) => problems.push(e.message));
    await page.goto(site.url);
    await ready(page);
    assert.equal(await offlineReady(page), 'activated');
    // A second visit: the page is now served by the worker.
    await page.reload();
    await ready(page);
    assert.equal(await page.evaluate(() => Boolean(navigator.serviceWorker.controller)), true);
    await page.evaluate(() => (window.sameDocument = true));
    await page.click('.cm-content');
    await page.keyboard.press('Control+End');
    await page.keyboard.type('\n"typed before the update" println');
    const typed = await editorText(page);

    // The same build checked again: nothing to say.
    await page.evaluate(() => window.playground.offline.then((r) => r.update()));
    await page.waitForTimeout(300);
    assert.equal(await page.locator('[data-testid=update]').isVisible(), false);

    site.redeploy();
    await page.evaluate(() => window.playground.offline.then((r) => r.update()));
    const prompt = page.locator('[data-testid=update]');
    await prompt.waitFor({ timeout: 15_000 });
    assert.match(await prompt.textContent(), /A new version is ready/);
    // Nothing reloaded by itself.
    await page.waitForTimeout(500);
    assert.equal(await page.evaluate(() => window.sameDocument), true);
    assert.equal(await editorText(page), typed);
    const axe = await axeOn(page, label);
    await axe.check('the update prompt');
    const box = await prompt.boundingBox();
    assert.ok(box.x >= 0 && box.x + box.width <= (ctx.viewport?.width ?? 1280), `${label}: the prompt is cut`);
    await axe.timed(() => shot(page, `update-prompt-${label}`, { clip: { x: 0, y: 0, width: ctx.viewport?.width ?? 1280, height: Math.min(400, box.y + box.height + 120) } }));
    await axe.done();
    // The button is reached by keyboard; Reload brings the new build, with the program as typed.
    await page.locator('[data-testid=update-reload]').focus();
    await Promise.all([page.waitForEvent('load'), page.keyboard.press('Enter')]);
    await ready(page);
    assert.equal(await page.evaluate(() => window.sameDocument), undefined);
    assert.equal(await page.locator('meta[name=svm-build]').getAttribute('content'), '2');
    assert.equal(await editorText(page), typed);
    assert.equal(await page.locator('[data-testid=update]').isVisible(), false);
    noProblems(problems);
    await context.close();
    await site.close();
  }
});

test('embed.html: a new deployment shows no prompt in the frame and reloads nothing: the program as edited stays', async () => {
  const site = await deployment();
  const context = await newContext();
  const page = await context.newPage();
  const fragment = await encodeState({ source: '1 println\n', args: '', stdin: '' });
  await page.goto(`${site.url}embed.html#${fragment}`);
  await ready(page);
  assert.equal(await offlineReady(page), 'activated');
  await page.reload();
  await ready(page);
  await page.click('.cm-content');
  await page.keyboard.press('Control+End');
  await page.keyboard.type('2 println\n');
  site.redeploy();
  await page.evaluate(() => (window.sameDocument = true));
  // The new worker installs and waits.
  await page.evaluate(() => window.playground.offline.then(async (r) => {
    await r.update();
    const w = r.installing ?? r.waiting;
    if (w && w.state !== 'installed') await new Promise((resolve) => w.addEventListener('statechange', () => w.state === 'installed' && resolve()));
  }));
  await page.waitForTimeout(500);
  assert.equal(await page.locator('[data-testid=update]').count(), 0);
  assert.equal(await page.evaluate(() => window.sameDocument), true);
  assert.equal(await editorText(page), '1 println\n2 println\n');
  await run(page);
  assert.equal(await outputText(page), '1\n2\n');
  await context.close();
  await site.close();
});
