// The status page in a region loss: the secondary's publisher, run for real on the events the decision alarm and the operator's activation emit, posts the Initial Incident Report to its page and the customer topic while the lost primary's bucket refuses the write.
import { GetObjectCommand, S3Client } from '@aws-sdk/client-s3';
import { STATUS_PAGE_ENV, STATUS_PAGE_OBJECTS, STATUS_PAGE_PUBLISHER } from '../../../lib/contract/status-page';
import { INITIAL_INCIDENT_REPORT, RESOLUTION_NOTICE, formatDuration } from '../../../lambda/status-page/notice';
import { holdsInternalName } from '../../../lambda/status-page/sanitize';
import { functionEnvironment, runJob, type JobRun } from '../jobs';
import { expectThat, type Check, type Scenario, type ScenarioContext } from '../scenario';
import { loseAndFailOver, runEnded, simulated } from './failover';
import { failbackAfterLoss } from './failback-after-loss';
import { failoverDeployment, publishedMessages } from './failover-facts';
import type { RunRecord } from '../runs';

const EVENTS =
  "EventBridge: the publisher is invoked with the events AWS would deliver (the decision's composite entering ALARM, the run's RUNNING and SUCCEEDED status changes, built from the real run's ARN, input and status); the drill server has no event bus";

/** The page or feed of a status bucket, read from the drill server. */
async function readObject(context: ScenarioContext, region: string, bucket: string, key: string): Promise<string> {
  const s3 = new S3Client({
    region,
    endpoint: context.endpoint,
    forcePathStyle: true,
    credentials: { accessKeyId: 'drill', secretAccessKey: 'drill' },
  });
  try {
    const response = await s3.send(new GetObjectCommand({ Bucket: bucket, Key: key }));
    return (await response.Body?.transformToString()) ?? '';
  } catch (error) {
    return `(unreadable: ${(error as Error).name})`;
  }
}

/** The event EventBridge delivers when a run of the failover machine changes to `status`. */
function runEvent(run: RunRecord, action: string, status: string) {
  return {
    'detail-type': 'Step Functions Execution Status Change',
    source: 'aws.states',
    detail: {
      executionArn: run.executionArn,
      stateMachineArn: run.executionArn.replace(':execution:', ':stateMachine:').replace(/:[^:]+$/, ''),
      status,
      input: JSON.stringify({ action, requestedBy: 'operator' }),
    },
  };
}

/** The event EventBridge delivers when the decision's `act` composite enters ALARM. */
function decisionAlarm(env: Record<string, string>) {
  return {
    'detail-type': 'CloudWatch Alarm State Change',
    source: 'aws.cloudwatch',
    detail: { alarmName: env[STATUS_PAGE_ENV.activateAlarmName], state: { value: 'ALARM' } },
  };
}

/** The publisher of `region` run on each of `events` in turn, each in its own process. */
async function publish(context: ScenarioContext, region: string, events: readonly unknown[]): Promise<JobRun[]> {
  const runs: JobRun[] = [];
  for (const event of events)
    runs.push(await runJob(context.world, context.endpoint, STATUS_PAGE_PUBLISHER, region, event));
  return runs;
}

