// Drill: each game day's state machine end to end in staging (the stage that runs them), each run ending on its own recorder's verdict: database and region moves out and back, the application's recovery jobs and health, the communication test's page and acknowledgement; then the measurements the drill's results give feed the report's measured column.
import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { GetObjectCommand, ListObjectsV2Command, S3Client } from '@aws-sdk/client-s3';
import { GetParameterCommand, SSMClient } from '@aws-sdk/client-ssm';
import { GAME_DAY_SCENARIOS } from '../../scripts/drill/scenarios/game-days';
import { runScenario } from '../../scripts/drill/session';
import { GAME_DAY_RESULTS, gameDayResultsParameter, type GameDayResult } from '../../lib/contract/game-days';
import { loadMeasurements, measurementsOf } from '../../lib/recovery/measurements';
import { renderServiceTimings, serviceTimingRows } from '../../lib/readiness/report';
import { testScenarios, useDrillServer } from './harness';

const TIMEOUT_MS = 90_000;
// Staging, the stage that runs game days: prod's assembly holds none unless its config enables them.
const drill = useDrillServer('staging');
testScenarios(GAME_DAY_SCENARIOS, drill);

test(
  'the measurements of the drill database game day feed the report: modeled and measured side by side, the measured p95 counted',
  async () => {
    // Prepare: a fresh database game day on the drill server, and its result read back as measurements:pull reads it.
    const run = await runScenario(drill.target(), GAME_DAY_SCENARIOS[0]!, {
      stage: drill.stage,
      assembly: drill.assembly(),
    });
    expect(run.passed).toBe(true);
    const region = drill.assembly().stacks.find((stack) => stack.stackName.includes('usw2'))!.region;
    const config = {
      endpoint: drill.target().endpoint,
      region,
      credentials: { accessKeyId: 'drill', secretAccessKey: 'drill' },
    };
    const bucket = (
      await new SSMClient(config).send(new GetParameterCommand({ Name: gameDayResultsParameter(drill.stage) }))
    ).Parameter!.Value!;
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
      JSON.stringify(measurementsOf(results, { stage: drill.stage, source: 'drill', pulledAt: new Date() })),
    );
    // Act
    const measurements = loadMeasurements(drill.stage, file)!;
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
