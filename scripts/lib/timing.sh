# Timed steps for the project's scripts (sourced by scripts/setup.sh and scripts/test.sh).
#
#   timing_start                 starts the clock of the whole run
#   timed "what" command...      runs a command (or a function) as a step, in a subshell
#                                that stops at the first failing command: prints its wall
#                                time when it ends (also when it fails) and keeps it for
#                                the table; returns its status
#   timing_table [FILE]          prints every step's time and the total, as a table (and
#                                writes it to FILE when one is given)
#
# The times are wall-clock seconds with a tenth (bash's EPOCHREALTIME).

TIMING_NAMES=()
TIMING_SECONDS=()
TIMING_STATUS=()

timing_now() { local t="${EPOCHREALTIME/,/.}"; echo "${t%???}"; } # milliseconds kept

timing_start() { TIMING_T0="$(timing_now)"; }

# Seconds (one decimal) between two timing_now readings.
timing_since() { awk -v a="$1" -v b="$2" 'BEGIN { printf "%.1f", b - a }'; }

timed() {
  local name="$1"
  shift
  local t0 status=0
  t0="$(timing_now)"
  printf '\n==> %s\n' "$name"
  # In a subshell with -e on (not after `||`, where bash would turn -e off inside it): a
  # step of several commands stops at the first that fails.
  set +e
  (
    set -e
    "$@"
  )
  status=$?
  set -e
  local took
  took="$(timing_since "$t0" "$(timing_now)")"
  TIMING_NAMES+=("$name")
  TIMING_SECONDS+=("$took")
  TIMING_STATUS+=("$status")
  if ((status == 0)); then
    printf '==> %s: %ss\n' "$name" "$took"
  else
    printf '==> %s: FAILED (exit %s) after %ss\n' "$name" "$status" "$took"
  fi
  return "$status"
}

timing_table() {
  local out="${1:-}" i total
  total="$(timing_since "${TIMING_T0:-$(timing_now)}" "$(timing_now)")"
  {
    printf '%-8s  %s\n' "seconds" "step"
    for i in "${!TIMING_NAMES[@]}"; do
      local mark=""
      ((TIMING_STATUS[i] == 0)) || mark=" (FAILED, exit ${TIMING_STATUS[i]})"
      printf '%8s  %s%s\n' "${TIMING_SECONDS[i]}" "${TIMING_NAMES[i]}" "$mark"
    done
    printf '%8s  %s\n' "$total" "total (wall time)"
  } | if [[ -n "$out" ]]; then
    mkdir -p "$(dirname "$out")"
    tee "$out"
  else
    cat
  fi
}
