#!/usr/bin/env bash
# Mutation testing of vm-core with cargo-mutants: each mutant is a small change to the
# code (an operator swapped, a return value replaced); a mutant that the tests of
# vm-core do not catch points at a test gap (or is equivalent: see docs/reliability.md).
#
#   scripts/mutants.sh                              every file of vm-core (hours on 2 cores)
#   scripts/mutants.sh vm-core/src/machine/blocks.rs  one file (a glob works too)
#   scripts/mutants.sh --in-diff [BASE]             only the code changed since BASE
#                                                   (default origin/main): what CI runs
#                                                   on pull requests
#   scripts/mutants.sh FILE -- ARGS...              more arguments for cargo mutants,
#                                                   e.g. -- -o /tmp/fast --list
#
# Installs cargo-mutants when it is missing. The results are in mutants.out/ (or the
# folder given with -o): caught.txt, missed.txt, timeout.txt, unviable.txt, and
# outcomes.json. The exit code is cargo mutants' own: 0 when no mutant was missed,
# 2 when some were, 3 when some timed out.
set -euo pipefail
ROOT="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
cd "$ROOT"
export PATH="${CARGO_HOME:-$HOME/.cargo}/bin:$PATH"

if ! cargo mutants --version >/dev/null 2>&1; then
    echo "installing cargo-mutants" >&2
    cargo install --locked cargo-mutants
fi

# Each mutant builds vm-core and runs its tests, built with the `mutants` profile of
# Cargo.toml (some optimization: the tests take about 6 s instead of 25 s); a mutant
# that makes a test loop is cut off after 40 s and counted as timed out.
args=(--package vm-core --profile mutants --timeout 40 --build-timeout 600)
while [[ $# -gt 0 ]]; do
    case "$1" in
        --in-diff)
            base=origin/main
            if [[ $# -ge 2 && "$2" != --* ]]; then
                base="$2"
                shift
            fi
            diff="$(mktemp)"
            git diff "$base"...HEAD -- vm-core/src >"$diff"
            if [[ ! -s "$diff" ]]; then
                echo "no change to vm-core/src since $base: nothing to mutate"
                exit 0
            fi
            args+=(--in-diff "$diff")
            ;;
        --)
            shift
            args+=("$@")
            break
            ;;
        *)
            args+=(--file "$1")
            ;;
    esac
    shift
done

echo "cargo mutants ${args[*]}" >&2
exec cargo mutants "${args[@]}"
