// The Redis backup's pruning of its own snapshots after a verified export, with mocked AWS clients: what it keeps, what it deletes, and what a failure changes.
import {
  DeleteSnapshotCommand,
  DescribeSnapshotsCommand,
  ElastiCacheServiceException,
} from '@aws-sdk/client-elasticache';
import { HeadObjectCommand, ListObjectsV2Command, PutObjectCommand } from '@aws-sdk/client-s3';
import { PutParameterCommand } from '@aws-sdk/client-ssm';
import { elasticache, fx, GROUP, inFlight, s3, settings, ssm, useRedisBackupFixture } from './fixtures';
import { advance, BackupFailedError, type BackupState } from './redis-backup';

useRedisBackupFixture();

describe("pruning the job's own snapshots after a verified export", () => {
  const state: BackupState = { phase: 'exporting', ...inFlight };
  const own = (stamp: string, kind = 'daily') => `${GROUP}-${kind}-${stamp}-snap`;
  const snapshot = (name: string, extra: Record<string, string> = {}) => ({
    SnapshotName: name,
    SnapshotSource: 'manual',
    ReplicationGroupId: GROUP,
    SnapshotStatus: 'available',
    ...extra,
  });
  beforeEach(() => {
    s3.on(ListObjectsV2Command).resolves({ Contents: [{ Key: `${inFlight.exportName}-0001.rdb` }] });
    s3.on(HeadObjectCommand).resolves({ ContentLength: 10, ServerSideEncryption: 'AES256', VersionId: 'v1' });
    s3.on(PutObjectCommand).resolves({ VersionId: 'v2' });
    ssm.on(PutParameterCommand).resolves({ Version: 3 });
  });

  test('keeps the newest two of its own, deletes older ones, never a foreign, automatic or creating one', async () => {
    elasticache
      .on(DescribeSnapshotsCommand)
      .resolvesOnce({
        Snapshots: [
          snapshot(inFlight.snapshotName),
          snapshot(own('20261125-0200')),
          snapshot(own('20261122-0300', 'weekly')),
        ],
        Marker: 'page-2',
      })
      .resolvesOnce({
        Snapshots: [
          snapshot(own('20261124-0200')),
          // Crafted: the job's prefix and suffix, but not a name it generates.
          snapshot(`${GROUP}-daily-20261101-0200-x-snap`),
          snapshot(`${GROUP}-manual-keep-snap`),
          snapshot(own('20261101-0200'), { SnapshotSource: 'system' }),
          snapshot(own('20261102-0200'), { ReplicationGroupId: 'other-group' }),
          snapshot(own('20261103-0200'), { SnapshotStatus: 'creating' }),
        ],
      });
    elasticache.on(DeleteSnapshotCommand).resolves({});
    const done = await advance(fx.deps, settings, state);
    expect(done).toMatchObject({
      snapshotPrune: { deleted: [own('20261124-0200'), own('20261122-0300', 'weekly')], failures: 0 },
    });
    expect(elasticache.commandCalls(DeleteSnapshotCommand).map((call) => call.args[0].input.SnapshotName)).toEqual([
      own('20261124-0200'),
      own('20261122-0300', 'weekly'),
    ]);
    // Listed with the paginator, filtered to the group's manual snapshots.
    const listed = elasticache.commandCalls(DescribeSnapshotsCommand).map((call) => call.args[0].input);
    expect(listed).toHaveLength(2);
    expect(listed[1]).toMatchObject({ ReplicationGroupId: GROUP, SnapshotSource: 'manual', Marker: 'page-2' });
  });

  test('a failed delete does not fail the backup: counted in snapshot_prune_failures, the rest still deleted', async () => {
    elasticache.on(DescribeSnapshotsCommand).resolves({
      Snapshots: [
        snapshot(inFlight.snapshotName),
        snapshot(own('20261125-0200')),
        snapshot(own('20261124-0200')),
        snapshot(own('20261123-0200')),
      ],
    });
    elasticache
      .on(DeleteSnapshotCommand, { SnapshotName: own('20261124-0200') })
      .rejects(new ElastiCacheServiceException({ name: 'InvalidSnapshotStateFault', $fault: 'client', $metadata: {} }))
      .on(DeleteSnapshotCommand, { SnapshotName: own('20261123-0200') })
      .resolves({});
    const done = await advance(fx.deps, settings, state);
    expect(done).toMatchObject({
      phase: 'done',
      resultVersion: 3,
      snapshotPrune: {
        deleted: [own('20261123-0200')],
        failures: 1,
        errors: [{ snapshot: own('20261124-0200'), error: expect.stringMatching(/^InvalidSnapshotStateFault/) }],
      },
    });
  });

  test('a failed listing deletes nothing and is counted, the backup still done', async () => {
    elasticache
      .on(DescribeSnapshotsCommand)
      .rejects(new ElastiCacheServiceException({ name: 'AccessDenied', $fault: 'client', $metadata: {} }));
    const done = await advance(fx.deps, settings, state);
    expect(done).toMatchObject({ phase: 'done', snapshotPrune: { deleted: [], failures: 1 } });
    expect(elasticache.commandCalls(DeleteSnapshotCommand)).toHaveLength(0);
  });

  test('a failed export deletes no snapshot', async () => {
    s3.on(HeadObjectCommand).resolves({ ContentLength: 0, ServerSideEncryption: 'AES256', VersionId: 'v1' });
    await expect(advance(fx.deps, settings, state)).rejects.toThrow(BackupFailedError);
    expect(elasticache.commandCalls(DescribeSnapshotsCommand)).toHaveLength(0);
    expect(elasticache.commandCalls(DeleteSnapshotCommand)).toHaveLength(0);
  });
});
