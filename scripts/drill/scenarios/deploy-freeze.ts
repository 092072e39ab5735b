// The deploy freeze in the drill: dr freeze on makes the deploy workflow's step and scripts/dr/deploy.ts refuse, naming who and why, and tags the deploy role; off lets them deploy again.
import { spawn } from 'node:child_process';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { load } from 'js-yaml';
import { FREEZE_TAG, freezeParameters } from '../../../lib/contract/deploy-freeze';
import { PROJECT_ROOT } from '../moto-process';
import { operatorEnvironment, type RunRecord, type TimelineEntry } from '../runs';
import { expectEqual, expectThat, type Check, type Scenario, type ScenarioContext } from '../scenario';

const CLI = join(PROJECT_ROOT, 'scripts', 'dr', 'cli.ts');
const DEPLOY = join(PROJECT_ROOT, 'scripts', 'dr', 'deploy.ts');
const REASON = 'drill: repository compromise suspected';

interface CommandRun {
  readonly code: number;
  readonly output: string;
}

/** A command as the operator or the workflow runs it, every AWS call sent to the drill server. */
function runCommand(context: ScenarioContext, command: string, args: readonly string[]): Promise<CommandRun> {
  const env = { ...operatorEnvironment(context.endpoint), STAGE: context.stage };
  return new Promise((done, fail) => {
    const child = spawn(command, [...args], { cwd: PROJECT_ROOT, env, stdio: ['ignore', 'pipe', 'pipe'] });
    let output = '';
    child.stdout.on('data', (chunk: Buffer) => (output += chunk.toString()));
    child.stderr.on('data', (chunk: Buffer) => (output += chunk.toString()));
    child.on('error', fail);
    child.on('close', (code) => done({ code: code ?? 1, output }));
  });
}

const dr = (context: ScenarioContext, ...args: string[]) =>
  runCommand(context, process.execPath, ['--import', 'tsx', CLI, ...args, '--stage', context.stage]);

/** The deploy workflow's own freeze step, read from deploy.yml and run as the runner's bash would. */
function workflowStep(): string {
  const workflow = load(readFileSync(join(PROJECT_ROOT, '.github', 'workflows', 'deploy.yml'), 'utf8')) as {
    jobs: Record<string, { steps: { name?: string; run?: string }[] }>;
  };
  const step = Object.values(workflow.jobs)
    .flatMap((job) => job.steps)
    .find((candidate) => candidate.name === 'Deploy freeze');
  if (!step?.run) throw new Error('deploy.yml has no "Deploy freeze" step');
  return step.run;
}

/** The deploy role the switch lists, created in IAM as the operator created it outside the app. */
async function deployRole(context: ScenarioContext): Promise<string> {
  const names = freezeParameters(context.stage);
  const { Parameter } = await context.client.call<{ Parameter?: { Value?: string } }>(
    'ssm',
    'us-east-1',
    'GetParameter',
    { Name: names.guardedRoles },
  );
  const role = (Parameter?.Value ?? '').split(',')[0];
  if (!role) throw new Error(`${names.guardedRoles} lists no deploy role: is the Alerting stack seeded?`);
  await context.client.call('iam', 'us-east-1', 'CreateRole', {
    RoleName: role,
    AssumeRolePolicyDocument: JSON.stringify({ Version: '2012-10-17', Statement: [] }),
  });
  return role;
}

async function roleFrozen(context: ScenarioContext, role: string): Promise<boolean> {
  const { Tags = [] } = await context.client.call<{ Tags?: { Key: string; Value: string }[] }>(
    'iam',
    'us-east-1',
    'ListRoleTags',
    { RoleName: role },
  );
  return Tags.some((tag) => tag.Key === FREEZE_TAG.key && tag.Value === FREEZE_TAG.value);
}

async function switchStates(context: ScenarioContext): Promise<string[]> {
  const name = freezeParameters(context.stage).freeze;
  return Promise.all(
    ['us-east-1', 'us-west-2'].map(async (region) => {
      const { Parameter } = await context.client.call<{ Parameter?: { Value?: string } }>(
        'ssm',
        region,
        'GetParameter',
        { Name: name },
      );
      return `${region}=${(JSON.parse(Parameter?.Value ?? '{}') as { state?: string }).state ?? 'none'}`;
    }),
  );
}

