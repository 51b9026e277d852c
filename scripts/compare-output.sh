#!/usr/bin/env bash
# Build every fixture site that builds, the example site, and the example
# site inside a made-up git history (amendments, deletions, an exempt
# revision, tags), with two gongkai binaries, and compare the output trees
# byte for byte. Used to prove that a refactor changes no output:
#
#   scripts/compare-output.sh OLD_BINARY NEW_BINARY [WORK_DIR]
#
# Prints the files that differ or exist on one side only; exits 1 if any.
set -euo pipefail
old=$(realpath "$1")
new=$(realpath "$2")
work=${3:-$(mktemp -d -t gongkai-compare-XXXXXX)}
repo=$(cd "$(dirname "$0")/.." && pwd)
as_of=2026-11-23
mkdir -p "$work"

# The example site in a git history of its own, every date fixed.
history_site() {
  local dest=$1
  rm -rf "$dest"
  mkdir -p "$dest"
  cp -r "$repo/content" "$repo/site.toml" "$dest/"
  cd "$dest"
  export GIT_AUTHOR_NAME=t GIT_AUTHOR_EMAIL=t@example.org
  export GIT_COMMITTER_NAME=t GIT_COMMITTER_EMAIL=t@example.org
  commit() {
    GIT_AUTHOR_DATE="$1T10:00:00+08:00" GIT_COMMITTER_DATE="$1T10:00:00+08:00" \
      git -c commit.gpgsign=false commit -q -m "$2" ${3:+-m "Public-Note: $3"}
  }
  git init -q -b main .
  git add -A && commit 2026-01-05 first
  git tag v1
  # Amend one file of each kind (the front matter or body keeps parsing).
  local item power guide report
  item=$(find content/fgw/catalog -name '*.md' | sort | head -1)
  power=$(find content/fgw/powers -name '*.toml' | sort | head -1)
  guide=content/fgw/guide.md
  report=$(find content/fgw/reports -name '*.md' | sort | head -1)
  for f in "$item" "$guide" "$report"; do printf '\n补充说明。\n' >>"$f"; done
  sed -i 's/^supervision = "\(.*\)"$/supervision = "\1（修订）"/' "$power"
  git add -A && commit 2026-03-02 amend '更正文字'
  git tag v2
  for f in "$item" "$guide" "$report"; do printf '\n再次补充。\n' >>"$f"; done
  git add -A && commit 2026-05-11 amend-again
  # Delete one file of each kind.
  git rm -q "$(find content/jyj/catalog -name '*.md' | sort | head -1)"
  git rm -q "$(find content/jyj/powers -name '*.toml' | sort | head -1)"
  git rm -q content/jyj/guide.md
  git rm -q "$(find content/fgw/reports -name '*.md' | sort | tail -1)"
  git rm -q "$(find content/fgw/reports -name '*.toml' | sort | tail -1)"
  commit 2026-07-06 delete '撤下'
  git tag v3
  cd - >/dev/null
}

sites=()
for dir in "$repo"/tests/fixtures/*/; do
  [ -f "$dir/site.toml" ] && sites+=("$(basename "$dir")")
done
status=0
build() { # binary site-root out
  "$1" build --root "$2" --out "$3" --as-of "$as_of" >/dev/null 2>&1
}
for side in old new; do
  bin=${!side}
  for site in "${sites[@]}"; do
    rm -rf "$work/src/$site" "$work/$side/$site"
    mkdir -p "$work/src"
    cp -r "$repo/tests/fixtures/$site" "$work/src/$site"
    if ! build "$bin" "$work/src/$site" "$work/$side/$site"; then
      rm -rf "$work/$side/$site"
      echo "$side: $site does not build" >>"$work/$side.failed"
    fi
  done
  rm -rf "$work/src/example"
  mkdir -p "$work/src/example"
  cp -r "$repo/content" "$repo/site.toml" "$work/src/example/"
  build "$bin" "$work/src/example" "$work/$side/example"
  history_site "$work/src/history"
  # Without --as-of: the date is the tip's, as a real site builds.
  "$bin" build --root "$work/src/history" --out "$work/$side/history" >/dev/null 2>&1
done
if ! diff -r "$work/old" "$work/new" >"$work/diff.txt"; then
  status=1
fi
diff -rq "$work/old" "$work/new" || true
echo "compared: ${sites[*]} example history (in $work)"
[ -f "$work/old.failed" ] && cat "$work/old.failed"
exit $status
