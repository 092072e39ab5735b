// What the Redis backup step tests share: the settings, the mocked clients, a real redis-server as the group's primary, and the run in flight.
import { DescribeReplicationGroupsCommand, ElastiCacheClient } from '@aws-sdk/client-elasticache';
import { S3Client } from '@aws-sdk/client-s3';
import { GetSecretValueCommand, SecretsManagerClient } from '@aws-sdk/client-secrets-manager';
import { SSMClient } from '@aws-sdk/client-ssm';
import { mockClient } from 'aws-sdk-client-mock';
import { REDIS_SENTINEL } from '../../lib/contract';
import { startRedis, type RedisServer } from '../../test/helpers/redis-server';
import { redisConnector } from '../shared/cache-session';
import { sentinelValue } from '../shared/sentinel';
import type { RedisBackupDeps } from './redis-backup';

/** Set by {@link useRedisBackupFixture}'s beforeAll: the redis-server and the step's dependencies. */
export const fx = {} as { redis: RedisServer; deps: RedisBackupDeps };

export const NOW = new Date('2026-11-26T02:00:00Z');
export const GROUP = 'async-toolformer-prod-use1';
export const settings = {
  replicationGroupId: GROUP,
  bucket: 'async-toolformer-prod-cache-backups-123456789012-use1',
  resultParameter: '/async-toolformer/prod/backups/redis/latest',
  stage: 'prod',
  authTokenSecretName: 'async-toolformer/prod/cache/auth-token',
  primary: { replicationGroupId: GROUP, region: 'us-east-1', peerRegion: 'us-west-2' },
  objectLock: { mode: 'GOVERNANCE', days: 7 } as const,
};
export const member = (role: 'PRIMARY' | 'SECONDARY') => ({
  ReplicationGroups: [
    {
      ReplicationGroupId: GROUP,
      NodeGroups: [{ PrimaryEndpoint: { Address: fx.redis.endpoint.host, Port: fx.redis.endpoint.port } }],
      GlobalReplicationGroupInfo: {
        GlobalReplicationGroupId: 'ldgnf-async-toolformer-prod',
        GlobalReplicationGroupMemberRole: role,
      },
    },
  ],
});
export const elasticache = mockClient(ElastiCacheClient);
export const s3 = mockClient(S3Client);
export const ssm = mockClient(SSMClient);
export const secrets = mockClient(SecretsManagerClient);

export const sentinel = {
  key: REDIS_SENTINEL.key,
  ...sentinelValue('prod', NOW),
  keys: 3,
  persistentKeys: 2,
};
export const inFlight = {
  kind: 'daily' as const,
  snapshotName: `${GROUP}-daily-20261126-0200-snap`,
  exportName: `${GROUP}-daily-20261126-0200`,
  sentinel,
};

/** Starts the redis-server before the file's tests and resets the mocks and the data before each. */
export function useRedisBackupFixture(): void {
  beforeAll(async () => {
    fx.redis = await startRedis();
    fx.deps = {
      elasticache: new ElastiCacheClient({}),
      s3: new S3Client({}),
      ssm: new SSMClient({}),
      secrets: new SecretsManagerClient({}),
      cache: redisConnector({ ca: fx.redis.ca, timeoutMs: 5000 }),
      now: () => NOW,
      retry: { attempts: 3, baseDelayMs: 1, sleep: async () => {} },
    };
  });
  afterAll(() => fx.redis?.stop());

  beforeEach(async () => {
    elasticache.reset();
    s3.reset();
    ssm.reset();
    secrets.reset();
    // moto has no Global Datastores: the role comes from aws-sdk-client-mock.
    elasticache.on(DescribeReplicationGroupsCommand).resolves(member('PRIMARY'));
    secrets.on(GetSecretValueCommand).resolves({ SecretString: fx.redis.password });
    // The group's data: two rate-limiter counters with TTLs, one setting without.
    await fx.redis.send(['FLUSHALL'], ['SET', 'rl:a', '1', 'EX', '600'], ['SET', 'config', 'x']);
  });
}
