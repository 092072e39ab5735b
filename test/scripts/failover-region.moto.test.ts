// Integration: the failover CLI against moto, with the real aws CLI: it starts the state machine its SSM parameter names.
import { spawnSync } from 'node:child_process';
import { existsSync, mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { PutParameterCommand, SSMClient } from '@aws-sdk/client-ssm';
import { startMoto, type MotoServer } from '../helpers/moto';

const ROOT = resolve(__dirname, '../..');
const SCRIPT = join(ROOT, 'scripts/disaster-recovery/failover-region.sh');
/** The pinned aws CLI of requirements-dev.txt, so the test does not depend on whatever CLI a machine has. */
const VENV_BIN = join(ROOT, '.venv', 'bin');
const REGION = 'us-west-2';
const PASS = JSON.stringify({ StartAt: 'Done', States: { Done: { Type: 'Pass', End: true } } });

let moto: MotoServer;
let home: string;
let target: string;
let decoy: string;

/** Environment of a machine whose only AWS is moto: dummy keys, no profile or config file. */
function env(): NodeJS.ProcessEnv {
  const clean: NodeJS.ProcessEnv = {};
  for (const [key, value] of Object.entries(process.env)) if (!key.startsWith('AWS_')) clean[key] = value;
  return {
    ...clean,
    PATH: `${VENV_BIN}:${process.env.PATH ?? ''}`,
    HOME: home,
    AWS_ACCESS_KEY_ID: 'testing',
    AWS_SECRET_ACCESS_KEY: 'testing',
    AWS_CONFIG_FILE: join(home, 'none'),
    AWS_SHARED_CREDENTIALS_FILE: join(home, 'none'),
    AWS_ENDPOINT_URL: moto.endpoint,
    FAILOVER_POLL_SECONDS: '0',
  };
}

/**
 * The aws CLI against moto, for the Step Functions side: the project has no Step Functions SDK
 * client, and the script under test needs the CLI anyway.
 */
function aws<T>(...args: string[]): T {
  const result = spawnSync('aws', ['--region', REGION, '--output', 'json', ...args], { encoding: 'utf8', env: env() });
  if (result.error)
    throw new Error(`the aws CLI could not run (${result.error.message}); the failover script needs it`);
  if (result.status !== 0) throw new Error(`aws ${args.join(' ')} failed: ${result.stderr}`);
  return JSON.parse(result.stdout) as T;
}

function createStateMachine(name: string): string {
  return aws<{ stateMachineArn: string }>(
    'stepfunctions',
    'create-state-machine',
    '--name',
    name,
    '--definition',
    PASS,
    '--role-arn',
    'arn:aws:iam::123456789012:role/failover',
  ).stateMachineArn;
}

function executions(stateMachineArn: string) {
  return aws<{ executions: { executionArn: string; name: string }[] }>(
    'stepfunctions',
    'list-executions',
    '--state-machine-arn',
    stateMachineArn,
  ).executions;
}

function failover(...args: string[]) {
  return spawnSync('bash', [SCRIPT, ...args], { encoding: 'utf8', env: env() });
}

beforeAll(async () => {
  // A missing CLI is an error, never a skip: the script would then be tested against nothing.
  if (!existsSync(join(VENV_BIN, 'aws'))) {
    throw new Error(`the aws CLI is not installed in ${VENV_BIN}: run "npm run setup:python"`);
  }
  // The script waits for its run: moto must execute it (a Pass state), not leave it RUNNING.
  moto = await startMoto({ executeStateMachines: true });
  home = mkdtempSync(join(tmpdir(), 'failover-moto-'));
  target = createStateMachine('async-toolformer-prod-usw2-region-failover');
  decoy = createStateMachine('async-toolformer-prod-usw2-something-else');
  const ssm = new SSMClient(moto.clientConfig(REGION));
  await ssm.send(
    new PutParameterCommand({
      Name: '/async-toolformer/prod/failover/state-machine-arn',
      Value: target,
      Type: 'String',
    }),
  );
  // Starting moto_server takes seconds, more on a busy machine (startMoto waits up to 30 s).
}, 60_000);

afterAll(async () => {
  await moto?.stop();
  if (home) rmSync(home, { recursive: true, force: true });
});

test('--dry-run reads the parameter and starts nothing', () => {
  const result = failover('--from', 'us-east-1', '--to', REGION, '--dry-run');
  expect(result.status).toBe(0);
  expect(result.stderr).toContain(`dry run: would start ${target} in ${REGION}`);
  expect(executions(target)).toEqual([]);
});

test('runs the state machine the parameter names, waits for it and prints its ARN', () => {
  const result = failover('--from', 'us-east-1', '--to', REGION, '--yes');
  expect(result.status).toBe(0);
  const executionArn = result.stdout.trim();
  expect(executions(target)).toEqual([
    expect.objectContaining({
      executionArn,
      name: expect.stringMatching(/^activate-us-west-2-\d{8}T\d{6}Z-[0-9a-f]{6}$/),
    }),
  ]);
  expect(executions(decoy)).toEqual([]);
  const described = aws<{ input: string }>('stepfunctions', 'describe-execution', '--execution-arn', executionArn);
  expect(JSON.parse(described.input)).toMatchObject({ action: 'activate', requestedBy: 'operator' });
  expect(result.stderr).toContain('Done');
  expect(result.stderr).toContain(`${REGION} is active for stage prod`);
});

test('fails when the --to region has no parameter: its Automation stack is not deployed', () => {
  const result = failover('--from', REGION, '--to', 'us-east-1', '--yes');
  expect(result.status).toBe(1);
  expect(result.stderr).toMatch(
    /failover failed: could not read \/async-toolformer\/prod\/failover\/state-machine-arn in us-east-1: deploy the Automation stack of us-east-1 first/,
  );
});
