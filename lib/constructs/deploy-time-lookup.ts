// One read-only AWS call made at deploy time for a value CloudFormation cannot reference: a parameter of the other region, an attribute CloudFormation does not return.
import { RemovalPolicy, Stack, Token, Validations, type CfnResource } from 'aws-cdk-lib';
import type * as kms from 'aws-cdk-lib/aws-kms';
import * as logs from 'aws-cdk-lib/aws-logs';
import * as cr from 'aws-cdk-lib/custom-resources';
import { Construct } from 'constructs';
import { skipCheckov } from '../nag/checkov';
import { allowLogsToUseKey } from './encryption-key';

/** Construct id of the singleton function behind every AwsCustomResource of a stack (CDK's fixed UUID). */
const AWS_CUSTOM_RESOURCE_PROVIDER_ID = 'AWS679f53fac002430cb0da5b7982bd2287';

/** What every deploy-time lookup needs besides its call. */
export interface DeployTimeLookupOptions {
  /** Key of the provider function's log group; a key of this app. */
  readonly encryptionKey: kms.IKey;
  /** How long the provider's logs are kept. */
  readonly logRetention: logs.RetentionDays;
}

/** Props of {@link DeployTimeLookup}. */
export interface DeployTimeLookupProps extends DeployTimeLookupOptions {
  /**
   * The read-only SDK call, made on create and again only when the call itself changes. Give it
   * `outputPaths` when the response can outgrow the custom resource's 4 KB limit.
   */
  readonly call: cr.AwsSdkCall;
  /** Dotted path of the value in the call's response, for example `Parameter.Value`. */
  readonly responseField: string;
  /** ARNs the call reads; the provider may call `service:action` on these only. */
  readonly resources: string[];
}

/**
 * An `AwsCustomResource` that reads one value at deploy time. It runs on create and when its call
 * changes, never on other stack updates, so updating the stack while the called region is down
 * calls nothing there; nothing reads it at run time.
 */
export class DeployTimeLookup extends Construct {
  /** The value at `responseField`, as a deploy-time token. */
  public readonly value: string;
  public readonly resource: cr.AwsCustomResource;

  constructor(scope: Construct, id: string, props: DeployTimeLookupProps) {
    super(scope, id);
    const stack = Stack.of(this);
    const call = props.call;
    this.resource = new cr.AwsCustomResource(this, 'Resource', {
      onCreate: call,
      onUpdate: call,
      policy: cr.AwsCustomResourcePolicy.fromSdkCalls({ resources: props.resources }),
      installLatestAwsSdk: false,
      logGroup: this.createLogGroup(props),
    });
    this.value = this.resource.getResponseField(props.responseField);
    this.acknowledgeProvider(stack, `${props.call.service} ${props.call.action}`);
  }

  /** AwsCustomResource runs one CDK-managed singleton function per stack; it is not ours to shape. */
  private acknowledgeProvider(stack: Stack, call: string): void {
    const provider = stack.node.tryFindChild(AWS_CUSTOM_RESOURCE_PROVIDER_ID);
    const providerFunction = provider?.node.defaultChild as CfnResource | undefined;
    const providerRole = provider?.node.tryFindChild('ServiceRole');
    if (providerFunction && providerRole) {
      const reason =
        "CDK's AwsCustomResource provider, which makes read-only SDK calls at deploy time; CloudFormation waits on " +
        'it synchronously, so a DLQ, reserved concurrency or VPC would add nothing but failure modes.';
      Validations.of(providerFunction).acknowledge(
        { id: 'NIST.800.53.R5-LambdaDLQ', reason },
        { id: 'NIST.800.53.R5-LambdaConcurrency', reason },
        { id: 'NIST.800.53.R5-LambdaInsideVPC', reason },
      );
      // The same three for checkov: DLQ, reserved concurrency, VPC.
      skipCheckov(providerFunction, ['CKV_AWS_116', 'CKV_AWS_115', 'CKV_AWS_117'], reason);
      Validations.of(providerRole).acknowledge({
        id: 'AwsSolutions-IAM4[Policy::arn:<AWS::Partition>:iam::aws:policy/service-role/AWSLambdaBasicExecutionRole]',
        reason: `${reason} The managed policy only lets it write its own logs.`,
      });
    }
    Validations.of(this.resource).acknowledge({
      id: 'NIST.800.53.R5-IAMNoInlinePolicy',
      reason: `AwsCustomResource writes its policy inline; it allows exactly the one read (${call}) on the named resource.`,
    });
  }

  private createLogGroup(props: DeployTimeLookupOptions): logs.LogGroup {
    allowLogsToUseKey(this, props.encryptionKey);
    return new logs.LogGroup(this, 'LogGroup', {
      encryptionKey: props.encryptionKey,
      retention: props.logRetention,
      removalPolicy: RemovalPolicy.RETAIN,
    });
  }
}

/** Props of {@link PeerParameterLookup}. */
export interface PeerParameterLookupProps extends DeployTimeLookupOptions {
  /** Fixed name of the parameter, for example `/async-toolformer/prod/data/writer-endpoint`. */
  readonly parameterName: string;
  /** Region the parameter lives in; not this stack's region (a dynamic reference would do there). */
  readonly peerRegion: string;
}

/**
 * Reads a fixed-name SSM parameter of the other region at deploy time: a CloudFormation dynamic
 * reference cannot cross regions, so a custom resource makes the one GetParameter call there.
 */
export class PeerParameterLookup extends DeployTimeLookup {
  constructor(scope: Construct, id: string, props: PeerParameterLookupProps) {
    const stack = Stack.of(scope);
    if (!Token.isUnresolved(props.peerRegion) && props.peerRegion === stack.region) {
      throw new Error(
        `peerRegion is ${props.peerRegion}, the region of ${stack.stackName} itself; read a parameter of the same ` +
          'region with ssm.StringParameter.valueForStringParameter instead',
      );
    }
    if (!Token.isUnresolved(props.parameterName) && !props.parameterName.startsWith('/')) {
      throw new Error(`parameterName must be a full path starting with '/', got: ${props.parameterName}`);
    }
    super(scope, id, {
      call: {
        service: 'SSM',
        action: 'getParameter',
        parameters: { Name: props.parameterName },
        region: props.peerRegion,
        physicalResourceId: cr.PhysicalResourceId.of(`${props.peerRegion}:${props.parameterName}`),
      },
      responseField: 'Parameter.Value',
      resources: [
        stack.formatArn({
          service: 'ssm',
          region: props.peerRegion,
          resource: 'parameter',
          resourceName: props.parameterName.replace(/^\//, ''),
        }),
      ],
      encryptionKey: props.encryptionKey,
      logRetention: props.logRetention,
    });
  }
}
