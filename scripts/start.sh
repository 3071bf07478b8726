#!/usr/bin/env bash
# The project's main command.
#
#   scripts/start.sh                  sets everything up (scripts/setup.sh), builds the
#                                     playground (web/) and serves it at
#                                     http://127.0.0.1:PORT/ (PORT from the environment,
#                                     default 8080); Ctrl+C stops it
#   scripts/start.sh FILE [ARGS]...   builds svm in release mode and runs it with these
#                                     arguments: a program and its arguments, or any other
#                                     svm usage (`scripts/start.sh repl` starts the REPL)
#
#   scripts/start.sh examples/fib 10
set -euo pipefail
ROOT="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
cd "$ROOT"

if (($# == 0)); then
  scripts/setup.sh >&2
  export PATH="$ROOT/web/node_modules/.bin:${CARGO_HOME:-$HOME/.cargo}/bin:$PATH"
  [[ -d web/node_modules ]] || npm --prefix web ci >&2
  npm --prefix web run build >&2
  exec node web/serve.mjs web/dist --port "${PORT:-8080}"
fi

scripts/setup.sh --minimal >&2
cargo build --release -p vm-cli >&2
exec "$ROOT/target/release/svm" "$@"
