// `npm run measurements:pull`: reads every game day result of a stage from its results bucket and rewrites the measurements file the report reads.
// Usage: npm run measurements:pull -- --stage staging [--region us-west-2] [--out <file>]
// Exits 0 written, 1 when an AWS call fails (naming it; nothing written), 2 on bad input (before any AWS call).
import { writeFileSync } from 'node:fs';
import { resolve } from 'node:path';
import { STAGES, type Stage } from '../lib/config/types';
import type { GameDayResult } from '../lib/contract/game-days';
import { UsageError, parseCli, runCli } from './lib/cli-args.cjs';
import { regionOption, stageOption } from './lib/stage-options';

export const USAGE = `usage: npm run measurements:pull -- --stage ${STAGES.join('|')} [--region <region>] [--out <file>]
Reads every result.json of the stage's game days (the results bucket named by the SSM parameter
/<prefix>/<stage>/game-days/results-bucket in --region, default the stage's secondary region) and
rewrites --out (default lib/recovery/measurements.json) with each measured term's samples, p50, p95,
date and source runs.
Exit status: 0 written; 1 an AWS call failed, nothing written; 2 bad input, nothing called.`;

/** The command line as options; throws UsageError on bad input. */
export async function parsePullArgs(
  args: readonly string[],
  env: NodeJS.ProcessEnv,
): Promise<{ stage: Stage; region: string; out: string }> {
  const { values } = parseCli({
    args,
    options: { stage: { type: 'string' }, region: { type: 'string' }, out: { type: 'string' } },
  });
  if (values.stage === undefined) throw new UsageError('give --stage: the game days run in staging');
  const stage = stageOption(values.stage);
  // Loaded after the stage is known: the defaults load CDK.
  const { STAGE_DEFAULTS } = await import('../lib/config/stages.js');
  const regions = STAGE_DEFAULTS[stage].regions;
  const secondary = regions.find((region) => region.role === 'secondary')!.region;
  const region = regionOption(
    stage,
    values.region ?? secondary,
    env,
    regions.map((r) => r.region),
  );
  if (values.out !== undefined && values.out.trim() === '') throw new UsageError('--out needs a file');
  const { MEASUREMENTS_FILE } = await import('../lib/recovery/measurements.js');
  return { stage, region, out: resolve(values.out ?? MEASUREMENTS_FILE) };
}

/** An AWS call that failed, named. */
class CallFailed extends Error {}

async function call<T>(name: string, send: () => Promise<T>): Promise<T> {
  try {
    return await send();
  } catch (error) {
    throw new CallFailed(`${name} failed: ${(error as Error).name}: ${(error as Error).message}`);
  }
}

async function main(args: readonly string[]): Promise<number> {
  const { stage, region, out } = await parsePullArgs(args, process.env);
  const [{ S3Client, ListObjectsV2Command, GetObjectCommand }, { SSMClient, GetParameterCommand }, contract, recovery] =
    await Promise.all([
      import('@aws-sdk/client-s3'),
      import('@aws-sdk/client-ssm'),
      import('../lib/contract/game-days.js'),
      import('../lib/recovery/measurements.js'),
    ]);
  const ssm = new SSMClient({ region });
  const s3 = new S3Client({ region, forcePathStyle: true });
  try {
    const parameter = contract.gameDayResultsParameter(stage);
    const bucket = (
      await call(`ssm GetParameter ${parameter}`, () => ssm.send(new GetParameterCommand({ Name: parameter })))
    ).Parameter?.Value;
    if (!bucket) throw new CallFailed(`ssm GetParameter ${parameter} returned no value`);
    const keys: string[] = [];
    let token: string | undefined;
    do {
      const page = await call(`s3 ListObjectsV2 s3://${bucket}/${contract.GAME_DAY_RESULTS.prefix}`, () =>
        s3.send(
          new ListObjectsV2Command({
            Bucket: bucket,
            Prefix: contract.GAME_DAY_RESULTS.prefix,
            ContinuationToken: token,
          }),
        ),
      );
      for (const { Key } of page.Contents ?? [])
        if (Key?.endsWith(`/${contract.GAME_DAY_RESULTS.json}`)) keys.push(Key);
      token = page.IsTruncated ? page.NextContinuationToken : undefined;
    } while (token);
    const results = [];
    for (const key of keys) {
      const object = await call(`s3 GetObject s3://${bucket}/${key}`, () =>
        s3.send(new GetObjectCommand({ Bucket: bucket, Key: key })),
      );
      const text = await object.Body!.transformToString();
      results.push({ key, result: JSON.parse(text) as GameDayResult });
    }
    const measurements = recovery.measurementsOf(results, { stage, source: `s3://${bucket}`, pulledAt: new Date() });
    writeFileSync(out, `${JSON.stringify(measurements, null, 2)}\n`);
    const terms = Object.entries(measurements.terms)
      .map(([id, term]) => `${id} p95 ${term!.p95} s of ${term!.samples.length}`)
      .join('; ');
    console.log(`read ${keys.length} results from s3://${bucket}; wrote ${out}: ${terms || 'no measured term yet'}`);
    return 0;
  } catch (error) {
    if (error instanceof CallFailed) {
      console.error(`measurements:pull: ${error.message}; nothing written`);
      return 1;
    }
    throw error;
  }
}

if (require.main === module) {
  void runCli({ name: 'measurements:pull', usage: USAGE, main: () => main(process.argv.slice(2)) });
}
