// The status page in a region loss: the secondary's publisher, run for real on the events the decision alarm and the operator's activation emit, posts the Initial Incident Report to its page and the customer topic while the lost primary's bucket refuses the write.
import { GetObjectCommand, S3Client } from '@aws-sdk/client-s3';
import { STATUS_PAGE_ENV, STATUS_PAGE_OBJECTS, STATUS_PAGE_PUBLISHER } from '../../../lib/contract/status-page';
import { INITIAL_INCIDENT_REPORT } from '../../../lambda/status-page/notice';
import { holdsInternalName } from '../../../lambda/status-page/sanitize';
import { functionEnvironment, runJob, type JobRun } from '../jobs';
import { expectThat, type Check, type Scenario, type ScenarioContext } from '../scenario';
import { loseAndFailOver, runEnded, simulated } from './failover';
import { failoverDeployment, publishedMessages } from './failover-facts';

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
    const machineArn = run.executionArn.replace(':execution:', ':stateMachine:').replace(/:[^:]+$/, '');
    const runEvent = (status: string) => ({
      'detail-type': 'Step Functions Execution Status Change',
      source: 'aws.states',
      detail: {
        executionArn: run.executionArn,
        stateMachineArn: machineArn,
        status,
        input: JSON.stringify({ action: 'activate', requestedBy: 'operator' }),
      },
    });
    const events = [
      {
        'detail-type': 'CloudWatch Alarm State Change',
        source: 'aws.cloudwatch',
        detail: { alarmName: env[STATUS_PAGE_ENV.activateAlarmName], state: { value: 'ALARM' } },
      },
      runEvent('RUNNING'),
      runEvent(run.status),
    ];
    const publications: JobRun[] = [];
    for (const event of events) {
      publications.push(await runJob(context.world, context.endpoint, STATUS_PAGE_PUBLISHER, region, event));
    }
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

export const STATUS_PAGE_SCENARIOS: readonly Scenario[] = [regionLoss];
