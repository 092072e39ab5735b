// DrFunction rejects inputs it cannot honour before anything is bundled.
import { App, Stack } from 'aws-cdk-lib';
import * as kms from 'aws-cdk-lib/aws-kms';
import { DrFunction } from '../../lib/constructs/dr-function';

function stack(): Stack {
  return new Stack(new App(), 'Test', { env: { account: '123456789012', region: 'us-east-1' } });
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
