// The dr CLI's status in the drill: what `dr status` shows before the primary region is lost and after the activation.
import { spawn } from 'node:child_process';
import { join } from 'node:path';
import { PROJECT_ROOT } from '../moto-process';
import { operatorEnvironment } from '../runs';
import { expectEqual, expectThat, type Check, type Scenario, type ScenarioContext } from '../scenario';
import { failoverDeployment, type FailoverDeployment } from './failover-facts';
import { loseAndFailOver, runEnded, simulated } from './failover';

const CLI = join(PROJECT_ROOT, 'scripts', 'dr', 'cli.ts');

interface StatusSection {
  readonly state: 'ok' | 'unknown';
  readonly summary?: string;
  readonly reason?: string;
}

interface StatusRun {
  readonly exitCode: number;
  readonly region?: string;
  readonly regionSource?: string;
  readonly sections: Record<string, StatusSection>;
  readonly unknown: string[];
  readonly stderr: string;
}

/** `dr status --json` as an operator runs it, from the TypeScript source, every call sent to the drill server. */
function drStatus(context: ScenarioContext): Promise<StatusRun> {
  const env = operatorEnvironment(context.endpoint);
  return new Promise((done, fail) => {
    const child = spawn(process.execPath, ['--import', 'tsx', CLI, 'status', '--stage', context.stage, '--json'], {
      cwd: PROJECT_ROOT,
      env,
      stdio: ['ignore', 'pipe', 'pipe'],
    });
    let stdout = '';
    let stderr = '';
    child.stdout.on('data', (chunk: Buffer) => (stdout += chunk.toString()));
    child.stderr.on('data', (chunk: Buffer) => (stderr += chunk.toString()));
    child.on('error', fail);
    child.on('close', (code) => {
      let report: Partial<StatusRun> = {};
      try {
        report = JSON.parse(stdout) as Partial<StatusRun>;
      } catch {
        // No report: the checks below fail on its absence and show stderr.
      }
      done({ exitCode: code ?? 1, sections: {}, unknown: [], ...report, stderr });
    });
  });
}

const summary = (run: StatusRun, section: string) => {
  const found = run.sections[section];
  if (!found) return `missing (${run.stderr.trim() || 'no report'})`;
  return found.state === 'ok' ? (found.summary ?? '') : `UNKNOWN: ${found.reason ?? ''}`;
};

/** What every status run must be: a report, each UNKNOWN with its reason, exit 1 exactly when any is UNKNOWN. */
function wellFormed(run: StatusRun, when: string): Check[] {
  const unknownWithoutReason = Object.entries(run.sections).filter(
    ([, section]) => section.state === 'unknown' && !section.reason,
  );
  return [
    expectThat(
      `${when}: dr status prints every section`,
      Object.keys(run.sections).length === 10,
      `${Object.keys(run.sections).join(', ') || run.stderr}`,
    ),
    expectThat(
      `${when}: every UNKNOWN section says why`,
      unknownWithoutReason.length === 0,
      unknownWithoutReason.map(([name]) => name).join(', ') || 'all have reasons',
    ),
    expectEqual(
      `${when}: the exit status is 1 exactly when a section is UNKNOWN`,
      run.exitCode,
      run.unknown.length > 0 ? 1 : 0,
    ),
  ];
}

function tiers(run: StatusRun, deployment: FailoverDeployment, region: string, when: string): Check[] {
  const checks = [
    expectEqual(`${when}: dr status reads from ${region}`, run.region, region),
    expectThat(
      `${when}: the writer is in ${region}`,
      summary(run, 'writer').startsWith(`${region} `),
      summary(run, 'writer'),
    ),
  ];
  if (deployment.datastoreId) {
    checks.push(
      expectThat(
        `${when}: the cache primary is in ${region}`,
        summary(run, 'cachePrimary').startsWith(`${region} `),
        summary(run, 'cachePrimary'),
      ),
    );
  }
  return checks;
}

const statusAcrossRegionLoss: Scenario = {
  name: 'status-region-loss',
  summary:
    'dr status, with no --region, reads from the region that is up: before the loss, the primary holds the writer and the cache primary and the fence is not raised; after the primary is lost and failover-region.sh activates the secondary, it reads from the secondary (the lost region does not answer), which holds the writer and its detached cache, the fence raised; the only requests it signs for the lost region are its probe of the active-region parameter and one read of the old writer’s lag, which shows UNKNOWN; every UNKNOWN section says why, and the exit status is 1 exactly when one is.',
  async run(context) {
    const deployment = await failoverDeployment(context);
    const before = await drStatus(context);
    const { lostAt, run } = await loseAndFailOver(context, deployment);
    const since = (await context.client.state()).nowMs;
    const after = await drStatus(context);
    const lostCalls = (await context.client.requests(Math.max(since, lostAt))).filter(
      (call) => call.region === deployment.primary,
    );
    const describe = (calls: typeof lostCalls) =>
      calls.map((call) => `${call.service} ${call.action}`).join(', ') || 'none';
    // The probe of the active-region parameter, and the lag of the old writer, which the global
    // cluster still lists as a secondary and whose lag only its own region publishes: one attempt each.
    const expected = (call: (typeof lostCalls)[number]) =>
      (call.service === 'ssm' && call.action === 'GetParameter') ||
      (call.service === 'monitoring' && call.action === 'GetMetricData');
    const checks = [
      ...wellFormed(before, 'before the loss'),
      ...tiers(before, deployment, deployment.primary, 'before the loss'),
      expectThat(
        'before the loss: the DNS fence is not raised',
        !summary(before, 'fence').startsWith('raised'),
        summary(before, 'fence'),
      ),
      runEnded(run, 'SUCCEEDED', 'the activation'),
      ...wellFormed(after, 'after the activation'),
      ...tiers(after, deployment, deployment.secondary, 'after the activation'),
      expectThat(
        `after the activation: the region is ${deployment.secondary} because ${deployment.primary} did not answer`,
        (after.regionSource ?? '').includes(`as ${deployment.secondary} reads it`),
        after.regionSource ?? after.stderr,
      ),
      expectThat(
        'after the activation: the DNS fence is raised',
        summary(after, 'fence').startsWith('raised'),
        summary(after, 'fence'),
      ),
      expectThat(
        `after the activation: dr status signs for ${deployment.primary} only its probe of the active-region parameter and one read of that region's lag`,
        lostCalls.every(expected) &&
          lostCalls.filter((call) => call.service === 'ssm').length === 1 &&
          lostCalls.filter((call) => call.service === 'monitoring').length <= 1,
        describe(lostCalls),
      ),
      expectThat(
        `after the activation: the Aurora lag is UNKNOWN, naming ${deployment.primary}, which does not answer`,
        summary(after, 'auroraLag').startsWith('UNKNOWN: ') && summary(after, 'auroraLag').includes(deployment.primary),
        summary(after, 'auroraLag'),
      ),
    ];
    return { checks, runs: [run], simulated: simulated(deployment) };
  },
};

export const OPERATOR_STATUS_SCENARIOS: readonly Scenario[] = [statusAcrossRegionLoss];
