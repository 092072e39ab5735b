// dr failover and dr failback against moto's Step Functions: the same input as failover-region.sh, the run followed to its end, calls only where the run is.
import {
  CreateStateMachineCommand,
  ListExecutionsCommand,
  DescribeExecutionCommand,
  SFNClient,
} from '@aws-sdk/client-sfn';
import { GetParameterCommand, PutParameterCommand, SSMClient } from '@aws-sdk/client-ssm';
import { stageParameters } from '../../lib/contract';
import { SDK, type Sdk } from '../../scripts/dr/aws';
import { main } from '../../scripts/dr/cli';
import { capturingCli } from './cli-env';
import { startMoto, type MotoServer } from '../helpers/moto';
import { useBundle } from './bundle';
import { spawnSync } from 'node:child_process';

const bundle = useBundle();

// The first test loads the SDK's clients (seconds on a shared machine); the runs themselves take milliseconds.
jest.setTimeout(30_000);

const PARAMS = stageParameters('prod');
const ROLE = 'arn:aws:iam::123456789012:role/failover';
const SUCCEEDS = JSON.stringify({
  StartAt: 'ValidateInput',
  States: { ValidateInput: { Type: 'Pass', Next: 'Finish' }, Finish: { Type: 'Pass', End: true } },
});
/** A run long enough to be seen waiting: moto executes the Wait state in real time. */
const WAITS = JSON.stringify({
  StartAt: 'ValidateInput',
  States: {
    ValidateInput: { Type: 'Pass', Next: 'WaitForPromotion' },
    WaitForPromotion: { Type: 'Wait', Seconds: 2, Next: 'Finish' },
    Finish: { Type: 'Pass', End: true },
  },
});
const FAILS = JSON.stringify({
  StartAt: 'ValidateInput',
  States: { ValidateInput: { Type: 'Fail', Error: 'Locked', Cause: 'another run holds the lock' } },
});

let moto: MotoServer;
const saved = { ...process.env };
const machines: Record<string, string> = {};
const sfn = (region: string) => new SFNClient(moto.clientConfig(region));
const ssm = (region: string) => new SSMClient(moto.clientConfig(region));
const putParameter = (region: string, Name: string, Value: string) =>
  ssm(region).send(new PutParameterCommand({ Name, Value, Type: 'String', Overwrite: true }));

async function useMachine(region: string, definition: string): Promise<string> {
  const name = `async-toolformer-prod-${region === 'us-east-1' ? 'use1' : 'usw2'}-region-failover-${Object.keys(machines).length}`;
  const { stateMachineArn } = await sfn(region).send(
    new CreateStateMachineCommand({ name, definition, roleArn: ROLE }),
  );
  machines[name] = stateMachineArn!;
  await putParameter(region, PARAMS.failoverStateMachineArn, stateMachineArn!);
  return stateMachineArn!;
}

beforeAll(async () => {
  // The CLI follows its run to the end: moto must execute it, not leave it RUNNING.
  moto = await startMoto({ executeStateMachines: true });
  Object.assign(process.env, {
    AWS_ENDPOINT_URL: moto.endpoint,
    AWS_ACCESS_KEY_ID: 'testing',
    AWS_SECRET_ACCESS_KEY: 'testing',
  });
}, 60_000);

afterAll(async () => {
  process.env = saved;
  await moto.stop();
});

/** The SDK, recording the region of every client the CLI creates. */
function recordingSdk(regions: string[]): Sdk {
  const wrap =
    <M extends object>(load: () => Promise<M>) =>
    async () => {
      const module = await load();
      return new Proxy(module, {
        get(target, key) {
          const value = Reflect.get(target, key) as unknown;
          if (typeof key !== 'string' || !key.endsWith('Client') || typeof value !== 'function') return value;
          return new Proxy(value, {
            construct(Client, args: [{ region: string }]) {
              regions.push(args[0].region);
              return Reflect.construct(Client, args) as object;
            },
          });
        },
      });
    };
  return {
    sfn: wrap(SDK.sfn),
    ssm: wrap(SDK.ssm),
    cloudwatch: wrap(SDK.cloudwatch),
    rds: wrap(SDK.rds),
    elasticache: wrap(SDK.elasticache),
  };
}

function cliEnv(options: { tty?: boolean; typed?: string } = {}) {
  const regions: string[] = [];
  const captured = capturingCli({
    stdinIsTty: options.tty === true,
    ask: async () => options.typed ?? '',
    sdk: recordingSdk(regions),
    pollMs: 20,
  });
  return { ...captured, regions };
}

async function executionsOf(region: string, stateMachineArn: string) {
  return (await sfn(region).send(new ListExecutionsCommand({ stateMachineArn }))).executions ?? [];
}

test('--dry-run reads the state machine and the failover alarms, prints the plan and starts nothing', async () => {
  // Prepare
  const arn = await useMachine('us-west-2', SUCCEEDS);
  const io = cliEnv();
  // Act
  const status = await main(['failover', '--region', 'us-west-2', '--dry-run'], io.env);
  // Assess
  expect(status).toBe(0);
  expect(io.err()).toContain(`dry run: would start ${arn} in us-west-2`);
  expect(io.err()).toContain('make us-west-2 the Aurora writer, accepting the replication lag as lost');
  expect(io.out()).toBe('dry run: nothing was started\n');
  expect(await executionsOf('us-west-2', arn)).toEqual([]);
  expect(new Set(io.regions)).toEqual(new Set(['us-west-2']));
});

