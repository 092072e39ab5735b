// The customers' notice topic is subscribed from config `contacts.customers` in the construct that owns it, and config refuses texting customers.
import { Duration, Stack } from 'aws-cdk-lib';
import { Template } from 'aws-cdk-lib/assertions';
import * as s3 from 'aws-cdk-lib/aws-s3';
import * as sns from 'aws-cdk-lib/aws-sns';
import { StatusPage } from '../../lib/constructs/status-page';
import { newApp } from '../helpers/synth';

function statusPage(customers?: { protocol: 'email' | 'https'; endpoint: string }[]): Template {
  const stack = new Stack(newApp(), 'Test', { env: { account: '123456789012', region: 'us-west-2' } });
  new StatusPage(stack, 'StatusPage', {
    stage: 'prod',
    serviceName: 'async-toolformer-orchestrator',
    bucketName: 'status-usw2',
    peerBucket: s3.Bucket.fromBucketAttributes(stack, 'Peer', { bucketName: 'status-use1', region: 'us-east-1' }),
    peerRegion: 'us-east-1',
    domainName: 'status.example.com',
    components: [{ id: 'core-api', name: 'Core API Service' }],
    triggers: {
      failoverStateMachineName: 'failover',
      activateAlarmName: 'activate',
      disagreementAlarmName: 'disagreement',
      criticalTopic: new sns.Topic(stack, 'Critical'),
    },
    noticeTopicName: 'notices',
    logRetention: Duration.days(90),
    ...(customers ? { customers } : {}),
  });
  return Template.fromStack(stack);
}

test('each customer of config is a subscriber of the notice topic, by its protocol', () => {
  const template = statusPage([
    { protocol: 'email', endpoint: 'ops@customer.example' },
    { protocol: 'https', endpoint: 'https://relay.customer.example/notices' },
  ]);
  const topics = template.findResources('AWS::SNS::Topic', { Properties: { TopicName: 'notices' } });
  const [topicId] = Object.keys(topics);
  const subscriptions = Object.values(template.findResources('AWS::SNS::Subscription'))
    .map(({ Properties }) => Properties as { Protocol: string; Endpoint: string; TopicArn: { Ref: string } })
    .filter(({ TopicArn }) => TopicArn.Ref === topicId)
    .map(({ Protocol, Endpoint }) => `${Protocol}:${Endpoint}`);
  expect(subscriptions.sort()).toEqual(['email:ops@customer.example', 'https:https://relay.customer.example/notices']);
});

test('without customers the topic has no subscriber of its own', () => {
  const template = statusPage();
  const topics = template.findResources('AWS::SNS::Topic', { Properties: { TopicName: 'notices' } });
  const [topicId] = Object.keys(topics);
  const own = Object.values(template.findResources('AWS::SNS::Subscription')).filter(
    ({ Properties }) => (Properties as { TopicArn: { Ref: string } }).TopicArn.Ref === topicId,
  );
  expect(own).toEqual([]);
});
