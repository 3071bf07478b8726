// End-to-end tests of the playground in Chromium: share links, the Share box and the embeddable page (embed.html).
// The browser, the server, the long-task guard and budgets.json are e2e-harness.mjs's;
// the helpers that drive the page are e2e-page.mjs's.
//
//   npm --prefix web run build && node --test web/test/e2e-share.test.mjs

import { test } from 'node:test';
import assert from 'node:assert/strict';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { decodeState } from '../src/share.js';
import { serve } from '../serve.mjs';
import { pageHarness, DIST, SHOTS, BUDGET } from './e2e-harness.mjs';
import { status, stateOf, waitState, measureStop, setProgram, run, editorText, outputText, selectedText, share, lineNumber, breakpoints, noProblems, typeProgram, storedProgram, inView, saved, harnessTools } from './e2e-page.mjs';

const harness = pageHarness({ dist: DIST });
const { open, ready, figures } = harness;
const { openTab, axeOn, openEmbed } = harnessTools(harness);

test('share link round trip', async () => {
  const source = '# ünïcödé 😀 and <b>markup</b>\nread "héllo, " swap concat println\n';
  const args = '1 "two words" true';
  const stdin = 'wörld\nsecond line\n';
  const a = await open();
  await setProgram(a.page, source, args, stdin);
  const link = await share(a.page);
  assert.match(link, /^http:\/\/127\.0\.0\.1:\d+\/#code=[A-Za-z0-9_-]+$/);
  assert.ok(link.length < 400, `link of ${link.length} characters`);
  await a.context.close();

  // A fresh browser profile opens the link.
  const b = await open({ at: link.slice(link.indexOf('#')) });
  assert.equal(await editorText(b.page), source);
  assert.equal(await b.page.inputValue('[data-testid=args]'), args);
  assert.equal(await b.page.inputValue('[data-testid=stdin]'), stdin);
  assert.equal(await b.page.evaluate(() => location.hash), '', 'the fragment is cleared once read');
  await run(b.page);
  assert.equal(await outputText(b.page), 'héllo, wörld\n');
  assert.deepEqual(await b.page.locator('[data-testid=stack] li code').allTextContents(), ['1', '"two words"', 'true']);
  noProblems(a.problems);
  noProblems(b.problems);
  await b.context.close();
});

test('a damaged share link shows a message and keeps the current program', async () => {
  const { context, page, problems } = await open();
  await setProgram(page, '"mine" println\n', '7');
  const good = await share(page);
  await page.evaluate(() => window.dispatchEvent(new Event('pagehide')));
  const code = good.slice(good.indexOf('#code=') + 6);
  const banner = page.locator('#banner');
  for (const bad of [`#code=${code.slice(0, Math.floor(code.length / 2))}`, '#code=@@not*base64', '#code=AAAA', `#code=${code}x`]) {
    // A full load of the damaged link, with the saved program in storage.
    await page.goto('about:blank');
    await page.goto(harness.url + bad);
    await ready(page);
    await banner.waitFor({ state: 'visible' });
    assert.match(await banner.textContent(), /could not be opened.*current program was kept/s, bad);
    assert.equal(await editorText(page), '"mine" println\n', bad);
    assert.equal(await page.inputValue('[data-testid=args]'), '7');
  }
  // A damaged link pasted into the open tab (only the fragment changes).
  await page.click('#banner-close');
  await page.evaluate(() => (location.hash = '#code=Zm9v'));
  await banner.waitFor({ state: 'visible' });
  assert.equal(await editorText(page), '"mine" println\n');
  noProblems(problems);
  await context.close();
});

test('a share link opened in another tab does not replace the kept program; tabs do not overwrite each other', async () => {
  // Someone else's program, as a link.
  const other = await open();
  await setProgram(other.page, '"shared" println\n', '3');
  const link = await share(other.page);
  await other.context.close();

  // One browser: the person writes a program, which is kept across reloads.
  const { context, page: a, problems } = await open();
  await typeProgram(a, '"my own program" println');
  await a.fill('[data-testid=args]', '5');
  await a.waitForFunction(() => /my own program/.test(localStorage.getItem(`simple-vm.program.${window.playground.saved.store.id}`)));
  // The link opens in another tab of the same browser, and the person types in it.
  const b = await openTab(context, link);
  assert.equal(await editorText(b.page), '"shared" println\n');
  await b.page.click('.cm-content');
  await b.page.keyboard.press('Control+End');
  await b.page.keyboard.type('# edited here');
  await b.page.waitForTimeout(400); // past the save's debounce
  // Back at the plain address: the person's own program.
  const c = await openTab(context);
  assert.equal(await editorText(c.page), '"my own program" println');
  assert.equal(await c.page.inputValue('[data-testid=args]'), '5');
  assert.equal(await c.page.locator('[data-testid=program-bar]').isVisible(), false);
  // The shared tab says what it is.
  const bar = b.page.locator('[data-testid=program-bar]');
  assert.match(await bar.textContent(), /shared program.*your own program is kept/i);
  await a.reload();
  await ready(a);
  assert.equal(await editorText(a), '"my own program" println');
  // The shared tab keeps its draft across a reload, and offers the kept program back.
  await b.page.reload();
  await ready(b.page);
  assert.equal(await editorText(b.page), '"shared" println\n# edited here');
  await bar.getByRole('button', { name: 'Back to my program' }).click();
  assert.equal(await editorText(b.page), '"my own program" println');
  assert.equal(await b.page.inputValue('[data-testid=args]'), '5');
  assert.equal(await bar.isVisible(), false);

  // Two tabs on the kept program: one's saved edit reaches the other, which has none.
  await typeProgram(a, '"from a" println');
  await c.page.waitForFunction(() => window.playground.editor.text() === '"from a" println');
  // Both edit at once: a saves while c's edit waits to be saved (saves wait 250 ms for
  // more typing); c's save must not silently replace a's.
  await c.page.click('.cm-content');
  await c.page.keyboard.press('Control+End');
  await typeProgram(a, '"from a again" println');
  await c.page.keyboard.type(' # c');
  await a.click('[data-testid=run]'); // saves at once
  await a.waitForTimeout(400);
  assert.equal((await storedProgram(a)).source, '"from a again" println');
  const cBar = c.page.locator('[data-testid=program-bar]');
  assert.match(await cBar.textContent(), /changed in another tab.*not saved/);
  assert.equal(await editorText(c.page), '"from a" println # c', 'the tab keeps its own edits on screen');
  // The person chooses: this tab's version goes over it, and the other tab follows.
  await cBar.getByRole('button', { name: /Save this tab/ }).click();
  assert.equal((await storedProgram(a)).source, '"from a" println # c');
  await a.waitForFunction(() => window.playground.editor.text() === '"from a" println # c');
  noProblems(problems);
  noProblems(b.problems);
  noProblems(c.problems);
  await context.close();
});

test('the share link and the input prompt take the focus without scrolling the header away', async () => {
  const { context, page, problems } = await open({ context: { viewport: { width: 1366, height: 900 } } });
  await share(page);
  assert.ok(await page.locator('[data-testid=share-link]').evaluate((el) => el === document.activeElement));
  assert.equal(await page.evaluate(() => scrollY), 0);
  await page.click('#share-close');
  await setProgram(page, 'read println\n');
  await page.click('[data-testid=run]');
  await page.locator('[data-testid=input-prompt]').waitFor();
  assert.ok(await page.locator('[data-testid=input-prompt]').evaluate((el) => el === document.activeElement));
  assert.equal(await page.evaluate(() => scrollY), 0);
  assert.ok(await inView(page, '.bar'));
  noProblems(problems);
  await context.close();
});

test('a shared program replaces the kept one only when the person chooses to keep it', async () => {
  const other = await open();
  await setProgram(other.page, '"shared" println\n', '3');
  const link = await share(other.page);
  await other.context.close();

  const { context, page, problems } = await open();
  await typeProgram(page, '"kept" println');
  // The link pasted into this very tab (only the fragment changes).
  await page.evaluate((hash) => (location.hash = hash), link.slice(link.indexOf('#')));
  const bar = page.locator('[data-testid=program-bar]');
  await bar.waitFor();
  assert.equal(await editorText(page), '"shared" println\n');
  assert.equal((await storedProgram(page)).source, '"kept" println', 'typed just before, saved before the draft opened');
  const second = await openTab(context);
  assert.equal(await editorText(second.page), '"kept" println');
  // Keeping it: it becomes the kept program, and the other tab follows.
  await bar.getByRole('button', { name: 'Keep this one instead' }).click();
  assert.equal(await bar.isVisible(), false);
  assert.equal((await storedProgram(page)).source, '"shared" println\n');
  await second.page.waitForFunction(() => window.playground.editor.text() === '"shared" println\n');
  assert.equal(await second.page.inputValue('[data-testid=args]'), '3');
  // From now on this tab saves the kept program as usual.
  await typeProgram(page, '"shared, kept, edited" println');
  await second.page.waitForFunction(() => window.playground.editor.text() === '"shared, kept, edited" println');
  noProblems(problems);
  noProblems(second.problems);
  await context.close();
});

test('the embeddable page runs the program of its link: output, an error with its position, Stop', async () => {
  const source = '"hi" println\n1 0 / println\n';
  const { context, page, problems, fragment } = await openEmbed({ source });
  assert.equal(await editorText(page), source);
  // The playground's Content-Security-Policy, word for word.
  const csp = (file) => fs.readFileSync(path.join(DIST, file), 'utf8').match(/http-equiv="Content-Security-Policy" content="([^"]*)"/)[1];
  assert.equal(csp('embed.html'), csp('index.html'));
  // Only the editor, Run, Stop, the output and the errors: none of the playground's other parts.
  for (const id of ['share', 'examples', 'profile-run', 'dbg-step', 'args', 'stack', 'callstack']) {
    assert.equal(await page.locator(`#${id}`).count(), 0, `#${id} is not in the embed`);
  }
  assert.equal(await page.getAttribute('[data-testid=open]', 'href'), `${harness.url}#${fragment}`);
  assert.equal(await page.getAttribute('[data-testid=open]', 'target'), '_blank');
  assert.equal(await page.getAttribute('[data-testid=open]', 'rel'), 'noopener');

  await run(page);
  assert.equal(await stateOf(page), 'error');
  assert.equal(await outputText(page), 'hi\n');
  const errors = await page.locator('[data-testid=error]').textContent();
  assert.match(errors, /division by zero/);
  assert.match(errors, /line 2, column 5/);
  assert.equal(await page.locator('.cm-runtime-error').textContent(), '/');
  // A click on the position selects the token.
  await page.locator('[data-testid=error] button.link', { hasText: 'line 2, column 5' }).click();
  assert.equal(await selectedText(page), '/');
  // No breakpoints here: a click in the gutter sets none, and Run runs to the end.
  await lineNumber(page, 1).click();
  assert.deepEqual(await breakpoints(page), []);

  // A loop for ever: the page stays responsive and Stop ends it.
  await page.evaluate(() => window.playground.editor.setDoc('l: l jmp\n'));
  await page.click('[data-testid=run]');
  await page.waitForFunction(() => /[1-9][\d,]* steps/.test(document.querySelector('[data-testid=status]').textContent));
  const stopMs = await measureStop(page);
  figures.embed_stop_ms = Math.round(stopMs * 10) / 10;
  assert.ok(stopMs <= BUDGET.stopMs, `stop took ${stopMs} ms`);
  assert.equal(await stateOf(page), 'stopped');
  assert.match(await outputText(page), /\[stopped\]/);
  // Ctrl+Enter runs again.
  await page.evaluate(() => window.playground.editor.setDoc('2 3 + println\n'));
  await page.locator('.cm-content').press('Control+Enter');
  await waitState(page, 'halted');
  assert.equal(await outputText(page), '5\n');
  noProblems(problems);
  await context.close();
});

