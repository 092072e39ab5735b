// The tables of what AWS offers agree with the code that uses them and with aws-cdk-lib's own region facts.
import { RegionInfo } from 'aws-cdk-lib/region-info';
import { loadConfig, STAGES } from '../../lib/config';
import {
  AURORA_INSTANCE_CLASSES,
  AURORA_POSTGRES_MAJOR,
  availabilityZoneNames,
  CACHE_NODE_TYPES,
  COMMERCIAL_REGIONS,
  GLOBAL_SERVICES_REGION,
  VALKEY_VERSIONS,
} from '../../lib/config/catalog';
import { AURORA_ENGINE_VERSION } from '../../lib/stacks/data-stack';

/** Commercial regions aws-cdk-lib knows; me-west-1 is there, but not on AWS's list of available regions. */
const cdkCommercialRegions = RegionInfo.regions
  .filter((region) => region.partition === 'aws' && region.name !== 'me-west-1')
  .map((region) => region.name)
  .sort();

test("the region table holds exactly aws-cdk-lib's commercial regions, each with at least 3 AZ names", () => {
  expect(Object.keys(COMMERCIAL_REGIONS).sort()).toEqual(cdkCommercialRegions);
  for (const region of Object.keys(COMMERCIAL_REGIONS)) {
    expect(availabilityZoneNames(region).length).toBeGreaterThanOrEqual(3);
  }
});

test('the region the primary must be is in the table', () => {
  expect(availabilityZoneNames(GLOBAL_SERVICES_REGION)).toContain('us-east-1a');
});

test.each(STAGES)('every region, AZ, class, node type and Valkey version of %s comes from the tables', (stage) => {
  const config = loadConfig({ stage });
  for (const { region, availabilityZones } of config.regions) {
    expect(availabilityZoneNames(region)).toEqual(expect.arrayContaining([...availabilityZones]));
  }
  expect(AURORA_INSTANCE_CLASSES).toContain(config.data.instanceType);
  expect(CACHE_NODE_TYPES).toContain(config.cache.nodeType);
  expect(VALKEY_VERSIONS[config.cache.engineVersion]).toBe(config.cache.parameterGroupFamily);
});

// The Aurora table lists the classes of one major version: a new major means reading the page again.
test('the Aurora table was compiled for the major version the data stack deploys', () => {
  expect(AURORA_ENGINE_VERSION.auroraPostgresMajorVersion).toBe(AURORA_POSTGRES_MAJOR);
});
