// The stepped jobs' loop: a run ends Succeeded when its last state is done, and Failed when that state carries a failed verdict.
import * as ec2 from 'aws-cdk-lib/aws-ec2';
import { RedisBackupJob, RedisRestoreTestJob } from '../../lib/constructs/automation';
import type { SteppedJob } from '../../lib/constructs/stepped-job';
import { resolveInStack } from '../helpers/metric-contract';
import { jobFixture, type JobFixture } from './automation/fixture';

type Choice = { readonly Next: string } & Record<string, unknown>;
type States = Record<string, { readonly Type: string; readonly Choices?: Choice[]; readonly Default?: string }>;

/** The definition of the one state machine of the fixture (the job's), tokens resolved. */
function definition(f: JobFixture, job: SteppedJob): { States: States } {
  const machines = Object.values(f.template().findResources('AWS::StepFunctions::StateMachine'));
  expect(machines).toHaveLength(1);
  expect(job.stateMachine.node.defaultChild).toBeDefined();
  const stack = { stackName: f.stack.stackName, region: f.stack.region, account: f.stack.account };
  return JSON.parse(resolveInStack(machines[0]!.Properties.DefinitionString, stack) as string) as { States: States };
}

const jobs = {
  'the Redis restore test': (f: JobFixture) =>
    new RedisRestoreTestJob(f.stack, 'RedisRestoreTest', {
      context: f.context,
      subnetGroupName: 'cache-subnets',
      securityGroup: new ec2.SecurityGroup(f.stack, 'Cache', { vpc: f.context.vpc }),
    }).steppedJob,
  'the Redis backup': (f: JobFixture) =>
    new RedisBackupJob(f.stack, 'RedisBackup', { context: f.context, peerRegion: f.config.regions[1]! }).steppedJob,
};

describe.each(Object.entries(jobs))('%s', (_name, build) => {
  test('fails when its last state carries a verdict that did not pass, and succeeds when done otherwise', () => {
    // Prepare
    const f = jobFixture('staging');
    // Act
    const { States } = definition(f, build(f));
    // Assess: the failed-verdict rule comes first, so a done state with passed=false never reaches Succeeded.
    const [failed, succeeded] = States['Done?']!.Choices!;
    expect(failed).toEqual({
      And: [
        { Variable: '$.phase', StringEquals: 'done' },
        {
          And: [
            { Variable: '$.verdict.passed', IsPresent: true },
            { Variable: '$.verdict.passed', BooleanEquals: false },
          ],
        },
      ],
      Next: 'CheckFailed',
    });
    expect(States[failed!.Next]).toMatchObject({ Type: 'Fail', Error: 'CheckFailed', CausePath: '$.verdict.detail' });
    expect(succeeded).toEqual({ Variable: '$.phase', StringEquals: 'done', Next: 'Succeeded' });
    expect(States.Succeeded).toEqual({ Type: 'Succeed' });
  });
});
