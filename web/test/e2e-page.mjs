// The helpers of the page's end-to-end test files (test/e2e-*.test.mjs) that drive the
// page: its Status, a program put in the editor and run, the debugger's steps, Share, the
// panels' contents. `harnessTools(harness)` gives those that need the browser or the
// server of e2e-harness.mjs. Not a test file: the runner takes `test/*.test.mjs` only.

import assert from 'node:assert/strict';
import fs from 'node:fs';
import path from 'node:path';
import { spawnSync } from 'node:child_process';
import { encodeState } from '../src/share.js';
import { WEB } from './e2e-harness.mjs';

/** The example programs (examples/*.svm). */
export const EXAMPLES = path.join(WEB, '..', 'examples');

export const status = (page) => page.locator('[data-testid=status]');
export const stateOf = (page) => status(page).getAttribute('data-state');

export async function waitState(page, states, timeout = 15_000) {
  await page.waitForFunction(
    (s) => s.includes(document.querySelector('[data-testid=status]').dataset.state),
    [].concat(states),
    { timeout },
  );
}

/** Clicks Stop and measures, inside the page, the time until the status says so (ms). */
export function measureStop(page) {
  return page.evaluate(
    () =>
      new Promise((resolve) => {
        const el = document.querySelector('[data-testid=status]');
        const t0 = performance.now();
        const obs = new MutationObserver(() => {
          if (el.dataset.state === 'stopped') {
            obs.disconnect();
            resolve(performance.now() - t0);
          }
        });
        obs.observe(el, { attributes: true, childList: true, subtree: true });
        document.querySelector('[data-testid=stop]').click();
      }),
  );
}

/** Puts a program in the editor (one undoable change) and fills args and input. */
export async function setProgram(page, source, args = '', stdin = '') {
  await page.evaluate((s) => window.playground.editor.setDoc(s), source);
  await page.fill('[data-testid=args]', args);
  await page.fill('[data-testid=stdin]', stdin);
}

export async function run(page, until = ['halted', 'error', 'compile-error', 'args-error']) {
  await page.click('[data-testid=run]');
  await waitState(page, until);
}

export const editorText = (page) => page.evaluate(() => window.playground.editor.text());
export const outputText = (page) => page.locator('[data-testid=output]').textContent();
export const selectedText = (page) =>
  page.evaluate(() => {
    const { state } = window.playground.editor.view;
    const r = state.selection.main;
    return state.sliceDoc(r.from, r.to);
  });

/** Clicks Share and returns the link it makes (encoding is asynchronous). */
export async function share(page) {
  await page.click('[data-testid=share]');
  await page.waitForFunction(() => document.querySelector('[data-testid=share-link]').value !== '');
  return page.inputValue('[data-testid=share-link]');
}

/** The line number element of `line` in the editor's gutter (a click toggles a breakpoint). */
export const lineNumber = (page, line) => page.locator('.cm-lineNumbers .cm-gutterElement', { hasText: new RegExp(`^${line}$`) });
export const breakpoints = (page) => page.evaluate(() => window.playground.editor.breakpoints());
export const pausedToken = (page) => page.locator('.cm-paused-token').textContent();
export const frameNames = (page) => page.locator('[data-testid=callstack] .cs-name').allTextContents();
export const stackValues = (page) => page.locator('[data-testid=stack] li code').allTextContents();
/** The line of the editor's selection, or of the element `selector` in the editor. */
export const lineOf = (page, selector) =>
  page.evaluate((sel) => {
    const view = window.playground.editor.view;
    const pos = sel ? view.posAtDOM(view.dom.querySelector(sel)) : view.state.selection.main.head;
    return view.state.doc.lineAt(pos).number;
  }, selector);

/**
 * Does a debugger action (a click or a key) and waits for the run to be paused again
 * (or in one of `states`) with a new status text: every step changes the step count.
 */
export async function debug(page, action, states = ['paused']) {
  const before = await status(page).textContent();
  if (action.startsWith('[')) await page.click(action);
  else await page.keyboard.press(action);
  await page.waitForFunction(
    ([b, s]) => {
      const el = document.querySelector('[data-testid=status]');
      return s.includes(el.dataset.state) && el.textContent !== b;
    },
    [before, states],
    { timeout: 15_000 },
  );
}

