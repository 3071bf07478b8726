// End-to-end tests of the playground in Chromium: the Timeline: the stack over time, checked against `svm --trace`; the stack notes; long runs; a paused debug run.
// The browser, the server, the long-task guard and budgets.json are e2e-harness.mjs's;
// the helpers that drive the page are e2e-page.mjs's.
//
//   npm --prefix web run build && node --test web/test/e2e-timeline.test.mjs

import { test } from 'node:test';
import assert from 'node:assert/strict';
import fs from 'node:fs';
import path from 'node:path';
import { pageHarness, DIST, SHOTS } from './e2e-harness.mjs';
import { waitState, setProgram, run, outputText, lineNumber, stackValues, debug, noProblems, cliTrace, timelineAt, timelineStack, printedMark, scrubTo, harnessTools, EXAMPLES } from './e2e-page.mjs';

const harness = pageHarness({ dist: DIST });
const { open } = harness;
const { axeOn } = harnessTools(harness);

test('timeline scrubbing on fib 5 shows right stacks at given steps', async () => {
  const { context, page, problems } = await open();
  const file = path.join(EXAMPLES, 'fib.svm');
  const trace = cliTrace(file, ['5']);
  const total = trace.length;
  assert.ok(total > 100, `fib 5 runs ${total} steps`);
  await setProgram(page, fs.readFileSync(file, 'utf8'), '5');
  await run(page);
  assert.equal(await outputText(page), '5\n');
  await page.click('[data-testid=timeline-toggle]');
  const timeline = page.locator('[data-testid=timeline]');
  await timeline.locator('[aria-current=step]').waitFor();
  // The last step first: `stop`, with the stack the Stack panel shows.
  assert.equal(await page.locator('[data-testid=timeline-slider]').getAttribute('max'), String(total));
  assert.equal(await timelineAt(page), `Step ${total} of ${total}: stop`);
  assert.deepEqual(await timelineStack(page), await stackValues(page));
  assert.equal(await page.locator('#timeline-sum').textContent(), `${total} steps`);
  // Steps across the run: the stack after each is the one the CLI prints before the next.
  const source = fs.readFileSync(file, 'utf8').split('\n');
  for (const step of [1, 2, 6, 7, 13, 40, 77, total - 3, total - 1]) {
    await scrubTo(page, step);
    const { instr, line, column } = trace[step - 1];
    assert.equal(await timelineAt(page), `Step ${step} of ${total}: ${instr}`);
    assert.deepEqual((await timelineStack(page)).join(' '), trace[step].stack, `the stack after step ${step}`);
    // The step's instruction is marked in the editor.
    const token = source[line - 1].slice(column - 1).split(/\s/)[0];
    assert.equal(await page.locator('.cm-timeline-step').textContent(), token, `the token of step ${step}`);
  }
  // The arrow keys: one step back and forth.
  await page.locator('[data-testid=timeline-slider]').focus();
  await page.keyboard.press('ArrowLeft');
  await page.waitForFunction((s) => document.querySelector('.timeline-at').textContent.startsWith(`Step ${s} of`), total - 2);
  assert.deepEqual((await timelineStack(page)).join(' '), trace[total - 2].stack);
  // `println` is the step before `stop`: the output is marked as printed only from it on.
  assert.equal(await printedMark(page), '');
  await page.keyboard.press('ArrowRight');
  await page.waitForFunction((s) => document.querySelector('.timeline-at').textContent.startsWith(`Step ${s} of`), total - 1);
  assert.equal(trace[total - 2].instr, 'println');
  assert.equal(await printedMark(page), '5\n');
  // Columns grow and shrink: the window around the step shows each step's depth.
  const depths = await timeline.locator('.timeline-step').evaluateAll((cols) => cols.map((c) => c.querySelectorAll('.chip').length));
  assert.ok(new Set(depths).size > 1, `depths ${depths}`);
  // With the stack notes: each line's last stack, as the CLI's trace shows it after the
  // last step of the line (line 14's `println` left the stack empty).
  await page.click('[data-testid=notes-toggle]');
  const note = page.locator('.cm-line', { hasText: /^println/ }).locator('[data-testid=stack-note]');
  assert.equal(await note.textContent(), '→ []');
  // The line of the recursion's test last left n, n and the boolean: as the trace says
  // before the next instruction after the last `not`.
  const lastNot = trace.map((t) => t.instr).lastIndexOf('not');
  const testLine = page.locator('.cm-line', { hasText: /^\s*dup dup 1 ==/ }).locator('[data-testid=stack-note]');
  assert.equal(await testLine.textContent(), `→ ${trace[lastNot + 1].stack}`);
  await scrubTo(page, 40);
  await timeline.screenshot({ path: path.join(SHOTS, 'timeline-panel.png') });
  await page.screenshot({ path: path.join(SHOTS, 'timeline.png') });
  noProblems(problems);
  await context.close();
});

