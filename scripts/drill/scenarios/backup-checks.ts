// The daily integrity check against a backup that is gone or wrong: the check fails naming it, its metrics reach CloudWatch, and the alarm on them, evaluated from those datapoints, pages its topic.
import { FUNCTIONS, METRIC } from '../../../lib/contract';
import { expectThat, type Check, type Scenario, type ScenarioContext } from '../scenario';
import {
  backupWorld,
  replicate,
  describeEvaluation,
  emittedDimensions,
  jobRecord,
  runIntegrityCheck,
  storedMinimum,
  successRateAlarm,
  type BackupWorld,
} from './backup-checks-facts';

/** The check of the integrity check's report that reads the newest Redis export. */
const EXPORT_CHECK = 'redis-export';

const SIMULATED = [
  "the job handlers (lambda/weekly-backup, lambda/redis-backup, lambda/integrity-check) run in-process with their function's environment as synthesized, every AWS call sent to the drill server; their state machine loop is the runner's (scripts/drill/jobs.ts)",
  "the Aurora writer is moved to the secondary by a SwitchoverGlobalCluster that completes at once, before the backups: the integrity check in the cache primary's region then checks only the Redis exports. moto has no AWS Backup recovery points, so Aurora's checks would fail in every drill world and the alarm could not tell the missing or corrupted export from them",
  "the Redis export as ElastiCache writes it (scripts/drill/moto_drill/elasticache_export.py); its replica in the peer bucket is the drill's CopyObject, as S3 replication would make it (moto does not replicate): of the export, and in backup-corrupted of the overwrite too; a delete is not replicated (S3's default)",
  "the job's EMF log lines become PutMetricData requests as CloudWatch Logs would extract them (scripts/drill/emf.ts)",
  'the alarm is evaluated on request by the drill server from the datapoints stored (scripts/drill/moto_drill/alarm_eval.py: statistic, period, threshold, comparison, DatapointsToAlarm, TreatMissingData); CloudWatch evaluates it on its own schedule, and what SNS then sends is not simulated: the alarm actions are checked to name the topic',
];

/** Runs the check, evaluates the alarm on what it emitted, and returns the checks of one run: `healthy` or not. */
async function checkRun(context: ScenarioContext, world: BackupWorld, healthy: boolean, when: string) {
  const integrity = await runIntegrityCheck(context, world.region);
  const rateDimensions = emittedDimensions(integrity.run, METRIC.backupSuccessRate);
  const checkDimensions = emittedDimensions(integrity.run, METRIC.backupCheckPassed, EXPORT_CHECK);
  if (!rateDimensions || !checkDimensions) {
    throw new Error(`${FUNCTIONS.integrityCheck.service} emitted no metrics ${when}: ${integrity.detail}`);
  }
  const alarm = successRateAlarm(context, world.region, rateDimensions);
  const [rate, passed, [evaluation]] = await Promise.all([
    storedMinimum(context, world.region, METRIC.backupSuccessRate, rateDimensions),
    storedMinimum(context, world.region, METRIC.backupCheckPassed, checkDimensions),
    context.client.evaluateAlarms(world.region, [alarm.name]),
  ]);
  const exportResult = integrity.results.find((result) => result.check === EXPORT_CHECK);
  const dims = (set: { Name: string; Value: string }[]) => set.map((d) => `${d.Name}=${d.Value}`).join(', ');
  const checks: Check[] = [
    healthy
      ? expectThat(
          `${when}, the integrity check passes every check in ${world.region}, ${EXPORT_CHECK} on ${world.exportKey} among them`,
          integrity.report.successRate === 100 && exportResult?.passed === true,
          integrity.detail,
        )
      : expectThat(
          `${when}, the integrity check fails ${EXPORT_CHECK} on s3://${world.bucket}, and reports under 100 % ${METRIC.backupSuccessRate}`,
          (integrity.run.error !== undefined || (integrity.report.successRate ?? 100) < 100) &&
            exportResult?.passed === false &&
            exportResult.resource.startsWith(`s3://${world.bucket}/`),
          integrity.detail,
        ),
    expectThat(
      `${when}, its datapoints reach CloudWatch: ${METRIC.backupCheckPassed} ${healthy ? 1 : 0} for ${EXPORT_CHECK} (${dims(checkDimensions)}), ${METRIC.backupSuccessRate} ${healthy ? '100' : 'under 100'} (${dims(rateDimensions)})`,
      integrity.published > 0 &&
        passed.minimum === (healthy ? 1 : 0) &&
        rate.minimum !== undefined &&
        (healthy ? rate.minimum === 100 : rate.minimum < 100),
      `${integrity.published} published; stored ${METRIC.backupCheckPassed} minimum ${String(passed.minimum)} of ${passed.count}, ${METRIC.backupSuccessRate} minimum ${String(rate.minimum)} of ${rate.count}`,
    ),
    expectThat(
      `${when}, ${alarm.name} (the synthesized alarm on those dimensions) is evaluated from them to ${healthy ? 'OK' : 'ALARM'}`,
      evaluation?.evaluated === true && evaluation.state === (healthy ? 'OK' : 'ALARM'),
      describeEvaluation(evaluation),
    ),
  ];
  if (!healthy) {
    checks.push(
      expectThat(
        `its actions name the SNS topic${alarm.actions.length > 1 ? 's' : ''} the synthesized alarm targets (${alarm.actions.join(', ')}), a topic of ${world.region}: it pages`,
        alarm.actions.length > 0 &&
          alarm.actions.every((action) => alarm.topics.includes(action) && evaluation?.actions?.includes(action)),
        describeEvaluation(evaluation),
      ),
    );
  }
  return { checks, run: integrity.run };
}

