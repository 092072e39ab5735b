// checkov over every template of the real CLI synth of both stages, offline: no failed check, and every skip on its resource with a reason.
import { spawn } from 'node:child_process';
import { existsSync, mkdtempSync, readdirSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { App, Stack, type CfnResource } from 'aws-cdk-lib';
import * as sns from 'aws-cdk-lib/aws-sns';
import { Construct } from 'constructs';
import { STAGES } from '../../lib/config';
import { MIN_SKIP_REASON_LENGTH, skipCheckov } from '../../lib/nag/checkov';
import { testAssemblyDir } from '../helpers/synth';

const root = resolve(__dirname, '../..');
const checkov = join(root, '.venv-checkov', 'bin', 'checkov');
const FIXTURES = join(root, 'test', 'fixtures');

/** What the gate reads of one check in checkov's JSON report. */
interface CheckResult {
  readonly check_id: string;
  readonly check_name: string;
  readonly file_abs_path: string;
  /** `<type>.<logical id>`, for example `AWS::S3::Bucket.AccessLogs247031D9`. */
  readonly resource: string;
  readonly check_result: { readonly result: string; readonly suppress_comment?: string };
}

interface CheckovReport {
  readonly failed: readonly CheckResult[];
  readonly skipped: readonly CheckResult[];
  readonly passed: number;
  readonly parsingErrors: readonly string[];
  readonly resourceCount: number;
}

/**
 * Runs the pinned checkov once over `files`, offline: `--skip-download` and BC_SKIP_MAPPING keep it
 * from calling the Prisma Cloud platform for policies and guideline links, and
 * CKV_SKIP_PACKAGE_UPDATE_CHECK from asking PyPI for a newer version. It runs in an empty working
 * and home directory with no inherited environment, so no `.checkov.yaml` and no `CKV_*` variable
 * (CKV_SKIP_CHECK, CKV_SOFT_FAIL, ...) can skip checks outside the templates. A checkov that is
 * missing, crashes or prints no report is a failure, never a pass.
 */
function runCheckov(files: readonly string[]): Promise<CheckovReport> {
  if (!existsSync(checkov)) {
    return Promise.reject(
      new Error(
        `checkov is not installed at ${checkov}: run "npm run setup:python". This check cannot pass without it.`,
      ),
    );
  }
  const work = mkdtempSync(join(tmpdir(), 'dr-checkov-'));
  const args = [
    '--framework',
    'cloudformation',
    '--skip-download',
    '--output',
    'json',
    ...files.flatMap((f) => ['--file', f]),
  ];
  return new Promise<CheckovReport>((done, fail) => {
    const child = spawn(checkov, args, {
      cwd: work,
      env: {
        PATH: process.env.PATH ?? '/usr/bin:/bin',
        HOME: work,
        BC_SKIP_MAPPING: 'TRUE',
        CKV_SKIP_PACKAGE_UPDATE_CHECK: 'TRUE',
        PYTHONDONTWRITEBYTECODE: '1',
      },
      stdio: ['ignore', 'pipe', 'pipe'],
    });
    let stdout = '';
    let stderr = '';
    child.stdout.on('data', (chunk: Buffer) => (stdout += chunk.toString()));
    child.stderr.on('data', (chunk: Buffer) => (stderr += chunk.toString()));
    child.on('error', fail);
    child.on('close', (status) => {
      rmSync(work, { recursive: true, force: true });
      // 0: all passed, 1: some failed; anything else is a crash.
      if (status !== 0 && status !== 1) {
        fail(new Error(`checkov exited ${status}:\n${stderr.slice(-4000)}`));
        return;
      }
      try {
        done(parseReport(stdout, status));
      } catch (error) {
        fail(new Error(`checkov printed no readable report (${(error as Error).message}):\n${stderr.slice(-4000)}`));
      }
    });
  });
}

/** The single cloudformation report checkov prints for `--framework cloudformation`. */
function parseReport(stdout: string, status: number | null): CheckovReport {
  const parsed = JSON.parse(stdout) as {
    check_type?: string;
    results?: { failed_checks?: CheckResult[]; skipped_checks?: CheckResult[]; parsing_errors?: string[] };
    summary?: { passed: number; failed: number; resource_count: number };
  };
  if (parsed.check_type !== 'cloudformation' || !parsed.results || !parsed.summary) {
    throw new Error(`expected one cloudformation report, got: ${stdout.slice(0, 300)}`);
  }
  const failed = parsed.results.failed_checks ?? [];
  if ((status === 1) !== failed.length > 0)
    throw new Error(`exit status ${status} with ${failed.length} failed checks`);
  return {
    failed,
    skipped: parsed.results.skipped_checks ?? [],
    passed: parsed.summary.passed,
    parsingErrors: parsed.results.parsing_errors ?? [],
    resourceCount: parsed.summary.resource_count,
  };
}

/** `<check id> <template> <logical id> <resource type>`: what a failure or a bad skip needs to be found. */
function describeCheck(check: CheckResult): string {
  const dot = check.resource.lastIndexOf('.');
  const template = check.file_abs_path
    .split('/')
    .pop()
    ?.replace(/\.template\.json$/, '');
  return `${check.check_id} ${template} ${check.resource.slice(dot + 1)} ${check.resource.slice(0, dot)} (${check.check_name})`;
}

/** A skip says why in the template; checkov itself accepts one without a comment and calls it "No comment provided". */
function unexplainedSkips(report: CheckovReport): string[] {
  return report.skipped
    .filter((check) => (check.check_result.suppress_comment ?? '').trim().length < MIN_SKIP_REASON_LENGTH)
    .map((check) => `${describeCheck(check)}: skip reason ${JSON.stringify(check.check_result.suppress_comment)}`);
}

/** The template files of a stage's assembly. */
function templatesOf(stage: (typeof STAGES)[number]): string[] {
  const outdir = testAssemblyDir(stage);
  return readdirSync(outdir)
    .filter((file) => file.endsWith('.template.json'))
    .map((file) => join(outdir, file));
}

// One checkov process over the templates of both stages: its start-up (loading every check) costs
// as much as the scan, so one run is about half the time of two.
let scanned: Promise<CheckovReport>;
beforeAll(() => {
  scanned = runCheckov(STAGES.flatMap(templatesOf));
  scanned.catch(() => undefined); // awaited by the tests; never an unhandled rejection meanwhile
});

describe('checkov over both stages', () => {
  test('reads every template of both stages without a parsing error', async () => {
    const report = await scanned;
    expect(report.parsingErrors).toEqual([]);
    expect(report.resourceCount).toBeGreaterThan(1000);
    expect(report.passed).toBeGreaterThan(1000);
  }, 180_000);

  test('reports no failed check', async () => {
    const report = await scanned;
    expect(report.failed.map(describeCheck).sort()).toEqual([]);
  }, 180_000);

  test('every skip sits on its resource with a specific reason', async () => {
    const report = await scanned;
    expect(unexplainedSkips(report)).toEqual([]);
  }, 180_000);
});

describe('the gate can fail', () => {
  // test/fixtures/checkov-bad.template.json: a function with no DLQ, no reserved concurrency, outside
  // a VPC and with an unencrypted environment. One resource skips the checks for a reason, one
  // without a comment, one under the wrong id, and one not at all.
  let fixture: Promise<CheckovReport>;
  beforeAll(() => {
    fixture = runCheckov([join(FIXTURES, 'checkov-bad.template.json')]);
    fixture.catch(() => undefined);
  });

  test('fails when a resource breaks a check and nothing skips it', async () => {
    const failed = (await fixture).failed.map(describeCheck);
    expect(failed).toEqual(expect.arrayContaining([expect.stringMatching(/^CKV_AWS_116 checkov-bad Unskipped /)]));
  }, 120_000);

  test('fails when the skip names another check', async () => {
    const failed = (await fixture).failed.map(describeCheck);
    expect(failed).toEqual(expect.arrayContaining([expect.stringMatching(/^CKV_AWS_116 checkov-bad WrongId /)]));
  }, 120_000);

  test('fails when the skip gives no reason', async () => {
    const report = await fixture;
    expect(unexplainedSkips(report)).toEqual([
      expect.stringMatching(/^CKV_AWS_116 checkov-bad NoComment AWS::Lambda::Function .*"No comment provided"/),
    ]);
  }, 120_000);

  test('a skip with a reason silences exactly its check on its resource', async () => {
    const report = await fixture;
    expect(report.skipped.map(describeCheck)).toEqual(
      expect.arrayContaining([expect.stringMatching(/^CKV_AWS_116 checkov-bad Skipped /)]),
    );
    expect(report.failed.map(describeCheck)).not.toEqual(
      expect.arrayContaining([expect.stringMatching(/^CKV_AWS_116 checkov-bad Skipped /)]),
    );
    expect(report.failed.map(describeCheck)).toEqual(
      expect.arrayContaining([expect.stringMatching(/^CKV_AWS_115 checkov-bad Skipped /)]),
    );
  }, 120_000);
});

describe('skipCheckov', () => {
  const reason = 'A reason long enough to say why this one resource may break the check.';
  const newTopic = () => new sns.Topic(new Stack(new App(), 'Stack'), 'Topic');

  test('writes the skip into the metadata of the resource, where checkov reads it', () => {
    const topic = newTopic();
    skipCheckov(topic, ['CKV_AWS_26', 'CKV2_AWS_5'], reason);
    expect((topic.node.defaultChild as CfnResource).getMetadata('checkov')).toEqual({
      skip: [
        { id: 'CKV_AWS_26', comment: reason },
        { id: 'CKV2_AWS_5', comment: reason },
      ],
    });
  });

  test('skipping the same check again for the same reason changes nothing', () => {
    const topic = newTopic();
    skipCheckov(topic, 'CKV_AWS_26', reason);
    skipCheckov(topic, 'CKV_AWS_26', reason);
    expect((topic.node.defaultChild as CfnResource).getMetadata('checkov')).toEqual({
      skip: [{ id: 'CKV_AWS_26', comment: reason }],
    });
  });

  test.each([
    ['an id that is not a checkov AWS check', 'AwsSolutions-SNS2', reason, /check id must look like CKV_AWS_115/],
    ['a reason that says nothing', 'CKV_AWS_26', 'not needed', /must say why .*at least 40 characters/],
  ])('fails on %s', (_, id, why, message) => {
    expect(() => skipCheckov(newTopic(), id, why)).toThrow(message);
  });

  test('fails when one check of one resource gets a second reason', () => {
    const topic = newTopic();
    skipCheckov(topic, 'CKV_AWS_26', reason);
    expect(() => skipCheckov(topic, 'CKV_AWS_26', `${reason} Another one.`)).toThrow(
      /already skipped .* another reason/,
    );
  });

  test('fails on a construct that is no CloudFormation resource', () => {
    const stack = new Stack(new App(), 'Stack');
    expect(() => skipCheckov(new Construct(stack, 'Group'), 'CKV_AWS_26', reason)).toThrow(
      /not a CloudFormation resource/,
    );
  });
});
