#!/usr/bin/env bash
# Full-build benchmark: gongkai against Hugo on the shared disclosure-catalog
# corpus (../../shared/bench), same corpus, same session, ratios.  See
# benches/README.md.  Not part of `cargo test` (no Rust bench target).
#
#   benches/build.sh            # from anywhere
#
# Environment (defaults in brackets):
#   SIZES    catalog items per corpus                     ["10000 50000"]
#   RUNS     timed runs per tool and size (+1 warm-up)    [3]
#   DEPTS    department folders                           [20]
#   SEED     corpus seed (the same for both formats)      [20240501]
#   WORK     corpora, logs, results, frozen binary        [/tmp/gongkai-bench]
#   OUT      output folders <tool>-<N> go here            [$WORK/out]
#            (OUT=/dev/shm/gongkai-out takes the disk out of the picture)
#   TOOLS    which generators                             ["gongkai hugo"]
#   BENCH    the shared bench folder (gen_corpus.py, peers/, text/)
#                                                         [<repo>/../shared/bench]
#   TIMEOUT  seconds after which one build is killed (0 = never)  [0]
#   FRESH=1  every run writes into a new folder <tool>-<N>.<run> and nothing
#            is deleted until the end of the script [0: delete, then rebuild
#            the same folder, as ../shared/bench/bench_peers.sh].  On ext4
#            without a journal (this machine's /) the kernel avoids reusing
#            inodes deleted in the last 60 s (300 s while their inode-table
#            block is dirty) and scans past them for every new file, which
#            makes delete-then-rebuild runs pay for the previous run's delete
#            (see README.md).  FRESH=1 measures the disk without that; it
#            needs disk for all runs (~8 GB for 10k + 50k).
#   GONGKAI  use this gongkai binary instead of `cargo build --release` [unset]
#   KEEP_OUTPUT=1 keep the last output of each build (default: deleted at the
#            end of each size, after counting, to save disk)
#
# Each run: the output folder (and gongkai's .<name>.staging/.old siblings,
# Hugo's resources/ and .hugo_build.lock) is deleted, `sync` is run, then the
# build runs under `/usr/bin/time -f '%e %M %U %S'` (wall s, peak RSS kB,
# user s, sys s); the 1-minute load average before each run is recorded
# too ("max load" column: other work on the machine shows up there).  Per
# size: one warm-up of each tool, then RUNS rounds of gongkai, hugo
# alternating.  Raw runs go to $WORK/build-runs.tsv, command
# output to $WORK/build.log, the table to stdout and $WORK/build-results.md.
set -euo pipefail

HERE="$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)"
REPO="$(cd "$HERE/.." && pwd)"
# ../shared/bench from a checkout beside it, ../../shared/bench from a worktree one level deeper.
BENCH="${BENCH:-$( { cd "$REPO/../shared/bench" || cd "$REPO/../../shared/bench"; } 2>/dev/null && pwd || true)}"
SIZES="${SIZES:-10000 50000}"
RUNS="${RUNS:-3}"
DEPTS="${DEPTS:-20}"
SEED="${SEED:-20240501}"
WORK="${WORK:-/tmp/gongkai-bench}"
OUT="${OUT:-$WORK/out}"
TOOLS="${TOOLS:-gongkai hugo}"
TIMEOUT="${TIMEOUT:-0}"
FRESH="${FRESH:-0}"
KEEP_OUTPUT="${KEEP_OUTPUT:-0}"
AS_OF="2024-12-31"

die() { echo "build.sh: $*" >&2; exit 2; }
[ -n "$BENCH" ] && [ -f "$BENCH/gen_corpus.py" ] || die "shared bench folder not found (set BENCH=…/shared/bench)"
mkdir -p "$WORK" "$OUT"
WORK="$(cd "$WORK" && pwd)"
OUT="$(cd "$OUT" && pwd)"
LOG="$WORK/build.log"
RUNS_TSV="$WORK/build-runs.tsv"
RESULTS_MD="$WORK/build-results.md"

