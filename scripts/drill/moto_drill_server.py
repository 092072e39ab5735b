#!/usr/bin/env python
"""moto server for `npm run drill`: moto 5.2.5 (pinned in requirements-dev.txt), extended at start-up.

    .venv/bin/python scripts/drill/moto_drill_server.py -H 127.0.0.1 -p PORT

Everything below patches moto in this process only; moto itself is never edited or forked. Each
section names the moto file it targets (paths relative to site-packages/moto), so a moto upgrade
can be checked section by section; the pin in requirements-dev.txt keeps them valid.

1. Step Functions executes state machines, and its tasks call back into this server.
2. JSONata works (jsonata-python).
3. A virtual clock, which JSONata's $millis(), execution start times, history timestamps and the
   simulated promotions all read: when every flow of the runs sleeps (Wait states, Retry
   intervals), it jumps to the earliest deadline.
4. aws-sdk task input and output cased as AWS Step Functions cases them, and AWS-style error names.
5. APIs moto lacks: Aurora global failover and switchover, ElastiCache Global Datastores,
   CloudWatch composite alarms, Route 53 health check status that can fail.
6. A WSGI middleware with the drill's control API (/drill/...): lost regions, injected faults, a
   log of every AWS request, and /drill/call, a botocore client for the drill's own calls.

Environment: DRILL_TIME_SCALE (default 1: the most real time a sleep may take, as a fraction of
its own; the drill uses 1/500), DRILL_PROMOTION_SECONDS (default 30: how long
a simulated promotion takes, in virtual seconds), DRILL_AWS_CASING=0 (keep moto's casing).
"""

from __future__ import annotations

import argparse
import base64
import datetime
import io
import json
import logging
import os
import re
import sys
import threading
import time
import types
import urllib.parse
import uuid
from typing import Any, Callable

# ------------------------------------------------------------------------------------------------
# 1. Execution on. moto/core/config.py holds the defaults that POST /moto-api/config changes; the
# Step Functions backend is chosen per request from them (moto/stepfunctions/responses.py), so they
# must be set before the first state machine is created. GET /moto-api/config does not report this
# setting, which is why the server sets it itself. Lambda invokes answer without Docker.
# MOTO_PORT is forced in main(): tasks reach services at http://localhost:$MOTO_PORT
# (moto/stepfunctions/parser/asl/utils/boto_client.py), and moto_server keeps an inherited value.
# ------------------------------------------------------------------------------------------------
from moto.core.config import default_user_config

default_user_config["stepfunctions"] = {"execute_state_machine": True}
default_user_config["lambda"] = {"use_docker": False}

STATE: dict[str, Any] = {}  # the drill's world, cleared by reset_drill_state()
_lock = threading.RLock()


def _env_float(name: str, default: float) -> float:
    try:
        return float(os.environ.get(name, default))
    except ValueError:
        sys.exit(f"moto_drill_server: {name} must be a number, got {os.environ[name]!r}")


TIME_SCALE = _env_float("DRILL_TIME_SCALE", 1.0)
PROMOTION_SECONDS = _env_float("DRILL_PROMOTION_SECONDS", 30.0)

# ------------------------------------------------------------------------------------------------
# 3. The virtual clock: real time plus the time skipped while every run slept. The flows of
# execution (a run, each branch of a Parallel) are counted while they work; a flow that sleeps (a
# Wait state, a Retry interval) or waits for its branches does not count. When none counts, the
# clock jumps to the earliest sleeper's deadline and wakes it: time passes in virtual seconds, as in
# a discrete-event simulation, and a branch that is still working never sees another branch's sleep
# end early. A sleeper waits at most DRILL_TIME_SCALE of its time in real time (at least 0.25 s), so
# a flow the count misses (a Map iteration, say) slows the drill down but never stops it.
# ------------------------------------------------------------------------------------------------
_skew_ms = 0.0
_clock = threading.Condition(_lock)
_working = 0  # flows of execution at work
_sleepers: dict[object, float] = {}  # sleeper -> virtual deadline (ms)
_MIN_REAL_CAP_SECONDS = 0.25


def vnow_ms() -> float:
    return time.time() * 1000 + _skew_ms


def _reach(virtual_ms: float) -> None:
    global _skew_ms
    with _lock:
        _skew_ms = max(_skew_ms, virtual_ms - time.time() * 1000)
        _clock.notify_all()


def _work(delta: int) -> None:
    global _working
    with _clock:
        _working += delta
        _clock.notify_all()


def virtual_sleep(seconds: float, running: Callable[[], bool] = lambda: True) -> None:
    if seconds <= 0:
        return
    token = object()
    with _clock:
        deadline = vnow_ms() + seconds * 1000
        real_cap = time.time() + max(seconds * STATE["timeScale"], _MIN_REAL_CAP_SECONDS)
        _sleepers[token] = deadline
        _work(-1)
        try:
            while running() and vnow_ms() < deadline:
                if _working <= 0 and deadline <= min(_sleepers.values()):
                    _reach(deadline)  # everyone sleeps: time passes to the earliest deadline, this one
                elif time.time() >= real_cap:
                    _reach(deadline)  # a flow the count does not see is at work: give up waiting for it
                else:
                    _clock.wait(0.02)
        finally:
            del _sleepers[token]
            _work(+1)


