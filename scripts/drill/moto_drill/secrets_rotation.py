"""RotateSecret with a rotation function, which moto can only run in Docker: here its TypeScript handler runs in Node.

Patches SecretsManagerResponse.rotate_secret in moto/secretsmanager/responses.py. When the secret's
rotation function (RotationLambdaARN, given now or before) is a function created in moto whose
Handler names a module of this repository (`lambda/<function>/handler.handler`), the rotation goes
as Secrets Manager runs it: a new version labelled AWSPENDING without a value, then the function's
four steps, each an invocation of `handler` in one Node process (scripts/drill/rotation-runner.ts)
with the function's environment and this server as every AWS endpoint. A failed step stops the
rotation and leaves AWSPENDING where it is, as in AWS; RotateSecret has answered either way (AWS
answers before the steps run). RotateImmediately=false only records the function (AWS would run
testSecret; the drill does not). Any other secret keeps moto's behaviour: without a function, the
new version becomes AWSCURRENT at once, with no value.
"""

from __future__ import annotations

import json
import os
import subprocess
import sys
import time
import uuid
from pathlib import Path
from typing import Any

from moto.awslambda.utils import get_backend as lambda_backend
from moto.secretsmanager.exceptions import InvalidRequestException
from moto.secretsmanager.responses import SecretsManagerResponse

from .state import STATE, lock

ROOT = Path(__file__).resolve().parents[3]
RUNNER = ROOT / "scripts" / "drill" / "rotation-runner.ts"
STEPS = ["createSecret", "setSecret", "testSecret", "finishSecret"]


def _module(function: Any) -> Path | None:
    handler = getattr(function, "handler", None) or ""
    module = handler.rsplit(".", 1)[0]
    path = ROOT / f"{module}.ts"
    return path if module.startswith("lambda/") and path.is_file() else None


def install() -> None:
    original = SecretsManagerResponse.rotate_secret

    def rotate_secret(self: SecretsManagerResponse) -> str:
        secret_id = self._get_param("SecretId")
        given = self._get_param("RotationLambdaARN")
        secret = self.backend.describe_secret(secret_id=secret_id)
        function_arn = given or getattr(secret, "rotation_lambda_arn", "") or ""
        function = None
        if function_arn:
            try:
                function = lambda_backend(self.current_account, self.region).get_function(function_arn)
            except Exception:  # noqa: BLE001 - not a function of the drill: moto's own path answers
                function = None
        module = _module(function) if function is not None else None
        if module is None:
            return original(self)
        secret.rotation_lambda_arn = function_arn
        secret.rotation_enabled = True
        if not self._get_bool_param("RotateImmediately", True):
            return json.dumps({"ARN": secret.arn, "Name": secret.name})
        current = next(v for v, data in secret.versions.items() if "AWSCURRENT" in data["version_stages"])
        pending = [v for v, data in secret.versions.items() if "AWSPENDING" in data["version_stages"]]
        if any(version != current for version in pending):
            raise InvalidRequestException("A previous rotation isn't complete. That rotation will be reattempted.")
        token = self._get_param("ClientRequestToken") or str(uuid.uuid4())
        secret.remove_version_stages_from_old_versions(["AWSPENDING"])
        secret.versions[token] = {"createdate": int(time.time()), "version_id": token, "version_stages": ["AWSPENDING"]}
        env = {key: value for key, value in os.environ.items() if not key.startswith("AWS_")}
        env.update(function.environment_vars or {})
        env.update(
            AWS_ENDPOINT_URL=f"http://127.0.0.1:{os.environ.get('MOTO_PORT', '5000')}",
            AWS_REGION=self.region,
            AWS_ACCESS_KEY_ID="drill",
            AWS_SECRET_ACCESS_KEY="drill",
            POWERTOOLS_LOG_LEVEL="SILENT",
        )
        events = [{"Step": step, "SecretId": secret.arn, "ClientRequestToken": token} for step in STEPS]
        done = subprocess.run(
            ["node", "--import", "tsx", str(RUNNER), str(module), json.dumps(events)],
            cwd=ROOT, env=env, capture_output=True, text=True, timeout=120, check=False,
        )
        outcome = done.stdout.strip().splitlines()[-1] if done.stdout.strip() else json.dumps({"error": done.stderr[-2000:]})
        with lock:
            STATE.setdefault("rotations", []).append({"secret": secret.name, "version": token, "outcome": json.loads(outcome)})
        if done.returncode != 0:
            print(f"drill rotation of {secret.name} failed: {outcome}", file=sys.stderr)
        secret.last_rotation_date = int(time.time())
        return json.dumps({"ARN": secret.arn, "Name": secret.name, "VersionId": token})

    SecretsManagerResponse.rotate_secret = rotate_secret