# ---- tools -----------------------------------------------------------------
need_apt=()
[ -x /usr/bin/time ] || need_apt+=(time)
case " $TOOLS " in *" hugo "*) command -v hugo >/dev/null || need_apt+=(hugo) ;; esac
if [ ${#need_apt[@]} -gt 0 ]; then
  if [ "$(id -u)" = 0 ] && command -v apt-get >/dev/null; then
    echo "installing: ${need_apt[*]}" >&2
    apt-get install -y "${need_apt[@]}" >/dev/null 2>&1 ||
      { apt-get update >/dev/null && apt-get install -y "${need_apt[@]}" >/dev/null; }
  else
    die "missing: ${need_apt[*]} (apt-get install -y ${need_apt[*]})"
  fi
fi

# ---- gongkai, release build, frozen for the whole session -------------------
# The binary is copied into $WORK so that a rebuild of target/ during the
# benchmark (someone else working in the repository) cannot change it mid-run.
GK="$WORK/gongkai-bin"
if [ -n "${GONGKAI:-}" ]; then
  [ -x "$GONGKAI" ] || die "GONGKAI=$GONGKAI is not an executable"
  cp "$GONGKAI" "$GK"
elif case " $TOOLS " in *" gongkai "*) true ;; *) false ;; esac; then
  echo "cargo build --release (in $REPO)" >&2
  (cd "$REPO" && cargo build --release --quiet)
  target_dir="$(cd "$REPO" && cargo metadata --format-version 1 --no-deps 2>/dev/null |
    python3 -c 'import json,sys; print(json.load(sys.stdin)["target_directory"])' 2>/dev/null ||
    echo "$REPO/target")"
  cp "$target_dir/release/gongkai" "$GK"
fi
GIT_REV="$(git -C "$REPO" rev-parse --short HEAD 2>/dev/null || echo unknown)"
if [ -n "$(git -C "$REPO" status --porcelain --untracked-files=no 2>/dev/null)" ]; then
  GIT_REV="$GIT_REV+dirty"
fi
[ -n "${GONGKAI:-}" ] && GIT_REV="binary $GONGKAI"
HUGO_VERSION="$(hugo version 2>/dev/null | awk '{print $2}' || true)"

