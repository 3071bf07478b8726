// End-to-end tests of the playground in Chromium: the debugger: breakpoints, Step, Step over, Step out, Step back, Pause, the call stack, positions that follow edits, on a phone.
// The browser, the server, the long-task guard and budgets.json are e2e-harness.mjs's;
// the helpers that drive the page are e2e-page.mjs's.
//
//   npm --prefix web run build && node --test web/test/e2e-debugger.test.mjs

import { test } from 'node:test';
import assert from 'node:assert/strict';
import path from 'node:path';
import { pageHarness, DIST, SHOTS } from './e2e-harness.mjs';
import { status, stateOf, waitState, setProgram, run, outputText, selectedText, lineNumber, breakpoints, pausedToken, frameNames, stackValues, lineOf, debug, recordRunMessages, noProblems } from './e2e-page.mjs';

const harness = pageHarness({ dist: DIST });
const { open } = harness;

test('the debugger: a breakpoint in the recursive fib, step in, out, over and back, to the end', async () => {
  const { context, page, problems } = await open();
  const sent = await recordRunMessages(page);
  await page.selectOption('[data-testid=examples]', 'fib');
  assert.equal(await page.inputValue('[data-testid=args]'), '10');
  const enabled = async () =>
    Object.fromEntries(
      await Promise.all(
        ['continue', 'pause', 'step', 'step-over', 'step-out', 'step-back'].map(async (id) => [id, await page.locator(`[data-testid=${id}]`).isEnabled()]),
      ),
    );
  // Before a run: Continue, Step and Step over start one; nothing to pause, leave or undo.
  assert.deepEqual(await enabled(), { continue: true, pause: false, step: true, 'step-over': true, 'step-out': false, 'step-back': false });
  // Shortcuts are in the tooltips.
  assert.match(await page.getAttribute('[data-testid=step-over]', 'title'), /F10/);
  assert.match(await page.getAttribute('[data-testid=step]', 'title'), /F11/);
  assert.match(await page.getAttribute('[data-testid=step-out]', 'title'), /Shift\+F11/);
  assert.match(await page.getAttribute('[data-testid=step-back]', 'title'), /Shift\+F10/);
  assert.match(await page.getAttribute('[data-testid=continue]', 'title'), /F8/);

  // A click on a line number sets a breakpoint; on a line without an instruction (a
  // comment) it goes to the next line that has one; a click on the dot removes it.
  await lineNumber(page, 19).click();
  await page.locator('.cm-breakpoint').waitFor();
  assert.deepEqual(await breakpoints(page), [19]);
  await lineNumber(page, 12).click();
  assert.deepEqual(await breakpoints(page), [13, 19]);
  await page.locator('.cm-breakpoint').first().click();
  assert.deepEqual(await breakpoints(page), [19]);

  // Run stops at the breakpoint: the next instruction is marked, the panels show the state.
  await run(page, ['paused']);
  assert.match(await status(page).textContent(), /Paused.*at a breakpoint.*line 19/);
  assert.equal(await pausedToken(page), 'dup');
  assert.match(await page.locator('.cm-paused-line').textContent(), /^\s*dup dup 1 == swap 0 == or not/);
  assert.deepEqual(await frameNames(page), ['fib']);
  assert.match(await page.locator('[data-testid=callstack]').textContent(), /fib called at line 13, column 5/);
  assert.deepEqual(await stackValues(page), ['10']);
  assert.deepEqual(await enabled(), { continue: true, pause: false, step: true, 'step-over': true, 'step-out': true, 'step-back': true });
  const runMsg = (await sent()).at(-1);
  assert.equal(runMsg.options.history, 10_000, 'a run with breakpoints records its steps');
  assert.deepEqual(runMsg.breakpoints, [19]);
  await page.screenshot({ path: path.join(SHOTS, 'desktop-debug.png') });

  // Continue (F8): the next time fib is entered, by recur.
  await debug(page, 'F8');
  assert.equal(await pausedToken(page), 'dup');
  assert.deepEqual(await frameNames(page), ['fib', 'recur', 'fib']);
  assert.deepEqual(await stackValues(page), ['10', '9']);
  // Clicking a frame shows its call.
  await page.locator('[data-testid=callstack] button', { hasText: 'recur called at line 21' }).click();
  assert.equal(await selectedText(page), 'call');
  assert.equal(await lineOf(page), 21);

  // Without the breakpoint, step (F11 and the button) to the `call` of line 21.
  await page.locator('.cm-breakpoint').click();
  assert.deepEqual(await breakpoints(page), []);
  for (let i = 0; i < 30 && !((await pausedToken(page)) === 'call' && (await lineOf(page, '.cm-paused-token')) === 21); i++) {
    await debug(page, i % 2 ? 'F11' : '[data-testid=step]');
  }
  assert.equal(await lineOf(page, '.cm-paused-token'), 21);
  // Step into the call: recur's first instruction, one frame more.
  await debug(page, '[data-testid=step]');
  assert.equal(await lineOf(page, '.cm-paused-token'), 24);
  assert.deepEqual(await frameNames(page), ['recur', 'fib', 'recur', 'fib']);
  // Step out (Shift+F11): recur ran to its return (fib 9 = 34), back in fib after the call.
  await debug(page, 'Shift+F11');
  assert.equal(await pausedToken(page), 'return');
  assert.equal(await lineOf(page, '.cm-paused-token'), 22);
  assert.deepEqual(await frameNames(page), ['fib', 'recur', 'fib']);
  assert.deepEqual(await stackValues(page), ['10', '34']);
  await debug(page, '[data-testid=step-out]');
  assert.equal(await pausedToken(page), 'swap');
  assert.deepEqual(await frameNames(page), ['recur', 'fib']);
  // Step to the `call` of line 25, then step over it (F10): fib 8 = 21 in one step.
  for (let i = 0; i < 4; i++) await debug(page, 'F11');
  assert.equal(await pausedToken(page), 'call');
  assert.deepEqual(await stackValues(page), ['34', '8', '5']);
  await debug(page, '[data-testid=step-over]');
  assert.equal(await pausedToken(page), '+');
  assert.deepEqual(await frameNames(page), ['recur', 'fib']);
  assert.deepEqual(await stackValues(page), ['34', '21']);
  // Step back (Shift+F10): into the return of the call just stepped over, then forward again.
  await debug(page, 'Shift+F10');
  assert.match(await status(page).textContent(), /stepped back/);
  assert.equal(await pausedToken(page), 'return');
  assert.deepEqual(await frameNames(page), ['fib', 'recur', 'fib']);
  await debug(page, '[data-testid=step-back]');
  assert.deepEqual(await frameNames(page), ['recur', 'fib', 'recur', 'fib']);
  await debug(page, 'F11');
  await debug(page, 'F10');
  assert.equal(await pausedToken(page), '+');
  assert.deepEqual(await stackValues(page), ['34', '21']);

  // Continue to the end; then step back over `stop` and `println`: the output goes back.
  await debug(page, '[data-testid=continue]', ['halted']);
  assert.equal(await outputText(page), '55\n');
  assert.equal(await page.locator('.cm-paused-token').count(), 0);
  assert.equal(await page.locator('[data-testid=step-back]').isEnabled(), true);
  await debug(page, '[data-testid=step-back]');
  assert.equal(await pausedToken(page), 'stop');
  assert.equal(await outputText(page), '55\n');
  await debug(page, 'Shift+F10');
  assert.equal(await pausedToken(page), 'println');
  assert.equal(await outputText(page), '');
  assert.deepEqual(await stackValues(page), ['55']);
  await debug(page, '[data-testid=continue]', ['halted']);
  assert.equal(await outputText(page), '55\n');
  assert.deepEqual(await stackValues(page), []);

  // Step with no run starts one, paused before the first instruction.
  await debug(page, 'F10');
  assert.match(await status(page).textContent(), /before the first instruction/);
  assert.equal(await pausedToken(page), 'fib');
  assert.equal((await sent()).at(-1).paused, true);
  await page.click('[data-testid=stop]');
  await waitState(page, 'stopped');
  noProblems(problems);
  await context.close();
});

