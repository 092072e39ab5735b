// The jobs that follow the writer: deployed in both regions, each with IAM scoped to its own region's resources.
import type { Template } from 'aws-cdk-lib/assertions';
import { STAGES } from '../../lib/config';
import { regionCode, stackName } from '../../lib/naming';
import { synthStage } from '../helpers/synth';

type Resource = { Properties: Record<string, unknown> };
type Statement = { Effect?: string; Action: string | string[]; Resource: unknown; Condition?: unknown };

/** The jobs, by the construct id their function, policy and schedules are named after. */
const JOBS = ['IntegrityCheck', 'RedisBackup', 'WeeklyAuroraBackup'] as const;

function regions(stage: (typeof STAGES)[number]) {
  const { config, template } = synthStage(stage);
  return config.regions.map((region) => {
    const peer = config.regions.find((other) => other !== region)!;
    return { config, region, peer, template: template(stackName(config, region, 'Automation')) };
  });
}

const resourcesOf = (template: Template, type: string) =>
  Object.entries(template.findResources(type)) as [string, Resource][];

/** The function of `job` (its logical id is the job's id and a hash). */
function functionOf(template: Template, job: string): Resource {
  const found = resourcesOf(template, 'AWS::Lambda::Function').filter(([id]) =>
    new RegExp(`^${job}[0-9A-F]{8}$`).test(id),
  );
  expect(found).toHaveLength(1);
  return found[0]![1];
}

/** The statements `job`'s function may use. */
function statementsOf(template: Template, job: string): Statement[] {
  const found = resourcesOf(template, 'AWS::IAM::ManagedPolicy').filter(([id]) => new RegExp(`^${job}Policy`).test(id));
  expect(found).toHaveLength(1);
  return (found[0]![1].Properties.PolicyDocument as { Statement: Statement[] }).Statement;
}

const actions = (statement: Statement) => [statement.Action].flat();
const withAction = (statements: Statement[], action: string) => statements.filter((s) => actions(s).includes(action));

describe.each(STAGES)('%s', (stage) => {
  test.each(JOBS)('%s runs in both regions, on the same schedule, each on its own region', (job) => {
    for (const { template, region, peer, config } of regions(stage)) {
      const environment = (functionOf(template, job).Properties.Environment as { Variables: Record<string, string> })
        .Variables;
      expect(environment).toMatchObject({
        GLOBAL_CLUSTER_IDENTIFIER: `async-toolformer-${stage}-global`,
        CLUSTER_IDENTIFIER: `async-toolformer-${stage}-${regionCode(region.region)}`,
      });
      if (job !== 'WeeklyAuroraBackup') {
        expect(environment).toMatchObject({
          PEER_REGION: peer.region,
          // Without a Global Datastore the groups are standalone by design: the Aurora writer decides.
          STANDALONE_CACHE_FOLLOWS_WRITER: String(!config.cache.globalDatastore),
        });
      }
    }
  });

  test.each(JOBS)("%s may find the writer only through its own region and the stage's global cluster", (job) => {
    for (const { template, region, config } of regions(stage)) {
      const statements = statementsOf(template, job);
      const globalCluster = `arn:aws:rds::${config.account}:global-cluster:async-toolformer-${stage}-global`;
      const lookups = withAction(statements, 'rds:DescribeGlobalClusters');
      const followsWriter = job !== 'RedisBackup' || !config.cache.globalDatastore;
      expect(lookups.map((s) => s.Resource)).toEqual(followsWriter ? [globalCluster] : []);
      const groups = withAction(statements, 'elasticache:DescribeReplicationGroups');
      expect(groups.map((s) => s.Resource)).toEqual(
        job === 'WeeklyAuroraBackup'
          ? []
          : [
              `arn:aws:elasticache:${region.region}:${config.account}:replicationgroup:async-toolformer-${stage}-${regionCode(region.region)}`,
            ],
      );
    }
  });

  test.each(['RedisBackup', 'WeeklyAuroraBackup'] as const)(
    '%s acts only on its own region: every ARN it may touch names its region and nothing of the other',
    (job) => {
      for (const { template, region, peer } of regions(stage)) {
        const text = JSON.stringify(statementsOf(template, job));
        expect(text).not.toContain(peer.region);
        expect(text).not.toContain(`-${regionCode(peer.region)}`);
        // Only the global cluster's ARN has no region.
        const arns = text.match(/arn:aws:(rds|elasticache|ssm|kms|backup):[a-z0-9-]*:/g) ?? [];
        expect(arns.length).toBeGreaterThan(0);
        for (const arn of arns) expect(['', region.region]).toContain(arn.split(':')[3]);
      }
    },
  );

  test('the daily check writes only in its own region; it reads the other only for the copies of its backups', () => {
    for (const { template, region } of regions(stage)) {
      const statements = statementsOf(template, 'IntegrityCheck');
      // A Deny (every job's on deleting -latest) takes a permission away; only what is allowed writes.
      const writes = statements.filter(
        (s) =>
          s.Effect !== 'Deny' &&
          actions(s).some((action) => /^(rds|elasticache|ssm|s3|backup|kms):(Put|Create|Delete|Copy)/.test(action)),
      );
      expect(writes.map((s) => s.Resource)).toEqual([expect.stringContaining(`arn:aws:ssm:${region.region}:`)]);
    }
  });

  test("the weekly job may use only its own region's database key, and only through RDS there", () => {
    for (const { template, region } of regions(stage)) {
      const [grant, ...others] = withAction(statementsOf(template, 'WeeklyAuroraBackup'), 'kms:CreateGrant');
      expect(others).toEqual([]);
      expect(grant!.Condition).toEqual({ StringEquals: { 'kms:ViaService': `rds.${region.region}.amazonaws.com` } });
      expect(JSON.stringify(grant!.Resource)).toContain(
        `"StackName":"AsyncToolformer-${stage}-${regionCode(region.region)}-Protection"`,
      );
    }
  });
});
