// The cache warm-up, one step per invocation: pin and check the manifest, then load its keys batch by batch into the region's cache primary.
import { GetObjectCommand, type S3Client } from '@aws-sdk/client-s3';
import type { SecretsManagerClient } from '@aws-sdk/client-secrets-manager';
import type { ElastiCacheClient } from '@aws-sdk/client-elasticache';
import { WARM_UP_LIMITS, WARM_UP_MANIFEST } from '../../lib/contract';
import { cacheAuthToken, primaryEndpoint } from '../shared/cache-session';
import { MalformedEventError } from '../shared/scheduled-event';
import type { BatchConnector, BatchWrite } from './batch-session';
import { ManifestError, parseManifest, parseSource, type WarmUpEntry, type WarmUpManifest } from './manifest';

export interface WarmUpDeps {
  readonly s3: S3Client;
  readonly elasticache: ElastiCacheClient;
  readonly secrets: SecretsManagerClient;
  readonly cache: BatchConnector;
}

export interface WarmUpSettings {
  readonly bucket: string;
  readonly replicationGroupId: string;
  readonly authTokenSecretName: string;
  /** Keys per pipeline. */
  readonly batchSize: number;
  /** Keys one invocation loads before it hands back to the state machine. */
  readonly keysPerStep: number;
}

/** An S3 object pinned to the version the run started from. */
export interface PinnedObject {
  readonly key: string;
  readonly versionId: string;
}

/** The first state: which manifest (default {@link WARM_UP_MANIFEST.defaultKey}, its current version). */
export interface StartState {
  readonly phase: 'start';
  readonly manifestKey?: string;
  readonly versionId?: string;
}

/** Where the load stands: part 0 is the manifest's inline entries, part i its source i-1. */
export interface LoadingState {
  readonly phase: 'loading' | 'done';
  readonly manifest: PinnedObject;
  readonly sources: readonly PinnedObject[];
  readonly total: number;
  readonly cursor: { readonly part: number; readonly offset: number };
  /** Keys SET so far. */
  readonly written: number;
  /** Keys already present and left as they were (a manifest with `overwrite: false`). */
  readonly kept: number;
  /** Keys this step wrote or kept: the step's `cache_warm_up_keys_loaded`. */
  readonly stepLoaded: number;
  readonly verdict?: { readonly passed: boolean; readonly detail: string };
}

export type WarmUpState = StartState | LoadingState;

/** The manifest names no key at all: a run that would warm nothing is a failed run, not a success. */
export class EmptyManifestError extends Error {
  override name = 'EmptyManifestError';
}

/** The group has no primary endpoint (it is being created, modified or replaced). */
export class CacheNotReadyError extends Error {
  override name = 'CacheNotReadyError';
}

/** Keys of a batch the node refused; the others of the batch stand, and a re-run writes them all again. */
export class WarmUpFailedError extends Error {
  override name = 'WarmUpFailedError';
  constructor(
    readonly failed: readonly { key: string; error: string }[],
    readonly loaded: number,
  ) {
    const readOnly = failed.some((item) => item.error.startsWith('READONLY'));
    super(
      `${failed.length} key(s) refused by the cache (${failed
        .slice(0, 5)
        .map((item) => `${item.key}: ${item.error}`)
        .join('; ')})` +
        (readOnly
          ? '; the group is a read-only Global Datastore secondary: warm the region that holds the cache primary'
          : '; the other keys of the step were written, and a re-run of the same manifest version writes every key again'),
    );
  }
}

/** An object's text, read at `versionId` (or its current version, which is returned). */
async function readObject(
  s3: S3Client,
  bucket: string,
  key: string,
  versionId?: string,
): Promise<{ text: string; versionId: string }> {
  const answer = await s3.send(
    new GetObjectCommand({ Bucket: bucket, Key: key, ...(versionId ? { VersionId: versionId } : {}) }),
  );
  if ((answer.ContentLength ?? 0) > WARM_UP_LIMITS.maxObjectBytes)
    throw new ManifestError(`s3://${bucket}/${key}`, `larger than ${WARM_UP_LIMITS.maxObjectBytes} bytes`);
  const version = answer.VersionId ?? versionId;
  // A manifest that is not versioned could change under a run that has loaded half of it.
  if (!version || version === 'null')
    throw new ManifestError(`s3://${bucket}/${key}`, 'has no version id: the manifest bucket must be versioned');
  const text = (await answer.Body?.transformToString('utf8')) ?? '';
  return { text, versionId: version };
}

/** The entries of `part`, read at the versions the run pinned. */
async function partEntries(
  deps: WarmUpDeps,
  settings: WarmUpSettings,
  state: LoadingState,
  manifest: WarmUpManifest,
  part: number,
): Promise<readonly WarmUpEntry[]> {
  if (part === 0) return manifest.entries;
  const source = state.sources[part - 1]!;
  const { text } = await readObject(deps.s3, settings.bucket, source.key, source.versionId);
  return parseSource(text, `s3://${settings.bucket}/${source.key}`);
}

