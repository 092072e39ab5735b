// The Aurora restore test proving data: the sentinel job writes its row, a restore of the snapshot is validated step by step, and a missing or corrupted sentinel fails the test and fires the alarm on recovery_test_results.
import { DescribeDBInstancesCommand, RDSClient } from '@aws-sdk/client-rds';
import { CreateSecretCommand, SecretsManagerClient } from '@aws-sdk/client-secrets-manager';
import { GetParameterCommand, SSMClient } from '@aws-sdk/client-ssm';
import {
  AURORA_RESTORE_TEST_INSTANCE_PREFIX,
  FUNCTIONS,
  METRIC,
  METRICS_NAMESPACE,
  RESTORE_TEST_COMPONENTS,
} from '../../../lib/contract';
import { run as writeSentinel } from '../../../lambda/aurora-sentinel/write-sentinel';
import { advance, type ValidationState } from '../../../lambda/restore-validation/restore-steps';
import type { RestoreValidationSettings } from '../../../lambda/restore-validation/validate-restore';
import { recordRestoreTest } from '../../../lambda/shared/job-outcome';
import { createObservability } from '../../../lambda/shared/observability';
import { publishEmf } from '../emf';
import { functionEnvironment } from '../jobs';
import type { RunRecord } from '../runs';
import { expectThat, type Check, type Scenario, type ScenarioContext } from '../scenario';
import {
  DrillDatabase,
  drillClient,
  rdsWithManagedSecrets,
  restoredCluster,
  simulatedBackup,
} from './aurora-restore-test-facts';
import { describeEvaluation, storedMinimum } from './backup-checks-facts';
import { failoverDeployment } from './failover-facts';

const SIMULATED = [
  "the sentinel job (lambda/aurora-sentinel write-sentinel.ts) and the restore validation's steps (lambda/restore-validation restore-steps.ts) run in the drill's process with their functions' environments as synthesized; their RDS, Secrets Manager and SSM calls go to the drill server (moto): the writer lookup, the master secret, the key parameter, the restored cluster and the temporary instance's create, tags, describe and delete",
  "the database's rows: moto's rds-data returns canned results and holds no rows, so the Data API is simulated in the drill layer (scripts/drill/scenarios/aurora-restore-test-facts.ts DrillDatabase): it answers exactly the statements the sentinel code sends, from table row counts and the sentinel row; the snapshot is that database copied at the recovery point",
  "AWS Backup restore testing: moto has no restore jobs, so the drill creates the restored cluster in moto (no instances, under the stage's database key, on the synthesized engine version) and simulates DescribeRestoreJob and PutRestoreValidationResult; the restore job's event starting the state machine is not sent",
  "what moto's RDS lacks: the RDS-managed master secret after ModifyDBCluster(ManageMasterUserPassword) and EnableHttpEndpoint, reflected in DescribeDBClusters",
  "the state machine loop is the scenario's, its Wait states not run (moto makes the cluster and the instance available at once; the timeline counts STEP_INTERVAL per step); a done state with a verdict that did not pass ends the synthesized state machine Failed (its Choice on $.verdict.passed, asserted in test/stacks/automation-stack.test.ts)",
  "the step's recovery_test_results is published as CloudWatch Logs would extract it from the handler's EMF, and the synthesized alarm on it is evaluated by the drill server from the stored datapoints; what SNS then sends is not simulated: the alarm's actions are checked to name the topic",
];

/** The tables of the source database the drill starts with. */
const SOURCE_TABLES: readonly [string, number][] = [
  ['public.jobs', 1200],
  ['public.tool_calls', 5400],
];

type Damage = (restored: DrillDatabase) => void;

