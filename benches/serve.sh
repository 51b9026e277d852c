#!/usr/bin/env bash
# Editor's-loop benchmark: time from saving a one-item edit to the rebuilt
# page being served, and to the reload event, median of EDITS edits, with
# `gongkai serve` and `hugo server` on the same shared corpus.  See
# benches/README.md.  Not part of `cargo test`.
#
#   benches/serve.sh
#
# Environment (defaults in brackets):
#   N        catalog items in the corpus                  [10000]
#   EDITS    edits per tool                               [20]
#   PAUSE    seconds between edits (an idle server each time)  [3]
#   TOOLS    which servers                                ["gongkai hugo"]
#   WORK     corpora and results (shared with build.sh)   [/tmp/gongkai-bench]
#   BENCH    the shared bench folder                      [<repo>/../shared/bench]
#   GONGKAI  use this gongkai binary instead of `cargo build --release` [unset]
# Each corpus is copied before the run (the edits touch one file, restored
# afterwards).  Results: $WORK/serve-results.jsonl, server logs beside it.
set -euo pipefail

HERE="$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)"
REPO="$(cd "$HERE/.." && pwd)"
BENCH="${BENCH:-$(cd "$REPO/../shared/bench" 2>/dev/null && pwd || true)}"
N="${N:-10000}"
EDITS="${EDITS:-20}"
PAUSE="${PAUSE:-3}"
TOOLS="${TOOLS:-gongkai hugo}"
WORK="${WORK:-/tmp/gongkai-bench}"
SEED=20240501
DEPTS=20

die() { echo "serve.sh: $*" >&2; exit 2; }
[ -n "$BENCH" ] && [ -f "$BENCH/gen_corpus.py" ] || die "shared bench folder not found (set BENCH=…/shared/bench)"
mkdir -p "$WORK"
case " $TOOLS " in *" hugo "*)
  command -v hugo >/dev/null || { apt-get install -y hugo >/dev/null 2>&1 ||
    { apt-get update >/dev/null && apt-get install -y hugo >/dev/null; } || die "install hugo"; } ;;
esac

GK="$WORK/gongkai-serve-bin"
if [ -n "${GONGKAI:-}" ]; then
  cp "$GONGKAI" "$GK"
else
  (cd "$REPO" && cargo build --release --quiet)
  target_dir="$(cd "$REPO" && cargo metadata --format-version 1 --no-deps |
    python3 -c 'import json,sys; print(json.load(sys.stdin)["target_directory"])')"
  cp "$target_dir/release/gongkai" "$GK"
fi

for tool in $TOOLS; do
  src="$WORK/$tool-$N"
  if [ ! -f "$src/corpus-manifest.json" ]; then
    echo "generating $src" >&2
    mkdir -p "$src"
    [ "$tool" = hugo ] && cp -r "$BENCH/peers/hugo/." "$src/"
    python3 "$BENCH/gen_corpus.py" --items "$N" --departments "$DEPTS" --seed "$SEED" \
      --text-source "$BENCH"/text/*.txt --out "$src" --format "$tool" --force >/dev/null
  fi
  site="$WORK/serve-$tool-$N"
  rm -rf "$site" && cp -r "$src" "$site"
  rm -rf "$site/public" "$site/resources" "$site/.hugo_build.lock"
  echo "== $tool, $N items, $EDITS edits" >&2
  python3 "$HERE/serve_latency.py" --tool "$tool" --site "$site" --bin "$GK" \
    --edits "$EDITS" --pause "$PAUSE" --results "$WORK/serve-results.jsonl"
  rm -rf "$site"
done