# ---- corpora ---------------------------------------------------------------
gen() {  # gen FORMAT N
  local fmt="$1" n="$2" site="$WORK/$1-$2"
  if [ -f "$site/corpus-manifest.json" ]; then
    echo "reusing $site" >&2
  else
    echo "generating $site" >&2
    mkdir -p "$site"
    [ "$fmt" = hugo ] && cp -r "$BENCH/peers/hugo/." "$site/"
    python3 "$BENCH/gen_corpus.py" --items "$n" --departments "$DEPTS" --seed "$SEED" \
      --text-source "$BENCH"/text/*.txt --out "$site" --format "$fmt" --force >/dev/null
  fi
  # keep the peer config/templates in sync with the shared bench (content untouched)
  [ "$fmt" = hugo ] && cp -r "$BENCH/peers/hugo/." "$site/"
  return 0
}

# ---- one measured build ----------------------------------------------------
# run TOOL N KIND(warmup|timed) ROUND → appends a line to $RUNS_TSV
outdir() {  # outdir TOOL N KIND ROUND
  if [ "$FRESH" = 1 ]; then echo "$OUT/$1-$2.$3$4"; else echo "$OUT/$1-$2"; fi
}

run() {
  local tool="$1" n="$2" kind="$3" round="$4" src="$WORK/$1-$2"
  local out; out="$(outdir "$@")"
  local tfile="$WORK/.time.$$" cmd=()
  local base; base="$(basename "$out")"
  rm -rf "$out" "$OUT/.$base.staging" "$OUT/.$base.old"
  case "$tool" in
    # A full build: no cache from an earlier run (the search analysis and
    # the output ledger would make it an incremental one).
    gongkai) rm -rf "$src/.gongkai-cache"
             cmd=("$GK" build --root "$src" --out "$out" --as-of "$AS_OF") ;;
    hugo)    rm -rf "$src/resources" "$src/.hugo_build.lock"
             cmd=(hugo --quiet --source "$src" --destination "$out") ;;
  esac
  sync
  local pre=()
  [ "$TIMEOUT" != 0 ] && pre=(timeout "$TIMEOUT")
  echo "### $tool-$n $kind $round: ${cmd[*]}" >>"$LOG"
  local rc=0 load
  load="$(cut -d' ' -f1 /proc/loadavg 2>/dev/null || echo NA)"
  "${pre[@]}" /usr/bin/time -f '%e %M %U %S' -o "$tfile" "${cmd[@]}" \
    </dev/null >>"$LOG" 2>&1 || rc=$?
  local e="" m="" u="" s=""
  if [ -s "$tfile" ]; then
    # last line (GNU time prefixes "Command exited with non-zero status N")
    read -r e m u s < <(tail -n 1 "$tfile")
  fi
  rm -f "$tfile"
  printf '%s\t%s\t%s\t%s\t%s\t%s\t%s\t%s\t%s\t%s\n' \
    "$n" "$tool" "$kind" "$round" "$rc" "${e:-NA}" "${m:-NA}" "${u:-NA}" "${s:-NA}" "$load" >>"$RUNS_TSV"
  printf '  %-8s %6s %-6s %s: rc=%s wall=%ss rss=%sMB cpu=%s+%ss load=%s\n' "$tool" "$n" "$kind" "$round" \
    "$rc" "${e:-?}" "$(( ${m:-0} / 1024 ))" "${u:-?}" "${s:-?}" "$load" >&2
}

# output size of the last run: files and bytes (apparent sizes)
count_output() {  # count_output TOOL N   (the last timed run's output)
  local out; out="$(outdir "$1" "$2" timed "$RUNS")"
  if [ -d "$out" ]; then
    find "$out" -type f -printf '%s\n' |
      awk -v n="$2" -v t="$1" '{b+=$1; f++} END {printf "%s\t%s\t%d\t%d\n", n, t, f, b}' >>"$WORK/build-outputs.tsv"
  else
    printf '%s\t%s\t0\t0\n' "$2" "$1" >>"$WORK/build-outputs.tsv"
  fi
}

# ---- main ------------------------------------------------------------------
: >"$RUNS_TSV"
: >"$WORK/build-outputs.tsv"
echo "# build.sh $(date -u +%FT%TZ) gongkai $GIT_REV, hugo $HUGO_VERSION, OUT=$OUT FRESH=$FRESH" >>"$LOG"
for n in $SIZES; do
  for tool in $TOOLS; do gen "$tool" "$n"; done
  echo "size $n: warm-up" >&2
  for tool in $TOOLS; do run "$tool" "$n" warmup 0; done
  for r in $(seq 1 "$RUNS"); do
    for tool in $TOOLS; do run "$tool" "$n" timed "$r"; done
  done
  for tool in $TOOLS; do
    count_output "$tool" "$n"
    if [ "$KEEP_OUTPUT" != 1 ] && [ "$FRESH" != 1 ]; then
      base="$(basename "$OUT/$tool-$n")"
      rm -rf "${OUT:?}/$tool-$n" "$OUT/.$base.staging" "$OUT/.$base.old"
    fi
  done
done
if [ "$KEEP_OUTPUT" != 1 ] && [ "$FRESH" = 1 ]; then
  for n in $SIZES; do for tool in $TOOLS; do
    rm -rf "${OUT:?}/$tool-$n".* "$OUT/.$tool-$n".*
  done; done
fi

# ---- table -----------------------------------------------------------------
python3 - "$RUNS_TSV" "$WORK/build-outputs.tsv" "$GIT_REV" "$HUGO_VERSION" "$OUT" "$RUNS" "$FRESH" >"$RESULTS_MD" <<'PY'
import statistics, sys
runs_tsv, outs_tsv, rev, hugo_v, out, nruns, fresh = sys.argv[1:]
runs = {}
for line in open(runs_tsv):
    n, tool, kind, rnd, rc, e, m, u, s, load = line.rstrip("\n").split("\t")
    if kind != "timed":
        continue
    runs.setdefault((int(n), tool), []).append(
        dict(rc=int(rc), e=None if e == "NA" else float(e), m=None if m == "NA" else int(m),
             cpu=None if u == "NA" else float(u) + float(s),
             load=None if load == "NA" else float(load)))
outs = {}
for line in open(outs_tsv):
    n, tool, f, b = line.rstrip("\n").split("\t")
    outs[(int(n), tool)] = (int(f), int(b))

def summary(rs):
    ok = [r for r in rs if r["rc"] == 0 and r["e"] is not None]
    if not ok:
        return None
    w = [r["e"] for r in ok]
    return dict(ok=len(ok), failed=len(rs) - len(ok), med=statistics.median(w), lo=min(w), hi=max(w),
                rss=statistics.median(r["m"] for r in ok) / 1024,
                rss_max=max(r["m"] for r in ok) / 1024,
                cpu=statistics.median(r["cpu"] for r in ok),
                load=max((r["load"] for r in ok if r["load"] is not None), default=None))

print(f"gongkai {rev}, {hugo_v and 'hugo ' + hugo_v}, output under {out}; "
      f"{nruns} timed runs after 1 warm-up, alternating; wall = median (min–max)"
      + ("; FRESH=1: a new output folder per run, nothing deleted between runs" if fresh == "1"
         else "; output deleted before each run") + "\n")
print("| items | tool | wall median (min–max) s | ms/page | CPU s | peak RSS MB | output files | output MB | max load |")
print("|---:|---|---:|---:|---:|---:|---:|---:|---:|")
sizes = sorted({n for n, _ in runs})
tools = []
for _, t in runs:
    if t not in tools:
        tools.append(t)
stats = {}
for n in sizes:
    for t in tools:
        if (n, t) not in runs:
            continue
        st = summary(runs[(n, t)])
        stats[(n, t)] = st
        f, b = outs.get((n, t), (0, 0))
        if st is None:
            print(f"| {n:,} | {t} | failed ({len(runs[(n, t)])} runs) | | | | | | |")
            continue
        note = f" ({st['failed']} failed)" if st["failed"] else ""
        print(f"| {n:,} | {t} | {st['med']:.2f} ({st['lo']:.2f}–{st['hi']:.2f}){note} | "
              f"{st['med'] * 1000 / n:.3f} | {st['cpu']:.1f} | {st['rss']:.0f} | {f:,} | {b / 1e6:.1f} | "
              f"{'–' if st['load'] is None else format(st['load'], '.1f')} |")
if "gongkai" in tools and "hugo" in tools:
    print("\n| items | wall gongkai/hugo | CPU gongkai/hugo | peak RSS gongkai/hugo | goal |")
    print("|---:|---:|---:|---:|---|")
    for n in sizes:
        g, h = stats.get((n, "gongkai")), stats.get((n, "hugo"))
        if g and h:
            print(f"| {n:,} | {g['med'] / h['med']:.2f}× | {g['cpu'] / h['cpu']:.2f}× | "
                  f"{g['rss'] / h['rss']:.3f}× | ≤ 0.5× wall, < 1024 MB |")
        else:
            print(f"| {n:,} | – | – | – | (a tool failed) |")
PY
cat "$RESULTS_MD"
echo >&2
echo "raw runs: $RUNS_TSV; outputs: $WORK/build-outputs.tsv; command output: $LOG" >&2
