#!/usr/bin/env bash
# load-peers.sh - the same `oidc-harness load` scenario against the reference provider, node
# oidc-provider and Fief (PostgreSQL), one after the other in one sitting, with the provider's and
# the harness's CPU side by side.
#
# Placement (2-core box): every provider process (and Fief's PostgreSQL and Redis) on CPU
# $PROVIDER_CPU, the harness on CPU $LOAD_CPU. Provider CPU = busy time of CPU $PROVIDER_CPU
# from /proc/stat over the run (user + nice + system + irq + softirq; the harness never runs
# there, so this is the provider with its database, and the kernel's loopback work on its side).
# Harness CPU = the load process's own CPU time (load.json `process_cpu_ms`).
#
# Providers (each started here and stopped by PID, whatever happens):
#   reference  target/release/reference-provider, demo seed, SQLite file in a temp dir (its
#              default persistent mode), the cheapest Argon2 cost (as the embedded load default);
#              profile scenarios/targets/reference.toml (port 9400)
#   node       node oidc-provider 9.13 (../shared/peers), RS256, dev interaction pages (no
#              password check); profile scenarios/targets/node-oidc-provider.toml
#   fief       Fief 0.30 with FIEF_DB=postgres, HTTPS with its private CA; Fief hashes passwords
#              with its own cost; profile scenarios/targets/fief.toml
#
# usage: scripts/load-peers.sh [reference] [node] [fief]      (default: all three)
#   env: SCENARIO (login-flow) USERS (8) RUN_TIME (20s) HARNESS (target/release/oidc-harness)
#        PROVIDER_BIN (target/release/reference-provider) PEERS_DIR PEERS_HOME (/tmp/oidc-peers)
#        PROVIDER_CPU (0) LOAD_CPU (1) OUT (reports/peers/load)
# Writes $OUT/<name>/{load.json,summary.md} and $OUT/comparison.md (the table it prints).
# Not run in CI: it needs Node.js, Python 3.12, Redis and PostgreSQL, and installs peers on first use.
set -euo pipefail
ROOT=$(cd "$(dirname "$0")/.." && pwd)
cd "$ROOT"
SCENARIO=${SCENARIO:-login-flow}
USERS=${USERS:-8}
RUN_TIME=${RUN_TIME:-20s}
HARNESS=${HARNESS:-$ROOT/target/release/oidc-harness}
PROVIDER_BIN=${PROVIDER_BIN:-$ROOT/target/release/reference-provider}
PEERS_DIR=${PEERS_DIR:-$ROOT/../shared/peers}
PEERS_HOME=${PEERS_HOME:-/tmp/oidc-peers}
PROVIDER_CPU=${PROVIDER_CPU:-0}
LOAD_CPU=${LOAD_CPU:-1}
OUT=${OUT:-$ROOT/reports/peers/load}
for bin in "$HARNESS" "$PROVIDER_BIN"; do
  [ -x "$bin" ] || { echo "load-peers: $bin missing: cargo build --release" >&2; exit 2; }
done

WORK=$(mktemp -d)
STOP=()   # commands that stop what was started
cleanup() {
  local c
  for c in "${STOP[@]}"; do eval "$c" >/dev/null 2>&1 || true; done
  STOP=()
}
trap 'cleanup; rm -rf "$WORK"' EXIT
trap 'cleanup; exit 130' INT TERM

# Busy clock ticks of one CPU so far (user + nice + system + irq + softirq).
cpu_busy() {
  awk -v cpu="cpu$1" '$1 == cpu { print $2 + $3 + $4 + $7 + $8 }' /proc/stat
}

# pin PID...: moves every thread of each process to the provider CPU.
pin() {
  local pid
  for pid in "$@"; do taskset -a -p -c "$PROVIDER_CPU" "$pid" >/dev/null; done
}

start_reference() {
  "$PROVIDER_BIN" --print-demo-config >"$WORK/op.toml"
  printf '\n[password_hash]\nmemory_kib = 64\niterations = 1\nparallelism = 1\n' >>"$WORK/op.toml"
  taskset -c "$PROVIDER_CPU" "$PROVIDER_BIN" --config "$WORK/op.toml" --listen 127.0.0.1:9400 \
    --data-dir "$WORK/reference-data" >"$WORK/op.out" 2>"$WORK/op.err" &
  local pid=$!
  STOP+=("kill -INT $pid; wait $pid")
  for _ in $(seq 1 150); do
    grep -qs '^READY=1$' "$WORK/op.out" && return 0
    kill -0 "$pid" 2>/dev/null || { cat "$WORK/op.err" >&2; return 2; }
    sleep 0.2
  done
  echo "load-peers: the reference provider is not ready after 30 s" >&2
  return 2
}

