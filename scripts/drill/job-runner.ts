// Runs one job handler in its own process, as the state machine that wraps it would: the state it returns goes back in until it is done.
// Usage (from scripts/drill/jobs.ts): node --import tsx scripts/drill/job-runner.ts <handler module> <first state JSON>
// The environment is the function's, as synthesized, pointed at the drill server. Prints one JSON line: {states} or {error}.
import { resolve } from 'node:path';
import { pointResolversAt, routeCacheConnections } from './drill-resolver';

/** Steps a run may take before the runner gives up (the state machines loop on Done?). */
const MAX_STEPS = 20;

async function main(): Promise<void> {
  const [modulePath, first] = process.argv.slice(2);
  if (!modulePath || !first) throw new Error('usage: job-runner.ts <handler module> <first state JSON>');
  // Set by a scenario that answers the handler's DNS lookups (the drill server's responder).
  if (process.env.DRILL_DNS_SERVER) pointResolversAt(process.env.DRILL_DNS_SERVER);
  // Set for a job that talks to the cache: its TLS connections to cache nodes reach the drill's redis-server.
  if (process.env.DRILL_CACHE_ROUTE) routeCacheConnections(process.env.DRILL_CACHE_ROUTE);
  const { handler } = (await import(resolve(modulePath))) as { handler: (event: unknown) => Promise<unknown> };
  const states: unknown[] = [];
  let state: unknown = JSON.parse(first);
  try {
    for (let step = 0; step < MAX_STEPS; step += 1) {
      state = await handler(state);
      states.push(state);
      const phase = (state as { phase?: string } | null)?.phase;
      if (phase === undefined || phase === 'done') break;
    }
    process.stdout.write(`${JSON.stringify({ states })}\n`);
  } catch (error) {
    const { name, message } = error as Error;
    process.stdout.write(`${JSON.stringify({ states, error: { name, message } })}\n`);
  }
}

main().catch((error: unknown) => {
  process.stdout.write(`${JSON.stringify({ states: [], error: { name: 'RunnerError', message: String(error) } })}\n`);
});
