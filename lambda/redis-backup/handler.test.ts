// The step handlers refuse malformed states from Step Functions before calling AWS.
import { parseState as parseRedisState } from './handler';
import { parseState as parseAuroraState } from '../weekly-backup/handler';

beforeAll(() => {
  Object.assign(process.env, {
    STAGE: 'prod',
    AWS_REGION: 'us-east-1',
    POWERTOOLS_LOG_LEVEL: 'SILENT',
  });
});

jest.mock('../shared/env', () => ({
  requireEnv: (name: string) => `value-of-${name}`,
  readEnvironment: (contract: { environment: string[] }) =>
    Object.fromEntries(contract.environment.map((name) => [name, `value-of-${name}`])),
  requirePositiveInteger: () => 3600,
}));

test.each([
  null,
  'start',
  { phase: 'start' },
  { phase: 'later', kind: 'daily' },
  { phase: 'exporting', kind: 'daily' },
])('fails when the Redis backup state is malformed (%p)', (event) => {
  expect(() => parseRedisState(event)).toThrow(/malformed scheduled event/);
});

test('accepts the start state and an in-flight state', () => {
  expect(parseRedisState({ phase: 'start', kind: 'weekly' })).toEqual({ phase: 'start', kind: 'weekly' });
  const inFlight = { phase: 'exporting', kind: 'daily', snapshotName: 's', exportName: 'e' };
  expect(parseRedisState(inFlight)).toEqual(inFlight);
});

test.each([null, [], { phase: 'snapshotting' }, { phase: 'naming-latest', snapshotIdentifier: 's' }])(
  'fails when the weekly Aurora state is malformed (%p)',
  (event) => {
    expect(() => parseAuroraState(event)).toThrow(/malformed scheduled event/);
  },
);
