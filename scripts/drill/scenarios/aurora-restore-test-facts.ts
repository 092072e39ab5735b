// What the Aurora restore-test scenarios simulate around moto: a database the Data API answers from, AWS Backup's restore job, and the RDS calls moto lacks.
import type { BackupClient } from '@aws-sdk/client-backup';
import {
  CreateDBClusterCommand,
  DescribeDBClustersCommand,
  EnableHttpEndpointCommand,
  ModifyDBClusterCommand,
  RDSClient,
  type DBCluster,
} from '@aws-sdk/client-rds';
import type { RDSDataClient } from '@aws-sdk/client-rds-data';
import {
  COUNT_ROWS_SQL,
  CREATE_TABLE_SQL,
  READ_ROW_SQL,
  READ_SQL,
  UPSERT_SQL,
} from '../../../lambda/aurora-sentinel/sentinel-row';
import type { ScenarioContext } from '../scenario';

/** The sentinel row as stored. */
interface StoredRow {
  writtenAt: string;
  checksum: string;
  rowCounts: string;
}

/**
 * A PostgreSQL database as the sentinel statements see it: row counts per table and the sentinel
 * table. moto's rds-data returns only canned results and holds no rows, so the drill answers the
 * five statements lambda/aurora-sentinel/sentinel-row.ts sends from this; any other statement is
 * refused as the Data API would refuse a statement it cannot run.
 */
export class DrillDatabase {
  readonly statements: string[] = [];
  /** The `database` each statement named, in order. */
  readonly databases: (string | undefined)[] = [];
  sentinel: StoredRow | undefined;
  hasSentinelTable = false;

  constructor(readonly tables: Map<string, number>) {}

  /** A copy, as a snapshot of the cluster volume takes it. */
  snapshot(): DrillDatabase {
    const copy = new DrillDatabase(new Map(this.tables));
    copy.hasSentinelTable = this.hasSentinelTable;
    copy.sentinel = this.sentinel ? { ...this.sentinel } : undefined;
    return copy;
  }

  /** An RDSDataClient whose ExecuteStatement this database answers. */
  client(): RDSDataClient {
    return {
      send: async (command: {
        input: {
          sql?: string;
          database?: string;
          parameters?: { name: string; value: Record<string, unknown> }[];
        };
      }) => {
        this.databases.push(command.input.database);
        return this.execute(command.input.sql ?? '', command.input.parameters ?? []);
      },
    } as unknown as RDSDataClient;
  }

  private execute(sql: string, parameters: { name: string; value: Record<string, unknown> }[]) {
    this.statements.push(sql.split('\n')[0]!.slice(0, 60));
    const parameter = (name: string) => String(parameters.find((p) => p.name === name)?.value.stringValue ?? '');
    switch (sql) {
      case COUNT_ROWS_SQL:
        return {
          records: [...this.tables].map(([table, rows]) => [{ stringValue: table }, { longValue: rows }]),
        };
      case CREATE_TABLE_SQL:
        this.hasSentinelTable = true;
        return {};
      case UPSERT_SQL:
        this.sentinel = {
          writtenAt: parameter('writtenAt'),
          checksum: parameter('checksum'),
          rowCounts: parameter('rowCounts'),
        };
        return { numberOfRecordsUpdated: 1 };
      case READ_SQL:
        return { records: [[{ booleanValue: this.hasSentinelTable }]] };
      case READ_ROW_SQL:
        return {
          records: this.sentinel
            ? [
                [
                  { stringValue: this.sentinel.writtenAt },
                  { stringValue: this.sentinel.checksum },
                  { stringValue: this.sentinel.rowCounts },
                ],
              ]
            : [],
        };
      default:
        throw Object.assign(new Error(`the drill's database runs no statement ${sql.slice(0, 40)}`), {
          name: 'BadRequestException',
        });
    }
  }
}

/** An SDK client of `Client` pointed at the drill server in `region`. */
export function drillClient<T>(Client: new (config: object) => T, context: ScenarioContext, region: string): T {
  return new Client({
    region,
    endpoint: context.endpoint,
    credentials: { accessKeyId: 'drill', secretAccessKey: 'drill' },
  });
}

