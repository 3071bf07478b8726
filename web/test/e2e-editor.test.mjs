// End-to-end tests of the playground in Chromium: the editor's help (diagnostics while typing, hover, completion) and Format.
// The browser, the server, the long-task guard and budgets.json are e2e-harness.mjs's;
// the helpers that drive the page are e2e-page.mjs's.
//
//   npm --prefix web run build && node --test web/test/e2e-editor.test.mjs

import { test } from 'node:test';
import assert from 'node:assert/strict';
import path from 'node:path';
import { pageHarness, DIST, SHOTS } from './e2e-harness.mjs';
import { status, stateOf, waitState, setProgram, run, editorText, outputText, selectedText, breakpoints, noProblems, typeProgram } from './e2e-page.mjs';

const harness = pageHarness({ dist: DIST });
const { open, figures } = harness;

test('a compile error shows while typing; hover help; Ctrl+Enter runs', async () => {
  const { context, page, problems } = await open();
  await page.click('.cm-content');
  await page.keyboard.press('Control+A');
  await page.keyboard.press('Delete');
  await page.keyboard.type('1 2 + nope println');
  const range = page.locator('.cm-lintRange-error');
  await range.waitFor({ timeout: 5000 });
  assert.equal(await range.textContent(), 'nope');
  await range.hover();
  const tip = page.locator('.cm-tooltip-lint');
  await tip.waitFor();
  assert.match(await tip.textContent(), /undefined label `nope`/);
  // Hovering an operation shows its stack effect and description.
  await page.mouse.move(0, 0);
  await page.locator('.cm-content span', { hasText: /^println$/ }).hover();
  const help = page.locator('.hover-op');
  await help.waitFor();
  assert.match(await help.textContent(), /println.*\( a -- \).*Prints a value and a newline/s);
  // Fixing it clears the diagnostic, without running.
  await page.keyboard.press('Control+A');
  await page.keyboard.type('1 2 + println');
  await range.waitFor({ state: 'detached', timeout: 5000 });
  assert.notEqual(await stateOf(page), 'running');
  // Ctrl+Enter in the editor runs the program (and inserts no line break).
  await page.keyboard.press('Control+Enter');
  await waitState(page, 'halted');
  assert.equal(await outputText(page), '3\n');
  assert.equal(await editorText(page), '1 2 + println');
  noProblems(problems);
  await context.close();
});

test('completion offers println for pri, and the labels; a did-you-mean fix replaces the word', async () => {
  const { context, page, problems } = await open();
  await typeProgram(page, 'loop: 1 pri');
  const list = page.locator('.cm-tooltip-autocomplete');
  await list.waitFor({ timeout: 5000 });
  const println = list.locator('li', { hasText: /^.?println/ });
  await println.waitFor();
  assert.match(await println.textContent(), /println\s*\( a -- \)/);
  await page.screenshot({ path: path.join(SHOTS, 'completion.png') });
  await println.click();
  assert.equal(await editorText(page), 'loop: 1 println');
  // Tab takes the selected option.
  await page.keyboard.type(' printl');
  await list.locator('li[aria-selected]', { hasText: 'println' }).waitFor();
  await page.waitForTimeout(100); // keys are not taken for 75 ms after the list changed (interactionDelay)
  await page.keyboard.press('Tab');
  assert.equal(await editorText(page), 'loop: 1 println println');
  // Ctrl+Space offers the program's labels.
  await page.keyboard.type(' lo');
  await page.keyboard.press('Escape');
  await page.keyboard.press('Control+Space');
  const loop = list.locator('li', { hasText: /^.?loop\s*label/ });
  await loop.waitFor({ timeout: 5000 });
  await page.keyboard.press('Escape');
  // Enter on a word typed in full is a line break, not a completion.
  await typeProgram(page, '1 print');
  await page.keyboard.press('Control+Space');
  await list.waitFor();
  await page.waitForTimeout(100);
  await page.keyboard.press('Enter');
  assert.equal(await editorText(page), '1 print\n');
  // A misspelt operation: the diagnostic's button puts the word it suggests.
  await typeProgram(page, '1 prinln 2');
  const range = page.locator('.cm-lintRange-error');
  await range.waitFor({ timeout: 5000 });
  await range.hover();
  const fix = page.locator('.cm-tooltip-lint button', { hasText: 'Replace with println' });
  await fix.waitFor();
  await fix.click();
  assert.equal(await editorText(page), '1 println 2');
  await range.waitFor({ state: 'detached', timeout: 5000 });
  noProblems(problems);
  await context.close();
});