class _VirtualDatetime(datetime.datetime):
    """datetime.datetime whose now() reads the virtual clock."""

    @classmethod
    def now(cls, tz: Any = None) -> datetime.datetime:  # type: ignore[override]
        return datetime.datetime.fromtimestamp(vnow_ms() / 1000, tz)


_virtual_datetime_module = types.ModuleType("datetime")
_virtual_datetime_module.__dict__.update({k: v for k, v in vars(datetime).items() if not k.startswith("__")})
_virtual_datetime_module.datetime = _VirtualDatetime  # type: ignore[attr-defined]

import moto.stepfunctions.parser.asl.component.state.exec.state_parallel.branches_decl as _branches_decl
import moto.stepfunctions.parser.asl.component.state.state as _state
import moto.stepfunctions.parser.asl.component.state.wait.wait_function.timestamp as _wait_timestamp
import moto.stepfunctions.parser.asl.eval.event.event_manager as _event_manager
import moto.stepfunctions.parser.backend.execution as _execution
import moto.stepfunctions.parser.models as _sfn_models
from moto.stepfunctions.parser.asl.component.common.retry import retrier_decl as _retrier_decl
from moto.stepfunctions.parser.asl.component.state.wait.wait_function import wait_function as _wait_function

# Execution start and stop dates (parser/models.py, parser/backend/execution.py), history timestamps, state entered times and TimestampPath waits:
# each of these modules calls datetime.datetime.now() through its own `import datetime`.
for _module in (_sfn_models, _execution, _event_manager, _state, _wait_timestamp, _branches_decl):
    _module.datetime = _virtual_datetime_module  # type: ignore[attr-defined]


def _wait_interval(self: Any, env: Any, wait_seconds: float) -> None:
    # Replaces WaitFunction._wait_interval (.../state/wait/wait_function/wait_function.py), which
    # re-waits whenever the int-rounded elapsed time falls short: a scaled, fractional wait would loop.
    virtual_sleep(wait_seconds, env.is_running)


_wait_function.WaitFunction._wait_interval = _wait_interval
# Retry intervals: .../common/retry/retrier_decl.py sleeps with its module's `time.sleep`.
_retrier_decl.time = types.SimpleNamespace(sleep=virtual_sleep, time=lambda: vnow_ms() / 1000)


def _counted(method: Callable[..., Any]) -> Callable[..., Any]:
    def run(*args: Any, **kwargs: Any) -> Any:
        _work(+1)
        try:
            return method(*args, **kwargs)
        finally:
            _work(-1)

    return run


def _idle_while(method: Callable[..., Any]) -> Callable[..., Any]:
    def wait(*args: Any, **kwargs: Any) -> Any:
        _work(-1)
        try:
            return method(*args, **kwargs)
        finally:
            _work(+1)

    return wait


# The flows: a run (backend/execution_worker.py) and each Parallel branch, counted from before its
# thread starts (state_parallel/branch_worker.py); a flow waiting for its branches does not work
# (state_parallel/branches_decl.py).
from moto.stepfunctions.parser.asl.component.state.exec.state_parallel.branch_worker import BranchWorker
from moto.stepfunctions.parser.backend.execution_worker import ExecutionWorker

_execution_logic = ExecutionWorker._execution_logic
ExecutionWorker._execution_logic = _counted(_execution_logic)
_branch_start, _branch_routine = BranchWorker.start, BranchWorker._thread_routine


def _start_branch(self: Any) -> None:
    _work(+1)
    _branch_start(self)


def _branch_thread_routine(self: Any) -> None:
    try:
        _branch_routine(self)
    finally:
        _work(-1)


BranchWorker.start = _start_branch
BranchWorker._thread_routine = _branch_thread_routine
_branches_decl.BranchWorkerPool.wait = _idle_while(_branches_decl.BranchWorkerPool.wait)

# ------------------------------------------------------------------------------------------------
# 2. JSONata. moto/stepfunctions/parser/asl/jsonata/jsonata.py leaves `_eval_jsonata` None (its
# origin, LocalStack, plugs a JVM in there), so every {% %} expression fails with a TypeError.
# jsonata-python's $millis() and $now() read its Timebox, pointed here at the virtual clock.
# ------------------------------------------------------------------------------------------------
import jsonata as _jsonata
import moto.stepfunctions.parser.asl.jsonata.jsonata as _moto_jsonata
from jsonata import timebox as _timebox
from jsonata.utils import Utils as _JsonataUtils

_timebox.Timebox.current_milli_time = staticmethod(lambda: int(vnow_ms()))


def _eval_jsonata(expression: str) -> Any:
    try:
        result = _jsonata.Jsonata(expression).evaluate(None)
        return json.loads(json.dumps(_JsonataUtils.convert_nulls(result)))
    except Exception as error:  # the contract of moto's JVM bridge
        raise _moto_jsonata.JSONataException("UNKNOWN", str(error))


_moto_jsonata._eval_jsonata = _eval_jsonata

