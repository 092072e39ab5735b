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
  const peerWhat = props.cache
    ? `The Aurora writer and the cache primary are in ${props.peerRegion} again; the DNS fence is lifted.`
    : `The Aurora writer is in ${props.peerRegion} again; the DNS fence is lifted.`;
  const detached = props.cache
    ? ` & ($count($outcomes[detached = true]) > 0 ? ' The cache was detached from its Global Datastore: rebuild the other region before a failback (docs/runbooks/failover-failback.md).' : '')`
    : '';
  const active = tasks.SnsPublish.jsonata(scope, 'NotifyActive', {
    topic: alertTopic,
    subject: jsonata(
      `$action = 'failback' ? '${stageLabel}: ${props.peerRegion} is active again (failback)' : '${stageLabel}: ${region} is active'`,
    ),
    message: sfn.TaskInput.fromText(
      jsonata(
        `($action = 'failback' ? '${stageLabel}: ${peerWhat} ' : '${stageLabel}: ${region} is active (' & $action & '). ${activeWhat} ') & ` +
          `($promoted ? 'It took ' & $string($failoverSeconds) & ' s' : 'It already was: nothing was moved')${detached} & ` +
          `' (execution ' & $states.context.Execution.Name & ', requested by ' & $requestedBy & ').'`,
      ),
    ),
  });
  const failure = tasks.SnsPublish.jsonata(scope, 'NotifyFailure', {
    topic: alertTopic,
    subject: jsonata(`'${stageLabel}: ' & $string($action) & ' in ${region} FAILED'`),
    message: sfn.TaskInput.fromText(
      jsonata(
        `'${stageLabel}: ' & $string($action) & ' run in ${region} failed after ' & $string($round(${ELAPSED_MS} / 1000)) & ' s: ' & ` +
          `$states.input.Error & ': ' & $states.input.Cause & ' Execution: ' & $states.context.Execution.Id & '. ` +
          `Re-run the same action to complete what is left, or follow docs/runbooks/region-failover.md.'`,
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
