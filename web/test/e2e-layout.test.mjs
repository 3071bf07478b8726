// End-to-end tests of the playground in Chromium: the layout: a phone's width, the fields in view, axe-core in light and dark.
// The browser, the server, the long-task guard and budgets.json are e2e-harness.mjs's;
// the helpers that drive the page are e2e-page.mjs's.
//
//   npm --prefix web run build && node --test web/test/e2e-layout.test.mjs

import { test } from 'node:test';
import assert from 'node:assert/strict';
import fs from 'node:fs';
import path from 'node:path';
import { directives } from '../src/svm-file.js';
import { pageHarness, DIST, SHOTS } from './e2e-harness.mjs';
import { status, stateOf, waitState, setProgram, run, outputText, share, lineNumber, noProblems, inView, runChecked, harnessTools, EXAMPLES } from './e2e-page.mjs';

const harness = pageHarness({ dist: DIST });
const { open } = harness;
const { axeOn } = harnessTools(harness);

test('the mobile width has no horizontal scroll', async () => {
  for (const colorScheme of ['light', 'dark']) {
    const { context, page, problems } = await open({
      context: { viewport: { width: 390, height: 844 }, deviceScaleFactor: 2, isMobile: true, hasTouch: true, colorScheme },
    });
    await page.selectOption('[data-testid=examples]', 'fizzbuzz');
    await page.click('[data-testid=step]');
    await waitState(page, 'paused');
    await run(page);
    await page.click('[data-testid=profile-run]');
    await waitState(page, 'halted');
    await page.locator('.flame-frame').first().waitFor();
    await page.click('#ref-toggle');
    await page.click('[data-testid=disasm-toggle]');
    await page.locator('[data-testid=disasm] .disasm-row').first().waitFor();
    await share(page);
    await page.click('[data-testid=programs-toggle]');
    await page.locator('[data-testid=programs] li').first().waitFor();
    const widths = await page.evaluate(() => ({
      scroll: document.documentElement.scrollWidth,
      client: document.documentElement.clientWidth,
      body: document.body.scrollWidth,
    }));
    assert.ok(widths.scroll <= widths.client && widths.body <= widths.client, JSON.stringify(widths));
    await page.click('#share-close');
    await page.click('#ref-toggle');
    await page.click('[data-testid=disasm-toggle]');
    await page.evaluate(() => window.scrollTo(0, 0));
    await page.screenshot({ path: path.join(SHOTS, `mobile${colorScheme === 'dark' ? '-dark' : ''}.png`), fullPage: true });
    noProblems(problems);
    await context.close();
  }
  // The desktop in dark mode: the page follows the system's scheme, and runs as in light.
  const { context, page, problems } = await open({ context: { colorScheme: 'dark' } });
  await page.selectOption('[data-testid=examples]', 'collatz');
  await run(page);
  const source = fs.readFileSync(path.join(EXAMPLES, 'collatz.svm'), 'utf8');
  assert.equal(await stateOf(page), 'halted', await status(page).textContent());
  assert.equal(await outputText(page), directives(source, 'expect').join('\n') + '\n');
  const colours = await page.evaluate(() => ({
    body: getComputedStyle(document.body).backgroundColor,
    editor: getComputedStyle(window.playground.editor.view.dom).backgroundColor,
    text: getComputedStyle(document.body).color,
  }));
  assert.deepEqual(colours, { body: 'rgb(22, 24, 27)', editor: 'rgb(30, 33, 37)', text: 'rgb(228, 230, 232)' });
  await page.screenshot({ path: path.join(SHOTS, 'desktop-dark.png') });
  noProblems(problems);
  await context.close();
});

test('Arguments and Input are in view at 800 px height: the Profile panel is folded until used', async () => {
  const { context, page, problems } = await open({ context: { viewport: { width: 1366, height: 800 } } });
  assert.ok(await inView(page, '[data-testid=args]'), 'the Arguments field is in view');
  assert.ok(await inView(page, '[data-testid=stdin]'), 'the Input field is in view');
  assert.equal(await page.locator('#profile-panel').isVisible(), false);
  await page.click('[data-testid=profile-run]');
  await waitState(page, 'halted');
  assert.equal(await page.locator('#profile-panel').isVisible(), true);
  // A new program folds it again.
  await page.selectOption('[data-testid=examples]', 'hello');
  assert.equal(await page.locator('#profile-panel').isVisible(), false);
  noProblems(problems);
  await context.close();
});

test('accessibility: axe-core finds no violations, light and dark', async () => {
  for (const colorScheme of ['light', 'dark']) {
    const { context, page, problems } = await open({ context: { viewport: { width: 1366, height: 900 }, bypassCSP: true, colorScheme } });
    const { check, timed, done } = await axeOn(page, colorScheme);
    // The welcome program (with its comments), as a first visit shows it.
    await check('first visit');
    // A profile, its table, the Reference, and a shared program's bar.
    await page.selectOption('[data-testid=examples]', 'fib');
    await page.click('[data-testid=profile-run]');
    await waitState(page, 'halted');
    await page.locator('.flame-frame').first().waitFor();
    await check('flame graph');
    await page.getByRole('button', { name: 'By label' }).click();
    await page.click('#ref-toggle');
    await check('by label, reference');
    await page.click('#ref-toggle');
    // Paused at a breakpoint: the marked line and token, the call stack, the stack, and
    // the Compiled panel with its paused row.
    await page.click('[data-testid=disasm-toggle]');
    await lineNumber(page, 19).click();
    await run(page, ['paused']);
    await page.locator('[data-testid=disasm] .disasm-paused').waitFor();
    await check('paused');
    await page.click('[data-testid=stop]');
    await waitState(page, 'stopped');
    // A runtime error, and the input prompt.
    await setProgram(page, '"text" 1 0 / println\n');
    await run(page);
    await check('runtime error');
    await setProgram(page, 'read println\n', '1 "two"');
    await page.click('[data-testid=run]');
    await page.locator('[data-testid=input-prompt]').waitFor();
    await check('input prompt');
    await page.click('[data-testid=programs-toggle]');
    await page.locator('[data-testid=programs] li').first().waitFor();
    await check('my programs');
    await timed(() => page.screenshot({ path: path.join(SHOTS, `axe-${colorScheme}.png`) }));
    // The tour: a lesson whose check failed, with the list of lessons open.
    await page.click('[data-testid=stop]');
    await waitState(page, 'stopped');
    await page.click('#tour-toggle');
    await page.click('.tour-lessons summary');
    await runChecked(page);
    await check('tour');
    // The completion list, with the description of the selected operation.
    await page.click('.cm-content');
    await page.keyboard.press('Control+End');
    await page.keyboard.type('\npri');
    await page.locator('.cm-tooltip-autocomplete li[aria-selected]').waitFor();
    await page.locator('.cm-completionInfo').waitFor();
    await check('completion');
    await done();
    noProblems(problems);
    await context.close();
  }
});
