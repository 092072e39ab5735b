"""ElastiCache Global Datastores, which moto lacks, and the group lifecycle a rebuild around them needs.

Patches ElastiCacheResponse in moto/elasticache/responses.py: moto has none of the global
replication group calls (create, describe, failover, disassociate and delete are added; moto
dispatches by the snake_case action name and serializes with its own ActionResult), and its
create_replication_group and delete_replication_group are wrapped. Patches ReplicationGroup in
moto/elasticache/models.py: its global_replication_group_info property reports an empty
GlobalReplicationGroupInfo for a group in no datastore, where AWS leaves the member out.

A datastore is kept in the drill's state (state.py); its members are the replication groups of any
region whose global_replication_group_id names it (moto sets that field). Its id is the suffix behind
the prefix of the region it is created in, as AWS does (ldgnf- in us-east-1, sgaui- in us-west-2), so
a datastore rebuilt from the other region gets a new id. A failover moves the primary after the
promotion time (promotions.py). Creating or deleting a datastore, creating a group into one (a
secondary, its engine, version and node type from the primary) and deleting a group (after its
final snapshot; moto keeps a deleted group for ever) take the "elasticache-lifecycle" promotion time:
0 by default, so a seeded world is available at once, as CloudFormation waits for it.
"""

from __future__ import annotations

import hashlib
from typing import Any, Callable

from moto.core.responses import ActionResult
from moto.elasticache.exceptions import ElastiCacheException, ReplicationGroupNotFound
from moto.elasticache.models import ReplicationGroup, elasticache_backends
from moto.elasticache.responses import ElastiCacheResponse

from .promotions import apply_due, is_true, schedule
from .state import STATE


class GlobalReplicationGroupNotFoundFault(ElastiCacheException):
    code = "GlobalReplicationGroupNotFoundFault"


class InvalidGlobalReplicationGroupStateFault(ElastiCacheException):
    code = "InvalidGlobalReplicationGroupState"


class GlobalReplicationGroupAlreadyExistsFault(ElastiCacheException):
    code = "GlobalReplicationGroupAlreadyExistsFault"


class InvalidReplicationGroupStateFault(ElastiCacheException):
    code = "InvalidReplicationGroupState"


# moto finds an error's service model by the module of its exception class (moto.<service>.…): this
# module's name, moto_drill.…, names no service, and the error would be answered with a 500.
for _fault in (
    GlobalReplicationGroupNotFoundFault,
    InvalidGlobalReplicationGroupStateFault,
    GlobalReplicationGroupAlreadyExistsFault,
    InvalidReplicationGroupStateFault,
):
    _fault.__module__ = ElastiCacheException.__module__


# The prefix AWS gives a datastore id by the region it is created in (ElastiCache user guide, "Using
# global datastores (CLI)"); another region gets a stand-in of five letters of its own.
_PREFIXES = {"us-east-1": "ldgnf", "us-east-2": "fpkhr", "us-west-1": "virxk", "us-west-2": "sgaui"}
_LIFECYCLE = "elasticache-lifecycle"


def _prefix(region: str) -> str:
    if region in _PREFIXES:
        return _PREFIXES[region]
    digest = hashlib.sha256(region.encode()).digest()
    return "".join(chr(ord("a") + byte % 26) for byte in digest[:5])


def _after_lifecycle(callback: Callable[[], None]) -> None:
    """Runs `callback` once the lifecycle time has passed: at once when it is 0 (the default)."""
    if STATE["promotionSeconds"].get(_LIFECYCLE, 0) == 0:
        callback()
    else:
        schedule(_LIFECYCLE, callback)


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


def _require_available(datastore: dict[str, Any]) -> None:
    if datastore["Status"] != "available":
        raise InvalidGlobalReplicationGroupStateFault(
            f"Global replication group {datastore['GlobalReplicationGroupId']} is {datastore['Status']}."
        )


def _datastore_view(account: str, datastore: dict[str, Any], with_members: bool) -> dict[str, Any]:
    view = dict(datastore)
    if with_members:
        view["Members"] = [
            {
                "ReplicationGroupId": group.replication_group_id,
                "ReplicationGroupRegion": region,
                "Role": group.global_replication_group_member_role,
                "AutomaticFailover": "enabled",
                "Status": "associating" if group.status == "creating" else "associated",
            }
            for region, group in _datastore_members(account, datastore["GlobalReplicationGroupId"])
        ]
    return view


def _leave_datastore(group: Any) -> None:
    group.global_replication_group_id = ""
    group.global_replication_group_member_role = None


