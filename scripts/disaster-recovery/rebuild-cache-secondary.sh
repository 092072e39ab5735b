#!/usr/bin/env bash
# Rebuilds the cache's Global Datastore around the live us-west-2 group after an activation detached
# it, with us-east-1 back as an empty secondary, so the failback can move the primary home
# (docs/runbooks/failover-failback.md#rebuilding-a-detached-cache).
#
# Its arguments and exit status: CLI_USAGE below (--help prints it).
#
# Why a rebuild: ElastiCache adds a group to a Global Datastore as a secondary only when it creates
# that group (CreateReplicationGroup with GlobalReplicationGroupId); a group that holds data can only
# become a datastore's primary (CreateGlobalReplicationGroup). So, each step looked up first, so a
# re-run continues where the last one stopped:
#   1. the old datastore, whose only member is us-east-1's stale group, is deleted, keeping the group
#      (DeleteGlobalReplicationGroup --retain-primary-replication-group);
#   2. that stale group is deleted, after a final snapshot (its counters are rate-limit state, kept
#      only for a look afterwards);
#   3. a new datastore is created with the live us-west-2 group as primary, with the same suffix (the
#      region failover's IAM policy grants datastores named *-<suffix>, so the failback may move it);
#   4. us-east-1's group is created again under its stack's name and settings
#      (/async-toolformer/<stage>/cache/restore-settings in us-east-1) as the new secondary;
#   5. /async-toolformer/<stage>/cache/global-replication-group-id in us-east-1 names the new datastore.
# It ends with us-west-2 primary and us-east-1 secondary; the failback (failover-region.sh --from
# us-west-2 --to us-east-1 --planned) then moves the primary with FailoverGlobalReplicationGroup.
# Nothing happens unless us-west-2 is the active region and its group is out of any datastore.
#
# --dry-run: shows what it finds and what it would do, then exits; only read calls.
# AWS_ENDPOINT_URL, when set, is passed as --endpoint-url. REBUILD_POLL_SECONDS sets how often a wait
# polls (default 15); REBUILD_TIMEOUT_SECONDS how long one wait may take (default 3600).
set -euo pipefail
# shellcheck source-path=SCRIPTDIR source=../lib/cli.sh
. "$(dirname "${BASH_SOURCE[0]}")/../lib/cli.sh"

CLI_NAME='rebuild-cache-secondary'
CLI_FAILURE='rebuild failed'
CLI_USAGE="$(
  cat <<'EOF'
usage: rebuild-cache-secondary.sh [--stage prod] [--yes] [--dry-run]
Rebuilds the cache's Global Datastore around us-west-2's live group after an activation detached
it, with us-east-1 as a new empty secondary (docs/runbooks/failover-failback.md).
  --stage    prod (default; staging has no Global Datastore)
  --yes      skip the confirmation (the rebuild deletes us-east-1's stale group and old datastore)
  --dry-run  only read: show what there is and the steps it would take
Exit status: 0 rebuilt, nothing left to do, or dry run; 1 an AWS call failed, a wait timed out or
the cache is in a state this script does not rebuild; 2 bad input or not confirmed, before any AWS
call.
EOF
)"

stage='prod'
yes=false
dry_run=false
cli_scan_help "$@"
while [ $# -gt 0 ]; do
  case "$1" in
    --stage)
      cli_need_value "$@"
      stage="$2"
      shift 2
      ;;
    --yes) yes=true && shift ;;
    --dry-run) dry_run=true && shift ;;
    *) cli_invalid "unknown argument: $1" ;;
  esac
done

# Only a stage whose cache has a Global Datastore (cache.globalDatastore in lib/config/stages.ts) has
# one to rebuild.
[ "$stage" != 'staging' ] ||
  cli_invalid "stage staging has no Global Datastore (cache.globalDatastore is false): there is nothing to rebuild"
[ "$stage" = 'prod' ] || cli_invalid "unknown stage '$stage'; use prod"
cli_stage_regions "$stage"
poll_seconds="${REBUILD_POLL_SECONDS:-15}"
timeout_seconds="${REBUILD_TIMEOUT_SECONDS:-3600}"
cli_seconds REBUILD_POLL_SECONDS "$poll_seconds"
cli_whole_seconds REBUILD_TIMEOUT_SECONDS "$timeout_seconds"

