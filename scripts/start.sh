#!/usr/bin/env bash
# Sets up, builds svm in release mode, and runs it with the given arguments
# (a program and its arguments; none starts the REPL).
#
#   scripts/start.sh examples/fib 10
set -euo pipefail
ROOT="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
cd "$ROOT"
scripts/setup.sh --minimal >&2
cargo build --release -p vm-cli >&2
exec "$ROOT/target/release/svm" "$@"
