// The handler reads its settings at cold start and refuses to load without them.
const COMPLETE = {
  AWS_REGION: 'us-east-1',
  STAGE: 'prod',
  MODE_PARAMETER_NAME: '/async-toolformer/prod/rate-limiter/mode',
  REPLICATION_GROUP_ID: 'async-toolformer-prod-use1',
  ALERT_TOPIC_ARN: 'arn:aws:sns:us-east-1:123456789012:async-toolformer-prod-alerts-high',
};

const saved = { ...process.env };
afterEach(() => {
  process.env = { ...saved };
  jest.resetModules();
});

test('loads when every setting is present', () => {
  Object.assign(process.env, COMPLETE);
  expect(() => jest.requireActual('./handler')).not.toThrow();
});

test.each(Object.keys(COMPLETE))('fails at cold start when %s is missing', (variable) => {
  Object.assign(process.env, COMPLETE);
  delete process.env[variable];
  // Matched by message: resetModules loads a fresh copy of the error class with each require.
  expect(() => jest.requireActual('./handler')).toThrow(`environment variable ${variable} is not set`);
});
