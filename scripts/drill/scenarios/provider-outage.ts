// Provider outage (the plan's scenario 4): a provider's probe fails, its outage alarm fires, the fallback switches the AppConfig profile to the fallback order, and the degraded-service notice is posted through the real status page publisher.
import {
  AppConfigClient,
  CreateApplicationCommand,
  CreateConfigurationProfileCommand,
  CreateHostedConfigurationVersionCommand,
} from '@aws-sdk/client-appconfig';
import { LambdaClient } from '@aws-sdk/client-lambda';
import { GetObjectCommand, S3Client } from '@aws-sdk/client-s3';
import { SNSClient } from '@aws-sdk/client-sns';
import { PROVIDER_FALLBACK, PROVIDER_FALLBACK_ENV, type ProviderAlarm } from '../../../lib/contract/providers';
import { STATUS_PAGE_ENV, STATUS_PAGE_OBJECTS, STATUS_PAGE_PUBLISHER } from '../../../lib/contract/status-page';
import { DEGRADED_NOTICE, run, type FallbackResult } from '../../../lambda/provider-fallback/fallback';
import { serveMotoGaps } from '../../../lambda/provider-fallback/moto-gaps';
import { readLatest } from '../../../lambda/provider-fallback/profile-store';
import { INITIAL_INCIDENT_REPORT } from '../../../lambda/status-page/notice';
import { functionEnvironment, runJob, type JobRun } from '../jobs';
import { expectThat, type Check, type Scenario, type ScenarioContext } from '../scenario';
import type { RunRecord } from '../runs';
import { jobRecord } from './backup-checks-facts';
import { publishedMessages } from './failover-facts';

const SIMULATED = [
  'the probe canary: its failed runs (one a minute, the newest now) are SuccessPercent datapoints of 0 put as Synthetics publishes them, on the dimensions the alarm holds (the drill runs no canaries, so the canary name is its placeholder); the outage alarm is evaluated on request from them (scripts/drill/moto_drill/alarm_eval.py)',
  "EventBridge: the fallback is run with the alarm's state change as its rule delivers it (moto runs no rules), in-process with its function's environment as synthesized",
  "AppConfig: the application, profile and hosted versions are moto's, created with the synthesized document; ListHostedConfigurationVersions, GetEnvironment, UpdateEnvironment and StartDeployment are simulated by lambda/provider-fallback/moto-gaps.ts, since moto 5 lacks them",
  "Lambda Invoke of the status page publisher: its handler runs for real in its own process (scripts/drill/jobs.ts) with the payload the fallback sent (moto's Invoke needs Docker)",
];

const credentials = { accessKeyId: 'drill', secretAccessKey: 'drill' };

async function readObject(context: ScenarioContext, region: string, bucket: string, key: string): Promise<string> {
  const s3 = new S3Client({ region, endpoint: context.endpoint, forcePathStyle: true, credentials });
  try {
    const response = await s3.send(new GetObjectCommand({ Bucket: bucket, Key: key }));
    return (await response.Body?.transformToString()) ?? '';
  } catch (error) {
    return `(unreadable: ${(error as Error).name})`;
  }
}

/** The profile as the StatusPage stack of `region` deploys it, created in moto from the synthesized document. */
async function deployedProfile(context: ScenarioContext, region: string, appconfig: AppConfigClient) {
  const [hosted] = context.world.resources('AWS::AppConfig::HostedConfigurationVersion', region);
  const content = hosted?.properties.Content;
  if (typeof content !== 'string') throw new Error(`${region} has no providers hosted configuration in the assembly`);
  const app = await appconfig.send(new CreateApplicationCommand({ Name: `drill-providers-${region}` }));
  const profile = await appconfig.send(
    new CreateConfigurationProfileCommand({ ApplicationId: app.Id, Name: 'providers', LocationUri: 'hosted' }),
  );
  await appconfig.send(
    new CreateHostedConfigurationVersionCommand({
      ApplicationId: app.Id,
      ConfigurationProfileId: profile.Id,
      Content: new TextEncoder().encode(content),
      ContentType: 'application/json',
    }),
  );
  return { applicationId: app.Id!, configurationProfileId: profile.Id!, environmentId: 'live' };
}

