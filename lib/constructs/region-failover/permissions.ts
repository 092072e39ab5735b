// The role a region failover runs as: one managed policy, written out statement by statement, with its acknowledgements.
import { Stack, Validations } from 'aws-cdk-lib';
import * as iam from 'aws-cdk-lib/aws-iam';
import type { Construct } from 'constructs';
import { arnFindingId } from '../../nag/acknowledgements';
import { logDeliveryStatement } from '../state-machine-log-delivery';
import type { FailoverArns } from './arns';
import type { RegionFailoverProps } from './props';

/**
 * Our own role with one managed policy: the role the state machine would generate carries an
 * inline policy, and its task statements cannot take the namespace condition PutMetricData needs.
 * Creates `Policy` and `Role` in `scope`.
 */
export function failoverRole(scope: Construct, props: RegionFailoverProps, arns: FailoverArns): iam.Role {
  const stack = Stack.of(scope);
  const statements = [
    new iam.PolicyStatement({ actions: ['rds:DescribeGlobalClusters'], resources: [arns.globalCluster] }),
    new iam.PolicyStatement({
      actions: ['rds:FailoverGlobalCluster', 'rds:SwitchoverGlobalCluster'],
      resources: [arns.globalCluster, ...arns.memberClusters],
    }),
    // The lock, the cooldown's last activation: this region's table only.
    new iam.PolicyStatement({
      actions: ['dynamodb:PutItem', 'dynamodb:GetItem', 'dynamodb:DeleteItem'],
      resources: [arns.lockTable],
    }),
    new iam.PolicyStatement({ actions: ['ssm:PutParameter'], resources: [arns.activeRegionParameter] }),
    ...(arns.decisionAlarms
      ? [new iam.PolicyStatement({ actions: ['cloudwatch:DescribeAlarms'], resources: [...arns.decisionAlarms] })]
      : []),
    new iam.PolicyStatement({
      actions: ['cloudwatch:PutMetricData'],
      resources: ['*'],
      conditions: { StringEquals: { 'cloudwatch:namespace': props.metricNamespace } },
    }),
    new iam.PolicyStatement({ actions: ['sns:Publish'], resources: [props.alertTopic.topicArn] }),
    // The alert topic is KMS-encrypted: publishing needs a data key from its key.
    new iam.PolicyStatement({
      actions: ['kms:Decrypt', 'kms:GenerateDataKey'],
      resources: [props.alertTopicKey.keyArn],
    }),
    // What Step Functions needs to set up log delivery; the log group's resource policy is written
    // in the template (allowStateMachineLogDelivery), so no logs:PutResourcePolicy.
    logDeliveryStatement(),
    new iam.PolicyStatement({
      actions: [
        'xray:PutTraceSegments',
        'xray:PutTelemetryRecords',
        'xray:GetSamplingRules',
        'xray:GetSamplingTargets',
      ],
      resources: ['*'],
    }),
  ];
  if (arns.cache) {
    statements.push(
      new iam.PolicyStatement({
        actions: ['elasticache:DescribeReplicationGroups'],
        resources: [arns.cache.replicationGroup],
      }),
      new iam.PolicyStatement({
        actions: ['elasticache:DescribeGlobalReplicationGroups'],
        resources: [arns.cache.globalDatastore],
      }),
      new iam.PolicyStatement({
        actions: ['elasticache:FailoverGlobalReplicationGroup'],
        resources: [arns.cache.globalDatastore, arns.cache.replicationGroup, arns.cache.peerReplicationGroup],
      }),
      new iam.PolicyStatement({
        actions: ['elasticache:DisassociateGlobalReplicationGroup'],
        resources: [arns.cache.globalDatastore, arns.cache.replicationGroup],
      }),
    );
  }
  const policy = new iam.ManagedPolicy(scope, 'Policy', {
    description: `What the region failover of ${stack.region} may do: promote, record, notify, log`,
    statements,
  });
  const role = new iam.Role(scope, 'Role', {
    assumedBy: new iam.ServicePrincipal('states.amazonaws.com', {
      conditions: { StringEquals: { 'aws:SourceAccount': stack.account } },
    }),
    description: `Runs ${props.stateMachineName}`,
    // Attached through the role, so the state machine, which reads the role, comes after the
    // policy: Step Functions checks its log delivery rights when it is created.
    managedPolicies: [policy],
  });
  const acknowledgements: Record<string, string> = {
    'Resource::*':
      'logs:CreateLogDelivery, GetLogDelivery, UpdateLogDelivery, DeleteLogDelivery, ListLogDeliveries and ' +
      'DescribeLogGroups (log delivery setup), xray:PutTraceSegments, PutTelemetryRecords, GetSamplingRules and ' +
      'GetSamplingTargets, and cloudwatch:PutMetricData support no resource-level permissions; PutMetricData ' +
      '(failover time and the DNS fence) is limited to the DR metric namespace by a condition.',
  };
  if (arns.cache) {
    acknowledgements[`Resource::${arnFindingId(stack.resolve(arns.cache.globalDatastore))}`] =
      "ElastiCache prefixes the Global Datastore id with letters of its own choosing; the grant covers only the stage's suffix.";
  }
  for (const [finding, reason] of Object.entries(acknowledgements)) {
    Validations.of(policy).acknowledge({ id: `AwsSolutions-IAM5[${finding}]`, reason });
  }
  return role;
}