test('the embeddable page without a program, or with a damaged one, says so', async () => {
  const { context, page, problems } = await open({ at: 'embed.html' });
  assert.match(await page.locator('#banner').textContent(), /no program/);
  assert.equal(await editorText(page), '');
  await page.goto(`${harness.url}embed.html#code=AAAA`);
  await ready(page);
  assert.match(await page.locator('#banner').textContent(), /could not be read/);
  noProblems(problems);
  await context.close();
});

test('the Share box offers an <iframe>; in a page of another origin it runs and opens the playground', async () => {
  const source = '# squares\n"a < b & \\"c\\"" println\n7 sq call println stop\n\nsq: dup * return\n';
  const a = await open();
  await setProgram(a.page, source, '', '');
  const link = await share(a.page);
  const fragment = link.slice(link.indexOf('#') + 1);
  const snippet = await a.page.inputValue('[data-testid=share-embed]');
  assert.equal(
    snippet,
    `<iframe src="${harness.url}embed.html#${fragment}" title="simple-vm playground" height="400" style="width: 100%; border: 1px solid #d9dadc; border-radius: 6px;" loading="lazy"></iframe>`,
  );
  assert.deepEqual(await decodeState(fragment), { source, args: '', stdin: '' });
  await a.context.close();

  // A page of another origin (another server, another port) with the snippet in it.
  const dir = fs.mkdtempSync(path.join(fs.realpathSync(os.tmpdir()), 'svm-host-'));
  fs.writeFileSync(
    path.join(dir, 'index.html'),
    `<!doctype html><html lang="en"><head><meta charset="utf-8"><link rel="icon" href="data:,"><title>A post</title></head>` +
      `<body style="font: 16px sans-serif; max-width: 760px; margin: 24px auto; color: #222"><h1>Squares</h1>` +
      `<p>The program below squares a number. Press Run.</p>${snippet}<p>And that is all.</p></body></html>`,
  );
  const host = await serve({ root: dir, port: 0 });
  try {
    assert.notEqual(new URL(host.url).origin, new URL(harness.url).origin);
    const b = await open({ at: '', wait: false });
    await b.page.goto(host.url);
    const frame = await (await b.page.waitForSelector('iframe')).contentFrame();
    await ready(frame);
    assert.equal(await frame.evaluate(() => location.origin), new URL(harness.url).origin);
    // In the frame, the playground's Content-Security-Policy holds: an inline script is refused.
    const indexCsp = fs.readFileSync(path.join(DIST, 'index.html'), 'utf8').match(/http-equiv="Content-Security-Policy" content="([^"]*)"/)[1];
    assert.equal(await frame.evaluate(() => document.querySelector('meta[http-equiv="Content-Security-Policy"]').content), indexCsp);
    const refused = await frame.evaluate(
      () =>
        new Promise((resolve) => {
          document.addEventListener('securitypolicyviolation', (e) => resolve(e.violatedDirective), { once: true });
          const s = document.createElement('script');
          s.textContent = 'window.__inline = true';
          document.body.append(s);
          setTimeout(() => resolve(window.__inline ? 'ran' : 'no event'), 2000);
        }),
    );
    assert.match(refused, /^script-src/);
    // (The refusal is reported on the console: that report is this test's own.)
    b.problems.splice(0, b.problems.length, ...b.problems.filter((p) => !/Content Security Policy/.test(p)));
    assert.equal(await editorText(frame), source);
    await run(frame);
    assert.equal(await stateOf(frame), 'halted');
    assert.equal(await outputText(frame), 'a < b & "c"\n49\n');
    // It fits its frame: nothing of it is cut off or scrolls the frame's page.
    const fits = await frame.evaluate(() => ({
      doc: document.documentElement.scrollHeight <= innerHeight && document.documentElement.scrollWidth <= innerWidth,
      height: innerHeight,
    }));
    assert.equal(fits.height, 400);
    assert.ok(fits.doc, 'the embed fits its frame');
    await b.page.screenshot({ path: path.join(SHOTS, 'embed.png') });

    // "Open in the playground": the main page, in a new tab, with the same program.
    const openLink = frame.locator('[data-testid=open]');
    assert.equal(await openLink.getAttribute('href'), `${harness.url}#${fragment}`);
    const [tab] = await Promise.all([b.context.waitForEvent('page'), openLink.click()]);
    await ready(tab);
    assert.equal(await editorText(tab), source);
    await tab.close();
    // After an edit in the frame, it opens the edited program.
    await frame.locator('.cm-content').click();
    await frame.locator('.cm-content').press('Control+End');
    await frame.locator('.cm-content').pressSequentially('"more" println\n');
    await frame.waitForFunction((f) => !document.querySelector('[data-testid=open]').href.endsWith(f), fragment);
    const edited = (await openLink.getAttribute('href')).split('#')[1];
    assert.deepEqual(await decodeState(edited), { source: `${source}"more" println\n`, args: '', stdin: '' });
    noProblems(b.problems);
    await b.context.close();
  } finally {
    await host.close();
    fs.rmSync(dir, { recursive: true, force: true });
  }
});

