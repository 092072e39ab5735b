// The sentinel's checksum and each way a read-back sentinel or count fails to prove a restore.
import { countTolerance, REDIS_COUNT_TOLERANCE } from '../../lib/contract';
import { compareCounts, describeCount, parseSentinel, sentinelProblem, sentinelValue } from './sentinel';

const AT = new Date('2026-11-29T02:00:00Z');
const written = sentinelValue('staging', AT);

test('the checksum is sha256 of "<stage>|<writtenAt>"', () => {
  expect(written).toEqual({
    writtenAt: '2026-11-29T02:00:00.000Z',
    // echo -n 'staging|2026-11-29T02:00:00.000Z' | sha256sum
    checksum: expect.stringMatching(/^[0-9a-f]{64}$/),
  });
  expect(sentinelValue('prod', AT).checksum).not.toBe(written.checksum);
});

test('the sentinel written before the backup, read back unchanged, proves the restore', () => {
  expect(sentinelProblem('staging', written, JSON.stringify(written))).toBeUndefined();
});

test.each([
  ['missing', null, 'sentinel missing from the restored copy'],
  ['not JSON', 'garbage', /not \{writtenAt, checksum\}/],
  ['without a checksum', JSON.stringify({ writtenAt: written.writtenAt }), /not \{writtenAt, checksum\}/],
  ['with a wrong checksum', JSON.stringify({ ...written, checksum: 'f'.repeat(64) }), /checksum mismatch/],
  ['from another stage', JSON.stringify(sentinelValue('prod', AT)), /checksum mismatch/],
  [
    'an older one (the export predates the run)',
    JSON.stringify(sentinelValue('staging', new Date('2026-11-28T02:00:00Z'))),
    /written at 2026-11-28T02:00:00.000Z, expected the one written at 2026-11-29T02:00:00.000Z/,
  ],
])('a sentinel %s fails the restore', (_name, restored, problem) => {
  expect(sentinelProblem('staging', written, restored)).toEqual(
    problem instanceof RegExp ? expect.stringMatching(problem) : problem,
  );
});

test('parseSentinel accepts only {writtenAt, checksum} strings', () => {
  expect(parseSentinel(JSON.stringify(written))).toEqual(written);
  expect(parseSentinel('null')).toBeUndefined();
  expect(parseSentinel(undefined)).toBeUndefined();
});

test('counts pass within max(10, 1 %) of the source and fail outside it', () => {
  expect(REDIS_COUNT_TOLERANCE).toEqual({ fraction: 0.01, absolute: 10 });
  expect(countTolerance(100)).toBe(10);
  expect(countTolerance(5000)).toBe(50);
  expect(compareCounts('persistent keys', 5000, 4950).within).toBe(true);
  expect(compareCounts('persistent keys', 5000, 4949).within).toBe(false);
  expect(compareCounts('persistent keys', 20, 0).within).toBe(false);
  expect(describeCount(compareCounts('persistent keys', 5000, 4990))).toBe(
    'persistent keys 4990 restored vs 5000 at backup (±50)',
  );
});