test('the debugger: pause a loop, step back over its output, stop', async () => {
  const { context, page, problems } = await open();
  await setProgram(page, '0\nloop:\n    dup println\n    1 +\n    5 sleep_ms\n    loop jmp\n');
  // Continue with no run starts a run that records its steps.
  await page.click('[data-testid=continue]');
  await page.waitForFunction(() => document.querySelector('[data-testid=output]').textContent.split('\n').length > 10);
  assert.equal(await page.locator('[data-testid=pause]').isEnabled(), true);
  await debug(page, '[data-testid=pause]');
  const out = await outputText(page);
  const lines = out.split('\n').slice(0, -1);
  assert.deepEqual(lines.slice(0, 3), ['0', '1', '2']);
  assert.equal(await page.locator('[data-testid=callstack] .cs-here').count(), 1);
  // Step back until a `println` is undone: exactly its line leaves the output.
  let now = out;
  for (let i = 0; i < 8 && now === out; i++) {
    await debug(page, '[data-testid=step-back]');
    now = await outputText(page);
  }
  assert.equal(now, lines.slice(0, -1).join('\n') + '\n');
  assert.equal(await pausedToken(page), 'println');
  assert.deepEqual(await stackValues(page), [lines.at(-1), lines.at(-1)]);
  // Step forward prints it again.
  await debug(page, 'F11');
  assert.equal(await outputText(page), out);
  // Pause and Continue with F8. (The loop sleeps 5 ms a round, so it is seen running or
  // sleeping.)
  await page.keyboard.press('F8');
  await waitState(page, ['running', 'sleeping']);
  await debug(page, 'F8');
  assert.ok((await outputText(page)).length > out.length);
  await page.click('[data-testid=stop]');
  await waitState(page, 'stopped');
  assert.equal(await page.locator('.cm-paused-token').count(), 0);
  noProblems(problems);
  await context.close();
});

