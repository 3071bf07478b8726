#!/usr/bin/env bash
# Builds the npm package @simple-vm/vm-wasm (wasm-pack, Node.js target) into
# target/npm/pkg and packs it into target/npm/; prints the tarball's path last.
#
#   scripts/npm-package.sh           (wasm-pack, wasm-opt and npm on PATH: scripts/setup.sh)
set -euo pipefail
ROOT="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
cd "$ROOT"

OUT="$ROOT/target/npm"
rm -rf "$OUT"
mkdir -p "$OUT"
wasm-pack build --release --target nodejs --scope simple-vm vm-wasm --out-dir "$OUT/pkg" >&2

# wasm-pack writes package.json before it copies the license texts, and lists in `files`
# only those an earlier build left in the folder: npm pack would leave them out of a
# fresh build (it adds a file named LICENSE by itself, not LICENSE-MIT).
node -e '
  const fs = require("fs");
  const [file, ...licenses] = process.argv.slice(1);
  const manifest = JSON.parse(fs.readFileSync(file, "utf8"));
  manifest.files = [...new Set([...manifest.files, ...licenses])];
  fs.writeFileSync(file, JSON.stringify(manifest, null, 2) + "\n");
' "$OUT/pkg/package.json" $(cd "$OUT/pkg" && ls LICENSE*)

tarball="$(cd "$OUT" && npm pack ./pkg --silent | tail -n 1)"
echo "npm-package: $OUT/$tarball ($(wc -c <"$OUT/$tarball") bytes)" >&2
echo "$OUT/$tarball"
