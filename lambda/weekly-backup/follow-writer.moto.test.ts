// Integration: after a failover the weekly job acts in us-west-2 and "-latest" is made there; us-east-1 skips.
import {
  CreateDBClusterCommand,
  CreateGlobalClusterCommand,
  DescribeDBClusterSnapshotsCommand,
  DescribeGlobalClustersCommand,
  RDSClient,
} from '@aws-sdk/client-rds';
import { CreateKeyCommand, KMSClient } from '@aws-sdk/client-kms';
import { GetParameterHistoryCommand, ParameterNotFound, SSMClient } from '@aws-sdk/client-ssm';
import { startMoto, type MotoServer } from '../../test/helpers/moto';
import { advance, type AuroraBackupSettings, type AuroraBackupState } from './aurora-full-backup';

const GLOBAL = 'async-toolformer-prod-global';
const LATEST = 'async-toolformer-prod-latest';
const settingsOf = (region: 'us-east-1' | 'us-west-2', clusterIdentifier: string): AuroraBackupSettings => ({
  clusterIdentifier,
  latestSnapshotIdentifier: LATEST,
  aliasParameter: '/async-toolformer/prod/backups/aurora/latest',
  retentionDays: 90,
  ownerTag: { key: 'dr-managed-by', value: 'weekly-full-backup' },
  writer: { globalClusterIdentifier: GLOBAL, clusterIdentifier, region },
});
const east = settingsOf('us-east-1', 'async-toolformer-prod-use1');
const west = settingsOf('us-west-2', 'async-toolformer-prod-usw2');

let moto: MotoServer;
const clients = (region: string) => ({
  rds: new RDSClient(moto.clientConfig(region)),
  ssm: new SSMClient(moto.clientConfig(region)),
});

beforeAll(async () => {
  moto = await startMoto();
  const global = new RDSClient(moto.clientConfig('us-west-2'));
  await global.send(new CreateGlobalClusterCommand({ GlobalClusterIdentifier: GLOBAL, Engine: 'aurora-postgresql' }));
  // moto has no FailoverGlobalCluster: the first member it adds is the writer, so us-west-2's cluster
  // joins first, which is the global cluster as it stands after a failover.
  for (const { writer } of [west, east]) {
    const { KeyMetadata } = await new KMSClient(moto.clientConfig(writer.region)).send(new CreateKeyCommand({}));
    await new RDSClient(moto.clientConfig(writer.region)).send(
      new CreateDBClusterCommand({
        DBClusterIdentifier: writer.clusterIdentifier,
        GlobalClusterIdentifier: GLOBAL,
        Engine: 'aurora-postgresql',
        MasterUsername: 'postgres',
        MasterUserPassword: 'not-a-real-password',
        StorageEncrypted: true,
        KmsKeyId: KeyMetadata!.Arn,
      }),
    );
  }
}, 60_000);

afterAll(async () => {
  await moto?.stop();
});

/** Runs the job of one region to its end, as its state machine would, with that region's clients. */
async function runIn(settings: AuroraBackupSettings): Promise<AuroraBackupState> {
  const { rds, ssm } = clients(settings.writer.region);
  // moto keeps a global cluster in the region that created it (us-west-2); AWS answers from every region.
  const realSend = rds.send.bind(rds);
  const global = new RDSClient(moto.clientConfig('us-west-2'));
  const send = (command: unknown): Promise<unknown> =>
    command instanceof DescribeGlobalClustersCommand ? global.send(command) : realSend(command as never);
  // send's last overload (with a callback) returns void; this stands in for the promise overload.
  // eslint-disable-next-line @typescript-eslint/no-misused-promises
  jest.spyOn(rds, 'send').mockImplementation(send as typeof rds.send);
  const deps = { rds, ssm, now: () => new Date('2026-11-29T01:00:00Z') };
  let state: AuroraBackupState = { phase: 'start' };
  for (let step = 0; step < 10 && state.phase !== 'done'; step += 1) state = await advance(deps, settings, state);
  return state;
}

const snapshotsIn = async (region: string) =>
  (
    await clients(region).rds.send(new DescribeDBClusterSnapshotsCommand({ SnapshotType: 'manual' }))
  ).DBClusterSnapshots?.map((snapshot) => snapshot.DBClusterSnapshotIdentifier) ?? [];

test('us-east-1, no longer the writer, skips: no snapshot, no record, and it says where the writer is', async () => {
  expect(await runIn(east)).toMatchObject({ phase: 'done', outcome: 'skipped: writer is in us-west-2' });
  expect(await snapshotsIn('us-east-1')).toEqual([]);
  await expect(
    clients('us-east-1').ssm.send(new GetParameterHistoryCommand({ Name: east.aliasParameter })),
  ).rejects.toBeInstanceOf(ParameterNotFound);
});

test('us-west-2, the writer now, takes the weekly snapshot and makes "-latest" in its own region', async () => {
  expect(await runIn(west)).toMatchObject({ phase: 'done', aliasVersion: 2 });
  expect((await snapshotsIn('us-west-2')).sort()).toEqual([LATEST, 'async-toolformer-prod-usw2-weekly-20261129-0100']);
  const history = await clients('us-west-2').ssm.send(new GetParameterHistoryCommand({ Name: west.aliasParameter }));
  expect(JSON.parse(history.Parameters!.at(-1)!.Value!)).toMatchObject({
    clusterIdentifier: 'async-toolformer-prod-usw2',
    latestSnapshotIdentifier: LATEST,
  });
});
