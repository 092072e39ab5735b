// The AUTH token of the cache tier: generated in the primary region, replicated to the secondary, retained, and rotated on a schedule by our function.
import { Arn, ArnFormat, Duration, RemovalPolicy, Stack, Token, Validations } from 'aws-cdk-lib';
import * as iam from 'aws-cdk-lib/aws-iam';
import type * as kms from 'aws-cdk-lib/aws-kms';
import * as lambda from 'aws-cdk-lib/aws-lambda';
import * as secretsmanager from 'aws-cdk-lib/aws-secretsmanager';
import { Construct } from 'constructs';
import {
  CACHE_AUTH_ROTATOR,
  CACHE_AUTH_TOKEN_SHAPE,
  formatCacheMembers,
  type CacheMember,
} from '../contract/secret-rotation';
import { skipCheckov } from '../nag/checkov';
import { DrFunction } from './dr-function';

/** Props of {@link CacheAuthToken}. */
export interface CacheAuthTokenProps {
  /** Name of the secret, fixed so the secondary region resolves its replica by name. */
  readonly secretName: string;
  /**
   * Key of the secret in this region; the rotation function's logs, queue and environment use it too,
   * so it must be a key of this app.
   */
  readonly encryptionKey: kms.IKey;
  /**
   * Regions the secret is replicated to (encrypted there with the Secrets Manager key of that region).
   * @default - no replicas
   */
  readonly replicaRegions?: readonly string[];
  /**
   * The replication groups whose token follows the secret, rotated in this order: the primary's
   * first. Every Global Datastore member holds its own token, so each is changed.
   */
  readonly members: readonly CacheMember[];
  /**
   * How often Secrets Manager rotates the token, whole days from 1 to 365.
   * @see https://docs.aws.amazon.com/secretsmanager/latest/userguide/rotate-secrets_schedule.html
   */
  readonly rotationSchedule: Duration;
  /** Stage, for the rotation function's metrics. */
  readonly stage: string;
}

/**
 * Longest run of one rotation step: each member's token change waits for the group to be available
 * before and after it, a few minutes each on ElastiCache; Lambda allows at most 15 minutes.
 */
const STEP_TIMEOUT = Duration.minutes(15);

/**
 * A 64-character AUTH token of letters and digits. Retained: deleting it would lock every client out.
 * Secrets Manager rotates it through {@link rotator}, which changes every member's token without
 * downtime (docs/runbooks/reset-secrets.md).
 */
export class CacheAuthToken extends Construct {
  public readonly secret: secretsmanager.Secret;
  /** The rotation function Secrets Manager invokes for each step. */
  public readonly rotator: DrFunction;

  constructor(scope: Construct, id: string, props: CacheAuthTokenProps) {
    super(scope, id);
    validate(props);
    this.secret = new secretsmanager.Secret(this, 'Resource', {
      secretName: props.secretName,
      description: 'AUTH token of the cache tier replication groups in both regions',
      encryptionKey: props.encryptionKey,
      replicaRegions: (props.replicaRegions ?? []).map((region) => ({ region })),
      generateSecretString: {
        passwordLength: CACHE_AUTH_TOKEN_SHAPE.length,
        excludePunctuation: CACHE_AUTH_TOKEN_SHAPE.excludePunctuation,
      },
      removalPolicy: RemovalPolicy.RETAIN,
    });

    this.rotator = new DrFunction(this, 'Rotator', {
      contract: CACHE_AUTH_ROTATOR,
      description: `Rotates ${props.secretName} and the AUTH token of every cache member (ROTATE, then SET a rotation later)`,
      stage: props.stage,
      encryptionKey: props.encryptionKey,
      environment: { CACHE_MEMBERS: formatCacheMembers(props.members) },
      timeout: STEP_TIMEOUT,
      // One step at a time: two invocations changing the same groups would race each other.
      reservedConcurrentExecutions: 1,
      // Secrets Manager invokes synchronously and records the failure itself; no asynchronous retries.
      retryAttempts: 0,
    });
    this.rotator.policy.addStatements(
      new iam.PolicyStatement({
        actions: [
          'secretsmanager:DescribeSecret',
          'secretsmanager:GetSecretValue',
          'secretsmanager:PutSecretValue',
          'secretsmanager:UpdateSecretVersionStage',
        ],
        resources: [this.secret.secretArn],
      }),
      new iam.PolicyStatement({
        actions: ['elasticache:DescribeReplicationGroups', 'elasticache:ModifyReplicationGroup'],
        resources: props.members.map((member) =>
          Arn.format(
            {
              service: 'elasticache',
              region: member.region,
              resource: 'replicationgroup',
              resourceName: member.replicationGroupId,
              arnFormat: ArnFormat.COLON_RESOURCE_NAME,
            },
            Stack.of(this),
          ),
        ),
      }),
    );
    const outsideVpc =
      'The rotation calls only the Secrets Manager and ElastiCache APIs of both regions, never a cache node; ' +
      'outside the VPC it needs no NAT gateway or interface endpoints in each region.';
    Validations.of(this.rotator.function).acknowledge({ id: 'NIST.800.53.R5-LambdaInsideVPC', reason: outsideVpc });
    skipCheckov(this.rotator.function, 'CKV_AWS_117', outsideVpc);

    this.secret.addRotationSchedule('Rotation', {
      rotationLambda: this.rotator.function,
      automaticallyAfter: props.rotationSchedule,
      // Not at deploy: the secondary's group joins after this stack, and a rotation before it exists fails.
      rotateImmediatelyOnUpdate: false,
    });
    // CDK's grant to Secrets Manager names no source: any secret of any account could then have the
    // function rotate it. Bound to this secret, as the rotation docs recommend.
    for (const child of this.rotator.function.node.children) {
      if (child instanceof lambda.CfnPermission && child.principal === 'secretsmanager.amazonaws.com') {
        child.sourceArn = this.secret.secretArn;
        child.sourceAccount = Stack.of(this).account;
      }
    }
  }
}

function validate(props: CacheAuthTokenProps): void {
  if (props.members.length === 0) {
    throw new Error(
      `CacheAuthToken ${props.secretName}: members is empty; pass every replication group that uses the token`,
    );
  }
  const days = props.rotationSchedule.toDays({ integral: false });
  if (!Token.isUnresolved(days) && (!Number.isInteger(days) || days < 1 || days > 365)) {
    throw new Error(
      `rotationSchedule must be whole days from 1 to 365, got: ${props.rotationSchedule.toHumanString()}`,
    );
  }
}
