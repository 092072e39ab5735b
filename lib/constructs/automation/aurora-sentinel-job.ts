// The Aurora sentinel job, in both regions: minutes before each backup, the row the restore test reads back is written where the writer is.
import { ArnFormat, Duration, Stack } from 'aws-cdk-lib';
import { Construct } from 'constructs';
import { AURORA_SENTINEL, FUNCTIONS } from '../../contract';
import { clusterIdentifier, globalClusterIdentifier, masterSecretName } from '../../naming';
import type { DrFunction } from '../dr-function';
import { jobFunction, type AutomationJob, type AutomationJobContext } from './job-context';
import { allow, allowAuroraWriterLookup, arn } from './permissions';

/** Props of {@link AuroraSentinelJob}. */
export interface AuroraSentinelJobProps {
  /** What the jobs of the region share. */
  readonly context: AutomationJobContext;
}

/**
 * Writes the Aurora sentinel (lib/contract AURORA_SENTINEL) on the `aurora-sentinel` plan
 * schedule, which fires ten minutes before the daily and the weekly backups. Through the RDS Data
 * API, signed in with the cluster's master secret: the only database user the stack creates, so
 * the job needs no user of its own and no connection from the VPC; its IAM reaches this region's
 * cluster and that one secret only. Deployed in both regions; each run acts only where the writer is.
 */
export class AuroraSentinelJob extends Construct implements AutomationJob {
  public readonly function: DrFunction;

  constructor(scope: Construct, id: string, props: AuroraSentinelJobProps) {
    super(scope, id);
    const { context } = props;
    const { config, regionConfig } = context;
    const identifier = clusterIdentifier(config, regionConfig);
    const clusterArn = arn(this, { service: 'rds', resource: 'cluster', resourceName: identifier });
    const fn = jobFunction(this, context, {
      contract: FUNCTIONS.auroraSentinel,
      description: 'Writes the Aurora sentinel row and row counts before each backup',
      // The counts are one Data API statement, which the Data API ends after 45 s; the rest is seconds.
      timeout: Duration.minutes(2),
      environment: {
        GLOBAL_CLUSTER_IDENTIFIER: globalClusterIdentifier(config),
        CLUSTER_IDENTIFIER: identifier,
        CLUSTER_ARN: clusterArn,
        MASTER_SECRET_NAME: masterSecretName(config),
        DATABASE_NAME: config.data.applicationDatabase,
      },
    });
    this.function = fn;

    allow(fn, { actions: ['rds-data:ExecuteStatement'], resources: [clusterArn] });
    const secretArn = arn(this, {
      service: 'secretsmanager',
      resource: 'secret',
      resourceName: `${masterSecretName(config)}-??????`,
    });
    allow(fn, {
      actions: ['secretsmanager:DescribeSecret', 'secretsmanager:GetSecretValue'],
      resources: [secretArn],
      wildcardReason:
        "Secrets Manager appends six random characters to a secret's ARN; `-??????` matches exactly that suffix of the master secret's fixed name.",
    });
    allow(fn, {
      actions: ['kms:Decrypt'],
      resources: [
        arn(this, { service: 'kms', resource: 'key', resourceName: '*', arnFormat: ArnFormat.SLASH_RESOURCE_NAME }),
      ],
      conditions: {
        StringEquals: { 'kms:ViaService': `secretsmanager.${Stack.of(this).region}.amazonaws.com` },
        StringLike: { 'kms:EncryptionContext:SecretARN': secretArn },
      },
      wildcardReason:
        "The master secret is encrypted with the primary's secrets key and, in the secondary region, with that region's; Decrypt is allowed only through Secrets Manager and only for that secret (encryption context SecretARN).",
    });
    allowAuroraWriterLookup(fn, config);

    context.scheduler.invokeFunction(this, 'Schedule', {
      name: 'aurora-sentinel',
      planSchedule: AURORA_SENTINEL.schedule,
      function: fn,
    });
    context.alarms.backupSuccessRate('AuroraSentinelSuccessRate', {
      dimensions: { service: FUNCTIONS.auroraSentinel.service, stage: config.stage, region: regionConfig.region },
    });
  }
}
