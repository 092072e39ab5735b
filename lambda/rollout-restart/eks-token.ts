// An EKS bearer token: a presigned STS GetCallerIdentity URL naming the cluster (x-k8s-aws-id), as `aws eks get-token` makes it.
import { SignatureV4 } from '@smithy/signature-v4';
import type { AwsCredentialIdentity, Checksum, SourceData } from '@smithy/types';
import { createHash, createHmac, type Hash, type Hmac } from 'node:crypto';

/** SHA-256 (and HMAC-SHA-256 with a secret) for SignatureV4, from node:crypto: no extra package. */
class Sha256 implements Checksum {
  private hash: Hash | Hmac;
  constructor(private readonly secret?: SourceData) {
    this.hash = this.create();
  }
  private create(): Hash | Hmac {
    return this.secret === undefined ? createHash('sha256') : createHmac('sha256', toBuffer(this.secret));
  }
  update(data: Uint8Array): void {
    this.hash.update(data);
  }
  async digest(): Promise<Uint8Array> {
    return new Uint8Array(this.hash.digest());
  }
  reset(): void {
    this.hash = this.create();
  }
}

function toBuffer(data: SourceData): Buffer {
  if (typeof data === 'string') return Buffer.from(data, 'utf8');
  if (ArrayBuffer.isView(data)) return Buffer.from(data.buffer, data.byteOffset, data.byteLength);
  return Buffer.from(data);
}

/** The header that binds the token to one cluster: the API server's authenticator checks it is signed. */
export const CLUSTER_ID_HEADER = 'x-k8s-aws-id';
/** The prefix of every EKS token. */
export const TOKEN_PREFIX = 'k8s-aws-v1.';

/**
 * A token for `clusterName`, valid for the 15 minutes the authenticator allows from `now` (the URL's
 * own expiry is 60 seconds, as aws-iam-authenticator's). The API server sends the URL to STS, which
 * answers with the caller's identity: the IAM role that the cluster's access entry maps.
 * @see https://docs.aws.amazon.com/eks/latest/userguide/cluster-auth.html
 */
export async function eksToken(
  clusterName: string,
  region: string,
  credentials: AwsCredentialIdentity,
  now: Date = new Date(),
): Promise<string> {
  const signer = new SignatureV4({ credentials, region, service: 'sts', sha256: Sha256 });
  const hostname = `sts.${region}.amazonaws.com`;
  const signed = await signer.presign(
    {
      method: 'GET',
      protocol: 'https:',
      hostname,
      path: '/',
      query: { Action: 'GetCallerIdentity', Version: '2011-06-15' },
      headers: { host: hostname, [CLUSTER_ID_HEADER]: clusterName },
    },
    { expiresIn: 60, signingDate: now },
  );
  const query = Object.entries(signed.query ?? {})
    .map(([key, value]) => `${encode(key)}=${encode(String(value))}`)
    .join('&');
  const url = `https://${hostname}/?${query}`;
  return TOKEN_PREFIX + Buffer.from(url, 'utf8').toString('base64url');
}

/** RFC 3986 encoding, as SigV4 signs the query. */
function encode(text: string): string {
  return encodeURIComponent(text).replace(/[!'()*]/g, (c) => `%${c.charCodeAt(0).toString(16).toUpperCase()}`);
}

/** The function's own credentials, which Lambda sets in its environment; a missing key is an error, never an unsigned call. */
export function credentialsFromEnvironment(env: NodeJS.ProcessEnv = process.env): AwsCredentialIdentity {
  const accessKeyId = env.AWS_ACCESS_KEY_ID;
  const secretAccessKey = env.AWS_SECRET_ACCESS_KEY;
  if (!accessKeyId || !secretAccessKey)
    throw new Error(
      'AWS_ACCESS_KEY_ID and AWS_SECRET_ACCESS_KEY are not set: no credentials to sign the EKS token with',
    );
  return { accessKeyId, secretAccessKey, ...(env.AWS_SESSION_TOKEN ? { sessionToken: env.AWS_SESSION_TOKEN } : {}) };
}
