// How the drill creates each CloudFormation resource type in moto from its resolved properties, and what Ref and Fn::GetAtt then give.
import type { AssemblyStack } from './assembly';
import type { DrillClient } from './drill-server';
import type { World } from './world';

/** A created resource: what `Ref` and `Fn::GetAtt` of it give. */
export interface Physical {
  readonly ref: string;
  readonly attributes: Record<string, unknown>;
  /** A resource the drill did not create: its names are marked placeholders. */
  readonly placeholder?: boolean;
}

export interface SeedInput {
  readonly client: DrillClient;
  readonly world: World;
  readonly stack: AssemblyStack;
  readonly logicalId: string;
  /** The template's properties, every token resolved. */
  readonly properties: Record<string, unknown>;
}

export interface ResourceType {
  create(input: SeedInput): Promise<Physical>;
}

type Props = Record<string, unknown>;

/** A name CloudFormation would generate, within `max` characters. */
function generatedName(input: SeedInput, max: number, separator = '-'): string {
  return `${input.stack.stackName}${separator}${input.logicalId}`.slice(0, max);
}

const str = (value: unknown): string | undefined => (typeof value === 'string' ? value : undefined);

/** Flattens an SDK response into `a.b.0.c` keys, as AwsCustomResource's Fn::GetAtt reads it. */
function flatten(value: unknown, prefix = '', out: Record<string, unknown> = {}): Record<string, unknown> {
  if (value !== null && typeof value === 'object') {
    for (const [key, item] of Object.entries(value)) flatten(item, prefix ? `${prefix}.${key}` : key, out);
  } else out[prefix] = value;
  return out;
}

/** An SDK v3 service name (`SSM`, `@aws-sdk/client-ssm`) as botocore names it. */
function botocoreService(service: string): string {
  const name = service
    .replace(/^@aws-sdk\/client-/, '')
    .toLowerCase()
    .replace(/[^a-z0-9]/g, '');
  return { sfn: 'stepfunctions', eventbridge: 'events', cloudwatchlogs: 'logs' }[name] ?? name;
}

const parameter: ResourceType = {
  async create(input) {
    const { client, stack, properties: p } = input;
    const name = str(p.Name) ?? `CFN-${input.logicalId}-drill`;
    await client.call('ssm', stack.region, 'PutParameter', { ...p, Name: name, Overwrite: true }, true);
    return { ref: name, attributes: { Type: p.Type, Value: p.Value } };
  },
};

const topic: ResourceType = {
  async create(input) {
    const { client, stack, properties: p, world } = input;
    const fifo = p.FifoTopic === true || p.FifoTopic === 'true';
    const name = str(p.TopicName) ?? generatedName(input, 250) + (fifo ? '.fifo' : '');
    const attributes = fifo ? { FifoTopic: 'true', ContentBasedDeduplication: 'true' } : {};
    const { TopicArn } = await client.call<{ TopicArn: string }>('sns', stack.region, 'CreateTopic', {
      Name: name,
      Attributes: attributes,
    });
    // The drill's inbox: an SQS queue subscribed to the topic, from which a scenario reads what was published.
    const queueName = `drill-inbox-${name.replace(/\.fifo$/, '')}`.slice(0, 75) + (fifo ? '.fifo' : '');
    const { QueueUrl } = await client.call<{ QueueUrl: string }>('sqs', stack.region, 'CreateQueue', {
      QueueName: queueName,
      Attributes: fifo ? { FifoQueue: 'true' } : {},
    });
    const { Attributes } = await client.call<{ Attributes: { QueueArn: string } }>(
      'sqs',
      stack.region,
      'GetQueueAttributes',
      { QueueUrl, AttributeNames: ['QueueArn'] },
    );
    await client.call('sns', stack.region, 'Subscribe', {
      TopicArn,
      Protocol: 'sqs',
      Endpoint: Attributes.QueueArn,
    });
    world.inboxes.push({ topicArn: TopicArn, region: stack.region, queueUrl: QueueUrl });
    return { ref: TopicArn, attributes: { TopicArn, TopicName: name } };
  },
};