# 2b. Which variables an expression reads. moto binds only the $states fields and variables an
# expression refers to, found by a regular expression that takes any `/.../` outside a string for a
# JSONata regex literal (moto/stepfunctions/parser/asl/jsonata/jsonata.py). A division does not
# start one: in `$round($x / 1000) & '/' & $states.input.Error`, everything from the division to
# the next slash is skipped, so $states.input is never bound and reads as undefined. This scanner
# starts a regex literal only where an operand may start, as JSONata's own tokenizer does.
_REFERENCE = re.compile(r"\$\$|\$[A-Za-z0-9_$]+(?:\.[A-Za-z0-9_][A-Za-z0-9_$]*)*|\$")
_OPERAND_MAY_START_AFTER = set("([{,:;=&?~+-*%<>!|")


def _variable_references(expression: str) -> set[str]:
    references: set[str] = set()
    i, size, previous = 0, len(expression or ""), ""
    while i < size:
        char = expression[i]
        if char in "\"'":  # a string literal
            end = i + 1
            while end < size and expression[end] != char:
                end += 2 if expression[end] == "\\" else 1
            i, previous = end + 1, "x"
        elif char == "/" and (previous == "" or previous in _OPERAND_MAY_START_AFTER):  # a regex literal
            end = i + 1
            while end < size and expression[end] != "/":
                end += 2 if expression[end] == "\\" else 1
            i, previous = end + 1, "x"
            while i < size and expression[i].isalpha():
                i += 1
        elif char == "$":
            match = _REFERENCE.match(expression, i)
            references.add(match.group(0))
            i, previous = match.end(), "x"
        else:
            previous = previous if char.isspace() else char
            i += 1
    for reference in references & {"$", "$$"}:
        raise _moto_jsonata.IllegalJSONataVariableReference(variable_reference=reference)
    return references


import moto.stepfunctions.parser.asl.component.common.string.string_expression as _string_expression
import moto.stepfunctions.parser.asl.static_analyser.variable_references_static_analyser as _references_analyser

_moto_jsonata.extract_jsonata_variable_references = _variable_references
_string_expression.extract_jsonata_variable_references = _variable_references
_references_analyser.extract_jsonata_variable_references = _variable_references

# ------------------------------------------------------------------------------------------------
# 4. aws-sdk task I/O as AWS Step Functions does it. moto calls the botocore method with the
# definition's keys as they are, and returns botocore's response keys: its _normalise_parameters and
# _normalise_response are empty stubs (.../exec/state_task/service/state_task_service.py). AWS
# matches request keys to the API's members whatever their case, and answers in the Java SDK v2's
# casing (DBClusterArn arrives as DbClusterArn). moto's own _to_boto_request/_from_boto_response do
# exactly that given the operation's shapes. Error names: moto writes `rds.DBClusterNotFoundFaultException`;
# AWS documents `ServiceName.ErrorName` in PascalCase ending in Exception (Rds.DbClusterNotFoundException).
# ------------------------------------------------------------------------------------------------
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
}


def _aws_error_name(service_name: str, error: Exception) -> str:
    code = getattr(error, "response", {}).get("Error", {}).get("Code", "")
    if not code:
        return f"{service_name}.{service_name}Exception"
    code = StateTaskServiceAwsSdk._to_sfn_cased(re.sub(r"(Fault|Error)$", "", code))
    return f"{service_name}.{code if code.endswith('Exception') else code + 'Exception'}"


if os.environ.get("DRILL_AWS_CASING", "1") != "0":
    StateTaskServiceAwsSdk._normalise_parameters = _normalise_parameters
    StateTaskServiceAwsSdk._normalise_response = _normalise_response
    StateTaskServiceAwsSdk._normalise_service_error_name = staticmethod(
        lambda api: _SDK_SERVICE_NAMES.get(api.lower(), api[:1].upper() + api[1:])
    )
    StateTaskServiceAwsSdk._normalise_exception_name = staticmethod(_aws_error_name)

# ------------------------------------------------------------------------------------------------
# 5. What moto lacks (sections 5a-5d): new handler methods on its response classes, which moto
# dispatches by the snake_case action name, serialized by moto's own ActionResult.
# ------------------------------------------------------------------------------------------------
from moto.cloudwatch.responses import CloudWatchResponse
from moto.core.responses import ActionResult
from moto.elasticache.exceptions import ElastiCacheException, ReplicationGroupNotFound
from moto.elasticache.models import elasticache_backends
from moto.elasticache.responses import ElastiCacheResponse
from moto.rds.exceptions import RDSClientError
from moto.rds.responses import RDSResponse
from moto.route53.responses import Route53


def reset_drill_state() -> None:
    with _lock:
        STATE.clear()
        STATE.update(
            lostRegions=set(),
            faults=[],
            health={},
            requests=[],
            pending=[],
            globalDatastores={},
            timeScale=TIME_SCALE,
            promotionSeconds={"rds": PROMOTION_SECONDS, "elasticache": PROMOTION_SECONDS},
            cacheFailoverNeedsPrimary=False,
        )


reset_drill_state()


def _schedule(service: str, callback: Callable[[], None]) -> None:
    """Runs `callback` once the promotion time of `service` has passed; never when it is null (stuck)."""
    seconds = STATE["promotionSeconds"].get(service)
    if seconds is not None:
        with _lock:
            STATE["pending"].append((vnow_ms() + float(seconds) * 1000, callback))


