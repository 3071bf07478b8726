// End-to-end tests of the playground in Chromium: predict the next step (the debugger's
// Predict toggle, and the tour's predict lessons).
// The browser, the server, the long-task guard and budgets.json are e2e-harness.mjs's;
// the helpers that drive the page are e2e-page.mjs's.
//
//   npm --prefix web run build && node --test web/test/e2e-predict.test.mjs

import { test } from 'node:test';
import assert from 'node:assert/strict';
import path from 'node:path';
import { pageHarness, DIST, SHOTS } from './e2e-harness.mjs';
import { setProgram, stateOf, waitState, stackValues, noProblems, tourPanel, harnessTools } from './e2e-page.mjs';

const harness = pageHarness({ dist: DIST });
const { open, ready } = harness;
const { axeOn } = harnessTools(harness);
const PHONE = { viewport: { width: 390, height: 844 }, deviceScaleFactor: 2, isMobile: true, hasTouch: true };

const predict = (page) => page.locator('[data-testid=predict]');
const question = (page) => page.locator('[data-testid=predict-form] label');
const verdict = (page) => page.locator('[data-testid=predict-result] .predict-verdict');
/** The rows of the side-by-side table, top first: [expected, machine]. */
const rows = (page) =>
  page.locator('[data-testid=predict-table] tbody tr').evaluateAll((trs) => trs.map((tr) => [...tr.cells].map((c) => c.textContent)));

/** Types `text` as the prediction and answers; waits for the verdict of that step. */
async function answer(page, text) {
  const before = await page.locator('[data-testid=predict-score]').textContent();
  await page.fill('[data-testid=predict-input]', text);
  await page.keyboard.press('Enter');
  await page.waitForFunction((b) => document.querySelector('[data-testid=predict-score]').textContent !== b, before, { timeout: 15_000 });
}

test('the debugger’s Predict: Step asks first, then shows the stack expected beside the machine’s', async () => {
  const { context, page, problems } = await open();
  await setProgram(page, '1 2\nover\n+ println\n');
  await page.click('[data-testid=predict-toggle]');
  assert.equal(await page.getAttribute('[data-testid=predict-toggle]', 'aria-pressed'), 'true');
  await predict(page).waitFor();
  // The first Step starts the run paused; the next one asks.
  await page.click('[data-testid=step]');
  await waitState(page, 'paused');
  await page.click('[data-testid=step]');
  await question(page).waitFor();
  assert.match(await question(page).textContent(), /What will the stack be after 1 \(line 1\)\?/);
  // It has not stepped: the stack is still empty.
  assert.equal(await stateOf(page), 'paused');
  assert.deepEqual(await stackValues(page), []);
  await answer(page, '1');
  assert.match(await verdict(page).textContent(), /^✓ Right/);
  assert.deepEqual(await rows(page), [['1', '1']]);
  // The next: F11 asks too; the box starts with the stack as it is.
  await page.keyboard.press('F11');
  await question(page).waitFor();
  assert.equal(await page.inputValue('[data-testid=predict-input]'), '1');
  await answer(page, '1 2');
  // `over`: a wrong guess is shown beside the truth, row by row from the top.
  await page.keyboard.press('F11');
  await question(page).waitFor();
  assert.match(await question(page).textContent(), /after over \(line 2\)/);
  await answer(page, '1 2 2');
  assert.match(await verdict(page).textContent(), /^✗ Not quite/);
  assert.deepEqual(await rows(page), [
    ['2', '1'],
    ['2', '2'],
    ['1', '1'],
  ]);
  assert.equal(await page.locator('[data-testid=predict-table] td.differs').count(), 2);
  assert.match(await page.locator('[data-testid=predict-score]').textContent(), /2 of 3 right in this run/);
  assert.deepEqual(await stackValues(page), ['1', '2', '1']);
  // What is not a value is said, with its column, and nothing is stepped.
  await page.keyboard.press('F11');
  await question(page).waitFor();
  await page.fill('[data-testid=predict-input]', '1 plus');
  await page.keyboard.press('Enter');
  assert.match(await page.locator('#predict-error').textContent(), /Column 3: `plus` is not a value/);
  assert.deepEqual(await stackValues(page), ['1', '2', '1']);
  // Skip steps without asking.
  await page.click('[data-testid=predict-skip]');
  await page.waitForFunction(() => [...document.querySelectorAll('[data-testid=stack] li code')].map((c) => c.textContent).join(' ') === '1 3');
  // Off: Step steps at once.
  await page.click('[data-testid=predict-toggle]');
  assert.ok(await predict(page).isHidden());
  await page.keyboard.press('F11');
  await waitState(page, ['paused', 'halted']);
  assert.equal(await question(page).isVisible(), false);
  assert.deepEqual(await stackValues(page), ['1']); // println took the 3
  noProblems(problems);
  await context.close();
});

