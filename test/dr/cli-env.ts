// The surroundings main() runs in under test: stdout and stderr captured, no terminal, the real SDK unless a test gives its own.
import { SDK } from '../../scripts/dr/aws';
import type { CliEnv } from '../../scripts/dr/cli';

/** An environment for main() and what it wrote. */
export interface CapturedCli {
  readonly env: CliEnv;
  out(): string;
  err(): string;
}

/**
 * Defaults: no terminal (a data-loss step without --yes is refused, and `ask` fails if reached),
 * the real SDK (pointed at moto by AWS_ENDPOINT_URL), a 1 ms poll and the wall clock; `overrides`
 * replace any of them.
 */
export function capturingCli(overrides: Partial<Omit<CliEnv, 'stdout' | 'stderr'>> = {}): CapturedCli {
  let out = '';
  let err = '';
  const env: CliEnv = {
    stdout: { write: (text: string) => ((out += text), true) } as unknown as CliEnv['stdout'],
    stderr: { write: (text: string) => ((err += text), true) } as unknown as CliEnv['stderr'],
    stdinIsTty: false,
    ask: () => Promise.reject(new Error('no terminal')),
    sdk: SDK,
    pollMs: 1,
    now: () => new Date(),
    ...overrides,
  };
  return { env, out: () => out, err: () => err };
}