def _apply_due() -> None:
    with _lock:
        now = vnow_ms()
        due = [callback for at, callback in STATE["pending"] if at <= now]
        STATE["pending"] = [(at, callback) for at, callback in STATE["pending"] if at > now]
    for callback in due:
        callback()


def _region_of_arn(arn: str) -> str:
    return arn.split(":")[3] if arn.startswith("arn:") else ""


# 5a. Aurora global clusters (moto/rds/responses.py, moto/rds/models.py). moto has no
# FailoverGlobalCluster or SwitchoverGlobalCluster; its DescribeGlobalClusters ignores the
# identifier; its RemoveFromGlobalCluster looks in the request region's backend only, while global
# clusters live in us-east-1's (RDSResponse.global_backend). A failover or switchover marks the
# cluster failing-over/switching-over, then moves the writer after the promotion time.
class GlobalClusterNotFoundFault(RDSClientError):
    def __init__(self, identifier: str):
        super().__init__("GlobalClusterNotFoundFault", f"Global cluster {identifier} not found.")


class InvalidGlobalClusterStateFault(RDSClientError):
    def __init__(self, message: str):
        super().__init__("InvalidGlobalClusterStateFault", message)


def _global_cluster(response: RDSResponse, identifier: str) -> Any:
    cluster = response.global_backend.global_clusters.get(identifier)
    if cluster is None:
        raise GlobalClusterNotFoundFault(identifier)
    return cluster


def _member(cluster: Any, identifier: str) -> Any:
    for member in cluster.members:
        if identifier in (member.db_cluster_arn, member.db_cluster_identifier):
            return member
    raise RDSClientError(
        "DBClusterNotFoundFault", f"DBCluster {identifier} is not a member of {cluster.global_cluster_identifier}."
    )


def _is_true(value: Any) -> bool:
    return str(value).lower() == "true"


def _rds_move_writer(self: RDSResponse, switchover: bool) -> ActionResult:
    _apply_due()
    identifier = self._get_param("GlobalClusterIdentifier")
    cluster = _global_cluster(self, identifier)
    target = _member(cluster, self._get_param("TargetDbClusterIdentifier"))
    allow_data_loss = _is_true(self._get_param("AllowDataLoss", False))
    switchover = switchover or _is_true(self._get_param("Switchover", False))
    writer = next((m for m in cluster.members if m.is_writer), None)
    if cluster.status != "available":
        raise InvalidGlobalClusterStateFault(f"Global cluster {identifier} is {cluster.status}.")
    if target is writer:
        raise InvalidGlobalClusterStateFault(f"{target.db_cluster_arn} is already the writer of {identifier}.")
    writer_lost = writer is not None and _region_of_arn(writer.db_cluster_arn) in STATE["lostRegions"]
    if writer_lost and (switchover or not allow_data_loss):
        raise InvalidGlobalClusterStateFault(
            f"The writer of {identifier} is unreachable: only a failover with AllowDataLoss can move it."
        )
    cluster.status = "switching-over" if switchover else "failing-over"
    cluster.failover_state = {
        "Status": "pending",
        "FromDbClusterArn": writer.db_cluster_arn if writer else None,
        "ToDbClusterArn": target.db_cluster_arn,
        "IsDataLossAllowed": allow_data_loss,
    }

    def promoted() -> None:
        for member in cluster.members:
            member.is_writer = member is target
        cluster.status = "available"
        cluster.failover_state = None

    _schedule("rds", promoted)
    return ActionResult({"GlobalCluster": cluster})


def _rds_describe_global_clusters(self: RDSResponse) -> ActionResult:
    _apply_due()
    identifier = self._get_param("GlobalClusterIdentifier")
    clusters = [_global_cluster(self, identifier)] if identifier else self.global_backend.describe_global_clusters()
    return ActionResult({"GlobalClusters": clusters})


def _rds_remove_from_global_cluster(self: RDSResponse) -> ActionResult:
    cluster = _global_cluster(self, self._get_param("GlobalClusterIdentifier"))
    member = _member(cluster, self._get_param("DbClusterIdentifier"))
    cluster.members.remove(member)
    member.is_writer = False
    member.global_cluster_identifier = None
    return ActionResult({"GlobalCluster": cluster})


RDSResponse.failover_global_cluster = lambda self: _rds_move_writer(self, switchover=False)
RDSResponse.switchover_global_cluster = lambda self: _rds_move_writer(self, switchover=True)
RDSResponse.describe_global_clusters = _rds_describe_global_clusters
RDSResponse.remove_from_global_cluster = _rds_remove_from_global_cluster


# 5b. ElastiCache Global Datastores (moto/elasticache/responses.py): moto has none of the global
# replication group calls. A datastore is kept here; its members are the replication groups of any
# region whose global_replication_group_id names it (moto/elasticache/models.py sets that field and
# reports it in GlobalReplicationGroupInfo).
class GlobalReplicationGroupNotFoundFault(ElastiCacheException):
    code = "GlobalReplicationGroupNotFoundFault"


class InvalidGlobalReplicationGroupStateFault(ElastiCacheException):
    code = "InvalidGlobalReplicationGroupState"