const stateMachine: ResourceType = {
  async create(input) {
    const { client, stack, properties: p, world } = input;
    const name = str(p.StateMachineName) ?? `${input.logicalId}-drill`.slice(0, 80);
    let definition = str(p.DefinitionString) ?? JSON.stringify(p.Definition);
    if (!definition || definition === 'undefined') {
      throw new Error('only DefinitionString and Definition are read (DefinitionS3Location is not)');
    }
    for (const [key, value] of Object.entries((p.DefinitionSubstitutions as Props | undefined) ?? {})) {
      definition = definition.split(`\${${key}}`).join(String(value));
    }
    const { stateMachineArn } = await client.call<{ stateMachineArn: string }>(
      'stepfunctions',
      stack.region,
      'CreateStateMachine',
      { name, definition, roleArn: p.RoleArn, type: p.StateMachineType ?? 'STANDARD' },
    );
    world.stateMachines.push({
      stackName: stack.stackName,
      logicalId: input.logicalId,
      region: stack.region,
      name,
      arn: stateMachineArn,
      definition,
    });
    return { ref: stateMachineArn, attributes: { Arn: stateMachineArn, Name: name } };
  },
};

const globalCluster: ResourceType = {
  async create(input) {
    const { client, stack, properties: p } = input;
    const id = str(p.GlobalClusterIdentifier) ?? generatedName(input, 63).toLowerCase();
    await client.call('rds', stack.region, 'CreateGlobalCluster', { ...p, GlobalClusterIdentifier: id }, true);
    return { ref: id, attributes: { 'GlobalEndpoint.Address': `${id}.global-drill.global.rds.amazonaws.com` } };
  },
};

const dbCluster: ResourceType = {
  async create(input) {
    const { client, stack, properties: p } = input;
    const id = str(p.DBClusterIdentifier) ?? generatedName(input, 63).toLowerCase();
    const { DBCluster } = await client.call<{ DBCluster: Props }>(
      'rds',
      stack.region,
      'CreateDBCluster',
      { ...p, DBClusterIdentifier: id },
      true,
    );
    return {
      ref: id,
      attributes: {
        DBClusterArn: DBCluster.DBClusterArn,
        DBClusterResourceId: DBCluster.DbClusterResourceId,
        'Endpoint.Address': DBCluster.Endpoint,
        'Endpoint.Port': String(DBCluster.Port ?? 5432),
        'ReadEndpoint.Address': DBCluster.ReaderEndpoint,
      },
    };
  },
};

const replicationGroup: ResourceType = {
  async create(input) {
    const { client, stack, properties: p } = input;
    const id = str(p.ReplicationGroupId) ?? generatedName(input, 40).toLowerCase();
    await client.call('elasticache', stack.region, 'CreateReplicationGroup', { ...p, ReplicationGroupId: id }, true);
    const host = `${id}.drill.${stack.region}.cache.amazonaws.com`;
    return {
      ref: id,
      attributes: {
        'PrimaryEndPoint.Address': `master.${host}`,
        'PrimaryEndPoint.Port': String(p.Port ?? 6379),
        'ReaderEndPoint.Address': `replica.${host}`,
        'ReaderEndPoint.Port': String(p.Port ?? 6379),
      },
    };
  },
};

const globalDatastore: ResourceType = {
  async create(input) {
    const { client, stack, properties: p } = input;
    const members = (p.Members as Props[] | undefined) ?? [];
    const primary = members.find((member) => member.Role === 'PRIMARY') ?? members[0];
    if (!primary) throw new Error('a Global Datastore needs a primary member');
    const { GlobalReplicationGroup } = await client.call<{ GlobalReplicationGroup: Props }>(
      'elasticache',
      str(primary.ReplicationGroupRegion) ?? stack.region,
      'CreateGlobalReplicationGroup',
      {
        GlobalReplicationGroupIdSuffix: p.GlobalReplicationGroupIdSuffix,
        GlobalReplicationGroupDescription: p.GlobalReplicationGroupDescription ?? '',
        PrimaryReplicationGroupId: primary.ReplicationGroupId,
      },
    );
    const id = String(GlobalReplicationGroup.GlobalReplicationGroupId);
    return { ref: id, attributes: { GlobalReplicationGroupId: id, Status: GlobalReplicationGroup.Status } };
  },
};

