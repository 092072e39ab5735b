// The GitHub workflows against the app: they parse, pull requests test and diff every stage, and the deploy
// workflow deploys every stack of the app once, each after the stacks it depends on.
import { readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { CloudFormationStackArtifact } from 'aws-cdk-lib/cx-api';
import { load } from 'js-yaml';
import { STAGES, type Stage } from '../../lib/config';
import { synthStage } from '../helpers/synth';

const WORKFLOWS = join(__dirname, '..', '..', '.github', 'workflows');
const SKIP_MESSAGE = 'cdk diff SKIPPED: no AWS role configured (set repository variable AWS_DIFF_ROLE_ARN)';

interface Step {
  readonly name?: string;
  readonly id?: string;
  readonly if?: string;
  readonly uses?: string;
  readonly run?: string;
  readonly with?: Readonly<Record<string, string | number | boolean>>;
  readonly env?: Readonly<Record<string, string>>;
  readonly 'continue-on-error'?: boolean;
}

interface Job {
  readonly name?: string;
  readonly needs?: string | readonly string[];
  readonly environment?: string | { readonly name: string };
  readonly permissions?: Readonly<Record<string, string>>;
  readonly strategy?: { readonly matrix?: Readonly<Record<string, unknown>> };
  readonly env?: Readonly<Record<string, string>>;
  readonly steps: readonly Step[];
}

interface Workflow {
  readonly name: string;
  readonly on: Readonly<Record<string, unknown>>;
  readonly permissions?: Readonly<Record<string, string>>;
  readonly concurrency?: { readonly group: string; readonly 'cancel-in-progress'?: boolean };
  readonly env?: Readonly<Record<string, string>>;
  readonly jobs: Readonly<Record<string, Job>>;
}

function readWorkflow(file: string): Workflow {
  return load(readFileSync(join(WORKFLOWS, file), 'utf8')) as Workflow;
}

/** Words of one shell command line, with surrounding double quotes removed. */
function shellWords(line: string): string[] {
  return line
    .split(/\s+/)
    .filter(Boolean)
    .map((word) => word.replace(/^"(.*)"$/, '$1'));
}

/** The words of the first command line of `step` that runs `npx cdk <command>`, or undefined. */
function cdkCommand(step: Step, command: string): string[] | undefined {
  const line = (step.run ?? '')
    .replace(/\\\n/g, ' ')
    .split('\n')
    .find((candidate) => new RegExp(`\\bnpx cdk ${command}\\b`).test(candidate));
  return line === undefined ? undefined : shellWords(line);
}

/** Values of `-c` / `--context` options. */
function contextValues(words: readonly string[]): string[] {
  return words.flatMap((word, i) => (word === '-c' || word === '--context' ? [words[i + 1] ?? ''] : []));
}

/** Options of `cdk deploy` that take a value; anything else starting with `-` is a flag. */
const VALUE_OPTIONS = new Set(['-c', '--context', '--require-approval', '--concurrency', '--progress', '--method']);

/** The stacks a job's `cdk deploy` names, with the workflow's `$STAGE` replaced by `stage`. */
function deployedStacks(job: Job, stage: Stage): string[] {
  const words = job.steps.map((step) => cdkCommand(step, 'deploy')).find((found) => found !== undefined) ?? [];
  const stacks: string[] = [];
  for (let i = words.indexOf('deploy') + 1; i > 0 && i < words.length; i++) {
    const word = words[i]!;
    if (word.startsWith('-')) {
      if (VALUE_OPTIONS.has(word)) i++;
      continue;
    }
    stacks.push(word.replace(/\$\{?STAGE\}?/g, stage));
  }
  return stacks;
}

const isDeployJob = (job: Job) => job.steps.some((step) => cdkCommand(step, 'deploy') !== undefined);

function needsOf(job: Job): readonly string[] {
  if (job.needs === undefined) return [];
  return typeof job.needs === 'string' ? [job.needs] : job.needs;
}

/** Every job `jobId` waits for, directly or through other jobs. */
function ancestors(workflow: Workflow, jobId: string): Set<string> {
  const seen = new Set<string>();
  const visit = (id: string) => {
    for (const need of needsOf(workflow.jobs[id]!)) {
      if (!seen.has(need)) {
        seen.add(need);
        visit(need);
      }
    }
  };
  visit(jobId);
  return seen;
}

/** The stacks of a stage as `cdk deploy` selects them, and the stacks each one depends on. */
interface StackGraph {
  readonly stacks: readonly string[];
  readonly dependencies: ReadonlyMap<string, readonly string[]>;
}

/**
 * The stack graph of `stage`, read from a synthesized app (without asset bundling, about 2 s a stage).
 * The tree alone is not enough: it holds only the explicit addStackDependency calls, and CDK adds the
 * dependencies that references imply (Automation reads Data, Compute reads Network) only at synthesis.
 */
function stackGraph(stage: Stage): StackGraph {
  const stacks = synthStage(stage).assembly.stacks;
  // The workflow names stacks by the ids `cdk deploy` selects on; here they are the stack names too.
  return {
    stacks: stacks.map((stack) => stack.hierarchicalId),
    dependencies: new Map(
      stacks.map((stack) => [
        stack.hierarchicalId,
        stack.dependencies
          .filter((dependency) => dependency instanceof CloudFormationStackArtifact)
          .map((dependency) => dependency.hierarchicalId),
      ]),
    ),
  };
}

/**
 * What is wrong with the deploy workflow for one stage: stacks no job deploys, stacks deployed twice or
 * unknown to the app, jobs that do not wait for the tests, and stacks whose dependencies a job does not
 * wait for. Within one job `cdk deploy` orders its stacks itself, so only dependencies across jobs count.
 */
function deployOrderProblems(workflow: Workflow, graph: StackGraph, stage: Stage): string[] {
  const problems: string[] = [];
  const jobOf = new Map<string, string>();
  for (const [jobId, job] of Object.entries(workflow.jobs)) {
    if (!isDeployJob(job)) continue;
    if (!ancestors(workflow, jobId).has('test')) problems.push(`${jobId} does not wait for the test job`);
    for (const stack of deployedStacks(job, stage)) {
      if (!graph.dependencies.has(stack)) problems.push(`${jobId} deploys ${stack}, which is not a stack of the app`);
      const earlier = jobOf.get(stack);
      if (earlier) problems.push(`${stack} is deployed by both ${earlier} and ${jobId}`);
      else jobOf.set(stack, jobId);
    }
  }
  for (const stack of graph.stacks) {
    const jobId = jobOf.get(stack);
    if (!jobId) {
      problems.push(`${stack} is deployed by no job`);
      continue;
    }
    const before = ancestors(workflow, jobId);
    for (const dependency of graph.dependencies.get(stack) ?? []) {
      const dependencyJob = jobOf.get(dependency);
      if (dependencyJob && dependencyJob !== jobId && !before.has(dependencyJob)) {
        problems.push(`${stack} (${jobId}) depends on ${dependency}, but ${jobId} does not wait for ${dependencyJob}`);
      }
    }
  }
  return problems;
}

const stepIndex = (job: Job, match: (step: Step) => boolean) => job.steps.findIndex(match);
const runs = (command: string) => (step: Step) => (step.run ?? '').split('\n').some((line) => line.trim() === command);
const usesAction = (action: string) => (step: Step) => (step.uses ?? '').startsWith(`${action}@`);

describe.each(readdirSync(WORKFLOWS).filter((file) => /\.ya?ml$/.test(file)))('%s', (file) => {
  const workflow = readWorkflow(file);

  test('parses as a workflow with a name, triggers and jobs', () => {
    expect(typeof workflow.name).toBe('string');
    expect(Object.keys(workflow.on).length).toBeGreaterThan(0);
    expect(Object.keys(workflow.jobs).length).toBeGreaterThan(0);
  });

  test('grants only read access to contents by default', () => {
    expect(workflow.permissions).toEqual({ contents: 'read' });
  });

  test('pins every action to a full version tag or commit', () => {
    const actions = Object.values(workflow.jobs).flatMap((job) => job.steps.flatMap((step) => step.uses ?? []));
    for (const action of actions.filter((uses) => !uses.startsWith('./'))) {
      expect(action).toMatch(/@(v\d+\.\d+\.\d+|[0-9a-f]{40})$/);
    }
  });
});

describe('pull-request.yml', () => {
  const workflow = readWorkflow('pull-request.yml');
  const { test: testJob, diff } = workflow.jobs;
  const step = (match: (candidate: Step) => boolean) => diff!.steps.find(match);

  test('runs on pull requests', () => {
    expect(workflow.on).toHaveProperty('pull_request');
  });

  test('the test job installs with npm ci, then runs npm test on Node.js 20 and Python 3.11', () => {
    const job = testJob!;
    expect(stepIndex(job, usesAction('actions/checkout'))).toBe(0);
    expect(job.steps.find(usesAction('actions/setup-node'))?.with).toEqual({ 'node-version': 20, cache: 'npm' });
    expect(job.steps.find(usesAction('actions/setup-python'))?.with).toEqual({ 'python-version': '3.11' });
    expect(stepIndex(job, runs('npm ci'))).toBeGreaterThan(0);
    expect(stepIndex(job, runs('npm test'))).toBeGreaterThan(stepIndex(job, runs('npm ci')));
  });

  test('the diff job runs after the tests, once per stage, with an OIDC token and leave to comment', () => {
    const job = diff!;
    expect(needsOf(job)).toContain('test');
    expect([...(job.strategy?.matrix?.stage as string[])].sort()).toEqual([...STAGES].sort());
    expect(job.env).toMatchObject({ STAGE: '${{ matrix.stage }}' });
    expect(job.permissions).toEqual({ contents: 'read', 'id-token': 'write', 'pull-requests': 'write' });
  });

  test('says clearly that cdk diff was skipped when no role is configured, in the log and the job summary', () => {
    const skip = step((candidate) => (candidate.run ?? '').includes('cdk diff SKIPPED'));
    expect(skip?.if?.replace(/\s+/g, ' ')).toBe("vars.AWS_DIFF_ROLE_ARN == ''");
    expect(skip?.run).toContain(SKIP_MESSAGE);
    expect(skip?.run).toContain('::warning');
    expect(skip?.run).toContain('"$GITHUB_STEP_SUMMARY"');
    // The compose step hands the same message to the comment.
    expect(skip?.run).toContain('"$RUNNER_TEMP/cdk-diff-skipped.txt"');
    expect(step(runs('node scripts/pr-comment.mjs "${args[@]}"'))?.run).toContain('cdk-diff-skipped.txt');
  });

  test('assumes the diff role in us-east-1 only when it is configured, and comments when it cannot', () => {
    const credentials = step(usesAction('aws-actions/configure-aws-credentials'));
    expect(credentials?.if).toBe("vars.AWS_DIFF_ROLE_ARN != ''");
    expect(credentials?.id).toBe('aws');
    expect(credentials?.['continue-on-error']).toBe(true);
    expect(credentials?.with).toEqual({ 'role-to-assume': '${{ vars.AWS_DIFF_ROLE_ARN }}', 'aws-region': 'us-east-1' });
  });

  test('diffs every stack of the matrix stage in the configured account, without failing on differences', () => {
    const diffStep = step((candidate) => cdkCommand(candidate, 'diff') !== undefined)!;
    const words = cdkCommand(diffStep, 'diff')!;
    expect(diffStep.if).toBe("steps.aws.outcome == 'success'");
    expect(diffStep.id).toBe('diff');
    expect(diffStep['continue-on-error']).toBe(true);
    expect(diffStep.env).toMatchObject({ AWS_ACCOUNT_ID: '${{ vars.AWS_ACCOUNT_ID }}' });
    expect(words).toContain('--all');
    expect(words).not.toContain('--fail');
    expect(contextValues(words)).toEqual(['stage=$STAGE', 'account=$AWS_ACCOUNT_ID']);
  });

  test('builds the DR readiness report of the stage, and the comment even when the report fails', () => {
    const report = step(runs('npm run report -- --stage "$STAGE"'));
    expect(report?.id).toBe('report');
    expect(report?.['continue-on-error']).toBe(true);
    expect(diff!.steps.indexOf(report!)).toBeGreaterThan(
      stepIndex(diff!, (candidate) => cdkCommand(candidate, 'diff') !== undefined),
    );
  });

  test('posts or updates one comment per stage through scripts/pr-comment.mjs', () => {
    const posting = diff!.steps.filter(
      (candidate) =>
        usesAction('actions/github-script')(candidate) || /gh (pr|issue) comment/.test(candidate.run ?? ''),
    );
    expect(posting).toHaveLength(1);
    const script = String(posting[0]!.with?.script);
    expect(script).toContain('/scripts/pr-comment.mjs');
    expect(script).toContain('upsertComment({ github, context, stage: process.env.STAGE, body })');
    expect(diff!.steps.indexOf(posting[0]!)).toBeGreaterThan(
      stepIndex(diff!, runs('node scripts/pr-comment.mjs "${args[@]}"')),
    );
  });

  test('fails the job after commenting when the credentials, cdk diff or the report failed', () => {
    const last = diff!.steps[diff!.steps.length - 1]!;
    expect(last.if).toBe(
      "steps.aws.outcome == 'failure' || steps.diff.outcome == 'failure' || steps.report.outcome == 'failure'",
    );
    expect(last.run).toMatch(/exit 1\s*$/);
  });
});

describe('deploy.yml', () => {
  const workflow = readWorkflow('deploy.yml');
  const deployJobs = Object.entries(workflow.jobs).filter(([, job]) => isDeployJob(job));

  test('is started by hand for one stage of the app', () => {
    const dispatch = workflow.on.workflow_dispatch as { inputs: { stage: { type: string; options: string[] } } };
    expect(dispatch.inputs.stage.type).toBe('choice');
    expect([...dispatch.inputs.stage.options].sort()).toEqual([...STAGES].sort());
    expect(workflow.env).toEqual({ STAGE: '${{ inputs.stage }}' });
  });

  test('never runs two deploys of one stage at once, and never cancels one mid-deploy', () => {
    expect(workflow.concurrency).toEqual({ group: 'deploy-${{ inputs.stage }}', 'cancel-in-progress': false });
  });

  test('gates every deploy on npm ci and npm test', () => {
    const job = workflow.jobs.test!;
    expect(stepIndex(job, runs('npm test'))).toBeGreaterThan(stepIndex(job, runs('npm ci')));
    expect(stepIndex(job, runs('npm ci'))).toBeGreaterThan(-1);
    for (const [jobId] of deployJobs) expect(ancestors(workflow, jobId)).toContain('test');
  });

  test.each(deployJobs)('%s runs in the stage environment and deploys with the OIDC deploy role', (_jobId, job) => {
    expect(job.environment).toBe('${{ inputs.stage }}');
    expect(job.permissions).toEqual({ contents: 'read', 'id-token': 'write' });
    const credentials = stepIndex(job, usesAction('aws-actions/configure-aws-credentials'));
    const deploy = stepIndex(job, (step) => cdkCommand(step, 'deploy') !== undefined);
    expect(job.steps[credentials]?.with).toMatchObject({
      'role-to-assume': '${{ vars.AWS_DEPLOY_ROLE_ARN }}',
      'aws-region': 'us-east-1',
    });
    expect(stepIndex(job, runs('npm ci'))).toBeLessThan(credentials);
    expect(credentials).toBeLessThan(deploy);
    const words = cdkCommand(job.steps[deploy]!, 'deploy')!;
    expect(words.slice(0, 3)).toEqual(['npx', 'cdk', 'deploy']);
    expect(words).toEqual(expect.arrayContaining(['--exclusively', '--require-approval', 'never']));
    expect(words[words.indexOf('--require-approval') + 1]).toBe('never');
    expect(contextValues(words)).toEqual(['stage=$STAGE', 'account=$AWS_ACCOUNT_ID']);
    expect(job.steps[deploy]!.env).toEqual({ AWS_ACCOUNT_ID: '${{ vars.AWS_ACCOUNT_ID }}' });
  });

  test('has no job outside the stage environment except the test gate', () => {
    const outside = Object.entries(workflow.jobs).filter(([, job]) => job.environment === undefined);
    expect(outside.map(([jobId]) => jobId)).toEqual(['test']);
  });

  test.each(STAGES)('deploys every stack of %s once, each after the stacks it depends on', (stage) => {
    const graph = stackGraph(stage);
    // Sanity: the app has cross-region dependencies, so the check below has something to check.
    expect(graph.dependencies.get(`AsyncToolformer-${stage}-usw2-Data`)).toContain(
      `AsyncToolformer-${stage}-use1-Data`,
    );
    expect(deployOrderProblems(workflow, graph, stage)).toEqual([]);
  });

  describe('the order check', () => {
    const graph = () => stackGraph('prod');
    /** The workflow with `edit` applied to the run of every deploy step. */
    const withDeployRuns = (edit: (run: string, jobId: string) => string): Workflow => ({
      ...workflow,
      jobs: Object.fromEntries(
        Object.entries(workflow.jobs).map(([jobId, job]) => [
          jobId,
          {
            ...job,
            steps: job.steps.map((step) =>
              step.run?.includes('cdk deploy') ? { ...step, run: edit(step.run, jobId) } : step,
            ),
          },
        ]),
      ),
    });
    /** `run` without the stack `AsyncToolformer-$STAGE-<purpose>` and the line continuation before it. */
    const dropStack = (run: string, purpose: string) =>
      run.replace(new RegExp(` \\\\\\n\\s*"AsyncToolformer-\\$STAGE-${purpose}"`), '');

    test('fails when a stack is added to the app and no job deploys it', () => {
      const grown: StackGraph = {
        stacks: [...graph().stacks, 'AsyncToolformer-prod-use1-Search'],
        dependencies: new Map([...graph().dependencies, ['AsyncToolformer-prod-use1-Search', []]]),
      };
      expect(deployOrderProblems(workflow, grown, 'prod')).toEqual([
        'AsyncToolformer-prod-use1-Search is deployed by no job',
      ]);
    });

    test('fails when a job forgets a stack', () => {
      const edited = withDeployRuns((run) => dropStack(run, 'usw2-Automation'));
      expect(deployOrderProblems(edited, graph(), 'prod')).toEqual([
        'AsyncToolformer-prod-usw2-Automation is deployed by no job',
      ]);
    });

    test('fails when the secondary data tier is deployed before the primary global cluster', () => {
      // Move usw2-Data from step 4 to step 2, before step 3 creates the global cluster it joins.
      const edited = withDeployRuns((run, jobId) => {
        if (jobId === 'step-4-secondary-data') return dropStack(run, 'usw2-Data');
        if (jobId === 'step-2-protection') return `${run.trimEnd()} \\\n  "AsyncToolformer-$STAGE-usw2-Data"\n`;
        return run;
      });
      expect(deployOrderProblems(edited, graph(), 'prod')).toEqual([
        'AsyncToolformer-prod-usw2-Data (step-2-protection) depends on AsyncToolformer-prod-use1-Data, but step-2-protection does not wait for step-3-primary-data',
      ]);
    });

    test('fails when a job deploys a stack the app does not have, or one another job deploys', () => {
      const edited = withDeployRuns((run, jobId) =>
        jobId === 'step-7-docs'
          ? `${run.trimEnd()} "AsyncToolformer-$STAGE-use1-Docss" "AsyncToolformer-$STAGE-use1-Data"`
          : run,
      );
      expect(deployOrderProblems(edited, graph(), 'prod')).toEqual([
        'step-7-docs deploys AsyncToolformer-prod-use1-Docss, which is not a stack of the app',
        'AsyncToolformer-prod-use1-Data is deployed by both step-3-primary-data and step-7-docs',
      ]);
    });
  });
});
