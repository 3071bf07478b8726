#!/usr/bin/env node
// Times the benchmark suite in the playground page itself, in headless Chromium and
// Firefox, beside the native `svm` on the same machine.
//
//   npm --prefix web run build          (the shipped page: wasm-opt'd module, minified)
//   cargo build --release -p vm-cli
//   node benches/browser.mjs [--warmup N] [--runs N] [--only NAME,...] [--browsers chromium,firefox]
//                            [--tier both|on|off] [--no-examples] [--size bench|compare]
//
// Each workload of benches/suite.tsv runs at its benchmark size (the `bench args` column,
// the size of its Criterion benchmark; with `--size compare`, at the size compare.sh times,
// where a run takes long enough that the page's own cost of a run weighs little) the way a person runs it: the program is put in
// the editor, its arguments in the Arguments field, and Run is clicked. `page` is the
// time from the click to the page having the result (the worker's `done` message
// handled: output, status and stack drawn), measured in the page with performance.now();
// `machine` is the time the worker spent in the machine (the run's `time_ms`, the sum of
// its slices). Each workload is run --warmup times (default 5), then timed --runs times
// (default 20); the tables give medians. Every run must print the table's answer.
//
// Run uses the WebAssembly tier (the program's blocks compiled into a WebAssembly module
// when the run starts). `--tier both` (the default) times each workload with it and without
// it (the page's Run with the session option `tier` left out: the interpreter), `on` or
// `off` one of the two. With the tier, `compile` is the time the worker took to make,
// compile and instantiate the module (the session's `tier().ms`) and `compiled` the share
// of the steps that ran in it. Then (unless --no-examples) each example of examples/ is run
// --runs times with its `# args:` and `# stdin:` and the median time to compile it is
// printed.
//
// The native figure is `svm --stats` (the run time it prints, which leaves out starting
// the process and compiling), the same number of warm-up and timed runs, medians.
//
// The browsers are driven over WebDriver (chromedriver from Debian's chromium-driver,
// geckodriver from cargo; both installed by scripts/setup.sh): no npm package needed.
// The processor and the browsers' versions are printed with the tables.

import { spawn, spawnSync, execFileSync } from 'node:child_process';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { serve } from '../web/serve.mjs';
import { readExamples } from '../web/build.mjs';

const ROOT = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '..');
const DIST = path.join(ROOT, 'web', 'dist');
const SVM = path.join(ROOT, 'target', 'release', 'svm');

function options(argv) {
  const o = { warmup: 5, runs: 20, only: null, browsers: ['chromium', 'firefox'], tiers: [true, false], examples: true, size: 'bench' };
  for (let i = 0; i < argv.length; i++) {
    const a = argv[i];
    const next = () => {
      if (i + 1 >= argv.length) throw new Error(`${a} needs a value`);
      return argv[++i];
    };
    if (a === '--warmup') o.warmup = Number(next());
    else if (a === '--runs') o.runs = Number(next());
    else if (a === '--only') o.only = next().split(',');
    else if (a === '--browsers') o.browsers = next().split(',');
    else if (a === '--no-examples') o.examples = false;
    else if (a === '--size') {
      o.size = next();
      if (!['bench', 'compare'].includes(o.size)) throw new Error(`--size ${o.size}: bench or compare`);
    }
    else if (a === '--tier') {
      const t = next();
      const tiers = { both: [true, false], on: [true], off: [false] }[t];
      if (!tiers) throw new Error(`--tier ${t}: both, on or off`);
      o.tiers = tiers;
    }
    else throw new Error(`unknown option ${a} (see the comment at the top of benches/browser.mjs)`);
  }
  if (!(o.runs >= 1) || !(o.warmup >= 0)) throw new Error('--runs must be at least 1 and --warmup at least 0');
  return o;
}

/**
 * The workloads of benches/suite.tsv: { name, program, args, answer }, at the bench size
 * (`size` 'bench') or at the size compare.sh times ('compare').
 */
function suite(only, size) {
  const rows = fs
    .readFileSync(path.join(ROOT, 'benches', 'suite.tsv'), 'utf8')
    .split('\n')
    .filter((l) => l && !l.startsWith('#'))
    .map((l) => l.split('\t'))
    .map(([name, program, bigArgs, bigAnswer, , args, answer]) =>
      size === 'compare' ? { name, program, args: bigArgs, answer: bigAnswer } : { name, program, args, answer },
    );
  const unknown = (only || []).filter((n) => !rows.some((r) => r.name === n));
  if (unknown.length) throw new Error(`no workload named ${unknown.join(', ')} in benches/suite.tsv`);
  return only ? rows.filter((r) => only.includes(r.name)) : rows;
}

