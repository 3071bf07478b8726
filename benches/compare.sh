#!/usr/bin/env bash
# Times svm against other implementations of the same programs, side by side.
#
# Usage: benches/compare.sh [--rounds N] [--only NAME,...] [--csv FILE] [--wall] [--no-hyperfine]
#        benches/compare.sh --check
#
# 1. The suite (benches/suite.tsv): each workload's svm program (run by `svm`, which
#    moves a hot run into the WebAssembly tier compiled by wasmtime, and by
#    `svm --no-tier`, the interpreter alone) against the same algorithm, written the same
#    way, in gforth-fast, lua5.4, luajit and python3 (benches/compare/NAME.fs, NAME.lua,
#    NAME.py), at the size the table gives. Every program must print the table's answer,
#    or it is left out with a note. One table, a row per workload: the median time of
#    each implementation, and the ratios svm / gforth-fast, svm / lua5.4, svm / luajit
#    and svm / svm --no-tier (above 1: svm is slower); then the geometric means of the
#    ratios. The same figures go to a CSV file for benches/chart.py
#    (target/compare/suite.csv, or --csv FILE).
# 2. fib(30), recursive, the seed's algorithm (`svm examples/fib 30`, and with
#    --no-tier), against the same in the other languages and natively in Rust (benches/compare/fib.rs, built here with
#    `rustc -O`), with the peak memory (maximum resident set size) of each.
# 3. Printing the numbers 1 to 1,000,000 with println into a file:
#    `svm benches/programs/print_numbers.svm 1000000 > FILE`, against a native program
#    that makes one write(2) per line and the same program writing through a 64 KiB
#    buffer, as svm does (benches/compare/print_lines.rs). Every output must be exactly
#    `seq 1 1000000`.
#
# --only NAME,...  times only these workloads of the suite, and skips sections 2 and 3.
# --check          times nothing: runs the Forth, Lua and Python versions of every workload
#                  at its benchmark size (the table's `bench args`) and checks that each
#                  prints the table's `bench answer`; exits with 1 if one does not. (The
#                  svm programs are checked by `cargo test -p vm-core --test bench_suite`.)
#
# The runs are interleaved: each round runs every program once (in a rotated order), and
# the tables show the median over the rounds. The time of a run is the CPU time of its
# process (user + system), which a busy machine disturbs less than the wall-clock time;
# --wall times the wall clock instead. Timing uses hyperfine (one run per program per
# round, no shell in between) when it is installed (and --no-hyperfine is not given),
# else bash's `time`. Peak memory uses GNU time (/usr/bin/time, Debian package `time`)
# when present, else samples VmHWM from /proc. Programs whose interpreter is not
# installed are skipped with a note; the tools come from scripts/setup.sh (apt packages
# gforth lua5.4 luajit hyperfine).
set -euo pipefail

ROOT="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
cd "$ROOT"

rounds=5
use_hyperfine=1
measure=cpu
only=""
check=0
csv=""
positive() { [[ "$1" =~ ^[1-9][0-9]*$ ]] || { echo "compare: --rounds needs a positive integer" >&2; exit 2; }; }
while (($#)); do
  case "$1" in
    --rounds) [[ $# -ge 2 ]] || positive ""; positive "$2"; rounds="$2"; shift 2 ;;
    --rounds=*) rounds="${1#--rounds=}"; positive "$rounds"; shift ;;
    --only) [[ $# -ge 2 ]] || { echo "compare: --only needs workload names" >&2; exit 2; }; only="$2"; shift 2 ;;
    --only=*) only="${1#--only=}"; shift ;;
    --csv) [[ $# -ge 2 ]] || { echo "compare: --csv needs a file name" >&2; exit 2; }; csv="$2"; shift 2 ;;
    --csv=*) csv="${1#--csv=}"; shift ;;
    --wall) measure=wall; shift ;;
    --check) check=1; shift ;;
    --no-hyperfine) use_hyperfine=0; shift ;;
    -h | --help) sed -n '2,/^set -euo/p' "$0" | sed '$d; s/^# \{0,1\}//'; exit 0 ;;
    *) echo "compare: unknown argument: $1 (try --help)" >&2; exit 2 ;;
  esac