const deployFreeze: Scenario = {
  name: 'deploy-freeze',
  summary:
    "dr freeze on --reason writes the switch in both regions and tags the deploy role (the guard policy's condition); the deploy workflow's own freeze step (read from deploy.yml) and scripts/dr/deploy.ts then refuse, showing the reason and who set it, and cdk is never run; dr freeze off lifts both, the role is untagged, and the same step and script deploy again (cdk deploy --help).",
  async run(context) {
    const started = Date.now();
    const timeline: TimelineEntry[] = [];
    const mark = (step: string, error?: string) =>
      timeline.push({
        step,
        elapsedSeconds: Math.round((Date.now() - started) / 100) / 10,
        ...(error ? { error } : {}),
      });
    const checks: Check[] = [];
    const step = workflowStep();
    const role = await deployRole(context);

    const on = await dr(context, 'freeze', 'on', '--reason', REASON);
    mark('dr freeze on', on.code === 0 ? undefined : on.output);
    checks.push(
      expectEqual('dr freeze on exits 0', on.code, 0),
      expectEqual('the switch is on in both regions', await switchStates(context), ['us-east-1=on', 'us-west-2=on']),
      expectThat(`the deploy role ${role} carries the freeze tag`, await roleFrozen(context, role), role),
    );

    // The step and the script are independent readers of the switch: run side by side.
    const [refused, script] = await Promise.all([
      runCommand(context, 'bash', ['-c', step]),
      runCommand(context, process.execPath, ['--import', 'tsx', DEPLOY, '--stage', context.stage, '--', '--help']),
    ]);
    mark('workflow freeze step while frozen', refused.code === 0 ? 'not refused' : undefined);
    checks.push(
      expectEqual('while frozen, the workflow step fails the job', refused.code, 1),
      expectThat(
        'the refusal shows the reason and who set it',
        refused.output.includes(REASON) && /set by \S+/.test(refused.output) && refused.output.includes('::error'),
        refused.output.trim().split('\n').slice(0, 2).join(' | '),
      ),
    );
    mark('scripts/dr/deploy.ts while frozen', script.code === 0 ? 'not refused' : undefined);
    checks.push(
      expectEqual('while frozen, scripts/dr/deploy.ts exits 1', script.code, 1),
      expectThat(
        'and never runs cdk',
        script.output.includes('cdk deploy was not run') && script.output.includes(REASON),
        script.output.trim().split('\n').at(-1) ?? '',
      ),
    );

    const off = await dr(context, 'freeze', 'off', '--reason', 'drill: repository restored and verified');
    mark('dr freeze off', off.code === 0 ? undefined : off.output);
    checks.push(
      expectEqual('dr freeze off exits 0', off.code, 0),
      expectEqual('the switch is off in both regions', await switchStates(context), ['us-east-1=off', 'us-west-2=off']),
      expectThat(`the deploy role ${role} no longer carries the freeze tag`, !(await roleFrozen(context, role)), role),
    );
    const [after, allowed] = await Promise.all([
      runCommand(context, 'bash', ['-c', step]),
      runCommand(context, process.execPath, ['--import', 'tsx', DEPLOY, '--stage', context.stage, '--', '--help']),
    ]);
    mark('workflow freeze step and scripts/dr/deploy.ts after the freeze');
    checks.push(
      expectEqual('after the freeze, the workflow step lets the deploy go on', after.code, 0),
      expectThat(
        'and scripts/dr/deploy.ts runs cdk deploy',
        allowed.code === 0 && allowed.output.includes('cdk deploy'),
        `exit ${allowed.code}`,
      ),
    );

    const run: RunRecord = {
      executionArn: 'operator commands (no state machine): dr freeze, the deploy workflow step, scripts/dr/deploy.ts',
      region: 'us-east-1 and us-west-2',
      status: checks.every((check) => check.passed) ? 'SUCCEEDED' : 'FAILED',
      startedBy: `dr freeze on --reason '${REASON}' --stage ${context.stage}`,
      timeline,
      durationSeconds: Math.round((Date.now() - started) / 1000),
      output: refused.output,
    };
    return {
      checks,
      runs: [run],
      simulated: [
        'IAM: the deploy role is created in moto as the operator creates it outside the app; moto stores the tag, and IAM evaluating the guard policy on it is shown by the template test, not here',
        'the runner: the workflow step runs in bash on this machine with the drill credentials, not on GitHub',
        'the page: moto runs no EventBridge rules; the rule from the switch to the high topic is proven by test/stacks/deploy-freeze.test.ts',
      ],
    };
  },
};

export const DEPLOY_FREEZE_SCENARIOS: readonly Scenario[] = [deployFreeze];