test('Format: the layout of svm fmt, one undoable change; lexical errors leave the text', async () => {
  const { context, page, problems } = await open();
  const messy = '# sum and print\nsq:  dup *   return\n\n\n\nmain:   3 sq call  println   # 9\n   "a  b"   println stop';
  // What `svm fmt` prints for it.
  const formatted = '# sum and print\nsq:\n    dup * return\n\nmain:\n    3 sq call println        # 9\n    "a  b" println stop\n';
  await setProgram(page, messy);
  // The cursor on `println` of line 6 stays on it.
  await page.evaluate((at) => window.playground.editor.view.dispatch({ selection: { anchor: at } }), messy.indexOf('println'));
  await page.click('[data-testid=format]');
  await page.waitForFunction((f) => window.playground.editor.text() === f, formatted);
  assert.match(await status(page).textContent(), /Formatted/);
  const head = await page.evaluate(() => window.playground.editor.view.state.selection.main.head);
  assert.equal(head, formatted.indexOf('println'));
  // Ctrl+Z brings back the text as it was, in one step; Ctrl+Y formats it again.
  await page.locator('.cm-content').press('Control+z');
  assert.equal(await editorText(page), messy);
  await page.locator('.cm-content').press('Control+y');
  assert.equal(await editorText(page), formatted);
  // Typing just before Format: Ctrl+Z undoes the Format alone, the typing stays.
  await setProgram(page, messy);
  await page.locator('.cm-content').click();
  await page.keyboard.press('Control+End');
  await page.keyboard.type(' drop');
  await page.locator('.cm-content').press('Shift+Alt+F');
  await page.waitForFunction((f) => window.playground.editor.text() === f, formatted.replace(/\n$/, ' drop\n'));
  await page.locator('.cm-content').press('Control+z');
  assert.equal(await editorText(page), `${messy} drop`);
  await page.locator('.cm-content').press('Control+y');
  // Typing just after Format, next to a change it made: Ctrl+Z undoes the typing alone.
  await page.locator('.cm-content').press('Control+z');
  await page.evaluate((at) => window.playground.editor.view.dispatch({ selection: { anchor: at } }), messy.indexOf('dup'));
  await page.locator('.cm-content').press('Shift+Alt+F');
  await page.waitForFunction((f) => window.playground.editor.text() === f, formatted.replace(/\n$/, ' drop\n'));
  await page.keyboard.type('x');
  assert.equal(await editorText(page), formatted.replace(/\n$/, ' drop\n').replace('dup', 'xdup'));
  await page.locator('.cm-content').press('Control+z');
  assert.equal(await editorText(page), formatted.replace(/\n$/, ' drop\n'));
  // Again: nothing to do.
  await page.click('[data-testid=format]');
  await page.waitForFunction(() => /Already formatted/.test(document.querySelector('[data-testid=status]').textContent));

  // Shift+Alt+F, from the editor.
  await setProgram(page, 'a: 1 2 +   println');
  await page.locator('.cm-content').press('Shift+Alt+F');
  await page.waitForFunction(() => window.playground.editor.text() === 'a:\n    1 2 + println\n');

  // An unterminated string: the text stays, the error is shown as a run shows it.
  const broken = '1 2 +   println\n"abc println\n';
  await setProgram(page, broken);
  await page.click('[data-testid=format]');
  await page.waitForFunction(() => /Not formatted/.test(document.querySelector('[data-testid=status]').textContent));
  const errors = await page.locator('[data-testid=error]').textContent();
  assert.match(errors, /1 compile error/);
  assert.match(errors, /unterminated string/);
  assert.match(errors, /line 2, column 1/);
  assert.equal(await editorText(page), broken);
  // Its position follows edits, and selects the string's quote.
  await page.evaluate(() => window.playground.editor.view.dispatch({ changes: { from: 0, insert: '\n' } }));
  // The error has two links: the string's start (line 2, column 1) and, in a note, the end
  // of the text (line 3, column 1). Wait until both moved (the note's to line 4), or the
  // link found by "line 3, column 1" can still be the note's, which selects the end.
  await page.waitForFunction(() => /line 3, column 1.*line 4, column 1/s.test(document.querySelector('[data-testid=error]').textContent));
  await page.locator('[data-testid=error] button.link', { hasText: 'line 3, column 1' }).click();
  assert.equal(await selectedText(page), '"');

  // A huge program is formatted in the worker; the page is not blocked (the long-task guard).
  // (26,000 lines: over the 512 KiB up to which the editor checks the program as you type.)
  const huge = 'loop:   1   2 +  drop\n'.repeat(26_000);
  await setProgram(page, huge);
  // The cursor on the last `drop` and a breakpoint on line 20,000 stay where they were,
  // though the changes are merged.
  await page.evaluate((at) => window.playground.editor.view.dispatch({ selection: { anchor: at } }), huge.indexOf('2 +', 13_000 * 22));
  await page.evaluate(() => window.playground.editor.setBreakpoints([20_000]));
  const t0 = Date.now();
  await page.click('[data-testid=format]');
  await page.waitForFunction(() => window.playground.editor.text().startsWith('loop:\n    1 2 + drop\n'), null, { timeout: 30_000 });
  figures.format_26000_lines_ms = Date.now() - t0;
  assert.equal(await editorText(page), 'loop:\n    1 2 + drop\n'.repeat(26_000));
  const after = await page.evaluate(() => {
    const { state } = window.playground.editor.view;
    const head = state.selection.main.head;
    return { at: state.sliceDoc(head, head + 3), line: state.doc.lineAt(head).number, breakpoints: window.playground.editor.breakpoints() };
  });
  assert.deepEqual([after.at, after.line], ['2 +', 26_002]);
  assert.deepEqual(after.breakpoints, [39_999]);
  noProblems(problems);
  await context.close();
});

