// The one dead-letter queue of the app: KMS-encrypted with a given key, TLS only, messages kept for SQS's maximum.
import { Duration, Validations } from 'aws-cdk-lib';
import type * as kms from 'aws-cdk-lib/aws-kms';
import * as sqs from 'aws-cdk-lib/aws-sqs';
import type { Construct } from 'constructs';

/** Props of {@link EncryptedDeadLetterQueue}. */
export interface EncryptedDeadLetterQueueProps {
  /**
   * Key the messages are encrypted with. A sender needs `kms:GenerateDataKey` and `kms:Decrypt` on
   * it; a service principal that sends by itself (EventBridge) needs a key policy statement too.
   */
  readonly encryptionKey: kms.IKey;
  /**
   * What dead-letters into the queue, for example `the schedules`. It completes the acknowledgement
   * that the queue has no dead-letter queue of its own: "This queue is the dead-letter queue of ...".
   */
  readonly deadLettersOf: string;
}

/** How long a failed event waits for someone to look: SQS's maximum. */
export const DEAD_LETTER_RETENTION = Duration.days(14);

/**
 * Where events that could not be delivered after every retry end up: a Lambda function's failed
 * asynchronous invocations, a schedule's or a rule's undeliverable events. Encrypted with a key of
 * the app, reachable over TLS only, and kept 14 days.
 *
 * It is an `sqs.Queue`, not a wrapper around one, so a queue that becomes one keeps its construct
 * path and with it its logical id.
 */
export class EncryptedDeadLetterQueue extends sqs.Queue {
  constructor(scope: Construct, id: string, props: EncryptedDeadLetterQueueProps) {
    if (props.deadLettersOf.trim() === '') {
      throw new Error(
        `deadLettersOf must say what dead-letters into ${scope.node.path}/${id}, for example 'the schedules', got: ''`,
      );
    }
    super(scope, id, {
      encryption: sqs.QueueEncryption.KMS,
      encryptionMasterKey: props.encryptionKey,
      enforceSSL: true,
      retentionPeriod: DEAD_LETTER_RETENTION,
    });
    Validations.of(this).acknowledge({
      id: 'AwsSolutions-SQS3',
      reason: `This queue is the dead-letter queue of ${props.deadLettersOf}; a DLQ of its own would only move the question.`,
    });
  }
}
