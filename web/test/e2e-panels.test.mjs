// End-to-end tests of the playground in Chromium: the Profile, Compiled, WebAssembly and Reference panels.
// The browser, the server, the long-task guard and budgets.json are e2e-harness.mjs's;
// the helpers that drive the page are e2e-page.mjs's.
//
//   npm --prefix web run build && node --test web/test/e2e-panels.test.mjs

import { test } from 'node:test';
import assert from 'node:assert/strict';
import path from 'node:path';
import { pageHarness, DIST, SHOTS } from './e2e-harness.mjs';
import { status, waitState, setProgram, run, outputText, selectedText, share, lineNumber, pausedToken, debug, recordRunMessages, noProblems, disasmAddresses, disasmRowWith, harnessTools } from './e2e-page.mjs';

const harness = pageHarness({ dist: DIST });
const { open } = harness;
const { axeOn } = harnessTools(harness);

test('profile: a flame graph of fib by call path; frames go to their labels; heat marks', async () => {
  const { context, page, problems } = await open();
  const sent = await recordRunMessages(page);
  await page.selectOption('[data-testid=examples]', 'fib');
  // The normal Run is the fast path: no history, no profile, the WebAssembly tier.
  await run(page);
  assert.deepEqual((await sent()).at(-1).options, { maxOutput: 1 << 20, tier: true });
  assert.equal(await page.locator('.flame-frame').count(), 0);
  await page.fill('[data-testid=args]', '15');
  await page.click('[data-testid=profile-run]');
  await waitState(page, 'halted');
  assert.equal((await sent()).at(-1).options.profile, true);
  assert.equal((await sent()).at(-1).options.tier, undefined, 'a profiled run runs plain instructions');
  assert.equal(await outputText(page), '610\n');
  const profile = page.locator('[data-testid=profile]');
  await profile.locator('.flame-frame').first().waitFor();
  const frames = await profile.locator('.flame-frame').evaluateAll((els) =>
    els.map((e) => ({ name: e.dataset.name, depth: Number(e.dataset.depth), count: Number(e.dataset.count), width: e.getBoundingClientRect().width })),
  );
  // The call paths of the recursion: main;fib;recur;fib;recur;…;fib;base
  const at = (d) => frames.filter((f) => f.depth === d).map((f) => f.name);
  assert.deepEqual(at(0), ['main']);
  assert.deepEqual(at(1), ['fib']);
  assert.deepEqual(at(2), ['recur']);
  assert.deepEqual(at(3), ['fib']);
  assert.deepEqual([...new Set(frames.map((f) => f.name))].sort(), ['base', 'fib', 'main', 'recur']);
  assert.ok(Math.max(...frames.map((f) => f.depth)) >= 16);
  // Widths follow the counts.
  const [main] = frames;
  const total = Number((await page.locator('#profile-sum').textContent()).replace(/\D/g, ''));
  assert.equal(main.count, total);
  for (const f of frames.filter((f) => f.depth <= 3)) {
    assert.ok(Math.abs(f.width / main.width - f.count / main.count) < 0.01, JSON.stringify(f));
  }
  assert.match(await profile.locator('.flame-frame[data-name=recur]').first().getAttribute('title'), /^recur: [\d,]+ instructions \(\d+\.\d%\)/);
  // A frame goes to its label's definition.
  await profile.locator('.flame-frame[data-name=recur]').first().click();
  assert.equal(await selectedText(page), 'recur:');
  const bases = profile.locator('.flame-frame[data-name=base]');
  const widths = await bases.evaluateAll((els) => els.map((e) => e.getBoundingClientRect().width));
  await bases.nth(widths.indexOf(Math.max(...widths))).click();
  assert.equal(await selectedText(page), 'base:');
  // Heat marks in the gutter: the body of fib is the hottest line.
  const heat = page.locator('.cm-heat');
  assert.ok((await heat.count()) >= 5);
  const hottest = page.locator('.cm-heat-5');
  assert.ok((await hottest.count()) >= 1);
  assert.match(await hottest.first().getAttribute('title'), /^[\d,]+ instructions on this line \(\d+\.\d% of the run\)$/);
  assert.match(await profile.textContent(), /line 19: [\d,]+ \(4\d\.\d%\)/);
  // The screenshot: the editor with its heat marks and the flame graph below it.
  await page.evaluate(() => {
    document.querySelector('.flame-box').scrollTop = 0;
    window.scrollTo(0, 0);
  });
  await page.screenshot({ path: path.join(SHOTS, 'desktop-profile.png'), fullPage: true });
  noProblems(problems);
  await context.close();
});

