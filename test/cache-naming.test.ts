// Fixed cache names stay inside AWS's limits for every stage and region of the config.
import {
  cacheAuthTokenSecretName,
  cacheBackupBucketName,
  cacheGlobalDatastoreSuffix,
  cacheParameterNames,
  cacheReplicationGroupId,
} from '../lib/cache-naming';
import { STAGES, loadConfig } from '../lib/config';
import { RATE_LIMITER_MODES } from '../lib/constructs/degraded-mode-switch';
import { MODES } from '../lambda/degraded-mode/events';

const regions = STAGES.flatMap((stage) => {
  const config = loadConfig({ stage, account: '210987654321' });
  return config.regions.map((region) => ({ config, region }));
});

test.each(regions.map(({ config, region }) => [config.stage, region.region, config, region] as const))(
  '%s %s: group id fits ElastiCache (<= 40, lower case) and the bucket name fits S3 (<= 63)',
  (_stage, _region, config, region) => {
    expect(cacheReplicationGroupId(config, region)).toMatch(/^[a-z][a-z0-9-]{0,39}$/);
    expect(cacheBackupBucketName(config, region)).toMatch(/^[a-z0-9][a-z0-9-]{1,61}[a-z0-9]$/);
    expect(cacheBackupBucketName(config, region)).toContain(config.account);
  },
);

test('names are distinct per region and stage', () => {
  const ids = regions.map(({ config, region }) => cacheReplicationGroupId(config, region));
  const buckets = regions.map(({ config, region }) => cacheBackupBucketName(config, region));
  expect(new Set(ids).size).toBe(regions.length);
  expect(new Set(buckets).size).toBe(regions.length);
});

test('handover names are fixed per stage', () => {
  const config = loadConfig({ stage: 'prod' });
  expect(cacheParameterNames(config)).toEqual({
    rateLimiterMode: '/async-toolformer/prod/rate-limiter/mode',
    replicationGroupId: '/async-toolformer/prod/cache/replication-group-id',
    globalReplicationGroupId: '/async-toolformer/prod/cache/global-replication-group-id',
    backupBucket: '/async-toolformer/prod/cache/backup-bucket',
    restoreSettings: '/async-toolformer/prod/cache/restore-settings',
  });
  expect(cacheAuthTokenSecretName(config)).toBe('async-toolformer/prod/cache/auth-token');
  expect(cacheGlobalDatastoreSuffix(config)).toBe('async-toolformer-prod');
});

test('the parameter accepts exactly the modes the switch writes', () => {
  expect([...RATE_LIMITER_MODES]).toEqual([...MODES]);
});
