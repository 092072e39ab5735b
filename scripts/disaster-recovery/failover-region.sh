#!/usr/bin/env bash
# The plan's region failover command: starts, in the --to region, the state machine that activates it (docs/runbooks/region-failover.md).
#
#   failover-region.sh --from us-east-1 --to us-west-2 [--stage prod|staging] [--dry-run]
#
# Every AWS call goes to the --to region: the --from region may be down, so it is never called.
# The state machine promotes the --to region's Aurora cluster (an unplanned failover, AllowDataLoss)
# and its cache member, records failover_time_seconds and tells the critical topic. --dry-run makes
# only the read-only SSM call and prints the execution it would start. AWS_ENDPOINT_URL, when set,
# is passed as --endpoint-url (the tests point it at moto). Exit status: 0 started (or dry run),
# 1 an AWS call failed, 2 bad input (no AWS call made).
set -euo pipefail

usage() {
  echo 'usage: failover-region.sh --from <region> --to <region> [--stage prod|staging] [--dry-run]' >&2
  exit 2
}

# Bad input is reported before any AWS call, with what to do about it.
invalid() {
  echo "failover-region: $*" >&2
  exit 2
}

failed() {
  echo "failover failed: $*" >&2
  exit 1
}

from=''
to=''
stage='prod'
dry_run=false
while [ $# -gt 0 ]; do
  case "$1" in
    --from | --to | --stage)
      [ $# -ge 2 ] && [ -n "$2" ] && [ "${2#--}" = "$2" ] || invalid "$1 needs a value"
      case "$1" in
        --from) from="$2" ;;
        --to) to="$2" ;;
        --stage) stage="$2" ;;
      esac
      shift 2
      ;;
    --dry-run)
      dry_run=true
      shift
      ;;
    -h | --help) usage ;;
    *)
      echo "failover-region: unknown argument: $1" >&2
      usage
      ;;
  esac
done
[ -n "$from" ] && [ -n "$to" ] || usage

# The region pair of each stage, as lib/config/stages.ts defines it (the script's tests compare them).
case "$stage" in
  prod | staging) regions='us-east-1 us-west-2' ;;
  *) invalid "unknown stage '$stage'; use prod or staging" ;;
esac
in_pair() {
  case " $regions " in *" $1 "*) return 0 ;; esac
  return 1
}
in_pair "$from" || invalid "--from $from is not a region of stage $stage (${regions// /, })"
in_pair "$to" || invalid "--to $to is not a region of stage $stage (${regions// /, })"
[ "$from" != "$to" ] || invalid "--from and --to are both $to; fail over to the other region of stage $stage"

command -v aws >/dev/null 2>&1 || failed 'the aws CLI is not installed or not on PATH'

endpoint=()
[ -z "${AWS_ENDPOINT_URL:-}" ] || endpoint=(--endpoint-url "$AWS_ENDPOINT_URL")
# "${endpoint[@]}" of an empty array is an unbound variable to bash before 4.4 under set -u.
aws_to() { aws --region "$to" ${endpoint[@]+"${endpoint[@]}"} "$@"; }

parameter="/async-toolformer/$stage/failover/state-machine-arn"
state_machine_arn="$(aws_to ssm get-parameter --name "$parameter" --query Parameter.Value --output text)" ||
  failed "could not read $parameter in $to: deploy the Automation stack of $to first, or check your credentials"
[ -n "$state_machine_arn" ] && [ "$state_machine_arn" != 'None' ] || failed "$parameter in $to is empty"

name="failover-$from-to-$to-$(date -u +%Y%m%dT%H%M%SZ)"
user="$(id -un 2>/dev/null || echo unknown)"
input="{\"requestedBy\":\"failover-region.sh\",\"from\":\"$from\",\"to\":\"$to\",\"user\":\"${user//[^A-Za-z0-9._@-]/}\"}"

if [ "$dry_run" = true ]; then
  echo "dry run: would start $state_machine_arn in $to" >&2
  echo "  aws stepfunctions start-execution --region $to --state-machine-arn $state_machine_arn --name $name --input '$input'" >&2
  echo "It would make $to the Aurora writer (accepting replication lag as lost) and the cache primary." >&2
  exit 0
fi

execution_arn="$(aws_to stepfunctions start-execution --state-machine-arn "$state_machine_arn" --name "$name" \
  --input "$input" --query executionArn --output text)" ||
  failed "could not start $state_machine_arn in $to; see the aws error above"
echo "$execution_arn"
echo "failover of stage $stage to $to started; follow it with: aws stepfunctions describe-execution --region $to --execution-arn $execution_arn" >&2
