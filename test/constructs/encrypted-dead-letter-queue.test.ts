// EncryptedDeadLetterQueue: encrypted with the given key, TLS only, 14 days, acknowledged as a DLQ, at the id of a plain queue.
import { Stack } from 'aws-cdk-lib';
import { Match, Template } from 'aws-cdk-lib/assertions';
import * as kms from 'aws-cdk-lib/aws-kms';
import * as sqs from 'aws-cdk-lib/aws-sqs';
import { AwsSolutionsChecks } from 'cdk-nag';
import { EncryptedDeadLetterQueue } from '../../lib/constructs/encrypted-dead-letter-queue';
import { acknowledgementsUnder } from '../../lib/readiness/nag-summary';
import { newApp } from '../helpers/synth';

function build() {
  const stack = new Stack(newApp(), 'Queues', { env: { account: '123456789012', region: 'us-east-1' } });
  const key = new kms.Key(stack, 'Key', { enableKeyRotation: true });
  const queue = new EncryptedDeadLetterQueue(stack, 'DeadLetters', { encryptionKey: key, deadLettersOf: 'the tests' });
  return { stack, key, queue, template: Template.fromStack(stack) };
}

test('encrypts with the given key, keeps messages 14 days and refuses requests without TLS', () => {
  const { stack, key, template } = build();
  template.hasResourceProperties('AWS::SQS::Queue', {
    KmsMasterKeyId: { 'Fn::GetAtt': [stack.getLogicalId(key.node.defaultChild as kms.CfnKey), 'Arn'] },
    MessageRetentionPeriod: 14 * 24 * 3600,
  });
  template.hasResourceProperties('AWS::SQS::QueuePolicy', {
    PolicyDocument: {
      Statement: [Match.objectLike({ Effect: 'Deny', Condition: { Bool: { 'aws:SecureTransport': 'false' } } })],
    },
  });
});

test('is acknowledged as a dead-letter queue, so nag asks for no DLQ of its own', () => {
  const { stack, queue } = build();
  expect(acknowledgementsUnder(stack)).toEqual([
    {
      id: 'AwsSolutions-SQS3',
      path: queue.node.path,
      reason: 'This queue is the dead-letter queue of the tests; a DLQ of its own would only move the question.',
    },
  ]);
  const findings = new AwsSolutionsChecks(stack)
    .validateScope(stack)
    .violations.flatMap((violation) => violation.violatingResources.map(() => violation.ruleName));
  expect(findings).toEqual([]);
});

test('keeps the logical id a plain queue at the same path had', () => {
  const { stack, queue } = build();
  const before = new Stack(newApp(), 'Queues', { env: { account: '123456789012', region: 'us-east-1' } });
  const plain = new sqs.Queue(before, 'DeadLetters');
  expect(stack.getLogicalId(queue.node.defaultChild as sqs.CfnQueue)).toBe(
    before.getLogicalId(plain.node.defaultChild as sqs.CfnQueue),
  );
});

test('fails when deadLettersOf is empty', () => {
  const stack = new Stack(newApp(), 'Queues');
  const key = new kms.Key(stack, 'Key');
  expect(() => new EncryptedDeadLetterQueue(stack, 'DeadLetters', { encryptionKey: key, deadLettersOf: ' ' })).toThrow(
    /deadLettersOf must say what dead-letters into Queues\/DeadLetters/,
  );
});
