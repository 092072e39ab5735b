// The recovery model: each component's worst-case RTO and RPO as sums and maxima of named terms.
import type { DrConfig, RecoveryObjective } from '../config';
import {
  criticalTerms,
  formatSeconds,
  largestTerms,
  max,
  seconds,
  sum,
  term,
  timing,
  type Estimate,
  type Term,
} from './estimate';
import type { AlarmTiming, Read, RecoveryEvidence } from './evidence';
import { calibrate, type Measurements } from './measurements';

/** How a modeled figure compares with its objective. */
export type Verdict = 'met' | 'tight' | 'exceeded';

/** A modeled figure beside its objective. */
export interface Assessment {
  readonly estimate: Estimate;
  readonly seconds: number;
  readonly objectiveSeconds: number;
  /** `met` within half the objective, `tight` above half, `exceeded` above the objective. */
  readonly verdict: Verdict;
}

/** The model of one component of the plan's table. */
export interface ComponentModel {
  readonly objective: RecoveryObjective;
  readonly rto: Assessment;
  readonly rpo: Assessment;
}

const UNBOUNDED = Infinity;

function assess(estimate: Estimate, objective: number): Assessment {
  const modeled = seconds(estimate);
  const verdict: Verdict = modeled > objective ? 'exceeded' : modeled > objective / 2 ? 'tight' : 'met';
  return { estimate, seconds: modeled, objectiveSeconds: objective, verdict };
}

function alarmDetection(name: string, alarm: Read<AlarmTiming>): Term {
  const { period, datapoints } = alarm.value;
  return term(`${name}: ${period} s x ${datapoints} periods`, period * datapoints, alarm.source, alarm.path);
}

/** Route 53 health checks see the region down: interval x threshold. */
function healthCheckDetection(evidence: RecoveryEvidence): Term {
  const check = evidence.healthCheck;
  if (!check)
    return term('Route 53 health check detection: no health check', UNBOUNDED, 'no AWS::Route53::HealthCheck');
  const { interval, failureThreshold } = check.value;
  return term(
    `Route 53 health check detection: ${interval} s x ${failureThreshold} failures`,
    interval * failureThreshold,
    check.source,
    check.path,
  );
}

/** Detection, propagation and TTL: after this, clients resolve the API to the secondary region. */
function dnsPath(evidence: RecoveryEvidence): Estimate {
  const ttl = evidence.failoverRecordTtl;
  return sum(
    'DNS failover to the secondary region',
    healthCheckDetection(evidence),
    timing('route53Propagation'),
    ttl
      ? term(`failover record TTL (${ttl.value} s) runs out in resolvers`, ttl.value, ttl.source, ttl.path)
      : term('failover record: none', UNBOUNDED, 'no Route 53 failover record'),
  );
}

/**
 * The secondary region is told to take over: by the automated failover's trigger alarm, or by the
 * out-of-region canary paging the on-call engineer, who runs the runbook.
 */
function takeoverStart(evidence: RecoveryEvidence): Estimate[] {
  const decision = evidence.failoverDecision;
  if (decision) {
    const view = decision.route53View;
    return [
      max(
        'failover decision: both signals in ALARM (the activate composite alarm)',
        sum('S1', alarmDetection('S1 out-of-region canary failover alarm in the secondary', decision.probe)),
        sum(
          'S2',
          healthCheckDetection(evidence),
          timing('route53AnswerFollowsHealth'),
          term('S2 dns-view samples Route 53 once per period', view.value.period, view.source, view.path),
          alarmDetection('S2 Route 53 view alarm (high resolution)', view),
        ),
      ),
      timing('automationStart'),
      timing('failoverGuards'),
    ];
  }
  return manualStart(evidence);
}

/** The cache's activation: promoted through the Global Datastore, or detached when the primary region does not answer in time. */
function cacheActivation(evidence: RecoveryEvidence): Estimate {
  const deadline = evidence.failoverDecision?.cacheActivateDeadline;
  if (!deadline) return timing('globalDatastorePromotion');
  return max(
    'cache primary in the secondary: promoted, or detached',
    timing('globalDatastorePromotion'),
    sum(
      'detach path (the primary region does not answer)',
      term('activation waits for FailoverGlobalReplicationGroup', deadline.value, deadline.source, deadline.path),
      timing('globalDatastoreDetach'),
    ),
  );
}

/** Warm capacity: the secondary floor against the primary's; scaling up is on the path if smaller. */
function capacityPath(config: DrConfig, evidence: RecoveryEvidence): Estimate {
  const { primary, secondary } = config.traffic.warmCapacity;
  const floor = `traffic.warmCapacity: secondary ${secondary.minReplicas} of primary ${primary.minReplicas} replicas warm`;
  return sum(
    'Secondary serves the primary load',
    dnsPath(evidence),
    secondary.minReplicas >= primary.minReplicas
      ? term(`${floor}: no scaling`, 0, 'lib/config/stages.ts traffic.warmCapacity')
      : timing('scaleToPeak', `${floor}: scale out`),
  );
}

