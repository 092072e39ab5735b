// The drill can fail: the region-loss scenario against a mutated definition (its cache branch dropped) must fail.
import { copyFileSync, mkdtempSync, readFileSync, readdirSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { readAssembly, type Template } from '../../scripts/drill/assembly';
import { findScenario } from '../../scripts/drill/scenarios';
import { runScenario } from '../../scripts/drill/session';
import { testAssemblyDir } from '../helpers/global-setup';
import { STAGE, useDrillServer } from './harness';

const drill = useDrillServer();

/**
 * Removes, from every state machine of `dir`'s templates, each Parallel branch that calls ElastiCache.
 * The definition is a Fn::Join of text and tokens: each token becomes a marker while the JSON is
 * edited, then the text is split back around the markers.
 */
function dropCacheBranches(dir: string): number {
  let dropped = 0;
  const prune = (states: Record<string, { Type: string; Branches?: { States: Record<string, never> }[] }>) => {
    for (const state of Object.values(states)) {
      if (state.Type !== 'Parallel' || !state.Branches) continue;
      const kept = state.Branches.filter((branch) => !JSON.stringify(branch).includes(':elasticache:'));
      dropped += state.Branches.length - kept.length;
      state.Branches = kept;
      for (const branch of kept) prune(branch.States);
    }
  };
  for (const file of readdirSync(dir).filter((name) => name.endsWith('.template.json'))) {
    const template = JSON.parse(readFileSync(join(dir, file), 'utf8')) as Template;
    for (const resource of Object.values(template.Resources)) {
      const definition = resource.Properties?.DefinitionString as { 'Fn::Join'?: [string, unknown[]] } | undefined;
      if (resource.Type !== 'AWS::StepFunctions::StateMachine' || !definition?.['Fn::Join']) continue;
      const tokens: unknown[] = [];
      const text = definition['Fn::Join'][1]
        .map((part) => (typeof part === 'string' ? part : `@@token${tokens.push(part) - 1}@@`))
        .join('');
      const asl = JSON.parse(text) as { States: Parameters<typeof prune>[0] };
      prune(asl.States);
      const parts = JSON.stringify(asl)
        .split(/@@token(\d+)@@/)
        .map((piece, index) => (index % 2 ? tokens[Number(piece)] : piece));
      definition['Fn::Join'] = ['', parts];
    }
    writeFileSync(join(dir, file), JSON.stringify(template));
  }
  return dropped;
}

test('fails when the failover definition no longer promotes the cache (its cache branch dropped)', async () => {
  const copy = mkdtempSync(join(tmpdir(), 'drill-mutant-'));
  drill.scratch.push(copy);
  for (const file of readdirSync(testAssemblyDir(STAGE)).filter((name) => name.endsWith('.json'))) {
    copyFileSync(join(testAssemblyDir(STAGE), file), join(copy, file));
  }
  expect(dropCacheBranches(copy)).toBeGreaterThan(0);
  const result = await runScenario(drill.target(), findScenario('region-loss')!, {
    stage: STAGE,
    assembly: readAssembly(copy),
  });
  expect(result.passed).toBe(false);
  expect(result.checks).toContainEqual(
    expect.objectContaining({ name: 'the cache primary is in the secondary region', passed: false }),
  );
}, 90_000);
