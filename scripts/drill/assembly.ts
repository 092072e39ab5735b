// A stage's cloud assembly for the drill: synthesized when absent or older than the app's sources, then read stack by stack.
import { spawn } from 'node:child_process';
import { existsSync, mkdtempSync, readFileSync, readdirSync, rmSync, statSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { PROJECT_ROOT } from './moto-process';

/** One CloudFormation template of the assembly. */
export interface Template {
  readonly Resources: Record<string, TemplateResource>;
  readonly Outputs?: Record<string, { Value: unknown; Export?: { Name: unknown } }>;
  readonly Conditions?: Record<string, unknown>;
  readonly Mappings?: Record<string, Record<string, Record<string, unknown>>>;
  readonly Parameters?: Record<string, { Default?: unknown }>;
}

export interface TemplateResource {
  readonly Type: string;
  readonly Properties?: Record<string, unknown>;
  readonly DependsOn?: string | string[];
  readonly Condition?: string;
}

/** One stack: where it deploys and its template. */
export interface AssemblyStack {
  readonly stackName: string;
  readonly region: string;
  readonly account: string;
  readonly template: Template;
  /** Stacks this one deploys after. */
  readonly dependencies: readonly string[];
}

/** The stacks of an assembly in deploy order. */
export interface Assembly {
  readonly dir: string;
  readonly stacks: readonly AssemblyStack[];
}

interface Manifest {
  artifacts: Record<
    string,
    {
      type: string;
      environment?: string;
      properties?: { templateFile?: string; stackName?: string };
      dependencies?: string[];
      displayName?: string;
    }
  >;
}

/** Where `npm run drill` keeps the assembly of a stage it synthesized itself. */
export function defaultAssemblyDir(stage: string): string {
  return join(PROJECT_ROOT, 'cdk.out.drill', stage);
}

/** Sources whose change makes an assembly stale. */
const SOURCES = ['bin', 'lib', 'lambda', 'cdk.json', 'package-lock.json'];

function newestMtime(path: string): number {
  if (!existsSync(path)) return 0;
  const stat = statSync(path);
  if (!stat.isDirectory()) return stat.mtimeMs;
  let newest = stat.mtimeMs;
  for (const entry of readdirSync(path)) {
    if (entry === 'node_modules' || entry.endsWith('.test.ts')) continue;
    newest = Math.max(newest, newestMtime(join(path, entry)));
  }
  return newest;
}

/** Whether `dir` holds an assembly at least as new as every source of the app. */
export function isCurrent(dir: string): boolean {
  const manifest = join(dir, 'manifest.json');
  if (!existsSync(manifest)) return false;
  const built = statSync(manifest).mtimeMs;
  return SOURCES.every((source) => newestMtime(join(PROJECT_ROOT, source)) <= built);
}

/**
 * `cdk synth --quiet --no-validation -c stage=<stage> -o <dir>`, offline (no credentials, no CDK
 * settings: an empty HOME), as `npm run synth` runs it; rejects with the CLI's stderr. CDK's built-in
 * template validation is off because cfn-lint checks the same templates (docs/performance.md). The
 * tests' global setup synthesizes with it too.
 */
export function synthesize(stage: string, dir: string): Promise<void> {
  rmSync(dir, { recursive: true, force: true });
  const home = mkdtempSync(join(tmpdir(), `drill-synth-${stage}-`));
  const env: NodeJS.ProcessEnv = { ...process.env, HOME: home };
  for (const key of [
    'AWS_ACCESS_KEY_ID',
    'AWS_SECRET_ACCESS_KEY',
    'AWS_SESSION_TOKEN',
    'AWS_PROFILE',
    'CDK_DEFAULT_ACCOUNT',
  ]) {
    delete env[key];
  }
  const cdk = join(PROJECT_ROOT, 'node_modules', '.bin', 'cdk');
  return new Promise((done, fail) => {
    const child = spawn(cdk, ['synth', '--quiet', '--no-validation', '-c', `stage=${stage}`, '-o', dir], {
      cwd: PROJECT_ROOT,
      env,
      stdio: ['ignore', 'ignore', 'pipe'],
    });
    let stderr = '';
    child.stderr.on('data', (chunk: Buffer) => (stderr = (stderr + chunk.toString()).slice(-8000)));
    child.on('error', fail);
    child.on('close', (code) => {
      rmSync(home, { recursive: true, force: true });
      if (code === 0) done();
      else fail(new Error(`cdk synth -c stage=${stage} exited with ${code}:\n${stderr}`));
    });
  });
}

/** Reads the assembly in `dir`: its stacks, dependencies first. */
export function readAssembly(dir: string): Assembly {
  const manifestFile = join(dir, 'manifest.json');
  if (!existsSync(manifestFile)) throw new Error(`${dir} is not a cloud assembly: it has no manifest.json`);
  const manifest = JSON.parse(readFileSync(manifestFile, 'utf8')) as Manifest;
  const byId = new Map<string, AssemblyStack>();
  for (const [id, artifact] of Object.entries(manifest.artifacts)) {
    if (artifact.type !== 'aws:cloudformation:stack' || !artifact.properties?.templateFile) continue;
    const [, account, region] = /^aws:\/\/([^/]+)\/(.+)$/.exec(artifact.environment ?? '') ?? [];
    if (!account || !region) throw new Error(`stack ${id} of ${dir} has no concrete account and region`);
    byId.set(id, {
      stackName: artifact.properties.stackName ?? artifact.displayName ?? id,
      region,
      account,
      template: JSON.parse(readFileSync(join(dir, artifact.properties.templateFile), 'utf8')) as Template,
      dependencies: (artifact.dependencies ?? []).filter((dependency) => !dependency.endsWith('.assets')),
    });
  }
  const ordered: AssemblyStack[] = [];
  const visit = (id: string, path: string[]) => {
    const stack = byId.get(id);
    if (!stack || ordered.includes(stack)) return;
    if (path.includes(id)) throw new Error(`stacks depend on each other in a cycle: ${[...path, id].join(' -> ')}`);
    for (const dependency of stack.dependencies) visit(dependency, [...path, id]);
    ordered.push(stack);
  };
  for (const id of byId.keys()) visit(id, []);
  return { dir, stacks: ordered };
}

/** The assembly of `stage`: `given` as it is, or the drill's own, synthesized first when absent or stale. */
export async function loadAssembly(
  stage: string,
  given: string | undefined,
  log: (line: string) => void,
): Promise<Assembly> {
  if (given) return readAssembly(given);
  const dir = defaultAssemblyDir(stage);
  if (!isCurrent(dir)) {
    log(`synthesizing stage ${stage} into ${dir} (absent or older than the app's sources)`);
    await synthesize(stage, dir);
  }
  return readAssembly(dir);
}
