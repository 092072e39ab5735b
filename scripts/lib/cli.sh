# shellcheck shell=bash
# Sourced by the bash scripts: --help, bad input (exit 2 with the usage), failures (exit 1), the
# confirmation of a destructive step, the stage's regions and the aws CLI call of one region, once.
#
# The script sets, before its argument loop:
#   CLI_NAME     prefix of its messages, e.g. failover-region
#   CLI_USAGE    the usage (first line "usage: ..."), printed by --help and after bad input
#   CLI_FAILURE  prefix of a failure, e.g. "failover failed" (default "$CLI_NAME failed")
# Exit status: 0 done (or --help); 1 the work failed; 2 bad input or no confirmation, before any AWS call.

# --help and -h: the usage on stdout, exit 0.
cli_help() {
  printf '%s\n' "$CLI_USAGE"
  exit 0
}

# `cli_scan_help "$@"` before the argument loop: --help or -h anywhere is answered with the usage,
# whatever else is wrong (the operator asked how to call it), as the node scripts answer it.
cli_scan_help() {
  local arg
  for arg in "$@"; do
    case "$arg" in -h | --help) cli_help ;; esac
  done
}

# Bad input: the problem and the usage on stderr, exit 2.
cli_invalid() {
  printf '%s: %s\n%s\n' "$CLI_NAME" "$*" "$CLI_USAGE" >&2
  exit 2
}

# Refused without a usage to show (the input was well-formed, the operator did not confirm): exit 2.
cli_refuse() {
  printf '%s: %s\n' "$CLI_NAME" "$*" >&2
  exit 2
}

# The work failed (an AWS call, a wait, a state this script does not handle): exit 1.
cli_failed() {
  printf '%s: %s\n' "${CLI_FAILURE:-$CLI_NAME failed}" "$*" >&2
  exit 1
}

# `cli_need_value "$@"` in the argument loop, for a flag that takes a value: a missing value, an
# empty one or the next flag in its place is bad input (and never an unbound $2 under set -u).
cli_need_value() {
  if [ $# -lt 2 ] || [ -z "$2" ] || [ "${2#--}" != "$2" ]; then cli_invalid "$1 needs a value"; fi
}

# `cli_seconds <what> <value>`: bad input unless a number of seconds `sleep` takes (0.2, 5).
cli_seconds() {
  [[ "$2" =~ ^[0-9]+(\.[0-9]+)?$ ]] || cli_invalid "$1 must be a number of seconds, got: '$2'"
}

# `cli_whole_seconds <what> <value>`: bad input unless a whole number of seconds (shell arithmetic).
cli_whole_seconds() {
  [[ "$2" =~ ^[0-9]+$ ]] || cli_invalid "$1 must be a whole number of seconds, got: '$2'"
}

# `cli_stage_regions <stage>` sets `primary` and `secondary` to the stage's regions as
# lib/config/stages.ts defines them (test/scripts compares the two); an unknown stage is bad input.
# shellcheck disable=SC2034 # primary and secondary are the caller's
cli_stage_regions() {
  case "$1" in
    prod | staging) primary='us-east-1' secondary='us-west-2' ;;
    *) cli_invalid "unknown stage '$1'; use prod or staging" ;;
  esac
}

# `cli_confirm <phrase> <why it needs a terminal> <line>...`: prints the lines, then asks for the
# phrase. No terminal, or anything else typed, ends here with exit 2 and nothing changed.
cli_confirm() {
  local phrase="$1" no_terminal="$2" answer=''
  shift 2
  [ -t 0 ] || cli_refuse "$no_terminal: confirm it interactively, or pass --yes"
  printf '%s\n' "$@" >&2
  read -r -p "Type \"$phrase\" to continue: " answer || true
  [ "$answer" = "$phrase" ] || cli_refuse 'not confirmed; nothing was changed'
}

# `cli_need_command <command> <what to do>`: exit 1 unless the command is on PATH.
cli_need_command() {
  command -v "$1" >/dev/null 2>&1 || cli_failed "$1 is not on PATH: $2"
}

# `aws_in <region> <aws arguments>...`: the aws CLI in that region. AWS_ENDPOINT_URL, when set, is
# passed as --endpoint-url: the tests and the drill point it at moto.
aws_in() {
  local region="$1"
  shift
  if [ -n "${AWS_ENDPOINT_URL:-}" ]; then
    aws --region "$region" --endpoint-url "$AWS_ENDPOINT_URL" "$@"
  else
    aws --region "$region" "$@"
  fi
}
