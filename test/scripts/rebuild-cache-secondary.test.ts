// The detached-cache rebuild against a stand-in aws CLI that keeps ElastiCache's state in files: bad input never reaches AWS, and a rebuild runs its steps in order, once.
import { existsSync, mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import { join, resolve } from 'node:path';
import { loadConfig } from '../../lib/config';
import { cacheGlobalDatastoreSuffix, cacheReplicationGroupId } from '../../lib/naming';
import { CRASH, expectBadInput, expectHelp, useFakeAws } from './cli-harness';

const SCRIPT = resolve(__dirname, '../../scripts/disaster-recovery/rebuild-cache-secondary.sh');
const OLD = 'fpkhr-async-toolformer-prod';
const TOKEN = 'token-of-32-characters-at-least-x';
const NEW = 'sgaui-async-toolformer-prod';
const SETTINGS = {
  authTokenSecretName: 'async-toolformer/prod/cache/auth-token',
  numCacheClusters: 2,
  kmsKeyId: 'arn:aws:kms:us-east-1:123456789012:key/k',
  port: 6379,
  cacheSubnetGroupName: 'subnets',
  securityGroupIds: ['sg-1', 'sg-2'],
  snapshotRetentionLimit: 7,
  snapshotWindow: '03:00-04:00',
  preferredMaintenanceWindow: 'sun:05:00-sun:06:00',
  notificationTopicArn: 'arn:aws:sns:us-east-1:123456789012:events',
};

/**
 * An `aws` that logs each call and answers like the real CLI with --output text. A group is the file
 * `$FAKE_STATE/<region>/<id>` ("<status> <datastore or None> <role or None>"); a datastore the file
 * `$FAKE_STATE/ds/<id>`. Deletes and creates take effect at once.
 */
const FAKE_AWS = String.raw`#!/usr/bin/env bash
printf '%s\n' "$*" >> "$FAKE_AWS_LOG"
region="$2"; shift 2
arg() { local key="$1"; shift; while [ $# -gt 0 ]; do [ "$1" = "$key" ] && { echo "$2"; return; }; shift; done; }
group="$FAKE_STATE/$region/$(arg --replication-group-id "$@")"
case "$1 $2" in
  "ssm get-parameter")
    case "$(arg --name "$@")" in
      */failover/active-region) echo "$FAKE_ACTIVE" ;;
      */cache/restore-settings) echo "$FAKE_SETTINGS" ;;
      *) echo "unexpected parameter" >&2; exit 255 ;;
    esac ;;
  "ssm put-parameter") echo 2 ;;
  "secretsmanager get-secret-value") echo "$TOKEN_VALUE" ;;
  "elasticache describe-replication-groups")
    [ -f "$group" ] || { echo "An error occurred (ReplicationGroupNotFoundFault): not found" >&2; exit 254; }
    tr ' ' '\t' < "$group" ;;
  "elasticache describe-global-replication-groups")
    [ -f "$FAKE_STATE/ds/$(arg --global-replication-group-id "$@")" ] ||
      { echo "An error occurred (GlobalReplicationGroupNotFoundFault): not found" >&2; exit 254; }
    echo available ;;
  "elasticache delete-global-replication-group")
    rm "$FAKE_STATE/ds/$(arg --global-replication-group-id "$@")"
    echo 'available None None' > "$FAKE_STATE/us-east-1/async-toolformer-prod-use1"; echo deleting ;;
  "elasticache delete-replication-group") rm "$group"; echo deleting ;;
  "elasticache create-global-replication-group")
    touch "$FAKE_STATE/ds/${NEW}"
    echo "available ${NEW} PRIMARY" > "$FAKE_STATE/us-west-2/$(arg --primary-replication-group-id "$@")"; echo "${NEW}" ;;
  "elasticache create-replication-group")
    cp "$(arg --cli-input-json "$@" | sed 's|^file://||')" "$FAKE_STATE/create-input.json"
    echo "available $(arg --global-replication-group-id "$@") SECONDARY" > "$group"; echo creating ;;
  *) echo "fake aws: unexpected call: $*" >&2; exit 255 ;;
esac
`;

const aws = useFakeAws('rebuild-cache-', FAKE_AWS);
let state: string;

/** The world after an activation that detached us-west-2: the old datastore keeps only us-east-1's stale group. */
beforeEach(() => {
  state = join(aws.work, `state-${Math.random().toString(36).slice(2)}`);
  for (const dir of ['us-east-1', 'us-west-2', 'ds']) mkdirSync(join(state, dir), { recursive: true });
  writeFileSync(join(state, 'us-west-2', 'async-toolformer-prod-usw2'), 'available None None');
  writeFileSync(join(state, 'us-east-1', 'async-toolformer-prod-use1'), `available ${OLD} PRIMARY`);
  writeFileSync(join(state, 'ds', OLD), '');
});

function run(args: string[], env: Record<string, string> = {}) {
  return aws.run(SCRIPT, args, {
    FAKE_STATE: state,
    FAKE_ACTIVE: 'us-west-2',
    FAKE_SETTINGS: JSON.stringify(SETTINGS),
    TOKEN_VALUE: TOKEN,
    REBUILD_POLL_SECONDS: '0',
    ...env,
  });
}

/** The calls that change something, without their --query and --output. */
const changes = (calls: string[]) =>
  calls
    .filter((call) => / (delete|create|put)-/.test(call))
    .map((call) =>
      call
        .replace(/ --query \S+ --output text$/, '')
        .split(' ')
        .slice(0, 4)
        .join(' '),
    );

test.each([['--help'], ['-h'], ['--stage', 'dev', '--help']])(
  '%s prints the usage on stdout and exits 0, before any AWS call',
  (...args) => expectHelp(run(args), 'rebuild-cache-secondary.sh'),
);

test.each<[string, string[], string, Record<string, string>?]>([
  ['an unknown stage', ['--stage', 'dev'], "unknown stage 'dev'; use prod"],
  ['staging, which has no Global Datastore', ['--stage', 'staging'], 'stage staging has no Global Datastore'],
  ['a flag instead of a stage', ['--stage', '--yes'], '--stage needs a value'],
  ['no stage after --stage', ['--stage'], '--stage needs a value'],
  ['an unknown argument', ['--force'], 'unknown argument: --force'],
  ['an extra positional argument', ['--yes', 'prod'], 'unknown argument: prod'],
  [
    'a poll interval that is no number',
    ['--yes'],
    "REBUILD_POLL_SECONDS must be a number of seconds, got: 'x'",
    { REBUILD_POLL_SECONDS: 'x' },
  ],
  [
    'a negative timeout',
    ['--yes'],
    "REBUILD_TIMEOUT_SECONDS must be a whole number of seconds, got: '-1'",
    { REBUILD_TIMEOUT_SECONDS: '-1' },
  ],
])('fails when given %s: exit 2, the problem and the usage, before any AWS call', (_label, args, problem, env = {}) => {
  expectBadInput(run(args, env), 'rebuild-cache-secondary', problem);
});

test('fails with no terminal and no --yes: exit 2, nothing changed', () => {
  const result = run([]);
  expect(result).toMatchObject({ status: 2, stdout: '', calls: [] });
  expect(result.stderr).toMatch(/deletes us-east-1's stale cache group .*pass --yes\n$/);
  expect(result.stderr).not.toMatch(CRASH);
});

test('knows which stages have a Global Datastore, and the names the stacks give', () => {
  expect(loadConfig({ stage: 'prod' }).cache.globalDatastore).toBe(true);
  expect(loadConfig({ stage: 'staging' }).cache.globalDatastore).toBe(false);
  const prod = loadConfig({ stage: 'prod' });
  expect(cacheGlobalDatastoreSuffix(prod)).toBe('async-toolformer-prod');
  expect(prod.regions.map((region) => [region.region, cacheReplicationGroupId(prod, region)])).toEqual([
    ['us-east-1', 'async-toolformer-prod-use1'],
    ['us-west-2', 'async-toolformer-prod-usw2'],
  ]);
});

test('--dry-run shows the plan and makes only read calls', () => {
  const result = run(['--dry-run']);
  expect(result.status).toBe(0);
  expect(changes(result.calls)).toEqual([]);
  expect(result.stderr).toContain(`- delete the old Global Datastore ${OLD}, keeping async-toolformer-prod-use1`);
  expect(result.stderr).toContain(
    '- create a Global Datastore (suffix async-toolformer-prod) with async-toolformer-prod-usw2',
  );
  expect(result.stderr).toContain('dry run: nothing was changed');
});

test('rebuilds in order: old datastore, stale group, new datastore around the live group, new secondary, id', () => {
  const result = run(['--yes']);
  expect(result).toMatchObject({ status: 0, stdout: `${NEW}\n` });
  expect(changes(result.calls)).toEqual([
    '--region us-east-1 elasticache delete-global-replication-group',
    '--region us-east-1 elasticache delete-replication-group',
    '--region us-west-2 elasticache create-global-replication-group',
    '--region us-east-1 elasticache create-replication-group',
    '--region us-east-1 ssm put-parameter',
  ]);
  const create = result.calls.find((call) => call.includes('create-replication-group'))!;
  expect(create).toContain(`--replication-group-id async-toolformer-prod-use1 `);
  expect(create).toContain(`--global-replication-group-id ${NEW} --num-cache-clusters 2 `);
  expect(create).toContain('--security-group-ids sg-1 sg-2 ');
  // The AUTH token reaches the CLI in a file, never on its command line, and the file is gone afterwards.
  expect(result.calls.join('\n')).not.toContain(TOKEN);
  expect(JSON.parse(readFileSync(join(state, 'create-input.json'), 'utf8'))).toEqual({ AuthToken: TOKEN });
  const input = /--cli-input-json file:\/\/(\S+)/.exec(create)![1]!;
  expect(existsSync(input)).toBe(false);
  expect(result.calls.find((call) => call.includes('delete-global-replication-group'))).toContain(
    '--retain-primary-replication-group',
  );
  expect(result.calls.find((call) => call.includes('delete-replication-group'))).toMatch(
    /--final-snapshot-identifier async-toolformer-prod-use1-stale-\d{12} /,
  );
  expect(result.stderr).toMatch(
    /\+ +\d+s {2}async-toolformer-prod-use1 in us-east-1: available sgaui-async-toolformer-prod SECONDARY/,
  );
  expect(readFileSync(join(state, 'us-west-2', 'async-toolformer-prod-usw2'), 'utf8')).toContain(`${NEW} PRIMARY`);
  expect(existsSync(join(state, 'ds', OLD))).toBe(false);
});

test('a second run finds the rebuild done and only writes the id again', () => {
  expect(run(['--yes']).status).toBe(0);
  writeFileSync(aws.log, '');
  const again = run(['--yes']);
  expect(again.status).toBe(0);
  expect(changes(again.calls)).toEqual(['--region us-east-1 ssm put-parameter']);
});

test('refuses when us-west-2 is not the active region, and changes nothing', () => {
  const result = run(['--yes'], { FAKE_ACTIVE: 'us-east-1' });
  expect(result.status).toBe(1);
  expect(changes(result.calls)).toEqual([]);
  expect(result.stderr).toContain('names us-east-1: the rebuild follows an activation of us-west-2 only');
});

test('refuses when the live group was never detached (a secondary), and changes nothing', () => {
  writeFileSync(join(state, 'us-west-2', 'async-toolformer-prod-usw2'), `available ${OLD} SECONDARY`);
  const result = run(['--yes']);
  expect(result.status).toBe(1);
  expect(changes(result.calls)).toEqual([]);
  expect(result.stderr).toContain(`is a secondary of ${OLD}: it was never detached`);
});

test('refuses before changing anything when the restore settings lack a field', () => {
  // JSON.stringify leaves out a field that is undefined.
  const result = run(['--yes'], { FAKE_SETTINGS: JSON.stringify({ ...SETTINGS, kmsKeyId: undefined }) });
  expect(result.status).toBe(1);
  expect(changes(result.calls)).toEqual([]);
  expect(result.stderr).toContain(
    '/async-toolformer/prod/cache/restore-settings in us-east-1 has no kmsKeyId; redeploy',
  );
});
