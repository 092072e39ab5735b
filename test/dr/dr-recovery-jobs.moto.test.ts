// dr warm-cache, dr restart and dr restore cache --group: bad input exits 2 with the usage and no AWS call; against moto's Step Functions, the run started in the region asked for, followed, and its result shown.
import {
  CreateStateMachineCommand,
  DescribeExecutionCommand,
  ListExecutionsCommand,
  SFNClient,
} from '@aws-sdk/client-sfn';
import {
  CreateReplicationGroupCommand,
  DescribeReplicationGroupsCommand,
  ElastiCacheClient,
} from '@aws-sdk/client-elasticache';
import { PutParameterCommand, SSMClient } from '@aws-sdk/client-ssm';
import { RESTORED_GROUP_DESCRIPTION, ROLLOUT_RESTART, stageParameters } from '../../lib/contract';
import { SDK, type Sdk } from '../../scripts/dr/aws';
import { main } from '../../scripts/dr/cli';
import { capturingCli } from './cli-env';
import { startMoto, type MotoServer } from '../helpers/moto';

jest.setTimeout(30_000);

const PARAMS = stageParameters('prod');
const ROLE = 'arn:aws:iam::123456789012:role/recovery';

/** An SDK that fails the test on any use: bad input must be refused before the first call. */
const noAws = new Proxy({} as Sdk, {
  get: (_target, name) => () => {
    throw new Error(`an AWS module (${String(name)}) was loaded for bad input`);
  },
});

function cliEnv(sdk: Sdk) {
  return capturingCli({ sdk, pollMs: 20, now: () => new Date('2026-11-28T03:00:00.000Z') });
}

describe('bad input: exit 2 with the usage, no AWS call, no stack trace', () => {
  test.each<[string[], string]>([
    [
      ['warm-cache', '--manifest', 'daily/export.rdb'],
      "--manifest must be an object key under warm-up/, got 'daily/export.rdb'",
    ],
    [['warm-cache', '--manifest', 'warm-up/'], "--manifest must be an object key under warm-up/, got 'warm-up/'"],
    [['warm-cache', '--version', 'a b'], "--version must be an S3 version id, got 'a b'"],
    [['warm-cache', '--force'], "unknown option '--force'"],
    [['warm-cache', 'now'], "too many arguments for 'warm-cache'"],
    [
      ['warm-cache', '--region', 'eu-west-1'],
      '--region eu-west-1 is not a region of stage prod (us-east-1, us-west-2)',
    ],
    [
      ['warm-cache', '--stage', 'dev'],
      "option '--stage <stage>' argument 'dev' is invalid. Allowed choices are prod, staging",
    ],
    [['restart', '--force'], "unknown option '--force'"],
    [['restart', 'orchestrator'], "too many arguments for 'restart'"],
    [
      ['restart', '--region', 'us west 2'],
      "option '--region <region>' argument 'us west 2' is invalid. 'us west 2' is not a region name",
    ],
    [['restart', '--region', 'eu-west-1'], '--region eu-west-1 is not a region of stage prod (us-east-1, us-west-2)'],
    [['restart', '--region'], "option '--region <region>' argument missing"],
  ])('dr %p', async (args, message) => {
    const io = cliEnv(noAws);
    const status = await main(args, io.env);
    expect(status).toBe(2);
    expect(io.err()).toContain(`dr ${args[0]}: ${message}`);
    expect(io.err()).toContain(`usage: dr ${args[0]} [options]`);
    expect(io.err()).not.toMatch(/\n\s+at /);
    expect(io.out()).toBe('');
  });

  test.each([['warm-cache'], ['restart']])('dr %s --help exits 0 with the usage on stdout', async (command) => {
    const io = cliEnv(noAws);
    expect(await main([command, '--help', '--bogus'], io.env)).toBe(0);
    expect(io.out()).toMatch(new RegExp(`^usage: dr ${command} \\[options\\]`));
  });
});

