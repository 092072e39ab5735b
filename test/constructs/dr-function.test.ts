// DrFunction rejects inputs it cannot honour before anything is bundled, and keeps its ids as a job's Default child.
import { Stack } from 'aws-cdk-lib';
import { Template } from 'aws-cdk-lib/assertions';
import * as kms from 'aws-cdk-lib/aws-kms';
import { Construct } from 'constructs';
import { DrFunction, type DrFunctionProps } from '../../lib/constructs/dr-function';
import { newApp } from '../helpers/synth';

function stack(): Stack {
  return new Stack(newApp(), 'Test', { env: { account: '123456789012', region: 'us-east-1' } });
}

test('fails when the key is imported, since CloudWatch Logs could not be granted use of it', () => {
  const scope = stack();
  const key = kms.Key.fromKeyArn(scope, 'Imported', 'arn:aws:kms:us-east-1:123456789012:key/abc');
  expect(
    () =>
      new DrFunction(scope, 'Fn', {
        contract: { entry: 'lambda/degraded-mode/handler.ts', service: 'unit', environment: [] },
        environment: {},
        description: 'x',
        stage: 'prod',
        encryptionKey: key,
      }),
  ).toThrow(/imported, so CloudWatch Logs cannot be granted/);
});

test.each([0, -1, 1.5])('fails when reserved concurrency is not a positive integer (%p)', (concurrency) => {
  const scope = stack();
  expect(
    () =>
      new DrFunction(scope, 'Fn', {
        contract: { entry: 'lambda/degraded-mode/handler.ts', service: 'unit', environment: [] },
        environment: {},
        description: 'x',
        stage: 'prod',
        encryptionKey: new kms.Key(scope, 'Key'),
        reservedConcurrentExecutions: concurrency,
      }),
  ).toThrow(`reservedConcurrentExecutions must be a positive integer, got: ${concurrency}`);
});

test('as the Default child of a construct, keeps the logical ids and policy description it had under that id', () => {
  type Resources = Record<string, { Type: string; Properties: { Description?: string } }>;
  const build = (place: (scope: Stack, props: DrFunctionProps) => DrFunction): Resources => {
    const scope = stack();
    place(scope, {
      contract: { entry: 'lambda/degraded-mode/handler.ts', service: 'unit', environment: [] },
      environment: {},
      description: 'x',
      stage: 'prod',
      encryptionKey: new kms.Key(scope, 'Key'),
    });
    return (Template.fromStack(scope).toJSON() as { Resources: Resources }).Resources;
  };
  const plain = build((scope, props) => new DrFunction(scope, 'Fn', props));
  const wrapped = build((scope, props) => new DrFunction(new Construct(scope, 'Fn'), 'Default', props));
  expect(Object.keys(wrapped).sort()).toEqual(Object.keys(plain).sort());
  const policyDescription = (resources: Resources) =>
    Object.values(resources).find((r) => r.Type === 'AWS::IAM::ManagedPolicy')?.Properties.Description;
  expect(policyDescription(wrapped)).toBe('Permissions of Test/Fn');
  expect(policyDescription(plain)).toBe('Permissions of Test/Fn');
});
