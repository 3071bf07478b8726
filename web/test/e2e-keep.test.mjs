// End-to-end tests of issue 25, points 1, 2 and 7: nothing typed is replaced without a way
// back (examples open as drafts, the program's name beside the editor, the Examples menu
// and the arrow keys, the recently replaced texts, Delete and Undo), panels that say
// which program they show (the Compiled panel follows the editor; Output, Stack,
// Timeline and Profile say when they show an earlier run; the Status after an example),
// and the `# args:` / `# stdin:` comments. Headless Chromium (playwright-core), against
// web/dist (or SVM_DIST) served by serve.mjs on a free port, with the long-task guard of
// e2e-harness.mjs (a test fails if the page blocked its main thread for more than 100 ms
// once ready).
//
//   npm --prefix web run build && node --test web/test/e2e-keep.test.mjs

import { test } from 'node:test';
import assert from 'node:assert/strict';
import path from 'node:path';
import { encodeState } from '../src/share.js';
import { pageHarness, SHOTS, WEB } from './e2e-harness.mjs';

const harness = pageHarness({ dist: process.env.SVM_DIST || path.join(WEB, 'dist') });
const { open, ready } = harness;

// ---- helpers --------------------------------------------------------------------------

const status = (page) => page.locator('[data-testid=status]');

async function waitState(page, states, timeout = 15_000) {
  await page.waitForFunction(
    (s) => s.includes(document.querySelector('[data-testid=status]').dataset.state),
    [].concat(states),
    { timeout },
  );
}

/** Puts a program in the editor (one undoable change) and fills args and input. */
async function setProgram(page, source, args = '', stdin = '') {
  await page.evaluate((s) => window.playground.editor.setDoc(s), source);
  await page.fill('[data-testid=args]', args);
  await page.fill('[data-testid=stdin]', stdin);
}

async function run(page, until = ['halted', 'error', 'compile-error', 'args-error']) {
  await page.click('[data-testid=run]');
  await waitState(page, until);
}

const editorText = (page) => page.evaluate(() => window.playground.editor.text());
const outputText = (page) => page.locator('[data-testid=output]').textContent();

function noProblems(problems) {
  assert.deepEqual(problems, [], 'console errors on the page');
}


/** Replaces the editor's text by typing, as a person does. */
async function typeProgram(page, text) {
  await page.click('.cm-content');
  await page.keyboard.press('Control+A');
  await page.keyboard.type(text);
}

/** Waits until the program's pending save is written. */
const saved = (page) => page.waitForFunction(() => !window.playground.saved.timer);

/** Opens the My programs panel (if it is closed) and returns it. */
async function programsPanel(page) {
  const panel = page.locator('[data-testid=programs]');
  if (!(await panel.isVisible())) await page.click('[data-testid=programs-toggle]');
  await panel.waitFor();
  return panel;
}

/** The names in My programs, in their order, the program open in this tab marked with `*`. */
const programNames = (page) =>
  page.locator('[data-testid=programs] li').evaluateAll((lis) => lis.map((li) => (li.classList.contains('current') ? '*' : '') + li.querySelector('.program-name, input').textContent));

const programRow = (page, name) => page.locator('[data-testid=programs] li', { has: page.locator('.program-name', { hasText: new RegExp(`^${name.replace(/[()]/g, '\\$&')}$`) }) });

/** A program of the list as stored, by name (its source), or null. */
const storedByName = (page, name) =>
  page.evaluate((n) => {
    const idx = JSON.parse(localStorage.getItem('simple-vm.programs.v1') || '{"programs":[]}');
    const p = idx.programs.find((q) => q.name === n);
    return p ? JSON.parse(localStorage.getItem(`simple-vm.program.${p.id}`)).source : null;
  }, name);

/** The name beside the editor (fails fast where there is none). */
const programName = (page) => page.locator('[data-testid=program-name]').textContent({ timeout: 3000 });

