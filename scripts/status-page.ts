// `npm run status-page -- ...`: posts an operator's update (investigating, identified, monitoring, resolved) to the status page of both regions and, on opening or resolving, the plan's notice to the customers' topic.
// It writes through the publisher's own module (lambda/status-page/publish.ts) with the operator's credentials, so it works whichever region's publisher is down.
import { INCIDENT_STATUSES, type IncidentStatus } from '../lib/contract/status-page';
import { STAGES, type Stage } from '../lib/config/types';
import { UsageError, parseCli, runCli } from './lib/cli-args.cjs';
import { stageOption } from './lib/stage-options';

export const USAGE = `usage: npm run status-page -- --stage ${STAGES.join('|')} --region <region> --status ${INCIDENT_STATUSES.join('|')} --message <text> [--affects <component>]... [--dry-run]
Posts an update to the status page in both regions' buckets (the --region one first, and its
customer notice topic). investigating opens an incident when none is open (it affects the Core API
unless --affects names the components); identified and monitoring move the newest open incident;
resolved closes it, with --message as its root cause, and sends the Resolution Notice.
--dry-run prints the page's change and the notice and writes nothing.
Exit status: 0 posted (or previewed); 1 the update could not be written; 2 bad input, nothing written.`;

/** The command line, validated. */
export interface StatusPageOptions {
  readonly stage: Stage;
  readonly region: string;
  readonly status: IncidentStatus;
  readonly message: string;
  readonly affects?: readonly string[];
  readonly dryRun: boolean;
}

const MAX_MESSAGE = 600;

/** The command line as options; throws UsageError on bad input and HelpRequested on --help. */
export function parseStatusPageArgs(args: readonly string[]): StatusPageOptions {
  const { values } = parseCli({
    args,
    options: {
      stage: { type: 'string' },
      region: { type: 'string' },
      status: { type: 'string' },
      message: { type: 'string' },
      affects: { type: 'string', multiple: true },
      'dry-run': { type: 'boolean' },
    },
  });
  const missing = ['stage', 'region', 'status', 'message'].filter((name) => values[name as 'stage'] === undefined);
  if (missing.length > 0) throw new UsageError(`missing ${missing.map((name) => `--${name}`).join(', ')}`);
  const stage = stageOption(values.stage);
  const status = values.status!;
  if (!(INCIDENT_STATUSES as readonly string[]).includes(status)) {
    throw new UsageError(`--status "${status}" is not one of ${INCIDENT_STATUSES.join(', ')}`);
  }
  const message = values.message!.trim();
  if (message === '') throw new UsageError('--message needs the text customers read');
  if (message.length > MAX_MESSAGE) {
    throw new UsageError(
      `--message is ${message.length} characters; keep it under ${MAX_MESSAGE}, the page cuts longer ones`,
    );
  }
  if (values.affects && status !== 'investigating') {
    throw new UsageError('--affects names the components of a new incident; it goes with --status investigating only');
  }
  return {
    stage: stage as Stage,
    region: values.region!,
    status: status as IncidentStatus,
    message,
    ...(values.affects ? { affects: values.affects } : {}),
    dryRun: values['dry-run'] === true,
  };
}

async function main(args: readonly string[]): Promise<number> {
  const options = parseStatusPageArgs(args);
  // Loaded after the arguments are checked, so bad input is answered at once.
  const [{ loadConfig, ConfigValidationError }, naming, { S3Client }, { SNSClient }, publish, { operatorChange }] =
    await Promise.all([
      import('../lib/config/index.js'),
      import('../lib/naming.js'),
      import('@aws-sdk/client-s3'),
      import('@aws-sdk/client-sns'),
      import('../lambda/status-page/publish.js'),
      import('../lambda/status-page/events.js'),
    ]);
  let config;
  try {
    config = loadConfig({ stage: options.stage });
  } catch (error) {
    if (error instanceof ConfigValidationError) throw new UsageError(error.message);
    throw error;
  }
  const here = config.regions.find((region) => region.region === options.region);
  const peer = config.regions.find((region) => region.region !== options.region);
  if (!here || !peer) {
    throw new UsageError(
      `--region "${options.region}" is not a region of ${options.stage}: ${config.regions.map((r) => r.region).join(', ')}`,
    );
  }
  const components = config.objectives.map(({ component, name }) => ({ id: component, name }));
  const unknown = (options.affects ?? []).filter((id) => !components.some((component) => component.id === id));
  if (unknown.length > 0) {
    throw new UsageError(
      `--affects ${unknown.join(', ')}: not a component; the components are ${components.map((c) => c.id).join(', ')}`,
    );
  }
  const change = operatorChange({
    kind: 'operator-update',
    status: options.status,
    message: options.message,
    ...(options.affects ? { affected: options.affects } : {}),
  });
  const bucket = (region: typeof here) => ({
    region: region.region,
    name: naming.statusBucketName(config, region),
    s3: new S3Client({ region: region.region, maxAttempts: 2 }),
  });
  const deps = {
    buckets: [bucket(here), bucket(peer)] as const,
    notices: {
      sns: new SNSClient({ region: here.region }),
      topicArn: `arn:aws:sns:${here.region}:${config.account}:${naming.customerNoticeTopicName(config)}`,
    },
    components,
    statusHost: naming.statusDomainName(config),
    now: () => new Date(),
  };
  let result;
  try {
    result = await publish.run(deps, { changes: [change], dryRun: options.dryRun });
  } catch (error) {
    const { UpdateRefused } = await import('../lambda/status-page/incidents.js');
    if (error instanceof UpdateRefused) throw new UsageError(error.message);
    throw error;
  }
  for (const notice of result.notices) console.log(`--- notice: ${notice.subject}\n${notice.text}\n---`);
  const [outcome] = result.outcomes;
  const what = `${outcome?.outcome ?? 'unchanged'}${outcome?.incidentId ? ` ${outcome.incidentId}` : ''}`;
  if (options.dryRun) {
    console.error(
      `dry run: the update would be ${what} (feed read from ${result.readFrom}); nothing was written or sent`,
    );
    return 0;
  }
  console.error(`status page ${what}: written to ${result.written.join(', ')}`);
  for (const failed of result.failedWrites) {
    console.error(`warning: ${failed.region} kept the old page (${failed.error}); post again once it is back`);
  }
  return 0;
}

if (require.main === module) {
  void runCli({ name: 'status-page', usage: USAGE, main: () => main(process.argv.slice(2)) });
}