def _datastore_members(account: str, identifier: str) -> list[tuple[str, Any]]:
    return [
        (region, group)
        for region, backend in elasticache_backends[account].items()
        for group in backend.replication_groups.values()
        if getattr(group, "global_replication_group_id", "") == identifier
    ]


def _datastore(self: ElastiCacheResponse, identifier: str) -> dict[str, Any]:
    datastore = STATE["globalDatastores"].get((self.current_account, identifier))
    if datastore is None:
        raise GlobalReplicationGroupNotFoundFault(f"Global replication group {identifier} not found.")
    return datastore


def _datastore_view(account: str, datastore: dict[str, Any], with_members: bool) -> dict[str, Any]:
    view = dict(datastore)
    if with_members:
        view["Members"] = [
            {
                "ReplicationGroupId": group.replication_group_id,
                "ReplicationGroupRegion": region,
                "Role": group.global_replication_group_member_role,
                "AutomaticFailover": "enabled",
                "Status": "associated",
            }
            for region, group in _datastore_members(account, datastore["GlobalReplicationGroupId"])
        ]
    return view


def _ec_create_global_replication_group(self: ElastiCacheResponse) -> ActionResult:
    primary_id = self._get_param("PrimaryReplicationGroupId")
    primary = self.elasticache_backend.replication_groups.get(primary_id)
    if primary is None:
        raise ReplicationGroupNotFound(primary_id)
    # AWS prefixes the suffix with a few letters of its choosing; a fixed prefix stands in for them.
    identifier = "ldgnf-" + self._get_param("GlobalReplicationGroupIdSuffix")
    primary.global_replication_group_id = identifier
    primary.global_replication_group_member_role = "PRIMARY"
    datastore = {
        "GlobalReplicationGroupId": identifier,
        "GlobalReplicationGroupDescription": self._get_param("GlobalReplicationGroupDescription", ""),
        "Status": "available",
        "Engine": getattr(primary, "engine", "redis"),
        "ClusterEnabled": False,
        "ARN": f"arn:aws:elasticache::{self.current_account}:globalreplicationgroup:{identifier}",
    }
    STATE["globalDatastores"][(self.current_account, identifier)] = datastore
    return ActionResult({"GlobalReplicationGroup": _datastore_view(self.current_account, datastore, True)})


def _ec_describe_global_replication_groups(self: ElastiCacheResponse) -> ActionResult:
    _apply_due()
    identifier = self._get_param("GlobalReplicationGroupId")
    with_members = _is_true(self._get_param("ShowMemberInfo", False))
    datastores = (
        [_datastore(self, identifier)]
        if identifier
        else [d for (account, _), d in STATE["globalDatastores"].items() if account == self.current_account]
    )
    views = [_datastore_view(self.current_account, d, with_members) for d in datastores]
    return ActionResult({"GlobalReplicationGroups": views})


def _ec_failover_global_replication_group(self: ElastiCacheResponse) -> ActionResult:
    _apply_due()
    identifier = self._get_param("GlobalReplicationGroupId")
    region = self._get_param("PrimaryRegion")
    group_id = self._get_param("PrimaryReplicationGroupId")
    datastore = _datastore(self, identifier)
    if datastore["Status"] != "available":
        raise InvalidGlobalReplicationGroupStateFault(f"Global replication group {identifier} is {datastore['Status']}.")
    members = _datastore_members(self.current_account, identifier)
    target = next((g for r, g in members if r == region and g.replication_group_id == group_id), None)
    if target is None:
        raise ElastiCacheException("InvalidParameterValue", f"{group_id} in {region} is not a member of {identifier}.")
    if target.global_replication_group_member_role == "PRIMARY":
        raise ElastiCacheException("InvalidParameterValue", f"{group_id} is already the primary of {identifier}.")
    primary_region = next((r for r, g in members if g.global_replication_group_member_role == "PRIMARY"), None)
    if STATE["cacheFailoverNeedsPrimary"] and primary_region in STATE["lostRegions"]:
        raise InvalidGlobalReplicationGroupStateFault(
            f"The primary of {identifier} in {primary_region} does not answer: disassociate {group_id} instead."
        )
    datastore["Status"] = "modifying"

    def promoted() -> None:
        for _, group in _datastore_members(self.current_account, identifier):
            group.global_replication_group_member_role = "PRIMARY" if group is target else "SECONDARY"
        datastore["Status"] = "available"

    _schedule("elasticache", promoted)
    return ActionResult({"GlobalReplicationGroup": _datastore_view(self.current_account, datastore, False)})


def _ec_disassociate_global_replication_group(self: ElastiCacheResponse) -> ActionResult:
    identifier = self._get_param("GlobalReplicationGroupId")
    group_id = self._get_param("ReplicationGroupId")
    region = self._get_param("ReplicationGroupRegion")
    datastore = _datastore(self, identifier)
    for member_region, group in _datastore_members(self.current_account, identifier):
        if member_region == region and group.replication_group_id == group_id:
            if group.global_replication_group_member_role == "PRIMARY":
                raise ElastiCacheException("InvalidParameterValue", "The primary cannot be disassociated.")
            group.global_replication_group_id = ""
            group.global_replication_group_member_role = None
            return ActionResult({"GlobalReplicationGroup": _datastore_view(self.current_account, datastore, False)})
    raise ReplicationGroupNotFound(group_id)


