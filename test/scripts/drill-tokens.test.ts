// The drill's token resolution, and its seeding order and names, against a stand-in server that records every call.
import type { Assembly, AssemblyStack, Template } from '../../scripts/drill/assembly';
import type { DrillClient } from '../../scripts/drill/drill-server';
import { NO_VALUE, references, resolve, type TokenContext } from '../../scripts/drill/tokens';
import { UNSEEDED, World } from '../../scripts/drill/world';

const context: TokenContext = {
  partition: 'aws',
  region: 'us-west-2',
  account: '123456789012',
  stackName: 'Stack',
  ref: (id) => `ref-of-${id}`,
  getAtt: (id, attribute) => `${attribute}-of-${id}`,
  stackOutput: (stack, region, output) => `${output}@${stack}@${region}`,
  importValue: (name) => `export-${name}`,
  condition: (name) => name === 'IsProd',
  mapping: (map, key, attribute) => `${map}.${key}.${attribute}`,
  dynamicReference: (service, key) => `<${service}:${key}>`,
};

test.each([
  ['Ref of a resource', { Ref: 'Topic' }, 'ref-of-Topic'],
  ['a pseudo parameter', { Ref: 'AWS::Region' }, 'us-west-2'],
  ['Fn::GetAtt as a list', { 'Fn::GetAtt': ['Role', 'Arn'] }, 'Arn-of-Role'],
  ['Fn::GetAtt as a dotted string', { 'Fn::GetAtt': 'Cluster.Endpoint.Address' }, 'Endpoint.Address-of-Cluster'],
  [
    'Fn::Join of text and tokens',
    { 'Fn::Join': ['', ['arn:', { Ref: 'AWS::Partition' }, ':states:::', { Ref: 'Machine' }]] },
    'arn:aws:states:::ref-of-Machine',
  ],
  [
    'Fn::Sub with a resource, an attribute, a variable and an escape',
    { 'Fn::Sub': ['${AWS::AccountId}/${Queue}/${Fn.Arn}/${x}/${!Literal}', { x: { Ref: 'Other' } }] },
    '123456789012/ref-of-Queue/Arn-of-Fn/ref-of-Other/${Literal}',
  ],
  ['Fn::ImportValue', { 'Fn::ImportValue': { 'Fn::Sub': '${AWS::StackName}-Out' } }, 'export-Stack-Out'],
  [
    'Fn::GetStackOutput of another region',
    { 'Fn::GetStackOutput': { StackName: 'Other', Region: 'us-east-1', OutputName: 'Arn' } },
    'Arn@Other@us-east-1',
  ],
  ['Fn::If on a condition', { 'Fn::If': ['IsProd', 'yes', 'no'] }, 'yes'],
  ['Fn::Select of Fn::Split', { 'Fn::Select': [1, { 'Fn::Split': [':', 'a:b:c'] }] }, 'b'],
  ['Fn::FindInMap', { 'Fn::FindInMap': ['Zones', { Ref: 'AWS::Partition' }, 'id'] }, 'Zones.aws.id'],
  [
    'a dynamic reference',
    'pw={{resolve:secretsmanager:db:SecretString:password::}}',
    'pw=<secretsmanager:db:SecretString:password::>',
  ],
])('resolves %s', (_label, value, expected) => {
  expect(resolve(value, context)).toEqual(expected);
});

test('leaves out a property or an item that is Ref AWS::NoValue', () => {
  expect(resolve({ a: { Ref: 'AWS::NoValue' }, b: ['x', { Ref: 'AWS::NoValue' }] }, context)).toStrictEqual({
    b: ['x'],
  });
  expect(resolve({ Ref: 'AWS::NoValue' }, context)).toBe(NO_VALUE);
});

test('fails when a function is not one the drill knows', () => {
  expect(() => resolve({ 'Fn::Cidr': ['10.0.0.0/16', 2, 8] }, context)).toThrow(
    'the drill cannot resolve Fn::Cidr yet',
  );
});

