// End-to-end tests of the playground in Chromium: the program, its arguments, input and breakpoints kept; examples and undo; My programs, export, import, a full storage.
// The browser, the server, the long-task guard and budgets.json are e2e-harness.mjs's;
// the helpers that drive the page are e2e-page.mjs's.
//
//   npm --prefix web run build && node --test web/test/e2e-programs.test.mjs

import { test } from 'node:test';
import assert from 'node:assert/strict';
import fs from 'node:fs';
import path from 'node:path';
import { pageHarness, DIST, SHOTS } from './e2e-harness.mjs';
import { status, waitState, setProgram, run, editorText, outputText, lineNumber, breakpoints, stackValues, noProblems, typeProgram, storedProgram, lessonFile, tourPanel, programsPanel, programNames, programRow, saved, harnessTools } from './e2e-page.mjs';

const harness = pageHarness({ dist: DIST });
const { open, ready } = harness;
const { openTab } = harnessTools(harness);

test('reload keeps the program', async () => {
  const { context, page, problems } = await open();
  await page.click('.cm-content');
  await page.keyboard.press('Control+A');
  await page.keyboard.type('"kept after reload" println # typed');
  await page.fill('[data-testid=args]', '42');
  await page.fill('[data-testid=stdin]', 'a line');
  await page.reload();
  await ready(page);
  assert.equal(await editorText(page), '"kept after reload" println # typed');
  assert.equal(await page.inputValue('[data-testid=args]'), '42');
  assert.equal(await page.inputValue('[data-testid=stdin]'), 'a line');
  noProblems(problems);
  await context.close();
});

test('arguments: an example brings its own or none; they show beside Run and in the status', async () => {
  const { context, page, problems } = await open({ context: { viewport: { width: 1366, height: 800 } } });
  const chip = page.locator('[data-testid=args-chip]');
  assert.equal(await chip.isVisible(), false, 'no arguments, nothing beside Run');

  await page.selectOption('[data-testid=examples]', 'gcd');
  assert.equal(await page.inputValue('[data-testid=args]'), '1071 462');
  assert.equal(await chip.innerText(), 'with arguments: 1071 462');
  // An example without arguments or input clears them.
  await page.fill('[data-testid=stdin]', 'left over');
  await page.selectOption('[data-testid=examples]', 'hello');
  assert.equal(await page.inputValue('[data-testid=args]'), '');
  assert.equal(await page.inputValue('[data-testid=stdin]'), '');
  assert.equal(await chip.isVisible(), false);

  // fib, then a program of one's own typed over it: the 10 is still pushed, and says so.
  await page.selectOption('[data-testid=examples]', 'fib');
  await typeProgram(page, '"mine" println');
  assert.equal(await chip.isVisible(), true);
  assert.equal(await chip.innerText(), 'with arguments: 10');
  await run(page);
  assert.equal(await outputText(page), 'mine\n');
  assert.deepEqual(await stackValues(page), ['10']);
  assert.match(await status(page).textContent(), /ran with arguments: 10/);
  // The chip leads to the field; emptied, the chip and the note go.
  await chip.click();
  assert.ok(await page.locator('[data-testid=args]').evaluate((el) => el === document.activeElement));
  await page.keyboard.press('Delete');
  assert.equal(await chip.isVisible(), false);
  await run(page);
  assert.doesNotMatch(await status(page).textContent(), /arguments/);
  assert.deepEqual(await stackValues(page), []);
  noProblems(problems);
  await context.close();
});