/** The recently replaced texts in My programs. */
const replacedItems = (page) => page.locator('[data-testid=replaced] [role=listitem]');

/** Selects `text` (its first occurrence) in the editor. */
async function selectInEditor(page, text) {
  const ok = await page.evaluate((t) => {
    const ed = window.playground.editor;
    const at = ed.text().indexOf(t);
    if (at < 0) return false;
    ed.select(at, at + t.length);
    return true;
  }, text);
  assert.ok(ok, `${text} is in the editor`);
}

/** Screenshots of the page as it is, light and dark. */
async function shots(page, name) {
  for (const scheme of ['light', 'dark']) {
    await page.emulateMedia({ colorScheme: scheme });
    await page.screenshot({ path: path.join(SHOTS, `${name}${scheme === 'dark' ? '-dark' : ''}.png`) });
  }
  await page.emulateMedia({ colorScheme: 'light' });
}

/** The page has no horizontal scroll. */
const noHorizontalScroll = (page) => page.evaluate(() => document.documentElement.scrollWidth <= innerWidth);

// ---- 1. nothing typed is replaced without a way back ---------------------------------------

test('an example opens as a draft: the saved program keeps its text across a reload, and its name is beside the editor', async () => {
  const { context, page, problems } = await open();
  const square = '"square" println\n7 dup * println\n';
  await typeProgram(page, square);
  await saved(page);
  await programsPanel(page);
  await programRow(page, 'My program').getByRole('button', { name: 'Rename' }).click();
  await page.keyboard.press('Control+A');
  await page.keyboard.type('Square');
  await page.keyboard.press('Enter');
  await page.click('[data-testid=programs-toggle]');
  await page.selectOption('[data-testid=examples]', 'hello');
  assert.match(await editorText(page), /"Hello, world!" println/);
  await page.reload();
  await ready(page);
  // The saved program is as it was; the tab still shows the example, as a draft.
  assert.equal(await storedByName(page, 'Square'), square, 'the example did not overwrite the saved program');
  assert.match(await editorText(page), /"Hello, world!" println/);
  assert.match(await programName(page), /Example hello.*not saved/);
  const bar = page.locator('[data-testid=program-bar]');
  assert.match(await bar.textContent(), /Example hello, not saved: your program “Square” is kept as it was/);
  // Back to it; Ctrl+Z goes back to the draft (and its place: nothing is saved over Square).
  await bar.getByRole('button', { name: 'Back to “Square”' }).click();
  assert.equal(await editorText(page), square);
  assert.match(await programName(page), /^Program: Square saved in this browser$/);
  await page.click('.cm-content');
  await page.keyboard.press('Control+z');
  assert.match(await editorText(page), /"Hello, world!" println/);
  assert.match(await programName(page), /Example hello/);
  await saved(page);
  assert.equal(await storedByName(page, 'Square'), square);
  await page.keyboard.press('Control+y');
  assert.equal(await editorText(page), square);
  assert.match(await programName(page), /Square/);
  // Edits go to Square again.
  await page.keyboard.press('Control+End');
  await page.keyboard.type('# edited\n');
  await saved(page);
  assert.equal(await storedByName(page, 'Square'), `${square}# edited\n`);
  // Save as a new program: an example draft becomes a program of the list, named after it.
  await page.selectOption('[data-testid=examples]', 'gcd');
  await bar.getByRole('button', { name: 'Save as a new program' }).click();
  assert.match(await programName(page), /^Program: gcd saved in this browser$/);
  assert.equal(await storedByName(page, 'Square'), `${square}# edited\n`);
  assert.match(await storedByName(page, 'gcd'), /Euclid/);
  noProblems(problems);
  await context.close();
});

