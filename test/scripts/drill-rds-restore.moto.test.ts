// Integration: the drill server restores Aurora clusters from snapshots as AWS does (scripts/drill/moto_drill/rds_restore.py), where moto 5.2.5 alone answers 500.
import {
  CreateDBClusterCommand,
  CreateDBClusterSnapshotCommand,
  CreateGlobalClusterCommand,
  DescribeDBClustersCommand,
  DescribeGlobalClustersCommand,
  RDSClient,
  RestoreDBClusterFromSnapshotCommand,
} from '@aws-sdk/client-rds';
import { startDrillServer, type DrillServer } from '../../scripts/drill/drill-server';
import { startMoto, type MotoServer } from '../helpers/moto';

const ENGINE = 'aurora-postgresql';
const VERSION = '17.9';
const credentials = { accessKeyId: 'drill', secretAccessKey: 'drill' };

let drill: DrillServer;
let moto: MotoServer;

beforeAll(async () => {
  [drill, moto] = await Promise.all([startDrillServer({ account: '123456789012', timeScale: 1 }), startMoto()]);
}, 60_000);

afterAll(async () => {
  await Promise.all([drill?.stop(), moto?.stop()]);
});

beforeEach(() => drill.client.reset());

const rds = (endpoint: string, region = 'us-east-1') => new RDSClient({ endpoint, region, credentials });

/** A snapshot of a cluster created with RDS managing its master password in Secrets Manager. */
async function managedPasswordSnapshot(client: RDSClient): Promise<string> {
  await client.send(
    new CreateDBClusterCommand({
      DBClusterIdentifier: 'managed',
      Engine: ENGINE,
      EngineVersion: VERSION,
      MasterUsername: 'postgres',
      ManageMasterUserPassword: true,
    }),
  );
  await client.send(
    new CreateDBClusterSnapshotCommand({ DBClusterIdentifier: 'managed', DBClusterSnapshotIdentifier: 'managed-snap' }),
  );
  return 'managed-snap';
}

test('a restore from a snapshot of a ManageMasterUserPassword cluster is a cluster with the snapshot master user and no managed secret', async () => {
  // Prepare
  const client = rds(drill.process.endpoint);
  const snapshot = await managedPasswordSnapshot(client);

  // Act
  const { DBCluster } = await client.send(
    new RestoreDBClusterFromSnapshotCommand({
      DBClusterIdentifier: 'restored',
      SnapshotIdentifier: snapshot,
      Engine: ENGINE,
      EngineVersion: VERSION,
    }),
  );

  // Assess
  expect(DBCluster).toMatchObject({ DBClusterIdentifier: 'restored', Engine: ENGINE, MasterUsername: 'postgres' });
  expect(DBCluster?.MasterUserSecret).toBeUndefined();
});

test('a restore from a snapshot of a Global Database secondary is standalone, outside the global cluster', async () => {
  // Prepare
  const east = rds(drill.process.endpoint);
  const west = rds(drill.process.endpoint, 'us-west-2');
  await east.send(
    new CreateGlobalClusterCommand({ GlobalClusterIdentifier: 'global', Engine: ENGINE, EngineVersion: VERSION }),
  );
  await east.send(
    new CreateDBClusterCommand({
      DBClusterIdentifier: 'primary',
      Engine: ENGINE,
      EngineVersion: VERSION,
      GlobalClusterIdentifier: 'global',
      MasterUsername: 'postgres',
      MasterUserPassword: 'drill-password-0123',
    }),
  );
  await west.send(
    new CreateDBClusterCommand({
      DBClusterIdentifier: 'secondary',
      Engine: ENGINE,
      EngineVersion: VERSION,
      GlobalClusterIdentifier: 'global',
    }),
  );
  await west.send(
    new CreateDBClusterSnapshotCommand({
      DBClusterIdentifier: 'secondary',
      DBClusterSnapshotIdentifier: 'secondary-snap',
    }),
  );

  // Act
  await west.send(
    new RestoreDBClusterFromSnapshotCommand({
      DBClusterIdentifier: 'restored',
      SnapshotIdentifier: 'secondary-snap',
      Engine: ENGINE,
    }),
  );

  // Assess
  const { DBClusters = [] } = await west.send(new DescribeDBClustersCommand({ DBClusterIdentifier: 'restored' }));
  expect(DBClusters[0]?.GlobalClusterIdentifier).toBeUndefined();
  const { GlobalClusters = [] } = await east.send(
    new DescribeGlobalClustersCommand({ GlobalClusterIdentifier: 'global' }),
  );
  const members = GlobalClusters[0]?.GlobalClusterMembers?.map((member) => member.DBClusterArn) ?? [];
  expect(members).toHaveLength(2);
  expect(members.some((arn) => arn?.endsWith(':cluster:restored'))).toBe(false);
});

test('fails on moto alone: the restore the drill patches answers 500 there', async () => {
  // Prepare
  const client = rds(moto.endpoint);
  const snapshot = await managedPasswordSnapshot(client);

  // Act
  const restore = client.send(
    new RestoreDBClusterFromSnapshotCommand({
      DBClusterIdentifier: 'restored',
      SnapshotIdentifier: snapshot,
      Engine: ENGINE,
    }),
  );

  // Assess
  await expect(restore).rejects.toMatchObject({ $metadata: { httpStatusCode: 500 } });
});
