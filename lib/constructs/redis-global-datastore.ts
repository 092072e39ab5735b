// The ElastiCache Global Datastore across regions, and the lookup that hands its AWS-prefixed id to the secondary region.
import { RemovalPolicy, Stack, Validations, type CfnResource } from 'aws-cdk-lib';
import type * as kms from 'aws-cdk-lib/aws-kms';
import * as logs from 'aws-cdk-lib/aws-logs';
import * as elasticache from 'aws-cdk-lib/aws-elasticache';
import * as ssm from 'aws-cdk-lib/aws-ssm';
import * as cr from 'aws-cdk-lib/custom-resources';
import { Construct } from 'constructs';
import { allowLogsToUseKey } from './encryption-key';
import type { RedisReplicationGroup } from './redis-replication-group';

/** Props of {@link RedisGlobalDatastore}. */
export interface RedisGlobalDatastoreProps {
  /** The replication group of the primary region, which accepts the writes. */
  readonly primary: RedisReplicationGroup;
  /**
   * Suffix of the Global Datastore id; ElastiCache prepends a prefix of its own per region, so the
   * full id is only known after deploy.
   */
  readonly idSuffix: string;
  /** What the Global Datastore is for. */
  readonly description: string;
  /**
   * Fixed-name SSM parameter that receives the full id, for the secondary region, the backup
   * Lambdas and the failover runbook.
   */
  readonly idParameterName: string;
}

/**
 * A Global Datastore with the primary region's group as its primary member. The secondary region
 * joins by creating its replication group with the id published in {@link idParameterName}.
 */
export class RedisGlobalDatastore extends Construct {
  public readonly resource: elasticache.CfnGlobalReplicationGroup;
  /** The full id, `<AWS prefix>-<suffix>`, as a deploy-time token. */
  public readonly globalReplicationGroupId: string;
  public readonly idParameter: ssm.StringParameter;

  constructor(scope: Construct, id: string, props: RedisGlobalDatastoreProps) {
    super(scope, id);
    this.resource = new elasticache.CfnGlobalReplicationGroup(this, 'Resource', {
      globalReplicationGroupIdSuffix: props.idSuffix,
      globalReplicationGroupDescription: props.description,
      automaticFailoverEnabled: true,
      members: [
        {
          replicationGroupId: props.primary.resource.ref,
          replicationGroupRegion: Stack.of(this).region,
          role: 'PRIMARY',
        },
      ],
    });
    // Deleting the Global Datastore would cut the secondary loose mid-incident: keep it.
    this.resource.applyRemovalPolicy(RemovalPolicy.RETAIN);
    this.globalReplicationGroupId = this.resource.ref;
    this.idParameter = new ssm.StringParameter(this, 'IdParameter', {
      parameterName: props.idParameterName,
      stringValue: this.globalReplicationGroupId,
      description: 'Full id of the cache Global Datastore (AWS-prefixed), for the secondary region and runbooks',
    });
  }
}

/** Construct id of the singleton function behind every AwsCustomResource of a stack (CDK's fixed UUID). */
const AWS_CUSTOM_RESOURCE_PROVIDER_ID = 'AWS679f53fac002430cb0da5b7982bd2287';

/** Props of {@link GlobalDatastoreIdLookup}. */
export interface GlobalDatastoreIdLookupProps {
  /** The fixed-name parameter {@link RedisGlobalDatastore} wrote in the primary region. */
  readonly parameterName: string;
  /** Region of the primary, where the parameter lives. */
  readonly primaryRegion: string;
  /** Key of the provider function's log group; a key of this app. */
  readonly encryptionKey: kms.IKey;
  /** How long the provider's logs are kept. */
  readonly logRetention: logs.RetentionDays;
}

/**
 * Reads the Global Datastore id from the primary region's SSM parameter at deploy time. A
 * CloudFormation dynamic reference cannot cross regions, so a custom resource does the one
 * GetParameter call. It runs on create and when its inputs change, never on other updates, so an
 * update of the secondary's stack during a primary-region outage does not call into that region.
 */
export class GlobalDatastoreIdLookup extends Construct {
  public readonly globalReplicationGroupId: string;
  public readonly resource: cr.AwsCustomResource;

  constructor(scope: Construct, id: string, props: GlobalDatastoreIdLookupProps) {
    super(scope, id);
    const stack = Stack.of(this);
    const parameterArn = stack.formatArn({
      service: 'ssm',
      region: props.primaryRegion,
      resource: 'parameter',
      resourceName: props.parameterName.replace(/^\//, ''),
    });
    const call: cr.AwsSdkCall = {
      service: 'SSM',
      action: 'getParameter',
      parameters: { Name: props.parameterName },
      region: props.primaryRegion,
      physicalResourceId: cr.PhysicalResourceId.of(`${props.primaryRegion}:${props.parameterName}`),
    };
    this.resource = new cr.AwsCustomResource(this, 'Resource', {
      onCreate: call,
      onUpdate: call,
      policy: cr.AwsCustomResourcePolicy.fromSdkCalls({ resources: [parameterArn] }),
      installLatestAwsSdk: false,
      logGroup: this.createLogGroup(props),
    });
    this.globalReplicationGroupId = this.resource.getResponseField('Parameter.Value');

    // AwsCustomResource runs one CDK-managed singleton function per stack; it is not ours to shape.
    const provider = stack.node.tryFindChild(AWS_CUSTOM_RESOURCE_PROVIDER_ID);
    const providerFunction = provider?.node.defaultChild as CfnResource | undefined;
    const providerRole = provider?.node.tryFindChild('ServiceRole');
    if (providerFunction && providerRole) {
      const reason =
        "CDK's AwsCustomResource provider, which makes one SSM GetParameter call at deploy time; CloudFormation " +
        'waits on it synchronously, so a DLQ, reserved concurrency or VPC would add nothing but failure modes.';
      Validations.of(providerFunction).acknowledge(
        { id: 'NIST.800.53.R5-LambdaDLQ', reason },
        { id: 'NIST.800.53.R5-LambdaConcurrency', reason },
        { id: 'NIST.800.53.R5-LambdaInsideVPC', reason },
      );
      Validations.of(providerRole).acknowledge({
        id: 'AwsSolutions-IAM4[Policy::arn:<AWS::Partition>:iam::aws:policy/service-role/AWSLambdaBasicExecutionRole]',
        reason: `${reason} The managed policy only lets it write its own logs.`,
      });
    }
    Validations.of(this.resource).acknowledge({
      id: 'NIST.800.53.R5-IAMNoInlinePolicy',
      reason:
        'AwsCustomResource writes its policy inline; it allows exactly ssm:GetParameter on the one handover parameter.',
    });
  }

  private createLogGroup(props: GlobalDatastoreIdLookupProps): logs.LogGroup {
    allowLogsToUseKey(this, props.encryptionKey);
    return new logs.LogGroup(this, 'LogGroup', {
      encryptionKey: props.encryptionKey,
      retention: props.logRetention,
      removalPolicy: RemovalPolicy.RETAIN,
    });
  }
}
