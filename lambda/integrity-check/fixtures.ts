// Test fixtures of the integrity check: names, keys and a healthy input shared by unit and moto tests.
import type { GetObjectCommandOutput } from '@aws-sdk/client-s3';
import type { IntegrityInput } from './check-integrity';

export const ACCOUNT = '123456789012';
export const CLUSTER = 'async-toolformer-prod-use1';
export const CLUSTER_ARN = `arn:aws:rds:us-east-1:${ACCOUNT}:cluster:${CLUSTER}`;
export const VAULT = 'async-toolformer-prod-use1';
export const PEER_VAULT = 'async-toolformer-prod-usw2';
export const BUCKET = 'async-toolformer-prod-use1-redis-backups';
export const PEER_BUCKET = 'async-toolformer-prod-usw2-redis-backups';
export const PREFIX = 'exports/';

export const HOUR = 3600;
export const DAY = 24 * HOUR;

/** The input of a prod run; age limits of a daily schedule with 2 h slack. */
export const input: IntegrityInput = {
  aurora: {
    clusterIdentifier: CLUSTER,
    clusterArn: CLUSTER_ARN,
    vaultName: VAULT,
    peerVaultName: PEER_VAULT,
    databaseKeyParameter: '/async-toolformer/prod/data/database-key-arn',
    copyKeyParameter: '/async-toolformer/prod/data/backup-key-arn',
  },
  redis: { bucket: BUCKET, peerBucket: PEER_BUCKET, prefix: PREFIX },
  limits: { daily: DAY + 2 * HOUR, weekly: 7 * DAY + 2 * HOUR, pointInTime: 15 * 60 },
};

/** A GetObject body holding `text`, for stubbed S3 clients (what the check reads of it: its bytes). */
export const objectBody = (text: string) =>
  ({
    transformToByteArray: () => Promise.resolve(Buffer.from(text, 'latin1')),
  }) as unknown as GetObjectCommandOutput['Body'];
