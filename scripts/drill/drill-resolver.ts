// Points every node:dns/promises Resolver of a job's process at the drill's DNS responder, which stands for the network's resolver and the zone's name servers alike.
import { Resolver } from 'node:dns/promises';

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
