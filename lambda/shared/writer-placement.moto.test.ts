// Integration: the writer and cache-primary reads against moto, where moto implements them.
import { CreateReplicationGroupCommand, ElastiCacheClient } from '@aws-sdk/client-elasticache';
import { CreateDBClusterCommand, CreateGlobalClusterCommand, RDSClient } from '@aws-sdk/client-rds';
import { startMoto, type MotoServer } from '../../test/helpers/moto';
import { PlacementUnknownError, findAuroraWriter, findCachePrimary, outcomeOf } from './writer-placement';

const GLOBAL = 'async-toolformer-staging-global';
let moto: MotoServer;
let rds: RDSClient;
let elasticache: ElastiCacheClient;

beforeAll(async () => {
  moto = await startMoto();
  rds = new RDSClient(moto.clientConfig('us-east-1'));
  elasticache = new ElastiCacheClient(moto.clientConfig('us-west-2'));
  // Another stage's global cluster: moto answers with every global cluster whatever the filter.
  for (const id of ['async-toolformer-other-global', GLOBAL]) {
    await rds.send(new CreateGlobalClusterCommand({ GlobalClusterIdentifier: id, Engine: 'aurora-postgresql' }));
  }
  // The first member moto adds is the writer: us-east-1's, as before any failover.
  for (const [region, code] of [
    ['us-east-1', 'use1'],
    ['us-west-2', 'usw2'],
  ] as const) {
    await new RDSClient(moto.clientConfig(region)).send(
      new CreateDBClusterCommand({
        DBClusterIdentifier: `async-toolformer-staging-${code}`,
        GlobalClusterIdentifier: GLOBAL,
        Engine: 'aurora-postgresql',
        MasterUsername: 'postgres',
        MasterUserPassword: 'not-a-real-password',
      }),
    );
  }
  await elasticache.send(
    new CreateReplicationGroupCommand({
      ReplicationGroupId: 'async-toolformer-staging-usw2',
      ReplicationGroupDescription: 'rate limiting',
      Engine: 'valkey',
      CacheNodeType: 'cache.t4g.medium',
    }),
  );
}, 60_000);

afterAll(async () => {
  await moto?.stop();
});

const target = (region: string, code: string) => ({
  globalClusterIdentifier: GLOBAL,
  clusterIdentifier: `async-toolformer-staging-${code}`,
  region,
});

test('the writer member acts; the secondary skips and names the writer region', async () => {
  expect(outcomeOf(await findAuroraWriter(rds, target('us-east-1', 'use1')))).toBe('acted');
  const west = await findAuroraWriter(rds, target('us-west-2', 'usw2'));
  expect(west).toMatchObject({ here: false, region: 'us-east-1' });
  expect(outcomeOf(west)).toBe('skipped: writer is in us-east-1');
});

test('a global cluster that does not exist is refused, never taken for another', async () => {
  await expect(
    findAuroraWriter(rds, { ...target('us-east-1', 'use1'), globalClusterIdentifier: 'async-toolformer-gone-global' }),
  ).rejects.toBeInstanceOf(PlacementUnknownError);
});

test('a standalone group is its own primary; where it follows the writer, the writer decides', async () => {
  const cache = { replicationGroupId: 'async-toolformer-staging-usw2', region: 'us-west-2', peerRegion: 'us-east-1' };
  expect(await findCachePrimary({ elasticache }, cache)).toMatchObject({ here: true, region: 'us-west-2' });
  const following = await findCachePrimary(
    { elasticache, rds },
    { ...cache, standaloneFollows: target('us-west-2', 'usw2') },
  );
  expect(outcomeOf(following)).toBe('skipped: cache primary is in us-east-1');
});

test("a missing group fails the read with ElastiCache's error", async () => {
  const cache = { replicationGroupId: 'async-toolformer-staging-gone', region: 'us-west-2', peerRegion: 'us-east-1' };
  await expect(findCachePrimary({ elasticache }, cache)).rejects.toMatchObject({
    name: 'ReplicationGroupNotFoundFault',
  });
});
