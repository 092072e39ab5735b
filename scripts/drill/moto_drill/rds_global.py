"""Aurora global clusters: failover and switchover, which moto lacks.

Patches RDSResponse in moto/rds/responses.py (moto dispatches by the snake_case action name, and
serializes with its own ActionResult); the clusters are moto/rds/models.py's. moto has no
FailoverGlobalCluster or SwitchoverGlobalCluster; its DescribeGlobalClusters ignores the identifier;
its RemoveFromGlobalCluster looks in the request region's backend only, while global clusters live in
us-east-1's (RDSResponse.global_backend). A failover or switchover marks the cluster
failing-over/switching-over, then moves the writer after the promotion time (promotions.py); it is
refused when the writer's region is lost, unless a failover allows data loss.
"""

from __future__ import annotations

from typing import Any

from moto.core.responses import ActionResult
from moto.rds.exceptions import RDSClientError
from moto.rds.responses import RDSResponse

from .promotions import apply_due, is_true, region_of_arn, schedule
from .state import STATE


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


def _move_writer(self: RDSResponse, switchover: bool) -> ActionResult:
    apply_due()
    identifier = self._get_param("GlobalClusterIdentifier")
    cluster = _global_cluster(self, identifier)
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

    schedule("rds", promoted)
    return ActionResult({"GlobalCluster": cluster})


def _describe_global_clusters(self: RDSResponse) -> ActionResult:
    apply_due()
    identifier = self._get_param("GlobalClusterIdentifier")
    clusters = [_global_cluster(self, identifier)] if identifier else self.global_backend.describe_global_clusters()
    return ActionResult({"GlobalClusters": clusters})


def _remove_from_global_cluster(self: RDSResponse) -> ActionResult:
    cluster = _global_cluster(self, self._get_param("GlobalClusterIdentifier"))
    member = _member(cluster, self._get_param("DbClusterIdentifier"))
    cluster.members.remove(member)
    member.is_writer = False
    member.global_cluster_identifier = None
    return ActionResult({"GlobalCluster": cluster})


def install() -> None:
    RDSResponse.failover_global_cluster = lambda self: _move_writer(self, switchover=False)
    RDSResponse.switchover_global_cluster = lambda self: _move_writer(self, switchover=True)
    RDSResponse.describe_global_clusters = _describe_global_clusters
    RDSResponse.remove_from_global_cluster = _remove_from_global_cluster
