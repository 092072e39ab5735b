// What a region failover tells its alert topic: the region is active (and how long it took), or activation failed.
import * as sfn from 'aws-cdk-lib/aws-stepfunctions';
import * as tasks from 'aws-cdk-lib/aws-stepfunctions-tasks';
import { ELAPSED_MS, jsonata, type StepContext } from './states';

/** The two endings of a run, each a notice first. */
export interface Notices {
  /** Publishes that the region is active, then succeeds. */
  readonly active: tasks.SnsPublish;
  /** Publishes the error of a failed run, then fails it; every step's catch leads here. */
  readonly failure: tasks.SnsPublish;
}

export function notices(context: StepContext): Notices {
  const { scope, props, region } = context;
  const { stageLabel, alertTopic } = props;
  const activeWhat = props.cache
    ? `The Aurora writer and the cache primary are in ${region}.`
    : `The Aurora writer is in ${region}.`;
  const active = tasks.SnsPublish.jsonata(scope, 'NotifyActive', {
    topic: alertTopic,
    subject: `${stageLabel}: ${region} is active`,
    message: sfn.TaskInput.fromText(
      jsonata(
        `'${stageLabel}: ${region} is active. ${activeWhat} ' & ` +
          `($promoted ? 'Failover took ' & $string($failoverSeconds) & ' s' : 'It already was: nothing was promoted') & ` +
          `' (execution ' & $states.context.Execution.Name & ').'`,
      ),
    ),
  });
  const failure = tasks.SnsPublish.jsonata(scope, 'NotifyFailure', {
    topic: alertTopic,
    subject: `${stageLabel}: activating ${region} FAILED`,
    message: sfn.TaskInput.fromText(
      jsonata(
        `'${stageLabel}: activating ${region} failed after ' & $string($round(${ELAPSED_MS} / 1000)) & ' s: ' & ` +
          `$states.input.Error & ': ' & $states.input.Cause & ' Execution: ' & $states.context.Execution.Id & '. ` +
          `Follow docs/runbooks/region-failover.md to finish by hand.'`,
      ),
    ),
  });
  const failed = sfn.Fail.jsonata(scope, 'Failed', {
    error: 'RegionActivationFailed',
    cause: `${region} was not activated; the critical topic has the error`,
  });
  failure.next(failed);
  active.next(new sfn.Succeed(scope, 'Active'));
  return { active, failure };
}