test('the closed Examples menu: an arrow key only chooses an example, Enter opens it', async () => {
  const { context, page, problems } = await open();
  await typeProgram(page, '"mine" println');
  await page.focus('[data-testid=examples]');
  await page.keyboard.press('ArrowDown');
  await page.waitForTimeout(300);
  assert.equal(await editorText(page), '"mine" println', 'an arrow key alone changed the program');
  assert.match(await page.locator('#examples-hint').textContent(), /Enter opens the example \w+/);
  await page.keyboard.press('ArrowDown');
  await page.keyboard.press('Escape');
  assert.equal(await page.inputValue('[data-testid=examples]'), '');
  assert.equal(await editorText(page), '"mine" println');
  await page.keyboard.press('ArrowDown');
  await page.keyboard.press('Enter');
  await page.waitForFunction(() => window.playground.editor.text() !== '"mine" println');
  assert.match(await programName(page), /Example \w+.*not saved/);
  // The program typed is kept.
  await saved(page);
  assert.equal(await storedByName(page, 'My program'), '"mine" println');
  noProblems(problems);
  await context.close();
});

test('recently replaced: an edited draft replaced by an example, and a deleted program, come back after a reload', async () => {
  const { context, page, problems } = await open();
  await typeProgram(page, '"kept" println');
  await saved(page);
  // A shared program, edited: the tab's draft.
  const hash = await encodeState({ source: '"shared" println\n', args: '4', stdin: '' });
  await page.evaluate((h) => (location.hash = h), `#${hash}`);
  await page.locator('[data-testid=program-bar]').waitFor();
  assert.equal(await editorText(page), '"shared" println\n');
  await page.click('.cm-content');
  await page.keyboard.press('Control+End');
  await page.keyboard.type('"my edit" println\n');
  await saved(page);
  const draft = await editorText(page);
  // An example over it, then a reload: Ctrl+Z is gone, the text is not.
  await page.selectOption('[data-testid=examples]', 'hello');
  await page.reload();
  await ready(page);
  await programsPanel(page);
  const items = replacedItems(page);
  await items.first().waitFor({ timeout: 3000 });
  assert.equal(await items.count(), 1);
  assert.match(await items.first().textContent(), /Shared program.*the example hello was loaded over it/);
  await items.first().getByRole('button', { name: /Restore/ }).click();
  assert.equal(await editorText(page), draft);
  assert.equal(await page.inputValue('[data-testid=args]'), '4');
  assert.match(await programName(page), /^Program: Shared program saved in this browser$/);
  assert.equal(await items.count(), 0, 'a restored text leaves the list');
  assert.equal(await storedByName(page, 'My program'), '"kept" println');
  // Deleted, then a reload: it is among the recently replaced, and Restore brings it back.
  await programRow(page, 'Shared program').getByRole('button', { name: 'Delete' }).click();
  assert.notEqual(await editorText(page), draft);
  await page.reload();
  await ready(page);
  await programsPanel(page);
  await items.first().waitFor();
  assert.match(await items.first().textContent(), /Shared program.*deleted/);
  await page.setViewportSize({ width: 1280, height: 900 });
  await page.evaluate(() => scrollTo(0, 0));
  await shots(page, 'keep-replaced');
  await items.first().getByRole('button', { name: /Restore/ }).click();
  assert.equal(await editorText(page), draft);
  assert.deepEqual((await programNames(page)).sort(), ['*Shared program', 'My program']);
  noProblems(problems);
  await context.close();
});

test('an import over an edited example draft: the draft is among the recently replaced, after a reload too', async () => {
  const { context, page, problems } = await open();
  await page.selectOption('[data-testid=examples]', 'hello');
  await page.click('.cm-content');
  await page.keyboard.press('Control+End');
  await page.keyboard.type('"my line" println\n');
  await saved(page);
  const draft = await editorText(page);
  await programsPanel(page);
  await page.locator('[data-testid=import-file]').setInputFiles({ name: 'chosen.svm', mimeType: 'text/plain', buffer: Buffer.from('"chosen" println\n') });
  await page.waitForFunction(() => window.playground.editor.text() === '"chosen" println\n');
  await page.reload();
  await ready(page);
  await programsPanel(page);
  const items = replacedItems(page);
  await items.first().waitFor({ timeout: 3000 });
  assert.match(await items.first().textContent(), /Example hello.*left for the new program “chosen”/);
  await items.first().getByRole('button', { name: /Restore/ }).click();
  assert.equal(await editorText(page), draft);
  assert.deepEqual((await programNames(page)).sort(), ['*hello', 'chosen']);
  noProblems(problems);
  await context.close();
});

