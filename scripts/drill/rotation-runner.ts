// Runs a rotation function's steps in one process, as Secrets Manager invokes them (or one Lambda invocation, moto_drill/lambda_invoke.py): each event in order, stopping at the first that throws.
// Usage (from scripts/drill/moto_drill/secrets_rotation.py): node --import tsx scripts/drill/rotation-runner.ts <handler module> <events JSON>
// Prints one JSON line: {steps} or {steps, error}; exits 1 when a step failed.
import { resolve } from 'node:path';
import { pointResolversAt, routeCacheConnections } from './drill-resolver';

/** The time a step may wait: Lambda's 15 minutes, far more than the drill's groups need. */
const context = { getRemainingTimeInMillis: () => 900_000 };

async function main(): Promise<void> {
  const [modulePath, eventsJson] = process.argv.slice(2);
  if (!modulePath || !eventsJson) throw new Error('usage: rotation-runner.ts <handler module> <events JSON>');
  // As job-runner.ts: a handler that resolves names or talks to the cache reaches the drill's own.
  if (process.env.DRILL_DNS_SERVER) pointResolversAt(process.env.DRILL_DNS_SERVER);
  if (process.env.DRILL_CACHE_ROUTE) routeCacheConnections(process.env.DRILL_CACHE_ROUTE);
  const { handler } = (await import(resolve(modulePath))) as {
    handler: (event: unknown, context: unknown) => Promise<unknown>;
  };
  const steps: unknown[] = [];
  for (const event of JSON.parse(eventsJson) as unknown[]) {
    try {
      steps.push(await handler(event, context));
    } catch (error) {
      const { name, message } = error as Error;
      process.stdout.write(`${JSON.stringify({ steps, error: { name, message } })}\n`);
      process.exitCode = 1;
      return;
    }
  }
  process.stdout.write(`${JSON.stringify({ steps })}\n`);
}

main().catch((error: unknown) => {
  process.stdout.write(`${JSON.stringify({ steps: [], error: { name: 'RunnerError', message: String(error) } })}\n`);
  process.exitCode = 1;
});
