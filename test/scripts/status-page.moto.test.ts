// Integration: the operator's status-page command against moto: both regions' pages, the notice, a lost region, bad input and the dry run.
import { spawn } from 'node:child_process';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import {
  CreateBucketCommand,
  DeleteBucketCommand,
  DeleteObjectCommand,
  GetObjectCommand,
  ListObjectVersionsCommand,
  S3Client,
} from '@aws-sdk/client-s3';
import { CreateTopicCommand, SNSClient } from '@aws-sdk/client-sns';
import { loadConfig } from '../../lib/config';
import { customerNoticeTopicName, statusBucketName } from '../../lib/naming';
import { startMoto, type MotoServer } from '../helpers/moto';

const ROOT = resolve(__dirname, '../..');
const config = loadConfig({ stage: 'staging' });
const [east, west] = config.regions;
const bucketOf = (region: typeof east) => statusBucketName(config, region!);

let moto: MotoServer;
let home: string;

interface Run {
  readonly status: number | null;
  readonly stdout: string;
  readonly stderr: string;
}

/** The command with `args`, on a machine whose only AWS is moto. */
function statusPage(...args: string[]): Promise<Run> {
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
    const child = spawn(process.execPath, ['--import', 'tsx', join(ROOT, 'scripts/status-page.ts'), ...args], {
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

const s3 = (region: string) => new S3Client({ ...moto.clientConfig(region), forcePathStyle: true });

async function read(region: typeof east, key: string): Promise<string | undefined> {
  try {
    const response = await s3(region!.region).send(new GetObjectCommand({ Bucket: bucketOf(region), Key: key }));
    return await response.Body?.transformToString();
  } catch (error) {
    if ((error as Error).name === 'NoSuchKey' || (error as Error).name === 'NoSuchBucket') return undefined;
    throw error;
  }
}

async function emptyBucket(region: typeof east): Promise<void> {
  const client = s3(region!.region);
  const { Versions = [], DeleteMarkers = [] } = await client.send(
    new ListObjectVersionsCommand({ Bucket: bucketOf(region) }),
  );
  for (const version of [...Versions, ...DeleteMarkers]) {
    await client.send(
      new DeleteObjectCommand({ Bucket: bucketOf(region), Key: version.Key, VersionId: version.VersionId }),
    );
  }
}

const base = ['--stage', 'staging', '--region', east!.region];

beforeAll(async () => {
  moto = await startMoto();
  home = mkdtempSync(join(tmpdir(), 'status-page-home-'));
  await new SNSClient(moto.clientConfig(east!.region)).send(
    new CreateTopicCommand({ Name: customerNoticeTopicName(config) }),
  );
}, 60_000);

afterAll(async () => {
  await moto?.stop();
  if (home) rmSync(home, { recursive: true, force: true });
});

beforeEach(async () => {
  for (const region of [east, west]) {
    try {
      await s3(region!.region).send(
        new CreateBucketCommand({
          Bucket: bucketOf(region),
          ...(region!.region === 'us-east-1'
            ? {}
            : { CreateBucketConfiguration: { LocationConstraint: region!.region as never } }),
        }),
      );
    } catch (error) {
      if ((error as Error).name !== 'BucketAlreadyOwnedByYou') throw error;
    }
    // us-east-1 answers a second CreateBucket with success, so every bucket is emptied.
    await emptyBucket(region);
  }
});

test('opening and resolving an incident writes both regions and prints the plan notices', async () => {
  // Act
  const opened = await statusPage(
    ...base,
    '--status',
    'investigating',
    '--message',
    'Slow API responses',
    '--affects',
    'core-api',
    '--affects',
    'rate-limiting',
  );
  const resolved = await statusPage(...base, '--status', 'resolved', '--message', 'a faulty deploy, rolled back');

  // Assess
  expect(opened).toMatchObject({ status: 0 });
  expect(opened.stdout).toContain('Impact: Core API Service, Rate Limiting');
  expect(opened.stderr).toMatch(/status page opened inc-[a-p]{12}: written to us-east-1, us-west-2/);
  expect(resolved).toMatchObject({ status: 0 });
  expect(resolved.stdout).toContain('Root cause: a faulty deploy, rolled back');
  for (const region of [east, west]) {
    expect(await read(region, 'index.html')).toContain('Root cause: a faulty deploy, rolled back');
    const feed = JSON.parse((await read(region, 'incidents.json'))!) as { incidents: { status: string }[] };
    expect(feed.incidents.map((incident) => incident.status)).toEqual(['resolved']);
  }
}, 60_000);

test("with one region's bucket gone, the other region's page is still written and the command says which kept the old one", async () => {
  // Prepare: the secondary's bucket is lost.
  await emptyBucket(west);
  await s3(west!.region).send(new DeleteBucketCommand({ Bucket: bucketOf(west) }));

  // Act
  const run = await statusPage(...base, '--status', 'investigating', '--message', 'Errors in one region');

  // Assess
  expect(run.status).toBe(0);
  expect(run.stderr).toContain('written to us-east-1');
  expect(run.stderr).toMatch(/warning: us-west-2 kept the old page/);
  expect(await read(east, 'index.html')).toContain('Errors in one region');
}, 60_000);

test.each([
  ['no open incident to mark identified', ['--status', 'identified', '--message', 'found it'], /no incident is open/],
  [
    'an unknown component',
    ['--status', 'investigating', '--message', 'x', '--affects', 'database'],
    /--affects database/,
  ],
  [
    'a region outside the stage',
    ['--status', 'investigating', '--message', 'x', '--region', 'eu-west-1'],
    /not a region of staging/,
  ],
])(
  'fails with exit 2 and writes nothing on %s',
  async (_what, args, message) => {
    const run = await statusPage('--stage', 'staging', '--region', east!.region, ...args);

    expect(run.status).toBe(2);
    expect(run.stderr).toMatch(message);
    expect(run.stderr).toContain('usage: npm run status-page');
    expect(await read(east, 'index.html')).toBeUndefined();
    expect(await read(west, 'index.html')).toBeUndefined();
  },
  60_000,
);

test('a dry run prints the notice and writes nothing', async () => {
  const run = await statusPage(...base, '--status', 'investigating', '--message', 'Slow API', '--dry-run');

  expect(run.status).toBe(0);
  expect(run.stdout).toContain('🚨 SERVICE ALERT: async-toolformer-orchestrator');
  expect(run.stderr).toContain('nothing was written or sent');
  expect(await read(east, 'index.html')).toBeUndefined();
}, 60_000);

test('--help exits 0 with the usage and touches nothing', async () => {
  const run = await statusPage('--help');

  expect(run).toMatchObject({ status: 0, stdout: expect.stringContaining('usage: npm run status-page') });
  expect(await read(east, 'index.html')).toBeUndefined();
}, 60_000);
