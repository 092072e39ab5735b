// What every section of dr status shares: the report's shape, the client settings of a region, and small helpers.
import { clientConfig, type Sdk } from './aws';
import type { StageNames } from './stage';

/** One line of the screen: a value, or UNKNOWN and why. */
export type Section<T> =
  | { readonly state: 'ok'; readonly summary: string; readonly detail: T }
  | { readonly state: 'unknown'; readonly reason: string };

export interface StatusReport {
  readonly stage: string;
  readonly region: string;
  readonly regionSource: string;
  readonly readAt: string;
  readonly sections: Record<SectionName, Section<unknown>>;
  /** Names of the sections that could not be read; the exit status is 1 when any is. */
  readonly unknown: readonly SectionName[];
}

export const SECTION_TITLES = {
  activeRegion: 'active region',
  writer: 'writer (Aurora)',
  cachePrimary: 'cache primary',
  dnsAnswer: 'DNS answer',
  fence: 'DNS fence',
  auroraLag: 'Aurora lag',
  cacheLag: 'cache lag',
  backups: 'backups/checks',
  alarms: 'open alarms',
  recoveries: 'running recoveries',
} as const;
export type SectionName = keyof typeof SECTION_TITLES;

export interface StatusDeps {
  readonly sdk: Sdk;
  readonly names: StageNames;
  readonly now: () => Date;
  /** The region read from; set by readStatus. */
  readonly home?: string;
}

/**
 * Client settings for `region`. The region read from is up; any other (the secondary's lag, the
 * fence and the DNS view in the secondary) may be the lost one, so it gets one attempt and short
 * timeouts: a lost region makes its sections UNKNOWN in seconds instead of stalling the screen.
 */
export function clientSettings(deps: StatusDeps, region: string) {
  return clientConfig(region, region !== deps.home);
}

export interface Member {
  readonly region: string;
  readonly id: string;
  readonly primary: boolean;
}

export const ok = <T>(summary: string, detail: T): Section<T> => ({ state: 'ok', summary, detail });
export const regionOfArn = (arn: string) => arn.split(':')[3] ?? '';
export const idOfArn = (arn: string) => arn.split(':').pop() ?? '';