test('an unplanned failover starts the run with failover-region.sh input, follows it step by step and calls only the region recovered into', async () => {
  // Prepare
  const arn = await useMachine('us-west-2', SUCCEEDS);
  const io = cliEnv();
  // Act
  const status = await main(['failover', '--region', 'us-west-2', '--yes', '--json', '--reason', 'use1 down'], io.env);
  // Assess
  expect(status).toBe(0);
  const events = io
    .out()
    .trim()
    .split('\n')
    .map((line) => JSON.parse(line) as Record<string, unknown>);
  expect(events.filter((event) => event.event === 'step').map((event) => event.name)).toEqual([
    expect.stringMatching(/^started arn:aws:states:us-west-2:/),
    'ValidateInput',
    'Finish',
  ]);
  const result = events.at(-1)!;
  expect(result).toMatchObject({ event: 'result', status: 'SUCCEEDED', action: 'activate', runRegion: 'us-west-2' });
  const [execution] = await executionsOf('us-west-2', arn);
  expect(execution?.name).toMatch(/^activate-us-west-2-\d{8}T\d{6}Z-[0-9a-f]{6}$/);
  const described = await sfn('us-west-2').send(
    new DescribeExecutionCommand({ executionArn: execution!.executionArn }),
  );
  expect(JSON.parse(described.input!)).toEqual({
    action: 'activate',
    requestedBy: 'operator',
    operator: expect.any(String),
    reason: 'use1 down',
  });
  expect(new Set(io.regions)).toEqual(new Set(['us-west-2']));
});

test.each([
  ['typed something else', 'yes'],
  ['typed nothing', ''],
])('fails when the operator %s at the data-loss question: exit 2, nothing started', async (_case, typed) => {
  // Prepare
  const arn = await useMachine('us-west-2', SUCCEEDS);
  const io = cliEnv({ tty: true, typed });
  // Act
  const status = await main(['failover', '--region', 'us-west-2'], io.env);
  // Assess
  expect(status).toBe(2);
  expect(io.err()).toContain('dr failover: not confirmed; nothing was changed');
  expect(await executionsOf('us-west-2', arn)).toEqual([]);
  expect(io.regions).toEqual([]);
});

test('the failback runs in us-west-2, then names us-east-1 in both regions', async () => {
  // Prepare: the run itself writes its own region's parameter; moto's Pass states do not, so it is set as the run would.
  await useMachine('us-west-2', SUCCEEDS);
  await putParameter('us-west-2', PARAMS.activeRegion, 'us-east-1');
  await putParameter('us-east-1', PARAMS.activeRegion, 'us-west-2');
  const io = cliEnv();
  // Act
  const status = await main(['failback'], io.env);
  // Assess
  expect(status).toBe(0);
  expect(io.err()).toContain('failback of stage prod to us-east-1');
  expect(io.out()).toMatch(/^us-east-1 is active for stage prod \(failback succeeded\)/);
  const value = await ssm('us-east-1').send(new GetParameterCommand({ Name: PARAMS.activeRegion }));
  expect(value.Parameter?.Value).toBe('us-east-1');
});

test('fails when the run fails: exit 1 with its error and cause', async () => {
  // Prepare
  await useMachine('us-west-2', FAILS);
  const io = cliEnv();
  // Act
  const status = await main(['failover', '--region', 'us-west-2', '--yes'], io.env);
  // Assess
  expect(status).toBe(1);
  expect(io.err()).toContain('dr failover failed: the run ended FAILED: Locked: another run holds the lock');
  expect(io.err()).toContain('docs/runbooks/region-failover.md');
});

test('on a terminal (a pseudo-terminal from script), the bundle shows the state the run is in with a running clock, and each completed step', async () => {
  // Prepare
  await useMachine('us-west-2', WAITS);
  const env = { ...process.env, DR_POLL_SECONDS: '0.2', AWS_MAX_ATTEMPTS: '1' };
  const command = `'${process.execPath}' '${bundle.path}' failover --region us-west-2 --yes`;
  // Act: script -q no banner, -e its exit status, -f flushed as it goes, the log to /dev/null.
  const run = spawnSync('script', ['-qefc', command, '/dev/null'], { encoding: 'utf8', env, timeout: 30_000 });
  // Assess: the live line is redrawn in place (carriage return, erase line) while the run waits.
  expect(run.status).toBe(0);
  const redraws = run.stdout.split('\r\x1b[2K').filter((part) => /\+ +\ds {2}\.\.\. WaitForPromotion/.test(part));
  expect(redraws.length).toBeGreaterThanOrEqual(2);
  expect(run.stdout).toMatch(/\+ +\ds {2}WaitForPromotion\r?\n/);
  expect(run.stdout).toMatch(/us-west-2 is active for stage prod \(activate succeeded\)/);
});
