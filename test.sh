#!/usr/bin/env bash
# Installs what the tests need on a fresh Debian machine, then runs every test of the solution.
set -euo pipefail
cd "$(dirname "$0")"

as_root() { if [ "$(id -u)" -eq 0 ]; then "$@"; else sudo "$@"; fi; }

# Debian's websocket-client for the seed document's Python flow (it is installed for /usr/bin/python3 only).
if ! /usr/bin/python3 -c 'import websocket' 2>/dev/null; then
  export DEBIAN_FRONTEND=noninteractive
  as_root apt-get update -qq
  as_root apt-get install -y -qq python3-websocket >/dev/null
fi

# The npm ComfyUI SDK the interop tests drive.
if [ -f tests/interop/package-lock.json ]; then
  if [ ! -d tests/interop/node_modules ] || [ tests/interop/package-lock.json -nt tests/interop/node_modules ]; then
    (cd tests/interop && npm ci --no-audit --no-fund --loglevel=error)
  fi
fi

export DOTNET_CLI_TELEMETRY_OPTOUT=1 DOTNET_NOLOGO=1
dotnet build ComfySharp.slnx -c Release -nologo -clp:ErrorsOnly
results=$(mktemp -d)
status=0
dotnet test --solution ComfySharp.slnx -c Release --no-build --results-directory "$results" --report-xunit-trx || status=$?

# One plain summary line over every test project.
passed=0; failed=0; skipped=0
for trx in "$results"/*.trx; do
  [ -f "$trx" ] || continue
  counters=$(grep -o '<Counters [^>]*>' "$trx" | head -n 1)
  p=$(sed -n 's/.* passed="\([0-9]*\)".*/\1/p' <<<"$counters"); f=$(sed -n 's/.* failed="\([0-9]*\)".*/\1/p' <<<"$counters")
  n=$(sed -n 's/.* notExecuted="\([0-9]*\)".*/\1/p' <<<"$counters")
  passed=$((passed + ${p:-0})); failed=$((failed + ${f:-0})); skipped=$((skipped + ${n:-0}))
done
rm -rf "$results"
echo "${passed} passed, ${failed} failed, ${skipped} skipped"
exit "$status"
