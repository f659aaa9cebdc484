#!/usr/bin/env bash
# Long fuzzing run: every cargo-fuzz target of fuzz/ (or those named), one at a time, for
# SECONDS each (default 60), with libFuzzer on the nightly toolchain. Prints per target the
# executions, new corpus entries and crashes found, and appends them to fuzz/stats.tsv (kept
# out of git) so that totals over several runs can be summed.
#
#   scripts/fuzz.sh [SECONDS] [TARGET...]
#
# Needs `rustup toolchain install nightly` and `cargo install cargo-fuzz`. Builds once
# (optimised, debug assertions on so that integer overflow panics, no sanitizer: the targets
# are safe Rust). Each target starts from its committed seeds (fuzz/corpus/TARGET, read only)
# and the inputs earlier runs found (fuzz/corpus-run/TARGET); crashing inputs land in
# fuzz/artifacts/TARGET/. JOBS=N runs N targets at once (default 1: the build box is shared).
# Exit status: 0 when no target crashed, 1 otherwise, 2 when the build fails.
set -euo pipefail
cd "$(dirname "$0")/.."

secs=${1:-60}
shift || true
jobs=${JOBS:-1}
triple=$(rustc +nightly -vV | sed -n 's/^host: //p')
bin_dir="fuzz/target/$triple/release"

cargo +nightly fuzz build -O -s none -a >&2 || exit 2
if [[ $# -gt 0 ]]; then targets=("$@"); else mapfile -t targets < <(cargo +nightly fuzz list); fi

run_one() {
  local t=$1 log="fuzz/artifacts/$1/last-run.log"
  mkdir -p "fuzz/corpus-run/$t" "fuzz/artifacts/$t"
  local before
  before=$(find "fuzz/artifacts/$t" -maxdepth 1 -name 'crash-*' -o -maxdepth 1 -name 'timeout-*' -o -maxdepth 1 -name 'oom-*' | wc -l)
  # A crash stops libFuzzer with a non-zero status; the counts below tell it.
  "$bin_dir/$t" "fuzz/corpus-run/$t" "fuzz/corpus/$t" -max_total_time="$secs" -print_final_stats=1 \
    -timeout=10 -rss_limit_mb=2048 -artifact_prefix="fuzz/artifacts/$t/" >"$log" 2>&1 || true
  local execs new after
  execs=$(sed -n 's/^stat::number_of_executed_units: *//p' "$log" | tail -1)
  new=$(sed -n 's/^stat::new_units_added: *//p' "$log" | tail -1)
  after=$(find "fuzz/artifacts/$t" -maxdepth 1 -name 'crash-*' -o -maxdepth 1 -name 'timeout-*' -o -maxdepth 1 -name 'oom-*' | wc -l)
  printf '%s\t%s\t%s\t%s\t%s\t%s\n' "$(date -u +%FT%TZ)" "$t" "$secs" "${execs:-0}" "${new:-0}" "$((after - before))" \
    | tee -a fuzz/stats.tsv
}

printf 'date\ttarget\tseconds\texecs\tnew_units\tcrashes\n'
crashed=0
if [[ "$jobs" -le 1 ]]; then
  for t in "${targets[@]}"; do run_one "$t"; done
else
  for t in "${targets[@]}"; do
    while [[ $(jobs -rp | wc -l) -ge "$jobs" ]]; do wait -n || true; done
    run_one "$t" &
  done
  wait
fi
for t in "${targets[@]}"; do
  if compgen -G "fuzz/artifacts/$t/crash-*" >/dev/null || compgen -G "fuzz/artifacts/$t/timeout-*" >/dev/null; then
    echo "!!! $t: inputs in fuzz/artifacts/$t/ (reproduce: cargo +nightly fuzz run $t FILE)" >&2
    crashed=1
  fi
done
exit "$crashed"
