// dr freeze and dr repo verify against moto: the switch written in both regions with who and why, the deploy roles tagged and untagged, check refusing while on; the newest real git bundle verified against main.
import { execFileSync } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { CreateRoleCommand, IAMClient, ListRoleTagsCommand } from '@aws-sdk/client-iam';
import { CreateBucketCommand, PutObjectCommand, S3Client, type BucketLocationConstraint } from '@aws-sdk/client-s3';
import { GetParameterCommand, PutParameterCommand, SSMClient } from '@aws-sdk/client-ssm';
import { FREEZE_INITIAL, FREEZE_TAG, freezeParameters } from '../../lib/contract/deploy-freeze';
import { main, type CliEnv } from '../../scripts/dr/cli';
import { capturingCli } from './cli-env';
import { startMoto, type MotoServer } from '../helpers/moto';

const NAMES = freezeParameters('prod');
const REGIONS = ['us-east-1', 'us-west-2'];
const ROLE = 'github-deploy-prod';
let moto: MotoServer;
const saved = { ...process.env };
let repo = '';

const ssm = (region: string) => new SSMClient(moto.clientConfig(region));
const put = (region: string, Name: string, Value: string, Type: 'String' | 'StringList' = 'String') =>
  ssm(region).send(new PutParameterCommand({ Name, Value, Type, Overwrite: true }));
const s3 = (region: string) => new S3Client({ ...moto.clientConfig(region), forcePathStyle: true });
const bucketOf = (region: string) => `async-toolformer-prod-repo-mirror-123456789012-${region}`;
const gitIn = (dir: string, ...args: string[]) =>
  execFileSync('git', args, {
    cwd: dir,
    encoding: 'utf8',
    env: {
      ...process.env,
      GIT_AUTHOR_NAME: 't',
      GIT_AUTHOR_EMAIL: 't@t',
      GIT_COMMITTER_NAME: 't',
      GIT_COMMITTER_EMAIL: 't@t',
    },
  }).trim();

beforeAll(async () => {
  moto = await startMoto();
  Object.assign(process.env, {
    AWS_ENDPOINT_URL: moto.endpoint,
    AWS_ACCESS_KEY_ID: 'testing',
    AWS_SECRET_ACCESS_KEY: 'testing',
  });
  for (const region of REGIONS) {
    await put(region, NAMES.freeze, JSON.stringify(FREEZE_INITIAL));
    await put(region, NAMES.guardedRoles, ROLE, 'StringList');
    await put(region, NAMES.repoMirrorBucket, bucketOf(region));
    await s3(region).send(
      new CreateBucketCommand({
        Bucket: bucketOf(region),
        ...(region === 'us-east-1'
          ? {}
          : { CreateBucketConfiguration: { LocationConstraint: region as BucketLocationConstraint } }),
      }),
    );
  }
  await new IAMClient(moto.clientConfig('us-east-1')).send(
    new CreateRoleCommand({ RoleName: ROLE, AssumeRolePolicyDocument: '{"Version":"2012-10-17","Statement":[]}' }),
  );
  // A real repository with two commits on main and a tag, as the mirror workflow bundles it.
  repo = mkdtempSync(join(tmpdir(), 'dr-repo-test-'));
  gitIn(repo, 'init', '--quiet', '--initial-branch=main');
  writeFileSync(join(repo, 'a.txt'), 'one\n');
  gitIn(repo, 'add', 'a.txt');
  gitIn(repo, 'commit', '--quiet', '-m', 'one');
  gitIn(repo, 'tag', 'v1');
  writeFileSync(join(repo, 'a.txt'), 'two\n');
  gitIn(repo, 'commit', '--quiet', '-am', 'two');
}, 60_000);

afterAll(async () => {
  process.env = saved;
  rmSync(repo, { recursive: true, force: true });
  await moto.stop();
});

function env(): CliEnv & { out: () => string; err: () => string } {
  const { env: cli, out, err } = capturingCli({ pollMs: 0 });
  return { ...cli, out, err };
}

async function switchIn(region: string): Promise<Record<string, string>> {
  const { Parameter } = await ssm(region).send(new GetParameterCommand({ Name: NAMES.freeze }));
  return JSON.parse(Parameter!.Value!) as Record<string, string>;
}

async function roleFrozen(): Promise<boolean> {
  const { Tags } = await new IAMClient(moto.clientConfig('us-east-1')).send(
    new ListRoleTagsCommand({ RoleName: ROLE }),
  );
  return (Tags ?? []).some((tag) => tag.Key === FREEZE_TAG.key && tag.Value === FREEZE_TAG.value);
}

