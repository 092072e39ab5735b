// Publishing against mocked S3 and SNS: both regions' buckets get the page, a lost region never blocks the other, and the notice follows the page.
import { GetObjectCommand, NoSuchKey, PutObjectCommand, S3Client } from '@aws-sdk/client-s3';
import { PublishCommand, SNSClient } from '@aws-sdk/client-sns';
import { mockClient } from 'aws-sdk-client-mock';
import { STATUS_PAGE_OBJECTS } from '../../lib/contract/status-page';
import { SETTINGS, clock } from './fixtures';
import { applyChange, emptyFeed, mergeFeeds, type StatusChange } from './incidents';
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
  const result = await run({ ...deps, regionTimeoutMs: 300 }, { changes: [OPEN] });

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

test('a region back from a loss keeps what the other region published while it was gone', async () => {
  // Prepare: us-east-1's bucket still has the empty feed of before its loss; us-west-2's has the
  // incident its publisher opened meanwhile.
  const before = emptyFeed(SETTINGS.components, new Date('2026-11-28T10:00:00Z'));
  const during = applyChange(
    before,
    { kind: 'operator', status: 'investigating', message: 'Region outage' },
    new Date('2026-11-28T11:00:00Z'),
    SETTINGS,
  ).feed;
  s3Mock.on(GetObjectCommand, { Bucket: OWN }).resolves({ Body: body(JSON.stringify(before)) } as never);
  s3Mock.on(GetObjectCommand, { Bucket: PEER }).resolves({ Body: body(JSON.stringify(during)) } as never);

  // Act: us-east-1 publishes the next change.
  const result = await run(deps, { changes: [{ kind: 'operator', status: 'monitoring', message: 'Recovering' }] });

  // Assess: the incident survives, moved on by the change, in what both buckets get.
  const feed = JSON.parse(result.feed) as { incidents: { id: string; status: string }[] };
  expect(result.readFrom).toBe('us-east-1+us-west-2');
  expect(feed.incidents).toEqual([expect.objectContaining({ id: during.incidents[0]!.id, status: 'monitoring' })]);
});

test('merging keeps each incident in the version that changed last, resolved on a tie', () => {
  const start = emptyFeed(SETTINGS.components, new Date('2026-11-28T10:00:00Z'));
  const opened = applyChange(
    start,
    { kind: 'operator', status: 'investigating', message: 'Slow' },
    new Date('2026-11-28T10:05:00Z'),
    SETTINGS,
  ).feed;
  const resolved = applyChange(
    opened,
    { kind: 'operator', status: 'resolved', message: 'Fixed' },
    new Date('2026-11-28T10:30:00Z'),
    SETTINGS,
  ).feed;

  for (const feeds of [
    [opened, resolved],
    [resolved, opened],
  ] as const) {
    const merged = mergeFeeds(feeds, SETTINGS);
    expect(merged.incidents.map((incident) => incident.status)).toEqual(['resolved']);
    expect(merged.components.every((component) => component.state === 'operational')).toBe(true);
  }
});

test('a read that hangs in the lost region does not hold up the publication', async () => {
  s3Mock.on(GetObjectCommand, { Bucket: OWN }).callsFake(() => new Promise(() => undefined));
  s3Mock
    .on(GetObjectCommand, { Bucket: PEER })
    .resolves({ Body: body(JSON.stringify(emptyFeed(SETTINGS.components, new Date()))) } as never);

  const result = await run({ ...deps, regionTimeoutMs: 300 }, { changes: [OPEN] });

  expect(result.readFrom).toBe('us-west-2');
  expect(result.written).toContain('us-west-2');
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
