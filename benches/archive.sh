#!/usr/bin/env bash
# Archive benchmark (issue 20): the WACZ of the history corpus (the
# repository benches/history.sh makes: 10,000 items, 2,000 commits) beside
# the site build of the same commit. Prints wall/CPU time, peak memory and
# sizes. Not a test: nothing asserts.
#
#   benches/archive.sh [CORPUS_DIR] [COMMITS]
# CORPUS_DIR defaults to /tmp/gk10k; when it is missing, it is generated
# with ../shared/bench/gen_corpus.py (10,000 items, gongkai format).
set -euo pipefail
CORPUS="${1:-/tmp/gk10k}"
COMMITS="${2:-2000}"
REPO_DIR="$(cd "$(dirname "$0")/.." && pwd)"
BENCH="${BENCH:-$REPO_DIR/../shared/bench}"
export WORK="${WORK:-/tmp/gongkai-archive-bench}"
if [ ! -f "$CORPUS/site.toml" ]; then
  python3 "$BENCH/gen_corpus.py" --items 10000 --departments 20 \
    --text-source "$BENCH"/text/*.txt --out "$CORPUS" --format gongkai >/dev/null
fi
# Makes the repository in $WORK/site (and times its builds).
KEEP=1 "$REPO_DIR/benches/history.sh" "$CORPUS" "$COMMITS"
GK="$REPO_DIR/target/release/gongkai"
SITE="$WORK/site"
timed() { /usr/bin/time -f "%e s wall, %U+%S s CPU, %M KB max RSS" "$@" 2>&1 >/dev/null | tail -1; }
echo "--- the same commit, history cache warm"
echo "build:                       $(timed "$GK" build --root "$SITE" --out "$WORK/out")"
echo "build output: $(du -sh "$WORK/out" | cut -f1), $(find "$WORK/out" -type f | wc -l) files"
echo "archive (WACZ):              $(timed "$GK" archive --root "$SITE" --out "$WORK/site.wacz")"
echo "WACZ: $(du -h "$WORK/site.wacz" | cut -f1) ($(stat -c %s "$WORK/site.wacz") bytes)"
echo "archive again:               $(timed "$GK" archive --root "$SITE" --out "$WORK/again.wacz")"
cmp -s "$WORK/site.wacz" "$WORK/again.wacz" && echo "the two WACZ files are identical" || echo "the two WACZ files DIFFER"
[ -n "${KEEP:-}" ] || rm -rf "$WORK/out" "$WORK/out1" "$WORK/out2" "$WORK/out3" "$WORK/site.wacz" "$WORK/again.wacz" "$WORK/stream"
