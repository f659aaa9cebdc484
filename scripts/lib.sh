# scripts/lib.sh - sourced (never run) by the scripts that start a reference provider: a work
# directory removed at exit, the provider's pid, and the helpers that await and stop it.
#
#   . "$(dirname "$0")/lib.sh"
#
# Sets `work` (a fresh temporary directory) and `op_pid` (the provider's pid, "" while none runs;
# the sourcing script sets it when it starts one). At exit the provider is stopped and `work`
# removed.
# shellcheck shell=bash

work="$(mktemp -d)"
op_pid=""

# stop_provider: interrupts the provider, if one runs, and waits for it to end.
stop_provider() {
  if [[ -n "$op_pid" ]] && kill -0 "$op_pid" 2>/dev/null; then
    kill -INT "$op_pid" 2>/dev/null || true
    wait "$op_pid" 2>/dev/null || true
  fi
  op_pid=""
}
trap 'stop_provider; rm -rf "$work"' EXIT

# await_provider OUT ERR TRIES [WHO]: waits for the provider's READY=1 line in OUT, polling every
# 0.2 s at most TRIES times; exits 2 (with ERR on stderr) when the provider ends first, or when it
# is not ready in time. WHO prefixes the messages.
await_provider() {
  local out=$1 err=$2 tries=$3 who=${4:+$4: }
  for _ in $(seq 1 "$tries"); do
    grep -qs '^READY=1$' "$out" && return 0
    kill -0 "$op_pid" 2>/dev/null || { echo "${who}provider exited:" >&2; cat "$err" >&2; exit 2; }
    sleep 0.2
  done
  echo "${who}provider not ready after $((tries / 5)) s" >&2
  exit 2
}

# provider_env OUT: exports the KEY=value lines the provider printed on start (ISSUER, CLIENT_ID,
# CLIENT_SECRET, REDIRECT_URI, USERNAME, PASSWORD: demo values only).
provider_env() {
  set -a
  # shellcheck disable=SC1090
  . "$1"
  set +a
}
