#!/usr/bin/env bash
# Search benchmark on the shared corpus (../shared/bench): index build time
# and memory, index size and file count, bytes and requests of a first
# query of 2 and of 4 Chinese characters, and known-item success. See
# benches/README.md. Not part of `cargo test`.
#
#   benches/search.sh
#
# Environment (defaults in brackets):
#   SIZES    catalog items per corpus                      ["10000 50000"]
#   DEPTS    department folders                            [20]
#   SEED     corpus seed                                   [20240501]
#   WORK     corpora, outputs, results                     [/tmp/gongkai-search-bench]
#   BENCH    the shared bench folder                       [<repo>/../shared/bench]
#   GONGKAI  gongkai binary                                [cargo build --release]
#   SAMPLES  known-item queries                            [200]
#   OUT      where the built sites go (/dev/shm/… takes the disk out of
#            the build time)                               [$WORK]
#   PAGEFIND pagefind_extended binary: when set, Pagefind indexes the Hugo
#            output of the same corpus (bench_pagefind.sh's method) [unset:
#            its figures come from ../shared/bench/RESULTS.md]
#
# The search index is built inside `gongkai build`; its own cost is
# measured as `gongkai search` (load, validate, index in memory, one query)
# minus `gongkai check` (load, validate), both under /usr/bin/time, with
# the index `gongkai search` keeps deleted first; a second call (the kept
# index) is printed on stderr.
set -euo pipefail

HERE="$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)"
REPO="$(cd "$HERE/.." && pwd)"
BENCH="${BENCH:-$(cd "$REPO/../shared/bench" 2>/dev/null && pwd || true)}"
SIZES="${SIZES:-10000 50000}"
DEPTS="${DEPTS:-20}"
SEED="${SEED:-20240501}"
WORK="${WORK:-/tmp/gongkai-search-bench}"
SAMPLES="${SAMPLES:-200}"
OUT="${OUT:-$WORK}"
AS_OF="2024-12-31"

die() { echo "search.sh: $*" >&2; exit 2; }
[ -n "$BENCH" ] && [ -f "$BENCH/gen_corpus.py" ] || die "shared bench folder not found (set BENCH=…/shared/bench)"
[ -x /usr/bin/time ] || die "GNU time is needed: apt-get install -y time"
mkdir -p "$WORK"
if [ -z "${GONGKAI:-}" ]; then
  (cd "$REPO" && cargo build --release --quiet)
  GONGKAI="$REPO/target/release/gongkai"
fi

timed() { # label, command… → "wall_s peak_rss_kB cpu_s"
  local label="$1"; shift
  /usr/bin/time -f '%e %M %U %S' -o "$WORK/time.$label" "$@" > "$WORK/$label.log" 2>&1
  awk '{printf "%s %s %.1f\n", $1, $2, $3 + $4}' "$WORK/time.$label"
}

echo "| items | build wall s / CPU s (RSS MB) | index wall s | search files | index MB (gzip MB) | 2-char query: req / kB (gzip kB) | 4-char query: req / kB (gzip kB) |"
echo "|---:|---:|---:|---:|---:|---:|---:|"
for n in $SIZES; do
  corpus="$WORK/gongkai-$n"
  out="$OUT/out-$n"
  if [ ! -f "$corpus/corpus-manifest.json" ]; then
    python3 "$BENCH/gen_corpus.py" --items "$n" --departments "$DEPTS" --seed "$SEED" \
      --text-source "$BENCH"/text/*.txt --out "$corpus" --format gongkai --force > "$WORK/gen-$n.log"
  fi
  rm -rf "$out"
  echo "uptime before $n: $(uptime)" >> "$WORK/load.log"
  read -r build_s build_kb build_cpu < <(timed "build-$n" "$GONGKAI" build --root "$corpus" --out "$out" --as-of "$AS_OF")
  read -r check_s _ check_cpu < <(timed "check-$n" "$GONGKAI" check --root "$corpus" --as-of "$AS_OF")
  # The index `gongkai search` keeps would make the first call a lookup.
  rm -f "$corpus/.gongkai-cache/search.bin"
  read -r search_s _ search_cpu < <(timed "search-$n" "$GONGKAI" search 政务公开 --root "$corpus" --as-of "$AS_OF")
  read -r kept_s _ kept_cpu < <(timed "search-kept-$n" "$GONGKAI" search 政务公开 --root "$corpus" --as-of "$AS_OF")
  echo "gongkai search $n, kept index: $kept_s s wall, $kept_cpu s CPU" >&2
  files=$(find "$out/search" -name '*.json' | wc -l)
  bytes=$(du -sb "$out/search" | cut -f1)
  gz=$(find "$out/search" -name '*.json' -exec sh -c 'gzip -9 -c "$1" | wc -c' _ {} \; | awk '{s+=$1} END {print s}')
  echo '["公开","政务公开"]' > "$WORK/queries.json"
  node "$HERE/search_query.mjs" "$out" "$WORK/queries.json" > "$WORK/queries-$n.jsonl"
  q() { python3 -c "import json,sys; r=[json.loads(l) for l in open('$WORK/queries-$n.jsonl')][$1]; print(f\"{r['requests']} / {r['bytes']/1e3:.0f} ({r['gzip_bytes']/1e3:.0f})\")"; }
  python3 "$HERE/search_recall.py" "$corpus" "$out" --samples "$SAMPLES" > "$WORK/recall-$n.json"
  python3 "$HERE/search_requests.py" "$corpus" "$out" > "$WORK/requests-$n.json"
  index_s=$(python3 -c "print(f'{max(0.0, $search_s - $check_s):.1f}')")
  echo "| $n | $build_s / $build_cpu ($((build_kb / 1024))) | $index_s | $files | $(python3 -c "print(f'{$bytes/1e6:.1f} ({$gz/1e6:.1f})')") | $(q 0) | $(q 1) |"
done
echo
for n in $SIZES; do echo "known-item $n: $(cat "$WORK/recall-$n.json")"; done
for n in $SIZES; do echo "random 2–4-character queries $n: $(cat "$WORK/requests-$n.json")"; done
for n in $SIZES; do echo "search page $n: $(wc -c < "$OUT/out-$n/search/index.html") bytes (it carries the entry, $(wc -c < "$OUT/out-$n/search/index.json") bytes)"; done

if [ -n "${PAGEFIND:-}" ]; then
  echo
  echo "Pagefind: run ../shared/bench/bench_pagefind.sh with PAGEFIND=$PAGEFIND on the Hugo corpus of the same seed."
fi
