// End-to-end tests of the playground in Chromium: running programs: the budgets, every example, output, input, errors and their traces, Stop, a runner that dies or cannot be loaded, long values.
// The browser, the server, the long-task guard and budgets.json are e2e-harness.mjs's;
// the helpers that drive the page are e2e-page.mjs's.
//
//   npm --prefix web run build && node --test web/test/e2e-run.test.mjs

import { test } from 'node:test';
import assert from 'node:assert/strict';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import zlib from 'node:zlib';
import { directives } from '../src/svm-file.js';
import { isLazy } from '../build.mjs';
import { pageHarness, DIST, SHOTS, BUDGET } from './e2e-harness.mjs';
import { status, stateOf, waitState, measureStop, setProgram, run, editorText, outputText, selectedText, noProblems, EXAMPLES } from './e2e-page.mjs';

const harness = pageHarness({ dist: DIST });
const { open, ready, newContext, figures } = harness;

test('budgets: gzipped size, time to a ready editor, only own files', async () => {
  // The first navigation of a freshly started browser, with an empty cache.
  const requests = [];
  const problems = [];
  const context = await newContext();
  const pageRequests = [];
  context.on('request', (r) => {
    requests.push(r.url());
    if (!r.serviceWorker()) pageRequests.push(r.url());
  });
  const page = await context.newPage();
  page.on('pageerror', (e) => problems.push(e.message));
  page.on('console', (m) => m.type() === 'error' && problems.push(m.text()));
  await page.goto(harness.url);
  await ready(page);
  const marks = await page.evaluate(() =>
    Object.fromEntries(performance.getEntriesByType('mark').map((m) => [m.name, m.startTime])),
  );

  const origin = harness.url.replace(/\/$/, '');
  const foreign = requests.filter((u) => !u.startsWith(origin + '/'));
  assert.deepEqual(foreign, [], 'requests beyond the page’s own files');

  // Everything the page can load is in dist: count all of it, gzipped, but the embeddable
  // page's own files (embed.*), which are counted for that page (with the files it shares),
  // and the chunks fetched only when asked for (the Vim and Emacs key bindings, `*.lazy-*`:
  // build.mjs), counted apart.
  let gzip = 0;
  let raw = 0;
  let embedGzip = 0;
  let lazyGzip = 0;
  const files = {};
  for (const f of fs.readdirSync(DIST)) {
    const body = fs.readFileSync(path.join(DIST, f));
    const gz = zlib.gzipSync(body, { level: 9 }).length;
    files[f] = gz;
    if (isLazy(f)) {
      lazyGzip += gz;
      continue;
    }
    const own = /^(index|main)\./.test(f);
    const embedOwn = f.startsWith('embed.');
    if (!embedOwn) {
      gzip += gz;
      raw += body.length;
    }
    if (!own) embedGzip += gz;
  }
  const paths = new Set(requests.map((u) => new URL(u).pathname));
  // (The service worker caches every file of the build, the lazy chunks too, after the page: not the page's load.)
  const pagePaths = pageRequests.map((u) => new URL(u).pathname);
  assert.deepEqual(pagePaths.filter((p) => isLazy(p.slice(1))), [], 'a lazy chunk was fetched with the page');
  for (const f of ['main.', 'vm_wasm.']) {
    assert.ok([...paths].some((p) => p.startsWith('/' + f)), `${f}* was not loaded: ${[...paths]}`);
  }

  Object.assign(figures, {
    gzip_total_bytes: gzip,
    raw_total_bytes: raw,
    gzip_by_file: files,
    lazy_gzip_bytes: lazyGzip,
    editor_ready_ms: Math.round(marks['editor-ready']),
    runner_ready_ms: Math.round(marks['runner-ready']),
  });
  assert.ok(gzip <= BUDGET.gzipBytes, `gzipped total ${gzip} B > ${BUDGET.gzipBytes} B`);
  // The WebAssembly module has a budget of its own (README.md, "WebAssembly").
  const wasm = Object.keys(files).filter((f) => f.endsWith('.wasm'));
  assert.equal(wasm.length, 1, `one .wasm file in dist: ${wasm}`);
  assert.ok(files[wasm[0]] <= BUDGET.wasmGzipBytes, `${wasm[0]}: gzipped ${files[wasm[0]]} B > ${BUDGET.wasmGzipBytes} B`);
  figures.embed_gzip_total_bytes = embedGzip;
  assert.ok(embedGzip <= BUDGET.gzipBytes, `the embeddable page: gzipped total ${embedGzip} B > ${BUDGET.gzipBytes} B`);
  assert.ok(marks['editor-ready'] < BUDGET.editorReadyMs, `editor ready after ${marks['editor-ready']} ms`);
  noProblems(problems);
  await context.close();
});

