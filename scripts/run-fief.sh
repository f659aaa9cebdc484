#!/usr/bin/env bash
# run-fief.sh - run the conformance plan against a real Fief 0.30 and keep the reports.
#
# For each database setup asked for (default: sqlite), this script
#   1. starts a Fief peer with ../shared/peers/fief/run-fief.sh (HTTPS with a private CA, Redis,
#      the harness clients and users; ~2 min the first time, ~10 s after),
#   2. loads the peer's description (peer.env: FIEF_ISSUER, FIEF_CA_FILE, client ids/secrets, ...),
#   3. runs `oidc-harness conform --target scenarios/targets/fief.toml --format json,md,html`,
#      (sqlite: with --skip concurrency, see below),
#   4. writes report.json, summary.md and report.html into the output directory (by default
#      reports/peers/fief-<db>/, committed as the current picture of Fief), and
#   5. stops the peer it started (by PID, through run-fief.sh stop).
#
# Usage (from the repository root):
#   scripts/run-fief.sh                        # sqlite, into reports/peers/fief-sqlite/
#   scripts/run-fief.sh sqlite postgres        # both (postgres needs the PostgreSQL server binaries)
#   scripts/run-fief.sh --out /tmp/fief postgres   # into /tmp/fief/ (with several databases:
#                                              # /tmp/fief/fief-<db>/)
#
# The peer registers the redirect URI http://127.0.0.1:9399/callback on every client (REDIRECT_URI
# of the peer script, exported as FIEF_REDIRECT_URI in peer.env), which the profile uses.
#
# Knobs: PEERS_HOME (default /tmp/oidc-peers; each setup installs under $PEERS_HOME/fief-<db>),
# FIEF_PEER_SCRIPT (default ../shared/peers/fief/run-fief.sh, or ../../shared/... from a worktree), FIEF_PORT (default 9380),
# HARNESS (default: cargo run --release -q --), FIEF_VENV (share one Python venv; default: the
# first setup's venv is reused by the others).
# Hand-written reading of the results: reports/peers/fief-notes/README.md.
# Exit code: the worst `conform` exit code (0 clean, 1 conformance failures, 2 harness error).
# Not run in CI: it needs Python 3.12, Redis and network access to PyPI on first use.
set -euo pipefail

ROOT=$(cd "$(dirname "$0")/.." && pwd)
cd "$ROOT"
# ../shared from a main checkout, ../../shared from a worktree under wt/.
PEER_SCRIPT=${FIEF_PEER_SCRIPT:-}
if [ -z "$PEER_SCRIPT" ]; then
  for c in "$ROOT/../shared/peers/fief/run-fief.sh" "$ROOT/../../shared/peers/fief/run-fief.sh"; do
    if [ -f "$c" ]; then PEER_SCRIPT=$c; break; fi
  done
fi
PEERS_HOME=${PEERS_HOME:-/tmp/oidc-peers}
PORT=${FIEF_PORT:-9380}
read -r -a HARNESS <<< "${HARNESS:-cargo run --release -q --}"
OUT=
dbs=()
while [ "$#" -gt 0 ]; do
  case "$1" in
    --out) [ "$#" -ge 2 ] || { echo "run-fief: --out needs a directory" >&2; exit 2; }; OUT=$2; shift 2 ;;
    --out=*) OUT=${1#--out=}; shift ;;
    -h|--help) sed -n '2,/^set -euo/p' "$0" | sed '$d; s/^# \{0,1\}//'; exit 0 ;;
    *) dbs+=("$1"); shift ;;
  esac
done
[ "${#dbs[@]}" -gt 0 ] || dbs=(sqlite)
[ -f "$PEER_SCRIPT" ] || { echo "run-fief: peer script not found; set FIEF_PEER_SCRIPT" >&2; exit 2; }

worst=0
for db in "${dbs[@]}"; do
  case "$db" in sqlite|postgres) ;; *) echo "run-fief: unknown database $db (sqlite|postgres)" >&2; exit 2 ;; esac
  dir=$PEERS_HOME/fief-$db
  if [ -z "$OUT" ]; then out=reports/peers/fief-$db
  elif [ "${#dbs[@]}" -eq 1 ]; then out=$OUT
  else out=$OUT/fief-$db; fi
  # One venv for every setup: fief-server takes ~1.5 min to install.
  if [ -z "${FIEF_VENV:-}" ] && [ -x "$PEERS_HOME/fief-sqlite/venv/bin/fief" ]; then
    export FIEF_VENV=$PEERS_HOME/fief-sqlite/venv
  fi
  echo "run-fief: starting Fief ($db) in $dir on port $PORT" >&2
  FIEF_DB=$db bash "$PEER_SCRIPT" start "$dir" "$PORT" > /dev/null
  # Stop what we started, whatever happens next.
  trap 'bash "$PEER_SCRIPT" stop "$dir" >&2 || true' EXIT
  # SQLite serializes writers: Fief answers 500 ("database is locked") to parallel requests and
  # stays locked for a while after (the peer README says: PostgreSQL for any concurrency test).
  # The concurrency modules then judge the database, not the protocol, so they run on postgres only.
  skip=()
  [ "$db" = sqlite ] && skip=(--skip concurrency)
  start=$(date +%s)
  rc=0
  (
    set -a; . "$dir/peer.env"; set +a
    "${HARNESS[@]}" conform --target scenarios/targets/fief.toml --out "$out" --run-name "fief-$db" --format json,md,html "${skip[@]}"
  ) || rc=$?
  echo "run-fief: $db: conform exit code $rc, wall time $(( $(date +%s) - start )) s, reports in $out" >&2
  [ "$rc" -gt "$worst" ] && worst=$rc
  bash "$PEER_SCRIPT" stop "$dir" >&2 || true
  trap - EXIT
done
exit "$worst"