done

export PATH="${CARGO_HOME:-$HOME/.cargo}/bin:$PATH"
TARGET="${CARGO_TARGET_DIR:-$ROOT/target}"
WORK="$TARGET/compare"
mkdir -p "$WORK"
csv="${csv:-$WORK/suite.csv}"
PRINT_N=1000000
OUT_FILE="$(mktemp /tmp/svm-compare-out.XXXXXX)"
trap 'rm -f "$OUT_FILE" "$WORK"/round.csv "$WORK"/time.out' EXIT

notes=()
note() { notes+=("$*"); echo "note: $*" >&2; }
print_notes() {
  if ((${#notes[@]})); then
    echo
    echo "Notes:"
    for n in "${notes[@]}"; do echo "- $n"; done
  fi
}
have() { command -v "$1" >/dev/null 2>&1; }
have hyperfine || use_hyperfine=0
# Python's output to a file is block-buffered, as svm's is, unless PYTHONUNBUFFERED is
# set (then print makes two write(2) calls a line).
unset PYTHONUNBUFFERED
# The interpreter itself, not a wrapper such as a pyenv shim (which adds ~100 ms a run).
PY="$(python3 -c 'import sys; print(sys.executable)' 2>/dev/null || echo python3)"

# --- the suite's table ------------------------------------------------------------------
# The workloads of benches/suite.tsv, one tab-separated line each (see its header).
mapfile -t SUITE < <(grep -v -e '^#' -e '^[[:space:]]*$' benches/suite.tsv)
for wanted in ${only//,/ }; do
  printf '%s\n' "${SUITE[@]}" | cut -f1 | grep -qx -- "$wanted" ||
    { echo "compare: benches/suite.tsv has no workload called $wanted" >&2; exit 2; }
done

# The command line of implementation IMPL of workload NAME with ARGS (svm's program is
# PROGRAM). gforth gets larger stacks than its default: Ackermann's function recurses
# thousands of calls deep.
impl_command() {
  local impl="$1" name="$2" program="$3" args="$4"
  case "$impl" in
    svm) echo "$SVM $program $args" ;;
    "svm --no-tier") echo "$SVM --no-tier $program $args" ;;
    gforth-fast) echo "gforth-fast -d 1M -r 1M benches/compare/$name.fs $args" ;;
    lua5.4 | luajit) echo "$impl benches/compare/$name.lua $args" ;;
    python3) echo "$PY benches/compare/$name.py $args" ;;
  esac
}
OTHERS=(gforth-fast lua5.4 luajit python3)

# output_is FILE ANSWER ARGS: whether FILE holds what the table's ANSWER says for ARGS:
# that one line, or for `seq` the numbers 1 to n, one a line.
output_is() {
  local file="$1" answer="$2" args="$3"
  if [[ "$answer" == seq ]]; then
    [[ "$(md5sum <"$file")" == "$(seq 1 "$args" | md5sum)" ]]
  else
    [[ "$(wc -l <"$file")" == 1 && "$(<"$file")" == "$answer" ]]
  fi
}

# --- --check: the other implementations at their benchmark sizes -------------------------
if ((check)); then
  failed=0
  for impl in "${OTHERS[@]}"; do
    have "$impl" || { note "$impl is not installed: its programs are not checked"; continue; }
    for line in "${SUITE[@]}"; do
      IFS=$'\t' read -r name program _ _ _ bench_args bench_answer _ <<<"$line"
      cmd="$(impl_command "$impl" "$name" "$program" "$bench_args")"
      # shellcheck disable=SC2086 # commands are plain word lists
      if $cmd >"$OUT_FILE" 2>&1 && output_is "$OUT_FILE" "$bench_answer" "$bench_args"; then
        echo "ok: $cmd" >&2
      else
        echo "WRONG: \`$cmd\` printed '$(head -c 80 "$OUT_FILE")', not $bench_answer" >&2
        failed=1
      fi
    done
  done
  print_notes >&2
  exit "$failed"
