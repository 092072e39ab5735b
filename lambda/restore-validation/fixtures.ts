// A restored Aurora cluster in memory, for the tests and the alarm contract: AWS Backup, RDS and the Data API answering as one world.
import { READ_ROW_SQL, READ_SQL, COUNT_ROWS_SQL } from '../aurora-sentinel/sentinel-row';
import { sentinelValue } from '../shared/sentinel';

/** What the restored copy holds. */
export interface RestoredData {
  /** The sentinel row: `undefined` for a copy without the table. */
  readonly sentinel?: { readonly writtenAt: string; readonly checksum: string; readonly rowCounts: string };
  /** Row counts the restored copy answers with. */
  readonly counts: Readonly<Record<string, number>>;
}

export const RESTORED_CLUSTER = 'awsbackup-restore-test-1';
export const RESTORED_ARN = `arn:aws:rds:us-east-1:123456789012:cluster:${RESTORED_CLUSTER}`;
export const MANAGED_SECRET = 'arn:aws:secretsmanager:us-east-1:123456789012:secret:rds!cluster-1-AbCdEf';
/** When the restored snapshot was made: the sentinel fixtures are written ten minutes before. */
export const RECOVERY_POINT_AT = new Date('2026-11-29T01:05:00Z');

/** A copy whose sentinel the `stage`'s job wrote ten minutes before the snapshot, with `counts` at backup and now. */
export function healthyCopy(stage: string, counts: Record<string, number> = { 'public.jobs': 5000 }): RestoredData {
  const value = sentinelValue(stage, new Date(RECOVERY_POINT_AT.getTime() - 10 * 60_000));
  return { sentinel: { ...value, rowCounts: JSON.stringify(counts) }, counts };
}

/** One SDK call as the fake sees it. */
export interface Call {
  readonly command: string;
  readonly input: Readonly<Record<string, unknown>>;
}

/** Options of {@link restoredWorld}. */
export interface RestoredWorldOptions {
  readonly data: RestoredData;
  readonly keyArn: string;
  readonly engineVersion: string;
  readonly tag: { readonly key: string; readonly value: string };
}

/**
 * A restore job that completed, its cluster, a temporary instance that exists from its create to
 * its delete (available at once), and a Data API that answers the sentinel statements from `data`.
 */
export function restoredWorld(options: RestoredWorldOptions): (call: Call) => unknown {
  let instance: { id: string; tags: unknown[] } | undefined;
  const row = options.data.sentinel;
  const answers: Record<string, (call: Call) => unknown> = {
    DescribeRestoreJob: () => ({
      CreatedResourceArn: RESTORED_ARN,
      CreationDate: new Date('2026-11-29T06:00:00Z'),
      CompletionDate: new Date('2026-11-29T06:22:00Z'),
      RecoveryPointCreationDate: RECOVERY_POINT_AT,
    }),
    GetParameter: () => ({ Parameter: { Value: options.keyArn } }),
    DescribeDBClusters: () => ({
      DBClusters: [
        {
          DBClusterIdentifier: RESTORED_CLUSTER,
          Status: 'available',
          StorageEncrypted: true,
          KmsKeyId: options.keyArn,
          EngineVersion: options.engineVersion,
          HttpEndpointEnabled: instance !== undefined,
          MasterUserSecret: { SecretArn: MANAGED_SECRET, SecretStatus: 'active' },
        },
      ],
    }),
    ModifyDBCluster: () => ({}),
    CreateDBInstance: ({ input }) => {
      instance = { id: input.DBInstanceIdentifier as string, tags: input.Tags as unknown[] };
      return {};
    },
    DescribeDBInstances: ({ input }) => {
      if (!instance || instance.id !== input.DBInstanceIdentifier) {
        throw Object.assign(new Error('DBInstance not found'), { name: 'DBInstanceNotFoundFault' });
      }
      return {
        DBInstances: [
          {
            DBInstanceIdentifier: instance.id,
            DBInstanceArn: `arn:aws:rds:us-east-1:123456789012:db:${instance.id}`,
            DBInstanceStatus: 'available',
          },
        ],
      };
    },
    ListTagsForResource: () => ({ TagList: instance?.tags ?? [] }),
    DeleteDBInstance: () => {
      instance = undefined;
      return {};
    },
    EnableHttpEndpoint: () => ({ HttpEndpointEnabled: true }),
    ExecuteStatement: ({ input }) => {
      if (input.sql === READ_SQL) return { records: [[{ booleanValue: row !== undefined }]] };
      if (input.sql === READ_ROW_SQL) {
        return {
          records: row
            ? [[{ stringValue: row.writtenAt }, { stringValue: row.checksum }, { stringValue: row.rowCounts }]]
            : [],
        };
      }
      if (input.sql === COUNT_ROWS_SQL) {
        return {
          records: Object.entries(options.data.counts).map(([table, rows]) => [
            { stringValue: table },
            { longValue: rows },
          ]),
        };
      }
      throw Object.assign(new Error(`unexpected statement ${String(input.sql).slice(0, 40)}`), {
        name: 'BadRequestException',
      });
    },
    PutRestoreValidationResult: () => ({}),
  };
  return (call) => {
    const answer = answers[call.command];
    if (!answer) throw Object.assign(new Error(`${call.command} denied`), { name: 'AccessDeniedException' });
    return answer(call);
  };
}
