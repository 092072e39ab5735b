// A customer-managed KMS key with the defaults every DR key shares: rotation on, never deleted with its stack.
import { RemovalPolicy } from 'aws-cdk-lib';
import * as kms from 'aws-cdk-lib/aws-kms';
import { Construct } from 'constructs';

/** Props of {@link EncryptionKey}. */
export interface EncryptionKeyProps {
  /** What the key protects, written into its description. */
  readonly purpose: string;
  /**
   * Alias of the key, without the `alias/` prefix.
   * @default - no alias
   */
  readonly alias?: string;
}

/**
 * A rotating, retained KMS key. Deleting a key makes everything it encrypted unreadable, so the
 * key outlives its stack even in staging.
 */
export class EncryptionKey extends Construct {
  public readonly key: kms.Key;

  constructor(scope: Construct, id: string, props: EncryptionKeyProps) {
    super(scope, id);
    this.key = new kms.Key(this, 'Resource', {
      description: `async-toolformer DR: ${props.purpose}`,
      enableKeyRotation: true,
      removalPolicy: RemovalPolicy.RETAIN,
      ...(props.alias ? { alias: `alias/${props.alias}` } : {}),
    });
  }
}
