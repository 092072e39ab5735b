// A versioned, retained, SSE-S3 bucket that replicates into its twin in the other region with Replication Time Control, or is that twin.
import { Duration, RemovalPolicy, Stack, Token, Validations } from 'aws-cdk-lib';
import * as cloudwatch from 'aws-cdk-lib/aws-cloudwatch';
import * as iam from 'aws-cdk-lib/aws-iam';
import * as s3 from 'aws-cdk-lib/aws-s3';
import { Construct } from 'constructs';
import { lockBucket, type BucketObjectLock } from './object-lock';
import { PRIVATE_BUCKET_PROPS } from './private-bucket';

/** Where a {@link ReplicatedBucket} replicates to. */
export interface BucketReplication {
  /**
   * The twin in the other region, imported by its fixed name and its region
   * (`s3.Bucket.fromBucketAttributes(scope, id, { bucketName, region })`). It must exist and be
   * versioned before this bucket is deployed.
   */
  readonly destination: s3.IBucket;
  /** Id of the replication rule, the `RuleId` dimension of the S3 replication metrics. */
  readonly ruleId: string;
  /**
   * Replicate delete markers too, which grants the role `s3:ReplicateDelete`.
   * @default false - a delete here never reaches the replica
   * @see https://docs.aws.amazon.com/AmazonS3/latest/userguide/delete-marker-replication.html
   */
  readonly deleteMarkerReplication?: boolean;
}

/** Props of {@link ReplicatedBucket}. */
export interface ReplicatedBucketProps {
  /** Fixed name, so that the other region, its functions and runbooks name the bucket without a lookup. */
  readonly bucketName: string;
  /**
   * Why SSE-S3 is right for what this bucket holds; recorded as the acknowledgement of
   * `NIST.800.53.R5-S3DefaultEncryptionKMS`. Every ReplicatedBucket is SSE-S3: replicating SSE-KMS
   * objects needs grants on a key in each region, which this construct does not make.
   * @see https://docs.aws.amazon.com/AmazonS3/latest/userguide/replication-config-for-kms-objects.html
   */
  readonly encryptionReason: string;
  /**
   * Lifecycle of the objects.
   * @default - objects and their old versions are kept until deleted
   */
  readonly lifecycleRules?: s3.LifecycleRule[];
  /** Bucket that receives the S3 server access logs; a bucket of this app, whose policy this construct extends. */
  readonly accessLogBucket: s3.IBucket;
  /**
   * S3 Object Lock of this bucket (see {@link lockBucket}). A bucket that replicates with a lock
   * needs a locked twin: S3 replicates objects of an Object Lock bucket only into a bucket with
   * Object Lock enabled (otherwise `DstBucketObjectLockConfigMissing`), and the replica keeps the
   * source version's retention. Its role then also reads each version's retention and legal hold.
   * @default - no Object Lock
   * @see https://docs.aws.amazon.com/AmazonS3/latest/userguide/object-lock-managing.html#object-lock-managing-replication
   */
  readonly objectLock?: BucketObjectLock;
  /**
   * Key prefix of this bucket's logs in {@link accessLogBucket}, for example `backups/`.
   * @see https://docs.aws.amazon.com/AmazonS3/latest/userguide/ServerLogs.html
   */
  readonly accessLogPrefix: string;
  /**
   * Replicate every new object version into the other region, with Replication Time Control (15
   * minutes) and replication metrics.
   * @default - no replication: this bucket is the twin that the other region replicates into
   * @see https://docs.aws.amazon.com/AmazonS3/latest/userguide/replication-time-control.html
   */
  readonly replication?: BucketReplication;
  /**
   * Why this bucket does not replicate itself; recorded as the acknowledgement of
   * `NIST.800.53.R5-S3BucketReplicationEnabled`. Required exactly when {@link replication} is absent.
   * @default - none: the bucket replicates
   */
  readonly replicaReason?: string;
}

/** Metrics S3 publishes per replication rule once replication metrics are on. */
export type ReplicationMetricName = 'ReplicationLatency' | 'OperationsFailedReplication';

/**
 * Private, TLS-only, versioned, SSE-S3 bucket with ACLs disabled and server access logging, retained
 * when its stack goes. With {@link ReplicatedBucketProps.replication}, it replicates into its twin
 * with Replication Time Control, through a role of its own whose one managed policy names both
 * buckets; the twin (the same construct without `replication`) is created first, in its own stack.
 *
 * The bucket's id is `Default`, which CDK leaves out of logical ids: a ReplicatedBucket given the id
 * of a bucket it replaces keeps that bucket's logical id, and so the bucket.
 */