/** The messages the page posts to its runner, from now on. */
export async function recordRunMessages(page) {
  await page.evaluate(() => {
    window.sent = [];
    const w = window.playground.runner.worker;
    const post = w.postMessage.bind(w);
    w.postMessage = (m, ...rest) => {
      if (m && m.type === 'run') window.sent.push({ options: m.options, breakpoints: m.breakpoints, paused: m.paused });
      return post(m, ...rest);
    };
  });
  return () => page.evaluate(() => window.sent);
}

export function noProblems(problems) {
  assert.deepEqual(problems, [], 'console errors on the page');
}

// ---- the program, its arguments and input; saved programs; the page's polish ----------

/** Replaces the editor's text by typing, as a person does. */
export async function typeProgram(page, text) {
  await page.click('.cm-content');
  await page.keyboard.press('Control+A');
  await page.keyboard.type(text);
}

/** The kept program as stored (what a new tab opens). */
export const storedProgram = (page) =>
  page.evaluate(() => JSON.parse(localStorage.getItem(`simple-vm.program.${window.playground.saved.store.id}`) || 'null'));

/** Is the element fully inside the viewport? */
export const inView = (page, selector) =>
  page.locator(selector).evaluate((el) => {
    const r = el.getBoundingClientRect();
    return r.top >= 0 && r.bottom <= innerHeight && r.height > 0;
  });

// ---- the tour and the editing help (issue 13) -------------------------------------------

export const TOUR = path.join(WEB, 'tour');
/** A file of lesson `n` of web/tour/. */
export function lessonFile(n, file) {
  const dir = fs.readdirSync(TOUR).find((d) => d.startsWith(`${String(n).padStart(2, '0')}-`));
  return fs.readFileSync(path.join(TOUR, dir, file), 'utf8');
}
export const tourPanel = (page) => page.locator('[data-testid=tour]');
export const tourResult = (page) => page.locator('[data-testid=tour-result]');

/** Runs the program and waits for the tour's verdict on it: `passed` or `failed`. */
export async function runChecked(page) {
  await page.click('[data-testid=run]');
  await page.waitForFunction(() => ['passed', 'failed'].includes(document.querySelector('[data-testid=tour-result]')?.dataset.result));
  return tourResult(page).getAttribute('data-result');
}

// ---- the Compiled panel -----------------------------------------------------------------

/** The addresses of the instruction rows of the Compiled panel. */
export const disasmAddresses = (page) => page.locator('[data-testid=disasm] .disasm-row .disasm-addr').allTextContents();
/** The address of the Compiled panel's row with class `cls`, or null. */
export const disasmRowWith = (page, cls) =>
  page.evaluate((c) => document.querySelector(`[data-testid=disasm] .disasm-row.${c}`)?.dataset.address ?? null, cls);

// ---- the embeddable page (embed.html) and Format ------------------------------------------

// ---- My programs: the list, export, import, a full storage --------------------------------

/** Opens the My programs panel (if it is closed) and returns it. */
export async function programsPanel(page) {
  const panel = page.locator('[data-testid=programs]');
  if (!(await panel.isVisible())) await page.click('[data-testid=programs-toggle]');
  await panel.waitFor();
  return panel;
}

/** The names in My programs, in their order, the program open in this tab marked with `*`. */
export const programNames = (page) =>
  page.locator('[data-testid=programs] li').evaluateAll((lis) => lis.map((li) => (li.classList.contains('current') ? '*' : '') + li.querySelector('.program-name, input').textContent));

export const programRow = (page, name) => page.locator('[data-testid=programs] li', { has: page.locator('.program-name', { hasText: new RegExp(`^${name.replace(/[()]/g, '\\$&')}$`) }) });

/** Waits until the program's pending save is written. */
export const saved = (page) => page.waitForFunction(() => !window.playground.saved.timer);

// ---- the timeline: the stack over time ----------------------------------------------------

/**
 * What the command-line interpreter says of a run, step by step: `svm --trace` prints,
 * before each instruction, its position, its text and the stack (bottom first). Entry `k`
 * (from 0) is the instruction of step k + 1 and the stack after step k.
 */
