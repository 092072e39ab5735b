#!/usr/bin/env bash
# Installs the pinned Python test tools: requirements-dev.txt into .venv, requirements-checkov.txt into
# .venv-checkov; a no-op when they are current.
set -euo pipefail
# shellcheck source-path=SCRIPTDIR source=lib/cli.sh
. "$(dirname "${BASH_SOURCE[0]}")/lib/cli.sh"

CLI_NAME='setup-python-tools'
CLI_USAGE="$(
  cat <<'EOF'
usage: npm run setup:python
Installs the pinned Python test tools of requirements-dev.txt (cfn-lint, moto, the aws CLI) into
.venv, and checkov (requirements-checkov.txt) into .venv-checkov; a no-op when they are current.
It takes no arguments; PYTHON names the interpreter (default python3, 3.10 or newer).
Exit status: 0 installed or current; 1 Python, venv or the install failed; 2 bad input.
EOF
)"
cli_scan_help "$@"
[ $# -eq 0 ] || cli_invalid "unexpected argument: $1"

root="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
python="${PYTHON:-python3}"
# The installer of the tools; the tools themselves are pinned in the requirements files.
UV_VERSION=0.13.9

fail() {
  echo "setup-python-tools: $*" >&2
  exit 1
}

command -v "$python" >/dev/null 2>&1 ||
  fail "'$python' not found. Install Python 3.10 or newer (or set PYTHON=/path/to/python3); cfn-lint runs in it."
"$python" -c 'import sys; sys.exit(0 if sys.version_info >= (3, 10) else 1)' ||
  fail "$("$python" --version 2>&1) is too old; cfn-lint needs Python 3.10 or newer."

# install_tools VENV REQUIREMENTS: the pins of REQUIREMENTS into VENV; a no-op when they are current.
install_tools() {
  local venv="$1" requirements="$2"
  local stamp="$venv/.requirements.sha256" wanted
  # The pins and this script: a change of how the tools are installed installs them again.
  wanted="$(cat "$requirements" "${BASH_SOURCE[0]}" | sha256sum | cut -d' ' -f1)"
  if [ -x "$venv/bin/python" ] && [ -f "$stamp" ] && [ "$(cat "$stamp")" = "$wanted" ]; then
    return 0
  fi
  if [ ! -x "$venv/bin/python" ]; then
    "$python" -m venv "$venv" ||
      fail "could not create $venv. On Debian or Ubuntu install python3-venv; elsewhere check that '$python -m venv' works."
  fi
  "$venv/bin/python" -m pip --version >/dev/null 2>&1 ||
    fail "pip is missing from $venv. Install pip for $python (python3-pip), delete $venv and run again."

  echo "setup-python-tools: installing $(grep -cv '^\s*#' "$requirements") pinned tool(s) into ${venv#"$root"/}" >&2
  # uv resolves and downloads in parallel: about 7 s on a fresh clone where pip took about 60 s. It is
  # pinned like the tools; should it not install, pip does the same job, only slower.
  # --compile-bytecode: uv writes no .pyc by default (pip does), and with PYTHONDONTWRITEBYTECODE set,
  # as in CI, Python never caches them either, so every aws CLI call, moto server and cfn-lint run
  # compiled its imports again: `aws --version` took 0.9 to 1.35 s against 0.5 s with them.
  if "$venv/bin/python" -m pip install --quiet --disable-pip-version-check "uv==$UV_VERSION" >/dev/null 2>&1; then
    "$venv/bin/uv" pip install --quiet --compile-bytecode --python "$venv/bin/python" --requirement "$requirements" ||
      fail "uv could not install $requirements; see its output above."
  else
    "$venv/bin/python" -m pip install --quiet --disable-pip-version-check --requirement "$requirements" ||
      fail "pip could not install $requirements; see the pip output above."
  fi
  echo "$wanted" >"$stamp"
}

install_tools "$root/.venv" "$root/requirements-dev.txt"
# checkov in a venv of its own: every checkov release since 3.2.11 pins boto3 to one exact version,
# which in .venv would take botocore back under moto and the aws CLI (moto's server then answered
# DescribeAlarms with a 500). Apart, each set of tools keeps the versions it was tested with.
install_tools "$root/.venv-checkov" "$root/requirements-checkov.txt"
