// End-to-end tests of the playground in Chromium: the static stack effects as you type
// (a hint per line, the analysis' warnings, a label's effect on hover).
// The browser, the server, the long-task guard and budgets.json are e2e-harness.mjs's;
// the helpers that drive the page are e2e-page.mjs's.
//
//   npm --prefix web run build && node --test web/test/e2e-effects.test.mjs

import { test } from 'node:test';
import assert from 'node:assert/strict';
import fs from 'node:fs';
import path from 'node:path';
import { pageHarness, DIST, SHOTS } from './e2e-harness.mjs';
import { setProgram, run, outputText, noProblems, typeProgram, harnessTools, EXAMPLES } from './e2e-page.mjs';

const harness = pageHarness({ dist: DIST });
const { open } = harness;
const { axeOn } = harnessTools(harness);
const PHONE = { viewport: { width: 390, height: 844 }, deviceScaleFactor: 2, isMobile: true, hasTouch: true };

/** The hints drawn, as [line number, text], in document order. */
const hints = (page) =>
  page.evaluate(() => {
    const view = window.playground.editor.view;
    return [...view.contentDOM.querySelectorAll('.cm-stack-hint')].map((el) => [view.state.doc.lineAt(view.posAtDOM(el)).number, el.textContent]);
  });

/** Waits until the hints are those of the text now in the editor (the analysis runs 300 ms after a change). */
async function hintsOf(page, count) {
  await page.waitForFunction((n) => window.playground.editor.view.contentDOM.querySelectorAll('.cm-stack-hint').length === n, count, { timeout: 5000 });
  return hints(page);
}

const SQUARE = '5 square call\nprintln\nstop\n\nsquare:   # ( n -- n*n )\n    dup *\n    return\n';

test('each line shows its stack depths before and after, while typing; hovering a label shows its effect', async () => {
  const { context, page, problems } = await open();
  await typeProgram(page, SQUARE);
  assert.deepEqual(await hintsOf(page, 5), [
    [1, '( 0 → 1 )'],
    [2, '( 1 → 0 )'],
    [3, '( 0 → 0 )'],
    [6, '( 1 → 1 )'],
    [7, '( 1 → 1 )'],
  ]);
  // What a run prints agrees: 25, and the stack empty at the end.
  await run(page);
  assert.equal(await outputText(page), '25\n');
  // An edit moves the depths: a second value on line 1 (and no warning: it is left at the end).
  await page.evaluate(() => {
    const view = window.playground.editor.view;
    view.dispatch({ changes: { from: 0, insert: '7 ' } });
  });
  await page.waitForFunction(() => [...document.querySelector('#editor').shadowRoot.querySelectorAll('.cm-stack-hint')][0]?.textContent === '( 0 → 2 )', null, { timeout: 5000 });
  assert.deepEqual((await hints(page)).slice(0, 3), [
    [1, '( 0 → 2 )'],
    [2, '( 2 → 1 )'],
    [3, '( 1 → 1 )'],
  ]);
  // The label's hover says its inferred effect.
  await page.locator('.cm-content span', { hasText: /^square:$/ }).hover();
  const tip = page.locator('.hover-op');
  await tip.waitFor();
  assert.match(await tip.textContent(), /label square.*Stack effect \( 1 -- 1 \) \(found without running\)/s);
  // A program that does not compile has no hints (they would be of another text).
  await typeProgram(page, '1 nope call');
  await hintsOf(page, 0);
  noProblems(problems);
  await context.close();
});

