// Points every node:dns/promises Resolver of a job's process at the drill's DNS responder, which stands for the network's resolver and the zone's name servers alike.
import { Resolver } from 'node:dns/promises';
import tls from 'node:tls';

/** The lookups a handler may make; each sends its first query to the drill's responder. */
const LOOKUPS = ['resolve', 'resolve4', 'resolve6', 'resolveAny', 'resolveCname', 'resolveNs', 'resolveTxt'] as const;

type Lookup = (this: Resolver, ...args: unknown[]) => Promise<unknown>;

/**
 * From now on, every Resolver asks `server` (`127.0.0.1:<port>`): one made with the system's
 * servers, and one a handler points at the addresses of the zone's name servers (the responder
 * resolves those names to 127.0.0.1, on port 53, which the drill cannot bind). The handler's code is
 * run as it is; only where its queries go changes, as the function's network would decide in AWS.
 */
export function pointResolversAt(server: string): void {
  const prototype = Resolver.prototype as unknown as Record<(typeof LOOKUPS)[number], Lookup>;
  const setServers = Resolver.prototype.setServers;
  const pointed = new WeakSet<Resolver>();
  const point = (resolver: Resolver) => {
    setServers.call(resolver, [server]);
    pointed.add(resolver);
  };
  Resolver.prototype.setServers = function (this: Resolver) {
    point(this);
  };
  for (const name of LOOKUPS) {
    const lookup = prototype[name];
    prototype[name] = function (this: Resolver, ...args: unknown[]) {
      if (!pointed.has(this)) point(this);
      return lookup.apply(this, args);
    };
  }
}

/** The domain of ElastiCache node addresses. */
const CACHE_DOMAIN = '.cache.amazonaws.com';

/**
 * From now on, a TLS connection to an ElastiCache address (`*.cache.amazonaws.com`) goes to `route`
 * (`127.0.0.1:<port>`, the drill's redis-server) with the address kept as the server name, so the
 * handler still verifies a certificate for the name it asked for. Its code runs as it is; only where
 * the connection lands changes, as the VPC would route it to the group's node in AWS.
 */
export function routeCacheConnections(route: string): void {
  const [host, port] = route.split(':');
  if (!host || !port) throw new Error(`DRILL_CACHE_ROUTE must be <host>:<port>, got ${route}`);
  const connect = tls.connect;
  tls.connect = function (this: unknown, ...args: unknown[]) {
    const options = args[0] as tls.ConnectionOptions | undefined;
    if (typeof options === 'object' && options !== null && options.host?.endsWith(CACHE_DOMAIN)) {
      args[0] = { ...options, servername: options.servername ?? options.host, host, port: Number(port) };
    }
    return (connect as (...all: unknown[]) => tls.TLSSocket).apply(this, args);
  } as typeof tls.connect;
}
