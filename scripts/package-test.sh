#!/usr/bin/env bash
# The npm package of vm-wasm, as a user gets it: builds and packs it
# (scripts/npm-package.sh), installs the tarball into a new temporary project and runs
# vm-wasm/npm-test/package.test.mjs there with Node's test runner: the package's
# metadata and files, a program's output and stack, errors with their positions, and the
# example of vm-wasm/README.md as shipped; then compiles vm-wasm/npm-test/consumer.ts
# with tsc --noEmit --strict against the package's TypeScript declarations; then bundles
# vm-wasm/npm-test/browser/app.js with esbuild for the browser and runs it, bundled and
# unbundled, in headless Chromium (vm-wasm/npm-test/browser.test.mjs).
#
#   scripts/package-test.sh           (wasm-pack, wasm-opt and npm on PATH: scripts/setup.sh)
set -euo pipefail
ROOT="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
cd "$ROOT"

tarball="$(scripts/npm-package.sh | tail -n 1)"
tmp="$(mktemp -d)"
trap 'rm -rf "$tmp"' EXIT
project="$tmp/project"
mkdir "$project"
echo '{ "name": "package-test", "private": true }' >"$project/package.json"
# The tarball has no dependencies: nothing is fetched.
(cd "$project" && npm install --offline --no-audit --no-fund --silent "$tarball")
cp vm-wasm/npm-test/package.test.mjs "$project/"
(cd "$project" && node --test package.test.mjs)
# Its TypeScript declarations: a strict TypeScript user compiles (typescript from web/).
cp vm-wasm/npm-test/consumer.ts "$project/"
(cd "$project" && "$ROOT/web/node_modules/.bin/tsc" --noEmit --strict --target esnext \
  --lib esnext,dom --module nodenext --moduleResolution nodenext consumer.ts)
echo "consumer.ts compiles against the package's TypeScript declarations"
# In a browser: bundled by esbuild (the `exports` conditions pick the browser build) and
# unbundled through an import map, each page run in headless Chromium.
cp -r vm-wasm/npm-test/browser vm-wasm/npm-test/browser.test.mjs "$project/"
(cd "$project" && WEB_MODULES="$ROOT/web/node_modules" node --test browser.test.mjs)
