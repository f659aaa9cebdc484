#!/usr/bin/env bash
# Runs `oidc-harness conform` against real providers on loopback and records the results.
# Not run in CI: it installs node oidc-provider from npm on first use and takes ~30 s then.
#
# Peers (started from the shared peer scripts, stopped by PID on exit, whatever happens):
#   node-dev-rs256     node oidc-provider 9.13, RS256 ID tokens, the package's dev pages, PKCE optional
#   node-strict-es256  the same with ALG=ES256 INTERACTIONS=strict PKCE=required (password check, csrf_token)
# Both use scenarios/targets/node-oidc-provider.toml; run.sh's output (ISSUER=…, CLIENT_SECRET=…) is
# exported as NODE_ISSUER, NODE_CLIENT_SECRET, … for the profile's ${ENV} placeholders.
# Results: reports/peers/<name>/{summary.md,report.json}.
#
# usage: scripts/run-peers.sh [name…]        (default: every peer above)
#   env: PEERS_DIR   shared peer scripts (default ../shared/peers next to the repository)
#        PEERS_HOME  where peers install and keep state (default /tmp/oidc-peers)
#        NODE_DEV_PORT (9301), NODE_STRICT_PORT (9302)
#        HARNESS     harness binary (default: target/debug/oidc-harness, built with cargo first)
# Exit code: the worst conform exit code (0 all pass, 1 failures, 2 could not run).
# Caveat: if run.sh fails after starting node (not ready in 10 s) it prints no PID; see its LOG.
set -euo pipefail
ROOT=$(cd "$(dirname "$0")/.." && pwd)
PEERS_DIR=${PEERS_DIR:-$ROOT/../shared/peers}
PEERS_HOME=${PEERS_HOME:-/tmp/oidc-peers}
NODE_DEV_PORT=${NODE_DEV_PORT:-9301}
NODE_STRICT_PORT=${NODE_STRICT_PORT:-9302}
PROFILE=$ROOT/scenarios/targets/node-oidc-provider.toml
[ -f "$PEERS_DIR/node-oidc-provider/run.sh" ] || { echo "no peer scripts at $PEERS_DIR (set PEERS_DIR)" >&2; exit 2; }
if [ -z "${HARNESS:-}" ]; then
  (cd "$ROOT" && cargo build -q -p oidc-harness)
  HARNESS=$ROOT/target/debug/oidc-harness
fi

PIDS=()
stop_peers() {
  for pid in "${PIDS[@]}"; do
    kill "$pid" 2>/dev/null || true
    for _ in $(seq 1 25); do kill -0 "$pid" 2>/dev/null || break; sleep 0.2; done
  done
  PIDS=()
}
trap stop_peers EXIT
trap 'stop_peers; exit 130' INT TERM

# start_node NAME PORT [VAR=VALUE…]: starts a node peer and exports its settings as NODE_*.
start_node() {
  local name=$1 port=$2; shift 2
  if curl -sf "http://127.0.0.1:$port/.well-known/openid-configuration" >/dev/null 2>&1; then
    echo "port $port already serves a provider; stop it or choose another port" >&2; return 2
  fi
  local out
  out=$(env "$@" bash "$PEERS_DIR/node-oidc-provider/run.sh" "$PEERS_HOME/$name" "$port") || return 2
  local key value
  while IFS='=' read -r key value; do
    case "$key" in
      PID) PIDS+=("$value") ;;
      ISSUER|CLIENT_ID|CLIENT_SECRET|REDIRECT_URI|USERNAME|PASSWORD|ALG) export "NODE_$key=$value" ;;
    esac
  done < <(printf '%s\n' "$out" | tr ' ' '\n')
  echo "started $name: $(printf '%s\n' "$out" | head -1) at $NODE_ISSUER (pid ${PIDS[-1]})" >&2
}

# conform NAME: runs the harness against the started peer, writes reports/peers/NAME/.
conform() {
  local name=$1 out=$ROOT/reports/peers/$1 rc=0 t0 t1
  rm -rf "$out"
  t0=$(date +%s.%N)
  "$HARNESS" conform --quiet --target "$PROFILE" --run-name "$name" --out "$out" --format json,md || rc=$?
  t1=$(date +%s.%N)
  echo "$name: conform exit $rc, wall $(awk "BEGIN{printf \"%.2f\", $t1 - $t0}") s" >&2
  return "$rc"
}

WORST=0
record() { [ "$1" -gt "$WORST" ] && WORST=$1; return 0; }
run_peer() {
  local name=$1 rc=0
  case "$name" in
    node-dev-rs256) start_node "$name" "$NODE_DEV_PORT" ALG=RS256 INTERACTIONS=dev PKCE=optional || rc=$? ;;
    node-strict-es256) start_node "$name" "$NODE_STRICT_PORT" ALG=ES256 INTERACTIONS=strict PKCE=required || rc=$? ;;
    *) echo "unknown peer $name" >&2; rc=2 ;;
  esac
  if [ "$rc" -eq 0 ]; then conform "$name" || rc=$?; fi
  stop_peers
  record "$rc"
}

NAMES=("$@"); [ ${#NAMES[@]} -gt 0 ] || NAMES=(node-dev-rs256 node-strict-es256)
for n in "${NAMES[@]}"; do run_peer "$n"; done
exit "$WORST"