export class ReplicatedBucket extends Construct {
  public readonly bucket: s3.Bucket;
  /** What this bucket replicates into, if it replicates. */
  public readonly replication?: BucketReplication;
  /** The role S3 replicates with, if the bucket replicates. */
  public readonly replicationRole?: iam.Role;
  /** The fixed name of {@link bucket}. */
  public readonly bucketName: string;
  /** The bucket's Object Lock, if it has one. */
  public readonly objectLock?: BucketObjectLock;

  constructor(scope: Construct, id: string, props: ReplicatedBucketProps) {
    super(scope, id);
    validate(this, props);
    const stack = Stack.of(this);
    this.bucketName = props.bucketName;
    this.replication = props.replication;
    this.replicationRole = props.replication ? this.createReplicationRole(props, props.replication) : undefined;

    this.bucket = new s3.Bucket(this, 'Default', {
      bucketName: props.bucketName,
      ...PRIVATE_BUCKET_PROPS,
      removalPolicy: RemovalPolicy.RETAIN,
      ...(props.lifecycleRules ? { lifecycleRules: props.lifecycleRules } : {}),
      ...(props.replication && this.replicationRole
        ? {
            replicationRole: this.replicationRole.withoutPolicyUpdates(),
            replicationRules: [
              {
                id: props.replication.ruleId,
                destination: props.replication.destination,
                replicationTimeControl: s3.ReplicationTimeValue.FIFTEEN_MINUTES,
                metrics: s3.ReplicationTimeValue.FIFTEEN_MINUTES,
                deleteMarkerReplication: props.replication.deleteMarkerReplication ?? false,
              },
            ],
          }
        : {}),
    });
    this.objectLock = props.objectLock ? lockBucket(this.bucket, props.objectLock) : undefined;
    Validations.of(this.bucket).acknowledge({
      id: 'NIST.800.53.R5-S3DefaultEncryptionKMS',
      reason: props.encryptionReason,
    });
    if (props.replicaReason) {
      Validations.of(this.bucket).acknowledge({
        id: 'NIST.800.53.R5-S3BucketReplicationEnabled',
        reason: props.replicaReason,
      });
    }

    // Logging is admitted by a statement of the log bucket's policy, written out here: never by ACLs,
    // whichever way @aws-cdk/aws-s3:serverAccessLogsUseBucketPolicy is set.
    (this.bucket.node.defaultChild as s3.CfnBucket).loggingConfiguration = {
      destinationBucketName: props.accessLogBucket.bucketName,
      logFilePrefix: props.accessLogPrefix,
    };
    const granted = props.accessLogBucket.addToResourcePolicy(
      new iam.PolicyStatement({
        sid: 'S3ServerAccessLogs',
        principals: [new iam.ServicePrincipal('logging.s3.amazonaws.com')],
        actions: ['s3:PutObject'],
        resources: [props.accessLogBucket.arnForObjects(`${props.accessLogPrefix}*`)],
        conditions: {
          ArnLike: { 'aws:SourceArn': this.bucket.bucketArn },
          StringEquals: { 'aws:SourceAccount': stack.account },
        },
      }),
    );
    if (!granted.statementAdded) {
      throw new Error(
        `accessLogBucket of ${this.node.path} is imported, so its policy cannot admit S3 server access logging; ` +
          'pass a bucket created in this app',
      );
    }
  }

  /**
   * A replication metric of this bucket's rule, over 5 minutes: the worst latency, or the number of
   * failed operations.
   * @see https://docs.aws.amazon.com/AmazonS3/latest/userguide/repl-metrics.html
   */
  public metricReplication(metricName: ReplicationMetricName): cloudwatch.Metric {
    if (!this.replication) {
      throw new Error(`${this.node.path} does not replicate, so it has no ${metricName}; give it replication first`);
    }
    return new cloudwatch.Metric({
      namespace: 'AWS/S3',
      metricName,
      dimensionsMap: {
        // The fixed name, not a reference: an alarm on the metric need not wait for the bucket.
        SourceBucket: this.bucketName,
        DestinationBucket: this.replication.destination.bucketName,
        RuleId: this.replication.ruleId,
      },
      statistic: metricName === 'ReplicationLatency' ? cloudwatch.Stats.MAXIMUM : cloudwatch.Stats.SUM,
      period: Duration.minutes(5),
    });
  }