def _create_global_replication_group(self: ElastiCacheResponse) -> ActionResult:
    apply_due()
    primary_id = self._get_param("PrimaryReplicationGroupId")
    primary = self.elasticache_backend.replication_groups.get(primary_id)
    if primary is None:
        raise ReplicationGroupNotFound(primary_id)
    if getattr(primary, "global_replication_group_id", ""):
        raise InvalidReplicationGroupStateFault(
            f"{primary_id} is already a member of Global Datastore {primary.global_replication_group_id}."
        )
    if primary.status != "available":
        raise InvalidReplicationGroupStateFault(f"{primary_id} is {primary.status}, not available.")
    identifier = f"{_prefix(self.region)}-{self._get_param('GlobalReplicationGroupIdSuffix')}"
    if (self.current_account, identifier) in STATE["globalDatastores"]:
        raise GlobalReplicationGroupAlreadyExistsFault(f"Global replication group {identifier} already exists.")
    primary.global_replication_group_id = identifier
    primary.global_replication_group_member_role = "PRIMARY"
    datastore = {
        "GlobalReplicationGroupId": identifier,
        "GlobalReplicationGroupDescription": self._get_param("GlobalReplicationGroupDescription", ""),
        "Status": "creating",
        "Engine": getattr(primary, "engine", "redis"),
        "EngineVersion": getattr(primary, "engine_version", None),
        "CacheNodeType": getattr(primary, "cache_node_type", None),
        "ClusterEnabled": False,
        "ARN": f"arn:aws:elasticache::{self.current_account}:globalreplicationgroup:{identifier}",
    }
    STATE["globalDatastores"][(self.current_account, identifier)] = datastore
    _after_lifecycle(lambda: datastore.update(Status="available"))
    return ActionResult({"GlobalReplicationGroup": _datastore_view(self.current_account, datastore, True)})


def _describe_global_replication_groups(self: ElastiCacheResponse) -> ActionResult:
    apply_due()
    identifier = self._get_param("GlobalReplicationGroupId")
    with_members = is_true(self._get_param("ShowMemberInfo", False))
    datastores = (
        [_datastore(self, identifier)]
        if identifier
        else [d for (account, _), d in STATE["globalDatastores"].items() if account == self.current_account]
    )
    views = [_datastore_view(self.current_account, d, with_members) for d in datastores]
    return ActionResult({"GlobalReplicationGroups": views})


def _failover_global_replication_group(self: ElastiCacheResponse) -> ActionResult:
    apply_due()
    identifier = self._get_param("GlobalReplicationGroupId")
    region = self._get_param("PrimaryRegion")
    group_id = self._get_param("PrimaryReplicationGroupId")
    datastore = _datastore(self, identifier)
    _require_available(datastore)
    members = _datastore_members(self.current_account, identifier)
    target = next((g for r, g in members if r == region and g.replication_group_id == group_id), None)
    if target is None:
        raise ElastiCacheException("InvalidParameterValue", f"{group_id} in {region} is not a member of {identifier}.")
    if target.global_replication_group_member_role == "PRIMARY":
        raise ElastiCacheException("InvalidParameterValue", f"{group_id} is already the primary of {identifier}.")
    busy = [f"{g.replication_group_id} ({r}) is {g.status}" for r, g in members if g.status != "available"]
    if busy:
        raise InvalidGlobalReplicationGroupStateFault(f"Members of {identifier} are not available: {', '.join(busy)}.")
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

    schedule("elasticache", promoted)
    return ActionResult({"GlobalReplicationGroup": _datastore_view(self.current_account, datastore, False)})


def _disassociate_global_replication_group(self: ElastiCacheResponse) -> ActionResult:
    identifier = self._get_param("GlobalReplicationGroupId")
    group_id = self._get_param("ReplicationGroupId")
    region = self._get_param("ReplicationGroupRegion")
    datastore = _datastore(self, identifier)
    for member_region, group in _datastore_members(self.current_account, identifier):
        if member_region == region and group.replication_group_id == group_id:
            if group.global_replication_group_member_role == "PRIMARY":
                raise ElastiCacheException("InvalidParameterValue", "The primary cannot be disassociated.")
            _leave_datastore(group)
            return ActionResult({"GlobalReplicationGroup": _datastore_view(self.current_account, datastore, False)})
    raise ReplicationGroupNotFound(group_id)