ElastiCacheResponse.create_global_replication_group = _ec_create_global_replication_group
ElastiCacheResponse.describe_global_replication_groups = _ec_describe_global_replication_groups
ElastiCacheResponse.failover_global_replication_group = _ec_failover_global_replication_group
ElastiCacheResponse.disassociate_global_replication_group = _ec_disassociate_global_replication_group

# 5c. Composite alarms (moto/cloudwatch/responses.py): the backend stores them (an alarm with a
# rule) and put_metric_alarm already reads AlarmRule "for composite alarms as well", but no handler
# answers PutCompositeAlarm.
CloudWatchResponse.put_composite_alarm = CloudWatchResponse.put_metric_alarm

# 5d. Route 53 health (moto/route53/responses.py): GetHealthCheckStatus always reports success.
# POST /drill/health {"<id>": false} makes it report a failure, as Route 53's checkers would.
_original_health_check_status = Route53.get_health_check_status


def _health_check_status(self: Route53) -> ActionResult:
    result = _original_health_check_status(self)
    if STATE["health"].get(self._get_param("HealthCheckId"), True) is False:
        for observation in result.result["HealthCheckObservations"]:
            observation["StatusReport"]["Status"] = "Failure: Connection timed out (drill)."
    return result


Route53.get_health_check_status = _health_check_status

# ------------------------------------------------------------------------------------------------
# 6. The middleware in front of moto's WSGI app (moto/moto_server/werkzeug_app.py). It reads the
# region and service every request is signed for (its SigV4 credential scope), which covers the
# drill's own calls, the aws CLI's and Step Functions' task calls alike, since those come back over
# HTTP too. A lost region answers 503 to everything signed for it; a fault answers its error to the
# calls it matches. Every AWS request is logged with its virtual time and who sent it.
# ------------------------------------------------------------------------------------------------
_SCOPE = re.compile(r"Credential=[^/]+/\d{8}/([^/]+)/([^/]+)/aws4_request")
OBSERVER_AGENT = "drill-observer"  # the drill's own /drill/call client: sees through losses and faults
_REST_JSON = {"lambda", "apigateway", "eks", "scheduler"}


def _source(user_agent: str) -> str:
    if OBSERVER_AGENT in user_agent:
        return "observer"
    return "cli" if "aws-cli/" in user_agent else "sdk"


def _action(environ: dict, body: bytes) -> str:
    target = environ.get("HTTP_X_AMZ_TARGET")
    if target:
        return target.split(".")[-1]
    path = environ.get("PATH_INFO", "")
    if "/operation/" in path:  # smithy-rpc-v2-cbor (CloudWatch)
        return path.rsplit("/", 1)[-1]
    query = urllib.parse.parse_qs(environ.get("QUERY_STRING", ""))
    if "Action" in query:
        return query["Action"][0]
    if "x-www-form-urlencoded" in environ.get("CONTENT_TYPE", ""):
        form = urllib.parse.parse_qs(body.decode("utf-8", "replace"))
        if "Action" in form:
            return form["Action"][0]
    return f"{environ.get('REQUEST_METHOD', '')} {path}"


def _cbor_text(text: str) -> bytes:
    data = text.encode()
    size = len(data)
    head = bytes([0x60 + size]) if size < 24 else bytes([0x78, size]) if size < 256 else bytes([0x79]) + size.to_bytes(2, "big")
    return head + data


def _error_response(environ: dict, service: str, status: int, code: str, message: str) -> tuple[str, list, bytes]:
    """An error body botocore parses for the request's protocol, so a task sees a modelled AWS error."""
    reason = {400: "Bad Request", 404: "Not Found", 429: "Too Many Requests", 500: "Internal Server Error", 503: "Service Unavailable"}
    status_line = f"{status} {reason.get(status, 'Error')}"
    if environ.get("HTTP_X_AMZ_TARGET"):
        body = json.dumps({"__type": code, "message": message}).encode()
        headers = [("Content-Type", "application/x-amz-json-1.0"), ("x-amzn-query-error", f"{code};Sender")]
    elif "cbor" in environ.get("CONTENT_TYPE", "") or environ.get("HTTP_SMITHY_PROTOCOL"):
        body = bytes([0xA2]) + _cbor_text("__type") + _cbor_text(code) + _cbor_text("message") + _cbor_text(message)
        headers = [("Content-Type", "application/cbor"), ("smithy-protocol", "rpc-v2-cbor")]
    elif service in _REST_JSON:
        body = json.dumps({"message": message}).encode()
        headers = [("Content-Type", "application/json"), ("x-amzn-ErrorType", code)]
    else:  # query and rest-xml
        body = (
            f"<ErrorResponse><Error><Type>Sender</Type><Code>{code}</Code><Message>{message}</Message></Error>"
            f"<RequestId>{uuid.uuid4()}</RequestId></ErrorResponse>"
        ).encode()
        headers = [("Content-Type", "text/xml")]
    return status_line, headers + [("Content-Length", str(len(body)))], body


