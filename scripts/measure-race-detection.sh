#!/usr/bin/env bash
# Race detection rate: runs `conform --only concurrency/code` RUNS times against a reference
# provider with the code-check-then-use fault, once per race method, and prints how many runs
# found more than one winner. Loopback only; bounded by RUNS.
#   scripts/measure-race-detection.sh [RUNS]   (default 20; PROFILE=debug to skip the release build)
set -euo pipefail
RUNS="${1:-20}"
cd "$(dirname "$0")/.."
PROFILE="${PROFILE:-release}"
if [ "$PROFILE" = release ]; then cargo build -q --release -p oidc-harness -p reference-provider; else cargo build -q -p oidc-harness -p reference-provider; fi
PORT=9471
tmp="$(mktemp -d)"
trap 'kill "$rp" 2>/dev/null || true; rm -rf "$tmp"' EXIT
target/$PROFILE/reference-provider --memory --listen "127.0.0.1:$PORT" --fault code-check-then-use >"$tmp/rp.log" 2>&1 &
rp=$!
for _ in $(seq 50); do grep -q READY=1 "$tmp/rp.log" && break; sleep 0.1; done
for method in ${METHODS:-mixed last-byte parallel}; do
  sed "s#http://127.0.0.1:9400#http://127.0.0.1:$PORT#" scenarios/targets/reference.toml >"$tmp/t.toml"
  printf '\n[features]\nrace_method = "%s"\n' "$method" >>"$tmp/t.toml"
  found=0
  rounds_found=0
  for i in $(seq "$RUNS"); do
    target/$PROFILE/oidc-harness conform --target "$tmp/t.toml" --plan all --only concurrency/code --out "$tmp/r$i" >/dev/null 2>&1 || true
    read -r hit rounds < <(python3 - "$tmp/r$i/report.json" <<'PY'
import json, re, sys
r = json.load(open(sys.argv[1]))
note = next(m["note"] for m in r["modules"] if m["id"] == "concurrency/code")
winners = json.loads(re.search(r"winners per round (\[[^\]]*\])", note).group(1))
print(int(any(w > 1 for w in winners)), sum(w > 1 for w in winners))
PY
)
    found=$((found + hit))
    rounds_found=$((rounds_found + rounds))
  done
  echo "$method: double redemption found in $found of $RUNS runs ($rounds_found rounds)"
done
