#!/usr/bin/env bash
# Installs Debian's redis-server, which the cache-session and restore-test tests run against (test/helpers/redis-server.ts); a no-op when it is there.
set -euo pipefail
# shellcheck source-path=SCRIPTDIR source=lib/cli.sh
. "$(dirname "${BASH_SOURCE[0]}")/lib/cli.sh"

CLI_NAME='setup-redis-server'
CLI_USAGE="$(
  cat <<'EOF'
usage: npm run setup:redis
Installs Debian's redis-server (REDIS_SERVER overrides /usr/bin/redis-server) for the cache-session
and restore tests; a no-op when it is there. It takes no arguments.
Exit status: 0 installed or present; 1 the install failed; 2 bad input, nothing installed.
EOF
)"
cli_scan_help "$@"
[ $# -eq 0 ] || cli_invalid "unexpected argument: $1"

server="${REDIS_SERVER:-/usr/bin/redis-server}"
if [ -x "$server" ]; then
  exit 0
fi

fail() {
  echo "setup-redis-server: $*" >&2
  exit 1
}

command -v apt-get >/dev/null 2>&1 ||
  fail "$server is missing and apt-get is not available; install redis-server 7 (with TLS) and set REDIS_SERVER to its path."
if [ "$(id -u)" -eq 0 ]; then
  run=()
elif sudo -n true 2>/dev/null; then
  run=(sudo -n)
else
  fail "$server is missing; install it with 'sudo apt-get install redis-server' (this script may not use sudo here)."
fi
echo "setup-redis-server: installing redis-server with apt-get" >&2
"${run[@]}" apt-get install -y -q --no-install-recommends redis-server >/dev/null ||
  { "${run[@]}" apt-get update -q >/dev/null && "${run[@]}" apt-get install -y -q --no-install-recommends redis-server >/dev/null; } ||
  fail "apt-get could not install redis-server; see its output above."
[ -x "$server" ] || fail "apt-get installed redis-server but $server is still missing; set REDIS_SERVER to its path."
