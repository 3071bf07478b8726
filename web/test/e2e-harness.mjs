// The harness of the page's end-to-end test files (test/e2e-*.test.mjs): headless
// Chromium (playwright-core, /usr/bin/chromium unless CHROMIUM names another) against a
// build of the page served by serve.mjs on a free port, the long-task guard, and the
// figures of the run (budgets.json).
//
// The long-task guard: the page never blocks its main thread for more than 100 ms,
// whatever the program does. Every context opened here records the page's long tasks (a
// PerformanceObserver of `longtask` entries, installed before any script of the page
// runs, reported to the test process so that reloads and navigations lose nothing). Each
// test also traces the browser (CDP, category `toplevel`). After each test, a task over
// 100 ms once the page is ready fails it, unless the trace shows that its main-thread
// task ran less than that on its thread (the machine was busy: printed, not failed);
// one not found in the trace fails it. Start-up tasks are printed, not asserted here.
//
// A long task is wall-clock time. On a shared machine (2 cores, load average 8-12) the
// page's main thread waits for a core, and a task of 37 ms of its own took 150 ms of wall
// time: hence the trace. Start-up (evaluating the bundle, building the editor,
// highlighting the operations) is measured, not asserted here: its tasks take 50-95 ms
// each on the idle development machine, so their wall time goes over 100 ms as soon as
// the machine is shared (see web/README.md, "Budgets"; e2e-ui's start-up test asserts
// their thread time).
//
// The figures: a test file puts what it measures into `figures` (the sizes, Stop's
// time, ...); the harness adds the longest tasks of each phase, wall and thread time.
// After each file they are merged into web/screenshots/budgets.json with those of the
// other files of the same `node --test` run (the longest of the longest), so that the
// file holds the figures of the whole run.
//
// This file is not a test file: the runner takes `test/*.test.mjs` only.

import { before, after, beforeEach, afterEach } from 'node:test';
import assert from 'node:assert/strict';
import fs from 'node:fs';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { chromium } from 'playwright-core';
import { serve } from '../serve.mjs';

/** web/ */
export const WEB = path.dirname(path.dirname(fileURLToPath(import.meta.url)));
/** Where the tests put their screenshots (git-ignored). */
export const SHOTS = path.join(WEB, 'screenshots');
/** The page's build that the tests run against: web/dist, or the directory SVM_DIST names (another commit's build, to see a test fail there). */
export const DIST = process.env.SVM_DIST || path.join(WEB, 'dist');
/** The budget of a main-thread task once the page is ready. */
export const LONG_TASK_MS = 100;
/** The budgets the tests assert (web/README.md, "Budgets"). */
export const BUDGET = Object.freeze({ gzipBytes: 400 * 1024, wasmGzipBytes: 185_000, editorReadyMs: 1000, stopMs: 100, longTaskMs: LONG_TASK_MS });
/** The figures of budgets.json that are the longest of every file's, not the last file's. */
const LONGEST = ['longest_main_thread_task_ms', 'longest_main_thread_task_cpu_ms', 'longest_start_up_task_ms', 'longest_start_up_task_cpu_ms'];

/**
 * Merges `figures` into budgets.json: with the figures there when they are of the same
 * `node --test` run (the test files are its child processes: `run` is their parent's
 * process id), else in their place. A lock (a directory, made atomically) keeps two files
 * that end at once from losing each other's figures.
 */
export function writeBudgets(figures, { file = path.join(SHOTS, 'budgets.json'), run = process.ppid } = {}) {
  const lock = `${file}.lock`;
  const wait = new Int32Array(new SharedArrayBuffer(4));
  for (let tries = 0; ; tries++) {
    try {
      fs.mkdirSync(lock);
      break;
    } catch (e) {
      if (e.code !== 'EEXIST') throw e;
      // A lock left by a killed run is taken after 2 s.
      if (tries >= 200) break;
      Atomics.wait(wait, 0, 0, 10);
    }
  }
  try {
    let merged = { ...figures };
    try {
      const before = JSON.parse(fs.readFileSync(file, 'utf8'));
      if (before.run === run) {
        merged = { ...before, ...figures };
        for (const k of LONGEST) if (k in before || k in figures) merged[k] = Math.max(before[k] ?? 0, figures[k] ?? 0);
      }
    } catch {
      // none yet, or not readable: this file's figures start it
    }
    merged.run = run;
    fs.writeFileSync(`${file}.tmp`, JSON.stringify(merged, null, 2) + '\n');
    fs.renameSync(`${file}.tmp`, file);
    return merged;
  } finally {
    fs.rmSync(lock, { recursive: true, force: true });
  }
}

