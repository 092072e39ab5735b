// Least privilege in the synthesized templates of both stages: no log resource policy writes, conditioned service principals on keys, every Resource * acknowledged by the API that forces it, and GitHub's OIDC roles bound to one subject and their one write.
import { Validations } from 'aws-cdk-lib';
import { STAGES, type Stage } from '../../lib/config';
import { LOG_DELIVERY_ACTIONS } from '../../lib/constructs/state-machine-log-delivery';
import { synthStage } from '../helpers/synth';

interface Statement {
  readonly Effect: string;
  readonly Action: string | string[];
  readonly Resource?: unknown;
  readonly Principal?: { Service?: unknown };
  readonly Condition?: Record<string, Record<string, unknown>>;
}

interface Resource {
  readonly Type: string;
  readonly Properties?: Record<string, unknown>;
  readonly DependsOn?: string | string[];
}

/** Every stack of `stage` with its resources, read from the assembly the global setup synthesized. */
function stacksOf(stage: Stage) {
  return synthStage(stage).assembly.stacks.map((stack) => ({
    name: stack.stackName,
    resources: (stack.template as { Resources: Record<string, Resource> }).Resources,
    stack,
  }));
}

const list = <T>(value: T | T[] | undefined): T[] =>
  value === undefined ? [] : Array.isArray(value) ? value : [value];

/** The statements of every identity policy (inline, managed, and inline on roles) of a stack. */
function identityStatements(resources: Record<string, Resource>): { id: string; statement: Statement }[] {
  return Object.entries(resources).flatMap(([id, resource]) => {
    const props = resource.Properties ?? {};
    const documents =
      resource.Type === 'AWS::IAM::Policy' || resource.Type === 'AWS::IAM::ManagedPolicy'
        ? [props.PolicyDocument]
        : resource.Type === 'AWS::IAM::Role'
          ? list(props.Policies as { PolicyDocument: unknown }[]).map((policy) => policy.PolicyDocument)
          : [];
    return documents.flatMap((document) =>
      list((document as { Statement: Statement[] }).Statement).map((statement) => ({ id, statement })),
    );
  });
}

/** Resource policies of CloudWatch Logs are JSON strings in the template, with tokens as `Fn::Join`. */
function logResourcePolicyText(resource: Resource): string {
  return JSON.stringify(resource.Properties?.PolicyDocument);
}

/**
 * Service principals the KMS request of a service carries no aws:SourceArn or aws:SourceAccount for,
 * and why. The SNS developer guide (key management, compatibility with AWS services): adding them to
 * a KMS policy "is not supported for EventBridge-to-encrypted topics"; the grant comes from the
 * rule's SnsTopic target and allows only data keys for publishing.
 */
const UNCONDITIONABLE: Record<string, { actions: string[]; why: string }> = {
  'events.amazonaws.com': {
    actions: ['kms:Decrypt', 'kms:GenerateDataKey*'],
    why: 'EventBridge sends no aws:SourceArn or aws:SourceAccount to KMS when it publishes to an encrypted SNS topic',
  },
};

/** Conditions that tie a service principal's use of a key to our resources. */
function bindsToOurResources(condition: Statement['Condition']): boolean {
  const keys = Object.values(condition ?? {}).flatMap((entries) => Object.keys(entries));
  const has = (key: string) => keys.some((candidate) => candidate.toLowerCase() === key.toLowerCase());
  return (
    (has('aws:SourceArn') && has('aws:SourceAccount')) ||
    keys.some((key) => key.startsWith('kms:EncryptionContext:')) ||
    has('kms:ViaService')
  );
}

