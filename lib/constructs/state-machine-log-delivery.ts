// Step Functions execution logs delivered to CloudWatch Logs without the state machine's role writing log resource policies.
import { ArnFormat, Stack } from 'aws-cdk-lib';
import * as iam from 'aws-cdk-lib/aws-iam';
import * as logs from 'aws-cdk-lib/aws-logs';
import type * as sfn from 'aws-cdk-lib/aws-stepfunctions';
import type { Construct } from 'constructs';

/** Construct id of the one log resource policy per stack that admits every state machine log group of the stack. */
const POLICY_ID = 'StateMachineLogDelivery';

/**
 * What Step Functions calls with the execution role to set up logging (vended log delivery). None
 * of these actions takes a resource ARN, so the statement is on `*`. `logs:PutResourcePolicy` and
 * `logs:DescribeResourcePolicies`, which the StateMachine L2 grants as well, are left out: they
 * let CloudWatch Logs write a resource policy for the log group when it has none, and
 * {@link allowStateMachineLogDelivery} writes that policy in the template instead.
 * @see https://docs.aws.amazon.com/step-functions/latest/dg/cw-logs.html
 * @see https://docs.aws.amazon.com/AmazonCloudWatch/latest/logs/AWS-logs-infrastructure-CWL.html
 */
export const LOG_DELIVERY_ACTIONS = [
  'logs:CreateLogDelivery',
  'logs:GetLogDelivery',
  'logs:UpdateLogDelivery',
  'logs:DeleteLogDelivery',
  'logs:ListLogDeliveries',
  'logs:DescribeLogGroups',
] as const;

/** The execution role's statement for {@link LOG_DELIVERY_ACTIONS}. */
export function logDeliveryStatement(): iam.PolicyStatement {
  return new iam.PolicyStatement({ actions: [...LOG_DELIVERY_ACTIONS], resources: ['*'] });
}

/**
 * Lets the CloudWatch Logs delivery service write `stateMachine`'s execution log into `logGroup`,
 * and nothing else: streams of that log group only, for deliveries of this account and region
 * (`aws:SourceAccount`, `aws:SourceArn`, the conditions CloudWatch Logs itself writes into the
 * policy it creates). The statement goes into one `AWS::Logs::ResourcePolicy` per stack (an
 * account has at most 10 per region), and the state machine is created after it, so the log group
 * is already open to delivery when Step Functions sets logging up.
 */
export function allowStateMachineLogDelivery(stateMachine: sfn.StateMachine, logGroup: logs.ILogGroup): void {
  const stack = Stack.of(stateMachine);
  const policy = (stack.node.tryFindChild(POLICY_ID) as logs.ResourcePolicy | undefined) ?? newPolicy(stack);
  policy.document.addStatements(
    new iam.PolicyStatement({
      principals: [new iam.ServicePrincipal('delivery.logs.amazonaws.com')],
      actions: ['logs:CreateLogStream', 'logs:PutLogEvents'],
      resources: [logGroup.logGroupArn],
      conditions: {
        StringEquals: { 'aws:SourceAccount': stack.account },
        ArnLike: {
          'aws:SourceArn': stack.formatArn({ service: 'logs', resource: '*', arnFormat: ArnFormat.NO_RESOURCE_NAME }),
        },
      },
    }),
  );
  stateMachine.node.addDependency(policy);
}

/**
 * Turns on `stateMachine`'s execution log (every state, with its data) into `logGroup`, as the L2's
 * `logs` prop would but without its grant of `logs:PutResourcePolicy` and `logs:DescribeResourcePolicies`
 * on `*`: the role gets {@link LOG_DELIVERY_ACTIONS} only, and {@link allowStateMachineLogDelivery}
 * writes the log group's resource policy in the template. Use it instead of `logs`.
 */
export function deliverExecutionLogs(stateMachine: sfn.StateMachine, logGroup: logs.ILogGroup): void {
  (stateMachine.node.defaultChild as sfn.CfnStateMachine).loggingConfiguration = {
    destinations: [{ cloudWatchLogsLogGroup: { logGroupArn: logGroup.logGroupArn } }],
    level: 'ALL',
    includeExecutionData: true,
  };
  stateMachine.addToRolePolicy(logDeliveryStatement());
  allowStateMachineLogDelivery(stateMachine, logGroup);
}

function newPolicy(scope: Construct): logs.ResourcePolicy {
  const stack = Stack.of(scope);
  return new logs.ResourcePolicy(stack, POLICY_ID, {
    // Account-wide names: the stack name carries stage and region, so stacks never collide.
    resourcePolicyName: `${stack.stackName}-state-machine-logs`,
  });
}
