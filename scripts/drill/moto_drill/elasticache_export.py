"""ElastiCache export to S3 (moto/elasticache/responses.py has no CopySnapshot): a CopySnapshot with
a TargetBucket writes the export as ElastiCache does, one `<TargetSnapshotName>-0001.rdb` object per
shard (one here), server-side encrypted with SSE-S3, in the bucket (moto/s3/models.py put_object).
The source snapshot must exist in the request's region; a copy without a bucket is refused as
moto's own would be missing. What a restore reads back from the object is not simulated.
"""

from __future__ import annotations

from moto.core.responses import ActionResult
from moto.elasticache.exceptions import ElastiCacheException
from moto.elasticache.models import elasticache_backends
from moto.elasticache.responses import ElastiCacheResponse
from moto.s3.models import s3_backends

#: Stands in for the RDB file: the verification reads only its size and encryption.
RDB_BODY = b"REDIS0011 drill export\n"


def _copy_snapshot(self: ElastiCacheResponse) -> ActionResult:
    source = self._get_param("SourceSnapshotName")
    target = self._get_param("TargetSnapshotName")
    bucket = self._get_param("TargetBucket")
    backend = elasticache_backends[self.current_account][self.region]
    snapshot = backend.snapshots.get(source)
    if snapshot is None:
        raise ElastiCacheException("SnapshotNotFoundFault", f"Snapshot {source} not found.")
    if not bucket:
        raise ElastiCacheException("InvalidParameterValue", "drill: only exports to S3 (TargetBucket) are simulated.")
    s3 = s3_backends[self.current_account]["aws"]
    s3.get_bucket(bucket)  # NoSuchBucket when the bucket does not exist
    s3.put_object(bucket, f"{target}-0001.rdb", RDB_BODY, encryption="AES256")
    return ActionResult({"Snapshot": {"SnapshotName": target, "SnapshotStatus": "exporting"}})


def install() -> None:
    ElastiCacheResponse.copy_snapshot = _copy_snapshot
