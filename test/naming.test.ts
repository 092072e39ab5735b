// Stack names carry service, stage and region code.
import { loadConfig } from '../lib/config';
import { parameterName, regionCode, stackName } from '../lib/naming';

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

test('handover parameters have fixed names per stage', () => {
  expect(parameterName(loadConfig({ stage: 'prod' }), 'data', 'global-cluster-id')).toBe(
    '/async-toolformer/prod/data/global-cluster-id',
  );
});
