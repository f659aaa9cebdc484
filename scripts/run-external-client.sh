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
# shellcheck source=scripts/lib.sh
. scripts/lib.sh

./target/release/reference-provider --listen 127.0.0.1:0 --memory "$@" >"$work/op.out" 2>"$work/op.err" &
op_pid=$!
await_provider "$work/op.out" "$work/op.err" 100 run-external-client
provider_env "$work/op.out"
echo "provider: ISSUER=$ISSUER CLIENT_ID=$CLIENT_ID USERNAME=$USERNAME${*:+ args: $*}"
status=0
"$python" scripts/external-client-flow.py || status=$?
exit "$status"