test('Format: a Format that succeeds takes away the errors of an earlier one that failed', async () => {
  const { context, page, problems } = await open();
  await setProgram(page, '1 2 + println\n"oops\n');
  await page.click('[data-testid=format]');
  await page.waitForFunction(() => /Not formatted/.test(document.querySelector('[data-testid=status]').textContent));
  const errors = page.locator('[data-testid=error]');
  assert.match(await errors.textContent(), /line 2, column 1.*unterminated string/s);
  // The closing quote typed: formatted, and the error is gone.
  await page.click('.cm-content');
  await page.keyboard.press('Control+End');
  await page.keyboard.press('ArrowUp');
  await page.keyboard.press('End');
  await page.keyboard.type('"');
  assert.equal(await editorText(page), '1 2 + println\n"oops"\n');
  await page.click('[data-testid=format]');
  await page.waitForFunction(() => /Formatted|Already formatted/.test(document.querySelector('[data-testid=status]').textContent));
  assert.equal(await errors.textContent(), '');
  // Again after "Already formatted".
  await setProgram(page, '"oops\n');
  await page.click('[data-testid=format]');
  await page.waitForFunction(() => /Not formatted/.test(document.querySelector('[data-testid=status]').textContent));
  assert.match(await errors.textContent(), /unterminated string/);
  await setProgram(page, '1 println\n');
  await page.click('[data-testid=format]');
  await page.waitForFunction(() => /Already formatted/.test(document.querySelector('[data-testid=status]').textContent));
  assert.equal(await errors.textContent(), '');
  noProblems(problems);
  await context.close();
});
