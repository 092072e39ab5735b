// A small fake of the Kubernetes API on loopback (moto has none): one Deployment that rolls its pods on a restart, for the rollout restart's tests and drill.
import { execFileSync } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { createServer, type Server } from 'node:https';
import type { AddressInfo } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';

/** What the fake serves and how it misbehaves. */
export interface FakeKubernetesOptions {
  readonly namespace: string;
  readonly deployment: string;
  readonly replicas: number;
  readonly labels: Readonly<Record<string, string>>;
  /** Answer this status to every call of this kind instead of serving it. */
  readonly fail?: { readonly call: 'get' | 'patch' | 'list'; readonly status: number; readonly message?: string };
  /** The rollout stops after this many updated replicas and reports ProgressDeadlineExceeded. */
  readonly stallAfter?: number;
  /** List no pod even when the rollout is complete. */
  readonly noPods?: boolean;
}

/** One request the fake received. */
export interface FakeRequest {
  readonly method: string;
  readonly path: string;
  readonly token: string;
  readonly body?: unknown;
}

export interface FakeKubernetes {
  /** `https://127.0.0.1:<port>` */
  readonly endpoint: string;
  /** The server certificate (self-signed: it is also the CA), PEM. */
  readonly ca: string;
  readonly requests: FakeRequest[];
  /** The Deployment's pod template annotations and generation now. */
  state(): { generation: number; annotations: Record<string, string>; pods: string[] };
  stop(): Promise<void>;
}

interface Rollout {
  updated: number;
  available: number;
}