export function cliTrace(file, args) {
  const r = spawnSync('cargo', ['run', '-q', '-p', 'vm-cli', '--', '--trace', file, ...args], { cwd: path.join(WEB, '..'), encoding: 'utf8' });
  assert.equal(r.status, 0, r.stderr);
  return r.stderr
    .split('\n')
    .map((l) => l.match(/^\s*\d+\s+\d+\s+(\d+):(\d+)\s+(.+?)\s+\[(.*)\]$/))
    .filter(Boolean)
    .map(([, line, column, instr, stack]) => ({ line: Number(line), column: Number(column), instr, stack }));
}

export const timelineAt = (page) => page.locator('.timeline-at').textContent();
/** The selected step's stack as the timeline draws it: its chips, bottom first. */
export const timelineStack = (page) => page.locator('[data-testid=timeline] [aria-current=step] .chip').allTextContents();
/** The output marked as printed so far (the CSS highlight of the Output panel). */
export const printedMark = (page) =>
  page.evaluate(() => {
    const h = CSS.highlights.get('svm-printed');
    return h ? [...h].map((r) => r.toString()).join('') : '';
  });

export async function scrubTo(page, step) {
  await page.locator('[data-testid=timeline-slider]').fill(String(step));
  await page.waitForFunction((s) => document.querySelector('.timeline-at').textContent.startsWith(`Step ${s.toLocaleString('en-US')} of`), step);
}


/** The helpers that need the harness (e2e-harness.mjs `pageHarness`): its browser, server and guard. */
export function harnessTools(harness) {
  /** A page in an existing context (another tab of the same browser), ready. */
  async function openTab(context, url = harness.url) {
    const page = await context.newPage();
    const problems = [];
    page.on('console', (m) => m.type() === 'error' && problems.push(m.text()));
    page.on('pageerror', (e) => problems.push(e.message));
    await page.goto(url);
    await harness.ready(page);
    return { page, problems };
  }

  /**
   * axe-core in `page` (opened with `bypassCSP`: the page's Content-Security-Policy refuses
   * its script). `check(what)` asserts no violation of its default rules; `timed(work)`;
   * `done()` leaves out of the long-task guard the tasks that fell within axe's work and the
   * screenshots taken with `timed`: axe-core's own work (evaluating its 500 KB script, then
   * each check: 150-250 ms on the page's main thread) is the test's, not the page's.
   */
  async function axeOn(page, colorScheme) {
    const AXE = path.join(WEB, 'node_modules', 'axe-core', 'axe.min.js');
    // The page's own origin: the harness's server, or another one (a test's redeployed
    // copy of the build, say), whose tasks axe's windows apply to just the same.
    const origin = new URL(page.url()).origin;
    const windows = [];
    const timed = async (work) => {
      const from = await page.evaluate(() => performance.now());
      const result = await work();
      windows.push([from, await page.evaluate(() => performance.now())]);
      return result;
    };
    await timed(() => page.addScriptTag({ path: AXE }));
    return {
      timed,
      async check(what) {
        const { violations } = await timed(() => page.evaluate(() => window.axe.run(document, { resultTypes: ['violations'] })));
        const found = violations.map((v) => `${v.id} (${v.impact}): ${v.nodes.map((n) => `${n.target.join(' ')} ${n.failureSummary}`).join('; ')}`);
        assert.deepEqual(found, [], `${colorScheme}, ${what}`);
      },
      async done() {
        await page.waitForTimeout(300); // the last long tasks reach the test process
        const outside = (l) => windows.every(([from, to]) => l.start + l.duration < from - 1 || l.start > to + 1);
        harness.keepLongTasks((l) => !l.url.startsWith(origin) || l.startUp || outside(l));
      },
    };
  }

  /** Opens embed.html with `program` ({ source, args, stdin }) in its fragment; `fragment` too. */
  async function openEmbed(program, options = {}) {
    const fragment = await encodeState({ args: '', stdin: '', ...program });
    return { ...(await harness.open({ at: `embed.html#${fragment}`, ...options })), fragment };
  }

  return { openTab, axeOn, openEmbed };
}
