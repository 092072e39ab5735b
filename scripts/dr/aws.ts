// The AWS clients of the dr CLI, loaded on first use (--help and bad input never load the SDK), and the error that names a failed call.
import type * as CloudWatch from '@aws-sdk/client-cloudwatch';
import type * as ElastiCache from '@aws-sdk/client-elasticache';
import type * as Rds from '@aws-sdk/client-rds';
import type * as Sfn from '@aws-sdk/client-sfn';
import type * as Ssm from '@aws-sdk/client-ssm';

/** An AWS call failed: exit status 1, with the call, the region and what to do. */
export class AwsCallError extends Error {
  constructor(
    readonly call: string,
    readonly region: string,
    cause: unknown,
    readonly advice: string,
  ) {
    const reason = cause instanceof Error ? `${cause.name}: ${cause.message}` : String(cause);
    super(`${call} in ${region} failed (${reason}); ${advice}`);
  }
}

/** Runs one AWS call; a failure becomes an {@link AwsCallError} naming it. */
export async function awsCall<T>(call: string, region: string, advice: string, send: () => Promise<T>): Promise<T> {
  try {
    return await send();
  } catch (error) {
    throw new AwsCallError(call, region, error, advice);
  }
}

type SfnModule = typeof Sfn;
type SsmModule = typeof Ssm;
type CloudWatchModule = typeof CloudWatch;
type RdsModule = typeof Rds;
type ElastiCacheModule = typeof ElastiCache;

/** The SDK modules the CLI uses; each is imported once, when a command first needs it. */
export interface Sdk {
  sfn(): Promise<SfnModule>;
  ssm(): Promise<SsmModule>;
  cloudwatch(): Promise<CloudWatchModule>;
  rds(): Promise<RdsModule>;
  elasticache(): Promise<ElastiCacheModule>;
}

export const SDK: Sdk = {
  sfn: () => import('@aws-sdk/client-sfn'),
  ssm: () => import('@aws-sdk/client-ssm'),
  cloudwatch: () => import('@aws-sdk/client-cloudwatch'),
  rds: () => import('@aws-sdk/client-rds'),
  elasticache: () => import('@aws-sdk/client-elasticache'),
};

/**
 * Client settings of a region. The SDK reads AWS_ENDPOINT_URL itself (the tests and the drill point
 * it at moto). `quick` is for probing which region answers: one attempt and a short connection
 * timeout, so a lost region costs seconds, not the SDK's retries.
 */
export function clientConfig(region: string, quick = false) {
  return quick
    ? { region, maxAttempts: 1, requestHandler: { connectionTimeout: 3000, requestTimeout: 5000 } }
    : { region };
}
