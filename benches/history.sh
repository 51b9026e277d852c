#!/usr/bin/env bash
# History benchmark (issue 4): a generated repository with N items and C
# commits (each touching 1–20 items, with some moves and deletions), built
#   1. first build, empty history cache,
#   2. after one more commit, with the cache, into the same output folder
#      (incremental: what did not change is reused), and into a new one,
#   3. the same content with history reading skipped (outside git), for
#      the cost of history itself.
# Prints times, output size and file count. Not a test: nothing asserts.
#
#   benches/history.sh [CORPUS_DIR] [COMMITS]
# CORPUS_DIR is a gongkai site (site.toml + content/), default /tmp/gk10k
# (made by ../shared/bench/); COMMITS defaults to 2000. EXTRA=0 skips the
# build into a new folder and the build without git (at province scale each
# takes as long as the first build).
set -euo pipefail
CORPUS="${1:-/tmp/gk10k}"
COMMITS="${2:-2000}"
REPO_DIR="$(cd "$(dirname "$0")/.." && pwd)"
WORK="${WORK:-/tmp/gongkai-history-bench}"
[ -f "$CORPUS/site.toml" ] || { echo "no site at $CORPUS" >&2; exit 2; }

if [ -n "${GONGKAI:-}" ]; then
  GK="$GONGKAI"   # benches/scale.sh passes its frozen binary
else
  (cd "$REPO_DIR" && cargo build --release --quiet)
  GK="$REPO_DIR/target/release/gongkai"
fi
rm -rf "$WORK" && mkdir -p "$WORK"
SITE="$WORK/site"
git init -q -b main "$SITE"
export GIT_CONFIG_GLOBAL=/dev/null GIT_CONFIG_NOSYSTEM=1

# One fast-import stream: the corpus as the first commit, then COMMITS
# commits that amend, move or delete random items (seeded: reproducible).
python3 - "$CORPUS" "$COMMITS" > "$WORK/stream" <<'PY'
import os, random, sys
corpus, commits = sys.argv[1], int(sys.argv[2])
rng = random.Random(4)
files = {}
for base, _, names in os.walk(corpus):
    for name in names:
        path = os.path.join(base, name)
        rel = os.path.relpath(path, corpus)
        if rel == "site.toml" or rel.startswith("content/"):
            files[rel] = open(path, "rb").read()
out = sys.stdout.buffer
t = 1704157200  # 2024-01-02
def commit(changes, message, when):
    out.write(b"commit refs/heads/main\n")
    out.write(b"committer bench <bench@example.gov.cn> %d +0800\n" % when)
    msg = message.encode()
    out.write(b"data %d\n%s\n" % (len(msg), msg))
    for kind, path, data in changes:
        if kind == "D":
            out.write(b"D %s\n" % path.encode())
        else:
            out.write(b"M 100644 inline %s\ndata %d\n" % (path.encode(), len(data)))
            out.write(data + b"\n")
commit([("M", p, d) for p, d in sorted(files.items())], "import", t)
items = sorted(p for p in files if "/catalog/" in p)
for n in range(commits):
    t += 3600
    changes = []
    for _ in range(rng.randint(1, 20)):
        if not items:
            break
        path = rng.choice(items)
        roll = rng.random()
        if roll < 0.03:
            items.remove(path); del files[path]
            changes.append(("D", path, None))
        elif roll < 0.08:
            new = path.replace("/catalog/", "/catalog/moved/")
            if new in files:
                continue
            items.remove(path); items.append(new)
            files[new] = files.pop(path)
            changes += [("D", path, None), ("M", new, files[new])]
        else:
            files[path] = files[path] + ("\n修订 %d。\n" % n).encode()
            changes.append(("M", path, files[path]))
    commit(changes, "edit %d" % n, t)
PY
git -C "$SITE" fast-import --quiet < "$WORK/stream"
git -C "$SITE" checkout -q -f main

# Wall time, CPU time (user + system: comparable when the machine is busy)
# and peak memory.
timed() { /usr/bin/time -f "%e s wall, %U+%S s CPU, %M KB max RSS" "$@" 2>"$WORK/stderr" >/dev/null; tail -1 "$WORK/stderr"; }
summary() { grep '^built' "$WORK/stderr" | sed 's/ in [0-9.]* s into .*//'; }
echo "repository: $(find "$SITE/content" -name '*.md' | wc -l) items, $(git -C "$SITE" rev-list --count HEAD) commits"
echo "first build (no cache):      $(timed "$GK" build --root "$SITE" --out "$WORK/out1")"
echo "output: $(du -sh "$WORK/out1" | cut -f1), $(find "$WORK/out1" -type f | wc -l) files"
f="$(find "$SITE/content" -path '*/catalog/*.md' | sort | sed -n 1p)"
printf '\n最后一次修订。\n' >> "$f"
git -C "$SITE" -c user.name=bench -c user.email=b@example.gov.cn commit -q -am "one more"
# Into the same folder: only what the commit changed is made again (the
# build's summary says how many files were reused); then into a new folder,
# where everything is made (the history cache still read).
echo "after one commit (same out): $(timed "$GK" build --root "$SITE" --out "$WORK/out1")"
echo "  $(summary)"
echo "again, nothing changed:      $(timed "$GK" build --root "$SITE" --out "$WORK/out1")"
echo "  $(summary)"
[ "${EXTRA:-1}" = 0 ] || echo "same commit, new folder:     $(timed "$GK" build --root "$SITE" --out "$WORK/out2")"
# At province scale each output is tens of gigabytes: keep one at a time.
[ -n "${KEEP:-}" ] || rm -rf "$WORK/out1" "$WORK/out2" "$WORK/stream"
# The history read alone: `gongkai history` reads the whole history (every
# commit and every revision, from the caches) and prints one item's log.
id="$(sed -n 's/^index_no = "\(.*\)"/\1/p' "$f")"
echo "history read only (cache):   $(timed "$GK" history "$id" --root "$SITE")"
if [ "${EXTRA:-1}" != 0 ]; then
  cp -r "$SITE/site.toml" "$SITE/content" "$WORK/plain/" 2>/dev/null || { mkdir -p "$WORK/plain"; cp -r "$SITE/site.toml" "$SITE/content" "$WORK/plain/"; }
  echo "same content, no git:        $(timed "$GK" build --root "$WORK/plain" --out "$WORK/out3")"
fi
[ -n "${KEEP:-}" ] || rm -rf "$WORK/out1" "$WORK/out2" "$WORK/out3" "$WORK/stream"
