// Shared by the backup functions: timestamps in generated names, and the newest exported .rdb of a bucket.
import { paginateListObjectsV2, type S3Client, type _Object } from '@aws-sdk/client-s3';

/** `20261126-0200` for 2026-11-26T02:00Z: sortable, and valid in snapshot and group names. */
export function nameStamp(date: Date): string {
  return date.toISOString().replace(/[-:]/g, '').slice(0, 13).replace('T', '-');
}

/** The newest `.rdb` under `prefix` in `bucket`, over every page of the listing. */
export async function newestRdb(s3: S3Client, bucket: string, prefix: string): Promise<_Object | undefined> {
  const objects: _Object[] = [];
  for await (const page of paginateListObjectsV2({ client: s3 }, { Bucket: bucket, Prefix: prefix })) {
    objects.push(...(page.Contents ?? []).filter((object) => object.Key?.endsWith('.rdb')));
  }
  // LastModified has whole seconds; export names carry their timestamp, so the key breaks ties.
  return objects.sort(
    (a, b) =>
      (b.LastModified?.getTime() ?? 0) - (a.LastModified?.getTime() ?? 0) || (b.Key ?? '').localeCompare(a.Key ?? ''),
  )[0];
}
