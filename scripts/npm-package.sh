#!/usr/bin/env bash
# Builds the npm package @simple-vm/vm-wasm into target/npm/pkg and packs it into
# target/npm/; prints the tarball's path last. The package holds two builds of the same
# crate (wasm-pack): the Node.js one at its root (CommonJS, the `.wasm` read from disk
# when it is loaded) and the browser one in `web/` (an ES module that fetches and
# compiles the `.wasm` next to it before it exports anything, so both have the same
# API); the `exports` conditions of package.json choose: `node` and `require` the first,
# `browser` and `import` (bundlers, `<script type=module>`) the second.
#
#   scripts/npm-package.sh           (wasm-pack, wasm-opt and npm on PATH: scripts/setup.sh)
set -euo pipefail
ROOT="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
cd "$ROOT"

OUT="$ROOT/target/npm"
rm -rf "$OUT"
mkdir -p "$OUT"
wasm-pack build --release --target nodejs --scope simple-vm vm-wasm --out-dir "$OUT/pkg" >&2
# The browser build: the same cargo build (nothing is compiled again), bound for the web.
wasm-pack build --release --target web --scope simple-vm vm-wasm --out-dir "$OUT/web" >&2
mkdir "$OUT/pkg/web"
cp "$OUT"/web/vm_wasm.js "$OUT"/web/vm_wasm.d.ts "$OUT"/web/vm_wasm_bg.wasm "$OUT/pkg/web/"
# Its entry: instantiate the module (top-level await, so an importer finds it ready,
# as with the Node.js build), then the same exports. The `.wasm` is found next to the
# module that imports it: a bundle needs it copied beside itself (README.md says how).
cat >"$OUT/pkg/web/index.js" <<'JS'
// The browser build of @simple-vm/vm-wasm: ready when imported, as the Node.js build is.
import init from './vm_wasm.js';

await init({ module_or_path: new URL('./vm_wasm_bg.wasm', import.meta.url) });

export * from './vm_wasm.js';
JS
cat >"$OUT/pkg/web/index.d.ts" <<'TS'
// The browser build's entry has the Node.js build's API (the module is ready on import).
export * from '../vm_wasm.js';
TS

# wasm-pack writes package.json before it copies the license texts, and lists in `files`
# only those an earlier build left in the folder: npm pack would leave them out of a
# fresh build (it adds a file named LICENSE by itself, not LICENSE-MIT). The browser
# build and the `exports` conditions are added here too.
node -e '
  const fs = require("fs");
  const [file, ...licenses] = process.argv.slice(1);
  const manifest = JSON.parse(fs.readFileSync(file, "utf8"));
  manifest.files = [...new Set([...manifest.files, ...licenses, "web/"])];
  const node = "./" + manifest.main;
  manifest.exports = {
    ".": {
      types: "./" + manifest.types,
      node,
      browser: "./web/index.js",
      import: "./web/index.js",
      require: node,
      default: node,
    },
    "./package.json": "./package.json",
  };
  manifest.browser = "web/index.js";
  fs.writeFileSync(file, JSON.stringify(manifest, null, 2) + "\n");
' "$OUT/pkg/package.json" $(cd "$OUT/pkg" && ls LICENSE*)

tarball="$(cd "$OUT" && npm pack ./pkg --silent | tail -n 1)"
echo "npm-package: $OUT/$tarball ($(wc -c <"$OUT/$tarball") bytes)" >&2
echo "$OUT/$tarball"