test('finds the logical ids a value refers to, pseudo parameters and Fn::Sub escapes excepted', () => {
  const value = {
    a: { Ref: 'Topic' },
    b: { 'Fn::GetAtt': ['Role', 'Arn'] },
    c: { 'Fn::Sub': '${Queue.Arn}/${AWS::Region}/${!Skip}' },
    d: { Ref: 'AWS::Partition' },
  };
  expect([...references(value)].sort()).toEqual(['Queue', 'Role', 'Topic']);
});

function stack(template: Template, region = 'us-west-2'): AssemblyStack {
  return { stackName: `Stack-${region}`, region, account: '123456789012', template, dependencies: [] };
}

/** A drill client that answers like moto for the calls seeding makes, and records them. */
function recordingClient(calls: { action: string; region: string; params: Record<string, unknown> }[]): DrillClient {
  const call = async (_service: string, region: string, action: string, params: Record<string, unknown> = {}) => {
    calls.push({ action, region, params });
    switch (action) {
      case 'CreateStateMachine':
        return { stateMachineArn: `arn:aws:states:${region}:123456789012:stateMachine:${String(params.name)}` };
      case 'CreateTopic':
        return { TopicArn: `arn:aws:sns:${region}:123456789012:${String(params.Name)}` };
      case 'CreateQueue':
        return { QueueUrl: `https://sqs/${String(params.QueueName)}` };
      case 'GetQueueAttributes':
        return { Attributes: { QueueArn: 'arn:aws:sqs:queue' } };
      default:
        return {};
    }
  };
  return { call } as unknown as DrillClient;
}

test('seeds each resource after those it refers to, with the names and ARNs the server gave', async () => {
  // Declared out of order on purpose: the parameter names the machine, which names the topic and a role.
  const template: Template = {
    Resources: {
      Parameter: {
        Type: 'AWS::SSM::Parameter',
        Properties: { Name: '/app/machine-arn', Type: 'String', Value: { Ref: 'Machine' } },
      },
      Machine: {
        Type: 'AWS::StepFunctions::StateMachine',
        Properties: {
          StateMachineName: 'app-failover',
          RoleArn: { 'Fn::GetAtt': ['Role', 'Arn'] },
          DefinitionString: { 'Fn::Join': ['', ['{"TopicArn":"', { Ref: 'Topic' }, '"}']] },
        },
      },
      Topic: { Type: 'AWS::SNS::Topic', Properties: { TopicName: 'alerts' } },
      Role: { Type: 'AWS::IAM::Role', Properties: {} },
    },
  };
  const calls: { action: string; region: string; params: Record<string, unknown> }[] = [];
  const assembly: Assembly = { dir: 'test', stacks: [stack(template)] };
  const world = new World(assembly, recordingClient(calls));
  await world.seed();

  expect(calls.map((call) => call.action)).toEqual([
    'CreateTopic',
    'CreateQueue',
    'GetQueueAttributes',
    'Subscribe',
    'CreateStateMachine',
    'PutParameter',
  ]);
  const machine = calls.find((call) => call.action === 'CreateStateMachine')!.params;
  expect(machine.definition).toBe('{"TopicArn":"arn:aws:sns:us-west-2:123456789012:alerts"}');
  expect(machine.roleArn).toBe(`arn:aws:iam::123456789012:role/${UNSEEDED}-Role`);
  expect(calls.at(-1)!.params).toMatchObject({
    Name: '/app/machine-arn',
    Value: 'arn:aws:states:us-west-2:123456789012:stateMachine:app-failover',
  });
  expect(world.notSeeded.get('AWS::IAM::Role')).toBe(1);
  expect(world.inboxes).toEqual([
    {
      topicArn: 'arn:aws:sns:us-west-2:123456789012:alerts',
      region: 'us-west-2',
      queueUrl: 'https://sqs/drill-inbox-alerts',
    },
  ]);
});
