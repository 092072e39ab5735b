// The six failure paths of the status page publisher, through its handler: the error, StatusPagePublished 0, and no write or notice after a failure.
import { GetObjectCommand, PutObjectCommand, S3Client } from '@aws-sdk/client-s3';
import { PublishCommand, SNSClient } from '@aws-sdk/client-sns';
import { mockClient } from 'aws-sdk-client-mock';
import { PLAN_OBJECTIVES } from '../../lib/config/plan';
import { STATUS_PAGE_ENV, STATUS_PAGE_METRIC, STATUS_PAGE_PUBLISHER } from '../../lib/contract/status-page';
import { awsError, capture, environment, mutatingCalls } from '../../test/helpers/failure-paths';
import type * as HandlerModule from './handler';

const OWN = 'status-use1';
const PEER = 'status-usw2';
const s3 = mockClient(S3Client);
const sns = mockClient(SNSClient);
const stubs = [s3, sns];
const update = { kind: 'operator-update', status: 'investigating', message: 'Slow API responses' };
const written = () =>
  s3.commandCalls(PutObjectCommand).map((call) => `${call.args[0].input.Bucket}/${call.args[0].input.Key}`);

let handler: typeof HandlerModule.handler;
beforeAll(() => {
  Object.assign(
    process.env,
    environment(STATUS_PAGE_PUBLISHER.environment, {
      [STATUS_PAGE_ENV.bucket]: OWN,
      [STATUS_PAGE_ENV.peerBucket]: PEER,
      [STATUS_PAGE_ENV.peerRegion]: 'us-west-2',
      [STATUS_PAGE_ENV.domainName]: 'status.async-toolformer.example.com',
      [STATUS_PAGE_ENV.components]: JSON.stringify(PLAN_OBJECTIVES.map((o) => ({ id: o.component, name: o.name }))),
    }),
  );
  ({ handler } = jest.requireActual<typeof HandlerModule>('./handler'));
});
beforeEach(() => {
  stubs.forEach((stub) => stub.reset());
  s3.on(GetObjectCommand).rejects(awsError('NoSuchKey', 'The specified key does not exist.'));
  s3.on(PutObjectCommand).resolves({});
  sns.on(PublishCommand).resolves({ MessageId: 'm' });
});
afterAll(() => stubs.forEach((stub) => stub.restore()));

describe('failure path: throttling', () => {
  test('fails when both buckets throttle the feed read: no history, StatusPagePublished 0, nothing written or sent', async () => {
    // Prepare
    s3.on(GetObjectCommand).rejects(awsError('SlowDown', 'Please reduce your request rate.'));
    // Act
    const { error, metrics } = await capture(() => handler(update));
    // Assess
    expect(error?.message).toMatch(
      /no status bucket could be read.*us-east-1: Please reduce.*us-west-2: Please reduce/,
    );
    expect(metrics[STATUS_PAGE_METRIC.published]).toEqual([0]);
    expect(mutatingCalls(...stubs)).toEqual([]);
  });
});

describe('failure path: access denied', () => {
  test('fails when neither bucket takes the page: AccessDenied, 0, and no notice for a page nobody can read', async () => {
    s3.on(PutObjectCommand).rejects(awsError('AccessDenied', 'Access Denied'));
    const { error, metrics } = await capture(() => handler(update));
    expect(error?.message).toMatch(
      /the status page reached no bucket: us-east-1: Access Denied; us-west-2: Access Denied/,
    );
    expect(metrics[STATUS_PAGE_METRIC.published]).toEqual([0]);
    expect(sns.commandCalls(PublishCommand)).toHaveLength(0);
  });
});

describe('failure path: missing resource', () => {
  test('fails when both buckets are gone: NoSuchBucket is not an empty page, 0, nothing written', async () => {
    s3.on(GetObjectCommand).rejects(awsError('NoSuchBucket', 'The specified bucket does not exist'));
    const { error, metrics } = await capture(() => handler(update));
    expect(error?.message).toMatch(/no status bucket could be read/);
    expect(metrics[STATUS_PAGE_METRIC.published]).toEqual([0]);
    expect(mutatingCalls(...stubs)).toEqual([]);
  });
});

describe('failure path: empty result', () => {
  test('no feed in either bucket is the first page: it starts one and publishes to both', async () => {
    const { error, result, metrics } = await capture(() => handler(update));
    expect(error).toBeUndefined();
    expect(result).toMatchObject({ readFrom: 'empty', written: ['us-east-1', 'us-west-2'] });
    expect(metrics[STATUS_PAGE_METRIC.published]).toEqual([1]);
  });

  test('an alarm recovering with nothing open changes nothing on the page and sends nothing', async () => {
    const ok = {
      Records: [{ Sns: { Message: JSON.stringify({ AlarmName: 'a', NewStateValue: 'OK', Trigger: {} }) } }],
    };
    const { result } = await capture(() => handler(ok));
    expect(result?.outcomes).toEqual([{ outcome: 'unchanged' }]);
    expect(sns.commandCalls(PublishCommand)).toHaveLength(0);
  });
});

describe('failure path: malformed input', () => {
  test.each([
    ['not an object', 'hello'],
    ['an unknown detail type', { 'detail-type': 'Object Created', detail: {} }],
    ['an SNS message that is not an alarm', { Records: [{ Sns: { Message: '{' } }] }],
    ['an operator update with an unknown status', { kind: 'operator-update', status: 'fixed', message: 'x' }],
  ])('fails on %s: MalformedEventError, 0, no call at all', async (_what, event) => {
    const { error, metrics } = await capture(() => handler(event));
    expect(error).toBeInstanceOf(Error);
    expect(error?.constructor.name).toBe('MalformedEventError');
    expect(metrics[STATUS_PAGE_METRIC.published]).toEqual([0]);
    expect(s3.calls().length + sns.calls().length).toBe(0);
  });
});

describe('failure path: partial failure', () => {
  test("the lost region's bucket refuses the write: the other region's page and the notice go out, StatusPageFailedWrites 1", async () => {
    s3.on(PutObjectCommand, { Bucket: PEER }).rejects(awsError('ServiceUnavailable', 'us-west-2 is down'));
    const { error, result, metrics } = await capture(() => handler(update));
    expect(error).toBeUndefined();
    expect(result).toMatchObject({
      written: ['us-east-1'],
      failedWrites: [{ region: 'us-west-2', error: 'us-west-2 is down' }],
    });
    expect(written()).toEqual(expect.arrayContaining([`${OWN}/index.html`, `${OWN}/incidents.json`]));
    expect(sns.commandCalls(PublishCommand)).toHaveLength(1);
    expect(metrics[STATUS_PAGE_METRIC.published]).toEqual([1]);
    expect(metrics[STATUS_PAGE_METRIC.failedWrites]).toEqual([1]);
  });
});
