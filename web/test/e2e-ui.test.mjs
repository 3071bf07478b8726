// End-to-end tests of the page's panels, phones and keyboard (issue 25: the Timeline's
// words, the Reference's width, the stack on a phone, the keyboard, axe-core in every
// state, and the smaller things), in Chromium, with the harness of every e2e file (e2e-harness.mjs).
//
//   npm --prefix web run build && node --test web/test/e2e-ui.test.mjs
//
// SVM_WEB_DIST=DIR runs them against another build of the page (an older commit's, to see
// them fail there). Screenshots go to web/screenshots/ (git-ignored).

import { test } from 'node:test';
import assert from 'node:assert/strict';
import fs from 'node:fs';
import path from 'node:path';
import { pageHarness, SHOTS, WEB } from './e2e-harness.mjs';

const EXAMPLES = path.join(WEB, '..', 'examples');
const PHONE = { viewport: { width: 390, height: 844 }, deviceScaleFactor: 2, isMobile: true, hasTouch: true };

// The long-task guard of e2e-harness.mjs: after each test, a task over 100 ms once the
// page is ready fails it, unless the browser's trace shows that its thread ran less than
// that (a busy machine). Start-up tasks are checked by a test of their own (below).
const harness = pageHarness({ dist: process.env.SVM_WEB_DIST || path.join(WEB, 'dist') });
const { open, ready, traceLongTasks } = harness;

// ---- helpers --------------------------------------------------------------------------------

const status = (page) => page.locator('[data-testid=status]');
const stateOf = (page) => status(page).getAttribute('data-state');

async function waitState(page, states, timeout = 15_000) {
  await page.waitForFunction((s) => s.includes(document.querySelector('[data-testid=status]').dataset.state), [].concat(states), { timeout });
}

async function setProgram(page, source, args = '', stdin = '') {
  await page.evaluate((s) => window.playground.editor.setDoc(s), source);
  if (await page.locator('[data-testid=args]').count()) {
    await page.fill('[data-testid=args]', args);
    await page.fill('[data-testid=stdin]', stdin);
  }
}

async function run(page, until = ['halted', 'error', 'compile-error', 'args-error']) {
  await page.click('[data-testid=run]');
  await waitState(page, until);
}

const editorText = (page) => page.evaluate(() => window.playground.editor.text());
const outputText = (page) => page.locator('[data-testid=output]').textContent();
const lineNumber = (page, line) => page.locator('.cm-lineNumbers .cm-gutterElement', { hasText: new RegExp(`^${line}$`) });
const stackValues = (page) => page.locator('[data-testid=stack] li code').allTextContents();
const fib = () => fs.readFileSync(path.join(EXAMPLES, 'fib.svm'), 'utf8');
const shot = (page, name, options = {}) => page.screenshot({ path: path.join(SHOTS, `${name}.png`), ...options });

/** What an element shows: its text, or the text its style puts before it when it has none. */
const shownText = (locator) =>
  locator.evaluate((el) => {
    if (el.textContent.trim()) return el.textContent;
    const c = getComputedStyle(el, '::before').content;
    return c && c !== 'none' ? c.replace(/^"|"$/g, '') : '';
  });

/** Waits until the element is inside the viewport and no other element covers its middle. */
const onScreen = (page, selector) =>
  page.waitForFunction(
    (sel) => {
      const find = (root) => root.querySelector(sel) || [...root.querySelectorAll('*')].map((e) => e.shadowRoot && find(e.shadowRoot)).find(Boolean);
      const el = find(document);
      if (!el) return false;
      const r = el.getBoundingClientRect();
      if (r.width === 0 || r.top < 0 || r.bottom > innerHeight || r.left < 0 || r.right > innerWidth) return false;
      let hit = document.elementFromPoint(r.left + r.width / 2, r.top + r.height / 2);
      while (hit && hit.shadowRoot && hit.shadowRoot.elementFromPoint) {
        const inner = hit.shadowRoot.elementFromPoint(r.left + r.width / 2, r.top + r.height / 2);
        if (!inner || inner === hit) break;
        hit = inner;
      }
      return Boolean(hit) && (el === hit || el.contains(hit) || hit.contains(el));
    },
    selector,
    { timeout: 5000 },
  );

