// The one Lambda construct of the app: every DR function gets the same runtime, bundling, logging, tracing and DLQ.
import { Duration, RemovalPolicy, Token, Validations } from 'aws-cdk-lib';
import type * as ec2 from 'aws-cdk-lib/aws-ec2';
import * as iam from 'aws-cdk-lib/aws-iam';
import type * as kms from 'aws-cdk-lib/aws-kms';
import * as lambda from 'aws-cdk-lib/aws-lambda';
import * as logs from 'aws-cdk-lib/aws-logs';
import type * as sqs from 'aws-cdk-lib/aws-sqs';
import { Construct } from 'constructs';
import { join } from 'node:path';
import { skipCheckov } from '../nag/checkov';
import type { FunctionContract, FunctionEnvironment } from '../contract';
import { EncryptedDeadLetterQueue } from './encrypted-dead-letter-queue';
import { allowLogsToUseKey } from './encryption-key';
import { bundledNodejsCode } from './lambda-bundle';
import { PROJECT_ROOT } from '../project-root';

/** Props of {@link DrFunction}. */
export interface DrFunctionProps<Key extends string = string> {
  /**
   * What the function and lib/ agree on (lib/contract): its handler module, its service name (the
   * `service` dimension of its metrics and `POWERTOOLS_SERVICE_NAME`) and the environment it reads.
   */
  readonly contract: FunctionContract<Key>;
  /** What the function does, in one line. */
  readonly description: string;
  /** Stage, passed as `STAGE` for the shared Powertools dimensions. */
  readonly stage: string;
  /**
   * Key for the log group, the dead-letter queue and the environment. It must be a key of this app
   * (not imported), because the construct grants the regional CloudWatch Logs service use of it.
   */
  readonly encryptionKey: kms.IKey;
  /** Every environment variable of the contract; the shared ones (STAGE, NODE_OPTIONS, the service name) are added. */
  readonly environment: FunctionEnvironment<Key>;
  /**
   * How long the function's logs are kept.
   * @default logs.RetentionDays.ONE_YEAR
   */
  readonly logRetention?: logs.RetentionDays;
  /**
   * Longest run of one invocation.
   * @default Duration.seconds(30)
   */
  readonly timeout?: Duration;
  /**
   * Memory in MB; on ARM64 CPU grows with it.
   * @default 256
   */
  readonly memorySize?: number;
  /**
   * Concurrent executions reserved (and capped) for this function. A switch that must not race
   * itself uses 1.
   * @default 1
   */
  readonly reservedConcurrentExecutions?: number;
  /**
   * Retries of an asynchronous invocation before the event goes to the dead-letter queue.
   * @default 2
   */
  readonly retryAttempts?: number;
  /**
   * VPC to place the function in, for functions that talk to data-tier endpoints.
   * @default - not in a VPC
   */
  readonly vpc?: ec2.IVpc;
  /**
   * Subnets within `vpc`.
   * @default - the VPC's private subnets with egress
   */
  readonly vpcSubnets?: ec2.SubnetSelection;
  /**
   * Security groups of the function within `vpc`.
   * @default - a new group that allows all outbound traffic
   */
  readonly securityGroups?: ec2.ISecurityGroup[];
}

/** Node.js 22 is the newest Lambda runtime for Node.js that esbuild targets here. */
const RUNTIME = lambda.Runtime.NODEJS_22_X;
const DEFAULT_TIMEOUT = Duration.seconds(30);

/**
 * A TypeScript Lambda bundled by esbuild (minified, with source maps), on ARM64, with its own
 * KMS-encrypted log group, X-Ray tracing, an encrypted TLS-only dead-letter queue for failed
 * asynchronous events, and reserved concurrency. The AWS SDK comes from the runtime, which keeps
 * bundles small and cold starts short.
 */
export class DrFunction<Key extends string = string> extends Construct {
  public readonly function: lambda.Function;
  public readonly logGroup: logs.LogGroup;
  public readonly deadLetterQueue: sqs.Queue;
  /** The execution role. Its permissions live in {@link policy}, never inline. */
  public readonly role: iam.Role;
  /** The customer-managed policy that holds every permission of the function. */
  public readonly policy: iam.ManagedPolicy;

