#!/usr/bin/env bash
# Runs every test of gongkai on a fresh machine: installs what the tests
# need (Chromium, nginx, Java, minisign, Node packages, the Python
# web-archive tools), then the Rust tests, then the
# browser tests.
set -euo pipefail
cd "$(dirname "$0")/.."

echo "== test tools"
# What the browser tests need from Debian, without recommended packages:
# Chromium; a Chinese font, so that layouts are measured with real glyphs;
# nginx, for the test of the server configuration the build writes; Java
# (the runtime only) for the Nu Html Checker; minisign, which checks the
# signed manifest (tests/archive.rs); python3-venv for the archive tools.
pkgs=()
[ -x /usr/bin/chromium ] || pkgs+=(chromium)
fc-list :lang=zh 2>/dev/null | grep -q . || pkgs+=(fonts-noto-cjk)
[ -x /usr/sbin/nginx ] || pkgs+=(nginx)
command -v java >/dev/null 2>&1 || pkgs+=(default-jre-headless)
command -v minisign >/dev/null 2>&1 || pkgs+=(minisign)
python3 -c 'import venv, ensurepip' 2>/dev/null || pkgs+=(python3-venv)
if [ "${#pkgs[@]}" -gt 0 ]; then
  # apt-get needs root: use sudo when this runs as another user.
  sudo=()
  [ "$(id -u)" -eq 0 ] || sudo=(sudo)
  "${sudo[@]}" env DEBIAN_FRONTEND=noninteractive apt-get update -qq
  "${sudo[@]}" env DEBIAN_FRONTEND=noninteractive apt-get install -y -qq --no-install-recommends "${pkgs[@]}"
fi

# The web-archive tools that read the WACZ of `gongkai archive` (warcio,
# py-wacz, pywb), from PyPI into a virtual environment that tests/archive.rs
# runs (it fails, naming this script, when they are missing).
venv=target/archive-venv
if [ ! -x "$venv/bin/wb-manager" ] || [ ! -x "$venv/bin/wacz" ] || [ ! -x "$venv/bin/warcio" ]; then
  python3 -m venv "$venv"
  "$venv/bin/pip" install -q --disable-pip-version-check warcio==1.8.1 wacz==0.6.0 pywb==2.10.0
fi

echo "== cargo fmt --check"
cargo fmt --check
echo "== cargo clippy"
cargo clippy --all-targets --locked -- -D warnings
echo "== cargo test"
cargo test --locked

echo "== browser tests"
node -e 'process.exit(Number(process.versions.node.split(".")[0]) >= 20 ? 0 : 1)' \
  || { echo "the browser tests need Node.js 20 or later (playwright-core)" >&2; exit 1; }
# `cargo test` above built target/debug/gongkai (the integration tests run
# it); a separate `cargo build` would compile the dependencies again with
# other features.
test -x target/debug/gongkai
(cd tests/browser && npm ci --no-audit --no-fund --ignore-scripts && node --test)
