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
  # apt-get needs root: use sudo when this runs as another user.
  sudo=()
  [ "$(id -u)" -eq 0 ] || sudo=(sudo)
  "${sudo[@]}" env DEBIAN_FRONTEND=noninteractive apt-get update -qq
  "${sudo[@]}" env DEBIAN_FRONTEND=noninteractive apt-get install -y -qq --no-install-recommends "${browser_pkgs[@]}"
fi
# nginx, for the test of the server configuration the build writes.
if [ ! -x /usr/sbin/nginx ]; then
  export DEBIAN_FRONTEND=noninteractive
  apt-get update -qq
  apt-get install -y -qq --no-install-recommends nginx
fi
node -e 'process.exit(Number(process.versions.node.split(".")[0]) >= 20 ? 0 : 1)' \
  || { echo "the browser tests need Node.js 20 or later (playwright-core)" >&2; exit 1; }
# `cargo test` above built target/debug/gongkai (the integration tests run
# it); a separate `cargo build` would compile the dependencies again with
# other features.
test -x target/debug/gongkai
(cd tests/browser && npm ci --no-audit --no-fund && node --test)
