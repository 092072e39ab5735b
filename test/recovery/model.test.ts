// The recovery model against hand-computed figures for both stages, and the objective rules against bad input.
import { type App, Duration, Validations } from 'aws-cdk-lib';
import { loadConfig, type DrConfig, type Stage } from '../../lib/config';
import { PLAN_OBJECTIVES } from '../../lib/config/plan';
import { buildDrApp } from '../../lib/dr-app';
import { DrChecks } from '../../lib/nag';
import {
  MODELED_COMPONENTS,
  criticalTerms,
  modelStage,
  seconds,
  type ComponentModel,
  type StageRecovery,
} from '../../lib/recovery';
import { newApp } from '../helpers/synth';

/** Builds `config` without synthesizing: the model reads the construct tree. */
function build(config: DrConfig) {
  const app = newApp();
  const stacks = buildDrApp(app, config);
  return { app, stacks, recovery: modelStage(config, stacks) };
}

function component(recovery: StageRecovery, id: string): ComponentModel {
  const found = recovery.components.find((candidate) => candidate.objective.component === id);
  if (!found) throw new Error(`no component ${id}`);
  return found;
}

/** Seconds and the critical path of one figure, for compact expectations. */
function figure(recovery: StageRecovery, id: string, kind: 'rto' | 'rpo') {
  const assessment = component(recovery, id)[kind];
  return {
    seconds: assessment.seconds,
    verdict: assessment.verdict,
    path: criticalTerms(assessment.estimate).map((term) => `${term.name} = ${term.seconds}`),
  };
}

/** DR objective findings of `app`: rule id with finding, where, and the message. */
function objectiveFindings(app: App, config: DrConfig, recovery: StageRecovery) {
  const checks = new DrChecks(app, {
    context: {
      stage: config.stage,
      minBackupRetentionDays: config.data.backupRetention.toDays(),
      recovery: () => recovery,
    },
  });
  return checks
    .validateScope(app)
    .violations.filter((violation) => violation.ruleName.startsWith('DR-Objective'))
    .flatMap((violation) =>
      violation.violatingResources.map((resource) => ({
        rule: violation.ruleName,
        severity: violation.severity,
        path: resource.constructPath,
        message: violation.description,
      })),
    );
}

function withObjective(
  config: DrConfig,
  id: string,
  change: Partial<Pick<ComponentModel['objective'], 'rto' | 'rpo'>>,
) {
  return {
    ...config,
    objectives: config.objectives.map((objective) =>
      objective.component === id ? { ...objective, ...change } : objective,
    ),
  };
}

const stages: Record<Stage, ReturnType<typeof build>> = {
  prod: build(loadConfig({ stage: 'prod' })),
  staging: build(loadConfig({ stage: 'staging' })),
};

test("the model estimates exactly the plan's components", () => {
  expect([...MODELED_COMPONENTS].sort()).toEqual(PLAN_OBJECTIVES.map((objective) => objective.component).sort());
});