test('a predict lesson: all steps right passes its predict part, kept across a reload; a wrong one fails it', async () => {
  const { context, page, problems } = await open({ at: '#tour/3' });
  await tourPanel(page).waitFor();
  const result = page.locator('[data-testid=tour-predict-result]');
  const button = page.locator('[data-testid=tour-predict]');
  assert.equal(await button.textContent(), 'Predict 4 steps');
  // The starter: 1 2 3 swap.
  const expect = ['1', '1 2', '1 2 3', '1 3 2'];
  // First with one wrong: the lesson's predict part fails, and says how many were right.
  await button.click();
  await waitState(page, 'paused');
  for (const [i, text] of expect.entries()) {
    await page.keyboard.press('F11');
    await question(page).waitFor();
    await answer(page, i === 2 ? '3 2 1' : text);
  }
  await page.waitForFunction(() => document.querySelector('[data-testid=tour-predict-result]').dataset.result === 'failed');
  assert.match(await result.textContent(), /✗ 3 of 4 right/);
  assert.match(await tourPanel(page).locator('.tour-list li').nth(2).textContent(), /3\. .* · predict$/);
  // Again, all right: passed, and the list says so.
  await button.click();
  await waitState(page, 'paused');
  assert.equal(await page.locator('[data-testid=predict-score]').textContent(), '4 steps to predict');
  for (const text of expect) {
    await page.keyboard.press('F11');
    await question(page).waitFor();
    await answer(page, text);
  }
  await page.waitForFunction(() => document.querySelector('[data-testid=tour-predict-result]').dataset.result === 'passed');
  assert.match(await result.textContent(), /✓ You predicted all 4 steps/);
  await page.screenshot({ path: path.join(SHOTS, 'predict-lesson.png') });
  await page.reload();
  await ready(page);
  await tourPanel(page).waitFor();
  assert.match(await tourPanel(page).locator('.tour-list li').nth(2).textContent(), /· steps predicted$/);
  noProblems(problems);
  await context.close();
});

test('the Predict panel in light and dark, at 1280 and 390 px: axe-clean', async () => {
  for (const [colorScheme, ctx] of [
    ['light', {}],
    ['dark', PHONE],
  ]) {
    const { context, page, problems } = await open({ context: { colorScheme, ...ctx, bypassCSP: true } });
    await setProgram(page, '1 2 over');
    await page.click('[data-testid=predict-toggle]');
    await page.click('[data-testid=step]');
    await waitState(page, 'paused');
    await page.click('[data-testid=step]');
    await answer(page, '2');
    await page.click('[data-testid=step]');
    await question(page).waitFor();
    const axe = await axeOn(page, colorScheme);
    await axe.check('Predict, a question and a wrong answer');
    await axe.timed(() => predict(page).screenshot({ path: path.join(SHOTS, `predict-${colorScheme}.png`) }));
    await axe.done();
    noProblems(problems);
    await context.close();
  }
});
