// DrStack's one answer to cfn-lint W3005: no DependsOn that a reference in the same resource already implies.
import { Template } from 'aws-cdk-lib/assertions';
import * as iam from 'aws-cdk-lib/aws-iam';
import * as lambda from 'aws-cdk-lib/aws-lambda';
import * as kms from 'aws-cdk-lib/aws-kms';
import { loadConfig } from '../../lib/config';
import { FUNCTIONS } from '../../lib/contract';
import { DrFunction } from '../../lib/constructs/dr-function';
import { DrStack, withoutImpliedDependsOn, type CfnTemplate } from '../../lib/stacks/dr-stack';
import { newApp } from '../helpers/synth';

const resource = (properties: unknown, dependsOn: unknown) => ({
  Type: 'AWS::X::Y',
  Properties: properties,
  DependsOn: dependsOn,
});

describe('withoutImpliedDependsOn', () => {
  test.each([
    ['Ref', { Role: { Ref: 'Role' } }, ['Role', 'Policy'], ['Policy']],
    ['Fn::GetAtt as a list', { Role: { 'Fn::GetAtt': ['Role', 'Arn'] } }, ['Role', 'Policy'], ['Policy']],
    ['Fn::GetAtt as a string', { Role: { 'Fn::GetAtt': 'Role.Arn' } }, ['Role'], undefined],
    ['Fn::Sub', { Name: { 'Fn::Sub': '${Role.Arn}-${AWS::Region}' } }, ['Role'], undefined],
    ['a reference deep in a list', { A: [{ B: { 'Fn::Join': ['', [{ Ref: 'Role' }]] } }] }, 'Role', undefined],
  ])('drops the entry a %s already implies', (_name, properties, dependsOn, expected) => {
    const { Resources } = withoutImpliedDependsOn({ Resources: { Fn: resource(properties, dependsOn) } });
    expect(Resources?.Fn?.DependsOn).toEqual(expected);
  });

  test.each([
    ['only the other resource', { Role: { Ref: 'Other' } }],
    ['the name as a Fn::Sub variable of its own', { Name: { 'Fn::Sub': ['${Role}', { Role: 'literal' }] } }],
    ['the name escaped in Fn::Sub', { Name: { 'Fn::Sub': '${!Role}' } }],
    ['it in one branch of Fn::If', { Role: { 'Fn::If': ['Cond', { Ref: 'Role' }, { Ref: 'AWS::NoValue' }] } }],
  ])('keeps the entry when the properties name %s', (_name, properties) => {
    const { Resources } = withoutImpliedDependsOn({ Resources: { Fn: resource(properties, ['Role']) } });
    expect(Resources?.Fn?.DependsOn).toEqual(['Role']);
  });

  test('leaves everything but DependsOn as it was', () => {
    const template: CfnTemplate = {
      Description: 'd',
      Resources: { Fn: { ...resource({ Role: { Ref: 'Role' } }, ['Role']), DeletionPolicy: 'Retain' } as never },
    };
    expect(withoutImpliedDependsOn(template)).toEqual({
      Description: 'd',
      Resources: { Fn: { Type: 'AWS::X::Y', Properties: { Role: { Ref: 'Role' } }, DeletionPolicy: 'Retain' } },
    });
  });
});

describe('a DrStack template', () => {
  function stack() {
    const config = loadConfig({ stage: 'prod' });
    return new DrStack(newApp(), { config, regionConfig: config.regions[0]!, purpose: 'Test' });
  }
  const dependsOn = (template: Template, type: string) =>
    Object.values(template.findResources(type)).map((r) => (r as { DependsOn?: string[] }).DependsOn);

  test("has no DependsOn on a Lambda function's role, which CDK adds next to the role's GetAtt", () => {
    const scope = stack();
    const role = new iam.Role(scope, 'Role', { assumedBy: new iam.ServicePrincipal('lambda.amazonaws.com') });
    role.addToPolicy(new iam.PolicyStatement({ actions: ['sqs:SendMessage'], resources: ['*'] }));
    new lambda.Function(scope, 'Fn', {
      runtime: lambda.Runtime.NODEJS_22_X,
      handler: 'index.handler',
      code: lambda.Code.fromInline('exports.handler = async () => {};'),
      role,
    });
    const template = Template.fromStack(scope);
    // The role's default policy stays: the function does not reference it.
    expect(dependsOn(template, 'AWS::Lambda::Function')).toEqual([
      [scope.getLogicalId(role.node.findChild('DefaultPolicy').node.defaultChild as iam.CfnPolicy)],
    ]);
  });

  test("still creates a DrFunction after its managed policy, which Lambda's DLQ check needs", () => {
    const scope = stack();
    const fn = new DrFunction(scope, 'Fn', {
      contract: FUNCTIONS.degradedModeSwitch,
      description: 'x',
      stage: 'prod',
      encryptionKey: new kms.Key(scope, 'Key'),
      environment: { MODE_PARAMETER_NAME: 'm', REPLICATION_GROUP_ID: 'g', ALERT_TOPIC_ARN: 't' },
    });
    const template = Template.fromStack(scope);
    expect(dependsOn(template, 'AWS::Lambda::Function')).toEqual([
      [scope.getLogicalId(fn.policy.node.defaultChild as iam.CfnManagedPolicy)],
    ]);
  });
});