  /**
   * The role S3 replicates with. Its permissions are written out in a managed policy with the fixed
   * bucket names, instead of the inline policy the Bucket construct would generate, so nothing in
   * it refers back to the bucket resource.
   * @see https://docs.aws.amazon.com/AmazonS3/latest/userguide/setting-repl-config-perm-overview.html
   */
  private createReplicationRole(props: ReplicatedBucketProps, replication: BucketReplication): iam.Role {
    const stack = Stack.of(this);
    const bucketArn = (name: string) => `arn:${stack.partition}:s3:::${name}`;
    // Nag names the partition as written: a literal with @aws-cdk/core:enablePartitionLiterals, else the pseudo parameter.
    const partition = Token.isUnresolved(stack.partition) ? '<AWS::Partition>' : stack.partition;
    const sourceName = props.bucketName;
    const destinationName = replication.destination.bucketName;
    const source = bucketArn(sourceName);
    const destination = bucketArn(destinationName);
    const policy = new iam.ManagedPolicy(this, 'ReplicationPolicy', {
      description: `Read new object versions of ${sourceName} and replicate them into ${destinationName}`,
      statements: [
        new iam.PolicyStatement({ actions: ['s3:GetReplicationConfiguration', 's3:ListBucket'], resources: [source] }),
        new iam.PolicyStatement({
          actions: [
            's3:GetObjectVersionForReplication',
            's3:GetObjectVersionAcl',
            's3:GetObjectVersionTagging',
            // A locked version replicates with its retention and legal hold, which S3 reads as the role.
            ...(props.objectLock ? ['s3:GetObjectRetention', 's3:GetObjectLegalHold'] : []),
          ],
          resources: [`${source}/*`],
        }),
        new iam.PolicyStatement({
          actions: [
            's3:ReplicateObject',
            ...(replication.deleteMarkerReplication ? ['s3:ReplicateDelete'] : []),
            's3:ReplicateTags',
          ],
          resources: [`${destination}/*`],
        }),
      ],
    });
    const role = new iam.Role(this, 'ReplicationRole', {
      assumedBy: new iam.ServicePrincipal('s3.amazonaws.com', {
        conditions: { StringEquals: { 'aws:SourceAccount': stack.account } },
      }),
      description: `Replicates ${sourceName} to ${destinationName}`,
      // Attached through the role, so the bucket, which reads the role, comes after the policy: S3
      // never replicates with a role that lacks its permissions, not even while the role is replaced.
      managedPolicies: [policy],
    });
    const reason =
      'Replication reads and writes every object version of exactly these two buckets; object-level S3 actions ' +
      'need an object ARN, and the grant names only the one source and the one destination bucket.';
    Validations.of(policy).acknowledge(
      { id: `AwsSolutions-IAM5[Resource::arn:${partition}:s3:::${sourceName}/*]`, reason },
      { id: `AwsSolutions-IAM5[Resource::arn:${partition}:s3:::${destinationName}/*]`, reason },
    );
    return role;
  }
}

/** Throws on props that cannot work, naming the value and the fix; unresolved tokens are not judged. */
function validate(scope: Construct, props: ReplicatedBucketProps): void {
  if (props.encryptionReason.trim() === '') {
    throw new Error(`encryptionReason of ${scope.node.path} is empty; say why SSE-S3 suits what the bucket holds`);
  }
  if (props.replication && props.replicaReason !== undefined) {
    throw new Error(
      `${scope.node.path} has replication and replicaReason; replicaReason is only for the twin that does not replicate, remove it`,
    );
  }
  if (!props.replication && !props.replicaReason?.trim()) {
    throw new Error(
      `${scope.node.path} has neither replication nor replicaReason; give it replication, or say in replicaReason why it is the twin that does not replicate`,
    );
  }
  if (props.replication) {
    const here = Stack.of(scope).region;
    const there = props.replication.destination.env.region;
    if (!Token.isUnresolved(here) && !Token.isUnresolved(there) && here === there) {
      throw new Error(
        `replication.destination of ${scope.node.path} must be in another region than ${here}, got: ${there}; ` +
          "import the other region's bucket with s3.Bucket.fromBucketAttributes({ bucketName, region })",
      );
    }
  }
}