test('the embeddable page: axe-core finds no violations, light and dark, in a narrow frame', async () => {
  for (const colorScheme of ['light', 'dark']) {
    const { context, page, problems } = await openEmbed(
      { source: '# a runtime error\n"text" 1 0 / println\n' },
      { context: { viewport: { width: 480, height: 400 }, bypassCSP: true, colorScheme } },
    );
    const { check, timed, done } = await axeOn(page, colorScheme);
    await check('first visit');
    await run(page);
    assert.equal(await stateOf(page), 'error');
    // Narrow: the results are below the editor, and the page fits the frame.
    const [ed, results] = await Promise.all(['#editor', '.embed-results'].map((sel) => page.locator(sel).boundingBox()));
    assert.ok(results.y >= ed.y + ed.height - 1, 'the results are below the editor');
    assert.ok(results.y + results.height <= 400 + 1, 'the results end within the frame');
    await check('runtime error');
    await timed(() => page.screenshot({ path: path.join(SHOTS, `embed-narrow${colorScheme === 'dark' ? '-dark' : ''}.png`) }));
    await page.evaluate(() => window.playground.editor.setDoc('read println\n'));
    await page.click('[data-testid=run]');
    await page.locator('[data-testid=input-prompt]').waitFor();
    await check('input prompt');
    await page.locator('[data-testid=input-prompt]').fill('typed');
    await page.locator('[data-testid=input-prompt]').press('Enter');
    await waitState(page, 'halted');
    // The line as typed (echoed), then as printed.
    assert.equal(await outputText(page), 'typed\ntyped\n');
    await done();
    noProblems(problems);
    await context.close();
  }
});
