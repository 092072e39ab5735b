// The drill's moto server (moto_drill_server.py from .venv) and a client of its control API: AWS calls, lost regions, faults, the request log.
import { spawnSync } from 'node:child_process';
import { existsSync } from 'node:fs';
import { join } from 'node:path';
import { SETUP_HINT, VENV_BIN, startMotoProcess, type MotoProcess } from './moto-process';

const PYTHON = join(VENV_BIN, 'python');
const LAUNCHER = join(__dirname, 'moto_drill_server.py');

/** How a drill server is started. */
export interface DrillServerOptions {
  /** Account moto files every resource under: the assembly's. */
  readonly account: string;
  /** The most real time a sleep of a run may take, as a fraction of its own. */
  readonly timeScale: number;
  /** A fixed port; a free one when not given. */
  readonly port?: number;
}

/** An AWS error answered to a drill call. */
export class AwsCallError extends Error {
  constructor(
    readonly code: string,
    message: string,
  ) {
    super(message);
  }
}

/** An injected fault: the calls it matches answer its error. */
export interface Fault {
  readonly service: string;
  readonly action: string;
  readonly region?: string;
  readonly code: string;
  readonly message?: string;
  /** HTTP status, 400 by default. */
  readonly status?: number;
  /** How many calls it answers; every matching call when not given. */
  readonly times?: number;
}

/** One AWS request the server received (the drill's own observer calls excepted). */
export interface LoggedRequest {
  /** Virtual time, epoch milliseconds. */
  readonly at: number;
  readonly region: string;
  readonly service: string;
  readonly action: string;
  /** `cli`: the aws CLI (the operator's script); `sdk`: any other client, Step Functions' tasks among them. */
  readonly source: 'cli' | 'sdk';
  readonly status?: number;
}

export interface DrillConfig {
  readonly timeScale?: number;
  /** Virtual seconds a promotion takes, per service (`rds`, `elasticache`); null never completes. */
  readonly promotionSeconds?: Record<string, number | null>;
  /** Whether FailoverGlobalReplicationGroup is refused while the primary's region is lost. */
  readonly cacheFailoverNeedsPrimary?: boolean;
  /**
   * While true, a sleeping run's clock does not jump: it waits in real time (up to its wait times
   * timeScale), so an operator's command can act between two states of a run.
   */
  readonly holdClock?: boolean;
}

export interface DrillState {
  readonly nowMs: number;
  readonly lostRegions: string[];
  readonly faults: (Fault & { hits: number })[];
  readonly promotionSeconds: Record<string, number | null>;
  /** UDP port of the server's DNS responder on 127.0.0.1 (Route 53's answers, for handlers that resolve names). */
  readonly dnsPort: number;
}

/** A record set Route 53 chose while answering, whether it was healthy, and why. */
export interface DnsStep {
  readonly name: string;
  readonly type: string;
  readonly healthy: boolean;
  readonly why: string;
  readonly setIdentifier?: string;
  readonly failover?: 'PRIMARY' | 'SECONDARY';
  readonly healthCheckId?: string;
  readonly aliasTarget?: string;
}

/** What Route 53 would answer for a name now (scripts/drill/moto_drill/route53_dns.py). */
export interface DnsAnswer {
  readonly name: string;
  readonly type: string;
  /** NOERROR (an empty `values` is NODATA), NXDOMAIN, REFUSED (in no seeded zone), NOTIMP (a routing the drill does not simulate). */
  readonly rcode: 'NOERROR' | 'NXDOMAIN' | 'REFUSED' | 'NOTIMP';
  /** The record values; an alias to a resource the drill did not create answers a stand-in address per target. */
  readonly values: string[];
  /** The record sets chosen, in order: the queried name's, then each alias or CNAME target's. */
  readonly path: DnsStep[];
  /** The last name of the chain. */
  readonly target: string;
  /** Region that serves the answer, when an endpoint name of the chain is known (`setEndpointRegions`). */
  readonly region?: string;
  readonly error?: string;
}

/** A metric alarm as the drill server evaluated it on request (scripts/drill/moto_drill/alarm_eval.py). */
export interface AlarmEvaluation {
  readonly name: string;
  /** False for an alarm the drill cannot evaluate (composite, metric math, percentile) or none of that name: `why` says which. */
  readonly evaluated: boolean;
  readonly state?: 'OK' | 'ALARM' | 'INSUFFICIENT_DATA';
  readonly reason?: string;
  /** The alarm's AlarmActions, as CloudWatch holds them: what a move to ALARM notifies. */
  readonly actions?: string[];
  readonly why?: string;
}

/** The control API of a running drill server. */
export class DrillClient {
  constructor(readonly endpoint: string) {}

  private async request<T>(method: 'GET' | 'POST', path: string, body?: unknown): Promise<T> {
    const response = await fetch(`${this.endpoint}${path}`, {
      method,
      ...(body === undefined ? {} : { body: JSON.stringify(body), headers: { 'content-type': 'application/json' } }),
    });
    const answer = (await response.json()) as T & { error?: { code: string; message: string } };
    if (!response.ok) {
      throw new AwsCallError(answer.error?.code ?? String(response.status), answer.error?.message ?? path);
    }
    return answer;
  }

  /**
   * One AWS call through botocore in the server, as an observer that sees through lost regions and
   * faults. `conform` treats `params` as CloudFormation properties: members matched whatever their
   * case, and what the API does not take dropped.
   */
  async call<T = Record<string, unknown>>(
    service: string,
    region: string,
    action: string,
    params: unknown = {},
    conform = false,
  ): Promise<T> {
    const answer = await this.request<{ result: T }>('POST', '/drill/call', {
      service,
      region,
      action,
      params,
      conform,
    });
    return answer.result;
  }

