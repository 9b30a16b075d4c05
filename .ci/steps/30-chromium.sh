# Chromium for the browser tests (tooling/contract-tests defineBrowserSuite): Debian's
# package, driven by playwright-core (`npx playwright install` cannot download here).
# A second run does nothing. CHROMIUM_PATH points elsewhere when set.
chromium_bin="${CHROMIUM_PATH:-/usr/bin/chromium}"
if [ -x "$chromium_bin" ]; then
  log "chromium: $("$chromium_bin" --version 2>/dev/null | head -n1)"
else
  log "chromium: installing Debian's chromium"
  export DEBIAN_FRONTEND=noninteractive
  apt-get update -qq
  apt-get install -y -qq --no-install-recommends chromium fonts-liberation >/dev/null
  log "chromium: $(/usr/bin/chromium --version 2>/dev/null | head -n1)"
fi
unset chromium_bin
