#!/usr/bin/env bash
# Times svm against other implementations of the same programs, side by side.
#
# Usage: benches/compare.sh [--rounds N] [--no-hyperfine]   (from anywhere; N defaults to 5)
#
# 1. fib(30), recursive, the seed's algorithm: `svm examples/fib 30` against gforth-fast,
#    lua5.4, luajit and python3 running the same algorithm (benches/compare/) and a
#    native Rust version (benches/compare/fib.rs, built here with `rustc -O`). Every
#    program must print 832040, or it is left out with a note.
# 2. The peak memory (maximum resident set size) of each fib(30) run.
# 3. Printing the numbers 1 to 1,000,000 with println into a file:
#    `svm benches/programs/print_numbers.svm 1000000 > FILE`, against a native program
#    that makes one write(2) per line and the same program writing through a 64 KiB
#    buffer, as svm does (benches/compare/print_lines.rs). Every output must be exactly
#    `seq 1 1000000`.
#
# The runs are interleaved: each round runs every program once (in a rotated order),
# and the table shows the median wall time over the rounds and its ratio to svm's.
# Timing uses hyperfine (one run per program per round, no shell in between) when it
# is installed (and --no-hyperfine is not given), else a bash loop around `date +%s%N`. Peak memory uses GNU time
# (/usr/bin/time, Debian package `time`) when present, else samples VmHWM from /proc.
# Programs whose interpreter is not installed are skipped with a note; the tools come
# from scripts/setup.sh (apt packages gforth lua5.4 luajit hyperfine).
set -euo pipefail

ROOT="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
cd "$ROOT"

rounds=5
use_hyperfine=1
while (($#)); do
  case "$1" in
    --rounds)
      [[ $# -ge 2 && "$2" =~ ^[1-9][0-9]*$ ]] || { echo "compare: --rounds needs a positive integer" >&2; exit 2; }
      rounds="$2"
      shift 2
      ;;
    --rounds=*)
      rounds="${1#--rounds=}"
      [[ "$rounds" =~ ^[1-9][0-9]*$ ]] || { echo "compare: --rounds needs a positive integer" >&2; exit 2; }
      shift
      ;;
    --no-hyperfine) use_hyperfine=0; shift ;;
    -h | --help) sed -n '2,/^set -euo/p' "$0" | sed '$d; s/^# \{0,1\}//'; exit 0 ;;
    *) echo "compare: unknown argument: $1 (try --help)" >&2; exit 2 ;;
  esac
done

export PATH="${CARGO_HOME:-$HOME/.cargo}/bin:$PATH"
TARGET="${CARGO_TARGET_DIR:-$ROOT/target}"
WORK="$TARGET/compare"
mkdir -p "$WORK"
PRINT_N=1000000
PRINT_FILE="$(mktemp /tmp/svm-compare-print.XXXXXX)"
trap 'rm -f "$PRINT_FILE" "$WORK"/round.csv' EXIT

notes=()
note() { notes+=("$*"); echo "note: $*" >&2; }
have() { command -v "$1" >/dev/null 2>&1; }
have hyperfine || use_hyperfine=0

# --- the machine ------------------------------------------------------------------
cpu="$(awk -F': *' '/^model name/ { print $2; exit }' /proc/cpuinfo 2>/dev/null || true)"
echo "# svm compared with other implementations"
echo
echo "- date: $(date -u '+%Y-%m-%d %H:%M UTC')"
echo "- commit: $(git rev-parse --short HEAD 2>/dev/null || echo unknown)$(git diff --quiet HEAD -- vm-core/src vm-cli/src 2>/dev/null || echo ' (with uncommitted changes in vm-core/vm-cli)')"
echo "- machine: $(nproc) cores, ${cpu:-unknown CPU}, $(uname -sr)"
echo "- rounds: $rounds (interleaved), timing with $( ((use_hyperfine)) && hyperfine --version || echo 'bash and date +%s%N')"
echo