test('Delete, then Undo: the program itself comes back, open in this tab, and no empty Untitled stays', async () => {
  const { context, page, problems } = await open();
  await typeProgram(page, '"precious" println');
  await page.fill('[data-testid=args]', '3');
  await saved(page);
  await programsPanel(page);
  await programRow(page, 'My program').getByRole('button', { name: 'Delete' }).click();
  assert.equal(await editorText(page), '');
  await page.locator('[data-testid=programs-msg]').getByRole('button', { name: 'Undo' }).click();
  assert.equal(await editorText(page), '"precious" println');
  assert.equal(await page.inputValue('[data-testid=args]'), '3');
  assert.deepEqual(await programNames(page), ['*My program']);
  assert.match(await page.locator('[data-testid=programs-msg]').textContent(), /“My program” is back, open here/);
  assert.equal(await replacedItems(page).count(), 0, 'an undone delete leaves no copy among the recently replaced');
  // Edits go to it, and a reload keeps them.
  await page.click('.cm-content');
  await page.keyboard.press('Control+End');
  await page.keyboard.type(' # still mine');
  await saved(page);
  await page.reload();
  await ready(page);
  assert.equal(await editorText(page), '"precious" println # still mine');
  noProblems(problems);
  await context.close();
});

// ---- 2. one current program: panels that say what they show -------------------------------

/** The `line:col` cells of the Compiled panel's instruction rows. */
const disasmPlaces = (page) => page.locator('[data-testid=disasm] .disasm-row .disasm-pos').allTextContents();

test('the Compiled panel follows the editor: positions at once, new rows after a pause in the typing, an example', async () => {
  const { context, page, problems } = await open();
  await setProgram(page, '1 2 + println\n');
  await run(page);
  await page.click('[data-testid=disasm-toggle]');
  await page.locator('[data-testid=disasm] .disasm-row').first().waitFor();
  assert.deepEqual(await disasmPlaces(page), ['1:1', '1:3', '1:5', '1:7', '']);
  // Two lines typed at the top: the positions follow the edit.
  await page.click('.cm-content');
  await page.keyboard.press('Control+Home');
  await page.keyboard.type('# a\n# b\n');
  await page.waitForFunction(() => document.querySelector('[data-testid=disasm] .disasm-row .disasm-pos')?.textContent === '3:1', null, { timeout: 3000 });
  assert.deepEqual(await disasmPlaces(page), ['3:1', '3:3', '3:5', '3:7', '']);
  // A new instruction: compiled again (in the worker) once the typing pauses.
  await page.keyboard.press('Control+End');
  await page.keyboard.type('3 println\n');
  await page.waitForFunction(() => document.querySelectorAll('[data-testid=disasm] .disasm-row').length === 7, null, { timeout: 3000 });
  assert.deepEqual(await disasmPlaces(page), ['3:1', '3:3', '3:5', '3:7', '4:1', '4:3', '']);
  assert.match(await page.locator('#compiled-sum').textContent(), /^6 instructions/);
  // Hovering a row outlines its token in the text as it is now.
  await page.locator('[data-testid=disasm] .disasm-row').nth(4).hover();
  assert.equal(await page.locator('.cm-disasm-linked').textContent(), '3');
  // An example: its program, not the last run's.
  await page.selectOption('[data-testid=examples]', 'fib');
  await page.waitForFunction(() => document.querySelector('[data-testid=disasm]').textContent.includes('fib:'), null, { timeout: 3000 });
  assert.ok((await disasmPlaces(page)).length > 20);
  // A program that does not compile says so.
  await typeProgram(page, '1 nope jmp');
  await page.waitForFunction(() => /does not compile/.test(document.querySelector('[data-testid=disasm]').textContent), null, { timeout: 3000 });
  noProblems(problems);
  await context.close();
});

