// A function's permissions as the jobs write them: one statement at a time, a wildcard only with its reason.
import { Arn, ArnFormat, Stack, Validations } from 'aws-cdk-lib';
import * as iam from 'aws-cdk-lib/aws-iam';
import type { IConstruct } from 'constructs';
import type { DrConfig, RegionConfig } from '../../config';
import { LATEST_ROTATION } from '../../contract';
import {
  cacheAuthTokenSecretName,
  cacheReplicationGroupId,
  globalClusterIdentifier,
  latestSnapshotIdentifier,
  parameterName,
} from '../../naming';
import type { DrFunction } from '../dr-function';

/** One statement of a function's policy. */
export interface FunctionPermission {
  readonly actions: readonly string[];
  readonly resources: readonly string[];
  /**
   * Conditions of the statement.
   * @default - none
   */
  readonly conditions?: Readonly<Record<string, Record<string, unknown>>>;
  /**
   * Why a resource with a `*` is needed. It becomes the acknowledgement of exactly that
   * `AwsSolutions-IAM5` finding, next to the policy.
   * @default - no resource may contain a wildcard
   */
  readonly wildcardReason?: string;
}

/**
 * Adds `permission` to `fn`'s managed policy and acknowledges each of its wildcard resources with
 * its reason; throws when a wildcard has none.
 */
export function allow(fn: DrFunction, permission: FunctionPermission): void {
  const { actions, resources, conditions, wildcardReason } = permission;
  // A job may place an Object Lock retention, never lift or shorten one: no job holds the bypass.
  const bypass = actions.filter((action) => /^s3:(\*|BypassGovernanceRetention)$/i.test(action));
  if (bypass.length > 0) {
    throw new Error(
      `${fn.node.path}: ${bypass.join(',')} would let a job lift a governance-mode lock on a backup; grant only the actions it needs`,
    );
  }
  fn.addToRolePolicy(
    new iam.PolicyStatement({
      actions: [...actions],
      resources: [...resources],
      ...(conditions ? { conditions: { ...conditions } } : {}),
    }),
  );
  for (const resource of resources.filter((arn) => arn.includes('*'))) {
    if (!wildcardReason) {
      throw new Error(`${fn.node.path}: ${actions.join(',')} on ${resource} needs a wildcardReason for its wildcard`);
    }
    Validations.of(fn.policy).acknowledge({ id: `AwsSolutions-IAM5[Resource::${resource}]`, reason: wildcardReason });
  }
}

/** The parts of an ARN in this account that {@link arn} needs. */
export interface ArnParts {
  readonly service: string;
  readonly resource: string;
  readonly resourceName: string;
  /**
   * Region of the resource.
   * @default - the region of the stack
   */
  readonly region?: string;
  /**
   * How the resource name is attached.
   * @default ArnFormat.COLON_RESOURCE_NAME
   */
  readonly arnFormat?: ArnFormat;
}

/** ARN of a resource of this account, by name: the jobs act on resources they know by name only. */
export function arn(scope: IConstruct, parts: ArnParts): string {
  const stack = Stack.of(scope);
  return Arn.format(
    {
      service: parts.service,
      region: parts.region ?? stack.region,
      account: stack.account,
      resource: parts.resource,
      resourceName: parts.resourceName,
      arnFormat: parts.arnFormat ?? ArnFormat.COLON_RESOURCE_NAME,
    },
    stack,
  );
}

