// Sums along a path, maxima across parallel paths, and the terms that decide a figure.
import { criticalTerms, formatSeconds, largestTerms, max, seconds, sum, term, timing } from '../../lib/recovery';

const detection = term('detection', 30, 'health check');
const dns = sum('dns', detection, term('ttl', 60, 'record'));
const promotion = sum('promotion', term('alarm', 120, 'alarm'), term('failover', 180, 'timing'));

test('a sum adds its parts and a max takes its slowest path', () => {
  expect(seconds(dns)).toBe(90);
  expect(seconds(max('rto', dns, promotion))).toBe(300);
});

test('the critical path follows the slowest branch of every max', () => {
  expect(criticalTerms(max('rto', dns, promotion)).map((part) => part.name)).toEqual(['alarm', 'failover']);
  expect(largestTerms(max('rto', dns, promotion), 1).map((part) => part.name)).toEqual(['failover']);
});

test('an unbounded term makes the figure unbounded', () => {
  const unbounded = sum('rpo', term('no replication', Infinity, 'none'));
  expect(seconds(unbounded)).toBe(Infinity);
  expect(formatSeconds(seconds(unbounded))).toBe('unbounded');
});

test('service timings are cited by id and basis', () => {
  expect(timing('globalDatastorePromotion')).toMatchObject({
    seconds: 60,
    source: 'service timing `globalDatastorePromotion` (documented)',
  });
});

test.each([
  [30, '30 s'],
  [119, '119 s'],
  [240, '4 min'],
  [330, '5.5 min'],
  [7200, '2 h'],
  [87300, '24 h 15 min'],
])('formats %d seconds as %s', (value, text) => {
  expect(formatSeconds(value)).toBe(text);
});
