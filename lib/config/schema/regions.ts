// Schema of the regions: one primary and one secondary, each a real region with real AZs and a VPC range of its own.
import { Token } from 'aws-cdk-lib';
import { z } from 'zod';
import { availabilityZoneNames, GLOBAL_SERVICES_REGION, isCommercialRegion, otherPartitionOf } from '../catalog';
import { overlaps, parseCidr, type Ipv4Block } from '../cidr';
import type { RegionConfig } from '../types';
import { ipv4Cidr, matches } from './rules';
import { group, report, sectionError, whenTyped } from './sections';

const REGION_NAME = /^[a-z]{2}(-gov)?-[a-z]+-\d$/;
/** AWS allows VPC CIDRs from /16 to /28; below /24 leaves too few addresses for three subnet tiers. */
const MIN_VPC_PREFIX = 16;
const MAX_VPC_PREFIX = 24;
const ROLES = ['primary', 'secondary'] as const;

const REGION_TABLE = 'lib/config/catalog/regions.ts';

/** Why a well-formed region name is refused, or `undefined` when it is a commercial region. */
function unknownRegion(name: string): string | undefined {
  if (isCommercialRegion(name)) return undefined;
  const partition = otherPartitionOf(name);
  return partition
    ? `is a region of ${partition}, another partition that a commercial account cannot deploy to; use commercial regions (${REGION_TABLE})`
    : `is not an AWS commercial region (${REGION_TABLE}); use a region code such as us-west-2`;
}

/** The AZ problem of `az` in `region`, or `undefined` when AWS issues that AZ name there. */
function unknownAz(az: string, region: string): string | undefined {
  const names = availabilityZoneNames(region);
  // An unknown region has its own problem; its AZs are judged only by their prefix.
  if (names.length === 0) {
    return az.startsWith(region) && /^[a-z]$/.test(az.slice(region.length))
      ? undefined
      : `is not an AZ of ${region}; use names such as ${region}a`;
  }
  if (names.includes(az)) return undefined;
  return `is not an AZ of ${region}; AWS names its AZs ${names.join(', ')} (${REGION_TABLE}; check yours with aws ec2 describe-availability-zones)`;
}

const region = group('a region, its role, AZs and CIDR', {
  region: matches(REGION_NAME, 'must be an AWS region name such as us-east-1').superRefine((name, ctx) => {
    const problem = !Token.isUnresolved(name) && REGION_NAME.test(name) ? unknownRegion(name) : undefined;
    if (problem) report(ctx, [], name, problem);
  }),
  role: z.enum(ROLES, { error: 'use primary or secondary' }),
  availabilityZones: z
    .array(z.string())
    .refine((azs) => azs.length >= 2, 'list at least 2 AZs so the VPC and the databases survive an AZ failure')
    .refine((azs) => new Set(azs).size === azs.length, 'lists an AZ more than once; give each AZ once'),
  cidr: ipv4Cidr('must be an IPv4 network in CIDR form with no host bits set, such as 10.10.0.0/16', [
    (block) => block.prefix >= MIN_VPC_PREFIX && block.prefix <= MAX_VPC_PREFIX,
    `prefix must be between /${MIN_VPC_PREFIX} and /${MAX_VPC_PREFIX}`,
  ]),
}).superRefine(
  ({ region: name, availabilityZones }, ctx) => {
    availabilityZones.forEach((az, index) => {
      const problem = unknownAz(az, name);
      if (problem) report(ctx, ['availabilityZones', index], az, problem);
    });
  },
  { when: whenTyped('region', 'availabilityZones') },
);

/** Each region appears once, so a role never shares a region with the other. */
function distinctRegions(regions: readonly RegionConfig[], ctx: z.core.$RefinementCtx): void {
  const seen = new Map<string, number>();
  regions.forEach(({ region: name }, index) => {
    const earlier = seen.get(name);
    if (earlier === undefined) {
      seen.set(name, index);
    } else {
      report(
        ctx,
        [index, 'region'],
        name,
        `region already given as regions[${earlier}]; each region appears once, with one role (primary in one region, secondary in another)`,
      );
    }
  });
}

/** VPC ranges are disjoint, so the regions can be peered. */
function disjointCidrs(regions: readonly RegionConfig[], ctx: z.core.$RefinementCtx): void {
  const blocks: { index: number; block: Ipv4Block }[] = [];
  regions.forEach(({ cidr }, index) => {
    const block = parseCidr(cidr);
    // A malformed or out-of-range CIDR already has its own problem; it is not compared.
    if (!block || block.prefix < MIN_VPC_PREFIX || block.prefix > MAX_VPC_PREFIX) return;
    for (const other of blocks.filter((earlier) => overlaps(earlier.block, block))) {
      report(
        ctx,
        [index, 'cidr'],
        cidr,
        `overlaps regions[${other.index}].cidr (${regions[other.index]?.cidr}); give each region a disjoint range so the VPCs can be peered`,
      );
    }
    blocks.push({ index, block });
  });
}

/** Warm standby is a pair: exactly one primary and one secondary. */
function onePerRole(regions: readonly RegionConfig[], ctx: z.core.$RefinementCtx): void {
  for (const role of ROLES) {
    const count = regions.filter((candidate) => candidate.role === role).length;
    if (count !== 1) {
      report(
        ctx,
        ['[]', 'role'],
        regions.map((candidate) => `${candidate.region}:${candidate.role}`),
        `needs exactly one ${role} region, found ${count}; set role "primary" on one region and "secondary" on another`,
      );
    }
  }
}

/**
 * The primary is us-east-1: the DNS stack's health-check alarms read Route 53 metrics, and the docs
 * distribution reads its certificate, only there.
 */
function primaryInGlobalServicesRegion(regions: readonly RegionConfig[], ctx: z.core.$RefinementCtx): void {
  // Two primaries, or a malformed name, have their own problem already.
  if (regions.filter(({ role }) => role === 'primary').length !== 1) return;
  regions.forEach(({ region: name, role }, index) => {
    const judged = !Token.isUnresolved(name) && REGION_NAME.test(name);
    if (judged && role === 'primary' && name !== GLOBAL_SERVICES_REGION) {
      report(
        ctx,
        [index, 'region'],
        name,
        `the primary region must be ${GLOBAL_SERVICES_REGION}, where Route 53 health-check metrics and CloudFront certificates are; make ${GLOBAL_SERVICES_REGION} the primary and this region the secondary`,
      );
    }
  });
}

/** The `regions` section. */
export const regionsSchema = z
  .array(region, { error: sectionError('the primary and the secondary region') })
  .superRefine(distinctRegions, { when: whenTyped() })
  .superRefine(disjointCidrs, { when: whenTyped() })
  .superRefine(onePerRole, { when: whenTyped() })
  .superRefine(primaryInGlobalServicesRegion, { when: whenTyped() });