# --- build ------------------------------------------------------------------------
echo "building svm (cargo build --release -p vm-cli) and the native programs (rustc -O)..." >&2
cargo build --release --quiet -p vm-cli
SVM="$TARGET/release/svm"
rustc -O --edition 2021 benches/compare/fib.rs -o "$WORK/fib"
rustc -O --edition 2021 benches/compare/print_lines.rs -o "$WORK/print_lines"

version_of() {
  case "$1" in
    gforth-fast) gforth-fast --version 2>&1 | head -1 ;;
    lua5.4) lua5.4 -v 2>&1 | awk '{ print $1, $2 }' ;;
    luajit) luajit -v 2>&1 | awk '{ print $1, $2 }' ;;
    python3) python3 --version 2>&1 ;;
    rustc) rustc --version | awk '{ print $1, $2 }' ;;
  esac
}

# --- timing helpers -------------------------------------------------------------------
# A benchmark is a list of names and commands (each a plain word list, no shell syntax),
# svm's first. time_all OUTPUT runs them `rounds` times, interleaved, with stdout going to
# OUTPUT, and leaves the wall times (seconds) of command i, one per line, in
# "$WORK/times.i".
names=()
cmds=()

time_all() {
  local output="$1" n=${#cmds[@]} r i k order
  for ((i = 0; i < n; i++)); do : >"$WORK/times.$i"; done
  for ((r = 0; r < rounds; r++)); do
    order=()
    for ((k = 0; k < n; k++)); do order+=($(((k + r) % n))); done
    if ((use_hyperfine)); then
      local args=()
      for i in "${order[@]}"; do args+=("${cmds[$i]}"); done
      hyperfine -N --runs 1 --style none --output "$output" --export-csv "$WORK/round.csv" "${args[@]}" >/dev/null
      # Rows are in the order the commands were given; column 4 is the median.
      k=0
      while IFS=, read -r _ _ _ median _; do
        echo "$median" >>"$WORK/times.${order[$k]}"
        k=$((k + 1))
      done < <(tail -n +2 "$WORK/round.csv")
    else
      local t0 t1
      for i in "${order[@]}"; do
        t0=$(date +%s%N)
        # shellcheck disable=SC2086 # commands are plain word lists
        ${cmds[$i]} >"$output"
        t1=$(date +%s%N)
        awk -v ns=$((t1 - t0)) 'BEGIN { printf "%.9f\n", ns / 1e9 }' >>"$WORK/times.$i"
      done
    fi
  done
}

median_of() { sort -g "$1" | awk '{ v[NR] = $1 } END { if (NR % 2) print v[(NR + 1) / 2]; else print (v[NR / 2] + v[NR / 2 + 1]) / 2 }'; }

# Peak resident set size of one run of a command, in KiB (stdout discarded).
peak_kib() {
  if [[ -x /usr/bin/time ]]; then
    # shellcheck disable=SC2086
    /usr/bin/time -f '%M' -o "$WORK/time.out" $1 >/dev/null
    tail -1 "$WORK/time.out"
  else
    # Sample VmHWM (the kernel's high-water mark of the resident set) while it runs.
    local pid hwm=0 v
    # shellcheck disable=SC2086
    $1 >/dev/null &
    pid=$!
    while v=$(awk '/^VmHWM/ { print $2 }' "/proc/$pid/status" 2>/dev/null) && [[ -n "$v" ]]; do
      hwm=$v
      sleep 0.002
    done
    wait "$pid" || true
    echo "~$hwm"
  fi
}

table() {
  local with_rss="$1" svm_median i m rss
  svm_median="$(median_of "$WORK/times.0")"
  if [[ "$with_rss" == 1 ]]; then
    echo "| program | median wall time (s) | ratio to svm | peak RSS (MiB) |"
    echo "| --- | ---: | ---: | ---: |"
  else
    echo "| program | median wall time (s) | ratio to svm |"
    echo "| --- | ---: | ---: |"
  fi
  for i in "${!cmds[@]}"; do
    m="$(median_of "$WORK/times.$i")"
    if [[ "$with_rss" == 1 ]]; then
      rss="$(peak_kib "${cmds[$i]}")"
      awk -v name="${names[$i]}" -v m="$m" -v s="$svm_median" -v rss="$rss" 'BEGIN {
        approx = (rss ~ /^~/) ? "~" : ""; sub(/^~/, "", rss)
        printf "| %s | %.4f | %.3f | %s%.1f |\n", name, m, m / s, approx, rss / 1024 }'
    else
      awk -v name="${names[$i]}" -v m="$m" -v s="$svm_median" 'BEGIN {
        printf "| %s | %.4f | %.3f |\n", name, m, m / s }'
    fi
  done
}