  constructor(scope: Construct, id: string, props: DrFunctionProps<Key>) {
    super(scope, id);
    const concurrency = props.reservedConcurrentExecutions ?? 1;
    if (!Token.isUnresolved(concurrency) && (!Number.isInteger(concurrency) || concurrency < 1)) {
      throw new Error(`reservedConcurrentExecutions must be a positive integer, got: ${concurrency}`);
    }

    allowLogsToUseKey(this, props.encryptionKey);

    this.logGroup = new logs.LogGroup(this, 'LogGroup', {
      retention: props.logRetention ?? logs.RetentionDays.ONE_YEAR,
      encryptionKey: props.encryptionKey,
      // The log is the record of what a DR function decided; it outlives the function.
      removalPolicy: RemovalPolicy.RETAIN,
    });
    this.deadLetterQueue = new EncryptedDeadLetterQueue(this, 'DeadLetterQueue', {
      encryptionKey: props.encryptionKey,
      deadLettersOf: "this function's failed asynchronous invocations",
    });

    this.role = new iam.Role(this, 'ServiceRole', {
      assumedBy: new iam.ServicePrincipal('lambda.amazonaws.com'),
      description: props.description.slice(0, 1000),
    });
    // Every permission, including the ones CDK would add by itself, is written out here in a managed
    // policy: the function gets an immutable view of the role, so nothing lands in an inline policy.
    this.policy = new iam.ManagedPolicy(this, 'Policy', {
      // Without `Default`, as in logical ids: a function that became the default child of a job
      // construct keeps its description, and a new description would replace the managed policy.
      description: `Permissions of ${this.node.path.replace(/\/Default(?=\/|$)/g, '')}`.slice(0, 1000),
      roles: [this.role],
      statements: [
        new iam.PolicyStatement({
          actions: ['logs:CreateLogStream', 'logs:PutLogEvents'],
          resources: [this.logGroup.logGroupArn],
        }),
        new iam.PolicyStatement({ actions: ['sqs:SendMessage'], resources: [this.deadLetterQueue.queueArn] }),
        // Decrypt for the environment; GenerateDataKey and Decrypt for messages to the encrypted DLQ.
        new iam.PolicyStatement({
          actions: ['kms:Decrypt', 'kms:GenerateDataKey'],
          resources: [props.encryptionKey.keyArn],
        }),
        new iam.PolicyStatement({
          actions: ['xray:PutTraceSegments', 'xray:PutTelemetryRecords'],
          resources: ['*'],
        }),
        ...(props.vpc
          ? [
              new iam.PolicyStatement({
                actions: [
                  'ec2:CreateNetworkInterface',
                  'ec2:DescribeNetworkInterfaces',
                  'ec2:DeleteNetworkInterface',
                  'ec2:AssignPrivateIpAddresses',
                  'ec2:UnassignPrivateIpAddresses',
                ],
                resources: ['*'],
              }),
            ]
          : []),
      ],
    });
    Validations.of(this.policy).acknowledge({
      id: 'AwsSolutions-IAM5[Resource::*]',
      reason:
        'xray:PutTraceSegments and xray:PutTelemetryRecords support no resource-level permissions, nor do ' +
        'ec2:CreateNetworkInterface, DescribeNetworkInterfaces, DeleteNetworkInterface, AssignPrivateIpAddresses and ' +
        "UnassignPrivateIpAddresses as Lambda calls them for the function's VPC interfaces; every other statement of " +
        'this policy names its resource.',
    });
    if (props.vpc) {
      skipCheckov(
        this.policy,
        'CKV_AWS_111',
        'The unconstrained writes are ec2:CreateNetworkInterface, DeleteNetworkInterface, AssignPrivateIpAddresses and ' +
          "UnassignPrivateIpAddresses, which Lambda calls with the function's role for its VPC interfaces before it knows " +
          'their ids (as in AWSLambdaVPCAccessExecutionRole); every other write of this policy names its resource.',
      );
    }

    this.function = new lambda.Function(this, 'Resource', {
      role: this.role.withoutPolicyUpdates(),
      code: bundledNodejsCode({ entry: join(PROJECT_ROOT, props.contract.entry), runtime: RUNTIME }),
      handler: 'index.handler',
      description: props.description,
      runtime: RUNTIME,
      architecture: lambda.Architecture.ARM_64,
      timeout: props.timeout ?? DEFAULT_TIMEOUT,
      memorySize: props.memorySize ?? 256,
      reservedConcurrentExecutions: concurrency,
      retryAttempts: props.retryAttempts ?? 2,
      deadLetterQueue: this.deadLetterQueue,
      tracing: lambda.Tracing.ACTIVE,
      logGroup: this.logGroup,
      loggingFormat: lambda.LoggingFormat.JSON,
      environmentEncryption: props.encryptionKey,
      environment: {
        ...props.environment,
        POWERTOOLS_SERVICE_NAME: props.contract.service,
        STAGE: props.stage,
        // Stack traces point into the TypeScript sources, not the minified bundle.
        NODE_OPTIONS: '--enable-source-maps',
      },
      ...(props.vpc
        ? {
            vpc: props.vpc,
            vpcSubnets: props.vpcSubnets,
            securityGroups: props.securityGroups,
          }
        : {}),
    });
    // Lambda checks at creation that the role may send to the DLQ, so the policy must be attached
    // first; the function does not reference the policy, so only this dependency orders them. The
    // DependsOn on the role that CDK adds as well is dropped by DrStack (W3005, see dr-stack.ts).
    (this.function.node.defaultChild as lambda.CfnFunction).addResourceDependency(
      this.policy.node.defaultChild as iam.CfnManagedPolicy,
    );
    Validations.of(this.function).acknowledge({
      id: 'AwsSolutions-L1',
      reason:
        'Node.js 22 is the runtime every DR function is pinned to (esbuild targets node22); moving to a newer ' +
        'runtime is one change in this construct, tested for all functions at once.',
    });
  }

  /** Adds a permission to the function's managed policy. */
  public addToRolePolicy(statement: iam.PolicyStatement): void {
    this.policy.addStatements(statement);
  }
}
