// End-to-end tests of the console under the editor: entries on a live stack by the rules
// of `svm`'s REPL (define, redefine, an error with its caret, `:reset`), the history
// across a reload, an endless entry stopped while the page stays responsive, "Copy to
// editor", the keyboard, axe-core in both themes and a phone's width. Headless Chromium
// against web/dist (or SVM_DIST), with the long-task guard of e2e-harness.mjs.
//
//   npm --prefix web run build && node --test web/test/e2e-console.test.mjs

import { test } from 'node:test';
import assert from 'node:assert/strict';
import path from 'node:path';
import { pageHarness, DIST, SHOTS } from './e2e-harness.mjs';
import { editorText, noProblems, harnessTools } from './e2e-page.mjs';

const harness = pageHarness({ dist: DIST });
const { open } = harness;
const { axeOn } = harnessTools(harness);

const input = (page) => page.locator('[data-testid=console-input]');
const log = (page) => page.locator('[data-testid=console-log]');
const logLines = (page, cls) => page.locator(`[data-testid=console-log] .${cls}`).allTextContents();
const lastStack = async (page) => (await logLines(page, 'console-stack')).at(-1);

/** Types `text` into the console and presses Enter; waits until the entry is done. */
async function enter(page, text) {
  await page.waitForFunction(() => window.playground.console.ready && !window.playground.console.running);
  await input(page).fill(text);
  await input(page).press('Enter');
  await page.waitForFunction(() => !window.playground.console.running);
}

test('entries run on a live stack: define, redefine, an error with its caret, :reset', async () => {
  const { context, page, problems } = await open();
  await enter(page, '1 2 +');
  assert.equal(await lastStack(page), '[3]');
  await enter(page, 'sq: dup * return');
  assert.deepEqual(await logLines(page, 'console-note'), ['defined sq']);
  await enter(page, 'sq call');
  assert.equal(await lastStack(page), '[9]');
  await enter(page, 'quad: sq call sq call return');
  await enter(page, 'sq: 1 + return');
  assert.equal((await logLines(page, 'console-note')).at(-1), 'redefined sq');
  await enter(page, 'quad call');
  assert.equal(await lastStack(page), '[11]', 'quad calls the new sq');
  // The console's stack is drawn by the Stack panel's view.
  assert.deepEqual(await page.locator('[data-testid=console-stack] li code').allTextContents(), ['11']);

  // A compile error: the message as svm prints it, and a caret under the entry's token.
  await enter(page, '2 nope call');
  const errors = await logLines(page, 'console-error');
  assert.match(errors.at(-1), /undefined label `nope`/);
  assert.match(errors.at(-1), /--> <repl>:7:3/);
  const carets = await logLines(page, 'console-caret');
  assert.equal(carets.at(-1), '    ^^^^', 'under `nope` of "> 2 nope call"');
  assert.equal(await lastStack(page), '[11]', 'no stack line after an entry that was not kept');
  // A runtime error in an entry: the stack stays, the caret is under the `/`.
  await enter(page, '0 /');
  assert.match((await logLines(page, 'console-error')).at(-1), /division by zero/);
  assert.equal((await logLines(page, 'console-caret')).at(-1), '    ^');
  assert.equal(await lastStack(page), '[11 0]');

  // A definition over several lines: the prompt says it goes on.
  await input(page).fill('cube:');
  await input(page).press('Enter');
  assert.equal(await page.locator('#console-prompt').textContent(), '...');
  await enter(page, 'dup dup * * return');
  assert.equal(await page.locator('#console-prompt').textContent(), '>');
  await enter(page, ':clear');
  await enter(page, '2 cube call');
  assert.equal(await lastStack(page), '[8]');

  await enter(page, ':reset');
  assert.equal(await lastStack(page), '[]');
  await enter(page, 'sq call');
  assert.match((await logLines(page, 'console-error')).at(-1), /undefined label `sq`[^]*<repl>:1:1/);
  noProblems(problems);
  await context.close();
});

test('the history of entries: Up and Down, kept across a reload', async () => {
  const { context, page, problems } = await open();
  await enter(page, '40 2 +');
  await enter(page, '"hi" println');
  assert.deepEqual(await logLines(page, 'console-output'), ['hi\n']);
  await page.reload();
  await harness.ready(page);
  await input(page).focus();
  await input(page).type('draft');
  await input(page).press('ArrowUp');
  assert.equal(await input(page).inputValue(), '"hi" println');
  await input(page).press('ArrowUp');
  assert.equal(await input(page).inputValue(), '40 2 +');
  await input(page).press('ArrowDown');
  await input(page).press('ArrowDown');
  assert.equal(await input(page).inputValue(), 'draft', 'the line being typed comes back');
  await input(page).press('ArrowUp');
  await input(page).press('ArrowUp');
  await input(page).press('Enter');
  await page.waitForFunction(() => window.playground.console.ready && !window.playground.console.running);
  await page.waitForFunction(() => document.querySelector('[data-testid=console-log] .console-stack'));
  assert.equal(await lastStack(page), '[42]', 'a new session after the reload');
  noProblems(problems);
  await context.close();
});

