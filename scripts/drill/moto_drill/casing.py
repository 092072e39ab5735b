"""aws-sdk task input and output as AWS Step Functions does it, and AWS-style error names.

Patches StateTaskServiceAwsSdk in
moto/stepfunctions/parser/asl/component/state/exec/state_task/service/state_task_service_aws_sdk.py.
moto calls the botocore method with the definition's keys as they are, and returns botocore's
response keys: its _normalise_parameters and _normalise_response are empty stubs
(.../state_task/service/state_task_service.py). AWS matches request keys to the API's members
whatever their case, and answers in the Java SDK v2's casing (DBClusterArn arrives as DbClusterArn).
moto's own _to_boto_request/_from_boto_response do exactly that given the operation's shapes.
Error names: moto writes `rds.DBClusterNotFoundFaultException`; AWS documents
`ServiceName.ErrorName` in PascalCase ending in Exception (Rds.DbClusterNotFoundException).
DRILL_AWS_CASING=0 leaves moto's casing (config.AWS_CASING).
"""

from __future__ import annotations

import re
from typing import Any

import botocore.session
from botocore import xform_name
from moto.stepfunctions.parser.asl.component.state.exec.state_task.service.state_task_service_aws_sdk import (
    StateTaskServiceAwsSdk,
)

_botocore = botocore.session.get_session()
_operations: dict[tuple[str, str], Any] = {}


def operation_model(service: str, action: str) -> Any:
    """The botocore operation of `action`, written as the API (FailoverGlobalCluster) or snake_case."""
    key = (service, action)
    if key not in _operations:
        model = _botocore.get_service_model(service)
        names = {xform_name(op): op for op in model.operation_names}
        name = action if action in model.operation_names else names.get(xform_name(action))
        _operations[key] = model.operation_model(name) if name else None
    return _operations[key]


def _normalise_parameters(self: Any, parameters: dict, *_: Any, **__: Any) -> None:
    op = operation_model(self._get_boto_service_name(), self._get_boto_service_action())
    if op is not None and op.input_shape is not None:
        self._to_boto_request(parameters, op.input_shape)


def _normalise_response(self: Any, response: Any, *_: Any, **__: Any) -> None:
    op = operation_model(self._get_boto_service_name(), self._get_boto_service_action())
    if op is not None and op.output_shape is not None:
        self._from_boto_response(response, op.output_shape)


_SDK_SERVICE_NAMES = {
    "rds": "Rds", "elasticache": "ElastiCache", "cloudwatch": "CloudWatch", "sns": "Sns", "ssm": "Ssm",
    "dynamodb": "DynamoDb", "lambda": "Lambda", "route53": "Route53", "sfn": "Sfn", "s3": "S3",
    "secretsmanager": "SecretsManager", "ec2": "Ec2", "sqs": "Sqs", "kms": "Kms",
}  # fmt: skip


def _service_error_name(api: str) -> str:
    return _SDK_SERVICE_NAMES.get(api.lower(), api[:1].upper() + api[1:])


def _aws_error_name(service_name: str, error: Exception) -> str:
    code = getattr(error, "response", {}).get("Error", {}).get("Code", "")
    if not code:
        return f"{service_name}.{service_name}Exception"
    code = StateTaskServiceAwsSdk._to_sfn_cased(re.sub(r"(Fault|Error)$", "", code))
    return f"{service_name}.{code if code.endswith('Exception') else code + 'Exception'}"


def install() -> None:
    StateTaskServiceAwsSdk._normalise_parameters = _normalise_parameters
    StateTaskServiceAwsSdk._normalise_response = _normalise_response
    StateTaskServiceAwsSdk._normalise_service_error_name = staticmethod(_service_error_name)
    StateTaskServiceAwsSdk._normalise_exception_name = staticmethod(_aws_error_name)
