// The operator's acknowledgement of a page: records who took the newest incident of an alarm, so the region's escalation pages no further level.
import {
  ConditionalCheckFailedException,
  DynamoDBClient,
  QueryCommand,
  UpdateItemCommand,
} from '@aws-sdk/client-dynamodb';
import { STAGE_DEFAULTS } from '../lib/config/stages';
import { STAGES, type Stage } from '../lib/config/types';
import { ACKNOWLEDGER_PATTERN, ESCALATION_LEVELS, INCIDENT_ITEM, incidentTableName } from '../lib/contract/paging';
import { UsageError, parseCli, runCli } from './lib/cli-args.cjs';
import { regionOption, stageOption } from './lib/stage-options';

const LEVELS = ESCALATION_LEVELS.map(({ level, afterMinutes }) => `level ${level} at ${afterMinutes} min`).join(', ');

export const USAGE = `usage: page-ack.ts --alarm <alarm name> --region <region> [--stage ${STAGES.join('|')}] [--by <who>]
Acknowledges the newest incident of --alarm in the escalation of --region (the region that paged
you; each page says which): its escalation (${LEVELS}) pages no further level. Run it as
  node --import tsx scripts/page-ack.ts --stage prod --region us-east-1 --alarm <name>
  --alarm   the alarm's name, as the page gives it
  --region  the region whose escalation paged, one of the stage's; default: $AWS_REGION
  --stage   ${STAGES.join(' or ')} (default prod)
  --by      who takes the incident (a login or an email address); default: $USER
Exit status: 0 acknowledged, or it already was; 1 no incident of that alarm, or an AWS call failed;
2 bad input, before any AWS call.`;

/** The acknowledgement the operator asked for, every value checked. */
export interface AckOptions {
  readonly stage: Stage;
  readonly region: string;
  readonly alarm: string;
  readonly by: string;
}

/** The command line (and AWS_REGION, USER) as options; throws UsageError or HelpRequested. */
export function parseAckArgs(args: readonly string[], env: NodeJS.ProcessEnv = process.env): AckOptions {
  const { values } = parseCli({
    args,
    options: {
      stage: { type: 'string' },
      region: { type: 'string' },
      alarm: { type: 'string' },
      by: { type: 'string' },
    },
  });
  const stage = stageOption(values.stage);
  const regions = STAGE_DEFAULTS[stage].regions.map((each) => each.region);
  const region = regionOption(stage, values.region, env, regions);
  const alarm = values.alarm;
  // CloudWatch alarm names: 1 to 255 printable characters.
  if (alarm === undefined || alarm.trim() === '') throw new UsageError('give --alarm, the alarm name the page gives');
  if (alarm.length > 255 || [...alarm].some((char) => char.charCodeAt(0) < 0x20)) {
    throw new UsageError(
      `--alarm must be an alarm name (1 to 255 printable characters), got: ${JSON.stringify(alarm)}`,
    );
  }
  const by = values.by ?? env.USER;
  if (by === undefined) throw new UsageError('give --by, who takes the incident (USER is not set)');
  if (!ACKNOWLEDGER_PATTERN.test(by)) {
    const source = values.by === undefined ? 'USER' : '--by';
    throw new UsageError(`${source} must be a login or an email address (letters, digits, . _ @ + -), got: "${by}"`);
  }
  return { stage: stage as Stage, region, alarm, by };
}

/** What the acknowledgement did. */
export interface AckResult {
  readonly table: string;
  readonly alarm: string;
  readonly openedAt: string;
  readonly acknowledgedBy: string;
  readonly acknowledgedAt: string;
  /** False when someone had acknowledged it already (their name and time are returned). */
  readonly recorded: boolean;
}

/**
 * Acknowledges the newest incident of the alarm: sets who and when, once. A second acknowledgement
 * changes nothing and says who was first. Throws when the alarm has no incident in the table.
 */
export async function acknowledge(client: DynamoDBClient, options: AckOptions, now: Date): Promise<AckResult> {
  const table = incidentTableName(options.stage);
  const { Items = [] } = await client.send(
    new QueryCommand({
      TableName: table,
      KeyConditionExpression: '#alarm = :alarm',
      ExpressionAttributeNames: { '#alarm': INCIDENT_ITEM.alarm },
      ExpressionAttributeValues: { ':alarm': { S: options.alarm } },
      ScanIndexForward: false,
      Limit: 1,
      ConsistentRead: true,
    }),
  );
  const incident = Items[0];
  const openedAt = incident?.[INCIDENT_ITEM.openedAt]?.S;
  if (!incident || openedAt === undefined) {
    throw new Error(
      `no incident of alarm ${options.alarm} in ${table} (${options.region}): check the alarm name and the region the page came from`,
    );
  }
  const earlier = (item: typeof incident) => ({
    table,
    alarm: options.alarm,
    openedAt,
    acknowledgedBy: item[INCIDENT_ITEM.acknowledgedBy]?.S ?? '',
    acknowledgedAt: item[INCIDENT_ITEM.acknowledgedAt]?.S ?? '',
    recorded: false,
  });
  if (incident[INCIDENT_ITEM.acknowledgedBy]) return earlier(incident);
  const acknowledgedAt = now.toISOString();
  try {
    await client.send(
      new UpdateItemCommand({
        TableName: table,
        Key: { [INCIDENT_ITEM.alarm]: { S: options.alarm }, [INCIDENT_ITEM.openedAt]: { S: openedAt } },
        UpdateExpression: 'SET #by = :by, #at = :at',
        // The first acknowledgement stands: two operators answering at once do not overwrite each other.
        ConditionExpression: 'attribute_exists(#alarm) AND attribute_not_exists(#by)',
        ExpressionAttributeNames: {
          '#alarm': INCIDENT_ITEM.alarm,
          '#by': INCIDENT_ITEM.acknowledgedBy,
          '#at': INCIDENT_ITEM.acknowledgedAt,
        },
        ExpressionAttributeValues: { ':by': { S: options.by }, ':at': { S: acknowledgedAt } },
      }),
    );
  } catch (error) {
    if (!(error instanceof ConditionalCheckFailedException)) throw error;
    const { Items: again = [] } = await client.send(
      new QueryCommand({
        TableName: table,
        KeyConditionExpression: '#alarm = :alarm AND #opened = :opened',
        ExpressionAttributeNames: { '#alarm': INCIDENT_ITEM.alarm, '#opened': INCIDENT_ITEM.openedAt },
        ExpressionAttributeValues: { ':alarm': { S: options.alarm }, ':opened': { S: openedAt } },
        ConsistentRead: true,
      }),
    );
    return earlier(again[0] ?? {});
  }
  return { table, alarm: options.alarm, openedAt, acknowledgedBy: options.by, acknowledgedAt, recorded: true };
}

async function main(args: readonly string[]): Promise<number> {
  const options = parseAckArgs(args);
  const client = new DynamoDBClient({ region: options.region });
  try {
    const result = await acknowledge(client, options, new Date());
    console.log(JSON.stringify(result, null, 2));
    console.error(
      result.recorded
        ? `acknowledged: the escalation of ${options.alarm} (opened ${result.openedAt}) in ${options.region} pages no further level`
        : `already acknowledged by ${result.acknowledgedBy} at ${result.acknowledgedAt}; nothing changed`,
    );
    return 0;
  } catch (error) {
    console.error(`page-ack failed: ${error instanceof Error ? error.message : String(error)}`);
    return 1;
  }
}

if (require.main === module) {
  void runCli({ name: 'page-ack', usage: USAGE, main: () => main(process.argv.slice(2)) });
}
