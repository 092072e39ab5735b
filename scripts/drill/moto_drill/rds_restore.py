"""Aurora restore from a cluster snapshot, as AWS restores it.

Patches RDSBackend.restore_db_cluster_from_snapshot in moto/rds/models.py. moto builds the new
cluster from the source cluster's DBCluster.get_cfg(), which does cfg.pop("_master_user_password"):
a cluster created with no master password (a Global Database secondary, or a cluster with
ManageMasterUserPassword) has none, and the restore answers 500 KeyError. moto also copies the
source's Global Database membership (the restored cluster would join the global cluster) and its
Secrets Manager setting (a new managed secret). AWS does neither: RestoreDBClusterFromSnapshot takes
no master user or password parameter (botocore's RestoreDBClusterFromSnapshotMessage), a restored
cluster is standalone, and Aurora manages a master password in Secrets Manager only when a cluster is
created, modified or restored from S3. So the restored cluster keeps the master user and password its
snapshot holds, unmanaged, outside any Global Database; the rest is moto's own restore.
"""

from __future__ import annotations

import copy
from typing import Any

from moto.rds.models import DBCluster, RDSBackend

#: Stand-ins for what the snapshot holds when moto kept nothing for its source: a Global Database
#: secondary holds the writer's users, which moto records on the writer only (if the writer's secret
#: was seeded). No API returns a master password, so only the password's presence matters.
CARRIED_USERNAME = "drill_master_from_snapshot"
CARRIED_PASSWORD = "drill-password-from-snapshot"

#: What AWS does not carry from the source cluster into a restored one (and moto's backend reference).
NOT_RESTORED = frozenset(
    {"backend", "global_cluster_identifier", "replication_source_identifier", "manage_master_user_password", "master_user_secret"}
)


def _restore_db_cluster_from_snapshot(self: RDSBackend, from_snapshot_id: str, overrides: dict[str, Any]) -> DBCluster:
    snapshot = self.describe_db_cluster_snapshots(db_cluster_identifier=None, db_snapshot_identifier=from_snapshot_id)[0]
    props = {key: value for key, value in vars(snapshot.cluster).items() if key not in NOT_RESTORED}
    props["enable_http_endpoint"] = props.pop("_enable_http_endpoint")
    props["vpc_security_group_ids"] = props.pop("_vpc_security_group_ids")
    props["master_username"] = snapshot.master_username or CARRIED_USERNAME
    props["master_user_password"] = props.pop("_master_user_password", None) or CARRIED_PASSWORD
    for key, value in overrides.items():
        if value:
            props[key] = copy.copy(value)
    return self.create_db_cluster(props)


def install() -> None:
    RDSBackend.restore_db_cluster_from_snapshot = _restore_db_cluster_from_snapshot