/** Where the focus is: the element (inside the editor's shadow root too), as a short description. */
const focused = (page) =>
  page.evaluate(() => {
    let el = document.activeElement;
    while (el && el.shadowRoot && el.shadowRoot.activeElement) el = el.shadowRoot.activeElement;
    return el ? `${el.tagName.toLowerCase()}${el.id ? `#${el.id}` : ''}${el.classList.contains('cm-content') ? '.cm-content' : ''}` : '';
  });

/** axe-core on the page; its own long tasks are not the page's. */
async function axeOn(page, label) {
  const windows = [];
  const found = [];
  const timed = async (work) => {
    const from = await page.evaluate(() => performance.now());
    const result = await work();
    windows.push([from, await page.evaluate(() => performance.now())]);
    return result;
  };
  await timed(() => page.addScriptTag({ path: path.join(WEB, 'node_modules', 'axe-core', 'axe.min.js') }));
  return {
    /** Runs axe-core; its violations are kept, and `done` fails with all of them. */
    async check(what) {
      const { violations } = await timed(() => page.evaluate(() => window.axe.run(document, { resultTypes: ['violations'] })));
      for (const v of violations) found.push(`${label}, ${what}: ${v.id} (${v.impact}): ${v.nodes.map((n) => n.target.join(' ')).join('; ')}`);
    },
    /** Fails with the violations found so far. */
    clean() {
      assert.deepEqual(found, [], 'axe-core found violations');
    },
    async done() {
      await page.waitForTimeout(300);
      const outside = (l) => windows.every(([from, to]) => l.start + l.duration < from - 1 || l.start > to + 1);
      harness.keepLongTasks((l) => !l.url.startsWith(harness.url) || l.startUp || outside(l));
      assert.deepEqual(found, [], 'axe-core found violations');
    },
  };
}

const noProblems = (problems) => assert.deepEqual(problems, [], 'console errors on the page');

// ---- 3. the Timeline's words ------------------------------------------------------------------

const timelineAt = (page) => page.locator('.timeline-at').textContent();
const origin = (page) => page.locator('[data-testid=timeline-origin]');

async function scrubTo(page, step) {
  await page.locator('[data-testid=timeline-slider]').fill(String(step));
  await page.waitForFunction((s) => document.querySelector('.timeline-at').textContent.startsWith(`Step ${s.toLocaleString('en-US')} of`), step);
}