  state(): Promise<DrillState> {
    return this.request('GET', '/drill/state');
  }

  async requests(sinceMs = 0): Promise<LoggedRequest[]> {
    return (await this.request<{ requests: LoggedRequest[] }>('GET', `/drill/requests?since=${sinceMs}`)).requests;
  }

  /** Refuses, from now on, every request signed for `regions` (503 ServiceUnavailable). */
  loseRegions(regions: readonly string[]): Promise<DrillState> {
    return this.request('POST', '/drill/lost-regions', { regions });
  }

  /** Replaces the injected faults. */
  setFaults(faults: readonly Fault[]): Promise<DrillState> {
    return this.request('POST', '/drill/faults', { faults });
  }

  /** Moves the virtual clock forward, as time passes between two attempts of an operator. */
  advanceClock(seconds: number): Promise<DrillState> {
    return this.request('POST', '/drill/clock', { advanceSeconds: seconds });
  }

  /** What Route 53 would answer now for `name`, from the seeded records and the evaluated health checks. */
  dns(name: string, type = 'A'): Promise<DnsAnswer> {
    return this.request('GET', `/drill/dns?${new URLSearchParams({ name, type }).toString()}`);
  }

  /** Where each endpoint name is served: its health checks fail while that region is lost. */
  setEndpointRegions(regions: Readonly<Record<string, string>>): Promise<DrillState> {
    return this.request('POST', '/drill/endpoints', regions);
  }

  /** Marks health checks failing (`false`) or back to their evaluated health (`true`), by id. */
  setHealth(checks: Readonly<Record<string, boolean>>): Promise<DrillState> {
    return this.request('POST', '/drill/health', checks);
  }

  /**
   * Evaluates the metric alarms `names` of `region` now, from the datapoints stored so far, as
   * CloudWatch would have at the end of each period since the alarm was made; never SetAlarmState.
   */
  async evaluateAlarms(region: string, names: readonly string[]): Promise<AlarmEvaluation[]> {
    return (await this.request<{ alarms: AlarmEvaluation[] }>('POST', '/drill/alarms/evaluate', { region, names }))
      .alarms;
  }

  configure(config: DrillConfig): Promise<DrillState> {
    return this.request('POST', '/drill/config', config);
  }

  /**
   * Keeps a copy of moto's backends and of the server's world as they are now, right after the seed
   * (scripts/drill/moto_drill/snapshot.py); refused (AwsCallError `SnapshotRefused`) while a promotion
   * is pending or an execution runs. Returns the id {@link restore} takes.
   */
  async snapshot(): Promise<{ id: number; copySeconds: number; sharedTypes: Record<string, number> }> {
    return this.request('POST', '/drill/snapshot', {});
  }

  /**
   * Puts back a fresh copy of snapshot `id` in place of {@link reset} and the seed: running executions
   * stopped (how many, and how many threads of them did not end in time), moto and the server's world
   * as right after the seed, the settings `config` over the defaults.
   */
  async restore(id: number, config: DrillConfig = {}): Promise<{ stopped: number; stillRunning: number }> {
    const answer = await this.request<{ stopped: number; stillRunning: number }>('POST', '/drill/restore', { id });
    await this.configure(config);
    return answer;
  }

  /** moto forgets every resource, and the server its lost regions, faults, log and promotions. */
  async reset(config: DrillConfig = {}): Promise<void> {
    const response = await fetch(`${this.endpoint}/moto-api/reset`, { method: 'POST' });
    if (!response.ok) throw new Error(`moto reset answered ${response.status}`);
    await this.request('POST', '/drill/reset', {});
    await this.configure(config);
  }
}

/** What is missing for the drill server to start, as a message naming the fix; undefined when nothing. */
export function missingTools(): string | undefined {
  if (!existsSync(PYTHON))
    return `the drill needs the project's Python tools in .venv, which is missing: ${SETUP_HINT}.`;
  const check = spawnSync(PYTHON, ['-c', 'import moto, jsonata, boto3'], { encoding: 'utf8' });
  if (check.status !== 0) {
    return `the drill needs moto and jsonata-python in .venv (${check.stderr.trim().split('\n').pop()}): ${SETUP_HINT}.`;
  }
  return undefined;
}

/** A started drill server, its client, and how to stop it. */
export interface DrillServer {
  readonly client: DrillClient;
  readonly process: MotoProcess;
  stop(): Promise<void>;
}

export async function startDrillServer(options: DrillServerOptions): Promise<DrillServer> {
  const env: NodeJS.ProcessEnv = {
    ...process.env,
    DRILL_TIME_SCALE: String(options.timeScale),
    MOTO_ACCOUNT_ID: options.account,
  };
  // The launcher forces MOTO_PORT itself; an inherited one must not reach moto's own settings first.
  delete env.MOTO_PORT;
  const server = await startMotoProcess({
    command: PYTHON,
    args: [LAUNCHER],
    env,
    ...(options.port === undefined ? {} : { port: options.port }),
    name: 'the drill server (scripts/drill/moto_drill_server.py)',
  }).catch((error: Error) => {
    // A .venv without moto or jsonata-python: the server dies importing them.
    throw /No module named/.test(error.message) ? new Error(`${error.message}\n${SETUP_HINT}.`) : error;
  });
  return { client: new DrillClient(server.endpoint), process: server, stop: () => server.stop() };
}
