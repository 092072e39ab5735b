"""Step Functions' task clients made once per region and service, not once per task.

Patches `boto_client_for` (moto/stepfunctions/parser/asl/utils/boto_client.py) in every module of
moto's interpreter that imported it by name. The original builds a new boto3 client, which loads
the service's JSON model, for each Task state it runs; py-spy put that at about 6 % of the drill
server's CPU. Clients are thread-safe once made, and every client it makes has the same fixed
keys, endpoint and config (it takes the state's credentials but does not use them), so one per
(region, service) answers the same.
"""

from __future__ import annotations

import importlib
import threading
from typing import Any

_PACKAGE = "moto.stepfunctions.parser.asl"
_IMPORTERS = (
    "utils.boto_client",
    "component.state.exec.state_task.lambda_eval_utils",
    "component.state.exec.state_task.service.state_task_service_aws_sdk",
    "component.state.exec.state_task.service.state_task_service_batch",
    "component.state.exec.state_task.service.state_task_service_dynamodb",
    "component.state.exec.state_task.service.state_task_service_ecs",
    "component.state.exec.state_task.service.state_task_service_events",
    "component.state.exec.state_task.service.state_task_service_glue",
    "component.state.exec.state_task.service.state_task_service_sfn",
    "component.state.exec.state_task.service.state_task_service_sns",
    "component.state.exec.state_task.service.state_task_service_sqs",
    "component.state.exec.state_task.service.state_task_service_unsupported",
    "component.state.exec.state_map.item_reader.eval.resource_eval_s3",
    "component.state.exec.state_map.result_writer.resource_eval.resource_eval_s3",
)

_clients: dict[tuple[str, str], Any] = {}
_lock = threading.Lock()


def install() -> None:
    from moto.stepfunctions.parser.asl.utils import boto_client

    make = boto_client.boto_client_for

    def shared_client(region: str, service: str, state_credentials: Any = None) -> Any:
        with _lock:
            if (region, service) not in _clients:
                _clients[(region, service)] = make(region, service, state_credentials)
            return _clients[(region, service)]

    for name in _IMPORTERS:
        module = importlib.import_module(f"{_PACKAGE}.{name}")
        if hasattr(module, "boto_client_for"):
            module.boto_client_for = shared_client  # type: ignore[attr-defined]
