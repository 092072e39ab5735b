// Publishing against mocked S3 and SNS: both regions' buckets get the page, a lost region never blocks the other, and the notice follows the page.
import { GetObjectCommand, NoSuchKey, PutObjectCommand, S3Client } from '@aws-sdk/client-s3';
import { PublishCommand, SNSClient } from '@aws-sdk/client-sns';
import { mockClient } from 'aws-sdk-client-mock';
import { STATUS_PAGE_OBJECTS } from '../../lib/contract/status-page';
import { SETTINGS, clock } from './fixtures';
import { emptyFeed, type StatusChange } from './incidents';
import { PublishFailed, run, type PublishDeps } from './publish';

const s3Mock = mockClient(S3Client);
const snsMock = mockClient(SNSClient);

const OWN = 'status-use1';
const PEER = 'status-usw2';
const TOPIC = 'arn:aws:sns:us-east-1:123456789012:notices';
const deps: PublishDeps = {
  ...SETTINGS,
  buckets: [
    { region: 'us-east-1', name: OWN, s3: new S3Client({ region: 'us-east-1' }) },
    { region: 'us-west-2', name: PEER, s3: new S3Client({ region: 'us-west-2' }) },
  ],
  notices: { sns: new SNSClient({ region: 'us-east-1' }), topicArn: TOPIC },
  now: clock('2026-11-28T13:00:00Z'),
};
const OPEN: StatusChange = { kind: 'operator', status: 'investigating', message: 'Slow API responses' };

/** The part of an S3 body stream the publisher reads. */
function body(text: string) {
  return { transformToString: async () => text };
}

/** The buckets each object went to, in order. */
function puts() {
  return s3Mock.commandCalls(PutObjectCommand).map((call) => `${call.args[0].input.Bucket}/${call.args[0].input.Key}`);
}

beforeEach(() => {
  s3Mock.reset();
  snsMock.reset();
  snsMock.on(PublishCommand).resolves({ MessageId: 'm-1' });
  s3Mock.on(PutObjectCommand).resolves({});
});

test('writes the page and then the feed to both regions, with a short cache lifetime, then sends the notice', async () => {
  // Prepare: no feed yet anywhere.
  s3Mock.on(GetObjectCommand).rejects(new NoSuchKey({ message: 'none', $metadata: {} }));

  // Act
  const result = await run(deps, { changes: [OPEN] });

  // Assess
  expect(result).toMatchObject({ written: ['us-east-1', 'us-west-2'], failedWrites: [], readFrom: 'empty' });
  expect(puts().sort()).toEqual(
    [OWN, PEER]
      .flatMap((bucket) => [`${bucket}/${STATUS_PAGE_OBJECTS.page}`, `${bucket}/${STATUS_PAGE_OBJECTS.feed}`])
      .sort(),
  );
  for (const call of s3Mock.commandCalls(PutObjectCommand)) {
    expect(call.args[0].input.CacheControl).toBe('public, max-age=30');
  }
  const [publish] = snsMock.commandCalls(PublishCommand);
  expect(publish?.args[0].input).toMatchObject({
    TopicArn: TOPIC,
    Message: expect.stringContaining('Slow API responses'),
  });
});

test("a failed write to the lost region does not block the surviving region's page or the notice", async () => {
  // Prepare: the peer region's S3 is gone (reads and writes fail), ours has the feed.
  s3Mock
    .on(GetObjectCommand, { Bucket: OWN })
    .resolves({ Body: body(JSON.stringify(emptyFeed(SETTINGS.components, new Date()))) } as never);
  s3Mock.on(GetObjectCommand, { Bucket: PEER }).rejects(new Error('connect ETIMEDOUT'));
  s3Mock.on(PutObjectCommand, { Bucket: PEER }).rejects(new Error('connect ETIMEDOUT'));

  // Act
  const result = await run(deps, { changes: [OPEN] });

  // Assess
  expect(result.written).toEqual(['us-east-1']);
  expect(result.failedWrites).toEqual([{ region: 'us-west-2', error: 'connect ETIMEDOUT' }]);
  expect(puts()).toEqual(expect.arrayContaining([`${OWN}/index.html`, `${OWN}/incidents.json`]));
  expect(snsMock.commandCalls(PublishCommand)).toHaveLength(1);
});

test("a lost region's write that hangs times out, and the surviving region's page and the notice do not wait for it", async () => {
  // Prepare
  s3Mock.on(GetObjectCommand).rejects(new NoSuchKey({ message: 'none', $metadata: {} }));
  s3Mock.on(PutObjectCommand, { Bucket: PEER }).callsFake(() => new Promise(() => undefined));
  let sentBeforeTimeout = false;
  const started = Date.now();
  snsMock.on(PublishCommand).callsFake(() => {
    sentBeforeTimeout = Date.now() - started < 200;
    return { MessageId: 'm-2' };
  });

  // Act
  const result = await run({ ...deps, writeTimeoutMs: 300 }, { changes: [OPEN] });

  // Assess
  expect(result.written).toEqual(['us-east-1']);
  expect(result.failedWrites).toEqual([{ region: 'us-west-2', error: 'us-west-2 took longer than 300 ms' }]);
  expect(sentBeforeTimeout).toBe(true);
});

test('reads the history from the other region when its own bucket cannot be read', async () => {
  // Prepare: our own region's S3 fails; the peer has a feed.
  s3Mock.on(GetObjectCommand, { Bucket: OWN }).rejects(new Error('503 Slow Down'));
  s3Mock
    .on(GetObjectCommand, { Bucket: PEER })
    .resolves({ Body: body(JSON.stringify(emptyFeed(SETTINGS.components, new Date()))) } as never);

  const result = await run(deps, { changes: [OPEN] });

  expect(result.readFrom).toBe('us-west-2');
});

test('fails when no bucket can be read, rather than starting the history again', async () => {
  s3Mock.on(GetObjectCommand).rejects(new Error('AccessDenied'));

  await expect(run(deps, { changes: [OPEN] })).rejects.toThrow(
    'no status bucket could be read, so the history is unknown: us-east-1: AccessDenied; us-west-2: AccessDenied',
  );
  expect(puts()).toEqual([]);
  expect(snsMock.commandCalls(PublishCommand)).toHaveLength(0);
});

test('fails when no bucket takes the page, and sends no notice', async () => {
  s3Mock.on(GetObjectCommand).rejects(new NoSuchKey({ message: 'none', $metadata: {} }));
  s3Mock.on(PutObjectCommand).rejects(new Error('AccessDenied'));

  await expect(run(deps, { changes: [OPEN] })).rejects.toThrow(PublishFailed);
  expect(snsMock.commandCalls(PublishCommand)).toHaveLength(0);
});

test('a dry run renders but writes and sends nothing', async () => {
  s3Mock.on(GetObjectCommand).rejects(new NoSuchKey({ message: 'none', $metadata: {} }));

  const result = await run(deps, { changes: [OPEN], dryRun: true });

  expect(result.page).toContain('Slow API responses');
  expect(result.notices).toHaveLength(1);
  expect(puts()).toEqual([]);
  expect(snsMock.commandCalls(PublishCommand)).toHaveLength(0);
});

test('no change (the refresh after a first deploy) writes the operational page to both regions and sends nothing', async () => {
  s3Mock.on(GetObjectCommand).rejects(new NoSuchKey({ message: 'none', $metadata: {} }));

  const result = await run(deps, { changes: [] });

  expect(result.written).toEqual(['us-east-1', 'us-west-2']);
  expect(result.page).toContain('All systems operational');
  expect(snsMock.commandCalls(PublishCommand)).toHaveLength(0);
});
