#!/usr/bin/env bash
# Installs what the tests need on a fresh Debian machine, then runs every test of the solution.
set -euo pipefail
cd "$(dirname "$0")"

as_root() { if [ "$(id -u)" -eq 0 ]; then "$@"; else sudo "$@"; fi; }

# Debian packages the tests need: websocket-client for the seed document's Python flow (Debian installs it for
# /usr/bin/python3 only) and Node.js with npm for the npm ComfyUI SDK. One apt-get update, only when something is missing.
missing=()
/usr/bin/python3 -c 'import websocket' 2>/dev/null || missing+=(python3-websocket)
# Pillow, numpy and torch compute the image tests' independent reference outputs (tests/ComfySharp.Nodes.Image.Tests/Fixtures);
# numpy and torch the diffusion tests' own reference models (tests/ComfySharp.Diffusion.Tests/Reference).
/usr/bin/python3 -c 'import PIL' 2>/dev/null || missing+=(python3-pil)
/usr/bin/python3 -c 'import numpy' 2>/dev/null || missing+=(python3-numpy)
/usr/bin/python3 -c 'import torch' 2>/dev/null || missing+=(python3-torch)
command -v node >/dev/null 2>&1 || missing+=(nodejs)
command -v npm >/dev/null 2>&1 || missing+=(npm)
if [ "${#missing[@]}" -gt 0 ]; then
  echo "Installing ${missing[*]}"
  export DEBIAN_FRONTEND=noninteractive
  as_root apt-get update -qq </dev/null
  as_root apt-get install -y -qq --no-install-recommends "${missing[@]}" </dev/null >/dev/null
fi

# The npm ComfyUI SDK the interop tests drive.
if [ -f tests/interop/package-lock.json ]; then
  if [ ! -d tests/interop/node_modules ] || [ tests/interop/package-lock.json -nt tests/interop/node_modules ]; then
    (cd tests/interop && npm ci --no-audit --no-fund --loglevel=error </dev/null)
  fi
fi

export DOTNET_CLI_TELEMETRY_OPTOUT=1 DOTNET_NOLOGO=1
dotnet build ComfySharp.slnx -c Release -nologo -clp:ErrorsOnly
results=$(mktemp -d)
status=0
# Each test project writes its TRX report there (Directory.Build.props names it after the project).
dotnet test --solution ComfySharp.slnx -c Release --no-build --results-directory "$results" || status=$?

# One plain summary line over every test project, from the TRX files (one per test project).
passed=0; failed=0; skipped=0; reports=0
for trx in "$results"/*.trx; do
  [ -f "$trx" ] || continue
  reports=$((reports + 1))
  counters=$(grep -o '<Counters [^>]*>' "$trx" | head -n 1)
  p=$(sed -n 's/.* passed="\([0-9]*\)".*/\1/p' <<<"$counters"); f=$(sed -n 's/.* failed="\([0-9]*\)".*/\1/p' <<<"$counters")
  n=$(sed -n 's/.* notExecuted="\([0-9]*\)".*/\1/p' <<<"$counters")
  passed=$((passed + ${p:-0})); failed=$((failed + ${f:-0})); skipped=$((skipped + ${n:-0}))
done
rm -rf "$results"
projects=$(grep -c '<Project Path="tests/' ComfySharp.slnx || true)
if [ "$reports" -lt "$projects" ]; then
  echo "Only ${reports} of ${projects} test projects wrote a report (a test host failed to start or crashed)."
  [ "$status" -ne 0 ] || status=1
fi
[ "$skipped" -eq 0 ] || echo "${skipped} skipped"
echo "${passed} passed, ${failed} failed"
if [ "$failed" -gt 0 ] && [ "$status" -eq 0 ]; then status=1; fi
exit "$status"
