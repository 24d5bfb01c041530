#!/usr/bin/env bash
# Before `npm test`: the report test drives a real Chromium (Debian's package; playwright-core cannot
# download browsers here). Installs it when missing and this is root on Debian; otherwise says how.
set -euo pipefail
for candidate in "${CHROMIUM_PATH:-}" /usr/bin/chromium /usr/bin/chromium-browser; do
  if [ -n "$candidate" ] && [ -x "$candidate" ]; then exit 0; fi
done
if [ "$(id -u)" = 0 ] && command -v apt-get > /dev/null; then
  echo "ensure-chromium: installing Debian's chromium for the report test (apt-get)…"
  export DEBIAN_FRONTEND=noninteractive
  apt-get install -y -q chromium > /tmp/nextframe-apt-chromium.log 2>&1 ||
    { apt-get update -q >> /tmp/nextframe-apt-chromium.log 2>&1 && apt-get install -y -q chromium >> /tmp/nextframe-apt-chromium.log 2>&1; } ||
    { tail -20 /tmp/nextframe-apt-chromium.log; echo "ensure-chromium: apt-get install chromium failed (log above)" >&2; exit 1; }
  /usr/bin/chromium --version
  exit 0
fi
echo "ensure-chromium: the report test needs Chromium: run 'sudo apt-get install chromium' (Debian/Ubuntu) or set CHROMIUM_PATH to a Chrome/Chromium binary" >&2
exit 1