describe.each(STAGES)('%s', (stage) => {
  test('no role may write or read log resource policies: state machine log groups carry their own', () => {
    const grants = stacksOf(stage).flatMap(({ name, resources }) =>
      identityStatements(resources)
        .filter(({ statement }) =>
          list(statement.Action).some((action) =>
            ['logs:PutResourcePolicy', 'logs:DescribeResourcePolicies', 'logs:*'].includes(action),
          ),
        )
        .map(({ id }) => `${name} ${id}`),
    );
    expect(grants).toEqual([]);
  });

  test('no role may lift an Object Lock retention: nothing grants s3:BypassGovernanceRetention, s3:* or *', () => {
    const grants = stacksOf(stage).flatMap(({ name, resources }) =>
      identityStatements(resources)
        .filter(
          ({ statement }) =>
            statement.Effect !== 'Deny' &&
            list(statement.Action).some((action) => /^(s3:(\*|BypassGovernanceRetention)|\*)$/i.test(action)),
        )
        .map(({ id }) => `${name} ${id}`),
    );
    expect(grants).toEqual([]);
  });

  test('every state machine log group admits log delivery of this account and region only, before the state machine', () => {
    const machines = stacksOf(stage).flatMap(({ name, resources }) =>
      Object.entries(resources)
        .filter(([, resource]) => resource.Type === 'AWS::StepFunctions::StateMachine')
        .map(([id, resource]) => ({ name, id, resource, resources })),
    );
    expect(machines.length).toBeGreaterThanOrEqual(6);
    for (const { name, id, resource, resources } of machines) {
      const logging = resource.Properties?.LoggingConfiguration as
        { Destinations: { CloudWatchLogsLogGroup: { LogGroupArn: { 'Fn::GetAtt': [string, string] } } }[] } | undefined;
      expect({ machine: `${name} ${id}`, logging: logging !== undefined }).toEqual({
        machine: `${name} ${id}`,
        logging: true,
      });
      const logGroup = logging!.Destinations[0]!.CloudWatchLogsLogGroup.LogGroupArn['Fn::GetAtt'][0];
      const policies = Object.entries(resources).filter(([, r]) => r.Type === 'AWS::Logs::ResourcePolicy');
      const admitting = policies.filter(([, policy]) => logResourcePolicyText(policy).includes(`"${logGroup}"`));
      expect({ machine: `${name} ${id}`, policies: admitting.length }).toEqual({
        machine: `${name} ${id}`,
        policies: 1,
      });
      const [policyId, policy] = admitting[0]!;
      const text = logResourcePolicyText(policy);
      expect(text).toContain('delivery.logs.amazonaws.com');
      expect(text).toContain('aws:SourceAccount');
      expect(text).toContain('aws:SourceArn');
      expect(text).toMatch(/logs:CreateLogStream.*logs:PutLogEvents/);
      expect(list(resource.DependsOn)).toContain(policyId);
      // The execution role keeps only the delivery setup, which takes no resource ARN.
      const roleArn = resource.Properties?.RoleArn as { 'Fn::GetAtt': [string, string] };
      const roleId = roleArn['Fn::GetAtt'][0];
      const managed = JSON.stringify(resources[roleId]?.Properties?.ManagedPolicyArns ?? '');
      const logActions = identityStatements(resources)
        .filter(({ id: policyOf }) => {
          const roles = JSON.stringify(resources[policyOf]?.Properties?.Roles ?? '');
          return policyOf === roleId || roles.includes(`"${roleId}"`) || managed.includes(`"${policyOf}"`);
        })
        .flatMap(({ statement }) => list(statement.Action))
        .filter((action) => action.startsWith('logs:'));
      expect([...new Set(logActions)].sort()).toEqual([...LOG_DELIVERY_ACTIONS].sort());
    }
  });

  test('every service principal in a key policy is bound to our account and resources, or is a named exception', () => {
    const unbound = stacksOf(stage).flatMap(({ name, resources }) =>
      Object.entries(resources)
        .filter(([, resource]) => resource.Type === 'AWS::KMS::Key')
        .flatMap(([keyId, key]) =>
          list((key.Properties?.KeyPolicy as { Statement: Statement[] }).Statement)
            .filter((statement) => statement.Effect === 'Allow' && statement.Principal?.Service !== undefined)
            .flatMap((statement) =>
              list(statement.Principal!.Service as string | string[]).map((service) => ({ service, statement })),
            )
            .filter(({ service, statement }) => {
              if (bindsToOurResources(statement.Condition)) return false;
              const exception = UNCONDITIONABLE[service];
              return !(
                exception &&
                list(statement.Action).every((action) => exception.actions.includes(action)) &&
                // Only on keys of SNS topics of the same stack: the case the exception is about.
                Object.values(resources).some(
                  (resource) =>
                    resource.Type === 'AWS::SNS::Topic' &&
                    JSON.stringify(resource.Properties?.KmsMasterKeyId ?? '').includes(`"${keyId}"`),
                )
              );
            })
            .map(
              ({ service, statement }) => `${name} ${keyId} ${service} ${JSON.stringify(statement.Condition ?? {})}`,
            ),
        ),
    );
    expect(unbound).toEqual([]);
  });

  test('every acknowledged Resource * names an action that supports no resource ARN', () => {
    const wildcardActions = new Set(
      stacksOf(stage).flatMap(({ resources }) =>
        identityStatements(resources)
          .filter(({ statement }) => list(statement.Resource).includes('*'))
          .flatMap(({ statement }) => list(statement.Action).map((action) => action.split(':')[1]!)),
      ),
    );
    expect(wildcardActions.size).toBeGreaterThan(0);
    const vague = synthStage(stage).assembly.stacks.flatMap((stack) =>
      stack.findMetadataByType(Validations.ACKNOWLEDGED_RULES_METADATA_KEY).flatMap((entry) =>
        Object.entries(entry.data as unknown as Record<string, string>)
          .filter(([id]) => id === 'AwsSolutions-IAM5[Resource::*]')
          .filter(([, reason]) => ![...wildcardActions].some((action) => new RegExp(`\\b${action}\\b`).test(reason)))
          .map(([, reason]) => `${entry.path}: ${reason}`),
      ),
    );
    expect(vague).toEqual([]);
  });
});

