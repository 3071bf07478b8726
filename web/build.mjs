#!/usr/bin/env node
// Builds the playground into web/dist/: the WebAssembly module of vm-wasm (wasm-pack),
// then the page's scripts and styles (esbuild), with content-hashed file names.
//
//   node build.mjs               build vm-wasm and the page (npm run build)
//   node build.mjs --skip-wasm   reuse web/pkg as it is
//   node build.mjs --dev         build, serve with live reload, rebuild on changes (npm run dev)

import { spawn } from 'node:child_process';
import crypto from 'node:crypto';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import * as esbuild from 'esbuild';
import { loadTour } from './src/tour-data.js';
import { extractReference } from './src/reference-data.js';
import { fieldsOf } from './src/svm-file.js';

const WEB = path.dirname(fileURLToPath(import.meta.url));
const ROOT = path.dirname(WEB);
const DIST = path.join(WEB, 'dist');
const PKG = path.join(WEB, 'pkg');
const EXAMPLES = path.join(ROOT, 'examples');
const TOUR = path.join(WEB, 'tour');
const LANGUAGE = path.join(ROOT, 'docs', 'language.md');

const argv = process.argv.slice(2);
const dev = argv.includes('--dev');
const skipWasm = argv.includes('--skip-wasm') || process.env.SVM_SKIP_WASM === '1';

const log = (...a) => console.log('build:', ...a);

// ---- vm-wasm --------------------------------------------------------------------------

function buildWasm() {
  const env = { ...process.env };
  const cargoBin = path.join(process.env.CARGO_HOME || path.join(os.homedir(), '.cargo'), 'bin');
  env.PATH = [path.join(WEB, 'node_modules', '.bin'), cargoBin, env.PATH].join(path.delimiter);
  const args = ['build', '--release', '--target', 'web', 'vm-wasm', '--out-dir', '../web/pkg'];
  log('wasm-pack', args.join(' '));
  return new Promise((resolve, reject) => {
    const p = spawn('wasm-pack', args, { cwd: ROOT, env, stdio: ['ignore', 'inherit', 'inherit'] });
    p.on('error', (e) => reject(new Error(`wasm-pack could not start (${e.message}); run scripts/setup.sh`)));
    p.on('exit', (code) => (code === 0 ? resolve() : reject(new Error(`wasm-pack failed with exit code ${code}`))));
  });
}

// ---- the examples, bundled from examples/*.svm ------------------------------------------

/** The examples of examples/, with the arguments and input their `# args:` and `# stdin:` comments give. */
export function readExamples(dir = EXAMPLES) {
  return fs
    .readdirSync(dir)
    .filter((f) => f.endsWith('.svm'))
    .sort()
    .map((f) => {
      const source = fs.readFileSync(path.join(dir, f), 'utf8');
      const first = source.split('\n').find((l) => l.startsWith('#')) || '';
      const title = first.replace(/^#\s*/, '').replace(/[.:].*$/, '') || f;
      return { name: f.replace(/\.svm$/, ''), title, source, ...fieldsOf(source) };
    });
}

/**
 * An esbuild plugin for the module `virtual:NAME`, whose default export is `value()` (as
 * JSON), made at build time; `watch`: esbuild's `watchFiles` or `watchDirs` for it.
 */
function virtualModule(name, value, watch) {
  return {
    name,
    setup(b) {
      b.onResolve({ filter: new RegExp(`^virtual:${name}$`) }, () => ({ path: name, namespace: name }));
      b.onLoad({ filter: /.*/, namespace: name }, () => ({ contents: `export default ${JSON.stringify(value())};`, loader: 'js', ...watch }));
    },
  };
}

const examplesPlugin = virtualModule('examples', () => readExamples(), { watchDirs: [EXAMPLES] });

// ---- the language reference, from docs/language.md ------------------------------------------

/**
 * The Reference panel's entries (reference-data.js) and the address of the full reference
 * on the repository (the workspace's `repository`, Cargo.toml).
 */
export function readReference(file = LANGUAGE) {
  const cargo = fs.readFileSync(path.join(ROOT, 'Cargo.toml'), 'utf8');
  const repo = /^repository\s*=\s*"([^"]+)"/m.exec(cargo);
  if (!repo) throw new Error('Cargo.toml has no `repository`: the Reference links to the full reference there');
  return { entries: extractReference(fs.readFileSync(file, 'utf8')), url: `${repo[1]}/blob/main/docs/language.md` };
}