if [ "$dry_run" = false ] && [ "$yes" = false ]; then
  cli_confirm "rebuild $stage" "the rebuild deletes $primary's stale cache group and old Global Datastore" \
    "Rebuild of stage $stage's cache: $primary's stale group and the old Global Datastore are deleted," \
    "then $secondary's live group becomes the primary of a new one with $primary as its secondary."
fi

cli_need_command aws 'install the aws CLI, or run npm run setup:python and put .venv/bin on PATH'
cli_need_command python3 'it reads the JSON of the restore-settings parameter'

live="async-toolformer-$stage-usw2"
stale="async-toolformer-$stage-use1"
suffix="async-toolformer-$stage"
parameters="/async-toolformer/$stage"
started=$SECONDS

lower() { printf '%s' "$1" | tr '[:upper:]' '[:lower:]'; }

# `describe-replication-groups` of `$2` in `$1` as "<status> <datastore id or None> <role or None>",
# or "absent".
group_state() {
  local out
  if out="$(aws_in "$1" elasticache describe-replication-groups --replication-group-id "$2" \
    --query 'ReplicationGroups[0].[Status,GlobalReplicationGroupInfo.GlobalReplicationGroupId,GlobalReplicationGroupInfo.GlobalReplicationGroupMemberRole]' \
    --output text 2>&1)"; then
    echo "$out" | tr '\t' ' '
  elif [[ "$out" == *ReplicationGroupNotFound* ]]; then
    echo absent
  else
    cli_failed "could not describe $2 in $1: $out"
  fi
}

# Waits until `$@` prints `want` (a regular expression), showing each change with the time elapsed.
wait_until() {
  local what="$1" want="$2"
  shift 2
  local deadline=$((SECONDS + timeout_seconds)) last='' now
  while :; do
    now="$("$@")" || exit 1
    if [ "$now" != "$last" ]; then
      printf '  +%4ds  %s: %s\n' "$((SECONDS - started))" "$what" "$now" >&2
      last="$now"
    fi
    [[ "$now" =~ $want ]] && return 0
    [ "$SECONDS" -lt "$deadline" ] || cli_failed "$what is still '$now' after $timeout_seconds s; run the script again once it settles"
    sleep "$poll_seconds"
  done
}

# Status of Global Datastore `$2` as region `$1` sees it, or "deleted".
datastore_status() {
  local out
  if out="$(aws_in "$1" elasticache describe-global-replication-groups --global-replication-group-id "$2" \
    --query 'GlobalReplicationGroups[0].Status' --output text 2>&1)"; then
    echo "$out"
  elif [[ "$out" == *GlobalReplicationGroupNotFound* ]]; then
    echo deleted
  else
    cli_failed "could not describe Global Datastore $2 in $1: $out"
  fi
}

# --- What there is (read-only) ---------------------------------------------------------------------
active="$(aws_in "$secondary" ssm get-parameter --name "$parameters/failover/active-region" --query Parameter.Value --output text)" ||
  cli_failed "could not read $parameters/failover/active-region in $secondary"
[ "$active" = "$secondary" ] ||
  cli_failed "$parameters/failover/active-region in $secondary names $active: the rebuild follows an activation of $secondary only"

state="$(group_state "$secondary" "$live")" || exit 1
read -r live_status live_datastore live_role <<<"$state"
[ "$live_status" != 'absent' ] || cli_failed "$live does not exist in $secondary; restore it first (docs/runbooks/cache-restore-from-s3.md)"
[ "$live_status" = 'available' ] || cli_failed "$live in $secondary is $live_status; run the script again once it is available"
state="$(group_state "$primary" "$stale")" || exit 1
read -r stale_status stale_datastore stale_role <<<"$state"
stale_datastore="${stale_datastore:-None}"
# Read now, before anything changes: a rebuild must not stop half way for want of its settings.
settings="$(aws_in "$primary" ssm get-parameter --name "$parameters/cache/restore-settings" --query Parameter.Value --output text)" ||
  cli_failed "could not read $parameters/cache/restore-settings in $primary; deploy AsyncToolformer-$stage-use1-Cache first"