/** On-call is paged by the out-of-region canary and works a runbook: the path when no automation can. */
function manualStart(evidence: RecoveryEvidence): Estimate[] {
  const probe = evidence.peerProbe.secondary;
  return [
    probe
      ? alarmDetection('out-of-region canary alarm pages on-call', probe)
      : term('detection: no probe of the primary from the secondary', UNBOUNDED, 'no canary in the secondary'),
    timing('manualResponse'),
  ];
}

function coreApiRto(config: DrConfig, evidence: RecoveryEvidence): Estimate {
  const { aurora } = evidence;
  // Without a global member there is nothing to promote: on-call restores the newest copy.
  const writer = aurora.globalMember.value
    ? sum(
        'Aurora writer in the secondary',
        ...takeoverStart(evidence),
        ...(aurora.secondaryInstances.value === 0 ? [timing('auroraInstanceCreation')] : []),
        timing('auroraGlobalFailover'),
        timing('clientReconnect'),
      )
    : sum(
        'Aurora restored in the secondary from the newest copy',
        ...manualStart(evidence),
        term(
          'restore the newest cross-region copy (bounded by automation.maxAuroraRestore)',
          config.automation.maxAuroraRestore.toSeconds(),
          'lib/config/stages.ts automation.maxAuroraRestore',
        ),
        timing('clientReconnect'),
      );
  return max(
    'Core API writes again in the secondary region',
    dnsPath(evidence),
    writer,
    capacityPath(config, evidence),
  );
}

function coreApiRpo(evidence: RecoveryEvidence): Estimate {
  const { aurora } = evidence;
  if (aurora.globalMember.value) {
    return aurora.lagAlarm
      ? sum(
          'Writes not yet in the secondary',
          term(
            'AuroraGlobalDBRPOLag alarm threshold: lag beyond it pages',
            aurora.lagAlarm.value,
            aurora.lagAlarm.source,
            aurora.lagAlarm.path,
          ),
        )
      : term(
          'global replication lag: no alarm bounds it',
          UNBOUNDED,
          `${aurora.globalMember.source} without a lag alarm`,
          aurora.globalMember.path,
        );
  }
  return aurora.crossRegionCopyInterval
    ? sum(
        'Writes since the last copy in the secondary',
        term(
          'interval between backup copies',
          aurora.crossRegionCopyInterval.value,
          aurora.crossRegionCopyInterval.source,
          aurora.crossRegionCopyInterval.path,
        ),
      )
    : term('no copy in the secondary region', UNBOUNDED, 'no backup rule with a copy action');
}

function rateLimitingRto(config: DrConfig, evidence: RecoveryEvidence): Estimate {
  const { cache } = evidence;
  const recovery = cache.globalDatastore.value
    ? sum(
        'Global Datastore primary in the secondary',
        ...takeoverStart(evidence),
        cacheActivation(evidence),
        timing('clientReconnect'),
      )
    : sum(
        'Rate limiting restored from the S3 export',
        ...manualStart(evidence),
        term(
          'restore from the newest .rdb (bounded by automation.maxRedisRestore)',
          config.automation.maxRedisRestore.toSeconds(),
          'lib/config/stages.ts automation.maxRedisRestore, enforced by the Redis restore test',
        ),
        timing('clientReconnect'),
      );
  return max('Rate limiting back in the secondary region', dnsPath(evidence), recovery);
}

function rateLimitingRpo(evidence: RecoveryEvidence): Estimate {
  const { cache } = evidence;
  if (cache.globalDatastore.value) {
    return cache.lagAlarm
      ? sum(
          'Counters not yet in the secondary',
          term(
            'GlobalDatastoreReplicationLag alarm threshold: lag beyond it pages',
            cache.lagAlarm.value,
            cache.lagAlarm.source,
            cache.lagAlarm.path,
          ),
        )
      : term(
          'Global Datastore lag: no alarm bounds it',
          UNBOUNDED,
          `${cache.globalDatastore.source} without a lag alarm`,
          cache.globalDatastore.path,
        );
  }
  return sum(
    'Counters since the newest export that reached the secondary',
    cache.exportInterval
      ? term(
          'interval between Redis exports to S3',
          cache.exportInterval.value,
          cache.exportInterval.source,
          cache.exportInterval.path,
        )
      : term('no Redis export schedule', UNBOUNDED, 'no export schedule'),
    cache.backupReplicationTimeControl.value
      ? timing('s3ReplicationTimeControl', 'backup bucket replication with Replication Time Control')
      : term(
          'backup bucket replication without RTC: no bound',
          UNBOUNDED,
          cache.backupReplicationTimeControl.source,
          cache.backupReplicationTimeControl.path,
        ),
  );
}