/** Roles a GitHub workflow assumes with its OIDC token, and the statements of their trust policies. */
function webIdentityRoles(resources: Record<string, Resource>) {
  return Object.entries(resources)
    .filter(([, resource]) => resource.Type === 'AWS::IAM::Role')
    .map(([id, resource]) => ({
      id,
      trust: list(
        (
          resource.Properties?.AssumeRolePolicyDocument as {
            Statement: (Statement & { Principal?: { Federated?: unknown } })[];
          }
        ).Statement,
      ).filter((statement) => list(statement.Action).includes('sts:AssumeRoleWithWebIdentity')),
    }))
    .filter(({ trust }) => trust.length > 0);
}

describe.each(STAGES)('%s: roles of GitHub workflows', (stage) => {
  test('every role a web identity assumes is bound to the STS audience and one exact subject', () => {
    const roles = stacksOf(stage).flatMap(({ name, resources }) =>
      webIdentityRoles(resources).map((role) => ({ name, ...role })),
    );
    expect(roles.length).toBeGreaterThan(0);
    for (const { name, id, trust } of roles) {
      for (const statement of trust) {
        const equals = statement.Condition?.StringEquals ?? {};
        const sub = Object.entries(equals).find(([key]) => key.endsWith(':sub'))?.[1];
        expect({
          role: `${name} ${id}`,
          aud: Object.entries(equals).find(([key]) => key.endsWith(':aud'))?.[1],
        }).toEqual({
          role: `${name} ${id}`,
          aud: 'sts.amazonaws.com',
        });
        // StringEquals on one subject: no StringLike, no wildcard, so no other branch or repository gets in.
        expect({ role: `${name} ${id}`, sub }).toEqual({
          role: `${name} ${id}`,
          sub: expect.stringMatching(/^repo:[^*?]+:ref:refs\/heads\/main$/) as unknown,
        });
        expect(statement.Condition?.StringLike).toBeUndefined();
      }
    }
  });

  test('the repository mirror role may only put objects under bundles/ of the mirror buckets', () => {
    const { name, resources } = stacksOf(stage).find(({ resources }) => webIdentityRoles(resources).length > 0)!;
    const roleId = webIdentityRoles(resources)[0]!.id;
    const statements = identityStatements(resources).filter(({ id }) => {
      const props = resources[id]?.Properties ?? {};
      return JSON.stringify(props.Roles ?? '').includes(`"${roleId}"`) || id === roleId;
    });
    expect(statements.length).toBeGreaterThan(0);
    for (const { statement } of statements) {
      expect({ stack: name, effect: statement.Effect, actions: list(statement.Action) }).toEqual({
        stack: name,
        effect: 'Allow',
        actions: ['s3:PutObject'],
      });
      for (const resource of list(statement.Resource as string | string[])) {
        expect(resource).toMatch(
          new RegExp(`^arn:aws:s3:::async-toolformer-${stage}-repo-mirror-\\d{12}-(use1|usw2)/bundles/\\*$`),
        );
      }
    }
  });
});

test('the key policy check fails on a service principal without conditions', () => {
  expect(bindsToOurResources(undefined)).toBe(false);
  expect(bindsToOurResources({ StringEquals: { 'aws:SourceAccount': '123456789012' } })).toBe(false);
  expect(
    bindsToOurResources({
      StringEquals: { 'aws:SourceAccount': '123456789012' },
      ArnLike: { 'aws:SourceArn': 'arn:aws:cloudwatch:us-east-1:123456789012:alarm:*' },
    }),
  ).toBe(true);
  expect(bindsToOurResources({ ArnLike: { 'kms:EncryptionContext:aws:logs:arn': 'arn:aws:logs:*' } })).toBe(true);
});