/** The tasks of the pages' main threads over 50 ms in `tracer`'s trace: [{ wall, cpu }] in ms. */
async function mainThreadTasks(tracer) {
  const done = new Promise((resolve) => tracer.once('Tracing.tracingComplete', resolve));
  await tracer.send('Tracing.end');
  const { stream } = await done;
  const chunks = [];
  for (;;) {
    const c = await tracer.send('IO.read', { handle: stream });
    chunks.push(c.base64Encoded ? Buffer.from(c.data, 'base64').toString() : c.data);
    if (c.eof) break;
  }
  await tracer.send('IO.close', { handle: stream });
  const trace = JSON.parse(chunks.join(''));
  const events = trace.traceEvents || trace;
  const main = new Set(events.filter((e) => e.ph === 'M' && e.name === 'thread_name' && e.args.name === 'CrRendererMain').map((e) => `${e.pid}:${e.tid}`));
  return events
    .filter((e) => e.name === 'ThreadControllerImpl::RunTask' && e.dur > 50_000 && main.has(`${e.pid}:${e.tid}`))
    .map((e) => ({ wall: e.dur / 1000, cpu: (e.tdur ?? e.dur) / 1000 }));
}

/** Runs in the page, before its scripts: reports each long task to the test process. */
function recordLongTasks() {
  new PerformanceObserver((list) => {
    // The page is ready once the runner answered and the operations are highlighted.
    const marks = ['runner-ready', 'ops-ready'].map((m) => performance.getEntriesByName(m)[0]);
    const ready = marks.every(Boolean) ? Math.max(...marks.map((m) => m.startTime)) : Infinity;
    for (const e of list.getEntries()) {
      window.__svmLongTask({ duration: Math.round(e.duration), start: Math.round(e.startTime), startUp: e.startTime < ready, url: location.href });
    }
  }).observe({ type: 'longtask', buffered: true });
}

/**
 * Sets up the calling test file: the browser and the server before its tests, the trace
 * and the long-task guard around each. `dist`: the build to serve.
 */
