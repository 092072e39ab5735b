// The repository mirror as `dr repo verify` checks it: the newest bundle of a region's bucket, verified by git and holding the expected main.
import { execFile } from 'node:child_process';
import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { promisify } from 'node:util';
import { awsCall, clientConfig, type Sdk } from './aws';
import type { StageNames } from './stage';
import { freezeParameters } from '../../lib/contract/deploy-freeze';

const run = promisify(execFile);

/** Key prefix of the bundles (lib/constructs/repo-mirror.ts writes nothing else). */
export const BUNDLE_PREFIX = 'bundles/';

/** The mirror runs daily: a newest bundle older than this means the workflow stopped. */
export const MAX_BUNDLE_AGE_HOURS = 48;

/** What was found in one region. */
export interface BundleCheck {
  readonly region: string;
  readonly bucket: string;
  readonly key?: string;
  readonly bytes?: number;
  readonly lastModified?: string;
  readonly ageHours?: number;
  /** `git bundle verify` passed: complete, no missing prerequisites. */
  readonly verified: boolean;
  /** refs/heads/main of the bundle. */
  readonly main?: string;
  /** The expected commit is main of the bundle or one of its ancestors. */
  readonly holdsCommit: boolean;
  readonly problems: readonly string[];
}

/** Runs git; a failure carries git's own words. */
async function git(args: readonly string[], cwd?: string): Promise<string> {
  try {
    const { stdout } = await run('git', [...args], { cwd, maxBuffer: 64 * 1024 * 1024 });
    return stdout.trim();
  } catch (error) {
    const failed = error as { stderr?: string; message: string };
    throw new Error(`git ${args[0]} failed: ${(failed.stderr ?? failed.message).trim().split('\n').at(-1)}`, {
      cause: error,
    });
  }
}

/** The commit the bundle must hold: --commit, else origin/main of the repository in `cwd`. */
export async function expectedCommit(commit: string | undefined, cwd: string): Promise<string> {
  if (commit !== undefined) return commit;
  return git(['rev-parse', '--verify', 'origin/main^{commit}'], cwd);
}

/**
 * Checks a bundle file: `git bundle verify` in a scratch repository (a bundle that needs commits it
 * does not carry fails there), its main, and whether `commit` is main or an ancestor of it.
 */
export async function checkBundleFile(
  file: string,
  commit: string,
): Promise<Pick<BundleCheck, 'verified' | 'main' | 'holdsCommit' | 'problems'>> {
  const scratch = await mkdtemp(join(tmpdir(), 'dr-repo-verify-'));
  const problems: string[] = [];
  let verified = false;
  let main: string | undefined;
  let holdsCommit = false;
  try {
    await git(['init', '--quiet', '--bare', scratch]);
    try {
      await git(['bundle', 'verify', '--quiet', file], scratch);
      verified = true;
    } catch (error) {
      problems.push(`git bundle verify: ${(error as Error).message}`);
    }
    if (verified) {
      const heads = await git(['bundle', 'list-heads', file, 'refs/heads/main'], scratch);
      main = heads.split(/\s+/)[0] || undefined;
      if (main === undefined) problems.push('the bundle has no refs/heads/main');
      else {
        await git(['fetch', '--quiet', file, 'refs/heads/main:refs/heads/main'], scratch);
        try {
          const full = await git(['rev-parse', '--verify', `${commit}^{commit}`], scratch);
          await git(['merge-base', '--is-ancestor', full, 'refs/heads/main'], scratch);
          holdsCommit = true;
        } catch {
          problems.push(
            `main of the bundle (${main}) does not hold ${commit}: the bundle is older than main, or of another history`,
          );
        }
      }
    }
  } finally {
    await rm(scratch, { recursive: true, force: true });
  }
  return { verified, ...(main ? { main } : {}), holdsCommit, problems };
}

export interface RepoDeps {
  readonly sdk: Sdk;
  readonly names: StageNames;
  readonly now: () => Date;
}

/** The newest bundle of `region`'s mirror bucket, downloaded and checked against `commit`. */
export async function verifyRegion(deps: RepoDeps, region: string, commit: string): Promise<BundleCheck> {
  const { SSMClient, GetParameterCommand } = await deps.sdk.ssm();
  const parameter = freezeParameters(deps.names.stage).repoMirrorBucket;
  const ssm = new SSMClient(clientConfig(region));
  let bucket: string;
  try {
    const { Parameter } = await awsCall(
      `ssm:GetParameter ${parameter}`,
      region,
      'deploy the Protection stack of the region (step 2)',
      () => ssm.send(new GetParameterCommand({ Name: parameter })),
    );
    bucket = Parameter?.Value ?? '';
  } finally {
    ssm.destroy();
  }
  // The S3 client is loaded here: the Sdk interface of aws.ts is built whole by other tests.
  const { S3Client, ListObjectsV2Command, GetObjectCommand } = await import('@aws-sdk/client-s3');
  const s3 = new S3Client({ ...clientConfig(region), forcePathStyle: process.env.AWS_ENDPOINT_URL !== undefined });
  try {
    let newest: { Key?: string; LastModified?: Date; Size?: number } | undefined;
    let token: string | undefined;
    do {
      const page = await awsCall(
        `s3:ListObjectsV2 s3://${bucket}/${BUNDLE_PREFIX}`,
        region,
        'check the bucket and your access',
        () => s3.send(new ListObjectsV2Command({ Bucket: bucket, Prefix: BUNDLE_PREFIX, ContinuationToken: token })),
      );
      for (const object of page.Contents ?? []) {
        // S3 keeps whole seconds; the workflow's keys start with the UTC time, so the key breaks a tie.
        const time = object.LastModified?.getTime() ?? 0;
        const best = newest?.LastModified?.getTime() ?? -1;
        if (time > best || (time === best && (object.Key ?? '') > (newest?.Key ?? ''))) newest = object;
      }
      token = page.IsTruncated ? page.NextContinuationToken : undefined;
    } while (token);
    if (!newest?.Key) {
      return {
        region,
        bucket,
        verified: false,
        holdsCommit: false,
        problems: [`no bundle under s3://${bucket}/${BUNDLE_PREFIX}`],
      };
    }
    const key = newest.Key;
    const object = await awsCall(`s3:GetObject s3://${bucket}/${key}`, region, 'check the bucket and your access', () =>
      s3.send(new GetObjectCommand({ Bucket: bucket, Key: key })),
    );
    const dir = await mkdtemp(join(tmpdir(), 'dr-repo-bundle-'));
    try {
      const file = join(dir, 'repo.bundle');
      await writeFile(file, await object.Body!.transformToByteArray());
      const result = await checkBundleFile(file, commit);
      const ageHours = Math.round(((deps.now().getTime() - newest.LastModified!.getTime()) / 3_600_000) * 10) / 10;
      const problems = [...result.problems];
      if (ageHours > MAX_BUNDLE_AGE_HOURS) {
        problems.push(`the newest bundle is ${ageHours} hours old: the daily mirror workflow has not run since`);
      }
      return {
        region,
        bucket,
        key,
        bytes: newest.Size ?? 0,
        lastModified: newest.LastModified!.toISOString(),
        ageHours,
        ...result,
        problems,
      };
    } finally {
      await rm(dir, { recursive: true, force: true });
    }
  } finally {
    s3.destroy();
  }
}