describe('prod, by hand', () => {
  const { recovery } = stages.prod;

  test('Core API RTO: 5.5 minutes, the capacity path now the slowest (issue 12: at most 6)', () => {
    // DNS 30 + 60 + 60 = 150 s, then the secondary scales to the primary floor: 180 s = 330 s. The
    // writer path (325 s) finishes 5 s earlier.
    expect(figure(recovery, 'core-api', 'rto')).toEqual({
      seconds: 330,
      verdict: 'met',
      path: [
        'Route 53 health check detection: 10 s x 3 failures = 30',
        'Route 53 serves the changed answer from all its name servers = 60',
        'failover record TTL (60 s) runs out in resolvers = 60',
        'traffic.warmCapacity: secondary 3 of primary 6 replicas warm: scale out = 180',
      ],
    });
  });

  test('Core API writer path: the two-signal decision, guards, promotion and reconnect, 325 s', () => {
    // S1 60 s x 1; S2 = Route 53 detection 30 + answer 10 + one sample 10 + 10 s x 3 = 80 s; the
    // decision waits for the slower: 80 + start 30 + guards 5 + failover 180 + reconnect 30.
    const rto = component(recovery, 'core-api').rto.estimate;
    const writer =
      rto.kind === 'max' ? rto.parts.find((part) => part.name === 'Aurora writer in the secondary') : undefined;
    expect(writer && seconds(writer)).toBe(325);
    expect(writer && criticalTerms(writer).map((term) => `${term.name} = ${term.seconds}`)).toEqual([
      'Route 53 health check detection: 10 s x 3 failures = 30',
      "Route 53's name servers answer from a health check's new status (the first of them, which dns-view sees) = 10",
      'S2 dns-view samples Route 53 once per period = 10',
      'S2 Route 53 view alarm (high resolution): 10 s x 3 periods = 30',
      'CloudWatch alarm state change reaches EventBridge and starts the failover state machine = 30',
      'Lock, cooldown and decision re-check before the data-loss step: three calls in the region (PutItem, GetItem, DescribeAlarms) = 5',
      'Aurora Global Database unplanned failover (FailoverGlobalCluster, AllowDataLoss) to a secondary with a reader = 180',
      'Orchestrator connection pools notice the new writer and reconnect = 30',
    ]);
  });

  test('Core API RPO: the AuroraGlobalDBRPOLag alarm at 60 s (target 1 minute)', () => {
    expect(figure(recovery, 'core-api', 'rpo')).toMatchObject({ seconds: 60, verdict: 'met' });
  });

  test('Rate limiting RTO: the detach path, 3.7 minutes (issue 12: at most 4)', () => {
    // Decision 80 + start 30 + guards 5 + (45 s for the failover, then detach 30 s) + reconnect 30 = 220 s;
    // promoting while the primary answers (60 s) is 15 s faster.
    expect(figure(recovery, 'rate-limiting', 'rto')).toMatchObject({
      seconds: 220,
      verdict: 'met',
      path: expect.arrayContaining([
        'activation waits for FailoverGlobalReplicationGroup = 45',
        'DisassociateGlobalReplicationGroup makes the secondary a standalone, writable group = 30',
      ]),
    });
  });

  test('Rate limiting RPO: the Global Datastore lag alarm at 15 s', () => {
    expect(figure(recovery, 'rate-limiting', 'rpo')).toMatchObject({ seconds: 15, verdict: 'met' });
  });

  test('Monitoring: the secondary canary alarms in 2 minutes and records every 60 s', () => {
    expect(figure(recovery, 'monitoring', 'rto')).toMatchObject({ seconds: 120, verdict: 'met' });
    expect(figure(recovery, 'monitoring', 'rpo')).toMatchObject({ seconds: 60, verdict: 'met' });
  });

  test('Docs site: origin failover after 3 x 10 s, replication within RTC 15 minutes (targets 15 / 15)', () => {
    expect(figure(recovery, 'docs-site', 'rto')).toMatchObject({ seconds: 30, verdict: 'met' });
    expect(figure(recovery, 'docs-site', 'rpo')).toMatchObject({ seconds: 900, verdict: 'met' });
  });

  test('the DNS path detects a dead region in 30 s and has traffic on the secondary within 2.5 minutes', () => {
    const rto = component(recovery, 'core-api').rto.estimate;
    const dns =
      rto.kind === 'max' ? rto.parts.find((part) => part.name === 'DNS failover to the secondary region') : undefined;
    expect(dns && criticalTerms(dns).map((term) => term.seconds)).toEqual([30, 60, 60]);
    expect(dns && seconds(dns)).toBe(150);
  });

  test('terms read from resources name the resource and property', () => {
    const terms = criticalTerms(component(recovery, 'rate-limiting').rto.estimate);
    const view = terms.find((term) => term.name.startsWith('S2 Route 53 view alarm'));
    expect(view?.source).toBe(
      'AsyncToolformer-prod-usw2-Automation/FailoverSignals/Route53View/Resource Period x DatapointsToAlarm',
    );
    expect(view?.resourcePath).toBe('AsyncToolformer-prod-usw2-Automation/FailoverSignals/Route53View/Resource');
  });

  test('the real app has no objective finding', () => {
    const { app, recovery: model } = stages.prod;
    expect(objectiveFindings(app, loadConfig({ stage: 'prod' }), model)).toEqual([]);
  });
});