function alarm(action: 'PutMetricAlarm' | 'PutCompositeAlarm'): ResourceType {
  return {
    async create(input) {
      const { client, stack, properties: p } = input;
      const name = str(p.AlarmName) ?? generatedName(input, 255);
      await client.call('cloudwatch', stack.region, action, { ...p, AlarmName: name }, true);
      return { ref: name, attributes: { Arn: `arn:aws:cloudwatch:${stack.region}:${stack.account}:alarm:${name}` } };
    },
  };
}

const table: ResourceType = {
  async create(input) {
    const { client, stack, properties: p } = input;
    const name = str(p.TableName) ?? generatedName(input, 255);
    const billingMode = p.BillingMode ?? (p.ProvisionedThroughput ? 'PROVISIONED' : 'PAY_PER_REQUEST');
    const { TableDescription } = await client.call<{ TableDescription: Props }>(
      'dynamodb',
      stack.region,
      'CreateTable',
      { ...p, TableName: name, BillingMode: billingMode },
      true,
    );
    return { ref: name, attributes: { Arn: TableDescription.TableArn, StreamArn: TableDescription.LatestStreamArn } };
  },
};

/** KMS keys, so that encrypted resources (an Aurora cluster, its snapshots and their copies) name a key moto knows. */
const kmsKey: ResourceType = {
  async create(input) {
    const { client, stack, properties: p } = input;
    const { KeyMetadata } = await client.call<{ KeyMetadata: { KeyId: string; Arn: string } }>(
      'kms',
      stack.region,
      'CreateKey',
      { Description: str(p.Description) ?? input.logicalId, KeySpec: p.KeySpec, KeyUsage: p.KeyUsage },
      true,
    );
    return { ref: KeyMetadata.KeyId, attributes: { Arn: KeyMetadata.Arn, KeyId: KeyMetadata.KeyId } };
  },
};

/**
 * S3 buckets, by name, versioned and lock-enabled as the template says: the jobs export into them
 * and lock the exact versions (their policies and other settings are not seeded).
 */
const bucket: ResourceType = {
  async create(input) {
    const { client, stack, properties: p } = input;
    const name = str(p.BucketName) ?? generatedName(input, 63).toLowerCase();
    const setting = (key: string, field: string) => (p[key] as Record<string, unknown> | undefined)?.[field];
    const locked = setting('ObjectLockConfiguration', 'ObjectLockEnabled') === 'Enabled';
    await client.call('s3', stack.region, 'CreateBucket', {
      Bucket: name,
      ...(stack.region === 'us-east-1' ? {} : { CreateBucketConfiguration: { LocationConstraint: stack.region } }),
      // Object Lock turns versioning on with it, as S3 does.
      ...(locked ? { ObjectLockEnabledForBucket: true } : {}),
    });
    if (!locked && setting('VersioningConfiguration', 'Status') === 'Enabled') {
      await client.call('s3', stack.region, 'PutBucketVersioning', {
        Bucket: name,
        VersioningConfiguration: { Status: 'Enabled' },
      });
    }
    return {
      ref: name,
      attributes: { Arn: `arn:aws:s3:::${name}`, DomainName: `${name}.s3.amazonaws.com` },
    };
  },
};

/** Route 53 is global: its API is signed for us-east-1, as the CLI and SDKs sign it. */
const ROUTE53_REGION = 'us-east-1';

const healthCheck: ResourceType = {
  async create(input) {
    const { client, properties: p } = input;
    const { HealthCheck } = await client.call<{ HealthCheck: { Id: string } }>(
      'route53',
      ROUTE53_REGION,
      'CreateHealthCheck',
      { CallerReference: `${input.stack.stackName}/${input.logicalId}`, HealthCheckConfig: p.HealthCheckConfig },
      true,
    );
    return { ref: HealthCheck.Id, attributes: { HealthCheckId: HealthCheck.Id } };
  },
};

