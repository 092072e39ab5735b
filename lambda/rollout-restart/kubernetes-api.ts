// The three Kubernetes API calls of a rollout restart, over plain https to the private API server with the cluster's CA and an EKS token.
import { request } from 'node:https';
import { isIP } from 'node:net';

/** The parts of a Deployment the restart reads. */
export interface Deployment {
  readonly metadata: {
    readonly name: string;
    readonly generation?: number;
    readonly annotations?: Record<string, string>;
  };
  readonly spec: {
    readonly replicas?: number;
    readonly selector?: { readonly matchLabels?: Record<string, string> };
    readonly template?: { readonly metadata?: { readonly annotations?: Record<string, string> } };
  };
  readonly status?: {
    readonly observedGeneration?: number;
    readonly replicas?: number;
    readonly updatedReplicas?: number;
    readonly readyReplicas?: number;
    readonly availableReplicas?: number;
    readonly unavailableReplicas?: number;
    readonly conditions?: readonly {
      readonly type: string;
      readonly status: string;
      readonly reason?: string;
      readonly message?: string;
    }[];
  };
}

/** The parts of a Pod that `kubectl get pods` shows. */
export interface Pod {
  readonly metadata: {
    readonly name: string;
    readonly creationTimestamp?: string;
    readonly deletionTimestamp?: string;
  };
  readonly spec?: { readonly nodeName?: string };
  readonly status?: {
    readonly phase?: string;
    readonly containerStatuses?: readonly {
      readonly ready?: boolean;
      readonly restartCount?: number;
      readonly state?: {
        readonly waiting?: { readonly reason?: string };
        readonly terminated?: { readonly reason?: string };
      };
    }[];
  };
}

export interface KubernetesApi {
  getDeployment(namespace: string, name: string): Promise<Deployment>;
  /** A strategic merge patch, as `kubectl rollout restart` sends. */
  patchDeployment(namespace: string, name: string, patch: object): Promise<Deployment>;
  listPods(namespace: string, labelSelector: string): Promise<readonly Pod[]>;
}

/** The API server answered with an error status, or could not be reached; `status` 0 when there was no answer. */
export class KubernetesApiError extends Error {
  override name = 'KubernetesApiError';
  constructor(
    readonly call: string,
    readonly status: number,
    detail: string,
  ) {
    super(`${call}: ${status === 0 ? 'no answer' : `HTTP ${status}`} (${detail})${advice(status)}`);
  }
}

function advice(status: number): string {
  if (status === 401) return '; the token was refused: check the function role and the cluster access entry';
  if (status === 403)
    return '; the access entry does not allow it: the rollout restart needs edit rights in the namespace';
  if (status === 429) return '; the API server is throttling: re-run the restart in a minute';
  return '';
}

/** Settings of {@link httpsKubernetes}. */
export interface HttpsKubernetesOptions {
  /** `https://<id>.<gr7>.<region>.eks.amazonaws.com`, the cluster's endpoint. */
  readonly endpoint: string;
  /** The cluster's CA certificate(s), PEM. */
  readonly ca: string;
  /** A fresh bearer token per call (an EKS token lives 15 minutes). */
  readonly token: () => Promise<string>;
  /** Per call. @default 10000 */
  readonly timeoutMs?: number;
}

/** The Kubernetes API over node:https; only the cluster's CA is trusted. */
export function httpsKubernetes(options: HttpsKubernetesOptions): KubernetesApi {
  const timeout = options.timeoutMs ?? 10_000;
  const call = async <T>(
    name: string,
    method: string,
    path: string,
    body?: object,
    contentType?: string,
  ): Promise<T> => {
    // Parsed per call: a malformed endpoint fails the call that needs it, named, not the cold start.
    let base: URL;
    try {
      base = new URL(options.endpoint);
    } catch {
      throw new KubernetesApiError(name, 0, `the cluster endpoint is not a URL: '${options.endpoint}'`);
    }
    const token = await options.token();
    const payload = body === undefined ? undefined : JSON.stringify(body);
    return new Promise<T>((resolve, reject) => {
      const req = request(
        {
          protocol: 'https:',
          hostname: base.hostname,
          port: base.port || 443,
          method,
          path,
          ca: options.ca,
          // SNI carries host names only; the cluster's endpoint is one, a loopback fake is an address.
          ...(isIP(base.hostname) ? {} : { servername: base.hostname }),
          timeout,
          headers: {
            authorization: `Bearer ${token}`,
            accept: 'application/json',
            ...(payload === undefined
              ? {}
              : { 'content-type': contentType ?? 'application/json', 'content-length': Buffer.byteLength(payload) }),
          },
        },
        (res) => {
          let text = '';
          res.setEncoding('utf8');
          res.on('data', (chunk: string) => (text += chunk));
          res.on('end', () => {
            const status = res.statusCode ?? 0;
            if (status < 200 || status >= 300) {
              let reason = text.slice(0, 300);
              try {
                reason = (JSON.parse(text) as { message?: string }).message ?? reason;
              } catch {
                // not a Status object: the raw text is the detail
              }
              reject(new KubernetesApiError(name, status, reason));
              return;
            }
            try {
              resolve(JSON.parse(text) as T);
            } catch {
              reject(new KubernetesApiError(name, status, 'the answer is not JSON'));
            }
          });
        },
      );
      req.on('timeout', () => req.destroy(new Error(`no answer in ${timeout} ms`)));
      req.on('error', (error) => reject(new KubernetesApiError(name, 0, error.message)));
      if (payload !== undefined) req.write(payload);
      req.end();
    });
  };
  const deploymentPath = (namespace: string, name: string) =>
    `/apis/apps/v1/namespaces/${encodeURIComponent(namespace)}/deployments/${encodeURIComponent(name)}`;
  return {
    getDeployment: (namespace, name) =>
      call(`get deployment/${name} -n ${namespace}`, 'GET', deploymentPath(namespace, name)),
    patchDeployment: (namespace, name, patch) =>
      call(
        `patch deployment/${name} -n ${namespace}`,
        'PATCH',
        deploymentPath(namespace, name),
        patch,
        'application/strategic-merge-patch+json',
      ),
    listPods: async (namespace, labelSelector) =>
      (
        await call<{ items?: Pod[] }>(
          `list pods -n ${namespace} -l ${labelSelector}`,
          'GET',
          `/api/v1/namespaces/${encodeURIComponent(namespace)}/pods?labelSelector=${encodeURIComponent(labelSelector)}`,
        )
      ).items ?? [],
  };
}