fi

# --- the machine ------------------------------------------------------------------
version_of() {
  case "$1" in
    gforth-fast) gforth-fast --version 2>&1 | head -1 ;;
    lua5.4) lua5.4 -v 2>&1 | awk '{ print $1, $2 }' ;;
    luajit) luajit -v 2>&1 | awk '{ print $1, $2 }' ;;
    python3) "$PY" --version 2>&1 ;;
    rustc) rustc --version | awk '{ print $1, $2 }' ;;
  esac
}
versions=()
for impl in "${OTHERS[@]}"; do have "$impl" && versions+=("$impl: $(version_of "$impl")"); done
cpu="$(awk -F': *' '/^model name/ { print $2; exit }' /proc/cpuinfo 2>/dev/null || true)"
if [[ "$measure" == cpu ]]; then what="CPU time"; else what="wall time"; fi
echo "# svm compared with other implementations"
echo
echo "- date: $(date -u '+%Y-%m-%d %H:%M UTC')"
echo "- commit: $(git rev-parse --short HEAD 2>/dev/null || echo unknown)$(git diff --quiet HEAD -- vm-core/src vm-cli/src 2>/dev/null || echo ' (with uncommitted changes in vm-core/vm-cli)')"
echo "- machine: $(nproc) cores, ${cpu:-unknown CPU}, $(uname -sr)"
echo "- others: $(IFS=,; echo "${versions[*]}" | sed 's/,/, /g')"
echo "- rounds: $rounds (interleaved), the median $what$([[ $measure == cpu ]] && echo ' (user + system)') of each program, timing with $( ((use_hyperfine)) && hyperfine --version || echo "bash's time")"
echo

# --- build ------------------------------------------------------------------------
echo "building svm (cargo build --release -p vm-cli) and the native programs (rustc -O)..." >&2
cargo build --release --quiet -p vm-cli
SVM="$TARGET/release/svm"
rustc -O --edition 2021 benches/compare/fib.rs -o "$WORK/fib"
rustc -O --edition 2021 benches/compare/print_lines.rs -o "$WORK/print_lines"

# --- timing helpers -------------------------------------------------------------------
# A benchmark is a list of names and commands (each a plain word list, no shell syntax),
# svm's first. time_all OUTPUT runs them `rounds` times, interleaved, with stdout going to
# OUTPUT, and leaves the times (seconds, CPU or wall as chosen) of command i, one per line,
# in "$WORK/times.i".
names=()
cmds=()

