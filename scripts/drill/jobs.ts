// The scheduled jobs of a region, run for real: each handler in its own process with its function's environment as synthesized, its AWS calls sent to the drill server.
import { spawn } from 'node:child_process';
import { join } from 'node:path';
import type { FunctionContract } from '../../lib/contract';
import { drillCacheFor } from './drill-cache';
import { PROJECT_ROOT } from './moto-process';
import type { World } from './world';

const RUNNER = join(PROJECT_ROOT, 'scripts', 'drill', 'job-runner.ts');

/** What one run of a job did: the states it went through, and its error when it failed. */
export interface JobRun {
  readonly job: string;
  readonly region: string;
  readonly states: Record<string, unknown>[];
  readonly error?: { name: string; message: string };
  /** The CloudWatch embedded metric format (EMF) objects the handler logged, which Lambda's logs would turn into metrics. */
  readonly emf: Record<string, unknown>[];
}

/** The environment of the function of `contract` in `region`, as the template gives it (tokens resolved in the world). */
export function functionEnvironment(world: World, contract: FunctionContract, region: string): Record<string, string> {
  const deployed = world
    .resources('AWS::Lambda::Function', region)
    .map(({ properties }) => (properties.Environment as { Variables?: Record<string, unknown> } | undefined)?.Variables)
    .filter((variables) => variables?.POWERTOOLS_SERVICE_NAME === contract.service);
  if (deployed.length !== 1) {
    throw new Error(`${region} has ${deployed.length} functions of ${contract.service}; the drill expects one`);
  }
  return Object.fromEntries(Object.entries(deployed[0]!).map(([key, value]) => [key, String(value)]));
}

/**
 * Runs the handler of `contract` from `first` to its last state, as its state machine would, with the
 * function's environment in `region` and what Lambda adds (AWS_REGION, credentials), every AWS call
 * sent to `endpoint`.
 */
export async function runJob(
  world: World,
  endpoint: string,
  contract: FunctionContract,
  region: string,
  first: unknown,
  /** Set over the function's environment: the drill's own settings for this run. */
  overrides: Readonly<Record<string, string>> = {},
): Promise<JobRun> {
  const env: NodeJS.ProcessEnv = {};
  for (const [key, value] of Object.entries(process.env)) if (!key.startsWith('AWS_')) env[key] = value;
  Object.assign(env, functionEnvironment(world, contract, region), {
    AWS_REGION: region,
    AWS_DEFAULT_REGION: region,
    AWS_ACCESS_KEY_ID: 'drill',
    AWS_SECRET_ACCESS_KEY: 'drill',
    AWS_ENDPOINT_URL: endpoint,
    // Lambda's own: the function's name, for the logs and metrics.
    AWS_LAMBDA_FUNCTION_NAME: `${contract.service}-${region}`,
    POWERTOOLS_LOG_LEVEL: 'SILENT',
    // A function that talks to the cache reaches the drill's redis-server, as its VPC would the group's node.
    ...((contract.environment as readonly string[]).includes('CACHE_AUTH_SECRET_NAME')
      ? (await drillCacheFor(world)).env
      : {}),
    ...overrides,
  });
  const output = await new Promise<string>((done, fail) => {
    const child = spawn(
      process.execPath,
      ['--import', 'tsx', RUNNER, join(PROJECT_ROOT, contract.entry), JSON.stringify(first)],
      { cwd: PROJECT_ROOT, env, stdio: ['ignore', 'pipe', 'pipe'] },
    );
    let text = '';
    child.stdout.on('data', (chunk: Buffer) => (text += chunk.toString()));
    child.stderr.on('data', (chunk: Buffer) => (text += chunk.toString()));
    child.on('error', fail);
    child.on('close', () => done(text));
  });
  // The runner's line is its last JSON object with `states`; metrics (EMF) lines come before it.
  const line = output
    .split('\n')
    .reverse()
    .find((candidate) => candidate.startsWith('{"states"'));
  if (!line) throw new Error(`${contract.service} in ${region} printed no result:\n${output.slice(-2000)}`);
  const result = JSON.parse(line) as Omit<JobRun, 'job' | 'region' | 'emf'>;
  const emf = output
    .split('\n')
    .filter((candidate) => candidate.startsWith('{') && candidate.includes('"CloudWatchMetrics"'))
    .map((candidate) => JSON.parse(candidate) as Record<string, unknown>);
  return { job: contract.service, region, ...result, emf };
}
