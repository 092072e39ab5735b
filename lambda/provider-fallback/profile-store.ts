// The AppConfig steps of a provider switch, shared by the fallback function and dr providers: read the newest hosted version, rewrite the monitors, write the next version, deploy it.
import type { AppConfigClient, Monitor } from '@aws-sdk/client-appconfig';
import { parseProviderDocument, type ProviderAlarm, type ProviderDocument } from '../../lib/contract/providers';

/**
 * The AppConfig commands, loaded on first use: the dr CLI imports this module, and its --help must
 * not pay for loading the AppConfig client.
 */
const commands = () => import('@aws-sdk/client-appconfig');

/** Where the providers profile of one region is. */
export interface ProfileRef {
  readonly applicationId: string;
  readonly environmentId: string;
  readonly configurationProfileId: string;
}

/** The profile has no hosted version: nothing to switch from (the stack was never deployed?). */
export class NoHostedVersionError extends Error {
  override readonly name = 'NoHostedVersionError';
}

/** The newest hosted version and its document. */
export interface LatestVersion {
  readonly version: number;
  readonly document: ProviderDocument;
}

/**
 * The newest hosted version: the highest number over every page of the listing (the order of the
 * listing is not relied on). A switch builds on it, not on the deployed one, so a second outage
 * handled while the first is still deploying keeps the first provider out too.
 */
export async function readLatest(client: AppConfigClient, ref: ProfileRef): Promise<LatestVersion> {
  const { GetHostedConfigurationVersionCommand, ListHostedConfigurationVersionsCommand } = await commands();
  let newest = 0;
  let token: string | undefined;
  do {
    const page = await client.send(
      new ListHostedConfigurationVersionsCommand({
        ApplicationId: ref.applicationId,
        ConfigurationProfileId: ref.configurationProfileId,
        MaxResults: 50,
        NextToken: token,
      }),
    );
    for (const item of page.Items ?? []) newest = Math.max(newest, item.VersionNumber ?? 0);
    token = page.NextToken;
  } while (token);
  if (newest === 0) throw new NoHostedVersionError('the providers profile has no hosted configuration version');
  const got = await client.send(
    new GetHostedConfigurationVersionCommand({
      ApplicationId: ref.applicationId,
      ConfigurationProfileId: ref.configurationProfileId,
      VersionNumber: newest,
    }),
  );
  return { version: newest, document: parseProviderDocument(new TextDecoder().decode(got.Content)) };
}

/** The monitors before and after a rewrite, as alarm ARNs. */
export interface MonitorChange {
  readonly before: readonly string[];
  readonly after: readonly string[];
  readonly updated: boolean;
}

/**
 * Makes the environment watch the outage alarms of the providers `document` routes to, and no
 * other provider's: AppConfig rolls back a deployment while a watched alarm is in ALARM, and the
 * provider a fallback takes out is in ALARM. Monitors that are not provider alarms are kept.
 */
export async function syncMonitors(
  client: AppConfigClient,
  ref: ProfileRef,
  alarms: readonly ProviderAlarm[],
  document: ProviderDocument,
  roleArn: string,
): Promise<MonitorChange> {
  const { GetEnvironmentCommand, UpdateEnvironmentCommand } = await commands();
  const environment = await client.send(
    new GetEnvironmentCommand({ ApplicationId: ref.applicationId, EnvironmentId: ref.environmentId }),
  );
  const current = environment.Monitors ?? [];
  const isProviderAlarm = (monitor: Monitor) => alarms.some((alarm) => alarm.alarmArn === monitor.AlarmArn);
  const wanted: Monitor[] = alarms
    .filter((alarm) => document.routing.order.includes(alarm.provider))
    .map((alarm) => ({ AlarmArn: alarm.alarmArn, AlarmRoleArn: roleArn }));
  const next = [...current.filter((monitor) => !isProviderAlarm(monitor)), ...wanted];
  const before = current.map((monitor) => monitor.AlarmArn ?? '');
  const after = next.map((monitor) => monitor.AlarmArn ?? '');
  if ([...before].sort().join() === [...after].sort().join()) return { before, after, updated: false };
  await client.send(
    new UpdateEnvironmentCommand({
      ApplicationId: ref.applicationId,
      EnvironmentId: ref.environmentId,
      Monitors: next,
    }),
  );
  return { before, after, updated: true };
}

/**
 * Writes `document` as the next hosted version. `LatestVersionNumber` makes AppConfig refuse it
 * (ConflictException) when someone wrote a version since `latest` was read, instead of undoing theirs.
 */
export async function writeVersion(
  client: AppConfigClient,
  ref: ProfileRef,
  document: ProviderDocument,
  latest: number,
  description: string,
): Promise<number> {
  const { CreateHostedConfigurationVersionCommand } = await commands();
  const written = await client.send(
    new CreateHostedConfigurationVersionCommand({
      ApplicationId: ref.applicationId,
      ConfigurationProfileId: ref.configurationProfileId,
      Content: new TextEncoder().encode(JSON.stringify(document, null, 2)),
      ContentType: 'application/json',
      LatestVersionNumber: latest,
      Description: description.slice(0, 1024),
    }),
  );
  if (written.VersionNumber === undefined)
    throw new Error('CreateHostedConfigurationVersion returned no VersionNumber');
  return written.VersionNumber;
}

/** Deploys `version` to the environment with `strategyId`; resolves to the deployment number. */
export async function deployVersion(
  client: AppConfigClient,
  ref: ProfileRef,
  strategyId: string,
  version: number,
  description: string,
): Promise<number> {
  const { StartDeploymentCommand } = await commands();
  const started = await client.send(
    new StartDeploymentCommand({
      ApplicationId: ref.applicationId,
      EnvironmentId: ref.environmentId,
      ConfigurationProfileId: ref.configurationProfileId,
      DeploymentStrategyId: strategyId,
      ConfigurationVersion: String(version),
      Description: description.slice(0, 1024),
    }),
  );
  if (started.DeploymentNumber === undefined) throw new Error('StartDeployment returned no DeploymentNumber');
  return started.DeploymentNumber;
}
