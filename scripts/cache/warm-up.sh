#!/usr/bin/env bash
# The plan's cache warm-up command, `./scripts/cache/warm-up.sh --environment production`: a thin wrapper of `dr warm-cache` (docs/runbooks/cache-warm-up.md).
set -euo pipefail
root="$(cd "$(dirname "${BASH_SOURCE[0]}")/../.." && pwd)"
# shellcheck source-path=SCRIPTDIR source=../lib/cli.sh
source "$root/scripts/lib/cli.sh"

CLI_NAME=warm-up
CLI_FAILURE='warm-up failed'
CLI_USAGE="usage: scripts/cache/warm-up.sh --environment production|staging [--region <region>] [--manifest <key>]
                                  [--version <id>] [--dry-run] [--json] [--yes]

Loads the warm-up manifest (default warm-up/manifest.json of the cache backup bucket) into the cache
primary of the region that is up, with the cache warm-up state machine of that region: the same as
'dr warm-cache --stage prod|staging'. Every flag after --environment is passed to it.

  --environment   production (the prod stage) or staging
  --region        the region to warm (default: the region that is up)
  --manifest      the manifest's key under warm-up/
  --version       the manifest's S3 version id (default: its current version)
  --dry-run       only read: print the run it would start
  --json          JSON lines of progress and the result on stdout
  --yes           accepted for the house's scripts; the warm-up asks no confirmation

Exit status: 0 done; 1 an AWS call or the run failed; 2 bad input, before any AWS call."

cli_scan_help "$@"
stage=''
forward=()
while [ $# -gt 0 ]; do
  case "$1" in
    --environment)
      cli_need_value "$@"
      case "$2" in
        production) stage=prod ;;
        staging) stage=staging ;;
        *) cli_invalid "--environment must be production or staging, got: '$2'" ;;
      esac
      shift 2
      ;;
    --region | --manifest | --version)
      cli_need_value "$@"
      forward+=("$1" "$2")
      shift 2
      ;;
    --dry-run | --json | --yes)
      forward+=("$1")
      shift
      ;;
    -*) cli_invalid "unknown flag: $1" ;;
    *) cli_invalid "unexpected argument: '$1'" ;;
  esac
done
[ -n "$stage" ] || cli_invalid '--environment is required (production or staging)'
command -v node > /dev/null || cli_failed 'node (20 or later) is not on the PATH'
# dr checks the rest (the region of the stage, the manifest's key) before any AWS call, and exits as this script does.
# From the source when the repository has its packages (always current); else dr's launcher, which runs the bundle.
if [ -x "$root/node_modules/.bin/tsx" ]; then
  exec "$root/node_modules/.bin/tsx" "$root/scripts/dr/cli.ts" warm-cache --stage "$stage" "${forward[@]}"
fi
exec node "$root/scripts/dr/bin.cjs" warm-cache --stage "$stage" "${forward[@]}"