def _delete_global_replication_group(self: ElastiCacheResponse) -> ActionResult:
    """AWS: only a datastore whose one member is its primary, which is kept as a standalone group."""
    apply_due()
    identifier = self._get_param("GlobalReplicationGroupId")
    datastore = _datastore(self, identifier)
    if not is_true(self._get_param("RetainPrimaryReplicationGroup", False)):
        raise ElastiCacheException(
            "InvalidParameterValue",
            "RetainPrimaryReplicationGroup must be true: the primary is never deleted with its datastore.",
        )
    _require_available(datastore)
    members = _datastore_members(self.current_account, identifier)
    secondaries = [
        f"{g.replication_group_id} ({r})" for r, g in members if g.global_replication_group_member_role != "PRIMARY"
    ]
    if secondaries:
        raise InvalidGlobalReplicationGroupStateFault(
            f"Global replication group {identifier} still has secondaries: {', '.join(secondaries)};"
            " disassociate them first."
        )
    datastore["Status"] = "deleting"

    def deleted() -> None:
        for _, group in _datastore_members(self.current_account, identifier):
            _leave_datastore(group)
        STATE["globalDatastores"].pop((self.current_account, identifier), None)

    view = _datastore_view(self.current_account, datastore, True)
    _after_lifecycle(deleted)
    return ActionResult({"GlobalReplicationGroup": view})


_moto_create_replication_group = ElastiCacheResponse.create_replication_group
_moto_delete_replication_group = ElastiCacheResponse.delete_replication_group


def _create_replication_group(self: ElastiCacheResponse) -> ActionResult:
    """A group created into a datastore is its secondary, with the primary's engine, version and node type."""
    apply_due()
    identifier = self._get_param("GlobalReplicationGroupId")
    if not identifier:
        return _moto_create_replication_group(self)
    datastore = _datastore(self, identifier)
    _require_available(datastore)
    members = _datastore_members(self.current_account, identifier)
    if any(region == self.region for region, _ in members):
        raise ElastiCacheException("InvalidParameterValue", f"{identifier} already has a member in {self.region}.")
    result = _moto_create_replication_group(self)
    group = self.elasticache_backend.replication_groups[self._get_param("ReplicationGroupId")]
    primary = next((g for _, g in members if g.global_replication_group_member_role == "PRIMARY"), None)
    for field in ("engine", "engine_version", "cache_node_type", "cache_parameter_group_name"):
        if primary is not None and getattr(primary, field, None):
            setattr(group, field, getattr(primary, field))
    group.status = "creating"
    _after_lifecycle(lambda: setattr(group, "status", "available"))
    return result


def _delete_replication_group(self: ElastiCacheResponse) -> ActionResult:
    """AWS refuses to delete a datastore's member; takes the final snapshot first; the group is then gone."""
    apply_due()
    group_id = self._get_param("ReplicationGroupId")
    backend = self.elasticache_backend
    group = backend.replication_groups.get(group_id)
    if group is None:
        raise ReplicationGroupNotFound(group_id)
    identifier = getattr(group, "global_replication_group_id", "")
    if identifier and (self.current_account, identifier) in STATE["globalDatastores"]:
        raise InvalidReplicationGroupStateFault(
            f"{group_id} is a member of Global Datastore {identifier}: disassociate it, or delete the datastore, first."
        )
    if group.status == "deleting":
        raise InvalidReplicationGroupStateFault(f"{group_id} is already being deleted.")
    snapshot = self._get_param("FinalSnapshotIdentifier")
    if snapshot:
        backend.create_snapshot(snapshot, group_id, None, None, None)
    result = _moto_delete_replication_group(self)
    _after_lifecycle(lambda: backend.replication_groups.pop(group_id, None))
    return result


def _global_replication_group_info(group: Any) -> dict[str, str] | None:
    if not getattr(group, "global_replication_group_id", ""):
        return None
    return {
        "GlobalReplicationGroupId": group.global_replication_group_id,
        "GlobalReplicationGroupMemberRole": group.global_replication_group_member_role,
    }


def install() -> None:
    ElastiCacheResponse.create_global_replication_group = _create_global_replication_group
    ElastiCacheResponse.describe_global_replication_groups = _describe_global_replication_groups
    ElastiCacheResponse.failover_global_replication_group = _failover_global_replication_group
    ElastiCacheResponse.disassociate_global_replication_group = _disassociate_global_replication_group
    ElastiCacheResponse.delete_global_replication_group = _delete_global_replication_group
    ElastiCacheResponse.create_replication_group = _create_replication_group
    ElastiCacheResponse.delete_replication_group = _delete_replication_group
    ReplicationGroup.global_replication_group_info = property(_global_replication_group_info)  # type: ignore