test('the debugger: a breakpoint ends a step over or out; every pause says why', async () => {
  const { context, page, problems } = await open();
  // The program of the report: Step twice, a breakpoint on line 5, Step over.
  await setProgram(page, 'f call "after f" println\nf call "after f 2" println\nstop\nf:\n"in f" println\nreturn\n');
  await debug(page, '[data-testid=step]');
  assert.match(await status(page).textContent(), /Paused.*before the first instruction · line 1/);
  await debug(page, '[data-testid=step]');
  assert.match(await status(page).textContent(), /Paused.*after one step · line 1/);
  assert.equal(await pausedToken(page), 'call');
  await lineNumber(page, 5).click();
  assert.deepEqual(await breakpoints(page), [5]);
  await debug(page, '[data-testid=step-over]');
  assert.match(await status(page).textContent(), /Paused.*at a breakpoint \(it ended the step over\) · line 5/);
  assert.deepEqual(await frameNames(page), ['f']);
  // Without the breakpoint, Continue runs to the end: the step over is not waiting.
  await lineNumber(page, 5).click();
  assert.deepEqual(await breakpoints(page), []);
  await debug(page, '[data-testid=continue]', ['halted', 'paused']);
  assert.equal(await stateOf(page), 'halted', await status(page).textContent());
  assert.equal(await outputText(page), 'in f\nafter f\nin f\nafter f 2\n');
  // A step over that ends normally says so.
  await debug(page, '[data-testid=step]');
  await debug(page, '[data-testid=step]');
  await debug(page, '[data-testid=step-over]');
  assert.match(await status(page).textContent(), /Paused.*stepped over the call · line 1/);
  assert.equal(await pausedToken(page), '"after f"');
  await page.click('[data-testid=stop]');
  await waitState(page, 'stopped');

  // fib: a breakpoint on the body of recur, Run, Step out (met again by the recursion),
  // remove the breakpoint, Continue: to the end.
  await page.selectOption('[data-testid=examples]', 'fib');
  await lineNumber(page, 24).click();
  await run(page, ['paused']);
  assert.match(await status(page).textContent(), /at a breakpoint · line 24/);
  assert.deepEqual(await frameNames(page), ['recur', 'fib']);
  await debug(page, '[data-testid=step-out]');
  assert.match(await status(page).textContent(), /at a breakpoint \(it ended the step out\) · line 24/);
  assert.deepEqual(await frameNames(page), ['recur', 'fib', 'recur', 'fib']);
  await page.locator('.cm-breakpoint').click();
  assert.deepEqual(await breakpoints(page), []);
  await debug(page, '[data-testid=continue]', ['halted', 'paused']);
  assert.equal(await stateOf(page), 'halted', await status(page).textContent());
  assert.equal(await outputText(page), '55\n');
  // Step out that ends normally, and Pause, say so too.
  await setProgram(page, 'f call\nstop\nf:\n1 drop\nloop:\n5 sleep_ms\nloop jmp\n');
  await lineNumber(page, 4).click();
  await run(page, ['paused']);
  await page.click('[data-testid=continue]');
  await waitState(page, ['running', 'sleeping']);
  await debug(page, '[data-testid=pause]');
  assert.match(await status(page).textContent(), /Paused.*paused with Pause · line [67]/);
  await page.click('[data-testid=stop]');
  await waitState(page, 'stopped');
  await setProgram(page, 'f call\n"back" println\nstop\nf:\n1 drop\nreturn\n');
  await lineNumber(page, 5).click();
  await run(page, ['paused']);
  await debug(page, '[data-testid=step-out]');
  assert.match(await status(page).textContent(), /Paused.*stepped out of the call · line 2/);
  await page.click('[data-testid=stop]');
  await waitState(page, 'stopped');
  noProblems(problems);
  await context.close();
});

