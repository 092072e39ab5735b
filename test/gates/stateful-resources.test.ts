// The resources that hold data keep their logical ids: a changed id makes CloudFormation replace them.
import { readFileSync, readdirSync } from 'node:fs';
import { join } from 'node:path';
import { STAGES } from '../../lib/config';
import { testAssemblyDir } from '../helpers/synth';

/** Types whose replacement loses data or the ability to read it; anything with a retaining DeletionPolicy counts too. */
const STATEFUL_TYPES = new Set([
  'AWS::S3::Bucket',
  'AWS::RDS::DBCluster',
  'AWS::RDS::GlobalCluster',
  'AWS::ElastiCache::ReplicationGroup',
  'AWS::ElastiCache::GlobalReplicationGroup',
  'AWS::KMS::Key',
  'AWS::Backup::BackupVault',
  'AWS::SecretsManager::Secret',
  'AWS::Logs::LogGroup',
]);
const RETAINING = new Set(['Retain', 'Snapshot', 'RetainExceptOnCreate']);

/** Committed before the structure refactor (issue 11): stage -> stack -> logical id -> type. */
const EXPECTED = JSON.parse(
  readFileSync(join(__dirname, '..', 'fixtures', 'stateful-resources.json'), 'utf8'),
) as Record<string, Record<string, Record<string, string>>>;

interface Resource {
  readonly Type: string;
  readonly DeletionPolicy?: string;
}

function statefulResources(stage: string): Record<string, Record<string, string>> {
  const dir = testAssemblyDir(stage as (typeof STAGES)[number]);
  const stacks: Record<string, Record<string, string>> = {};
  for (const file of readdirSync(dir)
    .filter((name) => name.endsWith('.template.json'))
    .sort()) {
    const { Resources } = JSON.parse(readFileSync(join(dir, file), 'utf8')) as { Resources: Record<string, Resource> };
    const stateful = Object.entries(Resources)
      .filter(([, r]) => STATEFUL_TYPES.has(r.Type) || RETAINING.has(r.DeletionPolicy ?? ''))
      .sort(([a], [b]) => a.localeCompare(b))
      .map(([id, r]) => [id, r.Type] as const);
    stacks[file.slice(0, -'.template.json'.length)] = Object.fromEntries(stateful);
  }
  return stacks;
}

test.each(STAGES)(
  '%s: every stateful resource keeps its logical id and type (update test/fixtures/stateful-resources.json only when adding one)',
  (stage) => {
    const actual = statefulResources(stage);
    const lines = (stacks: Record<string, Record<string, string>>) =>
      Object.entries(stacks).flatMap(([stack, resources]) =>
        Object.entries(resources).map(([id, type]) => `${stack} ${id} ${type}`),
      );
    const expected = new Set(lines(EXPECTED[stage] ?? {}));
    const found = new Set(lines(actual));
    // Listed separately, so a failure names what a deploy would replace, not just that something changed.
    expect({ replacedOrRemoved: [...expected].filter((line) => !found.has(line)) }).toEqual({ replacedOrRemoved: [] });
    expect({ new: [...found].filter((line) => !expected.has(line)) }).toEqual({ new: [] });
  },
);
