#!/usr/bin/env bash
# The plan's region failover command: runs the state machine that moves the Aurora writer, the cache
# primary and DNS to a region, waits for it and shows each step (docs/runbooks/region-failover.md).
# Its arguments and exit status: CLI_USAGE below (--help prints it).
#
# Unplanned (the default): --from is lost or unusable. The --to region's state machine activates
#   it (action "activate"): Aurora's unplanned failover accepts the replication lag as lost, so the
#   script asks for confirmation first unless given --yes. Every AWS call goes to --to.
# --planned: both regions answer; nothing is lost. Moving to the secondary region is a switchover
#   (action "switchover"); moving back to the primary is the failback (action "failback"). Both run
#   in the secondary region's state machine, which owns the DNS fence; only the failback lifts it.
#   The run writes the active-region parameter of its own region only (Step Functions' SDK tasks call
#   their own region); after it succeeds this script copies that value into the other region's
#   parameter, so both regions agree. An unplanned run leaves the lost region's parameter alone.
# --dry-run: shows the decision's inputs (the failover alarms) as the running region sees them and
#   the run it would start, then exits; only read calls.
#
# AWS_ENDPOINT_URL, when set, is passed as --endpoint-url (the tests and the drill point it at moto).
# FAILOVER_POLL_SECONDS sets how often the run is polled (default 5). Exit status 1 also covers a
# planned run whose other region's active-region parameter could not be written.
set -euo pipefail
# shellcheck source-path=SCRIPTDIR source=../lib/cli.sh
. "$(dirname "${BASH_SOURCE[0]}")/../lib/cli.sh"

CLI_NAME='failover-region'
CLI_FAILURE='failover failed'
CLI_USAGE="$(
  cat <<'EOF'
usage: failover-region.sh --from <region> --to <region> [--stage prod|staging] [--planned] [--yes]
                          [--reason <text>] [--dry-run]
Makes --to the active region of the stage: the Aurora writer, the cache primary and DNS
(docs/runbooks/region-failover.md).
  --from, --to  the stage's two regions (prod and staging: us-east-1, us-west-2)
  --stage       prod (default) or staging
  --planned     both regions answer: a switchover to the secondary or a failback to the primary,
                nothing lost; without it, an unplanned activation of --to that accepts the
                replication lag as lost
  --yes         skip the confirmation an unplanned activation asks for
  --reason      up to 200 characters, recorded in the run's input
  --dry-run     only read: show the failover alarms and the run it would start
Exit status: 0 --to is active (or dry run); 1 an AWS call or the run failed; 2 bad input or not
confirmed, before any AWS call.
EOF
)"

from=''
to=''
stage='prod'
planned=false
yes=false
dry_run=false
reason=''
cli_scan_help "$@"
while [ $# -gt 0 ]; do
  case "$1" in
    --from | --to | --stage | --reason)
      cli_need_value "$@"
      case "$1" in
        --from) from="$2" ;;
        --to) to="$2" ;;
        --stage) stage="$2" ;;
        --reason) reason="$2" ;;
      esac
      shift 2
      ;;
    --planned) planned=true && shift ;;
    --yes) yes=true && shift ;;
    --dry-run) dry_run=true && shift ;;
    *) cli_invalid "unknown argument: $1" ;;
  esac
done
[ -n "$from" ] && [ -n "$to" ] || cli_invalid '--from and --to are required'
cli_stage_regions "$stage"
in_pair() { [ "$1" = "$primary" ] || [ "$1" = "$secondary" ]; }
in_pair "$from" || cli_invalid "--from $from is not a region of stage $stage ($primary, $secondary)"
in_pair "$to" || cli_invalid "--to $to is not a region of stage $stage ($primary, $secondary)"
[ "$from" != "$to" ] || cli_invalid "--from and --to are both $to; fail over to the other region of stage $stage"
[ ${#reason} -le 200 ] || cli_invalid '--reason is longer than 200 characters'
poll_seconds="${FAILOVER_POLL_SECONDS:-5}"
cli_seconds FAILOVER_POLL_SECONDS "$poll_seconds"

# Which state machine runs, and what it is asked to do.
if [ "$planned" = false ]; then
  action='activate' run_region="$to"
elif [ "$to" = "$secondary" ]; then
  action='switchover' run_region="$secondary"
else
  action='failback' run_region="$secondary"
fi

# Nothing has been called yet: an unconfirmed data-loss action stops here.
if [ "$action" = 'activate' ] && [ "$dry_run" = false ] && [ "$yes" = false ]; then
  cli_confirm "activate $to" 'an unplanned failover accepts data loss' \
    "Unplanned failover of stage $stage to $to: Aurora's replication lag is lost, DNS is fenced from $from" \
    "until a planned failback. Use --planned instead if $from still answers."
fi

cli_need_command aws 'install the aws CLI, or run npm run setup:python and put .venv/bin on PATH'

aws_run() { aws_in "$run_region" "$@"; }

parameter="/async-toolformer/$stage/failover/state-machine-arn"
state_machine_arn="$(aws_run ssm get-parameter --name "$parameter" --query Parameter.Value --output text)" ||
  cli_failed "could not read $parameter in $run_region: deploy the Automation stack of $run_region first, or check your credentials"
[ -n "$state_machine_arn" ] && [ "$state_machine_arn" != 'None' ] || cli_failed "$parameter in $run_region is empty"

active_parameter="/async-toolformer/$stage/failover/active-region"
if [ "$run_region" = "$primary" ]; then other_region="$secondary"; else other_region="$primary"; fi

user="$(id -un 2>/dev/null || echo unknown)"
safe() { printf '%s' "$1" | tr -cd 'A-Za-z0-9 ._@:/-'; }
input="{\"action\":\"$action\",\"requestedBy\":\"operator\",\"operator\":\"$(safe "$user")\",\"reason\":\"$(safe "${reason:-failover-region.sh --from $from --to $to}")\"}"
# Unique per run: two operators starting in the same second get two runs, and the lock refuses one.
name="$action-$to-$(date -u +%Y%m%dT%H%M%SZ)-$(od -An -N3 -tx1 /dev/urandom | tr -d ' \n')"

if [ "$dry_run" = true ]; then
  echo "dry run: would start $state_machine_arn in $run_region" >&2
  echo "  action $action: $(
    case "$action" in
      activate) echo "make $to the Aurora writer (accepting replication lag as lost) and the cache primary, fence DNS" ;;
      switchover) echo "switch the Aurora writer and the cache primary over to $to without data loss, fence DNS" ;;
      failback) echo "switch the Aurora writer and the cache primary back to $to without data loss, lift the DNS fence" ;;
    esac
  )" >&2
  echo "  aws stepfunctions start-execution --region $run_region --state-machine-arn $state_machine_arn --name $name --input '$input'" >&2
  [ "$planned" = false ] ||
    echo "  then, once it succeeded: $active_parameter in $other_region set to $to, as the run sets it in $run_region" >&2
  echo "the decision's inputs as $run_region sees them (failover alarms):" >&2
  aws_run cloudwatch describe-alarms --alarm-name-prefix "async-toolformer-$stage-" --alarm-types MetricAlarm CompositeAlarm \
    --query '[MetricAlarms,CompositeAlarms][] | [?contains(AlarmName, `failover`)].[AlarmName,StateValue]' --output text >&2 ||
    cli_failed "could not read the failover alarms in $run_region"
  exit 0
