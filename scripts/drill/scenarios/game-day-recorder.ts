// The recorder of every game day as the drill runs it: inside the run, its Lambda tasks answered by the real handler in its own process (moto_drill/lambda_invoke.py).
import { type FunctionContract } from '../../../lib/contract';
import {
  GAME_DAY_RECORDER,
  GAME_DAY_RESULTS,
  gameDayResultsParameter,
  type GameDayResult,
} from '../../../lib/contract/game-days';
import { functionEnvironment } from '../jobs';
import type { RunRecord } from '../runs';
import { expectThat, type Check, type ScenarioContext } from '../scenario';

/** What every game day scenario runs of the recorder, and how. */
export const RECORDER_IN_THE_RUN =
  "the recorder (lambda/game-day) runs inside the run: its RecordResult invocation is handed to the real handler in its own Node process with its function's environment as synthesized (scripts/drill/moto_drill/lambda_invoke.py), so the machine's Passed? reads the recorder's own verdict";
export /** A queued answer that runs the handler of `contract` on the invocation, with its function's environment in `region`. */
function realInvocation(
  context: ScenarioContext,
  contract: FunctionContract,
  region: string,
  extra: Readonly<Record<string, string>> = {},
): Record<string, unknown> {
  return {
    drillInvoke: {
      entry: contract.entry,
      env: {
        ...functionEnvironment(context.world, contract, region),
        AWS_LAMBDA_FUNCTION_NAME: `${contract.service}-${region}`,
        ...extra,
      },
    },
  };
}

/** Queues `count` answers by the real recorder for the region's next Lambda invocations (a game day's RenderNotices, RecordResult). */
export async function queueRecorder(context: ScenarioContext, region: string, count: number): Promise<void> {
  await queueAnswers(
    context,
    region,
    Array.from({ length: count }, () => realInvocation(context, GAME_DAY_RECORDER, region)),
  );
}

/** Appends `answers` to moto's lambda-simple result queue of `region`, in order. */
export async function queueAnswers(context: ScenarioContext, region: string, answers: Record<string, unknown>[]) {
  const response = await fetch(`${context.endpoint}/moto-api/static/lambda-simple/response`, {
    method: 'POST',
    headers: { 'content-type': 'application/json' },
    body: JSON.stringify({
      account_id: context.world.assembly.stacks[0]!.account,
      region,
      results: answers.map((answer) => JSON.stringify(answer)),
    }),
  });
  if (!response.ok) throw new Error(`moto refused the lambda-simple results: ${response.status}`);
}

/**
 * What the recorder returned to the run (RecordResult's TaskSucceeded, the run's last Lambda task),
 * whether its result.json is in the results bucket, and what the earlier ones rendered.
 */
export async function recorded(
  context: ScenarioContext,
  run: RunRecord,
): Promise<{ result?: GameDayResult; rendered: string[]; checks: Check[] }> {
  const { events } = await context.client.call<{
    events: { type: string; taskSucceededEventDetails?: { resourceType: string; output: string } }[];
  }>('stepfunctions', run.region, 'GetExecutionHistory', { executionArn: run.executionArn, maxResults: 1000 });
  const answers = events
    .filter((event) => event.type === 'TaskSucceeded' && event.taskSucceededEventDetails?.resourceType === 'lambda')
    .map(
      (event) =>
        JSON.parse(event.taskSucceededEventDetails!.output) as {
          Payload?: { result?: GameDayResult; keys?: string[] };
        },
    );
  const answer = answers.pop()?.Payload;
  const rendered = answers.flatMap((earlier) => earlier.Payload?.keys ?? []);
  const { Parameter } = await context.client.call<{ Parameter: { Value: string } }>('ssm', run.region, 'GetParameter', {
    Name: gameDayResultsParameter(context.stage),
  });
  const key = answer?.keys?.find((candidate) => candidate.endsWith(GAME_DAY_RESULTS.json));
  let stored = false;
  if (key) {
    await context.client.call('s3', run.region, 'HeadObject', { Bucket: Parameter.Value, Key: key });
    stored = true;
  }
  return {
    ...(answer?.result ? { result: answer.result } : {}),
    rendered,
    checks: [
      expectThat(
        'the recorder ran inside the run and wrote result.json to the results bucket',
        stored,
        key ?? `no recorder answer in ${run.executionArn}`,
      ),
    ],
  };
}