describe('staging, by hand', () => {
  const { recovery } = stages.staging;

  test('Core API RTO: a 5-minute canary makes detection 5 of 9 minutes, against staging 30', () => {
    // S1 300 s x 1 (S2 is faster) + 30 + 5 + 180 + 30 = 545 s.
    expect(figure(recovery, 'core-api', 'rto')).toMatchObject({ seconds: 545, verdict: 'met' });
  });

  test('Rate limiting without a Global Datastore: restored by hand from the daily export', () => {
    // Canary 600 s + on-call 900 s + restore bound 1800 s + reconnect 30 s.
    expect(figure(recovery, 'rate-limiting', 'rto')).toMatchObject({ seconds: 3330, verdict: 'met' });
    // Daily export 24 h + RTC 15 min.
    expect(figure(recovery, 'rate-limiting', 'rpo')).toEqual({
      seconds: 87300,
      verdict: 'met',
      path: [
        'interval between Redis exports to S3 = 86400',
        'backup bucket replication with Replication Time Control = 900',
      ],
    });
  });

  test('Monitoring: 10 minutes to alarm, a data point every 5 minutes', () => {
    expect(figure(recovery, 'monitoring', 'rto')).toMatchObject({ seconds: 600, verdict: 'met' });
    expect(figure(recovery, 'monitoring', 'rpo')).toMatchObject({ seconds: 300, verdict: 'met' });
  });

  test('the real app has no objective finding', () => {
    const { app, recovery: model } = stages.staging;
    expect(objectiveFindings(app, loadConfig({ stage: 'staging' }), model)).toEqual([]);
  });
});

