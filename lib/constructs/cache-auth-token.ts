// The AUTH token of the cache tier: generated in the primary region, replicated to the secondary, retained.
import { RemovalPolicy, Validations } from 'aws-cdk-lib';
import type * as kms from 'aws-cdk-lib/aws-kms';
import * as secretsmanager from 'aws-cdk-lib/aws-secretsmanager';
import { Construct } from 'constructs';

/** Props of {@link CacheAuthToken}. */
export interface CacheAuthTokenProps {
  /** Name of the secret, fixed so the secondary region resolves its replica by name. */
  readonly secretName: string;
  /** Key of the secret in this region. */
  readonly encryptionKey: kms.IKey;
  /**
   * Regions the secret is replicated to (encrypted there with the Secrets Manager key of that region).
   * @default - no replicas
   */
  readonly replicaRegions?: readonly string[];
}

/**
 * A 64-character AUTH token of letters and digits (Valkey forbids `@`, `"` and `/`; letters and
 * digits survive every client's URL parsing). Retained: deleting it would lock every client out.
 */
export class CacheAuthToken extends Construct {
  public readonly secret: secretsmanager.Secret;

  constructor(scope: Construct, id: string, props: CacheAuthTokenProps) {
    super(scope, id);
    this.secret = new secretsmanager.Secret(this, 'Resource', {
      secretName: props.secretName,
      description: 'AUTH token of the cache tier replication groups in both regions',
      encryptionKey: props.encryptionKey,
      replicaRegions: (props.replicaRegions ?? []).map((region) => ({ region })),
      generateSecretString: { passwordLength: 64, excludePunctuation: true },
      removalPolicy: RemovalPolicy.RETAIN,
    });
    const reason =
      'Rotating the AUTH token means ModifyReplicationGroup with AuthTokenUpdateStrategy ROTATE then SET on both ' +
      'Global Datastore members while clients pick up the new token; that runbook comes with secret rotation (issue 3).';
    Validations.of(this.secret).acknowledge(
      { id: 'AwsSolutions-SMG4', reason },
      { id: 'NIST.800.53.R5-SecretsManagerRotationEnabled', reason },
    );
  }
}