/** What a program that prints `answer` prints (`seq`: the numbers 1 to n, one a line). */
function expected(answer, args) {
  if (answer !== 'seq') return `${answer}\n`;
  const n = Number(args);
  let s = '';
  for (let i = 1; i <= n; i++) s += `${i}\n`;
  return s;
}

/**
 * Does the Output panel's text show `want`? A long output is cut short at its start,
 * with a line that says how much is not shown; the rest must be `want`'s end.
 */
function printed(shown, want) {
  const m = /^\[([\d,]+) characters of earlier output are not shown\]\n/.exec(shown);
  if (!m) return shown === want;
  const cut = Number(m[1].replace(/,/g, ''));
  const rest = shown.slice(m[0].length);
  for (const tail of [rest, rest.replace(/^\n/, '')]) if (cut + tail.length === want.length && want.endsWith(tail)) return true;
  return false;
}

const median = (xs) => {
  const s = [...xs].sort((a, b) => a - b);
  const m = s.length >> 1;
  return s.length % 2 ? s[m] : (s[m - 1] + s[m]) / 2;
};

// ---- native ----------------------------------------------------------------------------

/** Median run time (ms) of `svm --stats` over `runs` runs, after `warmup`. */
function native(w, { warmup, runs }) {
  const times = [];
  for (let i = 0; i < warmup + runs; i++) {
    const r = spawnSync(SVM, ['--stats', path.join(ROOT, w.program), ...w.args.split(' ')], { encoding: 'utf8', maxBuffer: 1 << 30 });
    if (r.status !== 0 || r.stdout !== expected(w.answer, w.args)) throw new Error(`native ${w.name}: exit ${r.status}, ${r.stderr.slice(0, 300)}`);
    if (i >= warmup) times.push(statsTime(r.stderr));
  }
  return median(times);
}

/** The run time `svm --stats` printed (ms). */
function statsTime(stderr) {
  const m = /time:\s*([\d.]+)\s*(ms|s|µs)/.exec(stderr);
  if (!m) throw new Error(`svm --stats printed no time: ${stderr}`);
  return Number(m[1]) * { s: 1000, ms: 1, µs: 0.001 }[m[2]];
}

// ---- WebDriver ---------------------------------------------------------------------------

const DRIVERS = {
  chromium: {
    command: 'chromedriver',
    capabilities: {
      browserName: 'chrome',
      'goog:chromeOptions': { binary: '/usr/bin/chromium', args: ['--headless=new', '--no-sandbox', '--disable-gpu', '--window-size=1280,800'] },
    },
  },
  firefox: {
    command: 'geckodriver',
    capabilities: { browserName: 'firefox', 'moz:firefoxOptions': { args: ['-headless', '-width=1280', '-height=800'] } },
  },
};

/** Starts a driver on a free port; returns { session(path, body), quit(), version }. */
async function startBrowser(name) {
  const d = DRIVERS[name];
  const port = 9500 + Math.floor(Math.random() * 400);
  const proc = spawn(d.command, [`--port=${port}`], { stdio: 'ignore' });
  const base = `http://127.0.0.1:${port}`;
  const call = async (method, url, body) => {
    const r = await fetch(base + url, { method, headers: { 'Content-Type': 'application/json' }, body: body && JSON.stringify(body) });
    const j = await r.json();
    if (!r.ok) throw new Error(`${name}: ${method} ${url}: ${JSON.stringify(j.value).slice(0, 500)}`);
    return j.value;
  };
  for (let i = 0; ; i++) {
    try {
      await call('GET', '/status');
      break;
    } catch (e) {
      if (i > 100) throw new Error(`${d.command} did not start: ${e.message}`);
      await new Promise((r) => setTimeout(r, 100));
    }
  }
  const s = await call('POST', '/session', { capabilities: { alwaysMatch: d.capabilities } });
  const id = s.sessionId;
  await call('POST', `/session/${id}/timeouts`, { script: 600_000 });
  return {
    version: `${name} ${s.capabilities.browserVersion}`,
    go: (url) => call('POST', `/session/${id}/url`, { url }),
    script: (fn, ...args) => call('POST', `/session/${id}/execute/async`, { script: `(${fn}).apply(null, arguments)`, args }),
    quit: async () => {
      await call('DELETE', `/session/${id}`).catch(() => {});
      proc.kill();
    },
  };
}