describe('a change that breaks an objective is an error on the resource behind the largest term', () => {
  const prod = loadConfig({ stage: 'prod' });

  test('Core API RTO set to 1 minute', () => {
    const config = withObjective(prod, 'core-api', { rto: Duration.minutes(1) });
    const { app, recovery } = build(config);
    expect(objectiveFindings(app, config, recovery)).toEqual([
      {
        rule: 'DR-ObjectiveExceeded[core-api:RTO]',
        severity: 'error',
        path: 'AsyncToolformer-prod-use1-Dns/PrimaryRecord/Resource',
        message: expect.stringMatching(
          /^Core API Service \(core-api\) RTO: modeled 5.5 min, 550 % of the objective of 60 s\. Largest terms: traffic.warmCapacity: .* = 3 min/,
        ),
      },
    ]);
  });

  test('a 30 s x 10 health check against a 5-minute Core API RTO', () => {
    const config = withObjective(
      { ...prod, traffic: { ...prod.traffic, healthCheck: { interval: Duration.seconds(30), failureThreshold: 10 } } },
      'core-api',
      { rto: Duration.minutes(5) },
    );
    const { app, recovery } = build(config);
    const findings = objectiveFindings(app, config, recovery);
    expect(findings).toContainEqual({
      rule: 'DR-ObjectiveExceeded[core-api:RTO]',
      severity: 'error',
      path: 'AsyncToolformer-prod-use1-Dns/PrimaryHealthCheck/Resource/Resource',
      message: expect.stringMatching(
        /modeled 10 min, 200 % of the objective of 5 min\. Largest terms: Route 53 health check detection: 30 s x 10 failures = 5 min/,
      ),
    });
  });

  test('the same health check with the plan objectives uses more than half of them: a warning, still a failure', () => {
    const config = {
      ...prod,
      traffic: { ...prod.traffic, healthCheck: { interval: Duration.seconds(30), failureThreshold: 10 } },
    };
    const { app, recovery } = build(config);
    expect(objectiveFindings(app, config, recovery).map(({ rule, severity }) => ({ rule, severity }))).toEqual(
      expect.arrayContaining([
        { rule: 'DR-ObjectiveMargin[core-api:RTO]', severity: 'warning' },
        { rule: 'DR-ObjectiveMargin[rate-limiting:RTO]', severity: 'warning' },
      ]),
    );
  });

  test('the Global Datastore switched off in prod while the rate-limiting RPO stays 1 minute', () => {
    const config = { ...prod, cache: { ...prod.cache, globalDatastore: false } };
    const { app, recovery } = build(config);
    const findings = objectiveFindings(app, config, recovery);
    expect(findings).toContainEqual({
      rule: 'DR-ObjectiveExceeded[rate-limiting:RPO]',
      severity: 'error',
      path: 'AsyncToolformer-prod-use1-Automation/RedisBackup/DailySchedule/Resource',
      message: expect.stringMatching(
        /^Rate Limiting \(rate-limiting\) RPO: modeled 24 h 15 min, 145500 % of the objective of 60 s\. Largest terms: interval between Redis exports to S3 = 24 h/,
      ),
    });
    expect(findings.map((finding) => finding.rule)).toContain('DR-ObjectiveExceeded[rate-limiting:RTO]');
  });

  test('a backup schedule stretched: staging exports weekly instead of daily', () => {
    const staging = loadConfig({ stage: 'staging' });
    const config = {
      ...staging,
      schedules: staging.schedules.map((schedule) =>
        schedule.id === 'daily-backup' ? { ...schedule, cron: 'cron(0 2 ? * SUN *)' } : schedule,
      ),
    };
    const { app, recovery } = build(config);
    expect(objectiveFindings(app, config, recovery)).toContainEqual({
      rule: 'DR-ObjectiveExceeded[rate-limiting:RPO]',
      severity: 'error',
      path: 'AsyncToolformer-staging-use1-Automation/RedisBackup/DailySchedule/Resource',
      // Sunday 01:00 and 02:00, then nothing until the next Sunday 01:00: 6 d 23 h, plus RTC 15 min.
      message: expect.stringMatching(
        /^Rate Limiting \(rate-limiting\) RPO: modeled 167 h 15 min, 232 % of the objective of 72 h\./,
      ),
    });
  });

  test('turning the automatic failover off puts the on-call response on the path', () => {
    const config = { ...prod, automation: { ...prod.automation, autoFailover: false } };
    const { app, recovery } = build(config);
    expect(figure(recovery, 'core-api', 'rto').path).toContain(
      'On-call engineer is paged, acknowledges and starts the failover runbook by hand = 900',
    );
    expect(objectiveFindings(app, config, recovery).map((finding) => finding.rule)).toEqual(
      expect.arrayContaining(['DR-ObjectiveExceeded[core-api:RTO]', 'DR-ObjectiveExceeded[rate-limiting:RTO]']),
    );
  });

  test('an acknowledgement on the anchor resource, with its reason, silences that finding only', () => {
    const config = withObjective(prod, 'core-api', { rto: Duration.minutes(1) });
    const { app, stacks, recovery } = build(config);
    Validations.of(stacks.dns.records.primary.node.defaultChild!).acknowledge({
      id: 'DR-ObjectiveExceeded[core-api:RTO]',
      reason: 'Test only: a drill measured the promotion path well under a minute; the model is the outlier.',
    });
    expect(objectiveFindings(app, config, recovery)).toEqual([]);
  });
});

test('synth fails when an objective is exceeded: the DR pack is a validation plugin of the app', () => {
  const prod = loadConfig({ stage: 'prod' });
  const config = withObjective(prod, 'core-api', { rto: Duration.minutes(1) });
  const app = newApp();
  const stacks = buildDrApp(app, config);
  Validations.of(app).addPlugins(
    new DrChecks(app, {
      context: { stage: 'prod', minBackupRetentionDays: 35, recovery: () => modelStage(config, stacks) },
    }),
  );
  const log = jest.spyOn(console, 'error').mockImplementation(() => undefined);
  try {
    expect(() => app.synth()).toThrow(
      /ERROR Core API Service \(core-api\) RTO: modeled 5.5 min, 550 % of the objective of 60 s\. Largest terms: traffic.warmCapacity/,
    );
  } finally {
    log.mockRestore();
  }
});
