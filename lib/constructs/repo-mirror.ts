// The plan's "internal" repository mirror: a versioned, Object-Locked bucket per region for the daily git bundles, and the GitHub OIDC role that may only put bundles into them.
import { ArnFormat, Duration, RemovalPolicy, Stack, Token, Validations } from 'aws-cdk-lib';
import * as iam from 'aws-cdk-lib/aws-iam';
import * as s3 from 'aws-cdk-lib/aws-s3';
import * as ssm from 'aws-cdk-lib/aws-ssm';
import { Construct } from 'constructs';
import { freezeParameters } from '../contract/deploy-freeze';
import { AccessLogBucket } from './access-log-bucket';
import { lockBucket, type BucketObjectLock } from './object-lock';
import { PRIVATE_BUCKET_PROPS } from './private-bucket';

/** Key prefix of the bundles; the mirror role may write nothing else. */
export const REPO_BUNDLE_PREFIX = 'bundles/';

/** Props of {@link RepoMirrorBucket}. */
export interface RepoMirrorBucketProps {
  /** Fixed name, so the workflow and the role name it without a reference. */
  readonly bucketName: string;
  /** The stage, for the parameter `dr repo verify` reads the name from. */
  readonly stage: string;
  /** Object Lock of every bundle, as the bucket's default retention. */
  readonly objectLock: Omit<BucketObjectLock, 'placement'>;
}

/**
 * One region's mirror. Every bundle is a new dated key, so a compromised workflow can add bundles
 * but not change or delete the ones already there: Object Lock keeps each version for the retention,
 * and versioning keeps an overwritten key's old version. The lifecycle expires a bundle one day after
 * its lock ends; it could not before.
 */
export class RepoMirrorBucket extends Construct {
  public readonly bucket: s3.Bucket;
  public readonly objectLock: BucketObjectLock;

  constructor(scope: Construct, id: string, props: RepoMirrorBucketProps) {
    super(scope, id);
    const accessLogs = new AccessLogBucket(this, 'AccessLogs', { retention: Duration.days(365) }).bucket;
    const keep = props.objectLock.retention.plus(Duration.days(1));
    this.bucket = new s3.Bucket(this, 'Resource', {
      bucketName: props.bucketName,
      ...PRIVATE_BUCKET_PROPS,
      serverAccessLogsBucket: accessLogs,
      serverAccessLogsPrefix: 'repo-mirror/',
      // The only copy of the repository outside GitHub: never deleted with its stack.
      removalPolicy: RemovalPolicy.RETAIN,
      lifecycleRules: [{ expiration: keep, noncurrentVersionExpiration: keep }],
    });
    // A default retention: the workflow uploads with the aws CLI and an explicit --checksum-algorithm,
    // which S3 asks of every upload into such a bucket.
    this.objectLock = lockBucket(this.bucket, { ...props.objectLock, placement: 'bucket-default' });
    new ssm.StringParameter(this, 'NameParameter', {
      parameterName: freezeParameters(props.stage).repoMirrorBucket,
      stringValue: this.bucket.bucketName,
      description: 'Bucket of the daily git bundles of this region (dr repo verify)',
    });
    Validations.of(this.bucket).acknowledge(
      {
        id: 'NIST.800.53.R5-S3BucketReplicationEnabled',
        reason:
          'Each region has its own mirror, written directly by the workflow: the other region holds the second copy.',
      },
      {
        id: 'NIST.800.53.R5-S3DefaultEncryptionKMS',
        reason:
          'SSE-S3: the bundle holds the source code, which GitHub holds too; the writer is a GitHub workflow without a key grant.',
      },
    );
  }
}

/** Props of {@link RepoMirrorRole}. */
export interface RepoMirrorRoleProps {
  /** Fixed name: the workflow spells the ARN from the account and this name. */
  readonly roleName: string;
  /** GitHub `owner/name`; only workflow runs of its `main` branch may assume the role. */
  readonly githubRepository: string;
  /** Names of the mirror buckets of every region of the stage. */
  readonly bucketNames: readonly string[];
}

/** GitHub's OIDC issuer; the account's provider for it is created with the deploy role (docs/deploying.md). */
export const GITHUB_OIDC_HOST = 'token.actions.githubusercontent.com';

/**
 * The role the mirror workflow assumes with GitHub's OIDC token. It may put objects under
 * {@link REPO_BUNDLE_PREFIX} of the mirror buckets and nothing else: no read, no delete, no
 * retention change, so a stolen token can add a bundle but never remove one. IAM is global, so one
 * stack of the stage creates it.
 */
export class RepoMirrorRole extends Construct {
  public readonly role: iam.Role;

  constructor(scope: Construct, id: string, props: RepoMirrorRoleProps) {
    super(scope, id);
    if (props.bucketNames.length === 0)
      throw new Error(`${this.node.path}: bucketNames is empty; give every region's mirror bucket`);
    const stack = Stack.of(this);
    const provider = iam.OpenIdConnectProvider.fromOpenIdConnectProviderArn(
      this,
      'GitHub',
      stack.formatArn({
        service: 'iam',
        region: '',
        resource: 'oidc-provider',
        resourceName: GITHUB_OIDC_HOST,
        arnFormat: ArnFormat.SLASH_RESOURCE_NAME,
      }),
    );
    this.role = new iam.Role(this, 'Resource', {
      roleName: props.roleName,
      description: `GitHub ${props.githubRepository} main: puts the daily git bundle into the repository mirror buckets`,
      maxSessionDuration: Duration.hours(1),
      assumedBy: new iam.OpenIdConnectPrincipal(provider, {
        StringEquals: {
          [`${GITHUB_OIDC_HOST}:aud`]: 'sts.amazonaws.com',
          [`${GITHUB_OIDC_HOST}:sub`]: `repo:${props.githubRepository}:ref:refs/heads/main`,
        },
      }),
    });
    const bundles = props.bucketNames.map((name) => `arn:${stack.partition}:s3:::${name}/${REPO_BUNDLE_PREFIX}*`);
    const put = new iam.ManagedPolicy(this, 'PutBundles', {
      description: 'Put git bundles into the repository mirror buckets; nothing else',
      statements: [new iam.PolicyStatement({ actions: ['s3:PutObject'], resources: bundles })],
      roles: [this.role],
    });
    // cdk-nag names a resource as synthesized: the partition token as <AWS::Partition>.
    const partition = Token.isUnresolved(stack.partition) ? '<AWS::Partition>' : stack.partition;
    Validations.of(put).acknowledge(
      ...props.bucketNames.map((name) => ({
        id: `AwsSolutions-IAM5[Resource::arn:${partition}:s3:::${name}/${REPO_BUNDLE_PREFIX}*]`,
        reason: 'Each day writes a new dated bundle key, unknown in advance, under the bundles/ prefix only.',
      })),
    );
  }
}