/** The synthesized alarm on `recovery_test_results` of the Aurora restore test in `region`. */
function recoveryAlarm(context: ScenarioContext, region: string) {
  const found = context.world
    .resources('AWS::CloudWatch::Alarm', region)
    .filter(
      ({ properties }) =>
        properties.Namespace === METRICS_NAMESPACE &&
        properties.MetricName === METRIC.recoveryTestResults &&
        ((properties.Dimensions as { Name: string; Value: string }[] | undefined) ?? []).some(
          (d) => d.Name === 'component' && d.Value === RESTORE_TEST_COMPONENTS.aurora,
        ),
    );
  if (found.length !== 1) {
    throw new Error(
      `${region} has ${found.length} alarms on ${METRIC.recoveryTestResults} of the Aurora restore test: it runs where the stage runs restore tests (automation.restoreTests); run the drill with --stage staging`,
    );
  }
  const [{ stack, logicalId, properties }] = found as [(typeof found)[number]];
  return {
    name: context.world.physicalId(stack, logicalId),
    dimensions: properties.Dimensions as { Name: string; Value: string }[],
    actions: ((properties.AlarmActions as string[] | undefined) ?? []).map(String),
  };
}

/** Writes the master secret the Data API signs in with, as the Data stack's DatabaseSecret would (the world seeds no secrets). */
async function masterSecret(context: ScenarioContext, region: string, name: string): Promise<void> {
  await drillClient(SecretsManagerClient, context, region)
    .send(new CreateSecretCommand({ Name: name, SecretString: '{"username":"postgres","password":"drill"}' }))
    .catch((error: Error) => {
      if (error.name !== 'ResourceExistsException') throw error;
    });
}

