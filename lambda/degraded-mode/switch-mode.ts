// Degraded-mode logic: decides from ElastiCache events and flips the rate-limiter mode parameter, alerting on every switch.
import { GetParameterCommand, PutParameterCommand, type SSMClient } from '@aws-sdk/client-ssm';
import { PublishCommand, type SNSClient } from '@aws-sdk/client-sns';
import { DEGRADED_MODE, RATE_LIMITER_MODES, type RateLimiterMode as Mode } from '../../lib/contract';
import { decide, targetMode, type CacheNotification, type Decision } from './events';

/** What {@link run} needs: its clients and settings, so tests hand in mocks or a moto endpoint. */
export interface SwitchDeps {
  readonly ssm: SSMClient;
  readonly sns: SNSClient;
  /** The mode parameter, for example `/async-toolformer/prod/rate-limiter/mode`. */
  readonly parameterName: string;
  /** The replication group of this region; events about any other id are ignored. */
  readonly replicationGroupId: string;
  /** The high-severity alert topic every switch is published to. */
  readonly alertTopicArn: string;
  readonly stage: string;
  readonly region: string;
}

/** The notifications of one invocation. */
export interface SwitchInput {
  readonly notifications: readonly CacheNotification[];
}

/** What one invocation decided and did. */
export interface SwitchResult {
  /** One decision per notification, in order, for the log. */
  readonly decisions: readonly Decision[];
  /** The mode the events ask for; `undefined` when no event asked for a change. */
  readonly target?: Mode;
  /** The mode found in the parameter before; `undefined` when no event asked for a change. */
  readonly previous?: string;
  /** Whether the parameter was changed (and an alert raised). */
  readonly switched: boolean;
  /** Version of the parameter after the switch. */
  readonly version?: number;
  /** SNS message id of the alert. */
  readonly alertMessageId?: string;
}

function isMode(value: string | undefined): value is Mode {
  return (RATE_LIMITER_MODES as readonly (string | undefined)[]).includes(value);
}

/**
 * Decides every notification, then moves the parameter to the mode of the last event that asks
 * for one (events arrive in order; the newest state of the group wins). The parameter is only
 * written when its value changes, so its version history is the history of switches. Every error
 * propagates: a switch that could not be made must fail the invocation, never pass silently.
 */
export async function run(deps: SwitchDeps, input: SwitchInput): Promise<SwitchResult> {
  const decisions = input.notifications.map((notification) => decide(notification, deps.replicationGroupId));
  const deciding = [...decisions].reverse().find((decision) => targetMode(decision.action) !== undefined);
  const target = deciding ? targetMode(deciding.action) : undefined;
  if (!deciding || !target) return { decisions, switched: false };

  const current = await deps.ssm.send(new GetParameterCommand({ Name: deps.parameterName }));
  const previous = current.Parameter?.Value;
  if (previous === target) return { decisions, target, previous, switched: false };

  const put = await deps.ssm.send(
    new PutParameterCommand({ Name: deps.parameterName, Value: target, Type: 'String', Overwrite: true }),
  );
  const alert = await deps.sns.send(
    new PublishCommand({
      TopicArn: deps.alertTopicArn,
      Subject:
        `[${deps.stage}] rate limiting ${target === DEGRADED_MODE ? 'DEGRADED to in-memory' : 'back on Redis'} in ${deps.region}`.slice(
          0,
          100,
        ),
      Message: JSON.stringify(
        {
          summary:
            target === DEGRADED_MODE
              ? `Redis is unavailable in ${deps.region}: the orchestrator now rate-limits in memory (per pod, less exact).`
              : `Redis recovered in ${deps.region}: the orchestrator rate-limits through Redis again.`,
          parameter: deps.parameterName,
          from: isMode(previous) ? previous : (previous ?? null),
          to: target,
          version: put.Version,
          replicationGroupId: deps.replicationGroupId,
          event: deciding.event,
          source: deciding.source,
          why: deciding.why,
          snsMessageId: deciding.messageId,
        },
        null,
        2,
      ),
    }),
  );
  return { decisions, target, previous, switched: true, version: put.Version, alertMessageId: alert.MessageId };
}