describe('against moto', () => {
  let moto: MotoServer;
  const saved = { ...process.env };
  const sfn = (region: string) => new SFNClient(moto.clientConfig(region));

  /** A state machine that ends on `output`, its ARN where the stack writes it. */
  async function machine(region: string, parameter: string, name: string, output: object): Promise<string> {
    const definition = JSON.stringify({
      StartAt: 'Step',
      States: { Step: { Type: 'Pass', Result: output, End: true } },
    });
    const { stateMachineArn } = await sfn(region).send(
      new CreateStateMachineCommand({ name, definition, roleArn: ROLE }),
    );
    await new SSMClient(moto.clientConfig(region)).send(
      new PutParameterCommand({ Name: parameter, Value: stateMachineArn!, Type: 'String', Overwrite: true }),
    );
    return stateMachineArn!;
  }
  const executions = async (region: string, arn: string) =>
    (await sfn(region).send(new ListExecutionsCommand({ stateMachineArn: arn }))).executions ?? [];

  beforeAll(async () => {
    moto = await startMoto({ executeStateMachines: true });
    Object.assign(process.env, {
      AWS_ENDPOINT_URL: moto.endpoint,
      AWS_ACCESS_KEY_ID: 'testing',
      AWS_SECRET_ACCESS_KEY: 'testing',
    });
  }, 60_000);
  afterAll(async () => {
    process.env = saved;
    await moto?.stop();
  });

  test('dr restart starts the run in --region with the CLI time as restartedAt and shows the pods', async () => {
    const pods = [{ name: 'orchestrator-7d9-abcde', ready: '1/1', status: 'Running', restarts: 0, age: '42s' }];
    const arn = await machine(
      'us-west-2',
      PARAMS.rolloutRestartStateMachineArn,
      'async-toolformer-prod-usw2-rollout-restart',
      {
        phase: 'done',
        pods,
        verdict: { passed: true, detail: 'restarted' },
      },
    );
    const io = cliEnv(SDK);
    const status = await main(['restart', '--region', 'us-west-2'], io.env);
    expect(status).toBe(0);
    expect(io.out()).toContain(
      'rollout restart of deployment/orchestrator -n async-toolformer in us-west-2 completed (1 pods):',
    );
    expect(io.out()).toMatch(
      /NAME\s+READY\s+STATUS\s+RESTARTS\s+AGE\norchestrator-7d9-abcde\s+1\/1\s+Running\s+0\s+42s/,
    );
    const [run] = await executions('us-west-2', arn);
    const input = (await sfn('us-west-2').send(new DescribeExecutionCommand({ executionArn: run!.executionArn })))
      .input;
    expect(JSON.parse(input!)).toEqual({ phase: 'start', restartedAt: '2026-11-28T03:00:00.000Z' });
    expect(ROLLOUT_RESTART.annotation).toBe('kubectl.kubernetes.io/restartedAt');
  });

  test('dr warm-cache --dry-run reads the ARN and the runs in progress, starts nothing', async () => {
    const arn = await machine(
      'us-east-1',
      PARAMS.cacheWarmUpStateMachineArn,
      'async-toolformer-prod-use1-cache-warm-up',
      {
        phase: 'done',
      },
    );
    const io = cliEnv(SDK);
    const status = await main(
      ['warm-cache', '--region', 'us-east-1', '--dry-run', '--manifest', 'warm-up/tenants.json'],
      io.env,
    );
    expect(status).toBe(0);
    expect(io.err()).toContain(
      `dry run: would start ${arn} in us-east-1 with input {"phase":"start","manifestKey":"warm-up/tenants.json"}`,
    );
    expect(io.err()).toContain('no run in progress');
    expect(io.out()).toBe('dry run: nothing was started\n');
    expect(await executions('us-east-1', arn)).toEqual([]);
  });

  test("dr warm-cache --json ends on a result line with the run's verdict", async () => {
    await machine('us-west-2', PARAMS.cacheWarmUpStateMachineArn, 'async-toolformer-prod-usw2-cache-warm-up', {
      phase: 'done',
      written: 6,
      verdict: { passed: true, detail: '6 of 6 keys loaded' },
    });
    const io = cliEnv(SDK);
    expect(await main(['warm-cache', '--region', 'us-west-2', '--json'], io.env)).toBe(0);
    const last = JSON.parse(io.out().trim().split('\n').at(-1)!) as Record<string, unknown>;
    expect(last).toMatchObject({ event: 'result', status: 'SUCCEEDED', region: 'us-west-2', output: { written: 6 } });
  });

  test('fails when the run fails: exit 1 with its error and the runbook', async () => {
    const definition = JSON.stringify({
      StartAt: 'Step',
      States: { Step: { Type: 'Fail', Error: 'KubernetesApiError', Cause: 'HTTP 403' } },
    });
    const { stateMachineArn } = await sfn('us-east-1').send(
      new CreateStateMachineCommand({ name: 'async-toolformer-prod-use1-rollout-restart', definition, roleArn: ROLE }),
    );
    await new SSMClient(moto.clientConfig('us-east-1')).send(
      new PutParameterCommand({
        Name: PARAMS.rolloutRestartStateMachineArn,
        Value: stateMachineArn!,
        Type: 'String',
        Overwrite: true,
      }),
    );
    const io = cliEnv(SDK);
    expect(await main(['restart', '--region', 'us-east-1'], io.env)).toBe(1);
    expect(io.err()).toMatch(
      /dr restart failed: the run ended FAILED: KubernetesApiError: HTTP 403\. Follow docs\/runbooks\/rollout-restart\.md/,
    );
  });

  describe('dr restore cache --group: a group an earlier run created, its run started and followed', () => {
    const GROUP = 'atf-prod-usw2-r202611280250';
    const BACKUP =
      's3://async-toolformer-prod-cache-backups-123456789012-usw2/async-toolformer-prod-use1-daily-20261128-0200-0001.rdb';
    const elasticache = () => new ElastiCacheClient(moto.clientConfig('us-west-2'));
    const group = (id: string, description: string) =>
      elasticache().send(
        new CreateReplicationGroupCommand({
          ReplicationGroupId: id,
          ReplicationGroupDescription: description,
          Engine: 'valkey',
          CacheNodeType: 'cache.t4g.medium',
          NumCacheClusters: 1,
        }),
      );
    const groups = async () =>
      ((await elasticache().send(new DescribeReplicationGroupsCommand({}))).ReplicationGroups ?? []).map(
        (g) => g.ReplicationGroupId,
      );
    let arn: string;
    beforeAll(async () => {
      await group(GROUP, `${RESTORED_GROUP_DESCRIPTION}${BACKUP}`);
      await group('atf-prod-usw2-r202611280251', 'the team cache');
      arn = await machine('us-west-2', PARAMS.cacheRestoreStateMachineArn, 'async-toolformer-prod-usw2-restore-cache', {
        replicationGroupId: GROUP,
        backup: BACKUP,
        endpoint: `${GROUP}.cache.amazonaws.com:6379`,
        switched: false,
      });
    });

    test('starts the run with the group and the backup its description names, creates nothing', async () => {
      const io = cliEnv(SDK);
      expect(await main(['restore', 'cache', '--region', 'us-west-2', '--group', GROUP], io.env)).toBe(0);
      expect(io.err()).toContain(`follow ${GROUP} in us-west-2, created earlier from ${BACKUP}`);
      expect(io.out()).toContain(`${GROUP} is available in us-west-2 at ${GROUP}.cache.amazonaws.com:6379`);
      const [run] = await executions('us-west-2', arn);
      const input = (await sfn('us-west-2').send(new DescribeExecutionCommand({ executionArn: run!.executionArn })))
        .input;
      expect(JSON.parse(input!)).toMatchObject({ replicationGroupId: GROUP, backup: BACKUP, switchEndpoint: false });
      expect(await groups()).toHaveLength(2);
    });

    test.each([
      [
        'a group that does not exist',
        'atf-prod-usw2-r209901010000',
        'no replication group atf-prod-usw2-r209901010000 in us-west-2; nothing was started',
      ],
      [
        'a group no restore created',
        'atf-prod-usw2-r202611280251',
        'atf-prod-usw2-r202611280251 was not created by a cache restore (its description is "the team cache"',
      ],
    ])('fails on %s: exit 1, no run started', async (_case, id, message) => {
      const before = (await executions('us-west-2', arn)).length;
      const io = cliEnv(SDK);
      expect(await main(['restore', 'cache', '--region', 'us-west-2', '--group', id], io.env)).toBe(1);
      expect(io.err()).toContain(message);
      expect(await executions('us-west-2', arn)).toHaveLength(before);
    });
  });

  test('fails when the stack is not deployed: exit 1 naming the call', async () => {
    const io = cliEnv(SDK);
    expect(await main(['restart', '--stage', 'staging', '--region', 'us-west-2'], io.env)).toBe(1);
    expect(io.err()).toContain(
      'dr restart failed: ssm:GetParameter /async-toolformer/staging/recovery/rollout-restart-state-machine-arn in us-west-2 failed (ParameterNotFound',
    );
  });
});