test('timeline: an argument\'s chip and a value pushed in a step left out say where they come from, in words', async () => {
  const { context, page, problems } = await open();
  await setProgram(page, fib(), '5');
  await run(page);
  await page.click('[data-testid=timeline-toggle]');
  await page.locator('[data-testid=timeline] [aria-current=step]').waitFor();
  // Step 0: the stack holds the argument only.
  await scrubTo(page, 0);
  await page.locator('[data-testid=timeline] [aria-current=step] .chip', { hasText: /^5$/ }).click();
  assert.equal(await origin(page).textContent(), '5 an argument of the run, on the stack from the start.');
  // fib 20 runs far more steps than the record keeps: at the first step kept after the gap,
  // values below the top were pushed in steps left out.
  await page.fill('[data-testid=args]', '20');
  await run(page);
  await page.locator('[data-testid=timeline] [aria-current=step]').waitFor({ timeout: 60_000 });
  const gap = await page.locator('.timeline-gap').textContent();
  const tailStart = Number(gap.match(/^Steps [\d,]+–([\d,]+) are left out/)[1].replace(/,/g, '')) + 1;
  await scrubTo(page, tailStart);
  const chips = page.locator('[data-testid=timeline] [aria-current=step] .chip');
  const texts = [];
  for (let i = 0; i < (await chips.count()); i++) {
    await chips.nth(i).click();
    texts.push(await origin(page).textContent());
  }
  for (const t of texts) assert.doesNotMatch(t, /null|undefined/, t);
  const leftOut = texts.filter((t) => /: a step left out of the record, so it cannot be shown\.$/.test(t));
  assert.ok(leftOut.length > 0, texts.join('\n'));
  assert.match(leftOut[0], /pushed at step [\d,]+ by `[^`]+`, line \d+, column \d+: a step left out/);
  // Such a value offers no "Go to step" (that step cannot be shown); a kept one does.
  assert.equal(await origin(page).getByRole('button').count(), /left out/.test(texts.at(-1)) ? 0 : 1);
  await page.locator('#timeline-panel').screenshot({ path: path.join(SHOTS, 'ui-timeline-left-out.png') });
  noProblems(problems);
  await context.close();
});

test('timeline: each step\'s instruction is shown whole ("recur (address 22)" is not cut), light and dark at 390 px', async () => {
  for (const [colorScheme, ctx] of [
    ['light', {}],
    ['dark', PHONE],
  ]) {
    const { context, page, problems } = await open({ context: { colorScheme, ...ctx } });
    await setProgram(page, fib(), '5');
    await run(page);
    await page.click('[data-testid=timeline-toggle]');
    await page.locator('[data-testid=timeline] [aria-current=step]').waitFor();
    // Step 10 is in the window of `recur (address 22)`, the jump to recur of the first call.
    await scrubTo(page, 10);
    const ops = await page.locator('[data-testid=timeline] .timeline-op').evaluateAll((els) =>
      els.map((e) => ({ text: e.innerText.replace(/\s+/g, ' '), cut: e.scrollWidth > e.clientWidth + 1 || e.scrollHeight > e.clientHeight + 1 })),
    );
    const recur = ops.find((o) => o.text.startsWith('recur'));
    assert.ok(recur, JSON.stringify(ops));
    assert.equal(recur.text, 'recur (address 20)');
    assert.deepEqual(ops.filter((o) => o.cut), [], 'instructions cut');
    await page.locator('#timeline-panel').scrollIntoViewIfNeeded();
    await page.locator('#timeline-panel').screenshot({ path: path.join(SHOTS, `ui-timeline-ops-${colorScheme}.png`) });
    noProblems(problems);
    await context.close();
  }
});

// ---- 4. the Reference --------------------------------------------------------------------------

test('the Reference is as wide as its panel: a long example wraps in its box, no paragraph is cut (1280 px and 390 px)', async () => {
  for (const [colorScheme, ctx] of [
    ['light', {}],
    ['dark', PHONE],
  ]) {
    const { context, page, problems } = await open({ context: { colorScheme, ...ctx } });
    await page.click('#ref-toggle');
    await page.locator('#ref-list .ref-entry').first().waitFor();
    const m = await page.evaluate(() => {
      const list = document.getElementById('ref-list');
      const box = list.getBoundingClientRect();
      const cut = [...list.querySelectorAll('p, li, dt')]
        .filter((e) => e.getBoundingClientRect().width > 0 && !e.closest('pre'))
        .filter((e) => e.getBoundingClientRect().right > box.right + 1)
        .map((e) => e.textContent.slice(0, 60));
      // A code box neither sticks out nor scrolls (a box that scrolls must be focusable).
      const pres = [...list.querySelectorAll('pre')].filter((p) => p.getBoundingClientRect().right > box.right + 1 || p.scrollWidth > p.clientWidth + 1).length;
      return { scroll: list.scrollWidth, client: list.clientWidth, cut, pres, page: document.documentElement.scrollWidth - document.documentElement.clientWidth };
    });
    assert.ok(m.scroll <= m.client, `the list is ${m.scroll} px wide in a box of ${m.client} px`);
    assert.deepEqual(m.cut, [], 'text cut at the right edge');
    assert.equal(m.pres, 0, 'code boxes wider than the list, or scrolling');
    assert.ok(m.page <= 0, `the page scrolls sideways by ${m.page} px`);
    // The long example of "Addresses and labels" is whole, wrapped in its box.
    const entry = page.locator('[data-testid=ref-entry]', { hasText: 'Addresses and labels' });
    await entry.scrollIntoViewIfNeeded();
    await entry.screenshot({ path: path.join(SHOTS, `ui-reference-${colorScheme}.png`) });
    noProblems(problems);
    await context.close();
  }
});

// ---- 5. the stack on a phone ---------------------------------------------------------------------

test('a phone, paused: the stack\'s depth and top values are on screen beside the paused line, at every step', async () => {
  for (const colorScheme of ['light', 'dark']) {
    const { context, page, problems } = await open({ context: { colorScheme, ...PHONE } });
    await page.selectOption('[data-testid=examples]', 'fib');
    await lineNumber(page, 19).click();
    await run(page, ['paused']);
    const peek = page.locator('[data-testid=stack-peek]');
    for (let i = 0; i < 4; i++) {
      await onScreen(page, '.cm-paused-token');
      await onScreen(page, '[data-testid=stack-peek]');
      const values = await stackValues(page);
      const depth = (await page.locator('#stack-count').textContent()).match(/^([\d,]+) value/)[1];
      const text = await peek.textContent();
      assert.match(text, new RegExp(`^Stack, ${depth} values?:`), text);
      assert.equal(await peek.locator('code.top').textContent(), values.at(-1));
      // The top value is not cut off the screen's edge.
      const r = await peek.locator('code.top').boundingBox();
      assert.ok(r.x >= 0 && r.x + r.width <= 390, JSON.stringify(r));
      if (i === 1) await shot(page, `ui-phone-paused-stack-${colorScheme}`);
      const before = await status(page).textContent();
      await page.click('[data-testid=step]');
      await page.waitForFunction((b) => document.querySelector('[data-testid=status]').textContent !== b && document.querySelector('[data-testid=status]').dataset.state === 'paused', before);
    }
    // The bar leaves once the run is over.
    await page.locator('.cm-breakpoint').click();
    await page.click('[data-testid=continue]');
    await waitState(page, 'halted');
    assert.equal(await peek.isVisible(), false);
    noProblems(problems);
    await context.close();
  }
});

// ---- 8. the keyboard ----------------------------------------------------------------------------

test('keyboard: Tab leaves the editor unless the person asks it to indent; then Esc, Tab leaves it, and the page says so', async () => {
  const { context, page, problems } = await open({ context: { bypassCSP: true } });
  await setProgram(page, '1 println\n2 println\n');
  const source = await editorText(page);
  // From the toolbar, through the editor and out: nothing typed.
  await page.locator('.cm-content').focus();
  assert.equal(await focused(page), 'div.cm-content');
  await page.keyboard.press('Tab');
  assert.notEqual(await focused(page), 'div.cm-content');
  await page.keyboard.press('Shift+Tab');
  assert.equal(await focused(page), 'div.cm-content');
  for (let i = 0; i < 4; i++) await page.keyboard.press('Tab');
  assert.equal(await editorText(page), source, 'Tab changed the program');
  // The option: Tab indents, and the way out is written beside the editor.
  const option = page.locator('[data-testid=tab-indents]');
  assert.equal(await option.isChecked(), false);
  assert.equal(await page.locator('[data-testid=tab-escape]').isVisible(), false);
  await option.check();
  await page.locator('.cm-content').focus();
  await page.keyboard.press('Tab');
  assert.equal(await focused(page), 'div.cm-content');
  assert.match(await editorText(page), /^\s+1 println/);
  const hint = page.locator('[data-testid=tab-escape]');
  assert.equal(await hint.isVisible(), true);
  assert.equal(await hint.textContent(), 'Esc then Tab leaves the editor.');
  await page.keyboard.press('Escape');
  await page.keyboard.press('Tab');
  assert.notEqual(await focused(page), 'div.cm-content');
  await shot(page, 'ui-tab-option');
  // The choice is kept.
  await page.reload();
  await ready(page);
  assert.equal(await page.locator('[data-testid=tab-indents]').isChecked(), true);
  await page.locator('[data-testid=tab-indents]').uncheck();
  await page.reload();
  await ready(page);
  assert.equal(await page.locator('[data-testid=tab-indents]').isChecked(), false);
  noProblems(problems);
  await context.close();
});

test('keyboard: Esc stops a running program (in the editor, or anywhere on the page), not a paused one', async () => {
  const { context, page, problems } = await open();
  await setProgram(page, 'l: l jmp\n');
  for (const where of ['body', 'editor']) {
    await page.click('[data-testid=run]');
    await waitState(page, 'running');
    if (where === 'editor') await page.locator('.cm-content').focus();
    else await page.evaluate(() => document.activeElement.blur());
    await page.keyboard.press('Escape');
    await waitState(page, 'stopped', 3000);
    assert.match(await outputText(page), /\[stopped\]/);
  }
  // Waiting for input: Esc stops it too.
  await setProgram(page, 'read println\n');
  await page.click('[data-testid=run]');
  await waitState(page, 'input');
  await page.keyboard.press('Escape');
  await waitState(page, 'stopped', 3000);
  // Paused in the debugger, Esc is the editor's (Stop ends the run).
  await setProgram(page, '1 println\n2 println\n');
  await page.click('[data-testid=step]');
  await waitState(page, 'paused');
  await page.locator('.cm-content').focus();
  await page.keyboard.press('Escape');
  await page.waitForTimeout(300);
  assert.equal(await stateOf(page), 'paused');
  assert.match(await page.getAttribute('[data-testid=stop]', 'title'), /Esc/);
  noProblems(problems);
  await context.close();
});

test('keyboard: the shortcuts are listed, from a button below the editor and with ?, but ? in the editor is typed', async () => {
  for (const colorScheme of ['light', 'dark']) {
    const { context, page, problems } = await open({ context: { colorScheme } });
    const dialog = page.locator('[data-testid=shortcuts]');
    assert.equal(await dialog.isVisible(), false);
    await page.click('[data-testid=shortcuts-open]');
    await dialog.waitFor();
    const text = await dialog.textContent();
    for (const k of ['Ctrl+Enter', 'Esc', 'F8', 'F9', 'F10', 'F11', 'Shift+F10', 'Shift+F11', 'Shift+Alt+F', 'Ctrl+Space', 'Tab', '?']) assert.ok(text.includes(k), `${k} is not listed`);
    assert.match(text, /Stop a running program/);
    await shot(page, `ui-shortcuts-${colorScheme}`);
    // Esc closes it, and the focus goes back to the button.
    await page.keyboard.press('Escape');
    await dialog.waitFor({ state: 'hidden' });
    assert.equal(await focused(page), 'button#shortcuts-open');
    // ? anywhere but a text field opens it.
    await page.evaluate(() => document.activeElement.blur());
    await page.keyboard.press('?');
    await dialog.waitFor();
    await page.click('#shortcuts-close');
    await dialog.waitFor({ state: 'hidden' });
    await setProgram(page, '');
    await page.locator('.cm-content').focus();
    await page.keyboard.type('"?" println');
    assert.equal(await editorText(page), '"?" println');
    await page.locator('[data-testid=args]').focus();
    await page.keyboard.type('"?"');
    assert.equal(await page.inputValue('[data-testid=args]'), '"?"');
    assert.equal(await dialog.isVisible(), false);
    noProblems(problems);
    await context.close();
  }
});

// ---- 9. axe-core ---------------------------------------------------------------------------------

test('accessibility: axe-core finds no violations in the new states, light and dark, 1280 px and 390 px', async () => {
  for (const [colorScheme, ctx, label] of [
    ['light', {}, 'light'],
    ['dark', {}, 'dark'],
    ['light', PHONE, 'light, 390 px'],
    ['dark', PHONE, 'dark, 390 px'],
  ]) {
    const { context, page, problems } = await open({ context: { colorScheme, bypassCSP: true, ...ctx } });
    const axe = await axeOn(page, label);
    // The share box: its link and the embed snippet.
    await page.click('[data-testid=share]');
    await page.waitForFunction(() => document.querySelector('[data-testid=share-link]').value !== '');
    await axe.check('share box');
    await page.click('#share-close');
    // The Reference, whose long examples wrap.
    await page.click('#ref-toggle');
    await page.locator('#ref-list .ref-entry').first().waitFor();
    await axe.check('reference');
    await page.click('#ref-toggle');
    // A compile error with the Timeline open: the list of steps has nothing to list.
    await page.click('[data-testid=timeline-toggle]');
    await setProgram(page, 'nope jmp\n');
    await run(page, ['compile-error']);
    await axe.check('compile error, Timeline open');
    assert.match(await page.locator('#timeline-panel').textContent(), /did not start/);
    // Paused: on a phone the stack's peek over the debugger's buttons.
    await setProgram(page, fib(), '4');
    await lineNumber(page, 19).click();
    await run(page, ['paused']);
    await axe.check('paused, the stack on the debugger bar');
    axe.clean();
    await page.click('[data-testid=stop]');
    await waitState(page, 'stopped');
    // The Tab option on, and the list of shortcuts.
    if (!ctx.isMobile) {
      await page.locator('[data-testid=tab-indents]').check();
      await axe.check('Tab indents');
      await page.click('[data-testid=shortcuts-open]');
      await page.locator('[data-testid=shortcuts]').waitFor();
      await axe.check('keyboard shortcuts');
      await page.keyboard.press('Escape');
    }
    await axe.done();
    noProblems(problems);
    await context.close();
  }
});

// ---- 10. the smaller things ---------------------------------------------------------------------

test('the Stack panel does not say "Not run yet." while a program runs', async () => {
  const { context, page, problems } = await open();
  const stack = page.locator('[data-testid=stack]');
  assert.equal(await shownText(stack), 'Not run yet.');
  await setProgram(page, '1 2 l: l jmp\n');
  await page.click('[data-testid=run]');
  await waitState(page, 'running');
  const during = await shownText(stack);
  assert.doesNotMatch(during, /Not run yet/);
  assert.match(during, /Running/);
  await page.click('[data-testid=stop]');
  await waitState(page, 'stopped');
  // The stack the stop left (1 2, and l's address when it came between `l` and `jmp`), or
  // (a worker that did not answer the stop in 40 ms was replaced: a busy machine) the
  // words for none.
  const values = await stackValues(page);
  if (values.length) assert.deepEqual(values.slice(0, 2), ['1', '2']);
  else assert.equal(await shownText(stack), 'The run was stopped before its stack could be read.');
  // A program that does not start says so.
  await setProgram(page, 'nope jmp\n');
  await run(page, ['compile-error']);
  assert.equal(await shownText(stack), 'The program did not start.');
  noProblems(problems);
  await context.close();
});

/** Hovers the `n`th occurrence of `word` in the editor and returns the hover tooltip's text ('' when none shows). */
async function hoverWord(page, word, n = 0) {
  const at = await page.evaluate(
    ([w, i]) => {
      const view = window.playground.editor.view;
      const text = view.state.doc.toString();
      let pos = -1;
      for (let k = 0; k <= i; k++) pos = text.indexOf(w, pos + 1);
      // The word on screen (filling the fields below the editor may have scrolled the page).
      let c = view.coordsAtPos(pos + 1);
      if (c.top < 0 || c.bottom > innerHeight) {
        scrollBy(0, c.top - innerHeight / 3);
        c = view.coordsAtPos(pos + 1);
      }
      return { x: c.left + 1, y: (c.top + c.bottom) / 2 };
    },
    [word, n],
  );
  await page.mouse.move(at.x - 30, at.y - 30);
  await page.mouse.move(at.x, at.y);
  try {
    await page.locator('.cm-tooltip-hover').waitFor({ timeout: 3000 });
  } catch {
    return '';
  }
  return page.locator('.cm-tooltip-hover').textContent();
}

test('hovering a label says where it is defined, also while another label is undefined', async () => {
  const { context, page, problems } = await open();
  await setProgram(page, '"x" println\nloop: 1 drop\nmissing jmp\nloop jmp\n');
  await page.locator('.cm-lintRange-error').first().waitFor();
  const text = await hoverWord(page, 'loop', 1);
  assert.match(text, /label loop/);
  assert.match(text, /Defined on line 2/);
  // Once it compiles, its address too.
  await setProgram(page, '"x" println\nloop: 1 drop\nloop jmp\n');
  await page.waitForFunction(() => !document.querySelector('#editor').shadowRoot.querySelector('.cm-lintRange-error'));
  await page.mouse.move(0, 0);
  await page.locator('.cm-tooltip-hover').waitFor({ state: 'detached' });
  assert.match(await hoverWord(page, 'loop', 1), /Defined on line 2; address \d+\./);
  noProblems(problems);
  await context.close();
});

test('embed.html without a program: the banner goes once a program is typed, and the run shows', async () => {
  const { context, page, problems } = await open({ at: 'embed.html' });
  const banner = page.locator('#banner');
  assert.match(await banner.textContent(), /This link has no program/);
  await page.locator('.cm-content').focus();
  await page.keyboard.type('"typed" println');
  await page.click('[data-testid=run]');
  await waitState(page, 'halted');
  assert.equal(await outputText(page), 'typed\n');
  assert.equal(await banner.isVisible(), false);
  await shot(page, 'ui-embed-typed');
  noProblems(problems);
  await context.close();
});

test('on a phone the help below the editor speaks of taps, not of Ctrl+Enter, hovering or F9', async () => {
  for (const colorScheme of ['light', 'dark']) {
    const { context, page, problems } = await open({ context: { colorScheme, ...PHONE } });
    const help = await page.locator('#editor-help').innerText();
    assert.doesNotMatch(help, /Ctrl|hover|F9|Tab|Esc/i);
    assert.match(help, /Tap Run/);
    await page.locator('#editor-help').scrollIntoViewIfNeeded();
    await shot(page, `ui-phone-help-${colorScheme}`);
    noProblems(problems);
    await context.close();
  }
  // A desktop keeps its keys.
  const { context, page } = await open();
  const help = await page.locator('#editor-help').innerText();
  assert.match(help, /Ctrl\+Enter runs/);
  assert.doesNotMatch(help, /Tap Run/);
  await context.close();
});

test('the welcome program mentions the Tour', async () => {
  const { context, page, problems } = await open();
  const text = await editorText(page);
  assert.match(text, /^# Welcome to the simple-vm playground\./);
  assert.match(text, /Tour/);
  // Every line of it is a comment or runs: it still runs as it did.
  await run(page);
  assert.equal(await stateOf(page), 'halted');
  assert.equal(await outputText(page), 'Hello from the stack!\n20\nyes\n');
  noProblems(problems);
  await context.close();
});

/** The pixels of a box of the page (CSS px, clipped to the viewport) as RGBA rows, at device scale 1. */
async function pixels(page, box) {
  const png = await page.screenshot({ clip: box });
  return page.evaluate(async (b64) => {
    const img = new Image();
    img.src = `data:image/png;base64,${b64}`;
    await img.decode();
    const c = document.createElement('canvas');
    c.width = img.width;
    c.height = img.height;
    const g = c.getContext('2d');
    g.drawImage(img, 0, 0);
    return { width: img.width, height: img.height, data: Array.from(g.getImageData(0, 0, img.width, img.height).data) };
  }, png.toString('base64'));
}

test('the runtime error\'s underline leaves the _ of cast_int visible: a gap between the two', async () => {
  for (const colorScheme of ['light', 'dark']) {
    const { context, page, problems } = await open({ context: { colorScheme, bypassCSP: true } });
    // Line 1's cast_int runs; line 2's fails: the same word, plain and marked.
    await setProgram(page, '"12" cast_int println\n"x" cast_int println\n');
    await run(page, ['error']);
    await page.locator('.cm-runtime-error').waitFor();
    await page.evaluate(() => window.playground.editor.view.contentDOM.blur());
    await page.mouse.move(0, 0);
    const boxes = await page.evaluate(() => {
      const view = window.playground.editor.view;
      const text = view.state.doc.toString();
      // The `_` (the 5th character): its box, down to 12 px below its line's text.
      const at = (pos) => {
        const a = view.coordsAtPos(pos + 4, 1);
        const b = view.coordsAtPos(pos + 5, -1);
        return { x: Math.round(a.left) + 1, y: Math.floor(a.top), width: Math.max(2, Math.floor(b.right - a.left) - 2), height: Math.ceil(a.bottom - a.top) + 12 };
      };
      return [at(text.indexOf('cast_int')), at(text.lastIndexOf('cast_int'))];
    });
    const [plain, marked] = await Promise.all(boxes.map((b) => pixels(page, b)));
    const px = (p, x, y) => p.data.slice((y * p.width + x) * 4, (y * p.width + x) * 4 + 3);
    // The word is an operation, blue in both themes; the underline is red (--error).
    /** Each row of the box: 'i' (the word's ink: blue), 'l' (the underline: red) or '.', in each column. */
    const rows = (p) =>
      Array.from({ length: p.height }, (_, y) =>
        Array.from({ length: p.width }, (_, x) => {
          const [r, , b] = px(p, x, y);
          return b - r > 40 ? 'i' : r - b > 60 && r > 150 ? 'l' : '.';
        }).join(''),
      );
    // The plain word: its underscore is there (ink in the lower part of the box).
    const plainRows = rows(plain);
    assert.ok(plainRows.some((r) => r.includes('i')), `no _ in the plain word: ${plainRows.join(' ')}`);
    // The marked word: in every column, the underscore's ink, then at least a pixel of
    // neither colour, then the underline.
    const markedRows = rows(marked);
    for (let x = 0; x < marked.width; x++) {
      const col = markedRows.map((r) => r[x]).join('');
      const lastInk = col.lastIndexOf('i');
      const firstLine = col.indexOf('l', Math.max(lastInk, 0));
      assert.ok(lastInk >= 0, `${colorScheme}: column ${x} of the _ has no ink: ${col}`);
      assert.ok(firstLine < 0 || firstLine - lastInk >= 2, `${colorScheme}: the underline touches the _ in column ${x}: ${col} (rows: ${markedRows.join(' ')})`);
    }
    await page.locator('.cm-runtime-error').screenshot({ path: path.join(SHOTS, `ui-error-underline-${colorScheme}.png`) });
    noProblems(problems);
    await context.close();
  }
});

test('the Reference\'s search for "modulo" finds %', async () => {
  const { context, page, problems } = await open();
  await page.click('#ref-toggle');
  await page.locator('#ref-list .ref-entry').first().waitFor();
  await page.fill('[data-testid=ref-search]', 'modulo');
  const shown = await page.locator('#ref-list .ref-entry.op:visible .op-name').allTextContents();
  assert.ok(shown.includes('%'), `found: ${shown}`);
  noProblems(problems);
  await context.close();
});

test('with nothing running, the debugger\'s first button says Debug, not Continue', async () => {
  const { context, page, problems } = await open();
  const button = page.locator('[data-testid=continue]');
  const name = () => button.evaluate((b) => b.textContent.trim());
  assert.equal(await name(), '▷ Debug');
  assert.match(await button.getAttribute('title'), /^Debug \(F8/);
  await setProgram(page, '1 println\n2 println\n');
  await page.click('[data-testid=step]');
  await waitState(page, 'paused');
  assert.equal(await name(), '▷ Continue');
  assert.match(await button.getAttribute('title'), /^Continue \(F8/);
  await page.click('[data-testid=continue]');
  await waitState(page, 'halted');
  assert.equal(await name(), '▷ Debug');
  noProblems(problems);
  await context.close();
});

/**
 * Start-up's tasks may use at most this much of their thread (ms): half of the 100 ms a task
 * may block the page, since on the shared machine of these tests a task's wall time is
 * often twice its thread time or more (at start-up, 187dbb2 built the editor in one task of
 * 65-90 ms of thread time, 160-410 ms of wall time).
 */
const START_UP_CPU_MS = 50;

test('start-up: the page\'s start-up runs in tasks of at most 50 ms of their thread (the bundle, the editor and the panels evaluated and built in tasks of their own), in the median of five loads', async () => {
  // Five loads; each load's longest start-up task is judged, and the median of them must
  // be within the limit: one load whose task ran a few ms over on a busy machine does not
  // decide, a start-up made of a long task (every load of 187dbb2) does.
  const ends = [];
  for (let i = 0; i < 5; i++) {
    const { context, page, problems } = await open();
    await page.waitForFunction(() => performance.getEntriesByName('ops-ready').length > 0);
    await page.waitForTimeout(300);
    noProblems(problems);
    await context.close();
    ends.push(harness.longTaskCount());
  }
  const traced = await traceLongTasks();
  const loads = ends.map((end, i) => traced.slice(i ? ends[i - 1] : 0, end).filter((l) => l.startUp));
  console.log('# start-up tasks over 50 ms of wall time, by load:', JSON.stringify(loads));
  // (A task that the trace does not show with about the same wall time, e2e-harness.mjs's
  // match, is not judged: it is printed above.)
  const longest = loads.map((tasks) => Math.max(0, ...tasks.filter((l) => l.cpu !== null).map((l) => l.cpu))).sort((a, b) => a - b);
  const median = longest[Math.floor(longest.length / 2)];
  assert.ok(median <= START_UP_CPU_MS, `the longest start-up task of the median load ran ${median} ms on its thread (each load's: ${longest.join(', ')} ms), more than ${START_UP_CPU_MS} ms`);
});
