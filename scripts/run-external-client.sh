#!/usr/bin/env bash
# Starts the reference provider (release build, in memory, free port), runs
# scripts/external-client-flow.py (Authlib) against it, stops the provider, and exits with the
# client's exit code. Extra arguments go to the provider (e.g. `--fault id-token-wrong-nonce`,
# for which the client must fail with exit 1).
#
#   pip install authlib requests        # once (or point PYTHON at a venv that has them)
#   scripts/run-external-client.sh [provider args…]
set -euo pipefail

root="$(cd "$(dirname "$0")/.." && pwd)"
python="${PYTHON:-python3}"
if ! "$python" -c 'import authlib, requests' 2>/dev/null; then
  echo "run-external-client: $python lacks authlib/requests: pip install authlib requests (or set PYTHON)" >&2
  exit 2
fi

cd "$root"
cargo build --release -q -p reference-provider --bin reference-provider
work="$(mktemp -d)"
op_pid=""
cleanup() {
  if [[ -n "$op_pid" ]] && kill -0 "$op_pid" 2>/dev/null; then
    kill -INT "$op_pid" 2>/dev/null || true
    wait "$op_pid" 2>/dev/null || true
  fi
  rm -rf "$work"
}
trap cleanup EXIT

./target/release/reference-provider --listen 127.0.0.1:0 --memory "$@" >"$work/op.out" 2>"$work/op.err" &
op_pid=$!
for _ in $(seq 1 100); do
  grep -qs '^READY=1$' "$work/op.out" && break
  kill -0 "$op_pid" 2>/dev/null || { echo "run-external-client: provider exited:" >&2; cat "$work/op.err" >&2; exit 2; }
  sleep 0.2
done
grep -q '^READY=1$' "$work/op.out" || { echo "run-external-client: provider not ready after 20 s" >&2; exit 2; }

# ISSUER, CLIENT_ID, CLIENT_SECRET, REDIRECT_URI, USERNAME, PASSWORD (demo values only).
set -a
# shellcheck disable=SC1091
. "$work/op.out"
set +a
echo "provider: ISSUER=$ISSUER CLIENT_ID=$CLIENT_ID USERNAME=$USERNAME${*:+ args: $*}"
status=0
"$python" scripts/external-client-flow.py || status=$?
exit "$status"