test('every example has hints and no warning', async () => {
  const { context, page, problems } = await open();
  for (const file of fs.readdirSync(EXAMPLES).filter((f) => f.endsWith('.svm')).sort()) {
    const source = fs.readFileSync(path.join(EXAMPLES, file), 'utf8');
    await setProgram(page, source);
    // Every line with code has a hint (one per routine on it; the examples have one).
    const lines = await page.evaluate(() => {
      const doc = window.playground.editor.view.state.doc;
      const out = [];
      for (let n = 1; n <= doc.lines; n++) {
        const code = doc.line(n).text.replace(/#.*$/, '').replace(/^\s*[A-Za-z_][\w-]*:\s*/, '').trim();
        if (code) out.push(n);
      }
      return out;
    });
    const got = await hintsOf(page, lines.length);
    assert.deepEqual(
      got.map(([n]) => n),
      lines,
      file,
    );
    for (const [, text] of got) assert.match(text, /^\( (\d+|\?) → (\d+|\?) \)$/, file);
    assert.equal(await page.locator('.cm-lintRange-warning').count(), 0, `${file}: warnings`);
  }
  noProblems(problems);
  await context.close();
});

test('each kind of warning shows where it is, with its message', async () => {
  const { context, page, problems } = await open();
  const cases = [
    // Two paths meet at b with different depths.
    ['1 a b if jmp\na: 1\nb: println', 'println', /paths meet at `b` with different stack depths/],
    // The program takes nothing (its stack comment), and + finds no values.
    ['# ( -- )\n+ println', '+', /underflow|takes 2/],
    // The label's comment says 2 → 1; it is 1 → 1.
    ['3 sq call println stop\nsq: # ( a b -- c )\n dup * return', '( a b -- c )', /stack comment/],
  ];
  for (const [source, marked, message] of cases) {
    await typeProgram(page, source);
    const range = page.locator('.cm-lintRange-warning');
    await range.first().waitFor({ timeout: 5000 });
    assert.equal(await range.count(), 1, source);
    assert.equal(await range.textContent(), marked, source);
    // Not an error: the program still runs.
    assert.equal(await page.locator('.cm-lintRange-error').count(), 0, source);
    await range.hover();
    const tip = page.locator('.cm-tooltip-lint');
    await tip.waitFor();
    assert.match(await tip.textContent(), message, source);
    await page.mouse.move(0, 0);
    await tip.waitFor({ state: 'detached' });
  }
  noProblems(problems);
  await context.close();
});

test('the hints in light and dark, at 1280 and 390 px: axe-clean, one line each', async () => {
  for (const [colorScheme, ctx] of [
    ['light', {}],
    ['dark', PHONE],
  ]) {
    const { context, page, problems } = await open({ context: { colorScheme, ...ctx, bypassCSP: true } });
    await setProgram(page, SQUARE);
    await hintsOf(page, 5);
    const axe = await axeOn(page, colorScheme);
    await axe.check('stack hints');
    // A hint never wraps onto a line of its own.
    const tall = await page.evaluate(() =>
      [...document.querySelector('#editor').shadowRoot.querySelectorAll('.cm-stack-hint')].filter((el) => el.getClientRects().length !== 1).length,
    );
    assert.equal(tall, 0);
    await axe.timed(() => page.locator('#editor').screenshot({ path: path.join(SHOTS, `effects-hints-${colorScheme}.png`) }));
    await axe.done();
    noProblems(problems);
    await context.close();
  }
});

test('a long program is checked off the main thread: its hints come, the page never blocks', async () => {
  const { context, page, problems } = await open();
  // 20,000 lines, 290 KB: compiling and analysing it took 160 ms on the main thread.
  const lines = Array.from({ length: 20_000 }, (_, i) => `${i} 1 + drop`);
  await setProgram(page, 'nope\n' + lines.join('\n'));
  // It does not compile (nope, on line 1), so there are no hints, but the error is found.
  await page.locator('.cm-lintRange-error').waitFor({ timeout: 15_000 });
  assert.equal(await page.locator('.cm-stack-hint').count(), 0);
  // Without the bad line, each line leaves the stack as it found it.
  await setProgram(page, lines.join('\n'));
  await page.waitForFunction(() => document.querySelector('#editor').shadowRoot.querySelector('.cm-stack-hint')?.textContent === '( 0 → 0 )', null, { timeout: 15_000 });
  assert.equal(await page.locator('.cm-lintRange-error').count(), 0);
  noProblems(problems);
  await context.close();
});

test('a page opened with a program shows its hints without an edit', async () => {
  const { context, page, problems } = await open({ at: '#tour/3' });
  // The tour's lesson 3, loaded with the page: 1 2 3 on line 1, swap on line 2.
  assert.deepEqual(await hintsOf(page, 2), [
    [1, '( 0 → 3 )'],
    [2, '( 3 → 3 )'],
  ]);
  noProblems(problems);
  await context.close();
});

test('should the checker’s worker fail, errors are still found as you type (without hints)', async () => {
  const { context, page, problems } = await open();
  await page.evaluate(() => window.playground.checker.fail('a test stopped it'));
  await typeProgram(page, '1 2 + nope println');
  const range = page.locator('.cm-lintRange-error');
  await range.waitFor({ timeout: 5000 });
  assert.equal(await range.textContent(), 'nope');
  assert.equal(await page.locator('.cm-stack-hint').count(), 0);
  noProblems(problems);
  await context.close();
});
