// The repository mirror and deploy workflows against the app: the mirror bundles every ref daily into the buckets and role the stacks name, and every deploy job checks the freeze before cdk deploy.
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { load } from 'js-yaml';
import { loadConfig, STAGES } from '../../lib/config';
import { regionCode, repoMirrorBucketName, repoMirrorRoleName } from '../../lib/naming';

interface Step {
  readonly name?: string;
  readonly uses?: string;
  readonly run?: string;
  readonly with?: Readonly<Record<string, string | number>>;
}
interface Job {
  readonly permissions?: Readonly<Record<string, string>>;
  readonly strategy?: { readonly matrix?: { readonly stage?: readonly string[] } };
  readonly env?: Readonly<Record<string, string>>;
  readonly steps: readonly Step[];
}
interface Workflow {
  readonly on: { readonly schedule?: readonly { cron: string }[] };
  readonly permissions?: Readonly<Record<string, string>>;
  readonly jobs: Readonly<Record<string, Job>>;
}

const read = (file: string) =>
  load(readFileSync(join(__dirname, '..', '..', '.github', 'workflows', file), 'utf8')) as Workflow;
const mirror = read('repo-mirror.yml');
const job = mirror.jobs.mirror!;
const ACCOUNT = '123456789012';

/** A shell template of the workflow with its variables filled in. */
function fill(template: string, values: Record<string, string>): string {
  return template.replace(/\$\{\{ ?(?:vars|matrix)\.(\w+) ?\}\}|\$\{(\w+)\}/g, (_, a?: string, b?: string) => {
    const key = (a ?? b)!;
    const value = values[key];
    if (value === undefined) throw new Error(`no value for ${key} in ${template}`);
    return value;
  });
}

test('runs daily and on demand, and only its job may ask for an OIDC token', () => {
  expect(mirror.on.schedule).toEqual([{ cron: expect.stringMatching(/^\d+ \d+ \* \* \*$/) as unknown }]);
  expect(mirror.permissions).toEqual({ contents: 'read' });
  expect(job.permissions).toEqual({ contents: 'read', 'id-token': 'write' });
  expect(job.strategy?.matrix?.stage).toEqual([...STAGES]);
});

test('bundles every ref of a mirror clone and verifies the bundle before any upload', () => {
  const bundle = job.steps.find((step) => step.name === 'Bundle every ref')!.run!;
  expect(bundle).toContain('clone --quiet --mirror');
  expect(bundle).toMatch(/bundle create "\$RUNNER_TEMP\/repo.bundle" --all/);
  expect(bundle).toMatch(/bundle verify "\$RUNNER_TEMP\/repo.bundle"/);
  expect(bundle).toContain('BUNDLE_KEY=bundles/');
  const names = job.steps.map((step) => step.name ?? step.uses);
  expect(names.indexOf('Bundle every ref')).toBeLessThan(names.indexOf('Upload to every region'));
});

test.each(STAGES)('%s: assumes the role and writes the buckets the stacks create, with a checksum', (stage) => {
  const config = loadConfig({ stage, account: ACCOUNT });
  const credentials = job.steps.find((step) => step.uses?.startsWith('aws-actions/configure-aws-credentials'))!;
  expect(fill(String(credentials.with!['role-to-assume']), { AWS_ACCOUNT_ID: ACCOUNT, stage })).toBe(
    `arn:aws:iam::${ACCOUNT}:role/${repoMirrorRoleName(config)}`,
  );
  const upload = job.steps.find((step) => step.name === 'Upload to every region')!.run!;
  const target = /"(s3:\/\/[^"]+)\/\$\{BUNDLE_KEY\}"/.exec(upload)![1]!;
  const pairs = job.env!.MIRROR_REGIONS!.split(' ').map((pair) => pair.split(':') as [string, string]);
  expect(pairs.map(([, region]) => region)).toEqual(config.regions.map((region) => region.region));
  for (const [code, region] of pairs) {
    expect(code).toBe(regionCode(region));
    const bucket = fill(target, { STAGE: stage, AWS_ACCOUNT_ID: ACCOUNT, code });
    expect(bucket).toBe(
      `s3://${repoMirrorBucketName(
        config,
        config.regions.find((each) => each.region === region)!,
      )}`,
    );
  }
  expect(upload).toContain('--checksum-algorithm SHA256');
});

test('every deploy job reads the deploy freeze after its credentials and before its cdk deploy', () => {
  const deploy = read('deploy.yml');
  const deployJobs = Object.entries(deploy.jobs).filter(([, each]) =>
    each.steps.some((step) => /\bnpx cdk deploy\b/.test(step.run ?? '')),
  );
  expect(deployJobs.length).toBeGreaterThanOrEqual(7);
  for (const [id, each] of deployJobs) {
    const at = (test: (step: Step) => boolean) => each.steps.findIndex(test);
    const credentials = at((step) => step.uses?.startsWith('aws-actions/configure-aws-credentials') === true);
    const freeze = at((step) => step.name === 'Deploy freeze');
    const cdk = at((step) => /\bnpx cdk deploy\b/.test(step.run ?? ''));
    expect({ id, order: credentials < freeze && freeze < cdk }).toEqual({ id, order: true });
    expect(each.steps[freeze]!.run).toMatch(/npm run -s dr -- freeze check --stage "\$STAGE" \|\|/);
  }
});
