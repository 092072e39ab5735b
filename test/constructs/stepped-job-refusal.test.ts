// A refused step ends a stepped job with cleanup at once: the same crafted state is never sent back to cleanup.
import * as ec2 from 'aws-cdk-lib/aws-ec2';
import { NOT_OWNED_TARGET_ERROR } from '../../lib/contract';
import { RedisRestoreTestJob } from '../../lib/constructs/automation';
import { resolveInStack } from '../helpers/metric-contract';
import { jobFixture } from './automation/fixture';

type Catcher = { readonly ErrorEquals: string[]; readonly Next: string; readonly ResultPath?: string };
type States = Record<string, { readonly Type: string; readonly Catch?: Catcher[]; readonly Error?: string }>;

test('fails when a step refuses a target it does not own: the run ends Refused before the cleanup catch', () => {
  // Prepare
  const f = jobFixture('staging');
  new RedisRestoreTestJob(f.stack, 'RedisRestoreTest', {
    context: f.context,
    subnetGroupName: 'cache-subnets',
    securityGroup: new ec2.SecurityGroup(f.stack, 'Cache', { vpc: f.context.vpc }),
  });
  // Act
  const [machine] = Object.values(f.template().findResources('AWS::StepFunctions::StateMachine'));
  const stack = { stackName: f.stack.stackName, region: f.stack.region, account: f.stack.account };
  const { States } = JSON.parse(resolveInStack(machine!.Properties.DefinitionString, stack) as string) as {
    States: States;
  };
  // Assess: catchers are tried in order, so the refusal must come before States.ALL.
  const [refused, cleanup] = States.Step!.Catch!;
  expect(refused).toEqual({ ErrorEquals: [NOT_OWNED_TARGET_ERROR], ResultPath: '$.error', Next: 'Refused' });
  expect(States.Refused).toMatchObject({ Type: 'Fail', Error: NOT_OWNED_TARGET_ERROR });
  expect(cleanup).toMatchObject({ ErrorEquals: ['States.ALL'], Next: 'AnythingToCleanUp?' });
});
