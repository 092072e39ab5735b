// Config validation of pipeline: the GitHub repository, the deploy roles the freeze guards, the bundles' lock.
import { Duration } from 'aws-cdk-lib';
import { configProblems, loadConfig, type DrConfig, type PipelineConfig } from '../../lib/config';

const staging = loadConfig({ stage: 'staging' });

function withPipeline(changes: Partial<Record<keyof PipelineConfig, unknown>>): DrConfig {
  return { ...staging, pipeline: { ...staging.pipeline, ...changes } } as DrConfig;
}

const problems = (config: DrConfig) =>
  configProblems(config).map((p) => `${p.field} = ${JSON.stringify(p.value)}: ${p.fix}`);

test('the defaults are valid and name one deploy role per stage', () => {
  expect(loadConfig({ stage: 'prod' }).pipeline.deployRoleNames).toEqual(['github-deploy-prod']);
  expect(problems(staging)).toEqual([]);
});

test.each<[string, Partial<Record<keyof PipelineConfig, unknown>>, string]>([
  [
    'the repository is a URL',
    { githubRepository: 'https://github.com/a/b' },
    'pipeline.githubRepository = "https://github.com/a/b": must be GitHub\'s owner/name of this repository, such as my-org/async-toolformer-dr: the mirror role trusts its main branch only',
  ],
  [
    'no deploy role is named',
    { deployRoleNames: [] },
    'pipeline.deployRoleNames = []: name at least the role of AWS_DEPLOY_ROLE_ARN: a freeze that no role obeys holds only against honest workflows',
  ],
  [
    'a deploy role is an ARN',
    { deployRoleNames: ['arn:aws:iam::123456789012:role/deploy'] },
    'pipeline.deployRoleNames[0] = "arn:aws:iam::123456789012:role/deploy": must be an IAM role name (1 to 64 of letters, digits and +=,.@_-), not an ARN',
  ],
  [
    'a deploy role is named twice',
    { deployRoleNames: ['deploy', 'deploy'] },
    'pipeline.deployRoleNames[1] = "deploy": a role given twice; the freeze guard is attached to each role once, so list it once',
  ],
  [
    'the lock is part of a day',
    { mirrorRetention: Duration.hours(36) },
    'pipeline.mirrorRetention = "1 day 12 hours": S3 Object Lock keeps whole days; use Duration.days(n)',
  ],
  [
    'the lock is longer than a year',
    { mirrorRetention: Duration.days(400) },
    'pipeline.mirrorRetention = "400 days": must be from 1 to 365 days: S3 needs at least 1, and a longer compliance lock is storage nobody can delete for years',
  ],
])('fails when %s, naming the field and the fix', (_case, changes, message) => {
  expect(problems(withPipeline(changes))).toEqual([message]);
});
