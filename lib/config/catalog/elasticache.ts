// What ElastiCache offers the cache tier: Valkey versions, their parameter group families and node types.
//
// Sources, read on 2026-11-28 through the project's documentation search:
// - "Engine versions and upgrading in ElastiCache"
//   (https://docs.aws.amazon.com/AmazonElastiCache/latest/dg/engine-versions.html) and "Engine specific
//   parameters" (https://docs.aws.amazon.com/AmazonElastiCache/latest/dg/ParameterGroups.Engine.html):
//   Valkey 7.2 (family valkey7) and 8.0, 8.1 and 8.2 (family valkey8). Valkey 9.0 and 9.1 are offered
//   too, but the pages as read do not name their parameter group family, so they wait until it is
//   confirmed (`aws elasticache describe-cache-engine-versions --engine valkey`).
// - "CacheNode" (ElastiCache API Reference,
//   https://docs.aws.amazon.com/AmazonElastiCache/latest/APIReference/API_CacheNode.html) and
//   "Supported node types" (https://docs.aws.amazon.com/AmazonElastiCache/latest/dg/CacheNodes.SupportedTypes.html):
//   the current-generation node types.
//
// Only the engine the project runs (Valkey; lib/stacks/cache-stack.ts) and the current-generation
// general-purpose (M), memory-optimized (R) and burstable (T) families: previous generations (M4,
// R4, T2) cannot be created any more, and data tiering (R6gd) and network-optimized (C7gn) nodes do
// not fit a rate limiter's small, hot data set. A Global Datastore takes M and R nodes only, which
// the cache schema checks on top of this table. Regions offer different node types: check with
// `aws elasticache describe-reserved-cache-nodes-offerings --cache-node-type <type> --region <r>`.

/** Valkey versions ElastiCache offers, with the parameter group family of each. */
export const VALKEY_VERSIONS: Readonly<Record<string, string>> = {
  '7.2': 'valkey7',
  '8.0': 'valkey8',
  '8.1': 'valkey8',
  '8.2': 'valkey8',
};

const SIZES_TO_16XL = ['large', 'xlarge', '2xlarge', '4xlarge', '8xlarge', '12xlarge', '16xlarge'];
const BURSTABLE = ['micro', 'small', 'medium'];

/** Node sizes of each current-generation family, by family. */
const NODE_FAMILIES: Readonly<Record<string, readonly string[]>> = {
  m7g: SIZES_TO_16XL,
  m6g: SIZES_TO_16XL,
  m5: ['large', 'xlarge', '2xlarge', '4xlarge', '12xlarge', '24xlarge'],
  r7g: SIZES_TO_16XL,
  r6g: SIZES_TO_16XL,
  r5: ['large', 'xlarge', '2xlarge', '4xlarge', '12xlarge', '24xlarge'],
  t4g: BURSTABLE,
  t3: BURSTABLE,
};

/** Every node type of the table, such as `cache.r7g.large`. */
export const CACHE_NODE_TYPES: readonly string[] = Object.entries(NODE_FAMILIES).flatMap(([family, sizes]) =>
  sizes.map((size) => `cache.${family}.${size}`),
);

/** The node families of the table, for messages. */
export const CACHE_NODE_FAMILIES: readonly string[] = Object.keys(NODE_FAMILIES);