test('profile by label: self and total instructions per label, sortable', async () => {
  const { context, page, problems } = await open();
  await page.selectOption('[data-testid=examples]', 'fib');
  await page.fill('[data-testid=args]', '15');
  await page.click('[data-testid=profile-run]');
  await waitState(page, 'halted');
  assert.equal(await page.locator('#profile-panel').isVisible(), true);
  const profile = page.locator('[data-testid=profile]');
  await profile.getByRole('button', { name: 'By label' }).click();
  const table = profile.locator('table.by-label');
  await table.waitFor();
  assert.equal(await profile.locator('.flame').isVisible(), false);
  const rows = async () =>
    table.locator('tbody tr').evaluateAll((trs) =>
      trs.map((tr) => ({ name: tr.dataset.name, self: Number(tr.cells[1].dataset.count), total: Number(tr.cells[2].dataset.count) })),
    );
  const all = await rows();
  const by = Object.fromEntries(all.map((r) => [r.name, r]));
  const total = Number((await page.locator('#profile-sum').textContent()).replace(/\D/g, ''));
  assert.deepEqual(Object.keys(by).sort(), ['base', 'fib', 'main', 'recur']);
  // Totals per label, not per call path: fib is everything under main's own part.
  assert.equal(by.main.total, total);
  assert.equal(by.fib.total, total - by.main.self);
  assert.equal(all.reduce((s, r) => s + r.self, 0), total);
  assert.ok(by.recur.total < by.fib.total && by.recur.total > by.recur.self);
  assert.equal(by.base.self, by.base.total);
  // Sorted by total at first; a click on a column sorts by it, again reverses it.
  assert.deepEqual(all.map((r) => r.total), [...all.map((r) => r.total)].sort((x, y) => y - x));
  await table.getByRole('button', { name: 'Self' }).click();
  let selfs = (await rows()).map((r) => r.self);
  assert.deepEqual(selfs, [...selfs].sort((x, y) => y - x));
  assert.equal(await table.locator('th[aria-sort=descending]').textContent(), 'Self ▼');
  await table.getByRole('button', { name: 'Self' }).click();
  selfs = (await rows()).map((r) => r.self);
  assert.deepEqual(selfs, [...selfs].sort((x, y) => x - y));
  await table.getByRole('button', { name: 'Label' }).click();
  assert.deepEqual((await rows()).map((r) => r.name), ['base', 'fib', 'main', 'recur']);
  // A label goes to its definition.
  await table.getByRole('button', { name: 'recur' }).click();
  assert.equal(await selectedText(page), 'recur:');
  // The flame graph is one click away.
  await profile.getByRole('button', { name: 'Flame graph' }).click();
  assert.equal(await profile.locator('.flame').isVisible(), true);
  assert.equal(await table.isVisible(), false);
  noProblems(problems);
  await context.close();
});

