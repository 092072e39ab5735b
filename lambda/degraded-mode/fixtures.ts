// Builds SNS events shaped like ElastiCache's notifications, for the unit and moto tests.
import type { SNSEvent } from 'aws-lambda';

/** An SNS event delivering `message` (an object is JSON-encoded, a string is sent as is). */
export function snsEvent(message: Record<string, string> | string, messageId = 'msg-1'): SNSEvent {
  return {
    Records: [
      {
        EventSource: 'aws:sns',
        EventVersion: '1.0',
        EventSubscriptionArn: 'arn:aws:sns:us-east-1:123456789012:cache-events:sub',
        Sns: {
          Type: 'Notification',
          MessageId: messageId,
          TopicArn: 'arn:aws:sns:us-east-1:123456789012:cache-events',
          Subject: 'ElastiCache Notification Message',
          Message: typeof message === 'string' ? message : JSON.stringify(message),
          Timestamp: '2026-11-26T12:00:00.000Z',
          SignatureVersion: '1',
          Signature: 'EXAMPLE',
          SigningCertUrl: 'https://sns.us-east-1.amazonaws.com/cert.pem',
          UnsubscribeUrl: 'https://sns.us-east-1.amazonaws.com/unsubscribe',
          MessageAttributes: {},
        },
      },
    ],
  };
}
