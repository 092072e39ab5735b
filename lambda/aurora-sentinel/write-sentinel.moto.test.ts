// Integration: the Aurora sentinel job against moto: the writer found through DescribeGlobalClusters, the master secret's ARN through Secrets Manager, and the statements sent to moto's rds-data (counts canned through its results queue).
import { CreateDBClusterCommand, CreateGlobalClusterCommand, RDSClient } from '@aws-sdk/client-rds';
import { RDSDataClient } from '@aws-sdk/client-rds-data';
import { CreateSecretCommand, SecretsManagerClient } from '@aws-sdk/client-secrets-manager';
import { startMoto, type MotoServer } from '../../test/helpers/moto';
import { sentinelValue } from '../shared/sentinel';
import { run, type SentinelJobDeps, type SentinelJobSettings } from './write-sentinel';

const GLOBAL = 'async-toolformer-staging-global';
const CLUSTER = 'async-toolformer-staging-use1';
const SECRET = 'async-toolformer/staging/aurora/master';
const NOW = new Date('2026-11-29T00:50:00Z');
let moto: MotoServer;
let deps: SentinelJobDeps;
let settings: SentinelJobSettings;

beforeAll(async () => {
  moto = await startMoto();
  const rds = new RDSClient(moto.clientConfig());
  await rds.send(
    new CreateGlobalClusterCommand({
      GlobalClusterIdentifier: GLOBAL,
      Engine: 'aurora-postgresql',
      EngineVersion: '17.9',
    }),
  );
  const { DBCluster } = await rds.send(
    new CreateDBClusterCommand({
      DBClusterIdentifier: CLUSTER,
      Engine: 'aurora-postgresql',
      EngineVersion: '17.9',
      GlobalClusterIdentifier: GLOBAL,
      MasterUsername: 'postgres',
      MasterUserPassword: 'moto-password',
    }),
  );
  await new SecretsManagerClient(moto.clientConfig()).send(
    new CreateSecretCommand({ Name: SECRET, SecretString: '{"username":"postgres","password":"moto-password"}' }),
  );
  // moto's rds-data answers from a queue, newest first: the count statement is the first sent.
  const response = await fetch(`${moto.endpoint}/moto-api/static/rds-data/statement-results`, {
    method: 'POST',
    body: JSON.stringify({ results: [{ records: [[{ stringValue: 'public.jobs' }, { longValue: 42 }]] }] }),
  });
  expect(response.status).toBe(201);
  deps = {
    rds,
    data: new RDSDataClient(moto.clientConfig()),
    secrets: new SecretsManagerClient(moto.clientConfig()),
    now: () => NOW,
  };
  settings = {
    stage: 'staging',
    target: { globalClusterIdentifier: GLOBAL, clusterIdentifier: CLUSTER, region: 'us-east-1' },
    clusterArn: DBCluster!.DBClusterArn!,
    secretName: SECRET,
    database: 'orchestrator',
  };
}, 60_000);
afterAll(async () => moto?.stop(), 30_000);

test('where the writer is, counts the tables through the Data API and writes the row with the stage checksum of its time', async () => {
  const result = await run(deps, settings);
  expect(result).toMatchObject({
    outcome: 'acted',
    placement: { here: true, region: 'us-east-1' },
    written: { ...sentinelValue('staging', NOW), rowCounts: { 'public.jobs': 42 } },
  });
}, 30_000);
