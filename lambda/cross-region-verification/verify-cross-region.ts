// Monthly cross-region backup verification, run in the secondary region: every day of the window has its copies there.
import {
  paginateListRecoveryPointsByBackupVault,
  type BackupClient,
  type RecoveryPointByBackupVault,
} from '@aws-sdk/client-backup';
import { paginateListObjectsV2, type S3Client, type _Object } from '@aws-sdk/client-s3';
import type { SSMClient } from '@aws-sdk/client-ssm';
import {
  buildReport,
  fail,
  pass,
  retrying,
  runCheck,
  type CheckReport,
  type RetryPolicy,
} from '../shared/check-report';
import { handedOverKeyArn } from '../shared/key-arn';

export interface VerificationDeps {
  readonly backup: BackupClient;
  readonly s3: S3Client;
  /** Reads the backup key ARN that this region's Protection stack hands over. */
  readonly ssm: SSMClient;
  readonly now: () => Date;
  /** @default DEFAULT_RETRY */
  readonly retry?: RetryPolicy;
}

export interface VerificationInput {
  /** Days before today to verify, each on its own. */
  readonly days: number;
  /** Vault of this (the secondary) region and the primary vault its copies come from. */
  readonly vaultName: string;
  readonly sourceVaultName: string;
  readonly clusterArn: string;
  /** SSM parameter holding the ARN of this region's backup key, which copies must be encrypted with. */
  readonly copyKeyParameter: string;
  /** Replica bucket in this region and the prefix of the exports. */
  readonly bucket: string;
  readonly prefix: string;
}

const DAY_MS = 86_400_000;
/** The per-day checks only read the shared listings, which did their own retrying. */
const NO_RETRY: RetryPolicy = { attempts: 1, baseDelayMs: 0, sleep: async () => {} };
const utcDay = (date: Date) => date.toISOString().slice(0, 10);

/** The UTC days to verify: yesterday back to `days` days ago, newest first. */
export function daysToVerify(now: Date, days: number): string[] {
  return Array.from({ length: days }, (_, index) => utcDay(new Date(now.getTime() - (index + 1) * DAY_MS)));
}

/** Whether a copy can still be restored, as far as the list API tells. */
function restorable(point: RecoveryPointByBackupVault, key: string, now: Date): string | undefined {
  if (point.Status !== 'COMPLETED' && point.Status !== 'AVAILABLE') return `is ${point.Status ?? 'in no state'}`;
  if (point.EncryptionKeyArn !== key) return `is encrypted with ${point.EncryptionKeyArn ?? 'no key'}, expected ${key}`;
  const deleteAt = point.CalculatedLifecycle?.DeleteAt;
  if (deleteAt && deleteAt.getTime() <= now.getTime()) return `is past its retention (${deleteAt.toISOString()})`;
  return undefined;
}

export async function run(deps: VerificationDeps, input: VerificationInput): Promise<CheckReport> {
  const now = deps.now();
  const days = daysToVerify(now, input.days);
  const { retry } = deps;

  // One listing each, shared by every day's check; a failure here fails every day it would have proved.
  const listings = retrying(
    () =>
      Promise.all([
        (async () => {
          const points: RecoveryPointByBackupVault[] = [];
          for await (const page of paginateListRecoveryPointsByBackupVault(
            { client: deps.backup },
            { BackupVaultName: input.vaultName, ByResourceArn: input.clusterArn },
          )) {
            points.push(...(page.RecoveryPoints ?? []));
          }
          return points.filter((point) =>
            point.SourceBackupVaultArn?.endsWith(`:backup-vault:${input.sourceVaultName}`),
          );
        })(),
        handedOverKeyArn(deps.ssm, input.copyKeyParameter),
        (async () => {
          const objects: _Object[] = [];
          for await (const page of paginateListObjectsV2(
            { client: deps.s3 },
            { Bucket: input.bucket, Prefix: input.prefix },
          )) {
            objects.push(...(page.Contents ?? []).filter((object) => object.Key?.endsWith('.rdb')));
          }
          return objects;
        })(),
      ]),
    retry,
  );
  // Settled here so an error surfaces inside each check, not as an unhandled rejection.
  listings.catch(() => undefined);

  const results = await Promise.all(
    days.flatMap((day) => [
      runCheck({ check: 'aurora-copy', resource: `${input.vaultName} ${day}`, retry: NO_RETRY }, async () => {
        const [points, key] = await listings;
        const copies = points.filter((point) => point.CreationDate && utcDay(point.CreationDate) === day);
        if (copies.length === 0) return fail(`no copy from ${day}`);
        const problems = copies.map((point) => restorable(point, key, now));
        const good = problems.filter((problem) => problem === undefined).length;
        return good > 0
          ? pass(`${good} restorable cop${good === 1 ? 'y' : 'ies'} from ${day}`)
          : fail(`copy from ${day} ${problems[0]}`);
      }),
      runCheck({ check: 'redis-replica', resource: `s3://${input.bucket} ${day}`, retry: NO_RETRY }, async () => {
        const [, , objects] = await listings;
        const replicas = objects.filter((object) => object.LastModified && utcDay(object.LastModified) === day);
        if (replicas.length === 0) return fail(`no replicated export from ${day}`);
        const empty = replicas.filter((object) => (object.Size ?? 0) <= 0);
        return empty.length === 0
          ? pass(`${replicas.length} export(s) from ${day}`)
          : fail(`${empty[0]!.Key} is empty`);
      }),
    ]),
  );
  return buildReport(results, now);
}
