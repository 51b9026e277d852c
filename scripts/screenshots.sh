#!/usr/bin/env bash
# Regenerates docs/screenshots/*.png (shown in the README) from the example
# site in headless Chromium. Installs what it needs, like scripts/test.sh.
set -euo pipefail
cd "$(dirname "$0")/.."
[ -x /usr/bin/chromium ] || { export DEBIAN_FRONTEND=noninteractive; apt-get update -qq; apt-get install -y -qq chromium fonts-noto-cjk; }
cargo build --locked --quiet
(cd tests/browser && npm ci --no-audit --no-fund --silent && node screenshots.mjs)