test('a pause 60,000 calls deep: the call stack shows the innermost and outermost calls', async () => {
  const { context, page, problems } = await open();
  await setProgram(page, '30000 f call\nstop\nf:\n    dup 0 == base rec if call\n    return\nrec:\n    1 - f call\n    return\nbase:\n    return\n');
  await lineNumber(page, 10).click();
  await run(page, ['paused']);
  assert.match(await status(page).textContent(), /at a breakpoint · line 10/);
  const callstack = page.locator('[data-testid=callstack]');
  assert.equal(await callstack.locator('li').count(), 1 + 10 + 1 + 10 + 1);
  assert.match(await callstack.textContent(), /… 59,982 calls left out/);
  const names = await frameNames(page);
  assert.deepEqual([names.length, names[0], names[1], names.at(-1)], [20, 'base', 'f', 'f']);
  await page.locator('.cm-breakpoint').click();
  await debug(page, '[data-testid=continue]', ['halted']);
  noProblems(problems);
  await context.close();
});

test('positions of a paused or failed run follow edits of the program', async () => {
  const { context, page, problems } = await open();
  await page.selectOption('[data-testid=examples]', 'fib');
  await lineNumber(page, 19).click();
  await run(page, ['paused']);
  await debug(page, 'F8'); // the next call of fib, from recur (line 24)
  const callstack = page.locator('[data-testid=callstack]');
  const stale = page.locator('[data-testid=status] .stale');
  assert.equal(await stale.isVisible(), false);
  assert.match(await status(page).textContent(), /at a breakpoint · line 19 ·/);
  assert.match(await callstack.textContent(), /next: line 19, column 5.*fib called at line 24, column 17.*recur called at line 21, column 5.*fib called at line 13, column 5/s);
  // Three lines at the top.
  await page.click('.cm-content');
  await page.keyboard.press('Control+Home');
  await page.keyboard.type('# one\n# two\n# three\n');
  await stale.waitFor({ state: 'visible' });
  assert.match(await stale.textContent(), /edited since this run/);
  // (The positions are brought up to date at the next frame.)
  await page.waitForFunction(() => / · line 22 · /.test(document.querySelector('[data-testid=status]').textContent));
  assert.match(await status(page).textContent(), /at a breakpoint · line 22 ·/);
  assert.match(await callstack.textContent(), /next: line 22, column 5.*fib called at line 27, column 17.*recur called at line 24, column 5.*fib called at line 16, column 5/s);
  assert.equal(await lineOf(page, '.cm-paused-token'), 22);
  // Every link goes to the right token.
  await callstack.getByRole('button', { name: 'fib called at line 27, column 17' }).click();
  assert.deepEqual([await selectedText(page), await lineOf(page)], ['call', 27]);
  await callstack.getByRole('button', { name: 'recur called at line 24, column 5' }).click();
  assert.deepEqual([await selectedText(page), await lineOf(page)], ['call', 24]);
  await callstack.getByRole('button', { name: 'next: line 22, column 5' }).click();
  assert.deepEqual([await selectedText(page), await lineOf(page)], ['dup', 22]);
  // A token edited away says so.
  await page.keyboard.press('Delete');
  await page.keyboard.type('DUP');
  await callstack.getByRole('button', { name: 'next: line 22, column 5 (edited)' }).waitFor();
  await page.keyboard.press('Control+z');
  await page.click('[data-testid=stop]');
  await waitState(page, 'stopped');

  // A runtime error: the Errors panel's positions follow too.
  await setProgram(page, '"before" println\n10 0 divide call\nstop\ndivide:\n    / return\n');
  await run(page);
  const error = page.locator('[data-testid=error]');
  assert.match(await error.textContent(), /at line 5, column 5.*in divide \(called at line 2, column 13\)/s);
  await page.click('.cm-content');
  await page.keyboard.press('Control+Home');
  await page.keyboard.type('# one\n# two\n# three\n');
  await stale.waitFor({ state: 'visible' });
  await page.waitForFunction(() => /at line 8,/.test(document.querySelector('[data-testid=error]').textContent));
  assert.match(await error.textContent(), /at line 8, column 5.*in divide \(called at line 5, column 13\)/s);
  await error.getByRole('button', { name: 'line 8, column 5' }).click();
  assert.deepEqual([await selectedText(page), await lineOf(page)], ['/', 8]);
  await error.getByRole('button', { name: /in divide/ }).click();
  assert.deepEqual([await selectedText(page), await lineOf(page)], ['call', 5]);
  // A new run matches the text again.
  await run(page);
  assert.equal(await stale.isVisible(), false);
  assert.match(await error.textContent(), /at line 8, column 5/);
  noProblems(problems);
  await context.close();
});