test('the Compiled panel: addresses, labels, hover both ways, the paused instruction, jump targets', async () => {
  const { context, page, problems } = await open();
  const source = 'start:\n    1 2 + println\n    end jmp\nend:\n';
  await setProgram(page, source);
  await page.click('[data-testid=disasm-toggle]');
  const panel = page.locator('[data-testid=disasm]');
  await panel.locator('div.disasm-row').first().waitFor();
  // Before any run: the editor's program, as `svm --disasm` shows it.
  assert.deepEqual(await disasmAddresses(page), ['1', '2', '3', '4', '5', '6', '8']);
  assert.deepEqual(await panel.locator('.disasm-row .disasm-pos').allTextContents(), ['2:5', '2:7', '2:9', '2:11', '3:5', '3:9', '']);
  assert.deepEqual(await panel.locator('.disasm-label').allTextContents(), ['start: address 1', 'end: address 8']);
  assert.equal(await page.locator('#compiled-sum').textContent(), '6 instructions, 8 tokens, 2 labels, 0 strings');
  await run(page);
  assert.equal(await outputText(page), '3\n');
  assert.deepEqual(await disasmAddresses(page), ['1', '2', '3', '4', '5', '6', '8']);

  // Hovering a row marks its token in the editor.
  await panel.locator('div.disasm-row[data-address="4"]').hover();
  assert.equal(await page.locator('.cm-disasm-linked').textContent(), 'println');
  await panel.locator('div.disasm-row[data-address="6"]').hover();
  assert.equal(await page.locator('.cm-disasm-linked').textContent(), 'jmp');
  // Hovering a token in the editor marks its row.
  const hoverToken = async (text) => {
    // (the page may still be scrolling to the Status after Run: wait until it is still)
    await page.evaluate(() => window.scrollTo({ top: 0, behavior: 'instant' }));
    const box = await page.evaluate((t) => {
      const view = window.playground.editor.view;
      const pos = view.state.doc.toString().indexOf(t) + 1;
      const c = view.coordsAtPos(pos);
      return { x: c.left + 1, y: (c.top + c.bottom) / 2 };
    }, text);
    await page.mouse.move(box.x, box.y);
  };
  await hoverToken('+');
  assert.equal(await disasmRowWith(page, 'disasm-linked'), '3');
  await hoverToken('end jmp');
  assert.equal(await disasmRowWith(page, 'disasm-linked'), '5');
  // Clicking a row selects its token.
  await panel.locator('div.disasm-row[data-address="2"]').click();
  assert.equal(await selectedText(page), '2');

  // Paused: the next instruction's row is marked, and follows the steps.
  await lineNumber(page, 3).click();
  await run(page, ['paused']);
  assert.equal(await disasmRowWith(page, 'disasm-paused'), '5');
  await debug(page, '[data-testid=step]');
  assert.equal(await disasmRowWith(page, 'disasm-paused'), '6');
  assert.equal(await pausedToken(page), 'jmp');
  await panel.locator('div.disasm-row[data-address="3"]').hover();
  await page.screenshot({ path: path.join(SHOTS, 'compiled.png'), fullPage: true });

  // A jump target goes to its row: `end` pushes address 8, the end of the program.
  await panel.getByRole('button', { name: 'end (address 8)' }).click();
  assert.equal(await disasmRowWith(page, 'disasm-jumped'), '8');
  assert.equal(await disasmRowWith(page, 'disasm-linked'), '8');
  await debug(page, '[data-testid=step]', ['halted']);
  assert.equal(await disasmRowWith(page, 'disasm-paused'), null);

  // A program that does not compile says so; the next good one is shown again.
  await setProgram(page, '1 nope println\n');
  await run(page);
  assert.match(await panel.textContent(), /does not compile \(1 error\)/);
  noProblems(problems);
  await context.close();
});

test('the Compiled panel of a large program draws a page of rows and says how many there are', async () => {
  const { context, page, problems } = await open();
  const source = Array.from({ length: 20_000 }, (_, i) => `${i} drop`).join('\n') + '\n';
  await setProgram(page, source);
  await page.click('[data-testid=disasm-toggle]');
  const panel = page.locator('[data-testid=disasm]');
  await panel.locator('div.disasm-row').first().waitFor();
  assert.equal(await panel.locator('div.disasm-row').count(), 500);
  assert.match(await page.locator('.disasm-more').textContent(), /… 39,501 more rows \(40,001 in all\)\. Show 500 more/);
  await page.getByRole('button', { name: 'Show 500 more' }).click();
  // (The rows are made by the worker: they come a moment later.)
  await page.waitForFunction(() => document.querySelectorAll('[data-testid=disasm] div.disasm-row').length >= 1000);
  assert.equal(await panel.locator('div.disasm-row').count(), 1000);
  assert.equal(await page.locator('#compiled-sum').textContent(), '40,000 instructions, 40,000 tokens, 0 labels, 0 strings');
  // The panel shows the editor's text as it is when opened.
  await page.click('[data-testid=disasm-toggle]');
  await setProgram(page, '"a" "b" concat\n');
  await page.click('[data-testid=disasm-toggle]');
  await page.waitForFunction(() => document.querySelector('#compiled-sum').textContent.startsWith('3 instructions'));
  assert.deepEqual(await disasmAddresses(page), ['0', '1', '2', '3']);
  assert.equal(await page.locator('#compiled-sum').textContent(), '3 instructions, 3 tokens, 0 labels, 2 strings');
  // Paused further down than the rows drawn: pages are drawn (a task each) down to it.
  await setProgram(page, source);
  await page.evaluate(() => window.playground.editor.setBreakpoints([1500]));
  await run(page, ['paused']);
  await page.locator('[data-testid=disasm] .disasm-paused').waitFor();
  assert.equal(await disasmRowWith(page, 'disasm-paused'), '2998');
  assert.equal(await panel.locator('div.disasm-row').count(), 3000);
  await page.click('[data-testid=stop]');
  await waitState(page, 'stopped');
  noProblems(problems);
  await context.close();
});

