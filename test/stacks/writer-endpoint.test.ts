// The pods of both regions reach Aurora through the global writer endpoint: each side's template followed back to the global cluster's writer endpoint.
import type { Template } from 'aws-cdk-lib/assertions';
import { STAGES, type RegionRole, type Stage } from '../../lib/config';
import { DATABASE_ENV, ORCHESTRATOR_NAME } from '../../lib/constructs/orchestrator-workload';
import { AURORA_PORT } from '../../lib/stacks/data-stack';
import { synthStage } from '../helpers/synth';

const ROLES: RegionRole[] = ['primary', 'secondary'];
const cases = STAGES.flatMap((stage) => ROLES.map((role) => [stage, role] as const));

interface Resource {
  readonly Type: string;
  readonly Properties?: Record<string, unknown>;
}

const resourcesOf = (template: Template) => (template.toJSON() as { Resources: Record<string, Resource> }).Resources;

/** A `Fn::Join` of literals and `Ref`s as one string, each `Ref` written `<<ref:LogicalId>>`. */
function flattenJoin(value: unknown): string {
  if (typeof value === 'string') return value;
  const [, parts] = (value as { 'Fn::Join': [string, unknown[]] })['Fn::Join'];
  return parts.map((part) => (typeof part === 'string' ? part : `<<ref:${(part as { Ref: string }).Ref}>>`)).join('');
}

/** The name the parameter of the writer endpoint has in every region. */
const parameterNameOf = (stage: Stage) => `/async-toolformer/${stage}/data/writer-endpoint`;

/** The one SSM parameter of `template` named `name`, with its logical id. */
function ssmParameter(template: Template, name: string): { id: string; value: unknown } {
  const found = Object.entries(resourcesOf(template)).filter(
    ([, r]) => r.Type === 'AWS::SSM::Parameter' && r.Properties?.Name === name,
  );
  expect(found.map(([id]) => id)).toHaveLength(1);
  const [id, resource] = found[0]!;
  return { id, value: resource.Properties!.Value };
}

/** The part of a Kubernetes object this test reads. */
interface KubernetesObject {
  readonly kind: string;
  readonly metadata: { name: string };
  readonly spec?: { template: { spec: { containers: { env: { name: string; value: string }[] }[] } } };
}

/** An SDK call of an AwsCustomResource, as its `Create` property spells it. */
interface SdkCall {
  readonly service: string;
  readonly action: string;
  readonly region?: string;
  readonly parameters?: Record<string, unknown>;
  readonly outputPaths?: string[];
}

/**
 * The value of env variable `name` of the orchestrator container, as written in the template: a
 * literal, or the CloudFormation token the manifest's `Fn::Join` puts there.
 */
function containerEnv(template: Template, name: string): unknown {
  const tokens: unknown[] = [];
  for (const resource of Object.values(resourcesOf(template))) {
    if (resource.Type !== 'Custom::AWSCDK-EKS-KubernetesResource') continue;
    const manifest = resource.Properties!.Manifest;
    const parts =
      typeof manifest === 'string' ? [manifest] : (manifest as { 'Fn::Join': [string, unknown[]] })['Fn::Join'][1];
    const text = parts.map((part) => (typeof part === 'string' ? part : `<<token:${tokens.push(part) - 1}>>`)).join('');
    for (const object of JSON.parse(text) as KubernetesObject[]) {
      if (object.kind !== 'Deployment' || object.metadata.name !== ORCHESTRATOR_NAME) continue;
      const env = object.spec!.template.spec.containers[0]!.env;
      const value = env.find((entry) => entry.name === name)?.value;
      if (value === undefined) throw new Error(`the orchestrator container has no env ${name}`);
      const token = /^<<token:(\d+)>>$/.exec(value);
      return token ? tokens[Number(token[1])] : value;
    }
  }
  throw new Error('no orchestrator Deployment in the template');
}

describe.each(cases)('%s %s: the pods write through the global writer endpoint', (stage, role) => {
  const synthesized = synthStage(stage);
  const primaryRegion = synthesized.region('primary').region;
  const name = parameterNameOf(stage);
  const primaryData = synthesized.template(synthesized.stack('primary', 'Data').stackName);
  const data = synthesized.template(synthesized.stack(role, 'Data').stackName);
  const computeStack = synthesized.stack(role, 'Compute');
  const compute = synthesized.template(computeStack.stackName);

  /** The custom resource a `Fn::GetAtt` of `template` reads `field` from, with its parsed call. */
  function lookupBehind(template: Template, value: unknown, field: string): SdkCall {
    const [id, attribute] = (value as { 'Fn::GetAtt': [string, string] })['Fn::GetAtt'] ?? [];
    expect(attribute).toBe(field);
    const lookup = resourcesOf(template)[id!]!;
    expect(lookup.Type).toBe('Custom::AWS');
    // Create and Update make the same call: a later deploy reads again only if the call changes.
    expect(lookup.Properties!.Update).toEqual(lookup.Properties!.Create);
    return JSON.parse(flattenJoin(lookup.Properties!.Create)) as SdkCall;
  }

  test("DATABASE_WRITER_ENDPOINT is this region's parameter, which holds the global cluster's writer endpoint", () => {
    const env = containerEnv(compute, DATABASE_ENV.writerEndpoint) as { Ref: string };
    const parameter = (compute.toJSON() as { Parameters: Record<string, { Type: string; Default: string }> })
      .Parameters[env.Ref];
    // Resolved by CloudFormation in this region at deploy time: no lookup at synth, no call to another region.
    expect(parameter).toEqual({ Type: 'AWS::SSM::Parameter::Value<String>', Default: name });

    let source = ssmParameter(data, name).value;
    if (role === 'secondary') {
      // The secondary copies the primary's parameter of the same name, read once in the primary's region.
      const copy = lookupBehind(data, source, 'Parameter.Value');
      expect(copy).toMatchObject({
        service: 'SSM',
        action: 'getParameter',
        region: primaryRegion,
        parameters: { Name: name },
      });
      source = ssmParameter(primaryData, name).value;
    }
    // The primary's parameter holds DescribeGlobalClusters' Endpoint (the global writer endpoint, which
    // CloudFormation documents as GlobalEndpoint.Address but does not return) of the global cluster.
    const [globalClusterId] = Object.keys(primaryData.findResources('AWS::RDS::GlobalCluster'));
    const describe = lookupBehind(primaryData, source, 'GlobalClusters.0.Endpoint');
    expect(describe).toMatchObject({
      service: 'RDS',
      action: 'describeGlobalClusters',
      parameters: { GlobalClusterIdentifier: `<<ref:${globalClusterId}>>` },
      outputPaths: ['GlobalClusters.0.Endpoint'],
    });
    expect(describe.region).toBeUndefined();
  });

  test('never a regional cluster endpoint, and the port is the one the clusters listen on', () => {
    expect(JSON.stringify(compute.toJSON())).not.toMatch(/Endpoint\.Address|\.cluster-/);
    expect(containerEnv(compute, DATABASE_ENV.port)).toBe(String(AURORA_PORT));
    for (const cluster of Object.values(data.findResources('AWS::RDS::DBCluster'))) {
      expect([undefined, AURORA_PORT]).toContain((cluster as Resource).Properties?.Port);
    }
  });

  test('deploy order: the Compute stack after its own Data stack; the secondary Data stack after the primary one', () => {
    expect(computeStack.dependencies).toContain(synthesized.stack(role, 'Data').stackName);
    if (role === 'secondary') {
      expect(synthesized.stack('secondary', 'Data').dependencies).toContain(
        synthesized.stack('primary', 'Data').stackName,
      );
    }
  });
});
