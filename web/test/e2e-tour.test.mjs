// End-to-end tests of the playground in Chromium: the tour: its lessons, their checks and progress, on a phone, from a shared program.
// The browser, the server, the long-task guard and budgets.json are e2e-harness.mjs's;
// the helpers that drive the page are e2e-page.mjs's.
//
//   npm --prefix web run build && node --test web/test/e2e-tour.test.mjs

import { test } from 'node:test';
import assert from 'node:assert/strict';
import path from 'node:path';
import { pageHarness, DIST, SHOTS } from './e2e-harness.mjs';
import { setProgram, run, editorText, outputText, share, noProblems, typeProgram, storedProgram, lessonFile, tourPanel, tourResult, runChecked, harnessTools } from './e2e-page.mjs';

const harness = pageHarness({ dist: DIST });
const { open, ready } = harness;
const { openTab } = harnessTools(harness);

test('tour: lesson 1 fails with its starter and passes with its solution; progress survives a reload; back to my program', async () => {
  const { context, page, problems } = await open();
  const mine = '# my own program\n"mine" println\n';
  await typeProgram(page, mine);
  assert.equal(await editorText(page), mine);
  assert.ok(await tourPanel(page).isHidden());
  await page.click('#tour-toggle');
  await tourPanel(page).waitFor();
  assert.equal(await page.evaluate(() => location.hash), '#tour/1');
  assert.match(await tourPanel(page).locator('h3').textContent(), /^1\. Pushing and printing$/);
  assert.match(await tourPanel(page).locator('.tour-task').textContent(), /^Task:/);
  assert.equal(await editorText(page), lessonFile(1, 'starter.svm'));
  // The starter fails, and the panel says what differed.
  assert.equal(await runChecked(page), 'failed');
  const failed = await tourResult(page).textContent();
  assert.match(failed, /Not yet/);
  assert.match(failed, /line 2: expected 2, got nothing/);
  assert.match(failed, /the final stack: expected \[\], got \[1 2\]/);
  await page.screenshot({ path: path.join(SHOTS, 'tour.png') });
  // Typed as a person does, the solution passes.
  await typeProgram(page, lessonFile(1, 'solution.svm'));
  assert.equal(await runChecked(page), 'passed');
  assert.match(await tourResult(page).textContent(), /Passed.*Next: 2\. /s);
  assert.match(await page.locator('.tour-lessons summary').textContent(), /1 of 13 passed/);
  assert.equal(await page.locator('.tour-list li.passed').count(), 1);
  // The kept program is still the learner's own: a run in the tour does not save over it.
  assert.equal((await storedProgram(page)).source, mine);
  // A reload keeps the lesson, what was typed in it, and the progress.
  await page.waitForTimeout(400);
  await page.reload();
  await ready(page);
  await tourPanel(page).waitFor();
  assert.equal(await editorText(page), lessonFile(1, 'solution.svm'));
  assert.match(await page.locator('.tour-lessons summary').textContent(), /1 of 13 passed/);
  assert.match(await tourResult(page).textContent(), /passed this lesson before/);
  // Back to my program: the learner's program, in the editor and kept.
  await page.click('[data-testid=tour-back]');
  assert.ok(await tourPanel(page).isHidden());
  assert.equal(await editorText(page), mine);
  assert.equal(await page.evaluate(() => location.hash), '');
  await page.waitForTimeout(400);
  assert.equal((await storedProgram(page)).source, mine);
  noProblems(problems);
  await context.close();
});

