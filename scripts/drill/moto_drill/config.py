"""The drill server's settings from the environment, and Step Functions execution turned on.

Patches moto/core/config.py: it holds the defaults that POST /moto-api/config changes; the Step
Functions backend is chosen per request from them (moto/stepfunctions/responses.py), so they must be
set before the first state machine is created. GET /moto-api/config does not report this setting,
which is why the server sets it itself. Lambda invokes answer without Docker.
"""

from __future__ import annotations

import os
import sys


def _env_float(name: str, default: float) -> float:
    try:
        return float(os.environ.get(name, default))
    except ValueError:
        sys.exit(f"moto_drill_server: {name} must be a number, got {os.environ[name]!r}")


# The most real time a sleep may take, as a fraction of its own (the drill uses 1/500).
TIME_SCALE = _env_float("DRILL_TIME_SCALE", 1.0)
# How long a simulated promotion takes, in virtual seconds.
PROMOTION_SECONDS = _env_float("DRILL_PROMOTION_SECONDS", 30.0)
# DRILL_AWS_CASING=0 keeps moto's casing of aws-sdk task I/O and error names (see casing.py).
AWS_CASING = os.environ.get("DRILL_AWS_CASING", "1") != "0"


def enable_execution() -> None:
    """Step Functions executes state machines; Lambda invokes answer without Docker."""
    from moto.core.config import default_user_config

    default_user_config["stepfunctions"] = {"execute_state_machine": True}
    default_user_config["lambda"] = {"use_docker": False}
