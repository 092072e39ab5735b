// Drill: each game day's state machine end to end in staging (the stage that runs them), each run ending on its own recorder's verdict: database and region moves out and back, the application's recovery jobs and health, the communication test's page and acknowledgement; then the measurements the drill's results give feed the report's measured column.
import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { GetObjectCommand, ListObjectsV2Command, S3Client } from '@aws-sdk/client-s3';
import { GetParameterCommand, SSMClient } from '@aws-sdk/client-ssm';
import { readAssembly, type Assembly } from '../../scripts/drill/assembly';
import { startDrillServer, type DrillServer } from '../../scripts/drill/drill-server';
import { GAME_DAY_SCENARIOS } from '../../scripts/drill/scenarios/game-days';
import { DEFAULT_TIME_SCALE, runScenario } from '../../scripts/drill/session';
import { GAME_DAY_RESULTS, gameDayResultsParameter, type GameDayResult } from '../../lib/contract/game-days';
import { loadMeasurements, measurementsOf } from '../../lib/recovery/measurements';
import { renderServiceTimings, serviceTimingRows } from '../../lib/readiness/report';
import { testAssemblyDir } from '../helpers/global-setup';

const STAGE = 'staging';
const TIMEOUT_MS = 90_000;
let assembly: Assembly;
let server: DrillServer;

beforeAll(async () => {
  assembly = readAssembly(testAssemblyDir(STAGE));
  server = await startDrillServer({ account: assembly.stacks[0].account, timeScale: DEFAULT_TIME_SCALE });
}, TIMEOUT_MS);
afterAll(async () => server?.stop());

const target = () => ({ client: server.client, endpoint: server.process.endpoint });

/** As the harness's testScenarios, in staging: prod's assembly (the harness's) holds no game day unless enabled. */
function testScenarios(scenarios: typeof GAME_DAY_SCENARIOS): void {
  test.each(scenarios.map((scenario) => [scenario.name, scenario] as const))(
    '%s',
    async (_name, scenario) => {
      const result = await runScenario(target(), scenario, { stage: STAGE, assembly });
      expect({ error: result.error, failed: result.checks.filter((check) => !check.passed) }).toEqual({
        error: undefined,
        failed: [],
      });
      expect(result.passed).toBe(true);
    },
    TIMEOUT_MS,
  );
}

testScenarios(GAME_DAY_SCENARIOS);

test(
  'the measurements of the drill database game day feed the report: modeled and measured side by side, the measured p95 counted',
  async () => {
    // Prepare: a fresh database game day on the drill server, and its result read back as measurements:pull reads it.
    const run = await runScenario(target(), GAME_DAY_SCENARIOS[0]!, { stage: STAGE, assembly });
    expect(run.passed).toBe(true);
    const region = assembly.stacks.find((stack) => stack.stackName.includes('usw2'))!.region;
    const config = {
      endpoint: server.process.endpoint,
      region,
      credentials: { accessKeyId: 'drill', secretAccessKey: 'drill' },
    };
    const bucket = (await new SSMClient(config).send(new GetParameterCommand({ Name: gameDayResultsParameter(STAGE) })))
      .Parameter!.Value!;
    const s3 = new S3Client({ ...config, forcePathStyle: true });
    const { Contents = [] } = await s3.send(
      new ListObjectsV2Command({ Bucket: bucket, Prefix: `${GAME_DAY_RESULTS.prefix}database/` }),
    );
    const results = [];
    for (const { Key } of Contents.filter((object) => object.Key!.endsWith(GAME_DAY_RESULTS.json))) {
      const object = await s3.send(new GetObjectCommand({ Bucket: bucket, Key }));
      results.push({ key: Key!, result: JSON.parse(await object.Body!.transformToString()) as GameDayResult });
    }
    const file = join(mkdtempSync(join(tmpdir(), 'drill-measurements-')), 'measurements.json');
    writeFileSync(
      file,
      JSON.stringify(measurementsOf(results, { stage: STAGE, source: 'drill', pulledAt: new Date() })),
    );
    // Act
    const measurements = loadMeasurements(STAGE, file)!;
    const rows = serviceTimingRows(measurements);
    const table = renderServiceTimings(rows, 'drill');
    // Assess
    const aurora = rows.find((row) => row.id === 'auroraGlobalFailover')!;
    expect(aurora.measured?.samples).toBeGreaterThanOrEqual(1);
    expect(aurora.measured?.p95).toBe(measurements.terms.auroraGlobalFailover!.p95);
    expect(table).toMatch(
      /\|`auroraGlobalFailover`\|[^|]+\|3 min\|\d+ s\|\d+ s \(\d+, \d{4}-\d\d-\d\d\)\|\d+ s\|measured\|/,
    );
    expect(table).toMatch(/\|`clientReconnect`\|[^|]+\|30 s\|not measured\|not measured\|30 s\|assumption\|/);
  },
  TIMEOUT_MS,
);