test('the WebAssembly tier: Run says it compiled fib and its share of the steps; the WebAssembly panel shows the module, a function per label', async () => {
  const { context, page, problems } = await open();
  await page.selectOption('[data-testid=examples]', 'fib');
  await page.fill('[data-testid=args]', '20');
  await run(page);
  assert.equal(await outputText(page), '6765\n');
  const text = await status(page).textContent();
  assert.match(text, /Halted.*exit code 0 · [\d,]+ steps · .* · compiled: 5 blocks in [\d.<]+ [m ]*s, (9\d%|all) of the steps ran compiled/, text);
  // The panel is made by the worker only when opened.
  assert.equal(await page.locator('[data-testid=wasm] pre').count(), 0);
  await page.click('[data-testid=disasm-toggle]');
  await page.click('[data-testid=wasm-toggle]');
  const wasm = page.locator('[data-testid=wasm-text]');
  await wasm.waitFor();
  assert.match(await page.locator('#wasm-sum').textContent(), /^3 functions, 5 blocks, [\d,]+ bytes$/);
  const code = await wasm.textContent();
  assert.match(code, /^\(module\n {2}\(import "env" "memory"/);
  for (const label of ['main', 'fib', 'recur']) assert.ok(code.includes(`(func $${label} (param $block i32) (param $ret_below i32)`), label);
  assert.deepEqual(await page.locator('.wasm-functions button').allTextContents(), ['main', 'fib', 'recur']);
  await page.locator('.wasm-functions button', { hasText: 'recur' }).click();
  const shown = await page.evaluate(() => {
    const box = document.querySelector('.wasm-text');
    const pre = box.querySelector('pre[data-name="recur"]');
    return pre.offsetTop - box.offsetTop - box.scrollTop;
  });
  assert.ok(Math.abs(shown) < 2, `recur's function is at the top of the panel (${shown} px off)`);
  // A debug run runs plain instructions: its status says nothing of the tier.
  await lineNumber(page, 3).click();
  await run(page, ['paused']);
  await page.click('[data-testid=stop]');
  await waitState(page, 'stopped');
  assert.doesNotMatch(await status(page).textContent(), /compiled/);
  await lineNumber(page, 3).click();
  // An edit is followed: a new label, a new function; a program that does not compile says so.
  await setProgram(page, '5 sq call println stop\nsq:\n    dup * return\n');
  await page.waitForFunction(() => document.querySelector('.wasm-text')?.textContent.includes('(func $sq'));
  await setProgram(page, '1 nope println\n');
  await page.waitForFunction(() => /does not compile \(1 error\)/.test(document.querySelector('[data-testid=wasm]').textContent));
  // A huge module is cut, with its full size said.
  const big = Array.from({ length: 200 }, (_, i) => `l${i}: ${i} drop`).join('\n') + '\n';
  await setProgram(page, big);
  await page.locator('.wasm-more').waitFor({ timeout: 15_000 });
  const more = await page.locator('.wasm-more').textContent();
  const whole = /^… cut at 100,000 characters of ([\d,]+) in all/.exec(more);
  assert.ok(whole && Number(whole[1].replaceAll(',', '')) > 100_000, more);
  assert.equal((await page.locator('[data-testid=wasm-text]').textContent()).length, 100_000);
  noProblems(problems);
  await context.close();
  // At 390 px, light and dark: no horizontal scroll, the panel after a run.
  for (const colorScheme of ['light', 'dark']) {
    const { context, page, problems } = await open({ context: { viewport: { width: 390, height: 844 }, colorScheme, bypassCSP: true } });
    await page.selectOption('[data-testid=examples]', 'fib');
    await run(page);
    await page.click('[data-testid=disasm-toggle]');
    await page.click('[data-testid=wasm-toggle]');
    await page.locator('[data-testid=wasm-text]').waitFor();
    const widths = await page.evaluate(() => ({ scroll: document.documentElement.scrollWidth, client: document.documentElement.clientWidth }));
    assert.ok(widths.scroll <= widths.client, JSON.stringify(widths));
    const { check, timed, done } = await axeOn(page, colorScheme);
    await check('the WebAssembly panel open after a run');
    // The Compiled panel it was opened from closed: the WebAssembly panel stays.
    await page.click('[data-testid=disasm-toggle]');
    assert.equal(await page.locator('#wasm-panel').isVisible(), true);
    await page.evaluate(() => window.scrollTo(0, 0));
    await timed(() => page.screenshot({ path: path.join(SHOTS, `wasm-mobile${colorScheme === 'dark' ? '-dark' : ''}.png`), fullPage: true }));
    await done();
    noProblems(problems);
    await context.close();
  }
});

test('the Reference: syntax, idioms, operations with their stack effects, limits and errors; searched as you type', async () => {
  const { context, page, problems } = await open();
  await page.click('#ref-toggle');
  const panel = page.locator('#reference');
  await panel.locator('.ref-group').first().waitFor();
  assert.deepEqual(await panel.locator('.ref-group h3').allTextContents(), ['Syntax', 'Idioms', 'Operations', 'Limits', 'Errors']);
  // Every operation, with its stack effect, as ops() gives them.
  const all = await page.evaluate(() => [...document.querySelectorAll('#reference .op')].map((o) => [o.querySelector('.op-name').textContent, o.querySelector('.op-effect').textContent]));
  assert.equal(all.length, 32);
  assert.deepEqual(all.find(([name]) => name === 'rot'), ['rot', '( a b c -- b c a )']);
  assert.deepEqual(all.find(([name]) => name === 'if'), ['if', '( cond t f -- t|f )']);
  const entries = panel.locator('[data-testid=ref-entry]');
  assert.ok((await entries.count()) >= 25);
  assert.match(await panel.textContent(), /Conditional jumps: cond then else if jmp/);
  // The link to the whole document.
  assert.match(await page.getAttribute('[data-testid=ref-link]', 'href'), /^https:\/\/github\.com\/.+\/blob\/main\/docs\/language\.md$/);
  assert.equal(await page.getAttribute('[data-testid=ref-link]', 'target'), '_blank');

  // Typing filters: "escape" leaves the strings' entry (and what else mentions escapes).
  await page.locator('[data-testid=ref-search]').pressSequentially('escape');
  const visible = () => panel.locator('.ref-entry:visible dt').allTextContents();
  assert.ok((await visible()).includes('String'), JSON.stringify(await visible()));
  assert.ok(!(await visible()).includes('Loops'));
  assert.match(await panel.locator('.ref-entry:visible', { hasText: 'String' }).first().textContent(), /escapes `?\\"/);
  assert.deepEqual(await panel.locator('.ref-group:visible h3').allTextContents(), ['Syntax']);
  assert.match(await page.locator('#ref-found').textContent(), /^(1 entry|\d+ entries) found$/);
  await page.screenshot({ path: path.join(SHOTS, 'reference.png') });
  // An operation by its description; nothing; everything again.
  await page.fill('[data-testid=ref-search]', 'third value');
  assert.deepEqual(await visible(), ['rot ( a b c -- b c a )']);
  await page.fill('[data-testid=ref-search]', 'zzzz');
  assert.equal(await panel.locator('.ref-entry:visible').count(), 0);
  assert.equal(await page.locator('#ref-found').textContent(), 'Nothing found');
  await page.fill('[data-testid=ref-search]', '');
  assert.equal(await panel.locator('.ref-entry:visible').count(), (await entries.count()) + 32);
  noProblems(problems);
  await context.close();
});