test('Output, Stack, Timeline and Profile say when they show an earlier run, and which; the Status keeps its note after an example', async () => {
  const { context, page, problems } = await open();
  await setProgram(page, '1 2 + println\n');
  await run(page);
  await page.click('[data-testid=timeline-toggle]');
  const notes = ['output-of', 'stack-of', 'timeline-of'].map((id) => page.locator(`[data-testid=${id}]`));
  for (const n of notes) assert.equal(await n.isVisible(), false);
  await page.selectOption('[data-testid=examples]', 'hello');
  assert.match(await status(page).textContent(), /Example hello loaded/);
  const stale = page.locator('[data-testid=status] .stale');
  await stale.waitFor({ timeout: 3000 });
  assert.match(await stale.textContent(), /edited since the last run: Output and Stack show the run of “My program” at \d\d:\d\d:\d\d: not the program in the editor/);
  for (const n of notes) {
    assert.equal(await n.isVisible(), true);
    assert.match(await n.textContent(), /^the run of “My program” at \d\d:\d\d:\d\d: not the program in the editor$/);
  }
  await page.evaluate(() => scrollTo(0, 0));
  await shots(page, 'keep-earlier-run');
  // A run of the editor's program: the notes go.
  await run(page);
  assert.equal(await outputText(page), 'Hello, world!\n');
  for (const n of notes) assert.equal(await n.isVisible(), false);
  // An edit: the run is of the same program, edited since.
  await page.click('.cm-content');
  await page.keyboard.press('Control+End');
  await page.keyboard.type('# more');
  await notes[0].waitFor();
  assert.match(await notes[0].textContent(), /^the run of \d\d:\d\d:\d\d: the program was edited since$/);
  // The profile says which run it is of, too.
  await page.click('[data-testid=profile-run]');
  await waitState(page, ['halted']);
  const profileNote = page.locator('[data-testid=profile-of]');
  assert.equal(await profileNote.isVisible(), false);
  await page.click('.cm-content');
  await page.keyboard.press('Control+End');
  await page.keyboard.type(' and more');
  await profileNote.waitFor();
  assert.match(await profileNote.textContent(), /the program was edited since/);
  noProblems(problems);
  await context.close();
});

// ---- 7. the `# args:` and `# stdin:` comments ------------------------------------------------

test('no stack notes of an earlier run are drawn in a program typed over it', async () => {
  const { context, page, problems } = await open();
  await setProgram(page, '1\n2\n3\n4 + + + println\n');
  await page.click('[data-testid=notes-toggle]');
  await run(page);
  const notes = page.locator('[data-testid=stack-note]');
  await notes.nth(3).waitFor();
  // All selected and typed over: the notes go, and the Timeline opened with the notes on
  // draws none in the new program.
  await typeProgram(page, '"new program" println');
  assert.equal(await notes.count(), 0);
  await page.click('[data-testid=timeline-toggle]');
  await page.locator('[data-testid=timeline] [aria-current=step]').waitFor();
  await page.waitForTimeout(300);
  assert.equal(await notes.count(), 0, `notes drawn: ${await notes.allTextContents()}`);
  assert.equal(await editorText(page), '"new program" println');
  noProblems(problems);
  await context.close();
});

