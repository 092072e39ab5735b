// The Aurora sentinel job: where the global writer is, count every table's rows and overwrite the sentinel row, minutes before each backup.
import type { RDSClient } from '@aws-sdk/client-rds';
import type { RDSDataClient } from '@aws-sdk/client-rds-data';
import { DescribeSecretCommand, type SecretsManagerClient } from '@aws-sdk/client-secrets-manager';
import { sentinelValue } from '../shared/sentinel';
import {
  findAuroraWriter,
  outcomeOf,
  type AuroraTarget,
  type JobOutcome,
  type Placement,
} from '../shared/writer-placement';
import { countRows, writeSentinel, type DataApiTarget, type SentinelRow } from './sentinel-row';

export interface SentinelJobDeps {
  /** Asks this region's RDS where the global cluster's writer is. */
  readonly rds: RDSClient;
  /** Runs the statements on this region's cluster through the Data API. */
  readonly data: RDSDataClient;
  /** Resolves the master secret's full ARN, which the Data API requires, from its fixed name. */
  readonly secrets: SecretsManagerClient;
  readonly now: () => Date;
}

export interface SentinelJobSettings {
  readonly stage: string;
  /** This region's member of the global cluster. */
  readonly target: AuroraTarget;
  /** This region's cluster ARN, which the Data API runs the statements on. */
  readonly clusterArn: string;
  /**
   * Name of the master secret, whose copy in this region the Data API signs in with. By name: in
   * the secondary region the stack knows no full ARN (the replica's suffix is the primary's).
   */
  readonly secretName: string;
  /** The database whose tables are counted and which holds the sentinel row. */
  readonly database: string;
}

export interface SentinelJobResult {
  readonly outcome: JobOutcome;
  readonly placement: Placement;
  /** The row written; absent when the writer is in the other region. */
  readonly written?: SentinelRow;
}

/**
 * Writes the sentinel where the writer is, and nowhere else: the Data API answers only on a
 * writer, and the other region's job, which finds the writer here, would write the same row twice.
 * Counts first, then the row, so the row never claims counts that were read after it.
 */
export async function run(deps: SentinelJobDeps, settings: SentinelJobSettings): Promise<SentinelJobResult> {
  const placement = await findAuroraWriter(deps.rds, settings.target);
  const outcome = outcomeOf(placement);
  if (outcome !== 'acted') return { outcome, placement };
  const { ARN: secretArn } = await deps.secrets.send(new DescribeSecretCommand({ SecretId: settings.secretName }));
  if (!secretArn) throw new Error(`secret ${settings.secretName} has no ARN in this region`);
  const target: DataApiTarget = { resourceArn: settings.clusterArn, secretArn, database: settings.database };
  const rowCounts = await countRows(deps.data, target);
  const written: SentinelRow = { ...sentinelValue(settings.stage, deps.now()), rowCounts };
  await writeSentinel(deps.data, target, written);
  return { outcome, placement, written };
}