// ---- in the page -------------------------------------------------------------------------

/** Waits until the page's runner is ready. (Runs in the page.) */
function pageReady(done) {
  const t0 = performance.now();
  const poll = () => {
    const p = window.playground;
    if (p && p.runner && p.runner.ready) return done(true);
    if (performance.now() - t0 > 30_000) return done(false);
    setTimeout(poll, 50);
  };
  poll();
}

/**
 * Runs `source` with `args` and `stdin` `warmup + runs` times, by clicking Run, with the
 * WebAssembly tier or (`tier` false) without it; returns the timed runs' { page, machine,
 * steps, output, compile, compiled } (ms; `compile` and `compiled`, the share of the steps
 * run in the module, with the tier). (Runs in the page.)
 */
function pageRuns(source, args, stdin, tier, warmup, runs, done) {
  const p = window.playground;
  p.editor.setDoc(source);
  // The page's Run asks for the tier: without it, the run's options leave it out.
  const runner0 = p.runner;
  const send = runner0.run;
  runner0.run = (msg) => {
    const options = { ...msg.options };
    if (!tier) delete options.tier;
    return send.call(runner0, { ...msg, options });
  };
  for (const [id, value] of [['args', args], ['stdin', stdin]]) {
    const el = document.querySelector(`[data-testid=${id}]`);
    el.value = value;
    el.dispatchEvent(new Event('input', { bubbles: true }));
  }
  const results = [];
  const once = () =>
    new Promise((resolve) => {
      const runner = p.runner;
      const handle = runner.onEvent;
      let t0 = 0;
      runner.onEvent = (msg) => {
        handle(msg);
        if (msg.type !== 'done' && msg.type !== 'setup-error') return;
        const page = performance.now() - t0;
        runner.onEvent = handle;
        const output = document.querySelector('[data-testid=output]').textContent;
        // The next run in a task of its own, after the page has drawn this one.
        const t = msg.tier;
        const compiled = t && !t.error ? t.steps / msg.steps : null;
        const r = { page, machine: msg.time_ms, steps: msg.steps, status: msg.status, output, compile: t ? t.ms : null, compiled, error: t && t.error };
        setTimeout(() => resolve(r), 0);
      };
      t0 = performance.now();
      document.querySelector('[data-testid=run]').click();
    });
  (async () => {
    for (let i = 0; i < warmup + runs; i++) {
      const r = await once();
      if (i >= warmup || r.status !== 'halted') results.push(r);
      if (r.status !== 'halted') break;
    }
    runner0.run = send;
    done(results);
  })();
}

// ---- main --------------------------------------------------------------------------------

