// Runs a probe canary's deployed source (the Script of an AWS::Synthetics::Canary) with stand-ins for Synthetics, https and the CloudWatch client, and collects what it publishes.
import { runInNewContext } from 'node:vm';
import type { EmittedMetric } from './metric-contract';

/** What the stand-ins answer: whether the watched endpoint's Synthetics step and the public name's GET succeed. */
export interface CanaryWorld {
  readonly endpointUp: boolean;
  readonly publicUp: boolean;
}

/** One run of a canary: its datapoints, and what it threw (a failed run). */
export interface CanaryRun {
  readonly source: string;
  readonly emitted: EmittedMetric[];
  readonly error?: unknown;
}

interface MetricDatum {
  MetricName: string;
  Dimensions?: { Name: string; Value: string }[];
  Value: number;
}

/** Runs `script`'s handler once in `world`, as the Synthetics runtime would. */
export async function runCanaryScript(script: string, world: CanaryWorld, source: string): Promise<CanaryRun> {
  const emitted: EmittedMetric[] = [];
  const modules: Record<string, unknown> = {
    Synthetics: {
      executeHttpStep: async (name: string) => {
        if (!world.endpointUp) throw new Error(`${name}: 503`);
      },
    },
    https: {
      request: (_options: unknown, answer: (response: { statusCode: number; resume(): void }) => void) => ({
        on: () => undefined,
        end: () => answer({ statusCode: world.publicUp ? 200 : 503, resume: () => undefined }),
      }),
    },
    '@aws-sdk/client-cloudwatch': {
      CloudWatchClient: class {
        async send(command: { input: { Namespace: string; MetricData: MetricDatum[] } }) {
          for (const datum of command.input.MetricData) {
            emitted.push({
              namespace: command.input.Namespace,
              metricName: datum.MetricName,
              dimensions: Object.fromEntries((datum.Dimensions ?? []).map(({ Name, Value }) => [Name, Value])),
              value: datum.Value,
              source,
            });
          }
        }
      },
      PutMetricDataCommand: class {
        constructor(readonly input: unknown) {}
      },
    },
  };
  const module = { exports: {} as { handler?: () => Promise<void> } };
  const require = (name: string) => {
    if (!(name in modules)) throw new Error(`the canary requires ${name}, which its runtime may not have`);
    return modules[name];
  };
  runInNewContext(script, {
    require,
    module,
    exports: module.exports,
    console: { error: () => undefined, log: () => undefined },
  });
  if (!module.exports.handler) throw new Error(`${source}: the script exports no handler`);
  try {
    await module.exports.handler();
    return { source, emitted };
  } catch (error) {
    return { source, emitted, error };
  }
}
