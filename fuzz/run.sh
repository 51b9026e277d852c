#!/usr/bin/env bash
# fuzz/run.sh SECONDS [TARGET...]
#
# Builds the fuzz targets (cargo-fuzz, libFuzzer, AddressSanitizer, debug
# assertions and overflow checks on) and runs each for SECONDS, one after
# the other (the machine's cores are shared). Seeds come from the
# fixtures under tests/fixtures, copied at run time; what a run learns is
# kept in fuzz/corpus/<target> (not committed). Prints executions, corpus
# size and findings per target; exits 1 when anything was found. After
# the search target, the JS analyzer (search.js) is compared with the
# Rust one on every input of its corpus (tests/search.rs, parity test).
#
# FUZZ_RUNS=N stops each target after N executions (whichever of the
# time and the count comes first): a campaign is judged by executions,
# and how many a second gives depends on the machine's load.
#
# Needs cargo-fuzz (`cargo install cargo-fuzz`); runs on stable (below).
set -euo pipefail

here=$(cd "$(dirname "$0")" && pwd)
root=$(dirname "$here")
seconds=${1:?usage: fuzz/run.sh SECONDS [TARGET...]}
shift
targets=("$@")
[ ${#targets[@]} -gt 0 ] || targets=(fields report power markdown search)

# The default (stable) toolchain with nightly features unlocked: the
# main crate's own toolchain, so its build is reused and nothing else
# needs installing. Set FUZZ_TOOLCHAIN=+nightly to use a nightly instead.
toolchain=(${FUZZ_TOOLCHAIN:-})
[ ${#toolchain[@]} -gt 0 ] || export RUSTC_BOOTSTRAP=1

# Longest input per target: a little above the largest real file of its kind.
max_len() {
  case $1 in
    report) echo 8192 ;;
    search) echo 512 ;;
    *) echo 4096 ;;
  esac
}

fixtures=$root/tests/fixtures
seeds_of() {
  local target=$1 dir=$2 f
  rm -rf "$dir"
  mkdir -p "$dir"
  # Each seed is named by its content's hash: fixture files share names.
  seed() { local tmp; tmp=$(mktemp "$dir/.seed.XXXXXX"); cat > "$tmp"; mv "$tmp" "$dir/$(sha1sum < "$tmp" | cut -c1-16)"; }
  case $target in
    fields)
      # The first byte chooses the reader (gongkai::fuzzing::FieldsFile).
      while IFS= read -r -d '' f; do { printf '\000'; cat "$f"; } | seed; done \
        < <(find "$fixtures" -path '*/catalog/*' -name '*.md' -print0)
      while IFS= read -r -d '' f; do { printf '\001'; cat "$f"; } | seed; done \
        < <(find "$fixtures" -name department.toml -print0)
      while IFS= read -r -d '' f; do { printf '\002'; cat "$f"; } | seed; done \
        < <(find "$fixtures" -name site.toml -print0)
      while IFS= read -r -d '' f; do { printf '\003'; cat "$f"; } | seed; done \
        < <(find "$fixtures" -name guide.md -print0)
      ;;
    report)
      # Each report alone, and each with the one before it and its narrative.
      while IFS= read -r -d '' f; do
        local year prev
        year=$(basename "$f" .toml)
        prev=$(dirname "$f")/$((year - 1)).toml
        { printf '\000'; cat "$f"; } | seed
        { printf '\001'; cat "$f"; } | seed
        if [ -f "$prev" ]; then
          { printf '\000'; cat "$prev"; printf '\000'; cat "$f"; printf '\000';
            cat "${f%.toml}.md" 2>/dev/null || true; } | seed
        fi
      done < <(find "$fixtures" -path '*/content/*/reports/*' -name '[0-9][0-9][0-9][0-9].toml' -print0)
      ;;
    power)
      while IFS= read -r -d '' f; do seed < "$f"; done \
        < <(find "$fixtures" -path '*/content/*/powers/*' -name '*.toml' -print0)
      ;;
    markdown)
      while IFS= read -r -d '' f; do seed < "$f"; done \
        < <(find "$fixtures" -name '*.md' -print0)
      ;;
    search)
      # Lines of titles and bodies: what people type is short.
      while IFS= read -r -d '' f; do
        grep -h -v '^\s*$' "$f" | head -n 40 | while IFS= read -r line; do
          printf '%s' "$line" | seed
        done
      done < <(find "$fixtures/search" "$fixtures/full" -name '*.md' -print0)
      ;;
  esac
}

cd "$here"
# FUZZ_BUILD=0 runs the binaries already built: a long campaign then
# keeps fuzzing the commit it was built from while the tree changes.
if [ "${FUZZ_BUILD:-1}" != 0 ]; then
  echo "building ${targets[*]} (AddressSanitizer, debug assertions)..."
  for target in "${targets[@]}"; do
    cargo "${toolchain[@]}" fuzz build --debug-assertions "$target"
  done
fi
bin=$here/target/$(rustc -vV | sed -n 's/^host: //p')/release

summary=()
found=0
for target in "${targets[@]}"; do
  corpus=$here/corpus/$target
  seeds=$here/target/seeds/$target
  artifacts=$here/artifacts/$target
  mkdir -p "$corpus" "$artifacts"
  seeds_of "$target" "$seeds"
  log=$here/target/$target.log
  echo "== $target: ${seconds}s, max_len $(max_len "$target"), $(ls "$seeds" | wc -l) seeds"
  dict=()
  [ -f "$here/$target.dict" ] && dict=(-dict="$here/$target.dict")
  status=0
  runs=()
  [ -n "${FUZZ_RUNS:-}" ] && runs=(-runs="$FUZZ_RUNS")
  "$bin/$target" \
    -max_total_time="$seconds" -max_len="$(max_len "$target")" -timeout=10 \
    -rss_limit_mb=2048 -print_final_stats=1 -artifact_prefix="$artifacts/" "${dict[@]}" "${runs[@]}" \
    "$corpus" "$seeds" > "$log" 2>&1 || status=$?
  execs=$(grep -o 'stat::number_of_executed_units: [0-9]*' "$log" | grep -o '[0-9]*$' || echo '?')
  time=$(grep -o 'Done [0-9]* runs in [0-9]* second' "$log" | grep -o 'in [0-9]*' | grep -o '[0-9]*' || echo '?')
  size=$(ls "$corpus" | wc -l)
  crashes=$(ls "$artifacts" | wc -l)
  line="$target: $execs executions in ${time}s, corpus $size inputs, exit $status, findings $crashes"
  if [ "$status" -ne 0 ] || [ "$crashes" -ne 0 ]; then
    found=1
    line="$line: $(ls "$artifacts" | tr '\n' ' ')"
    grep -m1 -A12 -E 'panicked|ERROR: (AddressSanitizer|libFuzzer)' "$log" || true
  fi
  echo "$line"
  summary+=("$line")

  if [ "$target" = search ]; then
    # The parity test of tests/search.rs, on this corpus too (stable, dev build).
    (cd "$root" && env -u RUSTC_BOOTSTRAP GONGKAI_PARITY_CORPUS="$corpus" \
      cargo test --quiet --test search the_browser_analyzer_gives_the_same_tokens \
      -- --nocapture 2>&1 | grep -E 'strings,|differ|panicked|FAILED') || found=1
  fi
done

echo
echo "== summary (at most ${seconds}s${FUZZ_RUNS:+ or $FUZZ_RUNS executions} per target)"
printf '%s\n' "${summary[@]}"
exit "$found"