export function pageHarness({ dist }) {
  let browser;
  let server;
  let tracer = null;
  /** Long tasks of the current test: { duration, start, startUp, url }. */
  let longTasks = [];
  /** The same, each with its thread time from the trace (`cpu`, null when not found), once the trace has ended. */
  let traced = null;
  /** What the file's tests measure, for budgets.json. */
  const figures = {};
  /** The longest tasks of the file (ms); `…Cpu`: the longest thread time of a task over LONG_TASK_MS that was found in the trace. */
  const longest = { startUp: 0, startUpCpu: 0, ready: 0, readyCpu: 0 };

  before(async () => {
    assert.ok(fs.existsSync(path.join(dist, 'index.html')), `${dist} is not built: run \`npm --prefix web run build\` first`);
    fs.mkdirSync(SHOTS, { recursive: true });
    server = await serve({ root: dist, port: 0 });
    browser = await chromium.launch({
      executablePath: process.env.CHROMIUM || '/usr/bin/chromium',
      headless: true,
      args: ['--no-sandbox', '--disable-gpu', '--disable-background-networking', '--disable-component-update', '--disable-sync', '--no-first-run'],
    });
  });

  after(async () => {
    await browser?.close();
    await server?.close();
    Object.assign(figures, {
      longest_main_thread_task_ms: longest.ready,
      longest_main_thread_task_cpu_ms: longest.readyCpu,
      longest_start_up_task_ms: longest.startUp,
      longest_start_up_task_cpu_ms: longest.startUpCpu,
    });
    const all = writeBudgets(figures);
    console.log('# budgets:', JSON.stringify(all));
  });

  beforeEach(async () => {
    longTasks = [];
    traced = null;
    tracer = await browser.newBrowserCDPSession();
    await tracer.send('Tracing.start', { categories: 'toplevel', transferMode: 'ReturnAsStream' });
  });

  /** Ends the trace (once) and gives each long task of the test its thread time. */
  async function traceLongTasks() {
    if (traced) return traced;
    const tasks = await mainThreadTasks(tracer);
    await tracer.detach();
    traced = longTasks.map((l) => {
      // The task of the trace it was: the traced task nearest in length, from 3 ms shorter
      // to 8 ms longer. The observer rounds to 1 ms and measures the task from its own
      // clock: on a busy machine its times were seen 4 ms short of the trace's (111 ms
      // observed, 115 ms traced). (Not any longer task: the trace has every task of the
      // test, a start-up's of another load too.)
      const near = tasks.filter((k) => k.wall >= l.duration - 3 && k.wall <= l.duration + 8);
      const match = near.sort((a, b) => Math.abs(a.wall - l.duration) - Math.abs(b.wall - l.duration) || b.cpu - a.cpu)[0];
      return { ...l, cpu: match ? Math.round(match.cpu) : null };
    });
    return traced;
  }

  afterEach(async (t) => {
    const slow = (await traceLongTasks()).filter((l) => l.duration > LONG_TASK_MS);
    for (const l of slow) {
      const phase = l.startUp ? 'startUpCpu' : 'readyCpu';
      if (l.cpu !== null) longest[phase] = Math.max(longest[phase], l.cpu);
    }
    const startUp = slow.filter((l) => l.startUp);
    if (startUp.length) console.log(`# start-up tasks over ${LONG_TASK_MS} ms in "${t.name}" (not asserted here):`, JSON.stringify(startUp));
    const over = slow.filter((l) => !l.startUp && (l.cpu === null || l.cpu > LONG_TASK_MS));
    for (const l of slow.filter((x) => !x.startUp && !over.includes(x))) console.log(`# a task of ${l.duration} ms in "${t.name}" ran ${l.cpu} ms on its thread: the machine was busy`);
    if (over.length) {
      console.log(`# long tasks in "${t.name}":`, JSON.stringify(over));
      assert.fail(`the main thread was blocked for more than ${LONG_TASK_MS} ms: ${over.map((l) => `${l.duration} ms (${l.cpu ?? '?'} ms of CPU) at ${l.start} ms`).join(', ')}`);
    }
  });

  /** A fresh browser context (empty storage) whose pages report their long tasks. */
  async function newContext(options = {}) {
    const context = await browser.newContext({ viewport: { width: 1280, height: 800 }, ...options });
    await context.exposeFunction('__svmLongTask', (t) => {
      longTasks.push(t);
      const phase = t.startUp ? 'startUp' : 'ready';
      longest[phase] = Math.max(longest[phase], t.duration);
    });
    await context.addInitScript(recordLongTasks);
    return context;
  }

  /** Waits until the page is ready: the editor, the runner and a shared program loaded. */
  async function ready(page) {
    await page.waitForSelector('.cm-content');
    await page.waitForFunction(() => window.playground?.runner?.ready === true);
    await page.evaluate(() => window.playground.shareLoaded);
  }

  /**
   * A fresh context and page at `at` (a hash such as `#tour/5`, or a page such as
   * `embed.html`), ready unless `wait` is false; `problems` collects console errors.
   */
  async function open({ at = '', context: ctxOptions = {}, wait = true } = {}) {
    const context = await newContext(ctxOptions);
    const page = await context.newPage();
    const problems = [];
    page.on('console', (m) => m.type() === 'error' && problems.push(m.text()));
    page.on('pageerror', (e) => problems.push(e.message));
    await page.goto(server.url + at);
    if (wait) await ready(page);
    return { context, page, problems };
  }

  return {
    open,
    ready,
    newContext,
    traceLongTasks,
    /** What the tests measure (name: number), written to budgets.json after the file. */
    figures,
    /** How many long tasks this test has recorded so far. */
    longTaskCount: () => longTasks.length,
    /** The long tasks of this test that `keep` keeps (the others are not judged). */
    keepLongTasks(keep) {
      longTasks = longTasks.filter(keep);
    },
    /** The server's address. */
    get url() {
      return server.url;
    },
  };
}