test('every example runs and prints its expected output', async () => {
  const { context, page, problems } = await open();
  const files = fs.readdirSync(EXAMPLES).filter((f) => f.endsWith('.svm')).sort();
  const options = await page.locator('[data-testid=examples] option').evaluateAll((os) => os.map((o) => o.value).filter(Boolean));
  assert.deepEqual(options, files.map((f) => f.replace(/\.svm$/, '')), 'the menu lists examples/*.svm');
  for (const f of files) {
    const source = fs.readFileSync(path.join(EXAMPLES, f), 'utf8');
    const expect = directives(source, 'expect');
    await page.selectOption('[data-testid=examples]', f.replace(/\.svm$/, ''));
    assert.equal(await editorText(page), source, `${f}: the editor holds the file`);
    assert.equal(await page.inputValue('[data-testid=args]'), directives(source, 'args').join(' '));
    await run(page);
    assert.equal(await stateOf(page), 'halted', `${f}: ${await status(page).textContent()}`);
    assert.match(await status(page).textContent(), /exit code 0/);
    assert.equal(await outputText(page), expect.length ? expect.join('\n') + '\n' : '', `${f}: output`);
    if (f === 'fib.svm') await page.screenshot({ path: path.join(SHOTS, 'desktop.png') });
  }
  noProblems(problems);
  await context.close();
});

test('a runtime error underlines the right token and shows the trace', async () => {
  const { context, page, problems } = await open();
  await setProgram(page, '"before" println\n10 0 divide call\nstop\ndivide:\n    / return\n');
  await run(page);
  assert.equal(await stateOf(page), 'error');
  const error = page.locator('[data-testid=error]');
  assert.match(await error.textContent(), /division by zero/);
  assert.match(await error.textContent(), /at line 5, column 5/);
  assert.match(await error.textContent(), /in divide \(called at line 2, column 13\)/);
  assert.match(await error.textContent(), /in the main program/);
  assert.equal(await outputText(page), 'before\n');
  // The failing token is underlined in the editor, on its line.
  assert.equal(await page.locator('.cm-runtime-error').textContent(), '/');
  // (The line's code, without its stack hint.)
  const code = await page.locator('.cm-runtime-error-line').evaluate((l) => [...l.childNodes].filter((n) => !n.classList?.contains('cm-stack-hint')).map((n) => n.textContent).join(''));
  assert.equal(code.trim(), '/ return');
  // The stack as the error left it.
  assert.deepEqual(await page.locator('[data-testid=stack] li code').allTextContents(), ['10', '0']);
  // Clicking the frame goes to the call; clicking the position goes to the token.
  await error.getByRole('button', { name: /in divide/ }).click();
  assert.equal(await selectedText(page), 'call');
  await error.getByRole('button', { name: 'line 5, column 5' }).click();
  assert.equal(await selectedText(page), '/');
  await page.screenshot({ path: path.join(SHOTS, 'desktop-error.png') });
  noProblems(problems);
  await context.close();
});

