#!/usr/bin/env bash
# The plan's Redis recovery command: restores a new replication group from an S3 .rdb backup (docs/runbooks/cache-restore-from-s3.md).
set -euo pipefail
root="$(cd "$(dirname "${BASH_SOURCE[0]}")/../.." && pwd)"
exec "$root/node_modules/.bin/tsx" "$root/scripts/redis/restore-from-backup.ts" "$@"
