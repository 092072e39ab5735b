"""ElastiCache Global Datastores, which moto lacks.

Patches ElastiCacheResponse in moto/elasticache/responses.py: moto has none of the global
replication group calls (create, describe, failover, disassociate are added; moto dispatches by the
snake_case action name and serializes with its own ActionResult). A datastore is kept in the drill's
state (state.py); its members are the replication groups of any region whose
global_replication_group_id names it (moto/elasticache/models.py sets that field and reports it in
GlobalReplicationGroupInfo). A failover moves the primary after the promotion time (promotions.py).
"""

from __future__ import annotations

from typing import Any

from moto.core.responses import ActionResult
from moto.elasticache.exceptions import ElastiCacheException, ReplicationGroupNotFound
from moto.elasticache.models import elasticache_backends
from moto.elasticache.responses import ElastiCacheResponse

from .promotions import apply_due, is_true, schedule
from .state import STATE


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


def _create_global_replication_group(self: ElastiCacheResponse) -> ActionResult:
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
            group.global_replication_group_id = ""
            group.global_replication_group_member_role = None
            return ActionResult({"GlobalReplicationGroup": _datastore_view(self.current_account, datastore, False)})
    raise ReplicationGroupNotFound(group_id)


def install() -> None:
    ElastiCacheResponse.create_global_replication_group = _create_global_replication_group
    ElastiCacheResponse.describe_global_replication_groups = _describe_global_replication_groups
    ElastiCacheResponse.failover_global_replication_group = _failover_global_replication_group
    ElastiCacheResponse.disassociate_global_replication_group = _disassociate_global_replication_group
