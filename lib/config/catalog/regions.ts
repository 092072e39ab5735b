// The commercial AWS Regions and the AZ names AWS issues in each: config names regions and AZs from this table only.
//
// Source: AWS, "AWS Regions" (https://docs.aws.amazon.com/global-infrastructure/latest/regions/aws-regions.html)
// and "AWS Availability Zones" (https://docs.aws.amazon.com/global-infrastructure/latest/regions/aws-availability-zones.html),
// read on 2026-11-28 through the project's documentation search, and checked against the regions
// aws-cdk-lib 2.276's region-info knows in the `aws` partition (test/config/catalog.test.ts).
//
// Only the commercial partition (`aws`): both regions of the pair are deployed from one account,
// which cannot reach the GovCloud, China, ISO or European Sovereign Cloud partitions. me-west-1,
// which region-info lists, is left out: AWS's Regions page does not list it as available.
//
// AZ *names* (us-east-1a) are what config and CloudFormation use. In the oldest Regions AWS maps
// names to physical zones independently for each account created before November 2025, so
// us-east-1a in one account may be another zone than us-east-1a in the next, and an account may be
// offered only some of the letters below (us-west-1 offers each account two of a, b and c;
// ap-northeast-1 has no 1b for most accounts). This table says which names exist in a region at all;
// `aws ec2 describe-availability-zones --region <region>` says which your account has and their AZ
// IDs (use1-az1), which are the same physical zone in every account.

/** A commercial region and the letters of its AZ names. */
export interface RegionEntry {
  /** The letters AWS issues as AZ names in this region, `abc` for `<region>a` to `<region>c`. */
  readonly azLetters: string;
  /** Whether an account must opt in to the region before it can deploy there. */
  readonly optIn: boolean;
}

const standard = (azLetters = 'abc'): RegionEntry => ({ azLetters, optIn: false });
const optIn = (azLetters = 'abc'): RegionEntry => ({ azLetters, optIn: true });

/** Every commercial region, by code. */
export const COMMERCIAL_REGIONS: Readonly<Record<string, RegionEntry>> = {
  'us-east-1': standard('abcdef'),
  'us-east-2': standard(),
  // Two AZs per account; which two letters depends on the account.
  'us-west-1': standard('abc'),
  'us-west-2': standard('abcd'),
  'af-south-1': optIn(),
  'ap-east-1': optIn(),
  'ap-east-2': optIn(),
  'ap-south-1': standard(),
  'ap-south-2': optIn(),
  'ap-southeast-1': standard(),
  'ap-southeast-2': standard(),
  'ap-southeast-3': optIn(),
  'ap-southeast-4': optIn(),
  'ap-southeast-5': optIn(),
  'ap-southeast-6': optIn(),
  'ap-southeast-7': optIn(),
  // ap-northeast-1b exists only in accounts that had it before 2018; newer accounts get a, c and d.
  'ap-northeast-1': standard('abcd'),
  'ap-northeast-2': standard('abcd'),
  'ap-northeast-3': standard(),
  // Three AZs named a, b and d: there is no ca-central-1c.
  'ca-central-1': standard('abd'),
  'ca-west-1': optIn(),
  'eu-central-1': standard(),
  'eu-central-2': optIn(),
  'eu-north-1': standard(),
  'eu-south-1': optIn(),
  'eu-south-2': optIn(),
  'eu-west-1': standard(),
  'eu-west-2': standard(),
  'eu-west-3': standard(),
  'il-central-1': optIn(),
  'me-central-1': optIn(),
  'me-south-1': optIn(),
  'mx-central-1': optIn(),
  'sa-east-1': standard(),
};

/**
 * Region codes of the other partitions, by prefix. They match the region-name pattern, so the
 * message says why they are refused rather than calling them unknown.
 */
export const OTHER_PARTITIONS: readonly { readonly prefix: string; readonly partition: string }[] = [
  { prefix: 'us-gov-', partition: 'AWS GovCloud (US)' },
  { prefix: 'cn-', partition: 'AWS China' },
  { prefix: 'us-iso', partition: 'AWS ISO' },
  { prefix: 'eu-iso', partition: 'AWS ISO' },
  { prefix: 'eusc-', partition: 'AWS European Sovereign Cloud' },
];

/** The region the primary must be: Route 53 health-check metrics and CloudFront certificates exist only there. */
export const GLOBAL_SERVICES_REGION = 'us-east-1';

/** Whether `region` is a commercial region of the table. */
export function isCommercialRegion(region: string): boolean {
  return Object.hasOwn(COMMERCIAL_REGIONS, region);
}

/** The AZ names AWS issues in `region`, or none when the region is not in the table. */
export function availabilityZoneNames(region: string): readonly string[] {
  const entry = isCommercialRegion(region) ? COMMERCIAL_REGIONS[region] : undefined;
  return entry ? [...entry.azLetters].map((letter) => `${region}${letter}`) : [];
}

/** The partition `region` belongs to when it is not commercial, by its prefix. */
export function otherPartitionOf(region: string): string | undefined {
  return OTHER_PARTITIONS.find(({ prefix }) => region.startsWith(prefix))?.partition;
}