# One value a line, in this order; a list as one line of words. A missing field fails here, before any change.
fields='authTokenSecretName numCacheClusters kmsKeyId port cacheSubnetGroupName securityGroupIds snapshotRetentionLimit snapshotWindow preferredMaintenanceWindow notificationTopicArn'
values="$(printf '%s' "$settings" | FIELDS="$fields" python3 -c '
import json, os, sys
settings = json.load(sys.stdin)
keys = os.environ["FIELDS"].split()
missing = [key for key in keys if settings.get(key) in (None, "", [])]
if missing:
    sys.exit("has no " + ", ".join(missing))
for key in keys:
    value = settings[key]
    print(" ".join(value) if isinstance(value, list) else value)
' 2>&1)" || cli_failed "$parameters/cache/restore-settings in $primary $values; redeploy AsyncToolformer-$stage-use1-Cache"
{
  read -r secret_name
  read -r num_cache_clusters
  read -r kms_key_id
  read -r port
  read -r subnet_group
  read -r security_groups
  read -r snapshot_retention
  read -r snapshot_window
  read -r maintenance_window
  read -r notification_topic
} <<<"$values"

new_datastore=''
if [ "$live_datastore" != 'None' ] && [ -n "$live_datastore" ]; then
  # Already in a datastore: a finished or half-finished rebuild, or no detach at all.
  [ "$(lower "$live_role")" = 'primary' ] ||
    cli_failed "$live is a secondary of $live_datastore: it was never detached, so nothing needs rebuilding; run the failback"
  new_datastore="$live_datastore"
fi
old_datastore=''
if [ "$stale_status" != 'absent' ] && [ "$stale_datastore" != 'None' ] && [ -n "$stale_datastore" ] &&
  [ "$stale_datastore" != "$new_datastore" ]; then
  [ "$(lower "$stale_role")" = 'primary' ] ||
    cli_failed "$stale in $primary is a $(lower "$stale_role") of $stale_datastore, not the detached datastore's stale primary; see the runbook"
  old_datastore="$stale_datastore"
fi

echo "stage $stage, $secondary active: $live ($secondary) is $live_status, ${new_datastore:+primary of $new_datastore}${new_datastore:-in no Global Datastore}" >&2
if [ "$stale_status" = 'absent' ]; then
  echo "  $stale ($primary) does not exist" >&2
else
  echo "  $stale ($primary) is $stale_status, in Global Datastore $stale_datastore as $(lower "$stale_role")" >&2
fi

steps=()
[ -z "$old_datastore" ] || steps+=("delete the old Global Datastore $old_datastore, keeping $stale")
if [ "$stale_status" != 'absent' ] && { [ -n "$old_datastore" ] || [ "$stale_datastore" = 'None' ]; }; then
  steps+=("delete $stale in $primary after a final snapshot $stale-stale-<time>")
fi
[ -n "$new_datastore" ] || steps+=("create a Global Datastore (suffix $suffix) with $live as its primary")
if [ "$stale_status" = 'absent' ] || [ -n "$old_datastore" ] || [ "$stale_datastore" = 'None' ]; then
  steps+=("create $stale in $primary as its secondary, with the settings of $parameters/cache/restore-settings")
fi
steps+=("write the datastore id to $parameters/cache/global-replication-group-id in $primary")

echo "plan:" >&2
for step in "${steps[@]}"; do echo "  - $step" >&2; done
if [ "$dry_run" = true ]; then
  echo "dry run: nothing was changed" >&2
  exit 0
fi

# --- 1. The old datastore goes, its stale primary stays for step 2 ---------------------------------
if [ -n "$old_datastore" ]; then
  aws_in "$primary" elasticache delete-global-replication-group --global-replication-group-id "$old_datastore" \
    --retain-primary-replication-group --query GlobalReplicationGroup.Status --output text >/dev/null ||
    cli_failed "could not delete Global Datastore $old_datastore"
  wait_until "Global Datastore $old_datastore" '^deleted$' datastore_status "$primary" "$old_datastore"
  wait_until "$stale in $primary" '^(available|absent) None' group_state "$primary" "$stale"
  stale_datastore='None'
