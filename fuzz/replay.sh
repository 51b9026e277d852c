#!/usr/bin/env bash
# fuzz/replay.sh [CORPUS]
#
# Runs every input of a fuzz campaign's corpus (fuzz/corpus/<target>/, as
# fuzz/run.sh leaves it) through the fuzz targets' code on stable, in the
# test build: after the code changed, it shows that what a campaign
# learned on an earlier commit still passes every property, in minutes
# instead of another instrumented campaign (debug assertions on).
set -euo pipefail
root=$(cd "$(dirname "$0")/.." && pwd)
corpus=$(realpath "${1:-$root/fuzz/corpus}")
cd "$root"
GONGKAI_FUZZ_REPLAY="$corpus" cargo test --test fuzz_regressions \
  every_saved_fuzz_input_passes_its_target -- --nocapture