def _matching_fault(region: str, service: str, action: str) -> dict | None:
    with _lock:
        for fault in STATE["faults"]:
            if fault["service"] != service or fault["action"].lower() != action.lower():
                continue
            if fault.get("region") not in (None, region) or fault["remaining"] == 0:
                continue
            fault["hits"] += 1
            if fault["remaining"] is not None:
                fault["remaining"] -= 1
            return fault
    return None


class DrillMiddleware:
    def __init__(self, app: Any, port: int):
        self.app = app
        self.port = port
        self._clients: dict[tuple[str, str], Any] = {}

    def __call__(self, environ: dict, start_response: Any) -> Any:
        path = environ.get("PATH_INFO", "")
        if path.startswith("/drill/"):
            return self._control(environ, start_response, path)
        if path == "/moto-api/reset":  # moto forgets its resources: the drill forgets its world too
            reset_drill_state()
        match = _SCOPE.search(environ.get("HTTP_AUTHORIZATION", ""))
        if not match:
            return self.app(environ, start_response)
        region, service = match.groups()
        _apply_due()  # a promotion that is due has happened, whichever API looks next
        length = int(environ.get("CONTENT_LENGTH") or 0)
        body = environ["wsgi.input"].read(length) if length else b""
        environ["wsgi.input"] = io.BytesIO(body)
        action = _action(environ, body)
        source = _source(environ.get("HTTP_USER_AGENT", ""))
        if source == "observer":
            return self.app(environ, start_response)
        entry = {"at": vnow_ms(), "region": region, "service": service, "action": action, "source": source}
        with _lock:
            STATE["requests"].append(entry)
            del STATE["requests"][:-50_000]
        refusal = None
        if region in STATE["lostRegions"]:
            refusal = (503, "ServiceUnavailable", f"drill: region {region} is lost ({service} {action} refused)")
        else:
            fault = _matching_fault(region, service, action)
            if fault is not None:
                refusal = (fault.get("status", 400), fault["code"], fault.get("message") or f"drill: injected {fault['code']}")
        if refusal is not None:
            entry["status"] = refusal[0]
            status_line, headers, error_body = _error_response(environ, service, *refusal)
            start_response(status_line, headers)
            return [error_body]

        def recording_start_response(status: str, headers: list, *args: Any) -> Any:
            entry["status"] = int(status.split()[0])
            return start_response(status, headers, *args)

        return self.app(environ, recording_start_response)

    # -- control API ---------------------------------------------------------------------------
    def _control(self, environ: dict, start_response: Any, path: str) -> list[bytes]:
        method = environ["REQUEST_METHOD"]
        length = int(environ.get("CONTENT_LENGTH") or 0)
        try:
            body = json.loads(environ["wsgi.input"].read(length) or b"{}") if length else {}
            status, answer = "200 OK", self._answer(method, path, body, environ)
        except DrillCallError as error:
            status, answer = "400 Bad Request", {"error": error.details}
        except Exception as error:  # a bug or bad input of the drill: say what, never hang
            status, answer = "500 Internal Server Error", {"error": {"code": type(error).__name__, "message": str(error)}}
        if answer is None:
            status, answer = "404 Not Found", {"error": {"code": "NotFound", "message": f"{method} {path}"}}
        data = json.dumps(answer, default=_json_default).encode()
        start_response(status, [("Content-Type", "application/json"), ("Content-Length", str(len(data)))])
        return [data]

    def _answer(self, method: str, path: str, body: Any, environ: dict) -> Any:
        if method == "GET" and path == "/drill/state":
            return self._state()
        if method == "GET" and path == "/drill/requests":
            since = float(urllib.parse.parse_qs(environ.get("QUERY_STRING", "")).get("since", ["0"])[0])
            with _lock:
                return {"requests": [r for r in STATE["requests"] if r["at"] >= since]}
        if method != "POST":
            return None
        if path == "/drill/call":  # outside the lock: the call comes back through this middleware
            return self._call(body)
        with _lock:
            if path == "/drill/reset":
                reset_drill_state()
            elif path == "/drill/lost-regions":
                STATE["lostRegions"] = set(body.get("regions", []))
            elif path == "/drill/faults":
                STATE["faults"] = [
                    {**fault, "hits": 0, "remaining": fault.get("times")} for fault in body.get("faults", [])
                ]
            elif path == "/drill/health":
                STATE["health"].update({key: bool(value) for key, value in body.items()})
            elif path == "/drill/clock":  # time passes, as between an operator's two attempts
                _reach(vnow_ms() + float(body.get("advanceSeconds", 0)) * 1000)
            elif path == "/drill/config":
                for key in ("timeScale", "cacheFailoverNeedsPrimary"):
                    if key in body:
                        STATE[key] = body[key]
                STATE["promotionSeconds"].update(body.get("promotionSeconds", {}))
            else:
                return None
            return self._state()

    def _state(self) -> dict:
        with _lock:
            return {
                "nowMs": vnow_ms(),
                "lostRegions": sorted(STATE["lostRegions"]),
                "faults": STATE["faults"],
                "health": STATE["health"],
                "timeScale": STATE["timeScale"],
                "promotionSeconds": STATE["promotionSeconds"],
                "cacheFailoverNeedsPrimary": STATE["cacheFailoverNeedsPrimary"],
                "pendingPromotions": len(STATE["pending"]),
            }

    def _call(self, body: dict) -> dict:
        """One AWS call by botocore, as the drill's observer: {service, region, action, params, conform}."""
        import boto3
        from botocore.config import Config
        from botocore.exceptions import ClientError

        service, region, action = body["service"], body["region"], body["action"]
        operation = operation_model(service, action)
        if operation is None:
            raise DrillCallError("UnknownOperation", f"{service} has no operation {action}")
        params, dropped = body.get("params") or {}, []
        if body.get("conform") and operation.input_shape is not None:
            params = _conform(params, operation.input_shape, "", dropped)
        key = (service, region)
        if key not in self._clients:
            self._clients[key] = boto3.client(
                service,
                region_name=region,
                endpoint_url=f"http://127.0.0.1:{self.port}",
                aws_access_key_id="drill",
                aws_secret_access_key="drill",
                config=Config(
                    user_agent_extra=OBSERVER_AGENT,
                    parameter_validation=False,
                    retries={"total_max_attempts": 1},
                ),
            )
        try:
            result = getattr(self._clients[key], xform_name(operation.name))(**params)
        except ClientError as error:
            raise DrillCallError(error.response["Error"].get("Code", "Unknown"), str(error), dropped) from error
        result.pop("ResponseMetadata", None)
        return {"result": result, "dropped": dropped}


