#!/usr/bin/env bash
# The plan's Redis recovery command: restores a new replication group from an S3 .rdb backup (docs/runbooks/cache-restore-from-s3.md).
# Its arguments, --help and exit status: restore-from-backup.ts.
set -euo pipefail
root="$(cd "$(dirname "${BASH_SOURCE[0]}")/../.." && pwd)"
if [ ! -x "$root/node_modules/.bin/tsx" ]; then
  echo "restore-from-backup: $root/node_modules/.bin/tsx not found; run npm ci in $root first" >&2
  exit 1
fi
exec "$root/node_modules/.bin/tsx" "$root/scripts/redis/restore-from-backup.ts" "$@"
