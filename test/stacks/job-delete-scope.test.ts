// Each job role may delete only what its job names and tags, and no role may delete the current -latest snapshot.
import type { Template } from 'aws-cdk-lib/assertions';
import { STAGES, type RegionRole } from '../../lib/config';
import {
  AURORA_RESTORE_TEST_INSTANCE_PREFIX,
  LATEST_ROTATION,
  REDIS_BACKUP_SNAPSHOTS,
  REDIS_BACKUP_SNAPSHOT_TAG,
  RESTORE_TEST_TAG,
  WEEKLY_SNAPSHOT_TAG,
} from '../../lib/contract';
import {
  RESTORE_TEST_GROUP_PREFIX,
  cacheReplicationGroupId,
  clusterIdentifier,
  latestSnapshotIdentifier,
} from '../../lib/naming';
import { synthStage } from '../helpers/synth';

interface Statement {
  readonly Effect: 'Allow' | 'Deny';
  readonly Action: string | string[];
  readonly Resource: unknown;
  readonly Condition?: Record<string, Record<string, unknown>>;
}

/** A CloudFormation value as text, tokens joined, so an ARN pattern can be matched by its name part. */
const text = (value: unknown): string => {
  if (typeof value === 'string') return value;
  if (Array.isArray(value)) return value.map(text).join('');
  if (value && typeof value === 'object') {
    const [fn, args] = Object.entries(value)[0]!;
    if (fn === 'Fn::Join') return (args as [string, unknown[]])[1].map(text).join((args as [string])[0]);
    return `{${fn}}`;
  }
  return String(value);
};
const actions = (s: Statement) => [s.Action].flat();

/**
 * Deletes of the platform, not of data: Lambda in a VPC removes its own network interfaces, and
 * Step Functions its log delivery; CDK writes both.
 */
const PLATFORM_DELETES = new Set(['ec2:DeleteNetworkInterface', 'logs:DeleteLogDelivery']);
const resourceNames = (s: Statement) => [s.Resource].flat().map(text);

/** Every statement of every policy attached to a role, by the role's logical id. */
function statementsByRole(template: Template): Map<string, Statement[]> {
  const byRole = new Map<string, Statement[]>();
  const policies = {
    ...template.findResources('AWS::IAM::ManagedPolicy'),
    ...template.findResources('AWS::IAM::Policy'),
  };
  for (const policy of Object.values(policies)) {
    const { PolicyDocument, Roles = [] } = policy.Properties as {
      PolicyDocument: { Statement: Statement[] };
      Roles?: { Ref: string }[];
    };
    for (const role of Roles) byRole.set(role.Ref, [...(byRole.get(role.Ref) ?? []), ...PolicyDocument.Statement]);
  }
  return byRole;
}

/** Logical ids of the roles of the stack's Lambda functions: the jobs. */
function functionRoles(template: Template): string[] {
  return Object.values(template.findResources('AWS::Lambda::Function'))
    .map((fn) => (fn.Properties as { Role: { 'Fn::GetAtt': [string, string] } }).Role['Fn::GetAtt']?.[0])
    .filter((role): role is string => typeof role === 'string');
}

