// The weekly job's -latest rotation against an in-memory RDS: a current copy exists at every step, and crafted states touch nothing.
import {
  AddTagsToResourceCommand,
  CopyDBClusterSnapshotCommand,
  DBClusterSnapshotNotFoundFault,
  DeleteDBClusterSnapshotCommand,
  DescribeDBClusterSnapshotsCommand,
  RDSClient,
  RemoveTagsFromResourceCommand,
  type DBClusterSnapshot,
  type Tag,
} from '@aws-sdk/client-rds';
import { PutParameterCommand, SSMClient } from '@aws-sdk/client-ssm';
import { mockClient } from 'aws-sdk-client-mock';
import { LATEST_ROTATION } from '../../lib/contract';
import { NotOwnedTargetError } from '../shared/owned-target';
import { advance, type AuroraBackupDeps, type AuroraBackupState } from './aurora-full-backup';

const CLUSTER = 'async-toolformer-prod-use1';
const LATEST = 'async-toolformer-prod-latest';
const NEXT = `${LATEST}${LATEST_ROTATION.nextSuffix}`;
const WEEKLY = `${CLUSTER}-weekly-20261129-0100`;
const OWNER = { Key: 'dr-managed-by', Value: 'weekly-full-backup' };
const CURRENT = { Key: LATEST_ROTATION.currentTag.key, Value: LATEST_ROTATION.currentTag.value };
const settings = {
  clusterIdentifier: CLUSTER,
  latestSnapshotIdentifier: LATEST,
  aliasParameter: '/async-toolformer/prod/backups/aurora/latest',
  retentionDays: 90,
  ownerTag: { key: OWNER.Key, value: OWNER.Value },
  writer: { globalClusterIdentifier: 'async-toolformer-prod-global', clusterIdentifier: CLUSTER, region: 'us-east-1' },
};
const rds = mockClient(RDSClient);
const ssm = mockClient(SSMClient);
const deps: AuroraBackupDeps = { rds: new RDSClient({}), ssm: new SSMClient({}), now: () => new Date() };
const arnOf = (id: string) => `arn:aws:rds:us-east-1:123456789012:cluster-snapshot:${id}`;

/** The snapshots of the fake region, by identifier, and the record's versions. */
let store: Map<string, DBClusterSnapshot>;
let records: { latestSnapshotIdentifier: string }[];

function put(id: string, Status: string, TagList: Tag[], DBClusterIdentifier = CLUSTER): void {
  store.set(id, {
    DBClusterSnapshotIdentifier: id,
    DBClusterSnapshotArn: arnOf(id),
    DBClusterIdentifier,
    Status,
    TagList,
  });
}
const byArn = (arn: string | undefined) => [...store.values()].find((s) => s.DBClusterSnapshotArn === arn)!;
/** What AWS does between two steps: copies finish, deletions end. */
function settle(): void {
  for (const [id, snapshot] of store) {
    if (snapshot.Status === 'copying') snapshot.Status = 'available';
    if (snapshot.Status === 'deleting') store.delete(id);
  }
}
/** A restore finds a usable copy: the one the record names is available and marked current. */
function restorable(): boolean {
  const named = store.get(records.at(-1)?.latestSnapshotIdentifier ?? LATEST);
  return named?.Status === 'available' && (named.TagList ?? []).some((t) => t.Key === CURRENT.Key);
}

beforeEach(() => {
  rds.reset();
  ssm.reset();
  store = new Map();
  records = [];
  put(LATEST, 'available', [OWNER, CURRENT]);
  put(WEEKLY, 'available', [OWNER]);
  rds.on(DescribeDBClusterSnapshotsCommand).callsFake(({ DBClusterSnapshotIdentifier: id }) => {
    const snapshot = store.get(id);
    if (!snapshot) throw new DBClusterSnapshotNotFoundFault({ message: `${id} not found`, $metadata: {} });
    return { DBClusterSnapshots: [structuredClone(snapshot)] };
  });
  rds.on(CopyDBClusterSnapshotCommand).callsFake((input) => {
    put(input.TargetDBClusterSnapshotIdentifier, 'copying', input.Tags ?? []);
    return {};
  });
  rds.on(DeleteDBClusterSnapshotCommand).callsFake(({ DBClusterSnapshotIdentifier: id }) => {
    const snapshot = store.get(id)!;
    // As the IAM Deny does: a current copy cannot be deleted.
    if (snapshot.TagList?.some((t) => t.Key === CURRENT.Key)) throw new Error(`AccessDenied: ${id} is current`);
    expect(restorable()).toBe(true);
    snapshot.Status = 'deleting';
    return {};
  });
  rds.on(AddTagsToResourceCommand).callsFake(({ ResourceName, Tags }) => {
    const snapshot = byArn(ResourceName);
    snapshot.TagList = [...(snapshot.TagList ?? []).filter((t) => !Tags.some((n: Tag) => n.Key === t.Key)), ...Tags];
    return {};
  });
  rds.on(RemoveTagsFromResourceCommand).callsFake(({ ResourceName, TagKeys }) => {
    const snapshot = byArn(ResourceName);
    snapshot.TagList = (snapshot.TagList ?? []).filter((t) => !TagKeys.includes(t.Key));
    return {};
  });
  ssm.on(PutParameterCommand).callsFake(({ Value }) => {
    records.push(JSON.parse(Value));
    return { Version: records.length };
  });
});

