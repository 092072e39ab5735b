// Fixed names: built by lib/naming.ts alone, within AWS's limits, and the same ones functions and scripts use.
import { readFileSync, readdirSync } from 'node:fs';
import { join } from 'node:path';
import { STAGES, loadConfig } from '../lib/config';
import { RATE_LIMITER_MODES, RESOURCE_PREFIX, stageParameters } from '../lib/contract';
import {
  cacheAuthTokenSecretName,
  cacheBackupBucketName,
  cacheGlobalDatastoreSuffix,
  cacheReplicationGroupId,
  parameterName,
  parameters,
  regionCode,
  restoreTestingPlanName,
  stackName,
} from '../lib/naming';

const root = join(__dirname, '..');

test.each([
  ['us-east-1', 'use1'],
  ['us-west-2', 'usw2'],
  ['ap-southeast-1', 'apse1'],
  ['us-gov-west-1', 'usgw1'],
])('region %s is coded %s', (region, code) => {
  expect(regionCode(region)).toBe(code);
});

test('stack names follow Prefix-stage-region-Purpose', () => {
  const config = loadConfig({ stage: 'staging' });
  expect(stackName(config, config.regions[1]!, 'Network')).toBe('AsyncToolformer-staging-usw2-Network');
});

test('handover parameters have fixed names per stage, the same for lib/ and the functions and scripts', () => {
  const config = loadConfig({ stage: 'prod' });
  expect(parameterName(config, 'data', 'global-cluster-id')).toBe('/async-toolformer/prod/data/global-cluster-id');
  expect(parameters(config)).toEqual(stageParameters('prod'));
  expect(parameters(config)).toMatchObject({
    rateLimiterMode: '/async-toolformer/prod/rate-limiter/mode',
    replicationGroupId: '/async-toolformer/prod/cache/replication-group-id',
    globalReplicationGroupId: '/async-toolformer/prod/cache/global-replication-group-id',
    cacheBackupBucket: '/async-toolformer/prod/cache/backup-bucket',
    cacheRestoreSettings: '/async-toolformer/prod/cache/restore-settings',
    failoverStateMachineArn: '/async-toolformer/prod/failover/state-machine-arn',
  });
  expect(cacheAuthTokenSecretName(config)).toBe('async-toolformer/prod/cache/auth-token');
  expect(cacheGlobalDatastoreSuffix(config)).toBe('async-toolformer-prod');
  expect(restoreTestingPlanName(config)).toBe('async_toolformer_prod_weekly');
});

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

test('cache names are distinct per region and stage', () => {
  const ids = regions.map(({ config, region }) => cacheReplicationGroupId(config, region));
  const buckets = regions.map(({ config, region }) => cacheBackupBucketName(config, region));
  expect(new Set(ids).size).toBe(regions.length);
  expect(new Set(buckets).size).toBe(regions.length);
});

test('the rate-limiter modes are the contract the parameter and the switch share', () => {
  expect([...RATE_LIMITER_MODES]).toEqual(['redis', 'in-memory']);
});

/** Every TypeScript source under `dir`, recursively. */
function sources(dir: string): string[] {
  return readdirSync(join(root, dir), { withFileTypes: true, recursive: true })
    .filter((entry) => entry.isFile() && entry.name.endsWith('.ts'))
    .map((entry) => join(entry.parentPath, entry.name));
}

/** The code of `file` without comments, so a TSDoc example may name a resource. */
function code(file: string): string {
  return readFileSync(file, 'utf8')
    .replace(/\/\*[\s\S]*?\*\//g, '')
    .replace(/^\s*\/\/.*$/gm, '');
}

test.each(['lib/stacks', 'lib/constructs'])('no file under %s spells the service prefix itself', (dir) => {
  const spelled = [RESOURCE_PREFIX, RESOURCE_PREFIX.replace(/-/g, '_'), "'atf-", '`atf-'];
  const offenders = sources(dir).filter((file) => spelled.some((word) => code(file).includes(word)));
  expect(offenders.map((file) => file.slice(root.length + 1))).toEqual([]);
});

test('the contract module imports no CDK, so functions and scripts can bundle it', () => {
  const imports = sources('lib/contract').flatMap((file) =>
    [...code(file).matchAll(/from '([^']+)'/g)].map((match) => match[1]),
  );
  expect(imports.filter((from) => !from!.startsWith('./'))).toEqual([]);
});
