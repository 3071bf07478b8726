// End-to-end tests of the Settings panel (settings.js, settings-panel.js) in Chromium:
// reached from the toolbar by keyboard; theme, font size, line wrap and key bindings each
// taking effect; kept across a reload, tolerant of bad stored values, never in a share
// link; Vim and Emacs fetched only when chosen; the shortcut list following the bindings;
// axe-core in both themes, 1280 px and 390 px, with screenshots of the panel.
//
//   npm --prefix web run build && node --test web/test/e2e-settings.test.mjs

import { test } from 'node:test';
import assert from 'node:assert/strict';
import path from 'node:path';
import { pageHarness, DIST, SHOTS } from './e2e-harness.mjs';
import { setProgram, run, editorText, outputText, share, noProblems, harnessTools } from './e2e-page.mjs';
import { decodeState } from '../src/share.js';
import { SETTINGS_KEY } from '../src/settings.js';

const harness = pageHarness({ dist: DIST });
const { open } = harness;
const { axeOn } = harnessTools(harness);
const PHONE = { viewport: { width: 390, height: 844 }, deviceScaleFactor: 2, isMobile: true, hasTouch: true };
const shot = (page, name, options = {}) => page.screenshot({ path: path.join(SHOTS, `${name}.png`), ...options });

const panel = (page) => page.locator('[data-testid=settings]');
async function openSettings(page) {
  await page.click('[data-testid=settings-open]');
  await panel(page).waitFor();
}
const closeSettings = async (page) => {
  await page.keyboard.press('Escape');
  await panel(page).waitFor({ state: 'hidden' });
  // The dialog's close event (a task after it is hidden) gives the focus back to the
  // button; a test that focuses the editor before that loses its first key to the button.
  await page.waitForFunction(() => document.activeElement?.dataset?.testid === 'settings-open');
};
const bodyBackground = (page) => page.evaluate(() => getComputedStyle(document.body).backgroundColor);
const editorFontSize = (page) => page.evaluate(() => getComputedStyle(document.getElementById('editor').shadowRoot.querySelector('.cm-content')).fontSize);
const wraps = (page) => page.evaluate(() => document.getElementById('editor').shadowRoot.querySelector('.cm-content').classList.contains('cm-lineWrapping'));
const stored = (page) => page.evaluate((k) => localStorage.getItem(k), SETTINGS_KEY);
/** Puts the editor's cursor at `pos` and focuses it. */
async function cursorAt(page, pos) {
  await page.evaluate((p) => {
    const { view } = window.playground.editor;
    view.dispatch({ selection: { anchor: p } });
    view.focus();
  }, pos);
  await page.waitForFunction(() => window.playground.editor.view.hasFocus);
}