/** Both regions run their own monitoring; the surviving one sees the other go through its canary. */
function monitoringRto(evidence: RecoveryEvidence): Estimate {
  const probe = evidence.peerProbe.secondary;
  return sum(
    'Surviving region alarms on the lost one',
    probe
      ? alarmDetection('out-of-region canary alarm in the secondary', probe)
      : term('no probe of the primary from the secondary', UNBOUNDED, 'no canary in the secondary'),
  );
}

function monitoringRpo(evidence: RecoveryEvidence): Estimate {
  const probe = evidence.peerProbe.secondary;
  return sum(
    'Gap in what the surviving region records',
    probe
      ? term('one canary period between two data points', probe.value.period, probe.source, probe.path)
      : term('no probe of the primary from the secondary', UNBOUNDED, 'no canary in the secondary'),
  );
}

function docsRto(evidence: RecoveryEvidence): Estimate {
  const failover = evidence.docs.originFailover;
  return sum(
    'CloudFront serves from the replica bucket',
    failover
      ? term(
          'origin failover: connection attempts x timeout on the primary origin',
          failover.value,
          failover.source,
          failover.path,
        )
      : term('no origin group: no failover', UNBOUNDED, 'no CloudFront origin group'),
  );
}

function docsRpo(evidence: RecoveryEvidence): Estimate {
  const rtc = evidence.docs.replicationTimeControl;
  return sum(
    'Pages not yet in the replica bucket',
    rtc.value
      ? timing('s3ReplicationTimeControl', 'docs bucket replication with Replication Time Control')
      : term('docs bucket replication without RTC: no bound', UNBOUNDED, rtc.source, rtc.path),
  );
}

const ESTIMATORS: Readonly<
  Record<
    string,
    { rto(config: DrConfig, evidence: RecoveryEvidence): Estimate; rpo(evidence: RecoveryEvidence): Estimate }
  >
> = {
  'core-api': { rto: coreApiRto, rpo: coreApiRpo },
  'rate-limiting': { rto: rateLimitingRto, rpo: rateLimitingRpo },
  monitoring: { rto: (_config, evidence) => monitoringRto(evidence), rpo: monitoringRpo },
  'docs-site': { rto: (_config, evidence) => docsRto(evidence), rpo: docsRpo },
};

/** The components the model knows; config validation requires an objective for each. */
export const MODELED_COMPONENTS = Object.keys(ESTIMATORS);

/**
 * Models every objective of `config` from the evidence read off its stacks; a service timing the
 * game days measured counts at its measured p95.
 */
export function recoveryModel(
  config: DrConfig,
  evidence: RecoveryEvidence,
  measurements?: Measurements,
): ComponentModel[] {
  return config.objectives.map((objective) => {
    const estimator = ESTIMATORS[objective.component];
    if (!estimator) {
      throw new Error(
        `objectives: the recovery model has no estimate for "${objective.component}"; use one of ${MODELED_COMPONENTS.join(', ')}`,
      );
    }
    return {
      objective,
      rto: assess(calibrate(estimator.rto(config, evidence), measurements), objective.rto.toSeconds()),
      rpo: assess(calibrate(estimator.rpo(evidence), measurements), objective.rpo.toSeconds()),
    };
  });
}

/**
 * Where a finding about `assessment` is reported: the resource behind its largest term that was read
 * from a resource, so the finding (and any acknowledgement) sits on what to change.
 */
export function anchorPath(assessment: Assessment): string | undefined {
  return criticalTerms(assessment.estimate)
    .filter((part) => part.resourcePath !== undefined)
    .sort((a, b) => b.seconds - a.seconds)[0]?.resourcePath;
}

/** The figures of `components` with `verdict` that are reported on the resource at `path`. */
export function figuresAnchoredAt(
  components: readonly ComponentModel[],
  path: string,
  verdict: Verdict,
): { readonly component: ComponentModel; readonly kind: 'rto' | 'rpo' }[] {
  return components.flatMap((component) =>
    (['rto', 'rpo'] as const)
      .filter((kind) => component[kind].verdict === verdict && anchorPath(component[kind]) === path)
      .map((kind) => ({ component, kind })),
  );
}

/**
 * One line on a figure: component, objective, modeled value and its largest terms; what a failed
 * synth prints.
 */
export function explain(component: ComponentModel, kind: 'rto' | 'rpo'): string {
  const assessment = component[kind];
  const terms = largestTerms(assessment.estimate)
    .map((part) => `${part.name} = ${formatSeconds(part.seconds)} [${part.source}]`)
    .join('; ');
  const share = Number.isFinite(assessment.seconds)
    ? `${Math.round((assessment.seconds / assessment.objectiveSeconds) * 100)} % of`
    : 'unbounded against';
  return (
    `${component.objective.name} (${component.objective.component}) ${kind.toUpperCase()}: modeled ` +
    `${formatSeconds(assessment.seconds)}, ${share} the objective of ${formatSeconds(assessment.objectiveSeconds)}. ` +
    `Largest terms: ${terms}`
  );
}