# --- 1. fib(30) ------------------------------------------------------------------------
# add_fib NAME TOOL COMMAND...: adds a fib(30) program if TOOL is installed and the
# command prints 832040.
add_fib() {
  local name="$1" tool="$2" cmd="${*:3}" out
  if ! have "$tool"; then
    note "$name skipped: \`$tool\` is not installed"
    return
  fi
  # shellcheck disable=SC2086
  if ! out="$($cmd 2>&1)" || [[ "$(tr -d ' \n' <<<"$out")" != 832040 ]]; then
    note "$name skipped: \`$cmd\` printed '${out:0:80}', not 832040"
    return
  fi
  names+=("$name")
  cmds+=("$cmd")
}

echo "running fib(30) ($rounds rounds)..." >&2
add_fib "svm examples/fib 30 (seed algorithm)" "$SVM" "$SVM examples/fib 30"
[[ ${#cmds[@]} == 1 ]] || { echo "compare: svm does not print 832040 for fib 30" >&2; exit 1; }
add_fib "gforth-fast ($(version_of gforth-fast 2>/dev/null))" gforth-fast gforth-fast benches/compare/fib.fs
add_fib "lua5.4 ($(version_of lua5.4 2>/dev/null))" lua5.4 lua5.4 benches/compare/fib.lua 30
add_fib "luajit ($(version_of luajit 2>/dev/null))" luajit luajit benches/compare/fib.lua 30
# The interpreter itself, not a wrapper such as a pyenv shim (which adds ~100 ms a run).
PY="$(python3 -c 'import sys; print(sys.executable)' 2>/dev/null || echo python3)"
add_fib "python3 ($(version_of python3 2>/dev/null))" python3 "$PY" benches/compare/fib.py 30
add_fib "native Rust, rustc -O ($(version_of rustc))" "$WORK/fib" "$WORK/fib" 30
time_all /dev/null

echo "## fib(30), recursive"
echo
table 1
echo

# --- 2. printing a million numbers -------------------------------------------------
names=()
cmds=()
expected="$(seq 1 "$PRINT_N" | md5sum)"
add_print() {
  local name="$1" cmd="${*:2}"
  # shellcheck disable=SC2086
  $cmd >"$PRINT_FILE"
  if [[ "$(md5sum <"$PRINT_FILE")" != "$expected" ]]; then
    note "$name skipped: its output is not \`seq 1 $PRINT_N\`"
    return
  fi
  names+=("$name")
  cmds+=("$cmd")
}

echo "running the printing test ($rounds rounds)..." >&2
add_print "svm benches/programs/print_numbers.svm 1000000" "$SVM" benches/programs/print_numbers.svm "$PRINT_N"
[[ ${#cmds[@]} == 1 ]] || { echo "compare: svm does not print 1..$PRINT_N" >&2; exit 1; }
add_print "native Rust, one write(2) per line" "$WORK/print_lines" "$PRINT_N"
add_print "native Rust, 64 KiB BufWriter" "$WORK/print_lines" "$PRINT_N" --buffered
time_all "$PRINT_FILE"

echo "## println of 1..$PRINT_N into a file ($(dirname "$PRINT_FILE"))"
echo
table 0

if ((${#notes[@]})); then
  echo
  echo "Notes:"
  for n in "${notes[@]}"; do echo "- $n"; done
fi
