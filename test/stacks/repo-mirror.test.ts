// Repository mirrors in the templates: a retained, versioned, Object-Locked bucket per region, and one OIDC role of main that can only put bundles there.
import { Match } from 'aws-cdk-lib/assertions';
import { STAGES, type RegionRole } from '../../lib/config';
import { freezeParameters } from '../../lib/contract/deploy-freeze';
import { repoMirrorBucketName, repoMirrorRoleName } from '../../lib/naming';
import { synthStage } from '../helpers/synth';

const roles: RegionRole[] = ['primary', 'secondary'];

describe.each(STAGES)('%s', (stage) => {
  const protection = (role: RegionRole) => {
    const synthesized = synthStage(stage);
    return { synthesized, template: synthesized.template(synthesized.stack(role, 'Protection').stackName) };
  };

  test.each(roles)(
    '%s: the mirror bucket is retained, versioned, locked by default in the stage mode, and expires after the lock',
    (role) => {
      const { synthesized, template } = protection(role);
      const { config } = synthesized;
      const days = config.pipeline.mirrorRetention.toDays();
      const name = repoMirrorBucketName(config, synthesized.region(role));
      template.hasResource('AWS::S3::Bucket', {
        DeletionPolicy: 'Retain',
        UpdateReplacePolicy: 'Retain',
        Properties: {
          BucketName: name,
          VersioningConfiguration: { Status: 'Enabled' },
          ObjectLockConfiguration: {
            ObjectLockEnabled: 'Enabled',
            Rule: { DefaultRetention: { Mode: config.objectLock.mode.toUpperCase(), Days: days } },
          },
          LifecycleConfiguration: {
            Rules: [
              {
                Status: 'Enabled',
                ExpirationInDays: days + 1,
                NoncurrentVersionExpiration: { NoncurrentDays: days + 1 },
              },
            ],
          },
        },
      });
      template.hasResourceProperties('AWS::SSM::Parameter', {
        Name: freezeParameters(stage).repoMirrorBucket,
        Value: { Ref: Match.stringLikeRegexp('^RepoMirror') },
      });
    },
  );

  test('one role, in the primary: only main of the repository may assume it, and it may only put bundles into both buckets', () => {
    const { synthesized, template } = protection('primary');
    const { config } = synthesized;
    template.hasResourceProperties('AWS::IAM::Role', {
      RoleName: repoMirrorRoleName(config),
      AssumeRolePolicyDocument: {
        Statement: [
          {
            Action: 'sts:AssumeRoleWithWebIdentity',
            Effect: 'Allow',
            Principal: {
              Federated: `arn:aws:iam::${config.account}:oidc-provider/token.actions.githubusercontent.com`,
            },
            Condition: {
              StringEquals: {
                'token.actions.githubusercontent.com:aud': 'sts.amazonaws.com',
                'token.actions.githubusercontent.com:sub': `repo:${config.pipeline.githubRepository}:ref:refs/heads/main`,
              },
            },
          },
        ],
      },
    });
    const policies = Object.values(template.findResources('AWS::IAM::ManagedPolicy')).filter((policy) =>
      JSON.stringify(policy).includes('repo-mirror'),
    );
    expect(policies).toHaveLength(1);
    const statements = (policies[0]!.Properties as { PolicyDocument: { Statement: unknown[] } }).PolicyDocument
      .Statement;
    expect(statements).toEqual([
      {
        Action: 's3:PutObject',
        Effect: 'Allow',
        Resource: config.regions.map((region) => `arn:aws:s3:::${repoMirrorBucketName(config, region)}/bundles/*`),
      },
    ]);
    expect(
      protection('secondary').template.findResources('AWS::IAM::Role', {
        Properties: { RoleName: repoMirrorRoleName(config) },
      }),
    ).toEqual({});
  });
});
