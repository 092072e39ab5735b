"""Lambda invocations a scenario asks to run for real: a handler of this repository in Node, on the invocation's payload.

Patches LambdaSimpleBackend.invoke in moto/awslambda_simple/models.py, the backend moto uses without
Docker (config.py). moto answers each invoke with the next result queued by
POST /moto-api/static/lambda-simple/response, or else echoes the payload; no Lambda code runs. Here a
queued result that is a JSON object {"drillInvoke": {"entry": "lambda/<function>/handler.ts", "env":
{...}}} runs instead: `handler` of that module in one Node process (scripts/drill/rotation-runner.ts)
with that environment (the function's as synthesized: the scenario reads it from the assembly, since
the drill seeds no Lambda function) and this server as every AWS endpoint, on the invocation's
payload. Its return value is the answer; a thrown error is a function error (X-Amz-Function-Error
Unhandled, {errorType, errorMessage}), as Lambda reports one. Every other queued result, and the
echo, keep moto's behaviour, so scenarios that queue nothing are unchanged.
"""

from __future__ import annotations

import json
import os
import subprocess
from pathlib import Path
from typing import Any

from moto.awslambda_simple.models import LambdaSimpleBackend

ROOT = Path(__file__).resolve().parents[3]
RUNNER = ROOT / "scripts" / "drill" / "rotation-runner.ts"


def _marker(result: str) -> dict[str, Any] | None:
    try:
        parsed = json.loads(result)
    except (TypeError, ValueError):
        return None
    spec = parsed.get("drillInvoke") if isinstance(parsed, dict) else None
    return spec if isinstance(spec, dict) else None


def _run(spec: dict[str, Any], payload: Any, region: str, response_headers: dict[str, Any]) -> bytes:
    entry = str(spec.get("entry", ""))
    module = ROOT / entry
    if not entry.startswith("lambda/") or not module.is_file():
        response_headers["x-amz-function-error"] = "Unhandled"
        return json.dumps({"errorType": "DrillInvokeError", "errorMessage": f"no handler module {entry}"}).encode()
    env = {key: value for key, value in os.environ.items() if not key.startswith("AWS_")}
    env.update({str(key): str(value) for key, value in (spec.get("env") or {}).items()})
    env.update(
        AWS_ENDPOINT_URL=f"http://127.0.0.1:{os.environ.get('MOTO_PORT', '5000')}",
        AWS_REGION=region,
        AWS_DEFAULT_REGION=region,
        AWS_ACCESS_KEY_ID="drill",
        AWS_SECRET_ACCESS_KEY="drill",
        POWERTOOLS_LOG_LEVEL="SILENT",
    )
    body = payload.decode() if isinstance(payload, bytes) else payload
    event = json.loads(body) if isinstance(body, str) and body else body
    done = subprocess.run(
        ["node", "--import", "tsx", str(RUNNER), str(module), json.dumps([event])],
        cwd=ROOT, env=env, capture_output=True, text=True, timeout=120, check=False,
    )
    lines = [line for line in done.stdout.splitlines() if line.startswith('{"steps"')]
    outcome = json.loads(lines[-1]) if lines else {"steps": [], "error": {"name": "RunnerError", "message": done.stderr[-2000:]}}
    if "error" in outcome:
        response_headers["x-amz-function-error"] = "Unhandled"
        error = outcome["error"]
        return json.dumps({"errorType": error.get("name"), "errorMessage": error.get("message")}).encode()
    return json.dumps(outcome["steps"][0] if outcome["steps"] else None).encode()


def install() -> None:
    original = LambdaSimpleBackend.invoke

    def invoke(self: LambdaSimpleBackend, function_name: str, qualifier: str | None, body: Any, headers: Any, response_headers: Any) -> Any:
        queue = self.lambda_simple_results_queue
        spec = _marker(queue[0]) if queue else None
        if spec is None:
            return original(self, function_name, qualifier, body, headers, response_headers)
        queue.pop(0)
        return _run(spec, body, self.region_name, response_headers)

    LambdaSimpleBackend.invoke = invoke  # type: ignore[method-assign]