function restoreScenario(
  name: string,
  summary: string,
  damage: Damage | undefined,
  expected: RegExp | undefined,
): Scenario {
  return {
    name,
    summary,
    async run(context) {
      const deployment = await failoverDeployment(context);
      const region = deployment.primary;
      const stage = context.stage;
      // The plan restore-tests in staging only: a stage without restore testing has nothing to drill
      // here, and what holds there is that nothing restores or adds instances in it.
      const plans = context.world.resources('AWS::Backup::RestoreTestingPlan');
      if (plans.length === 0) {
        const validators = context.world
          .resources('AWS::Lambda::Function')
          .filter(({ properties }) => JSON.stringify(properties).includes(FUNCTIONS.restoreValidation.service));
        return {
          checks: [
            expectThat(
              `${stage} runs no Aurora restore test (automation.restoreTests is off): no restore testing plan and no validation function to add instances; the scenario runs with --stage staging`,
              validators.length === 0,
              `${plans.length} restore testing plans, ${validators.length} validation functions`,
            ),
          ],
          runs: [
            {
              executionArn: `drill:aurora-restore-test-${name}-not-deployed`,
              region,
              status: 'SUCCEEDED',
              startedBy: 'nothing: the stage deploys no Aurora restore test',
              timeline: [{ step: 'no restore testing plan in the assembly', elapsedSeconds: 0 }],
              durationSeconds: 0,
            },
          ],
          simulated: [],
        };
      }
      const alarm = recoveryAlarm(context, region);

      // 1. The sentinel job, as its schedule starts it before the backup, on the source database.
      const sentinelEnv = functionEnvironment(context.world, FUNCTIONS.auroraSentinel, region);
      await masterSecret(context, region, sentinelEnv.MASTER_SECRET_NAME!);
      const source = new DrillDatabase(new Map(SOURCE_TABLES));
      const written = await writeSentinel(
        {
          rds: drillClient(RDSClient, context, region),
          data: source.client(),
          secrets: drillClient(SecretsManagerClient, context, region),
          now: () => new Date(),
        },
        {
          stage,
          target: {
            globalClusterIdentifier: sentinelEnv.GLOBAL_CLUSTER_IDENTIFIER!,
            clusterIdentifier: sentinelEnv.CLUSTER_IDENTIFIER!,
            region,
          },
          clusterArn: sentinelEnv.CLUSTER_ARN!,
          secretName: sentinelEnv.MASTER_SECRET_NAME!,
          database: sentinelEnv.DATABASE_NAME!,
        },
      );

      // 2. The snapshot ten minutes later (the orchestrator wrote a few rows meanwhile), and the damage.
      source.tables.set('public.jobs', (source.tables.get('public.jobs') ?? 0) + 7);
      const restored = source.snapshot();
      damage?.(restored);
      const recoveryPointAt = new Date(Date.now() + 10 * 60_000);

      // 3. AWS Backup restores it (a cluster without instances) and the validation runs step by step.
      const env = functionEnvironment(context.world, FUNCTIONS.restoreValidation, region);
      const { Parameter } = await drillClient(SSMClient, context, region).send(
        new GetParameterCommand({ Name: env.DATABASE_KEY_PARAMETER! }),
      );
      const clusterId = `awsbackup-restore-test-${name}`.slice(0, 60);
      const clusterArn = await restoredCluster(context, region, {
        identifier: clusterId,
        keyArn: Parameter?.Value ?? '',
        engineVersion: env.ENGINE_VERSION!,
      });
      const backup = simulatedBackup({
        clusterArn,
        createdAt: new Date(recoveryPointAt.getTime() + 5 * 3_600_000),
        completedAt: new Date(recoveryPointAt.getTime() + 5 * 3_600_000 + 1_320_000),
        recoveryPointAt,
      });
      const rds = rdsWithManagedSecrets(context, region);
      const settings: RestoreValidationSettings = {
        engineVersion: env.ENGINE_VERSION!,
        keyParameter: env.DATABASE_KEY_PARAMETER!,
        maxRestoreSeconds: Number(env.MAX_RESTORE_SECONDS),
        stage,
        instancePrefix: env.INSTANCE_PREFIX!,
        instanceClass: env.INSTANCE_CLASS!,
        tag: { key: env.RESTORE_TAG_KEY!, value: env.RESTORE_TAG_VALUE! },
        protectedClusters: env.PROTECTED_CLUSTERS!.split(','),
        database: env.DATABASE_NAME!,
      };
      const deps = {
        backup: backup.client,
        rds,
        ssm: drillClient(SSMClient, context, region),
        data: restored.client(),
        now: () => new Date(),
      };
      let state: ValidationState = {
        phase: 'start',
        restoreJobId: `drill-${name}`,
        status: 'COMPLETED',
        resourceType: 'Aurora',
      };
      const phases: string[] = [];
      const instances = new Set<string>();
      for (let step = 0; step < 20 && state.phase !== 'done'; step += 1) {
        state = await advance(deps, settings, state);
        phases.push(state.phase);
        if ('instanceId' in state && state.instanceId) instances.add(state.instanceId);
        // No clock to advance: moto makes the cluster and the instance available at once, and the
        // Wait state between steps (STEP_INTERVAL) stands only in the run's timeline below.
      }
      if (state.phase !== 'done' || !state.verdict)
        throw new Error(`the validation did not finish: ${JSON.stringify(state)}`);
      const verdict = state.verdict;

      // 4. Its metric, as the handler records it, reaches CloudWatch; the alarm is evaluated from it.
      const observability = createObservability(FUNCTIONS.restoreValidation, { STAGE: stage, AWS_REGION: region });
      recordRestoreTest(observability, RESTORE_TEST_COMPONENTS.aurora, verdict);
      const emf = observability.metrics.serializeMetrics() as unknown as Record<string, unknown>;
      observability.metrics.clearMetrics();
      const published = await publishEmf(context.client, region, [emf]);
      const stored = await storedMinimum(context, region, METRIC.recoveryTestResults, alarm.dimensions);
      const [evaluation] = await context.client.evaluateAlarms(region, [alarm.name]);
      const { DBInstances = [] } = await drillClient(RDSClient, context, region).send(
        new DescribeDBInstancesCommand({}),
      );
      const left = DBInstances.filter((i) => i.DBInstanceIdentifier?.startsWith(AURORA_RESTORE_TEST_INSTANCE_PREFIX));

      const passing = expected === undefined;
      const databases = new Set([...source.databases, ...restored.databases]);
      const checks: Check[] = [
        expectThat(
          "the sentinel job and the restore test name one database, the same in both functions' synthesized environments",
          databases.size === 1 && sentinelEnv.DATABASE_NAME === env.DATABASE_NAME && databases.has(env.DATABASE_NAME),
          `statements named ${[...databases].map(String).join(', ')}; DATABASE_NAME ${String(sentinelEnv.DATABASE_NAME)} (sentinel), ${String(env.DATABASE_NAME)} (restore test)`,
        ),
        expectThat(
          `the sentinel job writes the row and the counts of ${SOURCE_TABLES.length} tables where the writer is (${region})`,
          written.outcome === 'acted' && Object.keys(written.written?.rowCounts ?? {}).length === SOURCE_TABLES.length,
          `${written.outcome}; ${JSON.stringify(written.written ?? {})}`,
        ),
        passing
          ? expectThat(
              'the restore test passes and names what it compared: the sentinel and every table',
              verdict.passed && (verdict.compared ?? []).length === 1 + SOURCE_TABLES.length,
              verdict.detail,
            )
          : expectThat(
              `the restore test fails: ${String(expected)}`,
              !verdict.passed && expected.test(verdict.detail),
              verdict.detail,
            ),
        expectThat(
          `AWS Backup is told ${passing ? 'SUCCESSFUL' : 'FAILED'}, once, after the temporary instance is gone`,
          backup.record.verdicts.length === 1 &&
            backup.record.verdicts[0]!.status === (passing ? 'SUCCESSFUL' : 'FAILED') &&
            instances.size === 1 &&
            left.length === 0,
          `verdicts ${JSON.stringify(backup.record.verdicts)}; instance ${[...instances].join(', ')}; left: ${left.map((i) => i.DBInstanceIdentifier).join(', ') || 'none'}; steps ${phases.join(' → ')}`,
        ),
        expectThat(
          `${METRIC.recoveryTestResults} ${passing ? 1 : 0} reaches CloudWatch with the alarm's dimensions`,
          published > 0 && stored.minimum === (passing ? 1 : 0),
          `${published} published; stored minimum ${String(stored.minimum)} of ${stored.count}`,
        ),
        expectThat(
          `${alarm.name} (the synthesized alarm) is evaluated from it to ${passing ? 'OK' : 'ALARM'}${passing ? '' : ', its actions naming its topic'}`,
          evaluation?.evaluated === true &&
            evaluation.state === (passing ? 'OK' : 'ALARM') &&
            (passing || (alarm.actions.length > 0 && alarm.actions.every((a) => evaluation.actions?.includes(a)))),
          describeEvaluation(evaluation),
        ),
      ];
      const record: RunRecord = {
        executionArn: `drill-job-runner:aurora-restore-test-${name}`,
        region,
        status: verdict.passed ? 'SUCCEEDED' : 'FAILED',
        ...(verdict.passed ? {} : { error: 'CheckFailed', cause: verdict.detail }),
        startedBy: 'the drill, as the Restore Job State Change rule would start the validation',
        timeline: phases.map((phase, index) => ({ step: phase, elapsedSeconds: index * 120 })),
        durationSeconds: phases.length * 120,
      };
      return { checks, runs: [record], simulated: SIMULATED };
    },
  };
}

