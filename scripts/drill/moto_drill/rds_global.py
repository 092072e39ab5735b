"""Aurora global clusters: failover and switchover, which moto lacks.

Patches RDSResponse in moto/rds/responses.py (moto dispatches by the snake_case action name, and
serializes with its own ActionResult); the clusters are moto/rds/models.py's. moto has no
FailoverGlobalCluster or SwitchoverGlobalCluster; its DescribeGlobalClusters ignores the identifier;
its RemoveFromGlobalCluster looks in the request region's backend only, while global clusters live in
us-east-1's (RDSResponse.global_backend). A failover or switchover marks the cluster
failing-over/switching-over, then moves the writer after the promotion time (promotions.py); it is
refused when the writer's region is lost, unless a failover allows data loss.

The old writer of a failover with data loss whose region was lost stays a member, as AWS keeps it,
but out of sync ("pending-resync" in GlobalClusterMembers' SynchronizationStatus, which the patched
GlobalCluster.global_cluster_members of moto/rds/models.py reports). Once its region answers again,
the next look at the global cluster starts its rebuild as a secondary: a point-of-failure snapshot
(rds:unplanned-global-failover-<cluster>-<time>, automated) and, after the promotion time, "connected".
A switchover needs every member connected and in a region that answers, as AWS syncs them all first.
"""

from __future__ import annotations

import time
from typing import Any, Callable

from moto.core.responses import ActionResult
from moto.rds.exceptions import RDSClientError
from moto.rds.models import GlobalCluster
from moto.rds.responses import RDSResponse

from .clock import vnow_ms
from .promotions import apply_due, is_true, region_of_arn, schedule
from .state import STATE


class GlobalClusterNotFoundFault(RDSClientError):
    __module__ = RDSClientError.__module__  # moto finds an error's service by its module (moto.rds...)

    def __init__(self, identifier: str):
        super().__init__("GlobalClusterNotFoundFault", f"Global cluster {identifier} not found.")


class InvalidGlobalClusterStateFault(RDSClientError):
    __module__ = RDSClientError.__module__

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


def _resync_restored(cluster: Any) -> None:
    """Starts the rebuild of each out-of-sync old writer whose region answers again."""
    for member in cluster.members:
        resync = getattr(member, "drill_resync", None)
        if resync != "pending-resync" or region_of_arn(member.db_cluster_arn) in STATE["lostRegions"]:
            continue
        member.drill_resync = "rebuilding"
        stamp = time.strftime("%Y-%m-%d-%H-%M", time.gmtime(vnow_ms() / 1000))
        try:
            member.backend.create_auto_cluster_snapshot(
                member.db_cluster_identifier, f"rds:unplanned-global-failover-{member.db_cluster_identifier}-{stamp}"
            )
        except RDSClientError:
            pass  # a re-run of the rebuild: the point-of-failure snapshot exists

        def rebuilt(member: Any = member) -> None:
            member.drill_resync = None

        schedule("rds", rebuilt)


def _sync_status(member: Any) -> str:
    return "connected" if getattr(member, "drill_resync", None) is None else "pending-resync"


def _move_writer(self: RDSResponse, switchover: bool) -> ActionResult:
    apply_due()
    identifier = self._get_param("GlobalClusterIdentifier")
    cluster = _global_cluster(self, identifier)
    _resync_restored(cluster)
    target = _member(cluster, self._get_param("TargetDbClusterIdentifier"))
    allow_data_loss = is_true(self._get_param("AllowDataLoss", False))
    switchover = switchover or is_true(self._get_param("Switchover", False))
    writer = next((m for m in cluster.members if m.is_writer), None)
    if cluster.status != "available":
        raise InvalidGlobalClusterStateFault(f"Global cluster {identifier} is {cluster.status}.")
    if target is writer:
        raise InvalidGlobalClusterStateFault(f"{target.db_cluster_arn} is already the writer of {identifier}.")
    writer_lost = writer is not None and region_of_arn(writer.db_cluster_arn) in STATE["lostRegions"]
    if writer_lost and (switchover or not allow_data_loss):
        raise InvalidGlobalClusterStateFault(
            f"The writer of {identifier} is unreachable: only a failover with AllowDataLoss can move it."
        )
    if switchover:
        behind = [
            f"{m.db_cluster_identifier} is {_sync_status(m)}"
            + (" (its region does not answer)" if region_of_arn(m.db_cluster_arn) in STATE["lostRegions"] else "")
            for m in cluster.members
            if _sync_status(m) != "connected" or region_of_arn(m.db_cluster_arn) in STATE["lostRegions"]
        ]
        if behind:
            raise InvalidGlobalClusterStateFault(
                f"A switchover of {identifier} needs every member in sync: {'; '.join(behind)}."
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
        if writer is not None and writer_lost:
            writer.drill_resync = "pending-resync"  # kept as a member; rebuilt once its region is back
        cluster.status = "available"
        cluster.failover_state = None

    schedule("rds", promoted)
    return ActionResult({"GlobalCluster": cluster})


def _describe_global_clusters(self: RDSResponse) -> ActionResult:
    apply_due()
    identifier = self._get_param("GlobalClusterIdentifier")
    clusters = [_global_cluster(self, identifier)] if identifier else self.global_backend.describe_global_clusters()
    for cluster in clusters:
        _resync_restored(cluster)
    return ActionResult({"GlobalClusters": clusters})


def _remove_from_global_cluster(self: RDSResponse) -> ActionResult:
    cluster = _global_cluster(self, self._get_param("GlobalClusterIdentifier"))
    member = _member(cluster, self._get_param("DbClusterIdentifier"))
    cluster.members.remove(member)
    member.is_writer = False
    member.global_cluster_identifier = None
    return ActionResult({"GlobalCluster": cluster})


def _members_with_sync(original: Callable[[Any], list[dict[str, Any]]]) -> property:
    def members(cluster: Any) -> list[dict[str, Any]]:
        views = original(cluster)
        for view, member in zip(views, cluster.members):
            view["SynchronizationStatus"] = _sync_status(member)
        return views

    return property(members)


def install() -> None:
    moto_members = GlobalCluster.global_cluster_members.fget
    GlobalCluster.global_cluster_members = _members_with_sync(moto_members)  # type: ignore[assignment]
    RDSResponse.failover_global_cluster = lambda self: _move_writer(self, switchover=False)
    RDSResponse.switchover_global_cluster = lambda self: _move_writer(self, switchover=True)
    RDSResponse.describe_global_clusters = _describe_global_clusters
    RDSResponse.remove_from_global_cluster = _remove_from_global_cluster
