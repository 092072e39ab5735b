// Unit tests of the stepped Aurora restore validation with mocked clients: a passing run, a missing or corrupted sentinel, counts outside the tolerance, and crafted states.
import { BackupClient, PutRestoreValidationResultCommand } from '@aws-sdk/client-backup';
import { DeleteDBInstanceCommand, ModifyDBClusterCommand, RDSClient } from '@aws-sdk/client-rds';
import { RDSDataClient } from '@aws-sdk/client-rds-data';
import { SSMClient } from '@aws-sdk/client-ssm';
import { mockClient } from 'aws-sdk-client-mock';
import { RESTORE_TEST_TAG } from '../../lib/contract';
import { sentinelValue } from '../shared/sentinel';
import { healthyCopy, restoredWorld, RESTORED_CLUSTER, type Call, type RestoredData } from './fixtures';
import { advance, type ValidationState } from './restore-steps';
import type { RestoreValidationDeps, RestoreValidationSettings } from './validate-restore';

const KEY = 'arn:aws:kms:us-east-1:123456789012:key/database';
const backup = mockClient(BackupClient);
const rds = mockClient(RDSClient);
const ssm = mockClient(SSMClient);
const data = mockClient(RDSDataClient);
const deps: RestoreValidationDeps = {
  backup: new BackupClient({}),
  rds: new RDSClient({}),
  ssm: new SSMClient({}),
  data: new RDSDataClient({}),
  now: () => new Date('2026-11-29T06:30:00Z'),
};
const settings: RestoreValidationSettings = {
  engineVersion: '17.9',
  keyParameter: '/async-toolformer/staging/data/database-key-arn',
  maxRestoreSeconds: 3600,
  stage: 'staging',
  instancePrefix: 'atf-aurora-restore-test-',
  instanceClass: 'r7g.large',
  tag: RESTORE_TEST_TAG,
  protectedClusters: ['async-toolformer-staging-use1', 'async-toolformer-staging-usw2'],
  database: 'orchestrator',
};
const start: ValidationState = { phase: 'start', restoreJobId: 'job-1', status: 'COMPLETED', resourceType: 'Aurora' };

function use(restored: RestoredData): void {
  const answer = restoredWorld({ data: restored, keyArn: KEY, engineVersion: '17.9', tag: RESTORE_TEST_TAG });
  for (const stub of [backup, rds, ssm, data] as const) {
    stub.reset();
    stub.send.callsFake(
      async (command: { input: object }) =>
        answer({
          command: command.constructor.name.replace(/Command$/, ''),
          input: command.input as Call['input'],
        }) as never,
    );
  }
}

/** Runs the steps from `state` to done, as the state machine does. */
async function runToDone(state: ValidationState = start): Promise<Extract<ValidationState, { phase: 'done' }>> {
  let current = state;
  for (let step = 0; step < 12 && current.phase !== 'done'; step += 1) current = await advance(deps, settings, current);
  if (current.phase !== 'done') throw new Error(`not done: ${JSON.stringify(current)}`);
  return current;
}

const reported = () => backup.commandCalls(PutRestoreValidationResultCommand).map((call) => call.args[0].input);

beforeEach(() => use(healthyCopy('staging')));

test('a restore whose sentinel and row counts come back passes, names what it compared, and leaves no instance', async () => {
  const done = await runToDone();
  expect(done.verdict?.detail).toMatch(/^restored awsbackup-restore-test-1 in 1320 s; /);
  expect(done.verdict).toMatchObject({ passed: true, restoreSeconds: 1320 });
  expect(done.verdict?.compared).toEqual([
    expect.stringMatching(
      /^sentinel public\.dr_restore_sentinel row 1 written 2026-11-29T00:55:00\.000Z: checksum valid/,
    ),
    'rows of public.jobs 5000 restored vs 5000 at backup (±250): within',
  ]);
  expect(rds.commandCalls(ModifyDBClusterCommand)[0]!.args[0].input).toMatchObject({
    DBClusterIdentifier: RESTORED_CLUSTER,
    ManageMasterUserPassword: true,
  });
  expect(rds.commandCalls(DeleteDBInstanceCommand)).toHaveLength(1);
  expect(reported()).toEqual([expect.objectContaining({ RestoreJobId: 'job-1', ValidationStatus: 'SUCCESSFUL' })]);
});

