"""Nested executions (`states:startExecution`, `.sync`, `.sync:2`) as AWS Step Functions runs them.

Patches StateTaskServiceSfn in
moto/stepfunctions/parser/asl/component/state/exec/state_task/service/state_task_service_sfn.py.
Its _normalise_parameters turns `Input` into a JSON string and then calls the base class's, which in
moto 5.2.5 is an empty stub (state_task_service.py), so botocore is handed the definition's keys
(`Input`, `StateMachineArn`) and fails with KeyError 'Input' before the child starts; its responses
likewise keep botocore's keys (`executionArn`) where the sync resolvers and the definitions read
AWS's (`ExecutionArn`, `Status`, `Output`). And StartExecution without a name, as a nested start
is, names the execution None, so a second start of the same machine is refused as
ExecutionAlreadyExists; AWS names it with a UUID (API reference, StartExecution `name`). moto's own _to_boto_request/_from_boto_response do both
given the operation's shapes, as casing.py does for aws-sdk tasks. Installed whatever
DRILL_AWS_CASING says: without it no nested execution can start at all.
"""

from __future__ import annotations

import uuid
from typing import Any

from moto.stepfunctions.parser.asl.component.state.exec.state_task.service.state_task_service_sfn import (
    StateTaskServiceSfn,
)

from moto.stepfunctions.parser.models import StepFunctionsParserBackend

from .casing import operation_model


def install() -> None:
    stringify_input = StateTaskServiceSfn._normalise_parameters

    def normalise_parameters(
        self: Any, parameters: dict, boto_service_name: str | None = None, service_action_name: str | None = None
    ) -> None:
        stringify_input(self, parameters, boto_service_name, service_action_name)
        op = operation_model("stepfunctions", self._get_boto_service_action(service_action_name))
        if op is not None and op.input_shape is not None:
            self._to_boto_request(parameters, op.input_shape)

    def normalise_response(
        self: Any, response: Any, boto_service_name: str | None = None, service_action_name: str | None = None
    ) -> None:
        op = operation_model("stepfunctions", self._get_boto_service_action(service_action_name))
        if op is not None and op.output_shape is not None:
            self._from_boto_response(response, op.output_shape)

    start_execution = StepFunctionsParserBackend.start_execution

    def start_named_execution(self: Any, state_machine_arn: str, name: str | None = None, *args: Any, **kwargs: Any) -> Any:
        return start_execution(self, state_machine_arn, name or str(uuid.uuid4()), *args, **kwargs)

    StepFunctionsParserBackend.start_execution = start_named_execution  # type: ignore[method-assign]
    StateTaskServiceSfn._normalise_parameters = normalise_parameters  # type: ignore[method-assign]
    StateTaskServiceSfn._normalise_response = normalise_response  # type: ignore[method-assign]
