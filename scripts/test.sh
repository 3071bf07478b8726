#!/usr/bin/env bash
# Runs every test of the project, installing what it needs first (scripts/setup.sh).
#
#   scripts/test.sh
#
# Formatting, clippy (warnings are errors), the unit, golden-program, documentation and
# CLI tests of the whole workspace, the no_std build of vm-core for a bare-metal target,
# the WebAssembly bindings in headless Firefox and Chromium, and the playground (web/):
# its build and its end-to-end tests in headless Chromium.
set -euo pipefail
ROOT="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
cd "$ROOT"

scripts/setup.sh
export PATH="$ROOT/web/node_modules/.bin:${CARGO_HOME:-$HOME/.cargo}/bin:$PATH"

step() { printf '\n==> %s\n' "$*"; }

step "cargo fmt --check"
cargo fmt --all -- --check

step "cargo clippy (warnings are errors)"
cargo clippy --workspace --all-targets -- -D warnings
cargo clippy -p vm-wasm --target wasm32-unknown-unknown --all-targets -- -D warnings

step "cargo test"
cargo test --workspace

step "the benchmarks, once each (test mode), and the suite's Forth, Lua and Python versions"
cargo test -p vm-core --benches
benches/compare.sh --check

step "vm-core builds without std for thumbv7em-none-eabihf"
cargo build -p vm-core --no-default-features --target thumbv7em-none-eabihf

step "vm-wasm in headless Firefox"
wasm-pack test --headless --firefox vm-wasm

step "vm-wasm in headless Chromium"
wasm-pack test --headless --chrome vm-wasm

step "the playground: build, and end-to-end tests in headless Chromium"
[[ -d web/node_modules ]] || npm --prefix web ci
npm --prefix web run build
npm --prefix web test

step "all tests passed"