test('tour: #tour/5 opens lesson 5; each lesson keeps its code; Reset to starter; input ends after the lesson\'s lines', async () => {
  const { context, page, problems } = await open({ at: '#tour/5' });
  await tourPanel(page).waitFor();
  assert.match(await tourPanel(page).locator('h3').textContent(), /^5\. Booleans and if$/);
  assert.equal(await editorText(page), lessonFile(5, 'starter.svm'));
  await typeProgram(page, '"typed in lesson 5" println\n');
  await page.click('.tour-nav a[rel=next]');
  await page.waitForFunction(() => location.hash === '#tour/6');
  await tourPanel(page).locator('h3', { hasText: /^6\. / }).waitFor();
  assert.match(await tourPanel(page).locator('h3').textContent(), /^6\. /);
  assert.equal(await editorText(page), lessonFile(6, 'starter.svm'));
  await page.click('.tour-nav a[rel=prev]');
  await page.waitForFunction(() => location.hash === '#tour/5');
  // (The link sets the hash before the page opens the lesson: wait for its title.)
  await tourPanel(page).locator('h3', { hasText: /^5\. / }).waitFor();
  assert.equal(await editorText(page), '"typed in lesson 5" println\n');
  await page.click('[data-testid=tour-reset]');
  assert.equal(await editorText(page), lessonFile(5, 'starter.svm'));
  // The lesson of `read`: its lines go in, then the end of input (no prompt), as with svm.
  await page.click('.tour-lessons summary');
  await page.click('.tour-list a[href="#tour/11"]');
  await page.waitForFunction(() => location.hash === '#tour/11');
  await typeProgram(page, 'read read read concat concat println');
  assert.equal(await runChecked(page), 'failed');
  assert.equal(await outputText(page), '[end of input]\n34\n');
  assert.match(await tourResult(page).textContent(), /line 1: expected 7, got 34/);
  await typeProgram(page, lessonFile(11, 'solution.svm'));
  assert.equal(await runChecked(page), 'passed');
  assert.ok(await page.locator('[data-testid=input-prompt]').isHidden());
  noProblems(problems);
  await context.close();
});

test('tour on a phone: no horizontal scroll with a failed check and the lessons open', async () => {
  const { context, page, problems } = await open({
    at: '#tour/8',
    context: { viewport: { width: 390, height: 844 }, deviceScaleFactor: 2, isMobile: true, hasTouch: true },
  });
  await tourPanel(page).waitFor();
  await page.click('.tour-lessons summary');
  assert.equal(await runChecked(page), 'failed');
  const widths = await page.evaluate(() => ({ scroll: document.documentElement.scrollWidth, client: document.documentElement.clientWidth }));
  assert.ok(widths.scroll <= widths.client, JSON.stringify(widths));
  await tourPanel(page).scrollIntoViewIfNeeded();
  await page.screenshot({ path: path.join(SHOTS, 'tour-mobile.png') });
  noProblems(problems);
  await context.close();
});

test('tour from a shared program: back to my program brings back the draft, and the kept program is untouched', async () => {
  const { context, page, problems } = await open();
  await setProgram(page, '"shared" println\n');
  const link = await share(page);
  await setProgram(page, '"kept" println\n');
  await page.waitForTimeout(400);
  const { page: tab, problems: tabProblems } = await openTab(context, link);
  await tab.locator('[data-testid=program-bar]').waitFor();
  assert.equal(await editorText(tab), '"shared" println\n');
  await typeProgram(tab, '"shared, edited" println\n');
  await tab.click('#tour-toggle');
  await tourPanel(tab).waitFor();
  assert.ok(await tab.locator('[data-testid=program-bar]').isHidden(), 'no "Keep this one instead" for a lesson');
  assert.equal(await editorText(tab), lessonFile(1, 'starter.svm'));
  await typeProgram(tab, lessonFile(1, 'solution.svm'));
  assert.equal(await runChecked(tab), 'passed');
  await tab.click('[data-testid=tour-back]');
  assert.equal(await editorText(tab), '"shared, edited" println\n');
  assert.match(await tab.locator('[data-testid=program-bar]').textContent(), /Keep this one instead/);
  assert.equal((await storedProgram(tab)).source, '"kept" println\n');
  noProblems(problems);
  noProblems(tabProblems);
  await context.close();
});
