#!/usr/bin/env bash
# Counts the instructions `svm` executes on each workload of the suite (benches/suite.tsv)
# at its Criterion size, under callgrind: a figure that does not move with the
# machine's load or clock, for checking that a change of structure left speed alone.
#
#   benches/callgrind.sh [SVM] [-- EXTRA-SVM-OPTIONS]
#
# SVM defaults to target/release/svm (build it with `cargo build --release -p vm-cli`).
# Prints one line per workload: name, instructions with the optimizer (`--no-tier`: the
# interpreter and its blocks; the WebAssembly tier's machine code is wasmtime's, compiled
# on another thread), instructions with `--no-opt` (the plain interpreter), and a total
# line. Needs valgrind.
set -euo pipefail
ROOT="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
cd "$ROOT"
SVM="${1:-target/release/svm}"
command -v valgrind >/dev/null || { echo "callgrind.sh: valgrind is not installed" >&2; exit 69; }
[[ -x "$SVM" ]] || { echo "callgrind.sh: no $SVM (cargo build --release -p vm-cli)" >&2; exit 66; }

count() { # count PROGRAM ARGS... -> instructions
  valgrind --tool=callgrind --callgrind-out-file=/dev/null "$SVM" "$@" 2>&1 >/dev/null |
    sed -n 's/.*Collected : \([0-9]*\).*/\1/p'
}

printf '%-14s %16s %16s\n' workload optimized no-opt
total=0 total_plain=0
while IFS=$'\t' read -r name program _args _answer _bench bench_args _rest; do
  [[ -z "$name" || "$name" == \#* ]] && continue
  # shellcheck disable=SC2086
  opt=$(count --no-tier "$program" $bench_args)
  # shellcheck disable=SC2086
  plain=$(count --no-opt "$program" $bench_args)
  printf '%-14s %16s %16s\n' "$name" "$opt" "$plain"
  total=$((total + opt)) total_plain=$((total_plain + plain))
done < benches/suite.tsv
printf '%-14s %16s %16s\n' total "$total" "$total_plain"
