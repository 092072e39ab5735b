// Integration: measurements:pull against moto: the results of a stage's game days become the measurements file; a missing bucket parameter writes nothing.
import { spawn } from 'node:child_process';
import { existsSync, mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { CreateBucketCommand, PutObjectCommand, S3Client } from '@aws-sdk/client-s3';
import { DeleteParameterCommand, PutParameterCommand, SSMClient } from '@aws-sdk/client-ssm';
import { gameDayResultsParameter, resultPrefix, type GameDayResult } from '../../lib/contract/game-days';
import { parseMeasurements } from '../../lib/recovery/measurements';
import { startMoto, type MotoServer } from '../helpers/moto';

const ROOT = resolve(__dirname, '../..');
const REGION = 'us-west-2';
const BUCKET = 'game-day-results-test';
let moto: MotoServer;
let home: string;

function pull(...args: string[]): Promise<{ status: number | null; stdout: string; stderr: string }> {
  const env: NodeJS.ProcessEnv = {};
  for (const [key, value] of Object.entries(process.env)) if (!key.startsWith('AWS_')) env[key] = value;
  Object.assign(env, {
    HOME: home,
    AWS_ACCESS_KEY_ID: 'testing',
    AWS_SECRET_ACCESS_KEY: 'testing',
    AWS_CONFIG_FILE: join(home, 'none'),
    AWS_SHARED_CREDENTIALS_FILE: join(home, 'none'),
    AWS_ENDPOINT_URL: moto.endpoint,
  });
  return new Promise((done, fail) => {
    const child = spawn(process.execPath, ['--import', 'tsx', join(ROOT, 'scripts/measurements-pull.ts'), ...args], {
      cwd: ROOT,
      env,
    });
    let stdout = '';
    let stderr = '';
    child.stdout.on('data', (chunk: Buffer) => (stdout += chunk.toString()));
    child.stderr.on('data', (chunk: Buffer) => (stderr += chunk.toString()));
    child.on('error', fail);
    child.on('close', (status) => done({ status, stdout, stderr }));
  });
}

function result(
  gameDay: GameDayResult['gameDay'],
  startedAt: string,
  steps: [string, number, boolean][],
): GameDayResult {
  return {
    gameDay,
    stage: 'staging',
    region: REGION,
    execution: `run-${startedAt.slice(0, 10)}`,
    startedAt,
    endedAt: startedAt,
    passed: true,
    steps: steps.map(([name, seconds, succeeded]) => ({
      name,
      startedAt: 0,
      endedAt: seconds * 1000,
      succeeded,
      seconds,
    })),
    checklist: [],
    issues: [],
  };
}

beforeAll(async () => {
  moto = await startMoto();
  home = mkdtempSync(join(tmpdir(), 'measurements-pull-'));
  const s3 = new S3Client({ ...moto.clientConfig(REGION), forcePathStyle: true });
  await s3.send(new CreateBucketCommand({ Bucket: BUCKET, CreateBucketConfiguration: { LocationConstraint: REGION } }));
  const runs = [
    result('database', '2026-10-05T15:00:00.000Z', [
      ['switchover-to-secondary', 120, true],
      ['switchback-to-primary', 80, true],
    ]),
    result('database', '2026-11-02T15:00:00.000Z', [
      ['switchover-to-secondary', 95, true],
      ['switchback-to-primary', 90, true],
    ]),
    // A failed switchover measured nothing.
    result('database', '2026-12-07T15:00:00.000Z', [['switchover-to-secondary', 900, false]]),
    result('communication', '2026-11-23T15:00:00.000Z', [['acknowledgement', 240, true]]),
  ];
  for (const run of runs) {
    await s3.send(
      new PutObjectCommand({
        Bucket: BUCKET,
        Key: `${resultPrefix(run.gameDay, run.startedAt, run.execution)}result.json`,
        Body: JSON.stringify(run),
      }),
    );
  }
}, 60_000);
afterAll(async () => {
  await moto?.stop();
  rmSync(home, { recursive: true, force: true });
});

test('fails with exit 1 naming the call when the stage has no results bucket parameter, and writes nothing', async () => {
  const out = join(home, 'none.json');
  const run = await pull('--stage', 'staging', '--out', out);
  expect(run.status).toBe(1);
  expect(run.stderr).toMatch(
    /ssm GetParameter \/async-toolformer\/staging\/game-days\/results-bucket failed: ParameterNotFound/,
  );
  expect(existsSync(out)).toBe(false);
}, 30_000);

test('writes each measured term with its samples, p50, p95, date and source runs, from the stage secondary region', async () => {
  const ssm = new SSMClient(moto.clientConfig(REGION));
  await ssm.send(
    new PutParameterCommand({
      Name: gameDayResultsParameter('staging'),
      Value: BUCKET,
      Type: 'String',
      Overwrite: true,
    }),
  );
  const out = join(home, 'measurements.json');
  const run = await pull('--stage', 'staging', '--out', out);
  expect(run).toMatchObject({ status: 0 });
  expect(run.stdout).toMatch(/read 4 results from s3:\/\/game-day-results-test/);
  const file = parseMeasurements(readFileSync(out, 'utf8'));
  expect(file).toMatchObject({ stage: 'staging', source: `s3://${BUCKET}` });
  expect(file.terms.auroraGlobalFailover).toEqual({
    samples: [120, 95],
    p50: 95,
    p95: 120,
    date: '2026-11-02T15:00:00.000Z',
    sourceRuns: [
      'results/database/2026-10-05T15:00:00.000Z-run-2026-10-05/result.json',
      'results/database/2026-11-02T15:00:00.000Z-run-2026-11-02/result.json',
    ],
    how: expect.stringMatching(/^database game day, step switchover-to-secondary/),
  });
  // The application game day has not run: its terms stay modeled.
  expect(Object.keys(file.terms)).toEqual(['auroraGlobalFailover']);
  await ssm.send(new DeleteParameterCommand({ Name: gameDayResultsParameter('staging') }));
}, 30_000);

test('exits 2 on bad input before any AWS call', async () => {
  expect((await pull('--stage', 'staging', '--region', 'eu-west-1')).status).toBe(2);
  expect((await pull()).status).toBe(2);
}, 30_000);
