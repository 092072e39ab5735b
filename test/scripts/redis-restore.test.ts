// Unit tests of the restore's backup selection: newest .rdb across pages, and failures that surface.
import { ListObjectsV2Command, S3Client } from '@aws-sdk/client-s3';
import { mockClient } from 'aws-sdk-client-mock';
import { RestoreError, newestBackup } from '../../scripts/redis/restore';

const s3Mock = mockClient(S3Client);
const s3 = new S3Client({ region: 'us-west-2' });

beforeEach(() => {
  s3Mock.reset();
});

test('picks the newest .rdb over every page, ignoring other keys', async () => {
  // Prepare: the newest .rdb is on the second page, a newer non-.rdb key on the first.
  s3Mock
    .on(ListObjectsV2Command, { ContinuationToken: undefined })
    .resolves({
      IsTruncated: true,
      NextContinuationToken: 'page-2',
      Contents: [
        { Key: 'a-0001.rdb', LastModified: new Date('2026-11-20T02:10:00Z') },
        { Key: 'report.json', LastModified: new Date('2026-11-27T00:00:00Z') },
      ],
    })
    .on(ListObjectsV2Command, { ContinuationToken: 'page-2' })
    .resolves({
      IsTruncated: false,
      Contents: [
        { Key: 'b-0001.rdb', LastModified: new Date('2026-11-26T02:10:00Z') },
        { Key: 'c-0001.rdb', LastModified: new Date('2026-11-25T02:10:00Z') },
      ],
    });
  // Act
  const key = await newestBackup(s3, 'bucket');
  // Assess
  expect(key).toBe('b-0001.rdb');
  expect(s3Mock.commandCalls(ListObjectsV2Command)).toHaveLength(2);
});

test('fails when the bucket holds no .rdb', async () => {
  s3Mock
    .on(ListObjectsV2Command)
    .resolves({ IsTruncated: false, Contents: [{ Key: 'x.txt', LastModified: new Date() }] });
  await expect(newestBackup(s3, 'bucket')).rejects.toThrow(RestoreError);
});

test('fails when the bucket is empty', async () => {
  s3Mock.on(ListObjectsV2Command).resolves({ IsTruncated: false });
  await expect(newestBackup(s3, 'bucket')).rejects.toThrow(/no \.rdb backup in s3:\/\/bucket/);
});

test('access denied on the listing surfaces as a failure', async () => {
  s3Mock.on(ListObjectsV2Command).rejects(Object.assign(new Error('Access Denied'), { name: 'AccessDenied' }));
  await expect(newestBackup(s3, 'bucket')).rejects.toMatchObject({ name: 'AccessDenied' });
});
