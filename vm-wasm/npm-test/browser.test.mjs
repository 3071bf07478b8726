// The npm package @simple-vm/vm-wasm in a browser, as a web app gets it: installed into
// a new project (scripts/package-test.sh copies this file and browser/ there), then
//   1. bundled with esbuild for the browser (its `exports` conditions must pick the
//      browser build), the bundle and the package's .wasm served, run in headless Chromium;
//   2. loaded unbundled by `<script type=module>` through an import map.
// Needs WEB_MODULES (web/node_modules of the repository, for esbuild and playwright-core)
// and Chromium (/usr/bin/chromium unless CHROMIUM names another).
import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { createRequire } from 'node:module';
import fs from 'node:fs';
import http from 'node:http';
import path from 'node:path';

const ROOT = process.cwd();
const from = createRequire(path.join(process.env.WEB_MODULES, 'x.js'));
const esbuild = from('esbuild');
const { chromium } = from('playwright-core');
const PACKAGE = path.join(ROOT, 'node_modules', '@simple-vm', 'vm-wasm');
const version = JSON.parse(fs.readFileSync(path.join(PACKAGE, 'package.json'), 'utf8')).version;
const TYPES = { '.html': 'text/html', '.js': 'text/javascript', '.wasm': 'application/wasm' };

let server;
let browser;
let base;

before(async () => {
  server = http.createServer((req, res) => {
    const file = path.join(ROOT, decodeURIComponent(new URL(req.url, 'http://x').pathname));
    if (!file.startsWith(ROOT) || !fs.existsSync(file) || !fs.statSync(file).isFile()) {
      res.writeHead(404).end();
      return;
    }
    res.writeHead(200, { 'content-type': TYPES[path.extname(file)] ?? 'application/octet-stream' });
    fs.createReadStream(file).pipe(res);
  });
  await new Promise((resolve) => server.listen(0, '127.0.0.1', resolve));
  base = `http://127.0.0.1:${server.address().port}`;
  browser = await chromium.launch({ executablePath: process.env.CHROMIUM || '/usr/bin/chromium' });
});

after(async () => {
  await browser?.close();
  server?.close();
});

/** Opens a page of the project and returns what browser/app.js showed, and any errors. */
async function visit(page) {
  const tab = await browser.newPage();
  const errors = [];
  tab.on('pageerror', (e) => errors.push(String(e)));
  tab.on('console', (m) => m.type() === 'error' && errors.push(m.text()));
  await tab.goto(`${base}/${page}`);
  await tab.waitForFunction(() => document.querySelector('#result')?.textContent || null, null, {
    timeout: 20_000,
  }).catch(() => {});
  const text = await tab.locator('#result').textContent();
  await tab.close();
  assert.deepEqual(errors, [], `errors in ${page}`);
  return JSON.parse(text);
}

function expectRun(seen) {
  assert.equal(seen.build, 'web', 'the browser build was chosen');
  assert.equal(seen.version, version);
  assert.equal(seen.status, 'halted');
  assert.equal(seen.output, '6 * 7 = 42\n');
  assert.deepEqual(seen.stack, ['1', '2']);
  assert.equal(seen.diagnostic, '2:3 undefined label `foo` (1 reference)');
}

test('bundled by esbuild for the browser, it picks the browser build and runs a program', async () => {
  fs.mkdirSync(path.join(ROOT, 'bundled'), { recursive: true });
  const built = await esbuild.build({
    entryPoints: [path.join(ROOT, 'browser', 'app.js')],
    bundle: true,
    format: 'esm',
    platform: 'browser',
    outfile: path.join(ROOT, 'bundled', 'app.js'),
    metafile: true,
    logLevel: 'silent',
  });
  const inputs = Object.keys(built.metafile.inputs);
  assert.ok(inputs.some((f) => f.endsWith('vm-wasm/web/vm_wasm.js')), inputs.join('\n'));
  assert.ok(!inputs.some((f) => /vm-wasm\/vm_wasm\.js$/.test(f)), 'the Node.js build is not bundled');
  // The README's one step for a bundle: the .wasm beside it.
  fs.copyFileSync(path.join(PACKAGE, 'web', 'vm_wasm_bg.wasm'), path.join(ROOT, 'bundled', 'vm_wasm_bg.wasm'));
  fs.writeFileSync(
    path.join(ROOT, 'bundled', 'index.html'),
    '<!doctype html><title>bundled</title><link rel="icon" href="data:,"><pre id="result"></pre><script type="module" src="app.js"></script>\n',
  );
  expectRun(await visit('bundled/index.html'));
});

test('unbundled, a <script type=module> with an import map runs it', async () => {
  fs.writeFileSync(
    path.join(ROOT, 'unbundled.html'),
    `<!doctype html><title>unbundled</title><link rel="icon" href="data:,"><pre id="result"></pre>
<script type="importmap">{ "imports": { "@simple-vm/vm-wasm": "./node_modules/@simple-vm/vm-wasm/web/index.js" } }</script>
<script type="module" src="browser/app.js"></script>\n`,
  );
  expectRun(await visit('unbundled.html'));
});