test('settings: from the toolbar by keyboard; theme, font size and wrap take effect, are kept across a reload, and never go into a share link', async () => {
  const { context, page, problems } = await open({ context: { colorScheme: 'light' } });
  const light = await bodyBackground(page);
  assert.equal(await editorFontSize(page), '14px');
  assert.equal(await wraps(page), false);
  await setProgram(page, '"hi" println\n', '3', 'a line');
  const linkBefore = await share(page);
  await page.click('#share-close');

  // The toolbar's button is reached with Tab; Enter opens the panel, the focus inside it.
  await page.locator('#ref-toggle').focus();
  await page.keyboard.press('Tab');
  assert.equal(await page.evaluate(() => document.activeElement.id), 'settings-open');
  await page.keyboard.press('Enter');
  await panel(page).waitFor();
  assert.equal(await page.evaluate(() => document.getElementById('settings').contains(document.activeElement)), true);

  // Theme: Dark in a light system, chosen with the keyboard (the radio group's arrows).
  await page.locator('[data-testid=settings-theme-system]').focus();
  await page.keyboard.press('ArrowDown');
  await page.keyboard.press('ArrowDown');
  assert.equal(await page.locator('[data-testid=settings-theme-dark]').isChecked(), true);
  assert.equal(await page.evaluate(() => document.documentElement.dataset.theme), 'dark');
  const dark = await bodyBackground(page);
  assert.notEqual(dark, light);
  assert.equal(dark, 'rgb(22, 24, 27)');
  // Font size and wrap.
  await page.selectOption('[data-testid=settings-font-size]', '20');
  assert.equal(await editorFontSize(page), '20px');
  await page.locator('[data-testid=settings-wrap]').check();
  assert.equal(await wraps(page), true);
  await shot(page, 'settings-dark-chosen');
  await closeSettings(page);
  assert.equal(await page.evaluate(() => document.activeElement.id), 'settings-open');
  assert.deepEqual(JSON.parse(await stored(page)), { theme: 'dark', fontSize: 20, lineWrap: true });

  // A share link carries the program, its arguments and input, and no setting.
  const linkAfter = await share(page);
  assert.equal(linkAfter, linkBefore);
  const state = await decodeState(new URL(linkAfter).hash.slice(1));
  assert.deepEqual(Object.keys(state).sort(), ['args', 'source', 'stdin']);
  assert.doesNotMatch(linkAfter, /theme|dark|font|wrap|vim|emacs/i);
  await page.click('#share-close');

  // Kept across a reload.
  await page.reload();
  await harness.ready(page);
  assert.equal(await page.evaluate(() => document.documentElement.dataset.theme), 'dark');
  assert.equal(await bodyBackground(page), dark);
  assert.equal(await editorFontSize(page), '20px');
  assert.equal(await wraps(page), true);
  await openSettings(page);
  assert.equal(await page.locator('[data-testid=settings-theme-dark]').isChecked(), true);
  assert.equal(await page.inputValue('[data-testid=settings-font-size]'), '20');
  assert.equal(await page.locator('[data-testid=settings-wrap]').isChecked(), true);
  // Light in a light system; then System again: nothing left in the storage.
  await page.locator('[data-testid=settings-theme-light]').check();
  assert.equal(await bodyBackground(page), light);
  await page.locator('[data-testid=settings-theme-system]').check();
  await page.selectOption('[data-testid=settings-font-size]', '14');
  await page.locator('[data-testid=settings-wrap]').uncheck();
  assert.equal(await stored(page), null);
  assert.equal(await page.evaluate(() => document.documentElement.hasAttribute('data-theme')), false);
  noProblems(problems);
  await context.close();
});

test('settings: bad stored values are read as the defaults (the good ones kept), and the page works', async () => {
  for (const value of ['{not json', '[1,2]', '"dark"', JSON.stringify({ theme: 'purple', fontSize: 'huge', lineWrap: 'yes', keyBindings: 'nano' }), JSON.stringify({ theme: 'dark', fontSize: 7 })]) {
    const { context, page, problems } = await open({ context: { colorScheme: 'light' }, wait: false });
    await page.evaluate(([k, v]) => localStorage.setItem(k, v), [SETTINGS_KEY, value]);
    await page.reload();
    await harness.ready(page);
    const theme = await page.evaluate(() => document.documentElement.dataset.theme ?? 'system');
    assert.equal(theme, value.includes('"dark","fontSize":7') || value === JSON.stringify({ theme: 'dark', fontSize: 7 }) ? 'dark' : 'system', value);
    assert.equal(await editorFontSize(page), '14px', value);
    assert.equal(await wraps(page), false, value);
    await setProgram(page, '1 2 + println\n');
    await run(page);
    assert.equal(await outputText(page), '3\n');
    noProblems(problems);
    await context.close();
  }
});