export const AURORA_RESTORE_TEST_SCENARIOS: readonly Scenario[] = [
  restoreScenario(
    'aurora-restore-test-pass',
    'The sentinel job writes its row and the row counts on the writer; the snapshot taken ten minutes later is restored without instances; the validation adds a tagged instance and a managed master secret, reads the sentinel and every table back within tolerance, deletes the instance, reports SUCCESSFUL, and recovery_test_results 1 keeps the alarm OK. (Staging: the stage that runs restore tests.)',
    undefined,
    undefined,
  ),
  restoreScenario(
    'aurora-restore-test-sentinel-missing',
    'As aurora-restore-test-pass, but the restored copy has no sentinel table: the test fails naming it, the instance is still deleted, FAILED is reported, and recovery_test_results 0 puts the synthesized alarm in ALARM.',
    (restored) => {
      restored.hasSentinelTable = false;
      restored.sentinel = undefined;
    },
    /sentinel missing from the restored copy/,
  ),
  restoreScenario(
    'aurora-restore-test-sentinel-corrupted',
    "As aurora-restore-test-pass, but the restored sentinel's checksum is corrupted: the test fails on the checksum, FAILED is reported, and the alarm on recovery_test_results goes to ALARM.",
    (restored) => {
      // One hex digit changed: the row is there and well formed, only its checksum is wrong.
      const sentinel = restored.sentinel;
      if (sentinel) sentinel.checksum = `${sentinel.checksum.startsWith('a') ? 'b' : 'a'}${sentinel.checksum.slice(1)}`;
    },
    /sentinel checksum mismatch/,
  ),
];