describe('dr freeze', () => {
  test('check allows a deploy while the switch is off', async () => {
    const io = env();
    expect(await main(['freeze', 'check', '--stage', 'prod'], io)).toBe(0);
    expect(io.out()).toContain('deploy allowed for stage prod');
  });

  test('--dry-run of on reads the switch and the roles and writes nothing', async () => {
    const io = env();
    expect(await main(['freeze', 'on', '--reason', 'drill', '--dry-run'], io)).toBe(0);
    expect(io.out()).toContain('dry run: nothing was written');
    expect((await switchIn('us-east-1')).state).toBe('off');
    expect(await roleFrozen()).toBe(false);
  });

  test('on writes both regions with the reason and who, and tags the deploy role; check then refuses naming them; off lifts both', async () => {
    // Act: freeze on
    const on = env();
    expect(await main(['freeze', 'on', '--reason', 'repository compromise suspected', '--json'], on)).toBe(0);
    // Assess
    for (const region of REGIONS) {
      expect(await switchIn(region)).toEqual(
        expect.objectContaining({ state: 'on', reason: 'repository compromise suspected', by: expect.any(String) }),
      );
    }
    expect(await roleFrozen()).toBe(true);
    const result = JSON.parse(on.out().trim().split('\n').at(-1)!) as { complete: boolean };
    expect(result.complete).toBe(true);

    const check = env();
    expect(await main(['freeze', 'check'], check)).toBe(1);
    expect(check.out()).toContain('deploy REFUSED for stage prod: the deploy freeze is on');
    expect(check.out()).toContain('repository compromise suspected');
    expect(check.out()).toMatch(/us-east-1: ON since .*, set by \S+/);

    const status = env();
    expect(await main(['freeze', 'status'], status)).toBe(0);
    expect(status.out()).toContain(`role ${ROLE}: tagged frozen (IAM denies it)`);

    // Act: freeze off
    expect(await main(['freeze', 'off', '--reason', 'repository restored and verified'], env())).toBe(0);
    for (const region of REGIONS) expect((await switchIn(region)).state).toBe('off');
    expect(await roleFrozen()).toBe(false);
    expect(await main(['freeze', 'check'], env())).toBe(0);
  });

  test('fails when a region holds no freeze state: check refuses, since the switch cannot be read', async () => {
    await put('us-west-2', NAMES.freeze, 'garbage');
    try {
      const io = env();
      expect(await main(['freeze', 'check'], io)).toBe(1);
      expect(io.out()).toContain('the deploy freeze could not be read, so the deploy is refused');
      expect(io.out()).toContain(
        "us-west-2: UNREADABLE: /async-toolformer/prod/deploy/freeze in us-west-2: not JSON: 'garbage'",
      );
      // --region limits the check to the region named.
      expect(await main(['freeze', 'check', '--region', 'us-east-1'], env())).toBe(0);
    } finally {
      await put('us-west-2', NAMES.freeze, JSON.stringify(FREEZE_INITIAL));
    }
  });

  test('fails when a deploy role does not exist: the switch is still written, and the command exits 1 naming the role', async () => {
    await put('us-east-1', NAMES.guardedRoles, `${ROLE},missing-role`, 'StringList');
    try {
      const io = env();
      expect(await main(['freeze', 'on', '--reason', 'test'], io)).toBe(1);
      expect(io.out()).toContain(
        'deploy freeze on for stage prod is INCOMPLETE: iam:TagRole missing-role in IAM failed',
      );
      expect((await switchIn('us-west-2')).state).toBe('on');
    } finally {
      await put('us-east-1', NAMES.guardedRoles, ROLE, 'StringList');
      await main(['freeze', 'off', '--reason', 'test over'], env());
    }
  });
});

describe('dr repo verify', () => {
  const bundle = (name: string, ...refs: string[]) => {
    const file = join(repo, name);
    gitIn(repo, 'bundle', 'create', '--quiet', file, ...refs);
    return readFileSync(file);
  };
  const upload = (region: string, key: string, body: Buffer) =>
    s3(region).send(new PutObjectCommand({ Bucket: bucketOf(region), Key: key, Body: body }));

  test('passes when the newest bundle of each region is complete and holds main', async () => {
    const main_ = gitIn(repo, 'rev-parse', 'main');
    const full = bundle('full.bundle', '--all');
    for (const region of REGIONS) await upload(region, 'bundles/2026-11-27-old.bundle', full);
    for (const region of REGIONS) await upload(region, 'bundles/2026-11-28-new.bundle', full);
    const io = env();
    expect(await main(['repo', 'verify', '--commit', main_, '--json'], io)).toBe(0);
    const result = JSON.parse(io.out().trim().split('\n').at(-1)!) as {
      ok: boolean;
      checks: { key: string; main: string; verified: boolean }[];
    };
    expect(result.ok).toBe(true);
    expect(result.checks.map((check) => [check.key, check.main, check.verified])).toEqual([
      ['bundles/2026-11-28-new.bundle', main_, true],
      ['bundles/2026-11-28-new.bundle', main_, true],
    ]);
  });

  test('fails when the newest bundle is older than main: it does not hold the current commit', async () => {
    const current = gitIn(repo, 'rev-parse', 'main');
    // Yesterday's repository: main one commit behind.
    const yesterday = mkdtempSync(join(tmpdir(), 'dr-repo-stale-'));
    gitIn(yesterday, 'clone', '--quiet', '--mirror', repo, '.');
    gitIn(yesterday, 'update-ref', 'refs/heads/main', 'main~1');
    gitIn(yesterday, 'bundle', 'create', '--quiet', 'stale.bundle', '--all');
    const stale = readFileSync(join(yesterday, 'stale.bundle'));
    rmSync(yesterday, { recursive: true, force: true });
    await upload('us-east-1', 'bundles/2026-11-28-stale.bundle', stale);
    const io = env();
    expect(await main(['repo', 'verify', '--region', 'us-east-1', '--commit', current], io)).toBe(1);
    expect(io.out()).toContain(`does not hold ${current}`);
  });

  test('fails when the newest bundle is incomplete: git bundle verify names the missing commits', async () => {
    const thin = bundle('thin.bundle', 'main~1..main');
    await upload('us-west-2', 'bundles/2026-11-28-thin.bundle', thin);
    const io = env();
    expect(
      await main(['repo', 'verify', '--region', 'us-west-2', '--commit', gitIn(repo, 'rev-parse', 'main')], io),
    ).toBe(1);
    expect(io.out()).toContain('us-west-2: FAILED: git bundle verify');
  });
});
