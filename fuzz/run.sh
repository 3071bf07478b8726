#!/usr/bin/env bash
# Runs the fuzz targets, each for a given time, with a seed corpus made from the
# examples and the golden programs.
#
#   fuzz/run.sh [SECONDS] [TARGET...]     (default: 60 seconds; targets run, differential, args, tier)
#
# Needs the nightly toolchain and cargo-fuzz (`cargo install cargo-fuzz`). Findings go
# to fuzz/artifacts/TARGET/; every crash found becomes a golden regression program in
# vm-core/tests/programs/ once fixed. Logs: fuzz/logs/TARGET.log.
set -euo pipefail
cd "$(dirname "${BASH_SOURCE[0]}")"
seconds="${1:-60}"
shift || true
targets=("$@")
((${#targets[@]})) || targets=(run differential args tier)
export PATH="${CARGO_HOME:-$HOME/.cargo}/bin:$PATH"
command -v cargo-fuzz >/dev/null || cargo install cargo-fuzz
mkdir -p logs
for t in "${targets[@]}"; do
  mkdir -p "corpus/$t"
  case "$t" in
    args) printf '%s' '20 -3 true "hi there" "a\"b\\c\n"' >"corpus/$t/seed-args" ;;
    tier)
      # Four bytes of settings first (fuzz_targets/tier.rs): the programs as text, a
      # budget of 7 for the sliced run, roomy limits (1,000 values, 500 calls, 20,000
      # steps), arguments MIN and 3; and a few lists of pieces of programs.
      for f in ../examples/*.svm ../vm-core/tests/programs/*.svm; do
        { printf '\x83\x4a\x00\x03'; cat "$f"; } >"corpus/$t/$(basename "$f")"
      done
      printf '\x02\x3c\x1a\x1c\x00\x0a\x31\x01\x0c\x0e' >"corpus/$t/seed-pieces-loops"
      printf '\x05\x49\x1f\x17\x0d\x0e\x10\x13\x1d\x28' >"corpus/$t/seed-pieces-recursion"
      ;;
    *) for f in ../examples/*.svm ../vm-core/tests/programs/*.svm; do cp "$f" "corpus/$t/$(basename "$f")"; done ;;
  esac
done
for t in "${targets[@]}"; do
  echo "fuzz: $t for ${seconds}s (log: fuzz/logs/$t.log)"
  cargo +nightly fuzz run -O "$t" -- -max_total_time="$seconds" -print_final_stats=1 >"logs/$t.log" 2>&1 &
done
status=0
wait || status=$?
for t in "${targets[@]}"; do
  echo "== $t"
  grep -E "^stat::number_of_executed_units|^stat::peak_rss_mb|cov: .*ft:" "logs/$t.log" | tail -3
  # Inputs libFuzzer kept for being slow (slow-unit-*) are reported, not failures.
  if ls "artifacts/$t" 2>/dev/null | grep -q '^slow-unit-'; then echo "   slow inputs in fuzz/artifacts/$t"; fi
  if ls "artifacts/$t" 2>/dev/null | grep -v '^slow-unit-' | grep -q .; then echo "   findings in fuzz/artifacts/$t"; status=1; fi
done
exit $status