test('the Errors panel says when its runtime error is of another program, and its positions do not go into the new one', async () => {
  const { context, page, problems } = await open();
  await setProgram(page, '1 2 +\n"a" 1 +\nprintln\n');
  await run(page);
  const errors = page.locator('[data-testid=error]');
  assert.match(await errors.textContent(), /type error/);
  const errorOf = page.locator('[data-testid=error-of]');
  assert.equal(await errorOf.isVisible(), false);
  await page.selectOption('[data-testid=examples]', 'fib');
  await errorOf.waitFor({ timeout: 3000 });
  assert.match(await errorOf.textContent(), /^the run of “My program” at \d\d:\d\d:\d\d: not the program in the editor$/);
  const stale = page.locator('[data-testid=status] .stale');
  await stale.waitFor({ timeout: 3000 });
  assert.match(await stale.textContent(), /Output, Stack and Errors show the run of “My program”/);
  // A click on the error's position leaves the editor's selection where it was.
  const selection = () => page.evaluate(() => ({ ...window.playground.editor.view.state.selection.main.toJSON() }));
  const before = await selection();
  await errors.locator('button.link').first().click();
  assert.deepEqual(await selection(), before);
  // A new run of the editor's program: the note goes.
  await run(page);
  assert.equal(await errorOf.isVisible(), false);
  noProblems(problems);
  await context.close();
});

test('a run stopped after another program was loaded: the Status says why as the Output heading does', async () => {
  const { context, page, problems } = await open();
  await setProgram(page, 'l: l jmp\n');
  await page.click('[data-testid=run]');
  await waitState(page, ['running']);
  await page.selectOption('[data-testid=examples]', 'hello');
  await page.click('[data-testid=stop]');
  await waitState(page, ['stopped']);
  const outputOf = page.locator('[data-testid=output-of]');
  await outputOf.waitFor({ timeout: 3000 });
  const note = await outputOf.textContent();
  assert.match(note, /^the run of “My program” at \d\d:\d\d:\d\d: not the program in the editor$/);
  const stale = page.locator('[data-testid=status] .stale');
  await stale.waitFor({ timeout: 3000 });
  assert.equal(await stale.textContent(), note);
  noProblems(problems);
  await context.close();
});