test('undo after choosing an example brings back the program, its arguments, input and breakpoints', async () => {
  const { context, page, problems } = await open();
  const mine = '"one" println\nread println\n';
  await setProgram(page, mine, '7 "x"', 'a line\n');
  await lineNumber(page, 2).click();
  assert.deepEqual(await breakpoints(page), [2]);
  await page.selectOption('[data-testid=examples]', 'fib');
  assert.equal(await page.inputValue('[data-testid=args]'), '10');
  assert.equal(await page.inputValue('[data-testid=stdin]'), '');
  assert.deepEqual(await breakpoints(page), []);
  await page.keyboard.press('Control+z');
  assert.equal(await editorText(page), mine);
  assert.equal(await page.inputValue('[data-testid=args]'), '7 "x"');
  assert.equal(await page.inputValue('[data-testid=stdin]'), 'a line\n');
  assert.deepEqual(await breakpoints(page), [2]);
  // The status says so when the example is loaded.
  await page.selectOption('[data-testid=examples]', 'fib');
  assert.match(await status(page).textContent(), /Ctrl\+Z.*arguments and input/);
  await page.keyboard.press('Control+z');
  // Redo goes forward again, all of it.
  await page.keyboard.press('Control+y');
  assert.match(await editorText(page), /^# Recursive Fibonacci/);
  assert.equal(await page.inputValue('[data-testid=args]'), '10');
  assert.deepEqual(await breakpoints(page), []);
  await page.keyboard.press('Control+z');
  // What the undo restored is what is saved.
  await page.reload();
  await ready(page);
  assert.equal(await editorText(page), mine);
  assert.equal(await page.inputValue('[data-testid=args]'), '7 "x"');
  assert.equal(await page.inputValue('[data-testid=stdin]'), 'a line\n');
  noProblems(problems);
  await context.close();
});

test('breakpoints are kept with the program across reloads', async () => {
  const { context, page, problems } = await open({ context: { viewport: { width: 1366, height: 900 } } });
  await setProgram(page, '1 println\n2 println\n3 println\n');
  await lineNumber(page, 3).click();
  await lineNumber(page, 1).click();
  assert.deepEqual(await breakpoints(page), [1, 3]);
  await page.reload();
  await ready(page);
  assert.deepEqual(await breakpoints(page), [1, 3]);
  await run(page, ['paused']);
  assert.match(await status(page).textContent(), /at a breakpoint.*line 1/);
  await page.click('[data-testid=stop]');
  await waitState(page, 'stopped');
  noProblems(problems);
  await context.close();
});

test('My programs: save two programs, rename, duplicate, delete with undo, open', async () => {
  const { context, page, problems } = await open();
  await typeProgram(page, '"first" println');
  await page.fill('[data-testid=args]', '1');
  await saved(page);
  const panel = await programsPanel(page);
  assert.deepEqual(await programNames(page), ['*My program']);
  // A second program: New, then type it.
  await panel.getByRole('button', { name: 'New' }).click();
  assert.equal(await editorText(page), '');
  assert.equal(await page.inputValue('[data-testid=args]'), '');
  await typeProgram(page, '"second" println');
  await saved(page);
  assert.deepEqual(await programNames(page), ['*Untitled', 'My program']);
  // Rename inline: Enter keeps the name.
  await programRow(page, 'Untitled').getByRole('button', { name: 'Rename' }).click();
  await page.keyboard.press('Control+A');
  await page.keyboard.type('Second program');
  await page.keyboard.press('Enter');
  assert.deepEqual(await programNames(page), ['*Second program', 'My program']);
  // Escape leaves the name as it was.
  await programRow(page, 'My program').getByRole('button', { name: 'Rename' }).click();
  await page.keyboard.type('nope');
  await page.keyboard.press('Escape');
  assert.deepEqual(await programNames(page), ['*Second program', 'My program']);
  // Open the first: its text and arguments; edits go to it.
  await programRow(page, 'My program').locator('.program-name').click();
  assert.equal(await editorText(page), '"first" println');
  assert.equal(await page.inputValue('[data-testid=args]'), '1');
  // Ctrl+Z does not bring the program left into the one opened.
  await page.click('.cm-content');
  await page.keyboard.press('Control+Z');
  assert.equal(await editorText(page), '"first" println');
  assert.equal(await page.inputValue('[data-testid=args]'), '1');
  await page.keyboard.press('Control+End');
  await page.keyboard.type(' # edited');
  await saved(page);
  // Duplicate the second: a copy, this tab stays where it is.
  await programRow(page, 'Second program').getByRole('button', { name: 'Duplicate' }).click();
  assert.equal((await programNames(page)).filter((n) => n.startsWith('*')).join(), '*My program');
  assert.deepEqual((await programNames(page)).map((n) => n.replace('*', '')).sort(), ['My program', 'Second program', 'Second program (copy)']);
  await page.evaluate(() => scrollTo(0, 0));
  await page.screenshot({ path: path.join(SHOTS, 'programs.png') });
  // Delete the copy, undo, delete it again.
  await programRow(page, 'Second program (copy)').getByRole('button', { name: 'Delete' }).click();
  assert.match(await page.locator('[data-testid=programs-msg]').textContent(), /“Second program \(copy\)” deleted/);
  assert.equal(await programRow(page, 'Second program (copy)').count(), 0);
  await page.locator('[data-testid=programs-msg]').getByRole('button', { name: 'Undo' }).click();
  assert.equal(await programRow(page, 'Second program (copy)').count(), 1);
  await programRow(page, 'Second program (copy)').locator('.program-name').click();
  assert.equal(await editorText(page), '"second" println');
  // Deleting the program shown opens another.
  await programRow(page, 'Second program (copy)').getByRole('button', { name: 'Delete' }).click();
  assert.equal((await programNames(page)).length, 2);
  // A reload keeps the list, the program of this tab, and the edit made in it.
  await programRow(page, 'My program').locator('.program-name').click();
  await page.reload();
  await ready(page);
  assert.equal(await editorText(page), '"first" println # edited');
  await programsPanel(page);
  assert.deepEqual((await programNames(page)).sort(), ['*My program', 'Second program']);
  // Escape closes the panel, the focus back on its button.
  await programRow(page, 'Second program').getByRole('button', { name: 'Export' }).focus();
  await page.keyboard.press('Escape');
  assert.equal(await page.locator('[data-testid=programs]').isVisible(), false);
  assert.equal(await page.evaluate(() => document.activeElement.id), 'programs-toggle');
  noProblems(problems);
  await context.close();
});

test('My programs: two tabs editing the same program get a conflict; on different programs, none', async () => {
  const { context, page: a, problems } = await open();
  await typeProgram(a, '"one" println');
  await saved(a);
  const b = await openTab(context);
  assert.equal(await editorText(b.page), '"one" println', 'a new tab opens the program opened last');
  // b opens a program of its own: a's edits do not reach it, nor conflict.
  await (await programsPanel(b.page)).getByRole('button', { name: 'New' }).click();
  await typeProgram(b.page, '"two" println');
  await saved(b.page);
  await typeProgram(a, '"one, by a" println');
  await saved(a);
  await b.page.waitForTimeout(300);
  assert.equal(await editorText(b.page), '"two" println');
  assert.equal(await b.page.locator('[data-testid=program-bar]').isVisible(), false);
  // b opens a's program too, then both edit it at once.
  await programRow(b.page, 'My program').locator('.program-name').click();
  assert.equal(await editorText(b.page), '"one, by a" println');
  await b.page.click('.cm-content');
  await b.page.keyboard.press('Control+End');
  await typeProgram(a, '"one, by a again" println');
  await b.page.keyboard.type(' # b');
  await a.click('[data-testid=run]'); // saves at once
  await a.waitForTimeout(400);
  assert.equal((await storedProgram(a)).source, '"one, by a again" println');
  const bar = b.page.locator('[data-testid=program-bar]');
  await bar.waitFor();
  assert.match(await bar.textContent(), /changed in another tab.*not saved/);
  assert.equal(await editorText(b.page), '"one, by a" println # b', 'the tab keeps its own edits on screen');
  assert.equal((await storedProgram(a)).source, '"one, by a again" println', 'not overwritten');
  // Deleted in one tab while the other shows it: the other keeps it on screen, and may save it again.
  await bar.getByRole('button', { name: /Load the other tab/ }).click();
  await programsPanel(a);
  await programRow(a, 'My program').getByRole('button', { name: 'Delete' }).click();
  await bar.waitFor();
  assert.match(await bar.textContent(), /deleted in another tab; it is still here, not saved/);
  assert.equal(await editorText(b.page), '"one, by a again" println');
  await bar.getByRole('button', { name: 'Save it again' }).click();
  await a.waitForFunction(() => document.querySelectorAll('[data-testid=programs] li').length === 2);
  noProblems(problems);
  noProblems(b.problems);
  await context.close();
});

test('export downloads name.svm with the arguments and input as comments; import by a file chooser or a drop', async () => {
  const { context, page, problems } = await open();
  await setProgram(page, '"exported" println\n', '3 4', 'a line\n');
  await saved(page);
  const panel = await programsPanel(page);
  const [download] = await Promise.all([page.waitForEvent('download'), programRow(page, 'My program').getByRole('button', { name: 'Export' }).click()]);
  assert.equal(download.suggestedFilename(), 'My program.svm');
  const text = fs.readFileSync(await download.path(), 'utf8');
  assert.equal(text, '# args: 3 4\n# stdin: a line\n"exported" println\n');

  // Import by choosing a file: a new program, with its arguments and input.
  await page.locator('[data-testid=import-file]').setInputFiles({ name: 'chosen.svm', mimeType: 'text/plain', buffer: Buffer.from('# args: 9\n"chosen" println\n') });
  await page.waitForFunction(() => window.playground.editor.text().includes('chosen'));
  assert.equal(await page.inputValue('[data-testid=args]'), '9');
  assert.match(await page.locator('[data-testid=programs-msg]').textContent(), /Imported chosen\.svm as “chosen”/);
  assert.deepEqual((await programNames(page)).sort(), ['*chosen', 'My program']);

  // Import by dropping a file on the editor.
  const drop = (name, content, type = 'text/plain') =>
    page.evaluate(
      ([name, content, type]) => {
        const dt = new DataTransfer();
        // A string, bytes, or a size (that many "x": made here, as a file chooser would
        // hand it over without the page reading it).
        const data = typeof content === 'string' ? content : typeof content === 'number' ? new Uint8Array(content).fill(0x78) : new Uint8Array(content);
        dt.items.add(new File([data], name, { type }));
        const target = document.querySelector('#editor').shadowRoot.querySelector('.cm-content');
        target.dispatchEvent(new DragEvent('dragover', { dataTransfer: dt, bubbles: true, cancelable: true, composed: true }));
        target.dispatchEvent(new DragEvent('drop', { dataTransfer: dt, bubbles: true, cancelable: true, composed: true }));
      },
      [name, content, type],
    );
  await drop('dropped.svm', '# stdin: x\n"dropped" println\n');
  await page.waitForFunction(() => window.playground.editor.text().includes('dropped'));
  assert.equal(await editorText(page), '# stdin: x\n"dropped" println\n', 'the file, not the file added to the text');
  assert.equal(await page.inputValue('[data-testid=stdin]'), 'x\n');
  assert.deepEqual((await programNames(page)).sort(), ['*dropped', 'My program', 'chosen']);

  // Refused, nothing replaced: not text, too large.
  const banner = page.locator('#banner');
  await drop('picture.png', [0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a, 0, 0, 0, 0x0d, 0xff], 'image/png');
  await banner.waitFor();
  assert.match(await banner.textContent(), /Not imported: picture\.png is not a text file.*Nothing was replaced/);
  await page.click('#banner-close');
  await drop('huge.svm', 2 << 20);
  await banner.waitFor();
  assert.match(await banner.textContent(), /Not imported: huge\.svm is 2\.0 MiB; a program file may be at most 1\.0 MiB/);
  assert.equal(await editorText(page), '# stdin: x\n"dropped" println\n');
  assert.equal((await programNames(page)).length, 3);
  await panel.getByRole('button', { name: 'Close My programs' }).click();
  noProblems(problems);
  await context.close();
});

test('a full storage: the program stays on the page, the page says so, and it is saved once there is room', async () => {
  const { context, page, problems } = await open();
  await typeProgram(page, '"before" println');
  await saved(page);
  // The browser's storage fills up (as a quota reached does).
  await page.evaluate(() => {
    const setItem = Storage.prototype.setItem;
    window.__full = true;
    Storage.prototype.setItem = function (k, v) {
      if (window.__full) throw new DOMException('The quota has been exceeded.', 'QuotaExceededError');
      return setItem.call(this, k, v);
    };
  });
  await typeProgram(page, '"typed while full" println');
  const banner = page.locator('#banner');
  await banner.waitFor();
  assert.match(await banner.textContent(), /storage is full: your program is not saved, but it stays on this page/);
  assert.equal(await editorText(page), '"typed while full" println');
  assert.equal((await storedProgram(page)).source, '"before" println', 'what was stored stays');
  // Room again: the next save writes it, and a reload shows it.
  await page.evaluate(() => (window.__full = false));
  await page.click('.cm-content');
  await page.keyboard.press('Control+End');
  await page.keyboard.type(' # room');
  await page.waitForFunction(() => /saved again/.test(document.querySelector('#banner').textContent));
  await page.reload();
  await ready(page);
  assert.equal(await editorText(page), '"typed while full" println # room');
  noProblems(problems);
  await context.close();
});

test('the one program of earlier versions becomes "My program" in the list', async () => {
  const { context, page, problems } = await open();
  await page.evaluate(() => {
    localStorage.clear();
    localStorage.setItem('simple-vm.playground.v1', JSON.stringify({ source: '"from before" println', args: '2', stdin: '', rev: 'old' }));
  });
  await page.reload();
  await ready(page);
  assert.equal(await editorText(page), '"from before" println');
  assert.equal(await page.inputValue('[data-testid=args]'), '2');
  await programsPanel(page);
  assert.deepEqual(await programNames(page), ['*My program']);
  assert.equal(await page.evaluate(() => localStorage.getItem('simple-vm.playground.v1')), null);
  noProblems(problems);
  await context.close();
});

test('My programs while a lesson is open: opening or making a program closes the tour first, and no lesson code lands in a program', async () => {
  const { context, page, problems } = await open();
  await typeProgram(page, '"mine" println');
  await saved(page);
  await page.click('#tour-toggle');
  await tourPanel(page).waitFor();
  const starter = lessonFile(1, 'starter.svm');
  assert.equal(await editorText(page), starter);
  // New while in the lesson: the tour closes, the new program is empty, "My program" kept.
  await (await programsPanel(page)).getByRole('button', { name: 'New' }).click();
  assert.ok(await tourPanel(page).isHidden());
  assert.equal(await editorText(page), '');
  await typeProgram(page, '"second" println');
  await saved(page);
  // Back into a lesson, then open "My program" from the list: its own text, not the lesson's.
  await page.click('#tour-toggle');
  await tourPanel(page).waitFor();
  await programsPanel(page);
  await programRow(page, 'My program').locator('.program-name').click();
  assert.ok(await tourPanel(page).isHidden());
  assert.equal(await editorText(page), '"mine" println');
  await page.waitForTimeout(400);
  assert.equal((await storedProgram(page)).source, '"mine" println');
  const sources = await page.evaluate(() =>
    Object.keys(localStorage)
      .filter((k) => k.startsWith('simple-vm.program.'))
      .map((k) => JSON.parse(localStorage.getItem(k)).source)
      .sort(),
  );
  assert.deepEqual(sources, ['"mine" println', '"second" println']);
  noProblems(problems);
  await context.close();
});