class DrillCallError(Exception):
    def __init__(self, code: str, message: str, dropped: list | None = None):
        super().__init__(message)
        self.details = {"code": code, "message": message, "dropped": dropped or []}


def _json_default(value: Any) -> Any:
    if isinstance(value, datetime.datetime):
        return value.isoformat()
    if isinstance(value, (bytes, bytearray)):
        return base64.b64encode(value).decode()
    if isinstance(value, set):
        return sorted(value)
    if hasattr(value, "read"):
        return value.read().decode("utf-8", "replace")
    return str(value)


UNSEEDED = "drill-unseeded"  # the harness's marker for a name or ARN of a resource it did not create


def _unseeded(value: Any) -> bool:
    if isinstance(value, str):
        return UNSEEDED in value
    if isinstance(value, dict):
        return any(_unseeded(v) for v in value.values())
    if isinstance(value, list):
        return any(_unseeded(v) for v in value)
    return False


_MISSING = object()


def _conform(value: Any, shape: Any, path: str, dropped: list) -> Any:
    """CloudFormation properties as an API request: members matched whatever their case, scalars
    converted to the member's type, and dropped (and listed) what the API does not take, what does
    not fit its shape, and optional members that name a resource the drill did not create."""
    kind = shape.type_name
    if kind == "structure":
        if not isinstance(value, dict):
            dropped.append(path)
            return _MISSING
        members = {name.lower(): name for name in shape.members}
        required = set(shape.required_members)
        out = {}
        for key, item in value.items():
            name = members.get(key.lower())
            where = f"{path}.{key}" if path else key
            if name is None or (name not in required and _unseeded(item)):
                dropped.append(where)
                continue
            converted = _conform(item, shape.members[name], where, dropped)
            if converted is not _MISSING:
                out[name] = converted
        return out
    if kind == "list":
        if not isinstance(value, list):
            dropped.append(path)
            return _MISSING
        items = [_conform(item, shape.member, f"{path}[{i}]", dropped) for i, item in enumerate(value)]
        return [item for item in items if item is not _MISSING]
    if kind == "map":
        if not isinstance(value, dict):
            dropped.append(path)
            return _MISSING
        return {k: v for k, v in ((k, _conform(v, shape.value, f"{path}.{k}", dropped)) for k, v in value.items()) if v is not _MISSING}
    if isinstance(value, (dict, list)):
        dropped.append(path)
        return _MISSING
    try:
        if kind in ("integer", "long"):
            return int(value)
        if kind in ("double", "float"):
            return float(value)
        if kind == "boolean":
            return value if isinstance(value, bool) else str(value).lower() == "true"
    except (TypeError, ValueError):
        dropped.append(path)
        return _MISSING
    return str(value).lower() if isinstance(value, bool) else value


def main() -> None:
    parser = argparse.ArgumentParser(description="moto server for npm run drill (see the module docstring)")
    parser.add_argument("-H", "--host", default="127.0.0.1")
    parser.add_argument("-p", "--port", type=int, required=True)
    args = parser.parse_args()
    # Step Functions' tasks reach services at http://localhost:$MOTO_PORT: this server, whatever
    # the caller's environment says.
    os.environ["MOTO_PORT"] = str(args.port)
    logging.getLogger("werkzeug").setLevel(logging.ERROR)  # no line per request: the drill logs them

    from moto.moto_server.werkzeug_app import DomainDispatcherApplication, MotoRequestHandler, create_backend_app
    from werkzeug.serving import run_simple

    app = DrillMiddleware(DomainDispatcherApplication(create_backend_app), args.port)
    run_simple(args.host, args.port, app, threaded=True, request_handler=MotoRequestHandler)


if __name__ == "__main__":
    main()