test('an endless entry is stopped by the budget, or by Esc, and the page stays responsive', async () => {
  const { context, page, problems } = await open();
  await enter(page, '7');
  await input(page).fill('0 l: 1 + l jmp');
  await input(page).press('Enter');
  await page.waitForFunction(() => window.playground.console.running);
  // While it runs, the page answers: the editor takes typing.
  const t0 = Date.now();
  await page.evaluate(() => window.playground.editor.view.focus());
  await page.keyboard.type('x');
  assert.ok(Date.now() - t0 < 1000);
  await page.waitForFunction(() => !window.playground.console.running, null, { timeout: 60_000 });
  const error = (await logLines(page, 'console-error')).at(-1);
  assert.match(error, /step limit: 50000000 steps executed/);
  assert.match(error, /The console stopped the entry after 50,000,000 steps/);
  assert.match(await lastStack(page), /^\[7 \d+ 3\]$/, 'the stack the entry left: the count, and `l` for the jmp');
  // Esc stops one at once.
  await input(page).fill('l jmp');
  await input(page).press('Enter');
  await page.waitForFunction(() => window.playground.console.running);
  await input(page).press('Escape');
  await page.waitForFunction(() => !window.playground.console.running, null, { timeout: 2000 });
  const logText = await log(page).textContent();
  assert.match((await logLines(page, 'console-note')).at(-1), /Stopped/, logText);
  assert.doesNotMatch(logText, /defined l/, 'an entry that is not a definition says nothing of its labels');
  assert.match(await lastStack(page), /^\[7 /);
  await enter(page, ':clear');
  await enter(page, '1 1 +');
  assert.equal(await lastStack(page), '[2]', 'the console goes on');
  noProblems(problems);
  await context.close();
});

test('Copy to editor appends the entries and definitions, one change that Ctrl+Z undoes', async () => {
  const { context, page, problems } = await open();
  const before = await editorText(page);
  await enter(page, 'sq: dup * return');
  await enter(page, 'sq: dup dup * * return 3 sq call');
  await enter(page, '1 0 /');
  await enter(page, 'println');
  await page.click('[data-testid=console-copy]');
  await page.waitForFunction((b) => window.playground.editor.text() !== b, before);
  const text = await editorText(page);
  assert.ok(text.startsWith(before), 'nothing typed is replaced');
  assert.equal(text.slice(before.length), '\n# From the console:\n3 sq call\nprintln\nstop\nsq: dup dup * * return\n');
  await page.evaluate(() => window.playground.editor.view.focus());
  await page.keyboard.press('Control+z');
  assert.equal(await editorText(page), before);
  noProblems(problems);
  await context.close();
});

test('the console by keyboard, axe-core in both themes, and at 390 px', async () => {
  for (const colorScheme of ['light', 'dark']) {
    const { context, page, problems } = await open({ context: { colorScheme, bypassCSP: true } });
    await enter(page, 'sq: dup * return');
    await enter(page, '3 sq call "n = " swap cast_str concat');
    await enter(page, '2 nope');
    // Reachable by Tab from the editor's controls: the log, then the input.
    await page.focus('[data-testid=console-log]');
    await page.keyboard.press('Tab');
    assert.equal(await page.evaluate(() => document.activeElement.dataset.testid), 'console-input');
    const axe = await axeOn(page, colorScheme);
    await axe.check('the console with entries and an error');
    await axe.done();
    await page.locator('[data-testid=console]').screenshot({ path: path.join(SHOTS, `console${colorScheme === 'dark' ? '-dark' : ''}.png`) });
    noProblems(problems);
    await context.close();
  }
  const { context, page, problems } = await open({ context: { viewport: { width: 390, height: 844 }, deviceScaleFactor: 2, isMobile: true, hasTouch: true } });
  await enter(page, 'sq: dup * return');
  await enter(page, '12345678 sq call');
  await enter(page, '2 nope');
  const widths = await page.evaluate(() => ({ scroll: document.documentElement.scrollWidth, client: document.documentElement.clientWidth }));
  assert.ok(widths.scroll <= widths.client, JSON.stringify(widths));
  await page.locator('[data-testid=console]').screenshot({ path: path.join(SHOTS, 'console-mobile.png') });
  noProblems(problems);
  await context.close();
});
