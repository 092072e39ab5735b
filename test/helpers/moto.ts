// Starts a real moto server (the AWS API emulator from .venv) on a free loopback port for integration tests.
import { join } from 'node:path';
import { VENV_BIN, startMotoProcess } from '../../scripts/drill/moto-process';

const MOTO_SERVER = join(VENV_BIN, 'moto_server');

/** A running moto server and what an SDK client needs to reach it. */
export interface MotoServer {
  readonly endpoint: string;
  /** Client settings for any AWS SDK v3 client: endpoint, region and dummy credentials. */
  clientConfig(region?: string): {
    endpoint: string;
    region: string;
    credentials: { accessKeyId: string; secretAccessKey: string };
  };
  stop(): Promise<void>;
}

/**
 * Starts `.venv/bin/moto_server` on 127.0.0.1 and a free port. A missing moto is an error, never a
 * skip: without it the integration tests would pass without testing anything. With
 * `executeStateMachines`, Step Functions runs the definitions it is given (Pass, Wait, Choice and
 * service tasks moto implements) instead of leaving every execution RUNNING.
 */
export async function startMoto(options: { executeStateMachines?: boolean } = {}): Promise<MotoServer> {
  const server = await startMotoProcess({
    command: MOTO_SERVER,
    name: 'moto_server (these tests cannot pass without it)',
    startupTimeoutMs: 30_000,
  });
  if (options.executeStateMachines) {
    // A test that follows a run to its end needs moto to execute it, not leave it RUNNING.
    const answer = await fetch(`${server.endpoint}/moto-api/config`, {
      method: 'POST',
      body: JSON.stringify({ stepfunctions: { execute_state_machine: true } }),
    });
    if (!answer.ok) throw new Error(`moto refused to execute state machines: HTTP ${answer.status}`);
  }
  return {
    endpoint: server.endpoint,
    clientConfig: (region = 'us-east-1') => ({
      endpoint: server.endpoint,
      region,
      credentials: { accessKeyId: 'testing', secretAccessKey: 'testing' },
    }),
    stop: () => server.stop(),
  };
}