test('settings: Vim key bindings are fetched only when chosen; Esc then dd deletes a line; the shortcut list shows them; kept across a reload', async () => {
  const { context, page, problems } = await open();
  const requests = [];
  page.on('request', (r) => requests.push(new URL(r.url()).pathname));
  const initial = await page.evaluate(() => performance.getEntriesByType('resource').map((e) => new URL(e.name).pathname));
  assert.equal([...initial, ...requests].some((p) => /lazy-/.test(p)), false, 'a key bindings chunk came with the page');
  await setProgram(page, 'one\ntwo\nthree\n');
  // Without Vim, Esc then dd types "dd".
  await cursorAt(page, 0);
  await page.keyboard.press('Escape');
  await page.keyboard.type('dd');
  assert.equal(await editorText(page), 'ddone\ntwo\nthree\n');
  await setProgram(page, 'one\ntwo\nthree\n');

  await openSettings(page);
  await page.locator('[data-testid=settings-keyBindings-vim]').check();
  await page.waitForFunction(() => /Kept in this browser/.test(document.querySelector('[data-testid=settings-note]').textContent));
  assert.ok(requests.some((p) => /\/main\.lazy-vim\.[^/]+\.js$/.test(p)), `the Vim chunk was not fetched: ${requests}`);
  assert.equal(requests.some((p) => /lazy-emacs/.test(p)), false);
  await closeSettings(page);
  await cursorAt(page, 4);
  await page.keyboard.press('Escape');
  await page.keyboard.type('dd');
  assert.equal(await editorText(page), 'one\nthree\n');
  // The shortcut list speaks of Vim.
  await page.evaluate(() => document.activeElement.blur());
  await page.click('[data-testid=shortcuts-open]');
  const list = page.locator('[data-testid=shortcuts]');
  await list.waitFor();
  assert.match(await list.textContent(), /key bindings: Vim/);
  assert.match(await list.textContent(), /dd/);
  await page.keyboard.press('Escape');

  // Kept: after a reload, Vim again (fetched after the page, not with it).
  await page.reload();
  await harness.ready(page);
  await page.waitForFunction(() => document.getElementById('editor').shadowRoot.querySelector('.cm-vimMode, .cm-fat-cursor') !== null);
  await setProgram(page, 'one\ntwo\nthree\n');
  await cursorAt(page, 0);
  await page.keyboard.press('Escape');
  await page.keyboard.type('dd');
  assert.equal(await editorText(page), 'two\nthree\n');
  // And back to the default: dd is typed again.
  await openSettings(page);
  await page.locator('[data-testid=settings-keyBindings-default]').check();
  await page.waitForFunction(() => !document.getElementById('editor').shadowRoot.querySelector('.cm-vimMode'));
  await closeSettings(page);
  await cursorAt(page, 0);
  await page.keyboard.type('dd');
  assert.equal(await editorText(page), 'ddtwo\nthree\n');
  noProblems(problems);
  await context.close();
});

test('settings: Emacs key bindings: Ctrl+A and Ctrl+E go to the start and the end of the line; the shortcut list shows them', async () => {
  const { context, page, problems } = await open();
  await setProgram(page, 'first\nhello world\n');
  await openSettings(page);
  await page.locator('[data-testid=settings-keyBindings-emacs]').check();
  await page.waitForFunction(() => /Kept in this browser/.test(document.querySelector('[data-testid=settings-note]').textContent));
  await closeSettings(page);
  await cursorAt(page, 10);
  await page.keyboard.press('Control+A');
  await page.keyboard.type('<');
  await page.keyboard.press('Control+E');
  await page.keyboard.type('>');
  assert.equal(await editorText(page), 'first\n<hello world>\n');
  await page.evaluate(() => document.activeElement.blur());
  await page.keyboard.press('?');
  const list = page.locator('[data-testid=shortcuts]');
  await list.waitFor();
  assert.match(await list.textContent(), /key bindings: Emacs/);
  assert.match(await list.textContent(), /Ctrl\+K/);
  await page.keyboard.press('Escape');
  noProblems(problems);
  await context.close();
});

test('settings: axe-core finds no violations in the panel, light and dark, 1280 px and 390 px; screenshots', async () => {
  for (const [colorScheme, ctx, label] of [
    ['light', {}, 'light'],
    ['dark', {}, 'dark'],
    ['light', PHONE, 'light-390'],
    ['dark', PHONE, 'dark-390'],
  ]) {
    const { context, page, problems } = await open({ context: { colorScheme, bypassCSP: true, ...ctx } });
    const axe = await axeOn(page, label);
    await openSettings(page);
    await axe.check('the Settings panel');
    // The panel fits the screen: nothing of it is cut or scrolled sideways.
    const box = await panel(page).boundingBox();
    const width = ctx.viewport?.width ?? 1280;
    assert.ok(box.x >= 0 && box.x + box.width <= width, `${label}: the panel is ${box.width} px wide at ${box.x}`);
    assert.equal(await panel(page).evaluate((d) => d.scrollWidth <= d.clientWidth), true, `${label}: the panel scrolls sideways`);
    await axe.timed(() => shot(page, `settings-${label}`));
    // The other theme, chosen in the panel, is as clean.
    const other = colorScheme === 'light' ? 'dark' : 'light';
    await page.locator(`[data-testid=settings-theme-${other}]`).check();
    await axe.check(`the Settings panel, ${other} chosen`);
    await closeSettings(page);
    await axe.check(`the page, ${other} chosen`);
    await axe.done();
    noProblems(problems);
    await context.close();
  }
});