start_node() {
  local out key value
  out=$(ALG=RS256 INTERACTIONS=dev PKCE=optional bash "$PEERS_DIR/node-oidc-provider/run.sh" "$PEERS_HOME/node-dev-rs256" 9301) || return 2
  while IFS='=' read -r key value; do
    case "$key" in
      PID) STOP+=("kill $value"); pin "$value" ;;
      ISSUER|CLIENT_ID|CLIENT_SECRET|REDIRECT_URI|USERNAME|PASSWORD|ALG) export "NODE_$key=$value" ;;
    esac
  done < <(printf '%s\n' "$out" | tr ' ' '\n')
}

start_fief() {
  local dir=$PEERS_HOME/fief-postgres pg
  if [ -z "${FIEF_VENV:-}" ] && [ -x "$PEERS_HOME/fief-sqlite/venv/bin/fief" ]; then
    export FIEF_VENV=$PEERS_HOME/fief-sqlite/venv
  fi
  FIEF_DB=postgres bash "$PEERS_DIR/fief/run-fief.sh" start "$dir" 9380 >/dev/null
  STOP+=("bash '$PEERS_DIR/fief/run-fief.sh' stop '$dir'")
  pin "$(cat "$dir/pid/server.pid")" "$(cat "$dir/pid/redis.pid")"
  pg=$(head -1 "$dir/pgdata/postmaster.pid")
  # Backends forked later inherit the postmaster's CPU.
  pin "$pg" $(pgrep -P "$pg" || true)
  set -a; . "$dir/peer.env"; set +a
}

# run NAME PROFILE: one load run; prints the comparison row.
run() {
  local name=$1 profile=$2 out=$OUT/$1 before after rc=0
  rm -rf "$out"
  before=$(cpu_busy "$PROVIDER_CPU")
  taskset -c "$LOAD_CPU" "$HARNESS" load --scenario "$SCENARIO" --target "$profile" --users "$USERS" \
    --run-time "$RUN_TIME" --out "$out" >"$WORK/$name.txt" 2>&1 || rc=$?
  after=$(cpu_busy "$PROVIDER_CPU")
  if [ ! -f "$out/load.json" ]; then
    cat "$WORK/$name.txt" >&2
    echo "load-peers: $name: no report (exit $rc)" >&2
    return 0
  fi
  python3 - "$out/load.json" "$name" "$rc" "$((after - before))" "$(getconf CLK_TCK)" >>"$WORK/rows" <<'PY'
import json, sys
path, name, rc, ticks, hz = sys.argv[1], sys.argv[2], sys.argv[3], int(sys.argv[4]), int(sys.argv[5])
r = json.load(open(path))
c, secs = r["counters"], max(r["duration_ms"], 1) / 1000
flows, tokens = c["flows_completed"], c["token_responses"]
op_cpu = ticks / hz
harness_cpu = r.get("process_cpu_ms", 0) / 1000
kernel_cpu = r.get("process_system_cpu_ms")
p95 = lambda s: r["steps"].get(s, {}).get("p95_ms", float("nan"))
errors = sum(r["errors"].values())
findings = sum(f["count"] for f in r["findings"].values())
# Per login flow for a login scenario; per token response for a refresh loop (one login per user).
unit, n = ("flow", flows) if flows and 2 * flows >= tokens else ("token response", tokens)
print(f"| {name} | {flows / secs:.1f} | {tokens / secs:.1f} | {op_cpu:.2f} | "
      f"{n / op_cpu if op_cpu else 0:.1f} per {unit} | {harness_cpu * 1e6 / n if n else 0:.0f} per {unit}"
      f"{f' (kernel {kernel_cpu * 1e3 / n:.0f})' if n and kernel_cpu is not None else ''} | "
      f"{p95('login'):.1f} | {p95('token'):.1f} | {errors} | {findings} | {rc} |")
PY
}

NAMES=("$@"); [ ${#NAMES[@]} -gt 0 ] || NAMES=(reference node fief)
for name in "${NAMES[@]}"; do
  case "$name" in
    reference) start_reference && run reference scenarios/targets/reference.toml ;;
    node) start_node && run node scenarios/targets/node-oidc-provider.toml ;;
    fief) start_fief && run fief scenarios/targets/fief.toml ;;
    *) echo "load-peers: unknown provider $name (reference, node, fief)" >&2; exit 2 ;;
  esac
  cleanup
done

mkdir -p "$OUT"
{
  echo "## $SCENARIO, $USERS users, $RUN_TIME each; provider on CPU $PROVIDER_CPU, harness on CPU $LOAD_CPU ($(date -u +%Y-%m-%dT%H:%MZ))"
  echo
  echo "| provider | login flows/s | token responses/s | provider CPU s | per provider CPU-s | harness CPU µs | login p95 ms | token p95 ms | errors | findings | exit |"
  echo "|---|---:|---:|---:|---:|---:|---:|---:|---:|---:|---:|"
  cat "$WORK/rows" 2>/dev/null || true
} | tee "$OUT/comparison.md"
