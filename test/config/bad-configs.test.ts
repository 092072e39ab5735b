// Every bad configuration of the table gets exactly its report from the config loader's validation, never a crash.
import { ConfigValidationError, loadConfig, validateConfig } from '../../lib/config';
import { BAD_CONFIGS } from './bad-configs.cases';

/** The report `ConfigValidationError` prints for these lines. */
function report(lines: readonly string[]): string {
  const count = `${lines.length} problem${lines.length === 1 ? '' : 's'}`;
  return [`Invalid DR configuration (${count}):`, ...lines.map((line) => `  - ${line}`)].join('\n');
}

test('the table holds at least 60 bad configurations, each named once', () => {
  expect(BAD_CONFIGS.length).toBeGreaterThanOrEqual(60);
  expect(new Set(BAD_CONFIGS.map((bad) => bad.name)).size).toBe(BAD_CONFIGS.length);
});

/** What `run` throws; the test fails when it returns. */
function thrownBy(run: () => unknown): unknown {
  try {
    run();
  } catch (error) {
    return error;
  }
  throw new Error('expected a ConfigValidationError, but nothing was thrown');
}

test.each(BAD_CONFIGS.map((bad) => [bad.name, bad] as const))(
  'fails when given %s, with its exact report',
  (_, bad) => {
    const thrown = thrownBy(() => validateConfig(bad.config));
    expect(thrown).toBeInstanceOf(ConfigValidationError);
    expect((thrown as Error).message).toBe(report(bad.problems));
  },
);

// What `bin/app.ts` hands over from the context: anything a user may type after -c, or put in cdk.json.
test.each([
  [{ stage: 'dev' }, 'stage = "dev": unknown stage; use one of prod, staging (-c stage=...)'],
  [{ stage: '' }, 'stage = "": unknown stage; use one of prod, staging (-c stage=...)'],
  [{ stage: 'PROD' }, 'stage = "PROD": unknown stage; use one of prod, staging (-c stage=...)'],
  [
    { account: '12345' },
    'account = "12345": must be a 12-digit AWS account id; set -c account=... or CDK_DEFAULT_ACCOUNT',
  ],
  [
    { stage: 'staging', account: '1234567890ab' },
    'account = "1234567890ab": must be a 12-digit AWS account id; set -c account=... or CDK_DEFAULT_ACCOUNT',
  ],
])('fails when the loader is given %p, with its exact report', (input, line) => {
  const thrown = thrownBy(() => loadConfig(input));
  expect(thrown).toBeInstanceOf(ConfigValidationError);
  expect((thrown as Error).message).toBe(report([line]));
});
