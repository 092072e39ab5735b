// Stack names and tags: stage and region appear in names, never inside construct ids.
import type { DrConfig, RegionConfig } from './config';

/** Short region code used in stack names: us-east-1 -> use1, us-west-2 -> usw2. */
export function regionCode(region: string): string {
  const parts = region.split('-');
  const first = parts[0] ?? '';
  const last = parts[parts.length - 1] ?? '';
  const middle = parts.slice(1, -1).map((part) => part.charAt(0));
  return [first, ...middle, last].join('');
}

/** Stack name, for example `AsyncToolformer-prod-use1-Network`. */
export function stackName(config: DrConfig, region: RegionConfig, purpose: string): string {
  return `${config.stackPrefix}-${config.stage}-${regionCode(region.region)}-${purpose}`;
}

/** Tag keys applied to every resource. */
export const TAG_KEYS = {
  service: 'service',
  stage: 'stage',
  regionRole: 'region-role',
  priority: 'dr-priority',
} as const;