/** Checks the state Step Functions hands in; anything else is refused before AWS is called. */
export function parseWarmUpState(event: unknown): WarmUpState {
  const state = event as Record<string, unknown> | null;
  if (typeof state !== 'object' || state === null)
    throw new MalformedEventError(`expected a warm-up state, got ${JSON.stringify(event)}`);
  if (state.phase === 'start') {
    const key = state.manifestKey;
    if (key !== undefined && (typeof key !== 'string' || !key.startsWith(WARM_UP_MANIFEST.prefix) || key.endsWith('/')))
      throw new MalformedEventError(
        `manifestKey must be an object key under ${WARM_UP_MANIFEST.prefix}, got ${JSON.stringify(key)}`,
      );
    if (state.versionId !== undefined && (typeof state.versionId !== 'string' || state.versionId === ''))
      throw new MalformedEventError(`versionId must be a non-empty string, got ${JSON.stringify(state.versionId)}`);
    return state as unknown as StartState;
  }
  if (state.phase !== 'loading')
    throw new MalformedEventError(`phase must be start or loading, got ${JSON.stringify(state.phase)}`);
  const manifest = state.manifest as Partial<PinnedObject> | undefined;
  const cursor = state.cursor as { part?: unknown; offset?: unknown } | undefined;
  if (
    typeof manifest?.key !== 'string' ||
    typeof manifest.versionId !== 'string' ||
    !Array.isArray(state.sources) ||
    typeof state.total !== 'number' ||
    !Number.isInteger(cursor?.part) ||
    !Number.isInteger(cursor?.offset) ||
    typeof state.written !== 'number' ||
    typeof state.kept !== 'number'
  )
    throw new MalformedEventError(
      `a loading state needs manifest, sources, total, cursor, written and kept: ${JSON.stringify(event)}`,
    );
  return state as unknown as LoadingState;
}

/** Pins the manifest and every source, and checks them all: a bad line anywhere fails before any key is written. */
async function start(deps: WarmUpDeps, settings: WarmUpSettings, state: StartState): Promise<LoadingState> {
  const key = state.manifestKey ?? WARM_UP_MANIFEST.defaultKey;
  const read = await readObject(deps.s3, settings.bucket, key, state.versionId);
  const manifest = parseManifest(read.text, `s3://${settings.bucket}/${key}`);
  const sources: PinnedObject[] = [];
  let total = manifest.entries.length;
  for (const source of manifest.sources) {
    const object = await readObject(deps.s3, settings.bucket, source);
    total += parseSource(object.text, `s3://${settings.bucket}/${source}`).length;
    sources.push({ key: source, versionId: object.versionId });
  }
  if (total === 0)
    throw new EmptyManifestError(
      `s3://${settings.bucket}/${key} (version ${read.versionId}) names no key: nothing to warm`,
    );
  return {
    phase: 'loading',
    manifest: { key, versionId: read.versionId },
    sources,
    total,
    cursor: { part: 0, offset: 0 },
    written: 0,
    kept: 0,
    stepLoaded: 0,
  };
}

/** Loads up to `keysPerStep` keys from the cursor, in batches; SET is idempotent, so a repeated step or run writes the same values. */
async function load(deps: WarmUpDeps, settings: WarmUpSettings, state: LoadingState): Promise<LoadingState> {
  const endpoint = await primaryEndpoint(deps.elasticache, settings.replicationGroupId);
  if (!endpoint)
    throw new CacheNotReadyError(
      `${settings.replicationGroupId} has no primary endpoint yet; run the warm-up once it is available`,
    );
  const password = await cacheAuthToken(deps.secrets, settings.authTokenSecretName);
  const { text } = await readObject(deps.s3, settings.bucket, state.manifest.key, state.manifest.versionId);
  const manifest = parseManifest(text, `s3://${settings.bucket}/${state.manifest.key}`);
  const parts = state.sources.length + 1;
  let { part, offset } = state.cursor;
  let { written, kept } = state;
  let stepLoaded = 0;
  await deps.cache(endpoint, password, async (session) => {
    while (part < parts && stepLoaded < settings.keysPerStep) {
      const entries = await partEntries(deps, settings, state, manifest, part);
      while (offset < entries.length && stepLoaded < settings.keysPerStep) {
        const size = Math.min(settings.batchSize, settings.keysPerStep - stepLoaded, entries.length - offset);
        const batch: BatchWrite[] = entries.slice(offset, offset + size).map((entry) => {
          const ttlSeconds = entry.ttlSeconds ?? manifest.defaultTtlSeconds;
          return {
            key: entry.key,
            value: entry.value,
            ...(ttlSeconds === undefined ? {} : { ttlSeconds }),
            onlyIfMissing: !manifest.overwrite,
          };
        });
        const result = await session.write(batch);
        written += result.written;
        kept += result.kept;
        stepLoaded += result.written + result.kept;
        if (result.failed.length > 0) throw new WarmUpFailedError(result.failed, stepLoaded);
        offset += size;
      }
      if (offset >= entries.length) {
        part += 1;
        offset = 0;
      }
    }
  });
  const done = part >= parts;
  return {
    ...state,
    phase: done ? 'done' : 'loading',
    cursor: { part, offset },
    written,
    kept,
    stepLoaded,
    ...(done
      ? {
          verdict: {
            passed: true,
            detail: `${written + kept} of ${state.total} keys loaded (${written} written, ${kept} already present) from s3://${settings.bucket}/${state.manifest.key} version ${state.manifest.versionId}`,
          },
        }
      : {}),
  };
}

/** One step of the run. */
export function advance(deps: WarmUpDeps, settings: WarmUpSettings, state: WarmUpState): Promise<LoadingState> {
  return state.phase === 'start' ? start(deps, settings, state) : load(deps, settings, state);
}