fi

execution_arn="$(aws_run stepfunctions start-execution --state-machine-arn "$state_machine_arn" --name "$name" \
  --input "$input" --query executionArn --output text)" ||
  cli_failed "could not start $state_machine_arn in $run_region; see the aws error above"
echo "$execution_arn"
echo "started $action of stage $stage to $to in $run_region; waiting for it (Ctrl-C stops waiting, not the run)" >&2

# Seconds since the run started, from the history's timestamps (GNU or BSD date); empty if neither parses.
to_epoch() { date -u -d "$1" +%s 2>/dev/null || date -j -u -f '%Y-%m-%dT%H:%M:%S' "${1%%.*}" +%s 2>/dev/null || true; }
started="$(to_epoch "$(aws_run stepfunctions describe-execution --execution-arn "$execution_arn" --query startDate --output text)")"

shown=0
status='RUNNING'
while [ "$status" = 'RUNNING' ]; do
  sleep "$poll_seconds"
  status="$(aws_run stepfunctions describe-execution --execution-arn "$execution_arn" --query status --output text)" ||
    cli_failed "could not read the run's status; follow it with: aws stepfunctions describe-execution --region $run_region --execution-arn $execution_arn"
  # One line per state that completed: its timestamp and name.
  steps="$(aws_run stepfunctions get-execution-history --execution-arn "$execution_arn" \
    --query 'events[?stateExitedEventDetails].[timestamp,stateExitedEventDetails.name]' --output text)" || steps=''
  count=0
  while IFS=$'\t' read -r timestamp step; do
    [ -n "$step" ] || continue
    count=$((count + 1))
    [ "$count" -gt "$shown" ] || continue
    at="$(to_epoch "$timestamp")"
    if [ -n "$started" ] && [ -n "$at" ]; then
      printf '  +%3ds  %s\n' "$((at - started))" "$step" >&2
    else
      printf '  %s  %s\n' "$timestamp" "$step" >&2
    fi
  done <<<"$steps"
  [ "$count" -le "$shown" ] || shown=$count
done

if [ "$status" != 'SUCCEEDED' ]; then
  cause="$(aws_run stepfunctions describe-execution --execution-arn "$execution_arn" --query '[error,cause]' --output text)" || cause=''
  cli_failed "the run ended $status: ${cause:-no cause given}. Follow docs/runbooks/region-failover.md; a re-run completes what is left."
fi

# A planned run wrote only its own region's parameter; both regions answer, so the other one is set
# to the same value here, read back from the run's region rather than assumed.
if [ "$planned" = true ]; then
  active="$(aws_run ssm get-parameter --name "$active_parameter" --query Parameter.Value --output text)" ||
    cli_failed "the run succeeded, but $active_parameter in $run_region could not be read; set it in $other_region by hand: aws ssm put-parameter --region $other_region --name $active_parameter --value $to --type String --overwrite"
  [ "$active" = "$to" ] ||
    cli_failed "the run succeeded, but $active_parameter in $run_region says '$active', not $to; see docs/runbooks/failover-failback.md before writing either region's parameter"
  aws_in "$other_region" ssm put-parameter --name "$active_parameter" --value "$active" --type String --overwrite \
    --query Version --output text >/dev/null ||
    cli_failed "the run succeeded, but $active_parameter in $other_region still names the old region: aws ssm put-parameter --region $other_region --name $active_parameter --value $to --type String --overwrite"
  echo "$active_parameter names $to in $run_region and $other_region" >&2
fi
echo "$to is active for stage $stage ($action succeeded)" >&2