/** What the simulated AWS Backup saw: the verdicts reported for the restore job. */
export interface BackupRecord {
  readonly verdicts: { status: string; message: string }[];
}

/**
 * AWS Backup's side of one restore-testing job: moto holds no restore jobs, so DescribeRestoreJob
 * answers with the cluster the drill restored and PutRestoreValidationResult is recorded.
 */
export function simulatedBackup(restore: {
  readonly clusterArn: string;
  readonly createdAt: Date;
  readonly completedAt: Date;
  readonly recoveryPointAt: Date;
}): { client: BackupClient; record: BackupRecord } {
  const record: BackupRecord = { verdicts: [] };
  const client = {
    send: async (command: { constructor: { name: string }; input: Record<string, unknown> }) => {
      switch (command.constructor.name) {
        case 'DescribeRestoreJobCommand':
          return {
            CreatedResourceArn: restore.clusterArn,
            CreationDate: restore.createdAt,
            CompletionDate: restore.completedAt,
            RecoveryPointCreationDate: restore.recoveryPointAt,
          };
        case 'PutRestoreValidationResultCommand':
          record.verdicts.push({
            status: String(command.input.ValidationStatus),
            message: String(command.input.ValidationStatusMessage),
          });
          return {};
        default:
          throw Object.assign(new Error(`${command.constructor.name} is not simulated`), {
            name: 'AccessDeniedException',
          });
      }
    },
  } as unknown as BackupClient;
  return { client, record };
}

/**
 * moto's RDS, with what it lacks for this test: an RDS-managed master secret after
 * ModifyDBCluster(ManageMasterUserPassword) and the Data API switch (EnableHttpEndpoint), both
 * reflected in DescribeDBClusters. Every other call goes to moto.
 */
export function rdsWithManagedSecrets(context: ScenarioContext, region: string): RDSClient {
  const real = drillClient(RDSClient, context, region);
  const managed = new Set<string>();
  const endpoints = new Set<string>();
  const send = real.send.bind(real) as (command: unknown) => Promise<unknown>;
  return {
    send: async (command: { input: Record<string, unknown> }) => {
      if (command instanceof ModifyDBClusterCommand && command.input.ManageMasterUserPassword) {
        managed.add(String(command.input.DBClusterIdentifier));
        return {};
      }
      if (command instanceof EnableHttpEndpointCommand) {
        endpoints.add(String(command.input.ResourceArn).split(':cluster:')[1] ?? '');
        return { HttpEndpointEnabled: true };
      }
      const answer = await send(command);
      if (command instanceof DescribeDBClustersCommand) {
        const { DBClusters = [] } = answer as { DBClusters?: DBCluster[] };
        return {
          DBClusters: DBClusters.map((cluster) => ({
            ...cluster,
            HttpEndpointEnabled: endpoints.has(cluster.DBClusterIdentifier ?? ''),
            ...(managed.has(cluster.DBClusterIdentifier ?? '')
              ? {
                  MasterUserSecret: {
                    SecretArn: `arn:aws:secretsmanager:${region}:${cluster.DBClusterArn?.split(':')[4] ?? ''}:secret:rds!cluster-drill`,
                    SecretStatus: 'active',
                  },
                }
              : {}),
          })),
        };
      }
      return answer;
    },
  } as unknown as RDSClient;
}

/** Creates, in moto, the cluster AWS Backup would restore: no instances, under the database key, on the engine version given. */
export async function restoredCluster(
  context: ScenarioContext,
  region: string,
  props: { identifier: string; keyArn: string; engineVersion: string },
): Promise<string> {
  const rds = drillClient(RDSClient, context, region);
  const { DBCluster } = await rds.send(
    new CreateDBClusterCommand({
      DBClusterIdentifier: props.identifier,
      Engine: 'aurora-postgresql',
      EngineVersion: props.engineVersion,
      MasterUsername: 'postgres',
      MasterUserPassword: 'drill-password-from-the-snapshot',
      StorageEncrypted: true,
      KmsKeyId: props.keyArn,
    }),
  );
  if (!DBCluster?.DBClusterArn) throw new Error(`moto did not create ${props.identifier}`);
  return DBCluster.DBClusterArn;
}
