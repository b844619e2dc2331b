#!/usr/bin/env bash
# Installs what cps-bridge needs on a Debian 12 machine and the npm workspace, idempotently:
#   - Debian packages: pcscd + the vpcd virtual-reader driver (test bench), pcsc-tools (pcsc_scan),
#     libpcsclite-dev + a C++ toolchain (the `smartcard` N-API addon builds against pcsc-lite), chromium
#     (end-to-end tests and the demo), dovecot-imapd (a real IMAP server for the mailbox tests), iproute2,
#     opensc + opensc-pkcs11 + libnss3-tools (stand-in PKCS#11 middleware and NSS tools for the diagnostics tests),
#     softhsm2 (a second, software PKCS#11 token for the browser TLS client-certificate e2e),
#     xvfb + xdotool (a display for the browser's own PIN prompt in the TLS client-certificate e2e),
#     roundcube-core + roundcube-sqlite3 + php-cli (a real webmail on PHP's built-in server for the OTP webmail e2e;
#     its database setup through dbconfig is declined: the test kit makes its own SQLite database);
#     firefox-esr (the e2e files that run on Firefox as well as Chromium, over WebDriver BiDi);
#     systemd (only its tools: `systemd-analyze --user verify` and `systemctl --user enable` check the unit that
#     `cps-bridge install` writes; no service manager is started);
#   - the loopback quickack route that makes virtual-card APDUs ~100x faster (root only; optional);
#   - `npm ci` (exact versions from package-lock.json).
# Uses sudo for the system steps when not root. Never starts a service: the test bench starts pcscd itself.
set -euo pipefail
cd "$(dirname "$0")/.."
export DEBIAN_FRONTEND=noninteractive PUPPETEER_SKIP_DOWNLOAD=1

SUDO=""
[ "$(id -u)" = 0 ] || SUDO="sudo"
PACKAGES=(pcscd libpcsclite-dev pcsc-tools vsmartcard-vpcd chromium dovecot-imapd iproute2
  opensc opensc-pkcs11 libnss3-tools softhsm2 xvfb xdotool roundcube-core roundcube-sqlite3 php-cli
  firefox-esr systemd python3 make g++ ca-certificates)

missing=()
for p in "${PACKAGES[@]}"; do
  dpkg-query -W -f='${Status}' "$p" 2>/dev/null | grep -q "install ok installed" || missing+=("$p")
done
if [ ${#missing[@]} -gt 0 ]; then
  echo "== installing Debian packages: ${missing[*]}"
  $SUDO apt-get update -qq
  # Roundcube: no database configuration by dbconfig-common (scripts/src/mail/roundcube.ts makes its own).
  echo "roundcube-core roundcube/dbconfig-install boolean false" | $SUDO debconf-set-selections
  $SUDO apt-get install -y -qq --no-install-recommends "${missing[@]}" >/dev/null
else
  echo "== Debian packages: all present"
fi

echo "== quickack route for the virtual cards (optional)"
$SUDO bash scripts/testbed/quickack.sh add 2>/dev/null && echo "quickack: on" \
  || echo "quickack: not set (APDUs take ~44 ms instead of ~0.35 ms; everything still works)"

echo "== npm ci"
npm ci --no-audit --no-fund
