// Integration: the stepped Aurora restore validation against moto: the restored cluster's managed secret, the tagged temporary instance's create and delete, and the Data API's answers (canned through moto's rds-data results queue).
import { BackupClient, DescribeRestoreJobCommand, PutRestoreValidationResultCommand } from '@aws-sdk/client-backup';
import { CreateKeyCommand, KMSClient } from '@aws-sdk/client-kms';
import {
  CreateDBClusterCommand,
  CreateDBInstanceCommand,
  DescribeDBInstancesCommand,
  EnableHttpEndpointCommand,
  RDSClient,
} from '@aws-sdk/client-rds';
import { RDSDataClient } from '@aws-sdk/client-rds-data';
import { PutParameterCommand, SSMClient } from '@aws-sdk/client-ssm';
import { mockClient } from 'aws-sdk-client-mock';
import { RESTORE_TEST_TAG } from '../../lib/contract';
import { startMoto, type MotoServer } from '../../test/helpers/moto';
import { healthyCopy, RECOVERY_POINT_AT } from './fixtures';
import { advance, type ValidationState } from './restore-steps';
import type { RestoreValidationDeps, RestoreValidationSettings } from './validate-restore';

const PARAMETER = '/async-toolformer/staging/data/database-key-arn';
const CLUSTER = 'awsbackup-restore-test-moto';
const PREFIX = 'atf-aurora-restore-test-';
// moto has no restore jobs: AWS Backup's two calls are stubbed, everything else is moto.
const backup = mockClient(BackupClient);
let moto: MotoServer;
let rds: RDSClient;
let deps: RestoreValidationDeps;
let settings: RestoreValidationSettings;

/** moto's RDS, except EnableHttpEndpoint, which moto does not implement: answered as RDS would. */
function withHttpEndpoint(client: RDSClient): RDSClient {
  const send = client.send.bind(client) as (command: unknown) => Promise<unknown>;
  return {
    send: async (command: unknown) =>
      command instanceof EnableHttpEndpointCommand ? { HttpEndpointEnabled: true } : send(command),
  } as unknown as RDSClient;
}

/** Queues the Data API's answers in moto, in the order the statements are sent (moto pops the newest first). */
async function queueDataApiResults(results: object[]): Promise<void> {
  const response = await fetch(`${moto.endpoint}/moto-api/static/rds-data/statement-results`, {
    method: 'POST',
    body: JSON.stringify({ results: [...results].reverse() }),
  });
  if (response.status !== 201) throw new Error(`moto refused the rds-data results: ${response.status}`);
}

beforeAll(async () => {
  moto = await startMoto();
  rds = new RDSClient(moto.clientConfig());
  const { KeyMetadata } = await new KMSClient(moto.clientConfig()).send(new CreateKeyCommand({}));
  const keyArn = KeyMetadata!.Arn!;
  await new SSMClient(moto.clientConfig()).send(
    new PutParameterCommand({ Name: PARAMETER, Value: keyArn, Type: 'String' }),
  );
  const { DBCluster } = await rds.send(
    new CreateDBClusterCommand({
      DBClusterIdentifier: CLUSTER,
      Engine: 'aurora-postgresql',
      EngineVersion: '17.9',
      MasterUsername: 'postgres',
      MasterUserPassword: 'from-the-snapshot',
      StorageEncrypted: true,
      KmsKeyId: keyArn,
    }),
  );
  backup.on(DescribeRestoreJobCommand).resolves({
    CreatedResourceArn: DBCluster!.DBClusterArn!,
    CreationDate: new Date('2026-11-29T06:00:00Z'),
    CompletionDate: new Date('2026-11-29T06:22:00Z'),
    RecoveryPointCreationDate: RECOVERY_POINT_AT,
  });
  backup.on(PutRestoreValidationResultCommand).resolves({});
  deps = {
    backup: new BackupClient({}),
    rds: withHttpEndpoint(rds),
    ssm: new SSMClient(moto.clientConfig()),
    data: new RDSDataClient(moto.clientConfig()),
    now: () => new Date(),
  };
  settings = {
    engineVersion: '17.9',
    keyParameter: PARAMETER,
    maxRestoreSeconds: 3600,
    stage: 'staging',
    instancePrefix: PREFIX,
    instanceClass: 'r7g.large',
    tag: RESTORE_TEST_TAG,
    protectedClusters: ['async-toolformer-staging-use1', 'async-toolformer-staging-usw2'],
    database: 'orchestrator',
  };
}, 60_000);
afterAll(async () => {
  backup.restore();
  await moto?.stop();
}, 30_000);

const ourInstances = async () =>
  ((await rds.send(new DescribeDBInstancesCommand({}))).DBInstances ?? []).filter((instance) =>
    instance.DBInstanceIdentifier?.startsWith(PREFIX),
  );

test('a restored copy holding its sentinel passes: moto gives the cluster a managed secret, the instance comes and goes', async () => {
  // Prepare: what the Data API answers, in the order readSentinel and countRows ask.
  const copy = healthyCopy('staging');
  await queueDataApiResults([
    { records: [[{ booleanValue: true }]] },
    {
      records: [
        [
          { stringValue: copy.sentinel!.writtenAt },
          { stringValue: copy.sentinel!.checksum },
          { stringValue: copy.sentinel!.rowCounts },
        ],
      ],
    },
    { records: [[{ stringValue: 'public.jobs' }, { longValue: 5000 }]] },
  ]);
  // Act
  let state: ValidationState = {
    phase: 'start',
    restoreJobId: 'job-moto',
    status: 'COMPLETED',
    resourceType: 'Aurora',
  };
  const phases: string[] = [];
  const created = new Set<string>();
  for (let step = 0; step < 15 && state.phase !== 'done'; step += 1) {
    state = await advance(deps, settings, state);
    phases.push(state.phase);
    for (const instance of await ourInstances()) created.add(instance.DBInstanceIdentifier!);
  }
  // Assess
  expect(state).toMatchObject({ phase: 'done', verdict: { passed: true } });
  expect(phases).toEqual(expect.arrayContaining(['preparing', 'warming', 'reading', 'cleaning', 'reporting', 'done']));
  expect(created.size).toBe(1);
  expect(await ourInstances()).toEqual([]);
  expect(backup.commandCalls(PutRestoreValidationResultCommand)[0]!.args[0].input.ValidationStatus).toBe('SUCCESSFUL');
}, 30_000);

test('fails when an instance under the prefix lacks the tag: refused, and moto still holds it', async () => {
  const id = `${PREFIX}crafted`;
  await rds.send(
    new CreateDBInstanceCommand({
      DBInstanceIdentifier: id,
      DBClusterIdentifier: CLUSTER,
      DBInstanceClass: 'db.r7g.large',
      Engine: 'aurora-postgresql',
    }),
  );
  await expect(
    advance(deps, settings, {
      phase: 'cleaning',
      restoreJobId: 'job-moto',
      instanceId: id,
      verdict: { passed: true, detail: 'crafted' },
    }),
  ).rejects.toMatchObject({ name: 'NotOwnedTargetError' });
  expect((await ourInstances()).map((instance) => instance.DBInstanceIdentifier)).toEqual([id]);
}, 30_000);