test('editing the # args: comment fills the Arguments field; a field that differs from it is said', async () => {
  const { context, page, problems } = await open();
  await page.selectOption('[data-testid=examples]', 'gcd');
  assert.equal(await page.inputValue('[data-testid=args]'), '1071 462');
  await selectInEditor(page, '# args: 1071 462');
  await page.keyboard.type('# args: 12 18');
  // Run at once: the comment typed just before is read first.
  await run(page);
  assert.equal(await outputText(page), 'gcd(12, 18) = 6\n');
  assert.equal(await page.inputValue('[data-testid=args]'), '12 18');
  const note = page.locator('[data-testid=fields-note]');
  assert.equal(await note.isVisible(), false);
  // A field edited away from the comment: the page says so, and offers the comment's.
  await page.fill('[data-testid=args]', '20 8');
  await note.waitFor();
  assert.match(await note.textContent(), /Arguments differ from the program’s # args: 12 18 comment: Run uses the field/);
  await run(page);
  assert.equal(await outputText(page), 'gcd(20, 8) = 4\n');
  await page.evaluate(() => scrollTo(0, document.querySelector('[data-testid=fields-note]').getBoundingClientRect().top - 200));
  await shots(page, 'keep-args-differ');
  await note.getByRole('button', { name: 'Use the comment’s' }).click();
  assert.equal(await page.inputValue('[data-testid=args]'), '12 18');
  assert.equal(await note.isVisible(), false);
  // The # stdin: comments fill the Input field the same way.
  await page.selectOption('[data-testid=examples]', 'sum');
  assert.equal(await page.inputValue('[data-testid=stdin]'), '10\n20\n   5\n-7\n\n1000\n');
  await selectInEditor(page, '# stdin: 10');
  await page.keyboard.type('# stdin: 11');
  await page.waitForFunction(() => document.querySelector('[data-testid=stdin]').value.startsWith('11\n'));
  await run(page);
  assert.equal(await outputText(page), 'sum = 29\n');
  // A field typed in just after a comment changed (before the comment is read) keeps what was typed.
  await page.evaluate(() => window.playground.editor.setDoc('# args: 1 2\n"x" println\n'));
  await page.fill('[data-testid=args]', '7');
  await page.waitForTimeout(500);
  assert.equal(await page.inputValue('[data-testid=args]'), '7');
  assert.match(await note.textContent(), /Arguments differ from the program’s # args: 1 2 comment/);
  noProblems(problems);
  await context.close();
});

// ---- axe-core on the changed states ------------------------------------------------------------

/** Runs axe-core's default rules on the page (a context with `bypassCSP`): its violations, in words. */
async function axeViolations(page) {
  if (!(await page.evaluate(() => Boolean(window.axe)))) await page.addScriptTag({ path: path.join(WEB, 'node_modules', 'axe-core', 'axe.min.js') });
  const { violations } = await page.evaluate(() => window.axe.run(document, { resultTypes: ['violations'] }));
  // axe-core's own work runs on the page's main thread: its long tasks are the test's.
  await page.waitForTimeout(300);
  harness.keepLongTasks((l) => l.startUp);
  return violations.map((v) => `${v.id} (${v.impact}): ${v.nodes.map((n) => n.target.join(' ')).join('; ')}`);
}

test('axe-core finds nothing in the changed states (a draft and its name, an earlier run, a field that differs, the recently replaced), light and dark, 1280 and 390 px', async () => {
  for (const colorScheme of ['light', 'dark']) {
    for (const viewport of [{ width: 1280, height: 800 }, { width: 390, height: 844 }]) {
      const what = `${colorScheme}, ${viewport.width} px`;
      const { context, page, problems } = await open({ context: { viewport, bypassCSP: true, colorScheme } });
      await setProgram(page, '"mine" println\n');
      await run(page);
      await page.click('[data-testid=timeline-toggle]');
      await page.selectOption('[data-testid=examples]', 'gcd');
      await page.locator('[data-testid=output-of]').waitFor();
      await page.fill('[data-testid=args]', '1 2');
      await page.locator('[data-testid=fields-note]').waitFor();
      assert.deepEqual(await axeViolations(page), [], `${what}: a draft, an earlier run, a field that differs`);
      await page.selectOption('[data-testid=examples]', 'hello');
      await programsPanel(page);
      await replacedItems(page).first().waitFor();
      assert.deepEqual(await axeViolations(page), [], `${what}: the recently replaced`);
      noProblems(problems);
      await context.close();
    }
  }
});

// ---- the changed states at 390 px ------------------------------------------------------------

test('at 390 px, light and dark: the program name, the draft bar, an earlier run and the recently replaced fit the screen', async () => {
  const { context, page, problems } = await open({ context: { viewport: { width: 390, height: 844 }, isMobile: true, hasTouch: true } });
  await setProgram(page, '"mine" println\n');
  await run(page);
  await page.selectOption('[data-testid=examples]', 'fib');
  await page.locator('[data-testid=output-of]').waitFor();
  assert.match(await programName(page), /Example fib.*not saved/);
  assert.ok(await noHorizontalScroll(page), 'no horizontal scroll');
  await page.evaluate(() => scrollTo(0, 0));
  await shots(page, 'keep-mobile');
  await page.locator('[data-testid=output-of]').scrollIntoViewIfNeeded();
  await shots(page, 'keep-mobile-output');
  await typeProgram(page, '"second" println');
  await page.selectOption('[data-testid=examples]', 'hello');
  await programsPanel(page);
  await replacedItems(page).first().waitFor();
  assert.ok(await noHorizontalScroll(page), 'no horizontal scroll');
  await page.evaluate(() => scrollTo(0, 0));
  await shots(page, 'keep-mobile-replaced');
  noProblems(problems);
  await context.close();
});