const providerOutage: Scenario = {
  name: 'provider-outage',
  summary:
    "The first provider's status endpoint stops answering: its probe's outage alarm goes to ALARM, the fallback writes and deploys at once a version of the providers profile without it (the fallback order), takes its alarm off the AppConfig monitors, pages the high topic, and the real status page publisher posts the degraded-service notice to both regions' pages and the customers' topic.",
  async run(context) {
    const [hosted] = context.world.resources('AWS::AppConfig::HostedConfigurationVersion');
    if (!hosted) throw new Error('the assembly has no providers profile');
    const region = hosted.stack.region;
    const env = functionEnvironment(context.world, PROVIDER_FALLBACK, region);
    const alarms = JSON.parse(env[PROVIDER_FALLBACK_ENV.alarms]!) as ProviderAlarm[];
    const down = alarms[0]!;

    // The probe's failed runs, on the dimensions the outage alarm watches (its canary's name: the canary
    // is not seeded, so the drill names it), and the alarm as CloudWatch evaluates them.
    const { MetricAlarms = [] } = await context.client.call<{
      MetricAlarms?: { Dimensions?: { Name: string; Value: string }[] }[];
    }>('cloudwatch', region, 'DescribeAlarms', { AlarmNames: [down.alarmName] });
    const dimensions = MetricAlarms[0]?.Dimensions ?? [];
    const now = Date.now();
    const since = () => Math.round((Date.now() - now) / 100) / 10;
    await context.client.call('cloudwatch', region, 'PutMetricData', {
      Namespace: 'CloudWatchSynthetics',
      MetricData: [120_000, 60_000, 0].map((ago) => ({
        MetricName: 'SuccessPercent',
        Dimensions: dimensions,
        Value: 0,
        Unit: 'Percent',
        Timestamp: new Date(now - ago).toISOString(),
      })),
    });
    const [evaluation] = await context.client.evaluateAlarms(region, [down.alarmName]);
    const alarmAt = since();

    const appconfig = new AppConfigClient({ region, endpoint: context.endpoint, credentials });
    const profile = await deployedProfile(context, region, appconfig);
    const gaps = serveMotoGaps(
      appconfig,
      alarms.map((alarm) => ({ AlarmArn: alarm.alarmArn, AlarmRoleArn: env[PROVIDER_FALLBACK_ENV.monitorRoleArn] })),
    );
    const publications: JobRun[] = [];
    const lambda = new LambdaClient({ region, endpoint: context.endpoint, credentials });
    lambda.middlewareStack.add(
      (next, handlerContext) => async (args) => {
        if (handlerContext.commandName !== 'InvokeCommand') return next(args);
        const input = args.input as { Payload: Uint8Array };
        const published = await runJob(
          context.world,
          context.endpoint,
          STATUS_PAGE_PUBLISHER,
          region,
          JSON.parse(new TextDecoder().decode(input.Payload)),
        );
        publications.push(published);
        return {
          output: { $metadata: {}, StatusCode: 200, ...(published.error ? { FunctionError: 'Unhandled' } : {}) },
          response: {},
        };
      },
      { step: 'initialize', name: 'drillInvokesPublisher' },
    );
    // The failover's and the deploy's own notices are not this scenario's: drained first.
    await publishedMessages(context, region);

    let result: FallbackResult | undefined;
    let failure: Error | undefined;
    try {
      result = await run(
        {
          appconfig,
          lambda,
          sns: new SNSClient({ region, endpoint: context.endpoint, credentials }),
          profile,
          immediateStrategyId: env[PROVIDER_FALLBACK_ENV.immediateStrategyId]!,
          alarms,
          monitorRoleArn: env[PROVIDER_FALLBACK_ENV.monitorRoleArn]!,
          publisherName: env[PROVIDER_FALLBACK_ENV.publisherName]!,
          alertTopicArn: env[PROVIDER_FALLBACK_ENV.alertTopicArn]!,
          stage: context.stage,
          region,
          now: () => new Date(),
        },
        { alarmName: down.alarmName, state: evaluation?.state ?? 'UNKNOWN', reason: evaluation?.reason ?? '' },
      );
    } catch (error) {
      failure = error as Error;
    }
    const doneAt = since();
    const latest = await readLatest(appconfig, profile);
    const publisherEnv = functionEnvironment(context.world, STATUS_PAGE_PUBLISHER, region);
    const [page, feed] = await Promise.all(
      [STATUS_PAGE_OBJECTS.page, STATUS_PAGE_OBJECTS.feed].map((key) =>
        readObject(context, region, publisherEnv[STATUS_PAGE_ENV.bucket]!, key),
      ),
    );
    const messages = await publishedMessages(context, region);
    const topicName = (arn: string | undefined) => `:${arn?.split(':').pop() ?? ''}`;
    const pages = messages.filter((message) =>
      message.topicArn.endsWith(topicName(env[PROVIDER_FALLBACK_ENV.alertTopicArn])),
    );
    const notices = messages.filter((message) =>
      message.topicArn.endsWith(topicName(publisherEnv[STATUS_PAGE_ENV.noticeTopicArn])),
    );
    const fixedLines = INITIAL_INCIDENT_REPORT.split('\n').filter(
      (line) => !/\[|status\.async-toolformer\.com/.test(line),
    );
    const others = alarms.filter((alarm) => alarm !== down).map((alarm) => alarm.alarmArn);

    const checks: Check[] = [
      expectThat(
        `${down.alarmName} is evaluated to ALARM from the probe's failed runs, and pages the high topic`,
        evaluation?.state === 'ALARM' && (evaluation.actions ?? []).includes(env[PROVIDER_FALLBACK_ENV.alertTopicArn]!),
        JSON.stringify(evaluation),
      ),
      expectThat(
        `the fallback switches ${down.provider} out`,
        failure === undefined && result?.switched === true,
        failure ? `${failure.name}: ${failure.message}` : JSON.stringify(result),
      ),
      expectThat(
        `the newest version of the profile in moto routes to the fallback order without ${down.provider}`,
        latest.version === 2 &&
          !latest.document.routing.order.includes(down.provider) &&
          latest.document.routing.unavailable.includes(down.provider) &&
          latest.document.routing.order.length > 0,
        JSON.stringify({ version: latest.version, routing: latest.document.routing }),
      ),
      expectThat(
        'that version is deployed at once with the immediate strategy',
        gaps.deployments.length === 1 &&
          gaps.deployments[0]!.version === '2' &&
          gaps.deployments[0]!.strategyId === env[PROVIDER_FALLBACK_ENV.immediateStrategyId],
        JSON.stringify(gaps.deployments),
      ),
      expectThat(
        `AppConfig no longer monitors ${down.alarmName}, so the fallback is not rolled back; the other providers' alarms stay`,
        JSON.stringify(gaps.monitors.map((monitor) => monitor.AlarmArn).sort()) === JSON.stringify([...others].sort()),
        JSON.stringify(gaps.monitors),
      ),
      expectThat(
        'the status page publisher posts the notice once and succeeds',
        publications.length === 1 && publications[0]!.error === undefined,
        JSON.stringify(publications.map((publication) => publication.error ?? publication.states[0])),
      ),
      expectThat(
        `the page in ${region} shows the degraded-service notice on the Core API`,
        page.includes(DEGRADED_NOTICE.slice(0, 40)) &&
          /Core API Service<\/span><span class="state state-degraded"/.test(page),
        page.slice(0, 300),
      ),
      expectThat('the feed holds the open incident', /"status": "investigating"/.test(feed), feed.slice(0, 200)),
      expectThat(
        "the customers' topic gets the Initial Incident Report once",
        notices.length === 1 && fixedLines.every((line) => notices[0]!.message.includes(line)),
        notices.map((notice) => notice.subject).join(' | ') || 'none',
      ),
      expectThat(
        `the on-call engineer is paged: provider ${down.provider} DOWN`,
        pages.some((message) => message.subject.includes(`provider ${down.provider} DOWN`)),
        pages.map((message) => message.subject).join(' | ') || 'none',
      ),
    ];
    const fallbackRun: RunRecord = {
      executionArn: `drill-provider-fallback:${down.provider}-${region}`,
      region,
      status: failure ? 'FAILED' : 'SUCCEEDED',
      ...(failure ? { error: failure.name, cause: failure.message } : {}),
      startedBy: `the outage alarm's state change, as its EventBridge rule delivers it (${down.alarmName})`,
      timeline: [
        { step: `${down.alarmName} ${evaluation?.state ?? 'not evaluated'}`, elapsedSeconds: alarmAt },
        {
          step: result?.switched
            ? `version ${result.version} (order ${result.order?.join(', ')}) deployed, notice posted, paged`
            : `no switch: ${failure?.message ?? result?.why ?? 'unknown'}`,
          elapsedSeconds: doneAt,
          ...(failure ? { error: `${failure.name}: ${failure.message}` } : {}),
        },
      ],
      durationSeconds: doneAt,
    };
    return { checks, runs: [fallbackRun, ...publications.map(jobRecord)], simulated: SIMULATED };
  },
};

export const PROVIDER_SCENARIOS: readonly Scenario[] = [providerOutage];
