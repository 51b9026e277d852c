#!/usr/bin/env bash
# Runs every test of gongkai on a fresh machine: installs what the tests
# need (Chromium, Node packages), then the Rust tests, then the browser tests.
set -euo pipefail
cd "$(dirname "$0")/.."

echo "== cargo fmt --check"
cargo fmt --check
echo "== cargo clippy"
cargo clippy --all-targets --locked -- -D warnings
echo "== cargo test"
cargo test --locked

echo "== browser tests"
# Debian's Chromium, and a Chinese font so that layouts are measured with real glyphs.
browser_pkgs=()
[ -x /usr/bin/chromium ] || browser_pkgs+=(chromium)
fc-list :lang=zh 2>/dev/null | grep -q . || browser_pkgs+=(fonts-noto-cjk)
if [ "${#browser_pkgs[@]}" -gt 0 ]; then
  export DEBIAN_FRONTEND=noninteractive
  apt-get update -qq
  apt-get install -y -qq "${browser_pkgs[@]}"
fi
# Java for the Nu Html Checker (vnu-jar); only the runtime, no desktop parts.
if ! command -v java >/dev/null 2>&1; then
  export DEBIAN_FRONTEND=noninteractive
  apt-get update -qq
  apt-get install -y -qq --no-install-recommends default-jre-headless
fi
node -e 'process.exit(Number(process.versions.node.split(".")[0]) >= 20 ? 0 : 1)' \
  || { echo "the browser tests need Node.js 20 or later (playwright-core)" >&2; exit 1; }
cargo build --locked
(cd tests/browser && npm ci --no-audit --no-fund --ignore-scripts && node --test)
