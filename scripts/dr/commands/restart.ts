// dr restart: the orchestrator's rollout restart state machine of the region being recovered into, through the private Kubernetes API (docs/runbooks/rollout-restart.md).
import { stageParameters } from '../../../lib/contract';
import { renderPods, type PodRow } from '../../../lambda/rollout-restart/rollout-restart';
import {
  addCommonOptions,
  checkRegionOfStage,
  chosenRegion,
  EXIT,
  progressFor,
  type CliEnv,
  type CommonOptions,
  type RegisterCommand,
} from '../command-kit';
import { runRecoveryJob } from '../recovery-job';

/** The plan's names: `kubectl rollout restart deployment/orchestrator -n async-toolformer`. */
const TARGET = 'deployment/orchestrator -n async-toolformer';

async function restartCommand(options: CommonOptions & { pods?: boolean }, env: CliEnv): Promise<number> {
  checkRegionOfStage(options);
  const { region, source } = await chosenRegion(options, env);
  const progress = progressFor(options, env);
  const restartedAt = env.now().toISOString();
  progress.note(`rollout restart of ${TARGET} on the ${options.stage} cluster of ${region} (${source})`);
  try {
    const result = await runRecoveryJob(
      { sdk: env.sdk, progress, sleep: (ms) => new Promise((done) => setTimeout(done, ms)), pollMs: env.pollMs },
      {
        command: 'restart',
        region,
        parameter: stageParameters(options.stage).rolloutRestartStateMachineArn,
        stack: 'Compute',
        // The CLI's time, so a retried first step patches the same value and starts one rollout.
        input: { phase: 'start', restartedAt },
        steps: [
          `patch kubectl.kubernetes.io/restartedAt=${restartedAt} on the pod template of ${TARGET} (from inside the VPC of ${region})`,
          'wait until the rollout completes: every replica updated and available, no old pod left',
          'list the pods (kubectl get pods)',
        ],
        runbook: 'docs/runbooks/rollout-restart.md',
      },
      options.dryRun === true,
      env.now(),
    );
    const pods = (result.output?.pods as PodRow[] | undefined) ?? [];
    const text = result.dryRun
      ? 'dry run: nothing was started'
      : `rollout restart of ${TARGET} in ${region} completed (${pods.length} pods):\n${renderPods(pods)}`;
    progress.result({ ...result, region, ...(options.pods ? { pods } : {}) }, text);
    return EXIT.done;
  } finally {
    progress.stop();
  }
}

export const registerRestart: RegisterCommand = (program, env, run) => {
  addCommonOptions(program.command('restart'))
    .description(
      `rollout restart of ${TARGET} in --region through its private Kubernetes API (a state machine there), then the pods`,
    )
    .option('--pods', 'with --json, the pods in the result as well (the text output always shows them)')
    .action(run((options: CommonOptions & { pods?: boolean }) => restartCommand(options, env)));
};
