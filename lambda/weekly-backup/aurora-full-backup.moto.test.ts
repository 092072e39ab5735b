// Integration: two weekly Aurora runs against moto; "-latest" always names the newest full backup.
import {
  CreateDBClusterCommand,
  CreateDBClusterSnapshotCommand,
  CreateGlobalClusterCommand,
  DescribeDBClusterSnapshotsCommand,
  RDSClient,
} from '@aws-sdk/client-rds';
import { CreateKeyCommand, KMSClient } from '@aws-sdk/client-kms';
import { GetParameterHistoryCommand, SSMClient } from '@aws-sdk/client-ssm';
import { startMoto, type MotoServer } from '../../test/helpers/moto';
import {
  advance,
  type AuroraBackupDeps,
  type AuroraBackupSettings,
  type AuroraBackupState,
} from './aurora-full-backup';

const CLUSTER = 'async-toolformer-prod-use1';
const settings: AuroraBackupSettings = {
  clusterIdentifier: CLUSTER,
  latestSnapshotIdentifier: 'async-toolformer-prod-latest',
  aliasParameter: '/async-toolformer/prod/backups/aurora/latest',
  retentionDays: 90,
  ownerTag: { key: 'dr-managed-by', value: 'weekly-full-backup' },
  writer: { globalClusterIdentifier: 'async-toolformer-prod-global', clusterIdentifier: CLUSTER, region: 'us-east-1' },
};

let moto: MotoServer;
let rds: RDSClient;
let ssm: SSMClient;

beforeAll(async () => {
  moto = await startMoto();
  rds = new RDSClient(moto.clientConfig());
  ssm = new SSMClient(moto.clientConfig());
  const { KeyMetadata } = await new KMSClient(moto.clientConfig()).send(new CreateKeyCommand({}));
  // The first member moto adds to a global cluster is its writer.
  await rds.send(
    new CreateGlobalClusterCommand({
      GlobalClusterIdentifier: settings.writer.globalClusterIdentifier,
      Engine: 'aurora-postgresql',
    }),
  );
  await rds.send(
    new CreateDBClusterCommand({
      GlobalClusterIdentifier: settings.writer.globalClusterIdentifier,
      DBClusterIdentifier: CLUSTER,
      Engine: 'aurora-postgresql',
      MasterUsername: 'postgres',
      MasterUserPassword: 'not-a-real-password',
      StorageEncrypted: true,
      KmsKeyId: KeyMetadata!.Arn,
    }),
  );
  // A snapshot someone else took: never ours to delete, whatever its name.
  await rds.send(
    new CreateDBClusterSnapshotCommand({
      DBClusterIdentifier: CLUSTER,
      DBClusterSnapshotIdentifier: `${CLUSTER}-weekly-manual-keep`,
    }),
  );
}, 60_000);

afterAll(async () => {
  await moto?.stop();
});

async function runToDone(now: Date): Promise<AuroraBackupState> {
  const deps: AuroraBackupDeps = { rds, ssm, now: () => now };
  let state: AuroraBackupState = { phase: 'start' };
  for (let step = 0; step < 10 && state.phase !== 'done'; step += 1) state = await advance(deps, settings, state);
  return state;
}

test('each run takes a snapshot, points "-latest" at it, and logs it in SSM', async () => {
  const first = await runToDone(new Date('2026-11-22T01:00:00Z'));
  const second = await runToDone(new Date('2026-11-29T01:00:00Z'));
  expect(first).toMatchObject({
    phase: 'done',
    snapshotIdentifier: `${CLUSTER}-weekly-20261122-0100`,
    // Two versions a run: -latest-next while it is current, then -latest.
    aliasVersion: 2,
  });
  expect(second).toMatchObject({
    phase: 'done',
    snapshotIdentifier: `${CLUSTER}-weekly-20261129-0100`,
    aliasVersion: 4,
  });

  const { DBClusterSnapshots } = await rds.send(
    new DescribeDBClusterSnapshotsCommand({ DBClusterIdentifier: CLUSTER, SnapshotType: 'manual' }),
  );
  expect(DBClusterSnapshots?.map((snapshot) => snapshot.DBClusterSnapshotIdentifier).sort()).toEqual([
    'async-toolformer-prod-latest',
    `${CLUSTER}-weekly-20261122-0100`,
    `${CLUSTER}-weekly-20261129-0100`,
    `${CLUSTER}-weekly-manual-keep`,
  ]);
  const history = await ssm.send(new GetParameterHistoryCommand({ Name: settings.aliasParameter }));
  expect(
    history.Parameters?.map((version) => {
      const value = JSON.parse(version.Value!);
      return `${value.snapshotIdentifier} as ${value.latestSnapshotIdentifier}`;
    }),
  ).toEqual([
    `${CLUSTER}-weekly-20261122-0100 as async-toolformer-prod-latest-next`,
    `${CLUSTER}-weekly-20261122-0100 as async-toolformer-prod-latest`,
    `${CLUSTER}-weekly-20261129-0100 as async-toolformer-prod-latest-next`,
    `${CLUSTER}-weekly-20261129-0100 as async-toolformer-prod-latest`,
  ]);
});