test.each([
  ['the sentinel is missing', { counts: { 'public.jobs': 5000 } }, /sentinel missing from the restored copy/],
  [
    'the sentinel checksum is corrupted',
    (() => {
      const copy = healthyCopy('staging');
      return { ...copy, sentinel: { ...copy.sentinel!, checksum: 'f'.repeat(64) } };
    })(),
    /sentinel checksum mismatch/,
  ],
  [
    'the sentinel is another stage’s',
    { ...healthyCopy('prod'), counts: { 'public.jobs': 5000 } },
    /not the staging checksum/,
  ],
  [
    'a table came back nearly empty',
    { ...healthyCopy('staging'), counts: { 'public.jobs': 12 } },
    /rows of public\.jobs 12 restored vs 5000 at backup \(±250\): outside the tolerance/,
  ],
  [
    'a table is missing',
    { ...healthyCopy('staging'), counts: {} },
    /table public\.jobs \(5000 rows at backup\) missing from the restored copy/,
  ],
])('fails when %s: FAILED reported, after the instance is deleted', async (_name, restored, detail) => {
  use(restored as RestoredData);
  const done = await runToDone();
  expect(done.verdict?.passed).toBe(false);
  expect(done.verdict?.detail).toMatch(detail);
  expect(rds.commandCalls(DeleteDBInstanceCommand)).toHaveLength(1);
  expect(reported()).toEqual([expect.objectContaining({ ValidationStatus: 'FAILED' })]);
});

test('fails when the sentinel is older than the recovery point allows', async () => {
  const old = healthyCopy('staging');
  const stale = { writtenAt: '2026-11-20T00:00:00.000Z' };
  const { checksum } = sentinelValue('staging', new Date(stale.writtenAt));
  use({ ...old, sentinel: { ...old.sentinel!, ...stale, checksum } });
  expect((await runToDone()).verdict?.detail).toMatch(/h before the recovery point \(at most 26 h\)/);
});

test('a restore slower than the RTO allows fails before anything is created', async () => {
  const done = await runToDone({ ...start });
  expect(done.verdict?.passed).toBe(true);
  use(healthyCopy('staging'));
  const slow = await (async () => {
    let current: ValidationState = start;
    current = await advance(deps, { ...settings, maxRestoreSeconds: 600 }, current);
    return current;
  })();
  expect(slow).toMatchObject({
    phase: 'reporting',
    verdict: { passed: false, detail: 'restore took 1320 s, allowed 600 s' },
  });
  expect(rds.commandCalls(ModifyDBClusterCommand)).toHaveLength(0);
});

test('a failed restore job is a failed test with nothing to validate; a running one is skipped', async () => {
  expect(await advance(deps, settings, { ...start, status: 'FAILED' } as ValidationState)).toEqual({
    phase: 'done',
    restoreJobId: 'job-1',
    verdict: { passed: false, detail: 'restore job failed' },
  });
  expect(await advance(deps, settings, { ...start, status: 'RUNNING' } as ValidationState)).toMatchObject({
    phase: 'done',
    skipped: 'status RUNNING',
  });
  expect(backup.calls()).toHaveLength(0);
});

describe('crafted states never reach what the test did not create', () => {
  const validating = {
    restoreJobId: 'job-1',
    clusterId: RESTORED_CLUSTER,
    clusterArn: `arn:aws:rds:us-east-1:123456789012:cluster:${RESTORED_CLUSTER}`,
    instanceId: 'atf-aurora-restore-test-20261129-0630',
    startedAt: '2026-11-29T06:30:00Z',
    restoreSeconds: 1320,
    recoveryPointAt: '2026-11-29T01:05:00Z',
  };
  test.each([
    [
      'a production instance to clean up',
      {
        ...validating,
        phase: 'cleaning',
        instanceId: 'async-toolformer-prod-use1-writer',
        verdict: { passed: false, detail: 'x' },
      },
    ],
    [
      'a production cluster to prepare',
      { ...validating, phase: 'preparing', clusterId: 'async-toolformer-staging-use1' },
    ],
  ])('fails when the state names %s: NotOwnedTargetError before any AWS call', async (_name, state) => {
    await expect(advance(deps, settings, state as ValidationState)).rejects.toMatchObject({
      name: 'NotOwnedTargetError',
    });
    expect([...rds.calls(), ...backup.calls(), ...data.calls()]).toHaveLength(0);
  });

  test('fails when an instance under the prefix lacks the tag: refused before the delete', async () => {
    rds.send.callsFake(async (command: object): Promise<never> => {
      const name = command.constructor.name;
      if (name === 'DescribeDBInstancesCommand') {
        return <never>{
          DBInstances: [
            {
              DBInstanceIdentifier: validating.instanceId,
              DBInstanceArn: 'arn:aws:rds:::db:x',
              DBInstanceStatus: 'available',
            },
          ],
        };
      }
      if (name === 'ListTagsForResourceCommand') return <never>{ TagList: [] };
      throw new Error(`unexpected ${name}`);
    });
    await expect(
      advance(deps, settings, { ...validating, phase: 'cleaning', verdict: { passed: true, detail: 'x' } }),
    ).rejects.toMatchObject({ name: 'NotOwnedTargetError' });
    expect(rds.commandCalls(DeleteDBInstanceCommand)).toHaveLength(0);
  });
});
