#!/usr/bin/env bash
# Installs Debian's chromium for the status page's browser test (puppeteer-core downloads no browser); quick and quiet when it is already there.
set -euo pipefail
# shellcheck source-path=SCRIPTDIR source=lib/cli.sh
. "$(dirname "${BASH_SOURCE[0]}")/lib/cli.sh"

CLI_NAME='setup-browser'
CLI_USAGE="$(
  cat <<'EOF'
usage: npm run setup:browser
Installs Debian's chromium (CHROMIUM_PATH overrides /usr/bin/chromium) for the status page's
browser test; a no-op when it is there. It takes no arguments.
Exit status: 0 installed or present; 1 the install failed; 2 bad input, nothing installed.
EOF
)"
cli_scan_help "$@"
[ $# -eq 0 ] || cli_invalid "unexpected argument: $1"

# The browser the test drives; CHROMIUM_PATH overrides it (the test reads the same variable).
browser="${CHROMIUM_PATH:-/usr/bin/chromium}"

if [ -x "$browser" ] && "$browser" --version >/dev/null 2>&1; then
  exit 0
fi

if ! command -v apt-get >/dev/null 2>&1; then
  echo "setup-browser: $browser is missing and this machine has no apt-get; install chromium, or set CHROMIUM_PATH to a Chromium binary" >&2
  exit 1
fi
as_root=()
if [ "$(id -u)" -ne 0 ]; then
  if ! command -v sudo >/dev/null 2>&1; then
    echo "setup-browser: installing chromium needs root (or sudo); run: apt-get install -y chromium" >&2
    exit 1
  fi
  as_root=(sudo)
fi

echo "setup-browser: installing chromium from Debian's packages (about 45 s on a fresh machine)" >&2
started=$SECONDS
# Waits for the dpkg lock rather than failing, should another installer (setup:redis) hold it.
lock=(-o DPkg::Lock::Timeout=300)
"${as_root[@]}" apt-get "${lock[@]}" update -qq
DEBIAN_FRONTEND=noninteractive "${as_root[@]}" apt-get "${lock[@]}" install -y -qq chromium >/dev/null
"$browser" --version >&2
echo "setup-browser: chromium installed in $((SECONDS - started)) s" >&2