/** A scenario: the healthy world checked (the alarm OK), the export damaged by `damage`, checked again (the alarm in ALARM). */
function backupScenario(
  name: string,
  summary: string,
  what: string,
  damage: (context: ScenarioContext, world: BackupWorld) => Promise<void>,
): Scenario {
  return {
    name,
    summary,
    // The Aurora switchover of the world's setup completes at once.
    config: { promotionSeconds: { rds: 0 } },
    async run(context) {
      const world = await backupWorld(context);
      const before = await checkRun(context, world, true, 'with every backup in place');
      await damage(context, world);
      const after = await checkRun(context, world, false, `with ${world.exportKey} ${what}`);
      return {
        checks: [...before.checks, ...after.checks],
        runs: [...world.jobs, before.run, after.run].map(jobRecord),
        simulated: SIMULATED,
      };
    },
  };
}

const backupMissing = backupScenario(
  'backup-missing',
  'The weekly Aurora backup and the Redis export run; the integrity check passes and its alarm evaluates OK. The export is deleted from the backup bucket: the next check fails redis-export with backup_check_passed 0 and backup_success_rate under 100, both stored in CloudWatch, and the synthesized alarm on that metric, evaluated from them, goes to ALARM with the SNS topic the template gives it as action.',
  'deleted from the backup bucket',
  async (context, world) => {
    await context.client.call('s3', world.region, 'DeleteObject', { Bucket: world.bucket, Key: world.exportKey });
  },
);

const backupCorrupted = backupScenario(
  'backup-corrupted',
  'As backup-missing, but the export is overwritten with bytes that are no RDB file, of its size and SSE-S3 as before, and replicated so (only its content tells): the integrity check fails redis-export naming it, and the alarm on backup_success_rate goes to ALARM from the datapoints the check emitted.',
  'overwritten with other bytes of its size',
  async (context, world) => {
    const { ContentLength = 0 } = await context.client.call<{ ContentLength?: number }>(
      's3',
      world.region,
      'HeadObject',
      {
        Bucket: world.bucket,
        Key: world.exportKey,
      },
    );
    await context.client.call('s3', world.region, 'PutObject', {
      Bucket: world.bucket,
      Key: world.exportKey,
      Body: 'x'.repeat(Math.max(ContentLength, 1)),
      ServerSideEncryption: 'AES256',
    });
    // Replication copies the new version too: the replica matches the source, and only the content tells.
    await replicate(context, world);
  },
);

export const BACKUP_CHECK_SCENARIOS: readonly Scenario[] = [backupMissing, backupCorrupted];