async function main() {
  const o = options(process.argv.slice(2));
  if (!fs.existsSync(path.join(DIST, 'index.html'))) throw new Error('web/dist is not built: run `npm --prefix web run build` first');
  if (!fs.existsSync(SVM)) throw new Error('target/release/svm is not built: run `cargo build --release -p vm-cli` first');
  const workloads = suite(o.only, o.size);
  const cpu = (os.cpus()[0] || {}).model || 'unknown processor';
  const commit = execFileSync('git', ['-C', ROOT, 'rev-parse', '--short', 'HEAD'], { encoding: 'utf8' }).trim();
  console.log(`# ${new Date().toISOString().slice(0, 10)}, commit ${commit}, ${cpu}, ${os.cpus().length} cores`);
  const size = o.size === 'compare' ? 'the size compare.sh times' : 'their benchmark size';
  console.log(`# ${o.warmup} warm-up runs, then the median of ${o.runs}; workloads at ${size} (benches/suite.tsv)`);

  const table = new Map(workloads.map((w) => [w.name, { args: w.args, native: native(w, o) }]));
  const examples = o.examples ? readExamples() : [];
  const compiles = new Map(examples.map((e) => [e.name, {}]));
  const server = await serve({ root: DIST, port: 0 });
  const versions = [];
  try {
    for (const name of o.browsers) {
      if (!DRIVERS[name]) throw new Error(`unknown browser ${name}: chromium or firefox`);
      const b = await startBrowser(name);
      versions.push(b.version);
      try {
        await b.go(server.url);
        if (!(await b.script(pageReady))) throw new Error(`${name}: the page's runner was not ready within 30 s`);
        for (const w of workloads) {
          const source = fs.readFileSync(path.join(ROOT, w.program), 'utf8');
          for (const tier of o.tiers) {
            const rs = await b.script(pageRuns, source, w.args, '', tier, o.warmup, o.runs);
            const want = expected(w.answer, w.args);
            const bad = rs.find((r) => r.status !== 'halted' || !printed(r.output, want) || r.error);
            if (bad) throw new Error(`${name} ${w.name}: ${bad.status}, printed ${JSON.stringify(bad.output.slice(0, 200))}${bad.error ? `, tier: ${bad.error}` : ''}`);
            const m = (k) => median(rs.map((r) => r[k]));
            table.get(w.name)[`${name} ${tier}`] = { page: m('page'), machine: m('machine'), compile: tier ? m('compile') : null, compiled: tier ? m('compiled') : null };
            process.stderr.write(`${name} ${w.name} ${tier ? 'with' : 'without'} the tier done\n`);
          }
        }
        for (const e of examples) {
          const rs = await b.script(pageRuns, e.source, e.args, e.stdin, true, 1, o.runs);
          const bad = rs.find((r) => r.status !== 'halted' || r.error);
          if (bad) throw new Error(`${name} example ${e.name}: ${bad.status}${bad.error ? `, tier: ${bad.error}` : ''}`);
          compiles.get(e.name)[name] = median(rs.map((r) => r.compile));
        }
      } finally {
        await b.quit();
      }
    }
  } finally {
    await server.close();
  }

  console.log(`# ${versions.join(', ')}`);
  const fmt = (x) => (x >= 100 ? x.toFixed(0) : x >= 10 ? x.toFixed(1) : x.toFixed(2));
  const pct = (x) => `${(100 * x).toFixed(x > 0.995 && x < 1 ? 1 : 0)}%`;
  const both = o.tiers.length === 2;
  const cols = ['workload', 'args', 'native ms'];
  for (const b of o.browsers) {
    for (const tier of o.tiers) {
      const t = tier ? 'tier' : 'interpreter';
      cols.push(`${b} ${t} page ms`, `${b} ${t} machine ms`, `${b} ${t} page / native`);
      if (tier) cols.push(`${b} compile ms`, `${b} compiled`);
    }
    if (both) cols.push(`${b} interpreter / tier (page)`);
  }
  console.log(`| ${cols.join(' | ')} |`);
  console.log(`|${cols.map((c, i) => (i < 2 ? '---' : '---:')).join('|')}|`);
  const ratios = {};
  const ratio = (k, x) => (ratios[k] ||= []).push(x);
  for (const [name, row] of table) {
    const cells = [name, row.args, fmt(row.native)];
    for (const b of o.browsers) {
      for (const tier of o.tiers) {
        const r = row[`${b} ${tier}`];
        ratio(`${b} ${tier}`, r.page / row.native);
        cells.push(fmt(r.page), fmt(r.machine), `${(r.page / row.native).toFixed(2)}×`);
        if (tier) cells.push(fmt(r.compile), pct(r.compiled));
      }
      if (both) {
        const x = row[`${b} false`].page / row[`${b} true`].page;
        ratio(`${b} speed-up`, x);
        cells.push(`${x.toFixed(2)}×`);
      }
    }
    console.log(`| ${cells.join(' | ')} |`);
  }
  const geo = (xs) => Math.exp(xs.reduce((s, x) => s + Math.log(x), 0) / xs.length);
  const last = ['geometric mean', '', ''];
  for (const b of o.browsers) {
    for (const tier of o.tiers) {
      last.push('', '', `${geo(ratios[`${b} ${tier}`]).toFixed(2)}×`);
      if (tier) last.push('', '');
    }
    if (both) last.push(`${geo(ratios[`${b} speed-up`]).toFixed(2)}×`);
  }
  console.log(`| ${last.join(' | ')} |`);
  if (examples.length) {
    console.log(`\n# compiling each example for the tier (make, compile, instantiate the module), median of ${o.runs} runs, ms`);
    console.log(`| example | ${o.browsers.join(' | ')} |`);
    console.log(`|---|${o.browsers.map(() => '---:').join('|')}|`);
    for (const [name, row] of compiles) console.log(`| ${name} | ${o.browsers.map((b) => fmt(row[b])).join(' | ')} |`);
  }
}

main().catch((e) => {
  console.error(`browser.mjs: ${e.message}`);
  process.exit(1);
});