const referencePlugin = virtualModule('reference', () => readReference(), { watchFiles: [LANGUAGE] });

// ---- the tour, bundled from web/tour/NN-slug/ -------------------------------------------

/**
 * The tour's lessons as the page needs them (tour-data.js's `loadTour`): the reference
 * solutions stay out of the bundle.
 */
export function readTour(dir = TOUR) {
  const dirs = fs.readdirSync(dir, { withFileTypes: true }).filter((d) => d.isDirectory()).map((d) => d.name);
  return loadTour(dirs, (d, file) => fs.readFileSync(path.join(dir, d, file), 'utf8')).map(({ solution, ...lesson }) => lesson);
}

const tourPlugin = virtualModule('tour', () => readTour(), { watchDirs: [TOUR] });

// ---- @replit/codemirror-emacs, whose set-up calls are marked pure -------------------------

/**
 * @replit/codemirror-emacs registers its key bindings and commands with top-level calls
 * marked `/*@__PURE__*\/`, whose results are unused: a minifier drops them, and Emacs then
 * has no keys. The marks are taken off those two calls (the rest of the package as is).
 */
export const EMACS_SETUP = /\/\*@__PURE__\*\/(EmacsHandler\.(?:bindKey|addCommands)\()/g;
const emacsSetupPlugin = {
  name: 'emacs-setup',
  setup(b) {
    b.onLoad({ filter: /[\\/]@replit[\\/]codemirror-emacs[\\/]dist[\\/]index\.js$/ }, (args) => {
      const text = fs.readFileSync(args.path, 'utf8');
      const contents = text.replace(EMACS_SETUP, '$1');
      if (contents === text) throw new Error(`${args.path}: the set-up calls marked pure were not found (a new version of the package?)`);
      return { contents, loader: 'js' };
    });
  },
};

// ---- the page -----------------------------------------------------------------------------

/**
 * A chunk fetched only when the page asks for it (src/lazy-*.js, e.g. the Vim and Emacs
 * key bindings): no `modulepreload` link, and not in the page's initial size.
 */
export const isLazy = (name) => /\.lazy-[\w-]+\.[\w]+\.js$/.test(name);

const hash = (buf) => crypto.createHash('sha256').update(buf).digest('hex').slice(0, 10);

function common() {
  return {
    bundle: true,
    minify: !dev && !process.env.NOMIN,
    sourcemap: dev ? 'inline' : false,
    target: ['chrome111', 'firefox113', 'safari16.4'],
    write: false,
    logLevel: 'warning',
    legalComments: 'none',
    // wasm-bindgen's default module URL is never used: the page passes the module.
    define: { 'import.meta.url': 'self.location.href' },
    absWorkingDir: WEB,
  };
}

function outFile(result, ext) {
  const f = result.outputFiles.find((o) => o.path.endsWith(ext));
  if (!f) throw new Error(`esbuild produced no ${ext} file`);
  return f.contents;
}

/**
 * The service worker (src/sw.js) of a build whose files are `files` (name: contents): its
 * list is exactly those files, its cache named by their hash (offline-cache.js), so that a
 * new deployment is a new worker with a new cache, and the same build the same worker.
 */
export async function serviceWorker(files) {
  const names = Object.keys(files).sort();
  const all = crypto.createHash('sha256');
  for (const n of names) all.update(n).update('\0').update(files[n]).update('\0');
  const out = await esbuild.build({
    ...common(),
    entryPoints: ['src/sw.js'],
    format: 'iife',
    outfile: 'out/sw.js',
    define: { __SW_VERSION__: JSON.stringify(all.digest('hex').slice(0, 10)), __SW_FILES__: JSON.stringify(names) },
  });
  return outFile(out, '.js');
}

async function buildPage() {
  const t0 = Date.now();
  const wasmSrc = path.join(PKG, 'vm_wasm_bg.wasm');
  if (!fs.existsSync(wasmSrc)) throw new Error(`${wasmSrc} is missing: build vm-wasm first (without --skip-wasm)`);
  const wasm = fs.readFileSync(wasmSrc);
  const wasmName = `vm_wasm.${hash(wasm)}.wasm`;

  const worker = await esbuild.build({ ...common(), entryPoints: ['src/worker.js'], format: 'iife', outfile: 'out/worker.js' });
  const workerJs = outFile(worker, '.js');
  const workerName = `worker.${hash(workerJs)}.js`;
  // The console's worker (console-worker.js): a REPL session of its own, beside the runner's.
  const consoleWorker = await esbuild.build({ ...common(), entryPoints: ['src/console-worker.js'], format: 'iife', outfile: 'out/console-worker.js' });
  const consoleWorkerJs = outFile(consoleWorker, '.js');
  const consoleWorkerName = `console-worker.${hash(consoleWorkerJs)}.js`;
  // The editor's checker (check-worker.js): diagnostics and stack effects as you type.
  const checkWorker = await esbuild.build({ ...common(), entryPoints: ['src/check-worker.js'], format: 'iife', outfile: 'out/check-worker.js' });
  const checkWorkerJs = outFile(checkWorker, '.js');
  const checkWorkerName = `check-worker.${hash(checkWorkerJs)}.js`;

  // A page's script and style sheet: `name.HASH.js` and `name.HASH.css`, from `entry`.
  // `chunks`: the script is split at its dynamic imports (esbuild's `splitting`) into
  // `name.chunk.HASH.js` files, which it imports by those names; they are fetched early
  // (`modulepreload` links, %NAME_PRELOAD% in the page) and evaluated when imported.
  // `lazy`: the lazy chunks (src/lazy-*.js) are written; the embeddable page, which has no
  // Settings, never asks for them.
  const page = async (name, { entry = `src/${name}.js`, plugins = [], chunks = false, lazy = true } = {}) => {
    const out = await esbuild.build({
      ...common(),
      entryPoints: { [name]: entry },
      format: 'esm',
      ...(chunks ? { splitting: true, outdir: 'out', entryNames: '[name]', chunkNames: `${name}.[name].[hash]` } : { outfile: `out/${name}.js` }),
      plugins,
      define: {
        ...common().define,
        __WASM_URL__: JSON.stringify(`./${wasmName}`),
        __WORKER_URL__: JSON.stringify(`./${workerName}`),
        __CONSOLE_WORKER_URL__: JSON.stringify(`./${consoleWorkerName}`),
        __CHECK_WORKER_URL__: JSON.stringify(`./${checkWorkerName}`),
        // No service worker in a development build (live reload must see every change).
        __SW_URL__: JSON.stringify(dev ? null : './sw.js'),
      },
    });
    const entryJs = out.outputFiles.find((o) => path.basename(o.path) === `${name}.js`);
    if (!entryJs) throw new Error(`esbuild produced no ${name}.js`);
    const js = entryJs.contents;
    const css = outFile(out, '.css');
    const parts = out.outputFiles
      .filter((o) => o !== entryJs && o.path.endsWith('.js'))
      .map((o) => ({ name: path.basename(o.path), contents: o.contents }))
      .filter((c) => lazy || !isLazy(c.name));
    return { js, css, jsName: `${name}.${hash(js)}.js`, cssName: `${name}.${hash(css)}.css`, chunks: parts };
  };
  const main = await page('main', { entry: 'src/boot.js', plugins: [examplesPlugin, tourPlugin, referencePlugin, emacsSetupPlugin], chunks: true });
  // The embeddable page (embed.html): the editor and the run only, a bundle of its own.
  const embed = await page('embed', { entry: 'src/embed-boot.js', chunks: true, lazy: false });
  const html = (file, { jsName, cssName, chunks }, key) =>
    fs
      .readFileSync(path.join(WEB, file), 'utf8')
      .replaceAll(`%${key}_JS%`, `./${jsName}`)
      .replaceAll(`%${key}_CSS%`, `./${cssName}`)
      .replaceAll(`%${key}_PRELOAD%`, chunks.filter((c) => !isLazy(c.name)).map((c) => `<link rel="modulepreload" href="./${c.name}">`).join('\n  '))
      .replaceAll('%WASM%', `./${wasmName}`);
  // embed.html takes the Content-Security-Policy and the input prompt of index.html as they are.
  const index = fs.readFileSync(path.join(WEB, 'index.html'), 'utf8');
  const part = (re) => {
    const m = index.match(re);
    if (!m) throw new Error(`index.html has no ${re}`);
    return m[0];
  };
  const embedHtml = html('embed.html', embed, 'EMBED')
    .replace('%CSP%', part(/<meta http-equiv="Content-Security-Policy"[^>]*>/))
    .replace('%PROMPT%', part(/<form id="prompt"[^]*?<\/form>/));

  const tmp = `${DIST}.tmp`;
  fs.rmSync(tmp, { recursive: true, force: true });
  fs.mkdirSync(tmp, { recursive: true });
  const files = {
    'index.html': html('index.html', main, 'MAIN'),
    [main.jsName]: main.js,
    [main.cssName]: main.css,
    ...Object.fromEntries(main.chunks.map((c) => [c.name, c.contents])),
    'embed.html': embedHtml,
    [embed.jsName]: embed.js,
    [embed.cssName]: embed.css,
    ...Object.fromEntries(embed.chunks.map((c) => [c.name, c.contents])),
    [workerName]: workerJs,
    [consoleWorkerName]: consoleWorkerJs,
    [checkWorkerName]: checkWorkerJs,
    [wasmName]: wasm,
    'favicon.svg': fs.readFileSync(path.join(WEB, 'favicon.svg')),
    'manifest.webmanifest': fs.readFileSync(path.join(WEB, 'manifest.webmanifest')),
  };
  // The service worker: every file above in its cache, named by the hash of them all.
  if (!dev) files['sw.js'] = await serviceWorker(files);
  for (const [name, body] of Object.entries(files)) fs.writeFileSync(path.join(tmp, name), body);
  fs.rmSync(DIST, { recursive: true, force: true });
  fs.renameSync(tmp, DIST);
  const size = Object.values(files).reduce((n, b) => n + Buffer.byteLength(b), 0);
  log(`web/dist: ${Object.keys(files).length} files, ${(size / 1024).toFixed(0)} KiB, in ${Date.now() - t0} ms`);
}

// ---- main ------------------------------------------------------------------------------

async function once() {
  if (!skipWasm) await buildWasm();
  await buildPage();
}

async function devServer() {
  const { serve } = await import('./serve.mjs');
  await once();
  const port = Number(process.env.PORT || 8080);
  const srv = await serve({ root: DIST, port, liveReload: true });
  log(`serving web/dist at ${srv.url} with live reload (Ctrl+C stops)`);

  let timer = 0;
  let rustChanged = false;
  let busy = false;
  const rebuild = async () => {
    if (busy) return void (timer = setTimeout(rebuild, 200));
    busy = true;
    const wasm = rustChanged;
    rustChanged = false;
    try {
      if (wasm) await buildWasm();
      await buildPage();
      srv.reload();
    } catch (e) {
      console.error('build:', e.message);
    }
    busy = false;
  };
  const watch = (dir, rust) =>
    fs.watch(dir, { recursive: true }, (_, file) => {
      if (file && /(^|\/)(dist|pkg|node_modules)(\/|$)|\.tmp|~$/.test(file)) return;
      if (rust) rustChanged = true;
      clearTimeout(timer);
      timer = setTimeout(rebuild, 120);
    });
  watch(path.join(WEB, 'src'), false);
  watch(EXAMPLES, false);
  watch(TOUR, false);
  for (const file of [path.join(WEB, 'index.html'), path.join(WEB, 'embed.html'), LANGUAGE]) {
    fs.watch(file, () => {
      clearTimeout(timer);
      timer = setTimeout(rebuild, 120);
    });
  }
  for (const crate of ['vm-wasm/src', 'vm-core/src']) watch(path.join(ROOT, crate), !skipWasm);
}

if (process.argv[1] && path.resolve(process.argv[1]) === fileURLToPath(import.meta.url)) {
  (dev ? devServer() : once()).catch((e) => {
    console.error('build:', e.message);
    process.exit(1);
  });
}
