// Shared by lambda/*/*.failure-paths.test.ts: AWS errors as the SDK throws them, a handler's EMF output, and which calls mutated.
import type { MetadataBearer } from '@smithy/types';
import type { AwsStub } from 'aws-sdk-client-mock';

/** An AWS error of `name` as the SDK throws it once its own retries are spent (the mocks skip the retry middleware). */
export function awsError(name: string, message = name): Error {
  return Object.assign(new Error(message), { name, $fault: 'client', $metadata: { attempts: 3 } });
}

/** What a handler returned or threw, and the EMF metric values it wrote to stdout, by metric name. */
export interface Captured<T> {
  readonly result?: T;
  readonly error?: Error;
  readonly metrics: Readonly<Record<string, readonly number[]>>;
}

interface EmfLine {
  readonly _aws?: {
    readonly CloudWatchMetrics?: readonly { readonly Metrics: readonly { readonly Name: string }[] }[];
  };
  readonly [key: string]: unknown;
}

/** The metric values of the EMF lines in `output`; log lines and other output are skipped. */
export function emfMetrics(output: string): Record<string, number[]> {
  const metrics: Record<string, number[]> = {};
  for (const line of output.split('\n')) {
    if (!line.startsWith('{')) continue;
    const parsed = JSON.parse(line) as EmfLine;
    for (const directive of parsed._aws?.CloudWatchMetrics ?? []) {
      for (const { Name } of directive.Metrics) {
        const value = parsed[Name];
        (metrics[Name] ??= []).push(...(Array.isArray(value) ? (value as number[]) : [value as number]));
      }
    }
  }
  return metrics;
}

/** Runs `invoke` with stdout captured, as Lambda would see it: Powertools writes EMF there. */
export async function capture<T>(invoke: () => Promise<T>): Promise<Captured<T>> {
  const chunks: string[] = [];
  const write = jest.spyOn(process.stdout, 'write').mockImplementation((chunk: string | Uint8Array) => {
    chunks.push(typeof chunk === 'string' ? chunk : Buffer.from(chunk).toString('utf8'));
    return true;
  });
  try {
    const result = await invoke();
    return { result, metrics: emfMetrics(chunks.join('')) };
  } catch (error) {
    return { error: error as Error, metrics: emfMetrics(chunks.join('')) };
  } finally {
    write.mockRestore();
  }
}

/** Like {@link capture}, for handlers that pause between throttled attempts: the pauses pass on fake timers. */
export async function captureWithFakeTimers<T>(invoke: () => Promise<T>): Promise<Captured<T>> {
  jest.useFakeTimers({ doNotFake: ['nextTick', 'setImmediate'] });
  try {
    const pending = capture(invoke);
    await jest.runAllTimersAsync();
    return await pending;
  } finally {
    jest.useRealTimers();
  }
}

/** Command names that change something in AWS (a failed run must not go on to make these). */
const MUTATING = /^(Put|Create|Delete|Copy|Start|Modify|Restore|Update|Add|Remove|Tag|Untag|Publish|Export|Failover)/;

/** The mutating commands the stubs received, by name, in order per stub. */
// eslint-disable-next-line @typescript-eslint/no-explicit-any -- stubs of different clients
export function mutatingCalls(...stubs: AwsStub<any, MetadataBearer, any>[]): string[] {
  return stubs.flatMap((stub) =>
    stub
      .calls()
      .map((call) => (call.args[0] as object).constructor.name.replace(/Command$/, ''))
      .filter((name) => MUTATING.test(name)),
  );
}

/** Every setting of `keys` as a plausible string; `overrides` for the numbers and lists a handler parses. */
export function environment(keys: readonly string[], overrides: Record<string, string> = {}): Record<string, string> {
  return {
    STAGE: 'prod',
    AWS_REGION: 'us-east-1',
    ...Object.fromEntries(keys.map((key) => [key, `value-of-${key}`])),
    POWERTOOLS_LOG_LEVEL: 'SILENT',
    ...overrides,
  };
}