/** Starts the fake on a free loopback port; each GET of the Deployment during a rollout moves it one replica on. */
export async function startFakeKubernetes(options: FakeKubernetesOptions): Promise<FakeKubernetes> {
  const dir = mkdtempSync(join(tmpdir(), 'fake-kubernetes-'));
  const cert = join(dir, 'cert.pem');
  const key = join(dir, 'key.pem');
  execFileSync(
    'openssl',
    [
      ...[
        'req',
        '-x509',
        '-newkey',
        'ec',
        '-pkeyopt',
        'ec_paramgen_curve:prime256v1',
        '-nodes',
        '-days',
        '1',
        '-subj',
        '/CN=kubernetes',
      ],
      ...['-addext', 'subjectAltName=IP:127.0.0.1,DNS:localhost', '-keyout', key, '-out', cert],
    ],
    { stdio: 'ignore' },
  );
  const ca = readFileSync(cert, 'utf8');
  const requests: FakeRequest[] = [];
  let generation = 1;
  let annotations: Record<string, string> = {};
  let podSet = 1;
  let pods = names(podSet, options.replicas);
  let rollout: Rollout | undefined;
  const deploymentPath = `/apis/apps/v1/namespaces/${options.namespace}/deployments/${options.deployment}`;
  const podsPath = `/api/v1/namespaces/${options.namespace}/pods`;

  function names(set: number, count: number): string[] {
    return Array.from({ length: count }, (_, index) => `${options.deployment}-${set}00000${set}-pod${index}`);
  }
  function deployment(): object {
    const stalled = rollout !== undefined && options.stallAfter !== undefined && rollout.updated >= options.stallAfter;
    const status =
      rollout === undefined
        ? {
            observedGeneration: generation,
            replicas: options.replicas,
            updatedReplicas: options.replicas,
            readyReplicas: options.replicas,
            availableReplicas: options.replicas,
          }
        : {
            observedGeneration: generation,
            // Surge: the old pods stay until the new ones are available.
            replicas: options.replicas + (rollout.available < options.replicas ? 1 : 0),
            updatedReplicas: rollout.updated,
            readyReplicas: rollout.available,
            availableReplicas: rollout.available,
            ...(stalled
              ? {
                  conditions: [
                    {
                      type: 'Progressing',
                      status: 'False',
                      reason: 'ProgressDeadlineExceeded',
                      message: `ReplicaSet has timed out progressing.`,
                    },
                  ],
                }
              : {}),
          };
    return {
      metadata: { name: options.deployment, namespace: options.namespace, generation },
      spec: {
        replicas: options.replicas,
        selector: { matchLabels: options.labels },
        template: { metadata: { annotations } },
      },
      status,
    };
  }
  /** A GET during a rollout moves it on: one more replica updated, then available. */
  function advance(): void {
    if (!rollout) return;
    if (options.stallAfter !== undefined && rollout.updated >= options.stallAfter) return;
    if (rollout.updated < options.replicas) rollout.updated += 1;
    else if (rollout.available < options.replicas) rollout.available += 1;
    if (rollout.available >= options.replicas) {
      podSet += 1;
      pods = names(podSet, options.replicas);
      rollout = undefined;
    }
  }

  const server: Server = createServer({ cert: readFileSync(cert), key: readFileSync(key) }, (req, res) => {
    let text = '';
    req.on('data', (chunk: Buffer) => (text += chunk.toString()));
    req.on('end', () => {
      const url = new URL(req.url ?? '/', 'https://fake');
      const token = (req.headers.authorization ?? '').replace(/^Bearer /, '');
      requests.push({
        method: req.method ?? '',
        path: `${url.pathname}${url.search}`,
        token,
        ...(text ? { body: JSON.parse(text) as unknown } : {}),
      });
      const send = (status: number, body: object) => {
        res.writeHead(status, { 'content-type': 'application/json' });
        res.end(JSON.stringify(body));
      };
      const refuse = (status: number, message: string) =>
        send(status, { kind: 'Status', status: 'Failure', message, code: status });
      if (!token.startsWith('k8s-aws-v1.')) return refuse(401, 'Unauthorized');
      const kind =
        url.pathname === deploymentPath
          ? req.method === 'PATCH'
            ? 'patch'
            : 'get'
          : url.pathname === podsPath
            ? 'list'
            : undefined;
      if (kind === undefined) return refuse(404, `the server could not find the requested resource (${url.pathname})`);
      if (options.fail?.call === kind) return refuse(options.fail.status, options.fail.message ?? `refused ${kind}`);
      if (kind === 'get') {
        const answer = deployment();
        advance();
        return send(200, answer);
      }
      if (kind === 'patch') {
        if (req.headers['content-type'] !== 'application/strategic-merge-patch+json')
          return refuse(415, 'unsupported patch type');
        const patch = JSON.parse(text || '{}') as {
          spec?: { template?: { metadata?: { annotations?: Record<string, string> } } };
        };
        const next = { ...annotations, ...(patch.spec?.template?.metadata?.annotations ?? {}) };
        if (JSON.stringify(next) !== JSON.stringify(annotations)) {
          annotations = next;
          generation += 1;
          rollout = { updated: 0, available: 0 };
        }
        return send(200, deployment());
      }
      const selector = url.searchParams.get('labelSelector') ?? '';
      const wanted = Object.entries(options.labels)
        .map(([k, v]) => `${k}=${v}`)
        .join(',');
      const items =
        options.noPods || selector !== wanted
          ? []
          : pods.map((name) => ({
              metadata: { name, creationTimestamp: new Date(Date.now() - 30_000).toISOString() },
              spec: { nodeName: 'i-0fake' },
              status: {
                phase: 'Running',
                containerStatuses: [{ ready: true, restartCount: 0, state: { running: {} } }],
              },
            }));
      return send(200, { kind: 'PodList', items });
    });
  });
  await new Promise<void>((ready) => server.listen(0, '127.0.0.1', ready));
  const { port } = server.address() as AddressInfo;
  return {
    endpoint: `https://127.0.0.1:${port}`,
    ca,
    requests,
    state: () => ({ generation, annotations, pods }),
    stop: () =>
      new Promise<void>((done) => {
        server.close(() => {
          rmSync(dir, { recursive: true, force: true });
          done();
        });
        server.closeAllConnections();
      }),
  };
}
