// What the page's kinds of run cost: examples/fib.svm with argument 25 (5.0 M steps) run
// by the npm package (Node.js build) plain, with `profile: true`, with `history: 10000`
// (a debug run) and with both; median wall time of 15 runs each after 5 to warm up, in slices of 1 M steps.
// Quoted in web/README.md ("The debugger and the profile").
//
//   scripts/npm-package.sh && node scripts/debug-cost.mjs [target/npm/pkg]
import { createRequire } from 'node:module';
import fs from 'node:fs';
import path from 'node:path';

const root = path.resolve(path.dirname(new URL(import.meta.url).pathname), '..');
const pkg = path.resolve(process.argv[2] || path.join(root, 'target/npm/pkg'));
const { Session } = createRequire(import.meta.url)(pkg);
const source = fs.readFileSync(path.join(root, 'examples/fib.svm'), 'utf8');

/** Milliseconds to run fib 25 to its end with these options, and its steps. */
function once(options) {
  const session = new Session(source, '25', options);
  const started = performance.now();
  let r;
  do r = session.run(1_000_000); while (r.status === 'paused');
  const ms = performance.now() - started;
  if (r.status !== 'halted' || r.output !== '75025\n') throw new Error(`fib 25: ${r.status} ${r.output}`);
  return { ms, steps: r.steps };
}

const median = (xs) => [...xs].sort((a, b) => a - b)[xs.length >> 1];
const kinds = { plain: {}, profile: { profile: true }, history: { history: 10_000 }, both: { profile: true, history: 10_000 } };
const times = {};
for (const [name, options] of Object.entries(kinds)) {
  for (let i = 0; i < 5; i++) once(options); // warm up (V8 tiers the module up)
  const runs = Array.from({ length: 15 }, () => once(options));
  times[name] = median(runs.map((r) => r.ms));
  console.log(`${name.padEnd(8)} ${times[name].toFixed(1).padStart(7)} ms  (${runs[0].steps} steps)`);
}
for (const name of ['profile', 'history', 'both']) console.log(`${name} / plain: ${(times[name] / times.plain).toFixed(1)}x`);
