// dr providers: the manual provider steps (take one out of the routing, put it back, change its rate limits) on the region's AppConfig profile, through the same steps as the fallback function.
import {
  fallbackDocument,
  limitsDocument,
  providerProfileNames,
  restoreDocument,
  type ChangeNote,
  type DocumentChange,
  type ProviderDocument,
  type ProviderProfileIds,
  type ProviderRateLimits,
} from '../../lib/contract/providers';
import {
  deployVersion,
  readLatest,
  syncMonitors,
  writeVersion,
  type ProfileRef,
} from '../../lambda/provider-fallback/profile-store';
import { awsCall, clientConfig, type Sdk } from './aws';
import type { Progress } from './progress';

/** What an operator asks of the profile. */
export type ProviderAction = 'fallback' | 'restore' | 'limits';
export const PROVIDER_ACTIONS: readonly ProviderAction[] = ['fallback', 'restore', 'limits'];

/** One run of `dr providers`. */
export interface ProvidersRequest {
  readonly stage: string;
  readonly region: string;
  readonly action: ProviderAction;
  /** Absent only for `limits` that shows every provider's limits. */
  readonly provider?: string;
  readonly limits: Partial<ProviderRateLimits>;
  readonly note: ChangeNote;
  readonly dryRun: boolean;
}

/** What it did, or would do. */
export interface ProvidersOutcome {
  readonly region: string;
  readonly action: ProviderAction;
  readonly provider?: string;
  readonly changed: boolean;
  readonly summary: string;
  readonly fromVersion: number;
  readonly version?: number;
  readonly deploymentNumber?: number;
  readonly strategy?: 'immediate' | 'gradual';
  readonly routing: ProviderDocument['routing'];
  readonly rateLimits: Readonly<Record<string, ProviderRateLimits>>;
  readonly dryRun: boolean;
}

/** A provider the profile does not have: bad input, found after the read; nothing was changed. */
export class UnknownProvider extends Error {}

const ADVICE = 'check the credentials and that the StatusPage stack of the stage is deployed in the region';

function changeOf(request: ProvidersRequest, document: ProviderDocument): DocumentChange {
  const provider = request.provider!;
  switch (request.action) {
    case 'fallback':
      return fallbackDocument(document, provider, request.note);
    case 'restore':
      return restoreDocument(document, provider, request.note);
    case 'limits':
      return limitsDocument(document, provider, request.limits, request.note);
  }
}

/**
 * Reads the ids parameter and the newest hosted version; unless --dry-run or nothing changes,
 * rewrites the monitors, writes the next version and deploys it: at once for a fallback (the
 * provider is failing), gradually for a restore or new limits, so a provider alarm rolls them back.
 */
export async function runProviders(sdk: Sdk, progress: Progress, request: ProvidersRequest): Promise<ProvidersOutcome> {
  const { SSMClient, GetParameterCommand } = await sdk.ssm();
  const names = providerProfileNames(request.stage);
  progress.step(`read ${names.idsParameter}`);
  const ssm = new SSMClient(clientConfig(request.region));
  const parameter = await awsCall(`ssm:GetParameter ${names.idsParameter}`, request.region, ADVICE, () =>
    ssm.send(new GetParameterCommand({ Name: names.idsParameter })),
  );
  const ids = JSON.parse(parameter.Parameter?.Value ?? '{}') as ProviderProfileIds;
  const ref: ProfileRef = ids;
  const { AppConfigClient } = await import('@aws-sdk/client-appconfig');
  const appconfig = new AppConfigClient(clientConfig(request.region));
  progress.step('read the newest hosted version');
  const latest = await awsCall(
    'appconfig:ListHostedConfigurationVersions / GetHostedConfigurationVersion',
    request.region,
    ADVICE,
    () => readLatest(appconfig, ref),
  );
  const rateLimits = Object.fromEntries(
    Object.entries(latest.document.providers).map(([name, entry]) => [name, entry.rateLimits]),
  );
  const base = { region: request.region, action: request.action, fromVersion: latest.version, rateLimits };
  if (request.provider === undefined) {
    return {
      ...base,
      changed: false,
      summary: 'rate limits as the newest version holds them',
      routing: latest.document.routing,
      dryRun: request.dryRun,
    };
  }
  if (!(request.provider in latest.document.providers)) {
    throw new UnknownProvider(
      `--provider ${request.provider} is not a provider of the profile in ${request.region} (${Object.keys(latest.document.providers).join(', ')}); nothing was changed`,
    );
  }
  const change = changeOf(request, latest.document);
  const common = { ...base, provider: request.provider };
  if (!change.changed) {
    return { ...common, changed: false, summary: change.why, routing: latest.document.routing, dryRun: request.dryRun };
  }
  const strategy = request.action === 'fallback' ? 'immediate' : 'gradual';
  const planned = {
    ...common,
    changed: true,
    summary: change.summary,
    strategy,
    routing: change.document.routing,
    rateLimits: Object.fromEntries(
      Object.entries(change.document.providers).map(([name, entry]) => [name, entry.rateLimits]),
    ),
  } as const;
  if (request.dryRun) return { ...planned, dryRun: true };

  progress.step('watch the alarms of the routed providers');
  await awsCall('appconfig:GetEnvironment / UpdateEnvironment', request.region, ADVICE, () =>
    syncMonitors(appconfig, ref, ids.alarms, change.document, ids.monitorRoleArn),
  );
  progress.step(`write version ${latest.version + 1}`);
  const description = `dr providers ${request.action} by ${request.note.changedBy}: ${change.summary}`;
  const version = await awsCall('appconfig:CreateHostedConfigurationVersion', request.region, ADVICE, () =>
    writeVersion(appconfig, ref, change.document, latest.version, description),
  );
  progress.step(`deploy version ${version} (${strategy})`);
  const deploymentNumber = await awsCall('appconfig:StartDeployment', request.region, ADVICE, () =>
    deployVersion(
      appconfig,
      ref,
      strategy === 'immediate' ? ids.immediateStrategyId : ids.gradualStrategyId,
      version,
      description,
    ),
  );
  return { ...planned, version, deploymentNumber, dryRun: false };
}