/** ARN of the SSM parameter `name` (with or without its leading slash). */
export function parameterArn(scope: IConstruct, name: string, region?: string): string {
  return arn(scope, {
    service: 'ssm',
    resource: 'parameter',
    resourceName: name.replace(/^\//, ''),
    arnFormat: ArnFormat.SLASH_RESOURCE_NAME,
    ...(region ? { region } : {}),
  });
}

/** ARN of the bucket `bucket`, or of its objects matching `objects`. */
export function bucketArn(scope: IConstruct, bucket: string, objects?: string): string {
  return `arn:${Stack.of(scope).partition}:s3:::${bucket}${objects === undefined ? '' : `/${objects}`}`;
}

/** Props of {@link allowKeyParameters}. */
export interface KeyParametersPermission {
  /** The configuration of the stage, which names the parameters. */
  readonly config: DrConfig;
  /** Region of the Protection stack whose parameters are read. */
  readonly region: string;
  /** The key ARNs to read. */
  readonly keys: readonly ('database-key-arn' | 'backup-key-arn')[];
}

/** Lets `fn` read the key ARNs that the Protection stack of a region hands over in SSM. */
export function allowKeyParameters(fn: DrFunction, permission: KeyParametersPermission): void {
  allow(fn, {
    actions: ['ssm:GetParameter'],
    resources: permission.keys.map((key) =>
      parameterArn(fn, parameterName(permission.config, 'data', key), permission.region),
    ),
  });
}

/**
 * Lets `fn` read where the Aurora writer is: DescribeGlobalClusters on the stage's global cluster
 * only (global cluster ARNs have no region).
 */
export function allowAuroraWriterLookup(fn: DrFunction, config: DrConfig): void {
  allow(fn, {
    actions: ['rds:DescribeGlobalClusters'],
    resources: [
      arn(fn, {
        service: 'rds',
        region: '',
        resource: 'global-cluster',
        resourceName: globalClusterIdentifier(config),
      }),
    ],
  });
}

/** Lets `fn` read its region's cache group, whose Global Datastore role says where the primary is. */
export function allowCachePrimaryLookup(fn: DrFunction, config: DrConfig, region: RegionConfig): void {
  allow(fn, {
    actions: ['elasticache:DescribeReplicationGroups'],
    resources: [
      arn(fn, {
        service: 'elasticache',
        resource: 'replicationgroup',
        resourceName: cacheReplicationGroupId(config, region),
      }),
    ],
  });
}

/**
 * Lets `fn` read the cache tier's AUTH token in its own region (the primary's secret, or its
 * replica): GetSecretValue on that one name, and kms:Decrypt only through Secrets Manager and only
 * for that secret. The secret's ARN ends in a random suffix, and its key (the cache stack's in the
 * primary region, the Secrets Manager key of the replica) is not known here.
 */
export function allowCacheAuthTokenRead(fn: DrFunction, config: DrConfig): void {
  const secretArn = arn(fn, {
    service: 'secretsmanager',
    resource: 'secret',
    resourceName: `${cacheAuthTokenSecretName(config)}-??????`,
  });
  allow(fn, {
    actions: ['secretsmanager:GetSecretValue'],
    resources: [secretArn],
    wildcardReason:
      "Secrets Manager appends six random characters to a secret's ARN; `-??????` matches exactly that suffix of the cache AUTH token's fixed name.",
  });
  allow(fn, {
    actions: ['kms:Decrypt'],
    resources: [
      arn(fn, { service: 'kms', resource: 'key', resourceName: '*', arnFormat: ArnFormat.SLASH_RESOURCE_NAME }),
    ],
    conditions: {
      StringEquals: { 'kms:ViaService': `secretsmanager.${Stack.of(fn).region}.amazonaws.com` },
      StringLike: { 'kms:EncryptionContext:SecretARN': secretArn },
    },
    wildcardReason:
      'The AUTH token is encrypted with the cache stack key in the primary region and with the Secrets Manager key of its replica; Decrypt is allowed only through Secrets Manager and only for that secret (encryption context SecretARN).',
  });
}

/** ARNs of the plan's `-latest` snapshot and the slot its replacement is made in, in `fn`'s region. */
export function latestSnapshotArns(fn: IConstruct, config: DrConfig): string[] {
  const latest = latestSnapshotIdentifier(config);
  return [latest, `${latest}${LATEST_ROTATION.nextSuffix}`].map((resourceName) =>
    arn(fn, { service: 'rds', resource: 'cluster-snapshot', resourceName }),
  );
}

/**
 * Denies `fn` deleting the plan's `-latest`, whatever else its policy allows. A job that rotates
 * `-latest` (the weekly backup) is denied deleting whichever copy carries the current tag, so its
 * own rotation, which moves the tag to the new copy first, still works; every other job is denied
 * both names outright.
 */
export function denyLatestSnapshotDeletion(fn: DrFunction, config: DrConfig, rotates: boolean): void {
  const { key, value } = LATEST_ROTATION.currentTag;
  fn.addToRolePolicy(
    new iam.PolicyStatement({
      effect: iam.Effect.DENY,
      actions: ['rds:DeleteDBClusterSnapshot'],
      resources: latestSnapshotArns(fn, config),
      ...(rotates ? { conditions: { StringEquals: { [`aws:ResourceTag/${key}`]: value } } } : {}),
    }),
  );
}