async function createZone(client: DrillClient, name: string, reference: string): Promise<string> {
  const { HostedZone } = await client.call<{ HostedZone: { Id: string } }>(
    'route53',
    ROUTE53_REGION,
    'CreateHostedZone',
    {
      Name: name,
      CallerReference: reference,
    },
  );
  return HostedZone.Id.replace('/hostedzone/', '');
}

const hostedZone: ResourceType = {
  async create(input) {
    const id = await createZone(
      input.client,
      String(input.properties.Name),
      `${input.stack.stackName}/${input.logicalId}`,
    );
    input.world.zones.set(id, id);
    return { ref: id, attributes: { Id: id } };
  },
};

const recordSet: ResourceType = {
  async create(input) {
    const { client, properties: p, world } = input;
    const name = String(p.Name);
    // A zone written as a literal id in the template (created outside the app) gets one moto zone,
    // named after the record's parent domain.
    const written = str(p.HostedZoneId) ?? str(p.HostedZoneName) ?? name.split('.').slice(1).join('.');
    let zoneId = world.zones.get(written);
    if (!zoneId) {
      zoneId = await createZone(
        client,
        str(p.HostedZoneName) ?? name.split('.').slice(1).join('.'),
        `drill/${written}`,
      );
      world.zones.set(written, zoneId);
    }
    const records = (p.ResourceRecords as unknown[] | undefined)?.map((value) => ({ Value: String(value) }));
    const recordSet = Object.fromEntries(
      Object.entries({ ...p, ...(records ? { ResourceRecords: records } : {}) }).filter(
        ([key]) => key !== 'HostedZoneId' && key !== 'HostedZoneName',
      ),
    );
    await client.call(
      'route53',
      ROUTE53_REGION,
      'ChangeResourceRecordSets',
      { HostedZoneId: zoneId, ChangeBatch: { Changes: [{ Action: 'UPSERT', ResourceRecordSet: recordSet }] } },
      true,
    );
    return { ref: name, attributes: {} };
  },
};

/** AwsCustomResource: its onCreate SDK call, made against moto; Fn::GetAtt reads the flattened response. */
const awsCustomResource: ResourceType = {
  async create(input) {
    const { client, stack, properties: p } = input;
    const call = JSON.parse(String(p.Create)) as {
      service: string;
      action: string;
      parameters?: Props;
      region?: string;
      physicalResourceId?: { id?: string; responsePath?: string };
    };
    const action = call.action.replace(/Command$/, '');
    const response = await client.call(
      botocoreService(call.service),
      call.region ?? stack.region,
      action[0].toUpperCase() + action.slice(1),
      call.parameters ?? {},
    );
    const attributes = flatten(response);
    const path = call.physicalResourceId?.responsePath;
    const ref = call.physicalResourceId?.id ?? (path ? String(attributes[path]) : input.logicalId);
    return { ref, attributes };
  },
};

/** Every type the drill creates; a resource of another type is referred to by a marked placeholder. */
export const RESOURCE_TYPES: Record<string, ResourceType> = {
  'AWS::SSM::Parameter': parameter,
  'AWS::SNS::Topic': topic,
  'AWS::StepFunctions::StateMachine': stateMachine,
  'AWS::RDS::GlobalCluster': globalCluster,
  'AWS::RDS::DBCluster': dbCluster,
  'AWS::ElastiCache::ReplicationGroup': replicationGroup,
  'AWS::ElastiCache::GlobalReplicationGroup': globalDatastore,
  'AWS::CloudWatch::Alarm': alarm('PutMetricAlarm'),
  'AWS::CloudWatch::CompositeAlarm': alarm('PutCompositeAlarm'),
  'AWS::DynamoDB::Table': table,
  'AWS::KMS::Key': kmsKey,
  'AWS::S3::Bucket': bucket,
  'AWS::Route53::HealthCheck': healthCheck,
  'AWS::Route53::HostedZone': hostedZone,
  'AWS::Route53::RecordSet': recordSet,
  'Custom::AWS': awsCustomResource,
};
