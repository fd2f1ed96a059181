#!/usr/bin/env bash
# Runs every cargo-fuzz target in fuzz/ for SECONDS each (default 60) and prints, per target,
# how many inputs were run and how many crashes were found; exits 1 if any target crashed.
# Needs the nightly toolchain and cargo-fuzz:
#   rustup toolchain install nightly --profile minimal && cargo install cargo-fuzz
# Usage: bench/fuzz.sh [SECONDS] [TARGET...]
# Each target's corpus grows in fuzz/corpus/TARGET (git-ignored); the markdown targets also
# start from the pages in content/. A crash leaves its input in fuzz/artifacts/TARGET/: turn it
# into a regression test in tests/ and fix it.
set -euo pipefail
cd "$(dirname "$0")/../fuzz"

seconds=${1:-60}
shift || true
targets=("$@")
if [ ${#targets[@]} -eq 0 ]; then
  targets=(front_matter slug url_join search_tokens render_page)
fi

# Build every target first, so a build error shows in full before any run.
for target in "${targets[@]}"; do
  cargo +nightly fuzz build --release "$target"
done
printf '%-14s %10s %8s %8s\n' target runs crashes seconds
total_crashes=0
for target in "${targets[@]}"; do
  mkdir -p "corpus/$target" "artifacts/$target"
  seeds=()
  case $target in front_matter | render_page | search_tokens) seeds=(../content) ;; esac
  before=$(find "artifacts/$target" -type f | wc -l)
  log=$(mktemp)
  # -timeout: an input that takes over 10 s is a hang and counts as a crash.
  cargo +nightly fuzz run --release "$target" "corpus/$target" "${seeds[@]}" -- \
    -max_total_time="$seconds" -timeout=10 -print_final_stats=1 >"$log" 2>&1 || true
  runs=$(sed -n 's/^stat::number_of_executed_units: *//p' "$log" | tail -n 1)
  after=$(find "artifacts/$target" -type f | wc -l)
  crashes=$((after - before))
  total_crashes=$((total_crashes + crashes))
  printf '%-14s %10s %8s %8s\n' "$target" "${runs:-?}" "$crashes" "$seconds"
  if [ "$crashes" -gt 0 ] || [ -z "$runs" ]; then
    grep -E 'panicked|ERROR|SUMMARY|Test unit written' "$log" | head -n 20 || tail -n 30 "$log"
  fi
  rm -f "$log"
done
# render_page keeps its site in a quire-fuzz-PID folder that libFuzzer's exit leaves behind;
# remove those whose process is gone (the same rule the target applies when it starts).
for dir in /dev/shm/quire-fuzz-* "${TMPDIR:-/tmp}"/quire-fuzz-*; do
  [ -d "$dir" ] && [ ! -e "/proc/${dir##*quire-fuzz-}" ] && rm -rf "$dir"
done
if [ "$total_crashes" -gt 0 ]; then
  echo "fuzzing found $total_crashes crash(es): inputs are in fuzz/artifacts/" >&2
  exit 1
fi
