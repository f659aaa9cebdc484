#!/usr/bin/env bash
# ab-compare.sh - two builds compared interleaved in one sitting (A B B A, ROUNDS times), so that a
# noisy neighbour moves both sides alike. Prints every run, then per build the run count, the
# best and the median figure.
#
#   scripts/ab-compare.sh harness  OLD_HARNESS  NEW_HARNESS    # harness CPU µs per login flow
#   scripts/ab-compare.sh provider OLD_PROVIDER NEW_PROVIDER   # ES256 refresh responses per provider CPU-second
#
# harness:  one reference provider (PROVIDER_BIN, default target/release/reference-provider; demo
#           seed, SQLite file, cheapest Argon2, port 9400) on CPU $PROVIDER_CPU; each build runs
#           `load --scenario login-flow --users 8` for RUN_TIME (default 10s) on CPU $LOAD_CPU
#           against it; figure: "harness CPU per login flow" (lower is better).
# provider: each build started in turn (in memory, `default_alg = ES256`) on CPU $PROVIDER_CPU;
#           `refresh_rate --chains 8 --seconds REFRESH_SECONDS --spin 1` (REFRESH_RATE, default
#           target/release/examples/refresh_rate) on CPU $LOAD_CPU; figure: refresh-phase
#           responses per provider CPU-second (higher is better).
#           STORE=file gives each provider run a fresh SQLite file (WAL) instead of memory.
# env: ROUNDS (3) RUN_TIME (10s) REFRESH_SECONDS (5) PROVIDER_CPU (0) LOAD_CPU (1) PROVIDER_BIN REFRESH_RATE
#      STORE (memory)
# Not run in CI. Binaries are given as paths: copy a build aside before rebuilding the other.
set -euo pipefail
ROOT=$(cd "$(dirname "$0")/.." && pwd)
cd "$ROOT"
usage() { echo "usage: $0 harness|provider BUILD_A BUILD_B" >&2; exit 2; }
[[ $# -eq 3 ]] || usage
mode=$1; a=$2; b=$3
for bin in "$a" "$b"; do [[ -x "$bin" ]] || { echo "not an executable: $bin" >&2; exit 2; }; done
ROUNDS=${ROUNDS:-3}
RUN_TIME=${RUN_TIME:-10s}
SECONDS_PER_RUN=${REFRESH_SECONDS:-5}
PROVIDER_CPU=${PROVIDER_CPU:-0}
LOAD_CPU=${LOAD_CPU:-1}
PROVIDER_BIN=${PROVIDER_BIN:-$ROOT/target/release/reference-provider}
STORE=${STORE:-memory}
case "$STORE" in memory | file) ;; *) echo "STORE: expected memory or file (found $STORE)" >&2; exit 2 ;; esac
REFRESH_RATE=${REFRESH_RATE:-$ROOT/target/release/examples/refresh_rate}

# shellcheck source=scripts/lib.sh
. "$ROOT/scripts/lib.sh"

# start_provider BIN ARGS...: starts it pinned, waits for READY=1 (30 s at most).
start_provider() {
  local bin=$1; shift
  taskset -c "$PROVIDER_CPU" "$bin" --config "$work/op.toml" "$@" >"$work/op.out" 2>"$work/op.err" &
  op_pid=$!
  await_provider "$work/op.out" "$work/op.err" 150
}

one_harness_run() {
  taskset -c "$LOAD_CPU" "$1" load --scenario login-flow --target scenarios/targets/reference.toml \
    --users 8 --run-time "$RUN_TIME" --out "$work/load" >"$work/h.txt" 2>&1 || true
  grep "harness CPU per login flow" "$work/h.txt" | grep -o '| [0-9,]* µs' | tr -dc 0-9
}

one_provider_run() {
  if [[ $STORE == file ]]; then
    # A fresh directory each run (this runs in a subshell: no counter survives it).
    start_provider "$1" --listen 127.0.0.1:0 --data-dir "$(mktemp -d -p "$work")"
  else
    start_provider "$1" --listen 127.0.0.1:0 --memory
  fi
  ( provider_env "$work/op.out"
    taskset -c "$LOAD_CPU" "$REFRESH_RATE" --chains 8 --seconds "$SECONDS_PER_RUN" \
      --provider-pid "$op_pid" --clk-tck "$(getconf CLK_TCK)" --spin 1 ) >"$work/rr.txt" 2>&1 || true
  stop_provider
  grep -o 'refresh_phase_responses_per_provider_cpu_s=[0-9.]*' "$work/rr.txt" | cut -d= -f2
}

case "$mode" in
  harness)
    "$PROVIDER_BIN" --print-demo-config >"$work/op.toml"
    printf '\n[password_hash]\nmemory_kib = 64\niterations = 1\nparallelism = 1\n' >>"$work/op.toml"
    start_provider "$PROVIDER_BIN" --listen 127.0.0.1:9400 --data-dir "$work/data"
    unit="µs CPU per login flow (lower is better)" ;;
  provider)
    "$a" --print-demo-config | sed 's/^default_alg = .*/default_alg = "ES256"/' >"$work/op.toml"
    printf '\n[password_hash]\nmemory_kib = 64\niterations = 1\nparallelism = 1\n' >>"$work/op.toml"
    [[ -x "$REFRESH_RATE" ]] || { echo "build the load generator first: cargo build --release -p reference-provider --example refresh_rate" >&2; exit 2; }
    unit="ES256 refresh responses per provider CPU-second (higher is better)" ;;
  *) usage ;;
esac

echo "== $mode: $ROUNDS rounds of A B B A; A=$a B=$b; figure: $unit"
for _ in $(seq "$ROUNDS"); do
  for side in A B B A; do
    bin=$a; [[ $side == B ]] && bin=$b
    if [[ $mode == harness ]]; then v=$(one_harness_run "$bin"); else v=$(one_provider_run "$bin"); fi
    [[ -n "$v" ]] || { echo "run of $side ($bin) gave no figure" >&2; exit 1; }
    echo "$side $v"
  done
done | tee "$work/runs.txt"
python3 - "$work/runs.txt" "$mode" <<'EOF'
import statistics, sys
runs = {}
for line in open(sys.argv[1]):
    side, value = line.split()
    runs.setdefault(side, []).append(float(value))
best = min if sys.argv[2] == "harness" else max
for side in ("A", "B"):
    v = runs.get(side, [])
    if v:
        print(f"{side}: n={len(v)} best={best(v):g} median={statistics.median(v):g}")
if runs.get("A") and runs.get("B"):
    print(f"B/A of the medians: {statistics.median(runs['B']) / statistics.median(runs['A']):.3f}")
EOF