const snapshotting: AuroraBackupState = {
  phase: 'snapshotting',
  snapshotIdentifier: WEEKLY,
  expired: [],
} as AuroraBackupState;

test('replaces -latest copy-first: a usable current copy exists after every step, and the run ends on -latest', async () => {
  let state: AuroraBackupState = snapshotting;
  const phases: string[] = [];
  for (let step = 0; step < 10 && state.phase !== 'done'; step++) {
    state = await advance(deps, settings, state);
    phases.push(state.phase);
    expect(restorable()).toBe(true);
    settle();
    expect(restorable()).toBe(true);
  }
  expect(phases).toEqual(['copying-next', 'replacing-latest', 'naming-latest', 'done']);
  expect([...store.keys()].sort()).toEqual([LATEST, WEEKLY]);
  expect(store.get(LATEST)!.TagList).toEqual(expect.arrayContaining([OWNER, CURRENT]));
  expect(records.map((r) => r.latestSnapshotIdentifier)).toEqual([NEXT, LATEST]);
  // The old -latest was deleted only after -latest-next was current and recorded.
  const order = rds.calls().map((call) => `${call.args[0].constructor.name}`);
  expect(order.indexOf('DeleteDBClusterSnapshotCommand')).toBeGreaterThan(order.indexOf('AddTagsToResourceCommand'));
});

test('fails when the copy cannot start, and the old -latest stays current and untouched', async () => {
  rds.on(CopyDBClusterSnapshotCommand).rejects(new Error('SnapshotQuotaExceeded'));
  await expect(advance(deps, settings, snapshotting)).rejects.toThrow('SnapshotQuotaExceeded');
  expect(rds.commandCalls(DeleteDBClusterSnapshotCommand)).toHaveLength(0);
  expect(store.get(LATEST)).toMatchObject({ Status: 'available', TagList: [OWNER, CURRENT] });
});

test('fails when the copy ends failed, and the old -latest stays current and untouched', async () => {
  const copying = await advance(deps, settings, snapshotting);
  store.get(NEXT)!.Status = 'failed';
  await expect(advance(deps, settings, copying)).rejects.toThrow(`copy ${NEXT} is failed`);
  expect(rds.commandCalls(DeleteDBClusterSnapshotCommand)).toHaveLength(0);
  expect(store.get(LATEST)).toMatchObject({ Status: 'available', TagList: [OWNER, CURRENT] });
});

test('a leftover -latest-next of a failed run is deleted before the new copy, -latest untouched', async () => {
  put(NEXT, 'failed', [OWNER]);
  expect(await advance(deps, settings, snapshotting)).toBe(snapshotting);
  expect(rds.commandCalls(DeleteDBClusterSnapshotCommand)[0]!.args[0].input).toEqual({
    DBClusterSnapshotIdentifier: NEXT,
  });
  settle();
  expect(await advance(deps, settings, snapshotting)).toMatchObject({ phase: 'copying-next' });
});

test('fails when -latest-next is still current from an unfinished rotation: nothing deleted', async () => {
  put(NEXT, 'available', [OWNER, CURRENT]);
  await expect(advance(deps, settings, snapshotting)).rejects.toThrow(/unfinished rotation/);
  expect(rds.commandCalls(DeleteDBClusterSnapshotCommand)).toHaveLength(0);
  expect(rds.commandCalls(CopyDBClusterSnapshotCommand)).toHaveLength(0);
});

describe('crafted states', () => {
  test.each([
    ['a foreign snapshot', 'someone-elses-snapshot'],
    ['-latest itself', LATEST],
    ['-latest-next', NEXT],
    ["the other region's weekly snapshot", 'async-toolformer-prod-usw2-weekly-20261129-0100'],
    ['an automated snapshot', `rds:${CLUSTER}-2026-11-29-01-00`],
    ['a weekly name with a suffix', `${WEEKLY}-copy`],
  ])('fails when the state names %s: refused with no AWS call', async (_name, snapshotIdentifier) => {
    for (const phase of ['snapshotting', 'copying-next', 'replacing-latest', 'naming-latest'] as const) {
      const crafted = { phase, snapshotIdentifier, expired: [] } as AuroraBackupState;
      await expect(advance(deps, settings, crafted)).rejects.toThrow(NotOwnedTargetError);
    }
    expect(rds.calls()).toHaveLength(0);
    expect(ssm.calls()).toHaveLength(0);
  });

  test('fails when the expired list names a foreign snapshot: refused with no AWS call', async () => {
    const crafted = { ...snapshotting, expired: [LATEST] } as AuroraBackupState;
    await expect(advance(deps, settings, crafted)).rejects.toThrow(NotOwnedTargetError);
    expect(rds.calls()).toHaveLength(0);
  });

  test.each([
    ['without the tag', [], CLUSTER],
    ['with the tag, of another cluster', [OWNER], 'async-toolformer-staging-use1'],
  ])('fails when a snapshot with the right name is %s: read, never copied or deleted', async (_n, tags, cluster) => {
    put(WEEKLY, 'available', tags, cluster);
    await expect(advance(deps, settings, snapshotting)).rejects.toThrow(NotOwnedTargetError);
    expect(rds.commandCalls(CopyDBClusterSnapshotCommand)).toHaveLength(0);
    expect(rds.commandCalls(DeleteDBClusterSnapshotCommand)).toHaveLength(0);
    expect(store.get(LATEST)).toMatchObject({ Status: 'available' });
  });
});
