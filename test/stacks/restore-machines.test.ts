// The restore state machines of each region: named as the CLI finds them, restoring with the Data stack's engine, version and instance class, granted only their restored names.
import type { Template } from 'aws-cdk-lib/assertions';
import { STAGES, type RegionRole } from '../../lib/config';
import {
  APPLICATION_ENDPOINT_DEFAULT,
  restoredGroupBase,
  restoredNamePrefix,
  stageParameters,
} from '../../lib/contract';
import { cacheReplicationGroupId, clusterIdentifier, stateMachineName } from '../../lib/naming';
import { synthStage } from '../helpers/synth';

type Resource = { Properties: Record<string, unknown> };
const resources = (template: Template, type: string) => Object.values(template.findResources(type)) as Resource[];

/** A definition's states, each token (always inside a JSON string of the definition) read as the text TOKEN. */
function definitionOf(machine: Resource): Record<string, { Arguments?: Record<string, unknown>; Type: string }> {
  const body = machine.Properties.DefinitionString as string | { 'Fn::Join': [string, unknown[]] };
  const text =
    typeof body === 'string'
      ? body
      : body['Fn::Join'][1].map((part) => (typeof part === 'string' ? part : 'TOKEN')).join('');
  return (JSON.parse(text) as { States: Record<string, { Arguments?: Record<string, unknown>; Type: string }> }).States;
}

const cases = STAGES.flatMap((stage) =>
  (['primary', 'secondary'] as RegionRole[]).map((role) => [stage, role] as const),
);

describe.each(cases)('%s %s', (stage, role) => {
  const synthesized = synthStage(stage);
  const region = synthesized.region(role);
  const { config } = synthesized;
  const automation = synthesized.template(synthesized.stack(role, 'Automation').stackName);
  const data = synthesized.template(synthesized.stack(role, 'Data').stackName);
  const machines = resources(automation, 'AWS::StepFunctions::StateMachine');
  const named = (job: string) =>
    machines.find((m) => m.Properties.StateMachineName === stateMachineName(config, region, job));
  const parameters = resources(automation, 'AWS::SSM::Parameter');
  const parameter = (name: string) => parameters.find((p) => p.Properties.Name === name);
  const names = stageParameters(stage);

  test('both machines exist, their ARNs under the names dr restore reads', () => {
    expect(named('database-restore')).toBeDefined();
    expect(named('cache-restore')).toBeDefined();
    expect(parameter(names.databaseRestoreStateMachineArn)).toBeDefined();
    expect(parameter(names.cacheRestoreStateMachineArn)).toBeDefined();
  });

  test('the application endpoint parameters start at the default, which leaves the pods on the stack’s own', () => {
    for (const name of [names.databaseEndpoint, names.cacheEndpoint]) {
      expect(parameter(name)?.Properties.Value).toBe(APPLICATION_ENDPOINT_DEFAULT);
    }
  });

  test("the database restore uses the Data stack's engine, version and instance class, and the stack's cluster", () => {
    const [cluster] = resources(data, 'AWS::RDS::DBCluster');
    const instanceClasses = new Set(resources(data, 'AWS::RDS::DBInstance').map((i) => i.Properties.DBInstanceClass));
    const states = definitionOf(named('database-restore')!);
    expect(states.RestoreFromSnapshot?.Arguments).toMatchObject({
      Engine: cluster!.Properties.Engine,
      EngineVersion: cluster!.Properties.EngineVersion,
      EnableIamDatabaseAuthentication: true,
    });
    expect(instanceClasses).toEqual(new Set([states.CreateInstance?.Arguments?.DbInstanceClass]));
    expect(states.ReadStackCluster?.Arguments).toEqual({ DbClusterIdentifier: clusterIdentifier(config, region) });
    expect(states.RestoreToPointInTime?.Arguments?.SourceDbClusterIdentifier).toBe(clusterIdentifier(config, region));
  });

  test('each role may create or read only clusters and groups under the restored prefixes', () => {
    const policies = JSON.stringify(resources(automation, 'AWS::IAM::ManagedPolicy').map((p) => p.Properties));
    expect(policies).toContain(`:cluster:${restoredNamePrefix(clusterIdentifier(config, region))}*`);
    expect(policies).toContain(
      `:replicationgroup:${restoredNamePrefix(restoredGroupBase(cacheReplicationGroupId(config, region)))}*`,
    );
    expect(
      restoredNamePrefix(restoredGroupBase(cacheReplicationGroupId(config, region))).length + 12,
    ).toBeLessThanOrEqual(40);
  });

  test('the pods are told the endpoint parameters and may read them: a switch reaches them without a redeploy', () => {
    const compute = JSON.stringify(synthesized.template(synthesized.stack(role, 'Compute').stackName).toJSON());
    for (const [variable, name] of [
      ['DATABASE_ENDPOINT_PARAMETER', names.databaseEndpoint],
      ['CACHE_ENDPOINT_PARAMETER', names.cacheEndpoint],
    ]) {
      expect(compute).toContain(`\\"name\\":\\"${variable}\\",\\"value\\":\\"${name}\\"`);
      expect(compute).toContain(`:parameter${name}`);
    }
  });
});