test('a phone: at a breakpoint the paused line and the Step buttons are on screen', async () => {
  for (const colorScheme of ['light', 'dark']) {
    const { context, page, problems } = await open({
      context: { viewport: { width: 390, height: 844 }, deviceScaleFactor: 2, isMobile: true, hasTouch: true, colorScheme },
    });
    await page.selectOption('[data-testid=examples]', 'fib');
    await lineNumber(page, 19).click();
    assert.deepEqual(await breakpoints(page), [19]);
    await run(page, ['paused']);
    /** The element's box is inside the viewport, and no other element covers its middle. */
    const onScreen = (selector) =>
      page.waitForFunction(
        (sel) => {
          const find = (root) => root.querySelector(sel) || [...root.querySelectorAll('*')].map((e) => e.shadowRoot && find(e.shadowRoot)).find(Boolean);
          const el = find(document);
          if (!el) return false;
          const r = el.getBoundingClientRect();
          if (r.top < 0 || r.bottom > innerHeight || r.left < 0 || r.right > innerWidth) return false;
          let hit = document.elementFromPoint(r.left + r.width / 2, r.top + r.height / 2);
          while (hit && hit.shadowRoot && hit.shadowRoot.elementFromPoint) {
            const inner = hit.shadowRoot.elementFromPoint(r.left + r.width / 2, r.top + r.height / 2);
            if (!inner || inner === hit) break;
            hit = inner;
          }
          return Boolean(hit) && (el === hit || el.contains(hit) || hit.contains(el));
        },
        selector,
        { timeout: 3000 },
      );
    // Smooth scrolling may still be under way: wait for both to be seen.
    await onScreen('.cm-paused-token');
    await onScreen('[data-testid=step]');
    await page.screenshot({ path: path.join(SHOTS, `mobile-paused${colorScheme === 'dark' ? '-dark' : ''}.png`) });
    // Down at the Call stack, the controls are still at hand, and stepping works there.
    await page.locator('[data-testid=callstack]').scrollIntoViewIfNeeded();
    await onScreen('[data-testid=callstack]');
    await onScreen('[data-testid=step]');
    await page.screenshot({ path: path.join(SHOTS, `mobile-paused-callstack${colorScheme === 'dark' ? '-dark' : ''}.png`) });
    await debug(page, '[data-testid=step]');
    assert.match(await status(page).textContent(), /after one step · line 19/);
    // Continue: the run ends, and the controls leave the screen's edge.
    await page.locator('.cm-breakpoint').click();
    await debug(page, '[data-testid=continue]', ['halted']);
    assert.equal(await outputText(page), '55\n');
    noProblems(problems);
    await context.close();
  }
});

test('a breakpoint marker bigger than a dot, not the red of a compile error', async () => {
  const { context, page, problems } = await open({ context: { viewport: { width: 1366, height: 900 } } });
  // A breakpoint beside a compile error: bigger than a dot, and not the error's red.
  await setProgram(page, 'nope\n1 println\n');
  await page.locator('.cm-lint-marker-error').waitFor();
  await lineNumber(page, 1).click();
  const marker = await page.locator('.cm-breakpoint').evaluate((el) => {
    const r = el.getBoundingClientRect();
    return { w: r.width, h: r.height, bg: getComputedStyle(el).backgroundColor };
  });
  assert.ok(marker.w >= 12 && marker.h >= 12, JSON.stringify(marker));
  const [r, g, b] = marker.bg.match(/\d+/g).map(Number);
  assert.ok(b > r + 80 && b > g, `the breakpoint is blue, not red: ${marker.bg}`);
  noProblems(problems);
  await context.close();
});

test('a paused run can still be stopped after an example was loaded over it', async () => {
  const { context, page, problems } = await open();
  await setProgram(page, '1 println\n2 println\n');
  await page.click('[data-testid=step]');
  await waitState(page, 'paused');
  await page.selectOption('[data-testid=examples]', 'fib');
  assert.match(await status(page).textContent(), /Example fib loaded/);
  // The run is still paused: Continue would go on with it, and Stop ends it.
  assert.equal(await page.locator('[data-testid=continue]').isEnabled(), true);
  assert.equal(await page.locator('[data-testid=stop]').isEnabled(), true);
  await page.click('[data-testid=stop]');
  await waitState(page, 'stopped');
  assert.match(await outputText(page), /\[stopped\]/);
  noProblems(problems);
  await context.close();
});
