// Measured timings calibrate the model: a measured p95 replaces the service timing it measures, and the report shows both.
import {
  calibrate,
  measurementsOf,
  parseMeasurements,
  percentile,
  seconds,
  sum,
  term,
  timing,
} from '../../lib/recovery';
import type { GameDayResult } from '../../lib/contract/game-days';
import { MEASUREMENTS_FILE, loadMeasurements } from '../../lib/recovery/measurements';

const run = (startedAt: string, switchover: number, succeeded = true): { key: string; result: GameDayResult } => ({
  key: `results/database/${startedAt}-run/result.json`,
  result: {
    gameDay: 'database',
    stage: 'staging',
    region: 'us-west-2',
    execution: 'run',
    startedAt,
    endedAt: startedAt,
    passed: succeeded,
    steps: [
      { name: 'switchover-to-secondary', startedAt: 0, endedAt: switchover * 1000, succeeded, seconds: switchover },
    ],
    checklist: [],
    issues: [],
  },
});
const measurements = measurementsOf(
  [run('2026-11-02T15:00:00Z', 95), run('2026-10-05T15:00:00Z', 140), run('2026-12-07T15:00:00Z', 999, false)],
  {
    stage: 'staging',
    source: 'test',
    pulledAt: new Date('2026-12-08T00:00:00Z'),
  },
);

test('nearest-rank percentiles', () => {
  expect(percentile([3, 1, 2, 4], 50)).toBe(2);
  expect(percentile([3, 1, 2, 4], 95)).toBe(4);
  expect(() => percentile([], 50)).toThrow('a percentile of no samples');
});

test('only successful steps are samples, oldest first, with the newest date and every source run', () => {
  expect(measurements.terms.auroraGlobalFailover).toMatchObject({
    samples: [140, 95],
    p50: 95,
    p95: 140,
    date: '2026-11-02T15:00:00Z',
  });
  expect(measurements.terms.auroraGlobalFailover!.sourceRuns).toHaveLength(2);
});

test('a measured p95 replaces the modeled figure of its term, and leaves every other term alone', () => {
  const modeled = sum('writer', timing('auroraGlobalFailover'), timing('clientReconnect'), term('fixed', 10, 'x'));
  expect(seconds(modeled)).toBe(180 + 30 + 10);
  const calibrated = calibrate(modeled, measurements);
  expect(seconds(calibrated)).toBe(140 + 30 + 10);
  expect(JSON.stringify(calibrated)).toMatch(
    /measured p95 2.3 min of 2 game day run\(s\), newest 2026-11-02 .*modeled 3 min/,
  );
  expect(calibrate(modeled, undefined)).toBe(modeled);
});

test('the committed file is valid and names its source; a file of another stage is not used', () => {
  expect(() => loadMeasurements('staging')).not.toThrow();
  expect(loadMeasurements('prod')).toBeUndefined();
  expect(MEASUREMENTS_FILE).toMatch(/lib\/recovery\/measurements\.json$/);
});

test.each([
  ['not JSON', '{', /is not JSON/],
  ['no terms', '{"stage":"staging"}', /must be an object with stage and terms/],
  ['an unknown term', '{"stage":"staging","terms":{"warpDrive":{}}}', /warpDrive is not a term the game days measure/],
  [
    'a term without samples',
    '{"stage":"staging","terms":{"auroraGlobalFailover":{"samples":[],"p50":1,"p95":1,"date":"x","sourceRuns":[]}}}',
    /needs samples/,
  ],
])('fails on a measurements file with %s', (_name, text, message) => {
  expect(() => parseMeasurements(text)).toThrow(message);
});