describe.each(STAGES.flatMap((stage) => (['primary', 'secondary'] as RegionRole[]).map((role) => [stage, role])))(
  '%s %s Automation',
  (stage, role) => {
    const synthesized = synthStage(stage as (typeof STAGES)[number]);
    const { config } = synthesized;
    const region = synthesized.region(role as RegionRole);
    const template = () => synthesized.template(synthesized.stack(role as RegionRole, 'Automation').stackName);
    const latest = latestSnapshotIdentifier(config);
    const slots = [`cluster-snapshot:${latest}`, `cluster-snapshot:${latest}${LATEST_ROTATION.nextSuffix}`];

    /** The only deletes any job may do: its own name pattern, with its own tag required on the target. */
    const allowedDeletes: Record<string, { readonly resources: readonly string[]; readonly tag: string }> = {
      'rds:DeleteDBClusterSnapshot': {
        resources: [`cluster-snapshot:${clusterIdentifier(config, region)}-weekly-*`, ...slots],
        tag: `aws:ResourceTag/${WEEKLY_SNAPSHOT_TAG.key}=${WEEKLY_SNAPSHOT_TAG.value}`,
      },
      'elasticache:DeleteSnapshot': {
        resources: [`snapshot:${cacheReplicationGroupId(config, region)}-*${REDIS_BACKUP_SNAPSHOTS.suffix}`],
        tag: `aws:ResourceTag/${REDIS_BACKUP_SNAPSHOT_TAG.key}=${REDIS_BACKUP_SNAPSHOT_TAG.value}`,
      },
      'elasticache:DeleteReplicationGroup': {
        resources: [`replicationgroup:${RESTORE_TEST_GROUP_PREFIX}*`, `cluster:${RESTORE_TEST_GROUP_PREFIX}*`],
        tag: `aws:ResourceTag/${RESTORE_TEST_TAG.key}=${RESTORE_TEST_TAG.value}`,
      },
      // The Aurora restore test's temporary instance in the cluster AWS Backup restored.
      'rds:DeleteDBInstance': {
        resources: [`db:${AURORA_RESTORE_TEST_INSTANCE_PREFIX}*`],
        tag: `aws:ResourceTag/${RESTORE_TEST_TAG.key}=${RESTORE_TEST_TAG.value}`,
      },
    };

    test("each job role's deletes are scoped to its job's name pattern and conditioned on its tag", () => {
      const findings: string[] = [];
      for (const [roleId, statements] of statementsByRole(template())) {
        for (const statement of statements.filter((s) => s.Effect === 'Allow')) {
          for (const action of actions(statement).filter((a) => /:(Delete|Remove)[A-Z]/.test(a) || a.endsWith('*'))) {
            if (action === 'rds:RemoveTagsFromResource' || PLATFORM_DELETES.has(action)) continue;
            const allowed = allowedDeletes[action];
            const names = resourceNames(statement);
            const tags = Object.entries(statement.Condition?.StringEquals ?? {}).map(([k, v]) => `${k}=${String(v)}`);
            if (!allowed) findings.push(`${roleId}: ${action} is no job's delete`);
            else if (!names.every((name) => allowed.resources.some((pattern) => name.endsWith(`:${pattern}`))))
              findings.push(`${roleId}: ${action} on ${names.join(', ')}`);
            else if (!tags.includes(allowed.tag)) findings.push(`${roleId}: ${action} without ${allowed.tag}`);
          }
        }
      }
      expect(findings).toEqual([]);
    });

    test('every job role that may call RDS or ElastiCache is denied deleting the current -latest; only the weekly job may delete a copy that is not current', () => {
      const byRole = statementsByRole(template());
      const reaches = (roleId: string) =>
        (byRole.get(roleId) ?? []).some(
          (s) => s.Effect === 'Allow' && actions(s).some((a) => /^(rds|elasticache):/.test(a)),
        );
      const roles = functionRoles(template()).filter(reaches);
      expect(roles.length).toBeGreaterThan(0);
      for (const roleId of roles) {
        const denies = (byRole.get(roleId) ?? []).filter(
          (s) => s.Effect === 'Deny' && actions(s).includes('rds:DeleteDBClusterSnapshot'),
        );
        expect({ roleId, denies: denies.length }).toEqual({ roleId, denies: 1 });
        const [deny] = denies;
        expect(resourceNames(deny!).map((name) => name.replace(/^.*:(cluster-snapshot:)/, '$1'))).toEqual(slots);
        const rotates = (byRole.get(roleId) ?? []).some(
          (s) => s.Effect === 'Allow' && actions(s).includes('rds:DeleteDBClusterSnapshot'),
        );
        expect(deny!.Condition).toEqual(
          rotates
            ? {
                StringEquals: {
                  [`aws:ResourceTag/${LATEST_ROTATION.currentTag.key}`]: LATEST_ROTATION.currentTag.value,
                },
              }
            : undefined,
        );
      }
    });
  },
);