fi

# --- 2. The stale group goes (its name is the one the us-east-1 Cache stack owns) -------------------
if [ "$stale_status" != 'absent' ] && [ "$stale_datastore" = 'None' ]; then
  snapshot="$stale-stale-$(date -u +%Y%m%d%H%M)"
  aws_in "$primary" elasticache delete-replication-group --replication-group-id "$stale" \
    --final-snapshot-identifier "$snapshot" --query ReplicationGroup.Status --output text >/dev/null ||
    cli_failed "could not delete $stale in $primary"
  echo "  its counters are kept in snapshot $snapshot ($primary)" >&2
  wait_until "$stale in $primary" '^absent$' group_state "$primary" "$stale"
  stale_status='absent'
fi

# --- 3. A new datastore around the live group ------------------------------------------------------
if [ -z "$new_datastore" ]; then
  new_datastore="$(aws_in "$secondary" elasticache create-global-replication-group \
    --global-replication-group-id-suffix "$suffix" --primary-replication-group-id "$live" \
    --global-replication-group-description "async-toolformer $stage rate limiting across $primary and $secondary" \
    --query GlobalReplicationGroup.GlobalReplicationGroupId --output text)" ||
    cli_failed "could not create a Global Datastore around $live"
  wait_until "Global Datastore $new_datastore" '^available$' datastore_status "$secondary" "$new_datastore"
fi

# --- 4. us-east-1's group again, empty, as the secondary --------------------------------------------
if [ "$stale_status" = 'absent' ]; then
  token="$(aws_in "$primary" secretsmanager get-secret-value --secret-id "$secret_name" \
    --query SecretString --output text)" || cli_failed "could not read the cache AUTH token secret in $primary"
  # The token goes in a file only this user reads, not on a command line that `ps` shows.
  token_file="$(umask 077 && mktemp)"
  trap 'rm -f "$token_file"' EXIT
  TOKEN="$token" python3 -c 'import json, os; print(json.dumps({"AuthToken": os.environ["TOKEN"]}))' >"$token_file"
  # As the us-east-1 Cache stack's template has it, so the stack still describes the group it owns by
  # name; engine, version, node type and parameter group come from the datastore's primary.
  # shellcheck disable=SC2086 # the security group ids are one word each
  aws_in "$primary" elasticache create-replication-group --replication-group-id "$stale" \
    --replication-group-description "async-toolformer $stage rate limiting (primary, $primary)" \
    --global-replication-group-id "$new_datastore" --num-cache-clusters "$num_cache_clusters" \
    --automatic-failover-enabled --multi-az-enabled --at-rest-encryption-enabled --kms-key-id "$kms_key_id" \
    --transit-encryption-enabled --transit-encryption-mode required --cli-input-json "file://$token_file" --port "$port" \
    --cache-subnet-group-name "$subnet_group" --security-group-ids $security_groups \
    --snapshot-retention-limit "$snapshot_retention" --snapshot-window "$snapshot_window" \
    --preferred-maintenance-window "$maintenance_window" \
    --notification-topic-arn "$notification_topic" --query ReplicationGroup.Status --output text >/dev/null ||
    cli_failed "could not create $stale in $primary as a secondary of $new_datastore"
fi
wait_until "$stale in $primary" "^available $new_datastore (secondary|SECONDARY)\$" group_state "$primary" "$stale"

# --- 5. The id the runbooks and the next deploy of us-west-2's Cache stack read ---------------------
aws_in "$primary" ssm put-parameter --name "$parameters/cache/global-replication-group-id" --value "$new_datastore" \
  --type String --overwrite --query Version --output text >/dev/null ||
  cli_failed "could not write $parameters/cache/global-replication-group-id in $primary; set it to $new_datastore by hand"

echo "rebuilt in $((SECONDS - started)) s: $new_datastore has $live ($secondary) primary and $stale ($primary) secondary" >&2
echo "next: scripts/disaster-recovery/failover-region.sh --from $secondary --to $primary --planned --stage $stage" >&2
echo "$new_datastore"