test('an infinite loop stays responsive and stops within the budget', async () => {
  const { context, page, problems } = await open();
  await setProgram(page, 'loop:\n    1 drop\n    loop jmp\n');
  await page.click('[data-testid=run]');
  await page.waitForFunction(() => /[1-9][\d,]* steps/.test(document.querySelector('[data-testid=status]').textContent));
  // The page's main thread keeps ticking while the program runs.
  const maxGap = await page.evaluate(
    () =>
      new Promise((resolve) => {
        let last = performance.now();
        let max = 0;
        let n = 0;
        const id = setInterval(() => {
          const now = performance.now();
          max = Math.max(max, now - last);
          last = now;
          if (++n === 40) {
            clearInterval(id);
            resolve(max);
          }
        }, 10);
      }),
  );
  assert.ok(maxGap < 100, `the page froze for ${maxGap} ms`);
  // Typing works while it runs.
  await page.click('.cm-content');
  await page.keyboard.press('Control+End');
  await page.keyboard.type('# still typing');
  assert.match(await editorText(page), /# still typing$/);
  assert.equal(await stateOf(page), 'running');
  // Stop, measured inside the page from the click to the status saying so.
  const stopMs = await measureStop(page);
  figures.stop_ms = Math.round(stopMs * 10) / 10;
  figures.main_thread_max_gap_while_running_ms = Math.round(maxGap);
  assert.ok(stopMs <= BUDGET.stopMs, `stop took ${stopMs} ms`);
  assert.match(await status(page).textContent(), /Stopped/);
  // The runner is ready for the next program at once.
  await setProgram(page, '"again" println');
  await run(page);
  assert.equal(await outputText(page), 'again\n');

  // A runner stuck inside one slice cannot read `stop`: it is ended and replaced in time.
  await setProgram(page, 'loop:\n    loop jmp\n');
  await page.click('[data-testid=run]');
  await page.waitForFunction(() => /[1-9][\d,]* steps/.test(document.querySelector('[data-testid=status]').textContent));
  await page.evaluate(() => window.playground.runner.worker.postMessage({ type: 'hang', ms: 5000 }));
  const forcedMs = await measureStop(page);
  figures.stop_stuck_runner_ms = Math.round(forcedMs * 10) / 10;
  assert.ok(forcedMs <= BUDGET.stopMs, `stopping a stuck runner took ${forcedMs} ms`);
  await setProgram(page, '"and again" println');
  await run(page);
  assert.equal(await outputText(page), 'and again\n');
  assert.equal(await page.locator('#banner').isVisible(), false, 'a stop is not reported as a crash');
  noProblems(problems);
  await context.close();
});

test('input: lines from the Input panel, then an inline prompt, then end of input', async () => {
  const { context, page, problems } = await open();
  await setProgram(page, 'read println\nread "got " swap concat println\nread "[" swap concat "]" concat println\n', '', 'one\n');
  await page.click('[data-testid=run]');
  const prompt = page.locator('[data-testid=input-prompt]');
  await prompt.waitFor({ state: 'visible' });
  assert.equal(await stateOf(page), 'input');
  assert.equal(await outputText(page), 'one\n');
  assert.ok(await prompt.evaluate((el) => el === document.activeElement), 'the prompt has the focus');
  await prompt.fill('two');
  await prompt.press('Enter');
  await page.waitForFunction(() => document.querySelector('[data-testid=output]').textContent.includes('got two'));
  await prompt.waitFor({ state: 'visible' });
  await page.getByRole('button', { name: 'End input' }).click();
  await waitState(page, 'halted');
  assert.equal(await outputText(page), 'one\ntwo\ngot two\n[end of input]\n[]\n');
  await prompt.waitFor({ state: 'hidden' });
  noProblems(problems);
  await context.close();
});

test('output, errors and stack values with <b> and <script> stay text', async () => {
  const { context, page, problems } = await open();
  const markup = '<b>bold</b> <img src=x onerror="window.pwned=1"> <script>window.pwned=2</script>';
  const literal = markup.replace(/"/g, '\\"');
  await setProgram(page, `"${literal}" println\n"${literal}" dup cast_int\n`);
  await run(page);
  assert.equal(await stateOf(page), 'error');
  assert.equal(await outputText(page), markup + '\n');
  const out = page.locator('[data-testid=output]');
  assert.equal(await out.locator('b, img, script').count(), 0);
  assert.equal(await page.locator('[data-testid=error] b, [data-testid=error] img, [data-testid=stack] b, [data-testid=stack] img').count(), 0);
  assert.match(await page.locator('[data-testid=stack]').textContent(), /<b>bold<\/b>/);
  assert.equal(await page.evaluate(() => window.pwned), undefined);
  noProblems(problems);
  await context.close();
});

test('enormous output is capped with a note and the page stays usable', async () => {
  const { context, page, problems } = await open();
  await setProgram(page, 'loop:\n    "0123456789 <i>abcdef</i>" println\n    loop jmp\n');
  await run(page);
  assert.equal(await stateOf(page), 'error');
  assert.match(await page.locator('[data-testid=error]').textContent(), /output limit/);
  const text = await outputText(page);
  assert.ok(text.length <= (1 << 20) + 200, `${text.length} characters shown`);
  // Only the last 128 KiB stay in the page (more blocks its main thread to lay out).
  assert.match(text, /^\[[\d,]+ characters of earlier output are not shown\]\n0123456789 <i>abcdef<\/i>\n/, 'the view starts at a line\'s start');
  assert.ok(text.length <= 128 * 1024 + 200, `${text.length} characters shown`);
  assert.match(text, /\[output capped at 1,048,576 bytes: the program was stopped\]\n$/);
  await setProgram(page, '"fine" println');
  await run(page);
  assert.equal(await outputText(page), 'fine\n');
  noProblems(problems);
  await context.close();
});

test('a full Output panel: new output is laid out in blocks of its own, the text exact', async () => {
  // 1 to 30,000 at once (more than the 128 KiB the panel keeps), then 400 more, one a
  // millisecond: each frame appends a little to a full panel. In one text node each such
  // append laid out the whole panel again (70 to 300 ms a frame); in blocks ending at line
  // ends, only the last block is laid out (the long-task guard watches every frame).
  const { context, page, problems } = await open();
  const program = [
    '1',
    'loop:',
    '    dup println',
    '    dup 30000 > wait go if jmp',
    'wait:',
    '    1 sleep_ms',
    'go:',
    '    1 +',
    '    over over >= loop end if jmp',
    'end:',
    '    drop drop',
  ].join('\n');
  await setProgram(page, program, '30400');
  await run(page);
  assert.equal(await stateOf(page), 'halted');
  let all = '';
  for (let i = 1; i <= 30400; i++) all += `${i}\n`;
  const text = await outputText(page);
  const m = /^\[([\d,]+) characters of earlier output are not shown\]\n/.exec(text);
  assert.ok(m, text.slice(0, 100));
  const rest = text.slice(m[0].length);
  assert.equal(Number(m[1].replace(/,/g, '')) + rest.length, all.length);
  assert.ok(all.endsWith(rest), 'the end of the output is shown as printed');
  // The view starts at a line's start: its first line is a whole number.
  assert.ok(all.includes(`\n${rest.slice(0, rest.indexOf('\n') + 1)}`), `the view starts with ${JSON.stringify(rest.slice(0, 12))}`);
  // Full blocks off screen are skipped by layout; the last one never is, so a short
  // output is drawn wherever the panel is (also in a screenshot of the whole page).
  const skippable = await page.evaluate(() => [...document.querySelectorAll('[data-testid=output] .chunk')].map((c) => getComputedStyle(c).contentVisibility));
  assert.equal(skippable.at(-1), 'visible');
  assert.deepEqual(new Set(skippable.slice(0, -1)), new Set(['auto']));
  const blocks = await page.evaluate(() => [...document.querySelectorAll('[data-testid=output] .chunk')].map((c) => c.textContent));
  assert.equal(blocks.join(''), rest);
  assert.ok(blocks.length >= 20, `${blocks.length} blocks`);
  for (const b of blocks) {
    assert.ok(b.endsWith('\n'), 'a block ends at a line end');
    assert.ok(b.length <= 4096 + '30400\n'.length, `a block of ${b.length} characters`);
  }
  // Copying the whole panel gives the text, with no line added between blocks (the last
  // line end is left out, as the browser does for one text node in a <pre>).
  const copied = await page.evaluate(() => {
    const r = document.createRange();
    r.selectNodeContents(document.querySelector('[data-testid=output]'));
    getSelection().removeAllRanges();
    getSelection().addRange(r);
    return getSelection().toString();
  });
  assert.equal(copied, text.replace(/\n$/, ''));
  noProblems(problems);
  await context.close();
});

test('a runner that dies is replaced and the person is told', async () => {
  const { context, page, problems } = await open();
  const program = 'loop:\n    loop jmp\n';
  await setProgram(page, program);
  await page.click('[data-testid=run]');
  await waitState(page, 'running');
  await page.evaluate(() => window.playground.runner.worker.postMessage({ type: 'crash' }));
  await waitState(page, 'crashed');
  const banner = page.locator('#banner');
  await banner.waitFor({ state: 'visible' });
  assert.match(await banner.textContent(), /stopped unexpectedly.*still in the editor/s);
  assert.equal(await editorText(page), program);
  await page.waitForFunction(() => window.playground.runner.ready);
  await setProgram(page, '"back" println');
  await run(page);
  assert.equal(await outputText(page), 'back\n');
  // What was typed after the crash is kept across a reload too.
  await page.reload();
  await ready(page);
  assert.equal(await editorText(page), '"back" println');
  noProblems(problems);
  await context.close();
});

test('long strings: the panels show a few hundred characters and the size; Copy and Expand give the rest', async () => {
  const { context, page, problems } = await open();
  await context.grantPermissions(['clipboard-read', 'clipboard-write']);
  await setProgram(page, '"x" loop: dup concat loop jmp');
  await run(page);
  assert.equal(await stateOf(page), 'error');
  const error = page.locator('[data-testid=error]');
  assert.match(await error.textContent(), /string too long/);
  // Two 16 MiB strings on the stack: each shown cut, with its size.
  const stack = page.locator('[data-testid=stack]');
  const text = await stack.textContent();
  assert.ok(text.length < 2000, `the Stack panel holds ${text.length} characters`);
  assert.equal(await stack.getByText('… 16,777,216 bytes in all').count(), 2);
  const top = stack.locator('li.top');
  assert.match(await top.locator('code').textContent(), /^"x{200}…"$/);
  // The error's stack line too.
  const errorText = await error.textContent();
  assert.ok(errorText.length < 5000, `the Errors panel holds ${errorText.length} characters`);
  assert.match(errorText, /data stack \(2 values, top last\): "x{200}…" \(16,777,216 bytes in all\) "x{200}…" \(16,777,216 bytes in all\)/);
  // Copy: the whole value, to the clipboard.
  await top.getByRole('button', { name: 'Copy' }).click();
  await top.getByText('Copied 16,777,216 bytes.').waitFor();
  const copied = await page.evaluate(async () => {
    const t = await navigator.clipboard.readText();
    return { length: t.length, onlyX: /^x+$/.test(t) };
  });
  assert.deepEqual(copied, { length: 16_777_216, onlyX: true });
  // Expand: a longer piece, drawn, still far from the whole.
  await top.getByRole('button', { name: 'Expand' }).click();
  await top.locator('code.val-expanded').waitFor();
  assert.match(await top.locator('code').textContent(), /^"x{20000}…"$/);
  assert.match(await top.textContent(), /the first 20,000 characters of 16,777,216 bytes; Copy takes all of it/);
  assert.equal(await top.getByRole('button', { name: 'Expand' }).count(), 0);
  // The page answers at once (the long-task guard checks that nothing blocked it).
  await setProgram(page, '"fine" println');
  await run(page);
  assert.equal(await outputText(page), 'fine\n');
  noProblems(problems);
  await context.close();
});

test('deep recursion shows a folded trace in the Errors panel', async () => {
  const { context, page, problems } = await open({ context: { viewport: { width: 390, height: 844 } } });
  // Long tasks of the page's main thread, from now on.
  await page.evaluate(() => {
    window.longTasks = [];
    new PerformanceObserver((list) => window.longTasks.push(...list.getEntries().map((e) => e.duration))).observe({ type: 'longtask' });
  });
  const error = page.locator('[data-testid=error]');
  const entries = error.locator('ol.trace li');
  for (const [source, folded] of [
    ['f: f call\n', /… 99,999 more identical frames/],
    ['a: b call\nb: a call\n', /… 99,980 frames left out/],
  ]) {
    await setProgram(page, source);
    await run(page);
    assert.equal(await stateOf(page), 'error');
    const text = await error.textContent();
    assert.match(text, /the return stack is limited to 100000 calls/);
    assert.match(text, /stack trace, innermost first \(100,000 calls\)/);
    assert.match(text, folded);
    assert.ok((await entries.count()) <= 2 * 10 + 2, `${await entries.count()} entries`);
    // Entries are numbered by their place among all the calls, and the numbers (up to
    // 100,001) stay inside the panel.
    const numbers = await page.evaluate(() => {
      const panel = document.querySelector('[data-testid=error]').getBoundingClientRect();
      return [...document.querySelectorAll('[data-testid=error] ol.trace .n')]
        .filter((n) => n.textContent)
        .map((n) => ({ text: n.textContent, left: n.getBoundingClientRect().left - panel.left }));
    });
    assert.equal(numbers.at(-1).text, '100,001', 'the main program is the last of 100,001 entries');
    for (const n of numbers) assert.ok(n.left >= 0, `number ${n.text} sticks out by ${-n.left} px`);
  }
  await page.screenshot({ path: path.join(SHOTS, 'phone-deep-recursion.png'), fullPage: true });
  const longest = Math.max(0, ...(await page.evaluate(() => window.longTasks)));
  assert.ok(longest <= 100, `the main thread was blocked for ${longest} ms`);
  noProblems(problems);
  await context.close();
});

test('error texts say "error" once, an empty stack in words, and "1 step"', async () => {
  const { context, page, problems } = await open();
  const error = page.locator('[data-testid=error]');
  await setProgram(page, '1 "a" +\n');
  await run(page);
  const head = await error.locator('.err-head').textContent();
  assert.match(head, /^type error: `\+`/);
  assert.doesNotMatch(await error.textContent(), /error: type error/);
  await setProgram(page, 'return\n');
  await run(page);
  assert.match(await error.locator('.err-head').textContent(), /^error: return with no call/);
  assert.match(await error.textContent(), /the data stack is empty/);
  assert.doesNotMatch(await error.textContent(), /0 values/);
  await setProgram(page, 'stop\n');
  await run(page);
  assert.match(await status(page).textContent(), /exit code 0 · 1 step ·/);
  noProblems(problems);
  await context.close();
});

test('a runner module that cannot be loaded: the page says so, and Ctrl+Enter or F8 do not promise a run that never starts', async () => {
  const context = await newContext();
  await context.route(/\.wasm$/, (r) => r.abort());
  const page = await context.newPage();
  await page.goto(harness.url);
  await page.waitForSelector('.cm-content');
  await waitState(page, 'crashed');
  assert.match(await status(page).textContent(), /Could not load the runner/);
  assert.match(await page.locator('#banner').textContent(), /could not be loaded/);
  assert.equal(await page.locator('[data-testid=run]').isDisabled(), true);
  await page.locator('.cm-content').click();
  await page.keyboard.press('Control+Enter');
  await page.keyboard.press('F8');
  await page.keyboard.press('F11');
  await page.waitForTimeout(300);
  // Not "Loading the runner…, the program starts when it is ready": it never would.
  assert.equal(await stateOf(page), 'crashed');
  assert.match(await status(page).textContent(), /Could not load the runner/);
  await context.close();
});

test('the version is shown once', async () => {
  const { context, page, problems } = await open({ context: { viewport: { width: 1366, height: 900 } } });
  const v = (await page.locator('#version').textContent()).replace(/^v/, '');
  assert.match(v, /^\d+\.\d+\.\d+/);
  const text = await page.evaluate(() => document.body.innerText);
  assert.equal(text.split(v).length - 1, 1, 'the version is shown once');
  noProblems(problems);
  await context.close();
});