time_all() {
  local output="$1" n=${#cmds[@]} r i k order wall user system
  for ((i = 0; i < n; i++)); do : >"$WORK/times.$i"; done
  for ((r = 0; r < rounds; r++)); do
    order=()
    for ((k = 0; k < n; k++)); do order+=($(((k + r) % n))); done
    if ((use_hyperfine)); then
      local args=()
      for i in "${order[@]}"; do args+=("${cmds[$i]}"); done
      hyperfine -N --runs 1 --style none --output "$output" --export-csv "$WORK/round.csv" "${args[@]}" >/dev/null
      # Rows are in the order the commands were given: command, mean, stddev, median,
      # user, system, min, max.
      k=0
      while IFS=, read -r _ _ _ wall user system _; do
        record "${order[$k]}" "$wall" "$user" "$system"
        k=$((k + 1))
      done < <(tail -n +2 "$WORK/round.csv")
    else
      local TIMEFORMAT='%R %U %S'
      for i in "${order[@]}"; do
        # shellcheck disable=SC2086 # commands are plain word lists
        { time ${cmds[$i]} >"$output" 2>/dev/null; } 2>"$WORK/time.out"
        read -r wall user system <"$WORK/time.out"
        record "$i" "$wall" "$user" "$system"
      done
    fi
  done
}

# record I WALL USER SYSTEM: appends one run's time of command I.
record() {
  if [[ "$measure" == cpu ]]; then
    awk -v u="$3" -v s="$4" 'BEGIN { printf "%.6f\n", u + s }' >>"$WORK/times.$1"
  else
    echo "$2" >>"$WORK/times.$1"
  fi
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

# A table of the programs of one benchmark: median time, ratio to svm's and, when
# WITH_RSS is 1, peak memory.
table() {
  local with_rss="$1" svm_median i m rss
  svm_median="$(median_of "$WORK/times.0")"
  if [[ "$with_rss" == 1 ]]; then
    echo "| program | median $what (s) | ratio to svm | peak RSS (MiB) |"
    echo "| --- | ---: | ---: | ---: |"
  else
    echo "| program | median $what (s) | ratio to svm |"
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

# --- 1. the suite ------------------------------------------------------------------------
# add_checked NAME TOOL ANSWER ARGS COMMAND...: adds a program if TOOL is installed and
# the command prints what ANSWER says for ARGS (see output_is).
add_checked() {
  local name="$1" tool="$2" answer="$3" args="$4" cmd="${*:5}"
  if ! have "$tool"; then
    note "$name skipped: \`$tool\` is not installed"
    return
  fi
  # shellcheck disable=SC2086
  if ! $cmd >"$OUT_FILE" 2>&1 || ! output_is "$OUT_FILE" "$answer" "$args"; then
    note "$name skipped: \`$cmd\` printed '$(head -c 80 "$OUT_FILE")', not $answer"
    return
  fi
  names+=("$name")
  cmds+=("$cmd")
}

IMPLS=(svm "${OTHERS[@]}" "svm --no-tier")
echo "workload,args,svm,gforth-fast,lua5.4,luajit,python3,svm --no-tier,svm/gforth-fast,svm/lua5.4,svm/luajit,svm/svm --no-tier" >"$csv"
rows=()
for line in "${SUITE[@]}"; do
  IFS=$'\t' read -r name program args answer _ _ _ _ <<<"$line"
  if [[ -n "$only" && ",$only," != *",$name,"* ]]; then continue; fi
  echo "running $name $args ($rounds rounds)..." >&2
  names=()
  cmds=()
  for impl in "${IMPLS[@]}"; do
    tool="$impl"
    [[ "$impl" == svm* ]] && tool="$SVM"
    add_checked "$name: $impl" "$tool" "$answer" "$args" "$(impl_command "$impl" "$name" "$program" "$args")"
  done
  [[ "${names[0]:-}" == "$name: svm" ]] || { echo "compare: svm does not print $answer for $program $args" >&2; exit 1; }
  time_all "$OUT_FILE"
  # The median of each implementation, or empty when it was left out.
  medians=()
  for impl in "${IMPLS[@]}"; do
    m=""
    for i in "${!names[@]}"; do
      [[ "${names[$i]}" == "$name: $impl" ]] && m="$(median_of "$WORK/times.$i")"
    done
    medians+=("$m")
  done
  row="$name,$args,$(IFS=,; echo "${medians[*]}")"
  row="$(awk -F, -v OFS=, '{ print $0, ($4 == "" ? "" : $3 / $4), ($5 == "" ? "" : $3 / $5), ($6 == "" ? "" : $3 / $6), ($8 == "" ? "" : $3 / $8) }' <<<"$row")"
  echo "$row" >>"$csv"
  rows+=("$row")
done

echo "## The suite: the median $what of each program in seconds, and svm's ratios"
echo
echo "Above 1, svm is slower. Each program prints the answer of benches/suite.tsv."
echo
printf '%s\n' "${rows[@]}" | awk -F, '
  function time(v) { return v == "" ? "–" : sprintf("%.3f", v) }
  function ratio(v) { return v == "" ? "–" : sprintf("%.2f", v) }
  BEGIN {
    print "| workload | args | svm | svm --no-tier | gforth-fast | lua5.4 | luajit | python3 | svm / gforth-fast | svm / lua5.4 | svm / luajit | svm / svm --no-tier |"
    print "| --- | --- | ---: | ---: | ---: | ---: | ---: | ---: | ---: | ---: | ---: | ---: |"
  }
  {
    printf "| %s | %s | %s | %s | %s | %s | %s | %s | %s | %s | %s | %s |\n", $1, $2, time($3), time($8), time($4), time($5), time($6), time($7), ratio($9), ratio($10), ratio($11), ratio($12)
    for (k = 9; k <= 12; k++) if ($k != "") { lg[k] += log($k); ng[k]++ }
  }
  END {
    printf "| **geometric mean** | | | | | | | |"
    for (k = 9; k <= 12; k++) printf " **%s** |", (ng[k] ? ratio(exp(lg[k] / ng[k])) : "–")
    printf "\n"
  }'
echo
echo "(The figures as CSV: $csv.)"
echo

if [[ -n "$only" ]]; then
  print_notes
  exit 0
fi

# --- 2. fib(30) ------------------------------------------------------------------------
names=()
cmds=()
echo "running fib(30) ($rounds rounds)..." >&2
add_checked "svm examples/fib 30 (seed algorithm)" "$SVM" 832040 30 "$SVM examples/fib 30"
[[ ${#cmds[@]} == 1 ]] || { echo "compare: svm does not print 832040 for fib 30" >&2; exit 1; }
add_checked "svm --no-tier examples/fib 30" "$SVM" 832040 30 "$SVM --no-tier examples/fib 30"
add_checked "gforth-fast ($(version_of gforth-fast 2>/dev/null))" gforth-fast 832040 30 gforth-fast benches/compare/fib.fs 30
add_checked "lua5.4 ($(version_of lua5.4 2>/dev/null))" lua5.4 832040 30 lua5.4 benches/compare/fib.lua 30
add_checked "luajit ($(version_of luajit 2>/dev/null))" luajit 832040 30 luajit benches/compare/fib.lua 30
add_checked "python3 ($(version_of python3 2>/dev/null))" python3 832040 30 "$PY" benches/compare/fib.py 30
add_checked "native Rust, rustc -O ($(version_of rustc))" "$WORK/fib" 832040 30 "$WORK/fib" 30
time_all /dev/null

echo "## fib(30), recursive"
echo
table 1
echo

# --- 3. printing a million numbers -------------------------------------------------
names=()
cmds=()
echo "running the printing test ($rounds rounds)..." >&2
add_checked "svm benches/programs/print_numbers.svm $PRINT_N" "$SVM" seq "$PRINT_N" "$SVM" benches/programs/print_numbers.svm "$PRINT_N"
[[ ${#cmds[@]} == 1 ]] || { echo "compare: svm does not print 1..$PRINT_N" >&2; exit 1; }
add_checked "svm --no-tier benches/programs/print_numbers.svm $PRINT_N" "$SVM" seq "$PRINT_N" "$SVM" --no-tier benches/programs/print_numbers.svm "$PRINT_N"
add_checked "native Rust, one write(2) per line" "$WORK/print_lines" seq "$PRINT_N" "$WORK/print_lines" "$PRINT_N"
add_checked "native Rust, 64 KiB BufWriter" "$WORK/print_lines" seq "$PRINT_N" "$WORK/print_lines" "$PRINT_N" --buffered
time_all "$OUT_FILE"

echo "## println of 1..$PRINT_N into a file ($(dirname "$OUT_FILE"))"
echo
table 0
print_notes
