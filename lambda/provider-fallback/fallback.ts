// Provider fallback logic: on a provider's outage alarm, takes it out of the routing order (a new hosted version deployed at once), posts the degraded-service notice and pages.
import type { AppConfigClient } from '@aws-sdk/client-appconfig';
import { InvokeCommand, type LambdaClient } from '@aws-sdk/client-lambda';
import { PublishCommand, type SNSClient } from '@aws-sdk/client-sns';
import { AUTOMATION_CHANGER, fallbackDocument, type ProviderAlarm } from '../../lib/contract/providers';
import { STATUS_COMPONENT, type OperatorUpdate } from '../../lib/contract/status-page';
import type { AlarmChange } from './events';
import { MalformedEventError } from './events';
import { deployVersion, readLatest, syncMonitors, writeVersion, type ProfileRef } from './profile-store';

/** What {@link run} needs: its clients and settings, so tests hand in mocks or a moto endpoint. */
export interface FallbackDeps {
  readonly appconfig: AppConfigClient;
  readonly lambda: LambdaClient;
  readonly sns: SNSClient;
  readonly profile: ProfileRef;
  readonly immediateStrategyId: string;
  readonly alarms: readonly ProviderAlarm[];
  readonly monitorRoleArn: string;
  readonly publisherName: string;
  readonly alertTopicArn: string;
  readonly stage: string;
  readonly region: string;
  readonly now: () => Date;
}

/** What one invocation did. */
export interface FallbackResult {
  readonly provider: string;
  readonly switched: boolean;
  /** Why nothing changed, when nothing did. */
  readonly why?: string;
  readonly fromVersion?: number;
  readonly version?: number;
  readonly deploymentNumber?: number;
  /** The routing order now deployed. */
  readonly order?: readonly string[];
  readonly monitorsUpdated?: boolean;
  readonly noticePosted?: boolean;
  readonly pageMessageId?: string;
}

/** Taking the provider out would leave nothing to route to: the outage is total and a human must act. */
export class NoFallbackLeftError extends Error {
  override readonly name = 'NoFallbackLeftError';
}

/** The status page publisher answered with an error: the notice is not posted. */
export class NoticeFailedError extends Error {
  override readonly name = 'NoticeFailedError';
}

/** The customers' words: no provider name, which the page must not expose as an internal detail. */
export const DEGRADED_NOTICE =
  'One of the AI providers our service calls is failing. We have moved those calls to an alternative provider: ' +
  'responses may be slower or differ until it recovers.';

/** The degraded-service notice, as the status page publisher's operator update. */
export function noticeFor(provider: string): OperatorUpdate {
  return {
    kind: 'operator-update',
    status: 'investigating',
    message: DEGRADED_NOTICE,
    affected: [STATUS_COMPONENT.coreApi],
    operator: `provider-fallback:${provider}`,
  };
}

/**
 * Finds the provider of the alarm, builds the next document from the newest hosted version, takes
 * its alarm off the monitors, writes and deploys the version at once, then posts the notice and
 * pages. Every error propagates: a switch that could not be made must fail the invocation.
 */
export async function run(deps: FallbackDeps, change: AlarmChange): Promise<FallbackResult> {
  const alarm = deps.alarms.find((candidate) => candidate.alarmName === change.alarmName);
  if (!alarm) throw new MalformedEventError(`alarm ${change.alarmName} is not a provider outage alarm of this region`);
  const { provider } = alarm;
  if (change.state !== 'ALARM') return { provider, switched: false, why: `the alarm is ${change.state}, not ALARM` };

  const latest = await readLatest(deps.appconfig, deps.profile);
  const next = fallbackDocument(latest.document, provider, {
    changedBy: AUTOMATION_CHANGER,
    reason: `outage alarm ${change.alarmName}`,
    now: deps.now(),
  });
  if (!next.changed) {
    if (next.why.startsWith('taking')) throw new NoFallbackLeftError(`${next.why}; every provider is down`);
    return { provider, switched: false, why: next.why, fromVersion: latest.version };
  }
  const monitors = await syncMonitors(deps.appconfig, deps.profile, deps.alarms, next.document, deps.monitorRoleArn);
  const description = `fallback: ${next.summary}`;
  const version = await writeVersion(deps.appconfig, deps.profile, next.document, latest.version, description);
  const deploymentNumber = await deployVersion(
    deps.appconfig,
    deps.profile,
    deps.immediateStrategyId,
    version,
    description,
  );

  const invoked = await deps.lambda.send(
    new InvokeCommand({
      FunctionName: deps.publisherName,
      InvocationType: 'RequestResponse',
      Payload: new TextEncoder().encode(JSON.stringify(noticeFor(provider))),
    }),
  );
  if (invoked.FunctionError) {
    throw new NoticeFailedError(
      `the status page publisher failed (${invoked.FunctionError}): ${new TextDecoder().decode(invoked.Payload ?? new Uint8Array())}`,
    );
  }
  const page = await deps.sns.send(
    new PublishCommand({
      TopicArn: deps.alertTopicArn,
      Subject: `[${deps.stage}] provider ${provider} DOWN in ${deps.region}: calls fall back`.slice(0, 100),
      Message: JSON.stringify(
        {
          summary: `${next.summary}. The degraded-service notice is posted on the status page.`,
          provider,
          alarm: change.alarmName,
          reason: change.reason,
          order: next.document.routing.order,
          version,
          deploymentNumber,
          monitors: monitors.after,
          runbook: 'docs/runbooks/provider-outage.md',
        },
        null,
        2,
      ),
    }),
  );
  return {
    provider,
    switched: true,
    fromVersion: latest.version,
    version,
    deploymentNumber,
    order: next.document.routing.order,
    monitorsUpdated: monitors.updated,
    noticePosted: true,
    pageMessageId: page.MessageId,
  };
}