const regionLoss: Scenario = {
  name: 'status-page-region-loss',
  summary:
    "The primary region is lost and the operator activates the secondary; the secondary's status page publisher, on the decision alarm and the run's status changes, opens one incident with the plan's Initial Incident Report on its page, its feed and the customer topic, shows the Core API down, names no internal resource, and reports the lost primary's bucket as a failed write without being held up by it.",
  async run(context) {
    const deployment = await failoverDeployment(context);
    const { run } = await loseAndFailOver(context, deployment);
    // The failover's own notices are not the customers': drained first.
    await publishedMessages(context, deployment.secondary);

    const region = deployment.secondary;
    const env = functionEnvironment(context.world, STATUS_PAGE_PUBLISHER, region);
    const publications = await publish(context, region, [
      decisionAlarm(env),
      runEvent(run, 'activate', 'RUNNING'),
      runEvent(run, 'activate', run.status),
    ]);
    const results = publications.map((publication) => publication.states[0] as Record<string, unknown> | undefined);
    const page = await readObject(context, region, env[STATUS_PAGE_ENV.bucket]!, STATUS_PAGE_OBJECTS.page);
    const feed = await readObject(context, region, env[STATUS_PAGE_ENV.bucket]!, STATUS_PAGE_OBJECTS.feed);
    const notices = (await publishedMessages(context, region)).filter((message) =>
      message.topicArn.endsWith(`:${env[STATUS_PAGE_ENV.noticeTopicArn]!.split(':').pop()}`),
    );
    const fixedLines = INITIAL_INCIDENT_REPORT.split('\n').filter(
      (line) => !/\[|status\.async-toolformer\.com/.test(line),
    );

    const checks: Check[] = [
      runEnded(run, 'SUCCEEDED', 'the activation'),
      expectThat(
        'every publication succeeds in the secondary region',
        publications.every((publication) => !publication.error),
        publications.map((p) => p.error?.message ?? 'ok').join(' | '),
      ),
      expectThat(
        `the lost ${deployment.primary} bucket is reported as a failed write, the secondary's written`,
        results.every(
          (result) =>
            JSON.stringify(result?.written) === JSON.stringify([region]) &&
            (result?.failedWrites as { region: string }[] | undefined)?.[0]?.region === deployment.primary,
        ),
        JSON.stringify(results.map((result) => ({ written: result?.written, failed: result?.failedWrites }))),
      ),
      expectThat(
        'one incident: opened by the decision, identified, then monitoring once the run succeeded',
        JSON.stringify(results.map((result) => (result?.outcomes as { outcome: string }[])?.[0]?.outcome)) ===
          JSON.stringify(['opened', 'updated', 'updated']),
        JSON.stringify(results.map((result) => result?.outcomes)),
      ),
      expectThat(
        'the customer topic gets the Initial Incident Report, in the plan wording, once',
        notices.length === 1 && fixedLines.every((line) => notices[0]!.message.includes(line)),
        notices.map((notice) => notice.message).join(' | ') || 'none',
      ),
      expectThat(
        `the page at ${env[STATUS_PAGE_ENV.domainName]} shows the incident and the Core API down`,
        page.includes('errors and unavailability of the API') &&
          /Core API Service<\/span><span class="state state-(outage|degraded)"/.test(page),
        page.slice(0, 200),
      ),
      expectThat('the feed keeps the open incident', /"status": "monitoring"/.test(feed), feed.slice(0, 200)),
      expectThat(
        'neither the page, the feed nor the notice names an internal resource',
        ![page, feed, ...notices.map((notice) => notice.message)].some(holdsInternalName),
        'checked with the publisher sanitizer patterns',
      ),
    ];
    return { checks, runs: [run], simulated: simulated(deployment, EVENTS) };
  },
};

const failback: Scenario = {
  name: 'status-page-failback',
  summary:
    "failback-after-loss as it stands (activation with us-east-1 lost, the cache rebuilt, the planned failback), then us-west-2's publisher on the events of both runs: the incident the decision opened is resolved by the failback's SUCCEEDED with the plan's Resolution Notice on the customer topic, its resolution time the feed's resolved minus started, and both regions' pages show every component operational again.",
  async run(context) {
    const story = await failbackAfterLoss.run(context);
    const [activation, failbackRun] = story.runs;
    if (!activation || !failbackRun) throw new Error('failback-after-loss returned no activation and failback runs');
    const deployment = await failoverDeployment(context);
    const region = deployment.secondary;
    await publishedMessages(context, region);
    const env = functionEnvironment(context.world, STATUS_PAGE_PUBLISHER, region);
    const publications = await publish(context, region, [
      decisionAlarm(env),
      runEvent(activation, 'activate', 'RUNNING'),
      runEvent(activation, 'activate', activation.status),
      runEvent(failbackRun, 'failback', 'RUNNING'),
      runEvent(failbackRun, 'failback', failbackRun.status),
    ]);
    const results = publications.map((publication) => publication.states[0] as Record<string, unknown> | undefined);
    const feedText = await readObject(context, region, env[STATUS_PAGE_ENV.bucket]!, STATUS_PAGE_OBJECTS.feed);
    const pages = await Promise.all(
      [
        [region, env[STATUS_PAGE_ENV.bucket]!],
        [env[STATUS_PAGE_ENV.peerRegion]!, env[STATUS_PAGE_ENV.peerBucket]!],
      ].map(([where, bucket]) => readObject(context, where!, bucket!, STATUS_PAGE_OBJECTS.page)),
    );
    const notices = (await publishedMessages(context, region)).filter((message) =>
      message.topicArn.endsWith(`:${env[STATUS_PAGE_ENV.noticeTopicArn]!.split(':').pop()}`),
    );
    let incident: { status?: string; startedAt?: string; resolvedAt?: string } = {};
    try {
      incident = (JSON.parse(feedText) as { incidents: (typeof incident)[] }).incidents[0] ?? {};
    } catch {
      incident = {};
    }
    const measured =
      incident.resolvedAt && incident.startedAt
        ? formatDuration(Date.parse(incident.resolvedAt) - Date.parse(incident.startedAt))
        : undefined;
    const resolution = notices.find((notice) => notice.message.startsWith('✅ RESOLVED'));
    const fixedLines = RESOLUTION_NOTICE.split('\n').filter((line) => !line.includes('['));

    const checks: Check[] = [
      expectThat(
        'failback-after-loss passes its own checks',
        story.checks.every((check) => check.passed),
        story.checks
          .filter((check) => !check.passed)
          .map((check) => `${check.name}: ${check.detail}`)
          .join(' | ') || 'all passed',
      ),
      expectThat(
        'every publication succeeds and, with us-east-1 back, writes both regions',
        publications.every((p) => !p.error) &&
          results.every((result) => JSON.stringify(result?.written) === JSON.stringify([region, deployment.primary])),
        JSON.stringify(results.map((result) => ({ written: result?.written, error: result?.failedWrites }))),
      ),
      expectThat(
        "one incident, resolved by the failback's SUCCEEDED",
        JSON.stringify(results.map((result) => (result?.outcomes as { outcome: string }[])?.[0]?.outcome)) ===
          JSON.stringify(['opened', 'updated', 'updated', 'updated', 'resolved']) && incident.status === 'resolved',
        JSON.stringify(results.map((result) => result?.outcomes)),
      ),
      expectThat(
        'the customer topic gets the Initial Incident Report and then the Resolution Notice, in the plan wording',
        notices.length === 2 &&
          resolution !== undefined &&
          fixedLines.every((line) => resolution.message.includes(line)),
        notices.map((notice) => notice.message).join(' | ') || 'none',
      ),
      expectThat(
        "the Resolution Notice's resolution time is the feed's resolved minus started",
        measured !== undefined && (resolution?.message.includes(`Resolution time: ${measured}`) ?? false),
        `${measured ?? 'no times in the feed'}; ${resolution?.message.split('\n').find((l) => l.startsWith('Resolution time')) ?? 'no notice'}`,
      ),
      expectThat(
        "both regions' pages show every component operational and the incident in the history",
        pages.every((page) => page.includes('All systems operational') && page.includes('Root cause:')),
        pages.map((page) => page.slice(0, 80)).join(' | '),
      ),
    ];
    return { checks, runs: story.runs, simulated: [...story.simulated, EVENTS] };
  },
};

export const STATUS_PAGE_SCENARIOS: readonly Scenario[] = [regionLoss, failback];