test('timeline: stack notes at the end of each line, and a clicked value shows where it was pushed (light, and dark at 390 px; axe-core)', async () => {
  for (const [colorScheme, viewport] of [
    ['light', { width: 1280, height: 800 }],
    ['dark', { width: 390, height: 844 }],
  ]) {
    const { context, page, problems } = await open({ context: { viewport, colorScheme, bypassCSP: true } });
    const source = '10 3 -\ndup 2 *\n"ab" swap\n';
    await setProgram(page, source);
    await page.click('[data-testid=notes-toggle]');
    assert.equal(await page.locator('[data-testid=notes-toggle]').getAttribute('aria-pressed'), 'true');
    await run(page);
    const notes = page.locator('[data-testid=stack-note]');
    await notes.nth(2).waitFor();
    assert.deepEqual(await notes.allTextContents(), ['→ 7', '→ 7 14', '→ 7 "ab" 14']);
    // Each note is at the end of its line.
    const lines = await page.locator('.cm-line').evaluateAll((ls) => ls.map((l) => l.querySelector('.cm-stack-note')?.textContent ?? null));
    assert.deepEqual(lines.slice(0, 3), ['→ 7', '→ 7 14', '→ 7 "ab" 14']);
    // Clicking a value: its step and token. 14 was made by `*` (step 6), and only moved by `swap`.
    await page.click('[data-testid=timeline-toggle]');
    await page.locator('[data-testid=timeline] [aria-current=step]').waitFor();
    assert.equal(await timelineAt(page), 'Step 8 of 8: swap');
    await page.locator('[data-testid=timeline] [aria-current=step] .chip', { hasText: '14' }).click();
    const origin = page.locator('[data-testid=timeline-origin]');
    assert.equal(await origin.textContent(), '14 pushed at step 6 by `*`, line 2, column 7 Go to step 6');
    assert.equal(await page.locator('.cm-timeline-origin').textContent(), '*');
    await page.locator('[data-testid=timeline] [aria-current=step] .chip', { hasText: '7' }).click();
    assert.match(await origin.textContent(), /^7 pushed at step 3 by `-`, line 1, column 6/);
    assert.equal(await page.locator('.cm-timeline-origin').textContent(), '-');
    const narrow = viewport.width < 500;
    await page.locator('#timeline-panel').scrollIntoViewIfNeeded();
    await page.screenshot({ path: path.join(SHOTS, narrow ? 'timeline-mobile-dark.png' : 'timeline-notes.png') });
    // axe-core: the panel, its chips and the notes (colours included).
    const axe = await axeOn(page, colorScheme);
    await axe.check('the timeline with the stack notes and a value\'s origin');
    await axe.done();
    await origin.getByRole('button', { name: 'Go to step 3' }).click();
    await page.waitForFunction(() => document.querySelector('.timeline-at').textContent.startsWith('Step 3 of 8'));
    assert.deepEqual(await timelineStack(page), ['7']);
    // Notes off: gone.
    await page.click('[data-testid=notes-toggle]');
    assert.equal(await notes.count(), 0);
    await page.click('[data-testid=notes-toggle]');
    await notes.nth(2).waitFor();
    if (narrow) {
      const scroll = await page.evaluate(() => document.documentElement.scrollWidth - document.documentElement.clientWidth);
      assert.ok(scroll <= 0, `horizontal scroll of ${scroll} px`);
    }
    noProblems(problems);
    await context.close();
  }
});

test('timeline: a run longer than the record keeps its first and last steps and says what was left out', async () => {
  const { context, page, problems } = await open();
  // 1 + 25,000 × 9 + 1 steps: more than twice the 10,000 steps kept at each end.
  await setProgram(page, '0 l: 1 + dup 25000 < l end if jmp\nend: println\n');
  await run(page);
  await page.click('[data-testid=timeline-toggle]');
  await page.locator('[data-testid=timeline] [aria-current=step]').waitFor();
  const total = 1 + 25_000 * 9 + 1;
  assert.equal(await page.locator('#timeline-sum').textContent(), `${total.toLocaleString('en-US')} steps, 20,000 kept`);
  assert.equal(
    await page.locator('.timeline-gap').textContent(),
    `Steps 10,001–${(total - 10_000).toLocaleString('en-US')} are left out (${(total - 20_000).toLocaleString('en-US')} steps): the first and the last 10,000 steps of a run are kept.`,
  );
  // The slider jumps over the steps left out: the last of the first part, then the first of the last.
  await scrubTo(page, 10_000);
  await page.locator('[data-testid=timeline-slider]').focus();
  await page.keyboard.press('ArrowRight');
  await page.waitForFunction((s) => document.querySelector('.timeline-at').textContent.startsWith(`Step ${s} of`), (total - 9_999).toLocaleString('en-US'));
  // A run of more than 50,000,000 steps is replayed only when asked.
  await setProgram(page, '0 l: 1 + dup 6000000 < l end if jmp\nend: println\n');
  await run(page);
  const long = page.locator('[data-testid=timeline-msg]');
  await long.getByRole('button', { name: 'Replay it' }).waitFor();
  assert.match(await long.textContent(), /^The run took 54,000,002 steps\. Its steps are read by replaying it with each one recorded, which takes about 11 s\./);
  noProblems(problems);
  await context.close();
});

test('timeline: a paused debug run shows its steps so far, and follows each step', async () => {
  const { context, page, problems } = await open();
  // 2,700,001 steps before the breakpoint: each replay takes a while, so that a step comes
  // while the answer for the previous one is still on its way.
  await setProgram(page, '0 l: 1 + dup 300000 < l end if jmp\nend: 3 *\nprintln\n');
  await lineNumber(page, 2).click();
  await run(page, ['paused']);
  await page.click('[data-testid=timeline-toggle]');
  const at = (text) => page.waitForFunction((t) => document.querySelector('.timeline-at')?.textContent === t, text, { timeout: 60_000 });
  await at('Step 2,700,001 of 2,700,001: jmp');
  assert.deepEqual(await timelineStack(page), ['300000']);
  // Two steps, the second while the first one's replay goes on: the panel ends at the last.
  await page.click('[data-testid=step]');
  await page.click('[data-testid=step]');
  await at('Step 2,700,003 of 2,700,003: *');
  assert.deepEqual(await timelineStack(page), ['900000']);
  await page.click('[data-testid=continue]');
  await waitState(page, 'halted');
  await at('Step 2,700,004 of 2,700,004: println');
  assert.equal(await printedMark(page), '900000\n');
  noProblems(problems);
  await context.close();
});
