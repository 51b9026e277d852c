#!/usr/bin/env bash
# Province scale (issue 21): ITEMS catalog items across DEPTS departments,
# generated with the shared corpus generator (../shared/bench/gen_corpus.py),
# then
#   1. a full build without history (outside git): wall, CPU, peak memory
#      (and per item), output size and file count;
#   2. `gongkai search`: the first call (builds and keeps the index) and a
#      second (reads the kept index);
#   3. the same content with a generated history (benches/history.sh:
#      COMMITS commits that amend, move or delete items): the first build,
#      the rebuild after one more commit, and a rebuild with nothing changed.
# Prints the figures. Not a test: nothing asserts.
#
#   benches/scale.sh                       # 500,000 items, 200 departments
#   ITEMS=5000 COMMITS=200 benches/scale.sh   # a quick run that proves it works
#
# Environment (defaults in brackets):
#   ITEMS    catalog items                                  [500000]
#   DEPTS    department folders                             [200]
#   COMMITS  commits of the generated history (0 = skip 3)   [2000]
#   SEED     corpus seed                                    [20240501]
#   WORK     corpus, outputs, logs                          [/tmp/gongkai-scale]
#   BENCH    the shared bench folder                        [<repo>/../shared/bench]
#   GONGKAI  a gongkai binary to use instead of `cargo build --release`
#   KEEP=1   keep the outputs
#   HISTORY_ONLY=1  skip 1 and 2 (run only the history part)
#   EXTRA=0  history part: skip the build into a new folder and without git
#
# Disk: the corpus is about 5 kB per item, the output about 50 kB per item
# without history (500,000 items: ~2.5 GB + ~25 GB), more with history.
# Check `df` first on a shared machine.
set -euo pipefail
HERE="$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)"
REPO="$(cd "$HERE/.." && pwd)"
# ../shared/bench from a checkout beside it, ../../shared/bench from a worktree one level deeper.
BENCH="${BENCH:-$( { cd "$REPO/../shared/bench" || cd "$REPO/../../shared/bench"; } 2>/dev/null && pwd || true)}"
ITEMS="${ITEMS:-500000}"
DEPTS="${DEPTS:-200}"
COMMITS="${COMMITS:-2000}"
SEED="${SEED:-20240501}"
WORK="${WORK:-/tmp/gongkai-scale}"
AS_OF="2024-12-31"
die() { echo "scale.sh: $*" >&2; exit 2; }
[ -n "$BENCH" ] && [ -f "$BENCH/gen_corpus.py" ] || die "shared bench folder not found (set BENCH=…/shared/bench)"
[ -x /usr/bin/time ] || die "needs GNU time (apt-get install -y time)"
mkdir -p "$WORK"
WORK="$(cd "$WORK" && pwd)"

if [ -n "${GONGKAI:-}" ]; then
  GK="$GONGKAI"
else
  (cd "$REPO" && cargo build --release --quiet)
  GK="$REPO/target/release/gongkai"
fi
GK_COPY="$WORK/gongkai-bin"
cp "$GK" "$GK_COPY"   # frozen: a rebuild of target/ cannot change it mid-run
GK="$GK_COPY"

# wall s, CPU s, peak RSS kB of one command (its output to $WORK/log)
measure() {
  local t="$WORK/.time"
  /usr/bin/time -f '%e %U %S %M' -o "$t" "$@" </dev/null >>"$WORK/log" 2>&1 || {
    echo "failed: $* (see $WORK/log)" >&2; tail -n 5 "$WORK/log" >&2; exit 1; }
  read -r e u s m < <(tail -n 1 "$t")
  rm -f "$t"
  python3 -c "import sys; e,u,s,m,n=sys.argv[1:]; m=int(m); print(f'{float(e):.2f} s wall, {float(u)+float(s):.2f} s CPU, {m/1024:,.0f} MiB peak ({m*1024/int(n)/1000:.1f} kB per item)')" \
    "$e" "$u" "$s" "$m" "$ITEMS"
}
output() {  # size and file count of a folder
  printf '%s, %s files' "$(du -sh "$1" | cut -f1)" "$(find "$1" -type f | wc -l | awk '{printf "%\047d", $1}')"
}

CORPUS="$WORK/corpus-$ITEMS-$DEPTS"
if [ -f "$CORPUS/corpus-manifest.json" ]; then
  echo "reusing $CORPUS" >&2
else
  echo "generating $ITEMS items across $DEPTS departments into $CORPUS" >&2
  start=$(date +%s)
  python3 "$BENCH/gen_corpus.py" --items "$ITEMS" --departments "$DEPTS" --seed "$SEED" \
    --text-source "$BENCH"/text/*.txt --out "$CORPUS" --format gongkai --force >/dev/null
  echo "generated in $(( $(date +%s) - start )) s" >&2
fi
: >"$WORK/log"
echo "gongkai $(git -C "$REPO" rev-parse --short HEAD 2>/dev/null || echo '?'), $ITEMS items, $DEPTS departments, $(nproc) CPUs"
echo "corpus:                      $(output "$CORPUS/content")"

if [ -z "${HISTORY_ONLY:-}" ]; then
# 1. Without history.
OUT="$WORK/out-plain"
rm -rf "$OUT" "$CORPUS/.gongkai-cache"
echo "build, no history:           $(measure "$GK" build --root "$CORPUS" --out "$OUT" --as-of "$AS_OF")"
echo "output:                      $(output "$OUT")"
[ -n "${KEEP:-}" ] || rm -rf "$OUT"

# 2. gongkai search: the first call builds and keeps the index, the second
# reads it.
echo "search, first call:          $(measure "$GK" search 政务公开 --root "$CORPUS" --as-of "$AS_OF")"
echo "search, index kept:          $(measure "$GK" search 政务公开 --root "$CORPUS" --as-of "$AS_OF")"
echo "search, index kept, 2 words: $(measure "$GK" search 年度报告 --root "$CORPUS" --as-of "$AS_OF")"
echo "kept index:                  $(du -h "$CORPUS/.gongkai-cache/search.bin" | cut -f1)"
fi

# 3. With history (benches/history.sh: its own repository under WORK).
if [ "$COMMITS" != 0 ]; then
  echo "with history ($COMMITS commits), benches/history.sh:"
  WORK="$WORK/history" GONGKAI="$GK" KEEP="${KEEP:-}" "$HERE/history.sh" "$CORPUS" "$COMMITS" | sed 's/^/  /'
fi
