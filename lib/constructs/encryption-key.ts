// A customer-managed KMS key with the defaults every DR key shares, and the one key statement that lets CloudWatch Logs use a key.
import { RemovalPolicy, Stack } from 'aws-cdk-lib';
import * as iam from 'aws-cdk-lib/aws-iam';
import * as kms from 'aws-cdk-lib/aws-kms';
import { Construct } from 'constructs';
import { keyDescription } from '../naming';

/**
 * Lets the CloudWatch Logs service of `scope`'s region encrypt log groups of this account and
 * region with `key`, and nothing else: a log group is encrypted with a key only if the regional
 * logs service may use it. Throws when `key` is imported, because its policy cannot be changed
 * from here.
 * @see https://docs.aws.amazon.com/AmazonCloudWatch/latest/logs/encrypt-log-data-kms.html
 */
export function allowLogsToUseKey(scope: Construct, key: kms.IKey): void {
  const stack = Stack.of(scope);
  const granted = key.addToResourcePolicy(
    new iam.PolicyStatement({
      principals: [new iam.ServicePrincipal(`logs.${stack.region}.amazonaws.com`)],
      actions: ['kms:Encrypt*', 'kms:Decrypt*', 'kms:ReEncrypt*', 'kms:GenerateDataKey*', 'kms:Describe*'],
      resources: ['*'],
      conditions: {
        ArnLike: {
          'kms:EncryptionContext:aws:logs:arn': `arn:${stack.partition}:logs:${stack.region}:${stack.account}:log-group:*`,
        },
      },
    }),
  );
  if (!granted.statementAdded) {
    throw new Error(
      `the encryption key given to ${scope.node.path} is imported, so CloudWatch Logs cannot be granted use of it; pass a key created in this app`,
    );
  }
}

/** Props of {@link EncryptionKey}. */
export interface EncryptionKeyProps {
  /** What the key protects, written into its description. */
  readonly purpose: string;
  /**
   * Alias of the key, without the `alias/` prefix. A fixed alias lets another region name the key
   * without a cross-region reference.
   * @default - no alias
   */
  readonly alias?: string;
  /**
   * Let CloudWatch Logs of this region encrypt log groups of this account with the key
   * ({@link allowLogsToUseKey}).
   * @default false
   */
  readonly allowCloudWatchLogs?: boolean;
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
      description: keyDescription(props.purpose),
      enableKeyRotation: true,
      removalPolicy: RemovalPolicy.RETAIN,
      ...(props.alias ? { alias: `alias/${props.alias}` } : {}),
    });
    if (props.allowCloudWatchLogs) allowLogsToUseKey(this, this.key);
  }
}
