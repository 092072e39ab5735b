// The operator's acknowledgement command: bad input exits 2 before any AWS call; a good one acknowledges the newest incident of the alarm, once.
import {
  ConditionalCheckFailedException,
  DynamoDBClient,
  QueryCommand,
  UpdateItemCommand,
} from '@aws-sdk/client-dynamodb';
import { mockClient } from 'aws-sdk-client-mock';
import { join } from 'node:path';
import { INCIDENT_ITEM, incidentTableName } from '../../lib/contract';
import { acknowledge, parseAckArgs, type AckOptions } from '../../scripts/page-ack';
import { HelpRequested } from '../../scripts/lib/cli-args.cjs';
import {
  ROOT,
  expectBadInput,
  expectHelp,
  runProcess,
  startRecordingEndpoint,
  type RecordingEndpoint,
} from './cli-harness';

const dynamo = mockClient(DynamoDBClient);
const options: AckOptions = { stage: 'prod', region: 'us-east-1', alarm: 'api-down', by: 'alice' };
const NOW = new Date('2026-11-28T10:05:00Z');
const incident = (extra: Record<string, { S: string }> = {}) => ({
  [INCIDENT_ITEM.alarm]: { S: 'api-down' },
  [INCIDENT_ITEM.openedAt]: { S: '2026-11-28T10:00:00.000+0000' },
  ...extra,
});

beforeEach(() => dynamo.reset());

describe('parseAckArgs', () => {
  test('reads the alarm, region, stage and who, with USER and AWS_REGION as defaults', () => {
    expect(parseAckArgs(['--alarm', 'api-down'], { USER: 'bob', AWS_REGION: 'us-west-2' })).toEqual({
      stage: 'prod',
      region: 'us-west-2',
      alarm: 'api-down',
      by: 'bob',
    });
  });

  test.each<[string, string[], Record<string, string>, string]>([
    ['no alarm', ['--region', 'us-east-1'], { USER: 'a' }, 'give --alarm'],
    [
      'a region of no stage',
      ['--alarm', 'x', '--region', 'eu-west-1'],
      { USER: 'a' },
      '--region "eu-west-1" is not a region of stage prod',
    ],
    ['no region', ['--alarm', 'x'], { USER: 'a' }, 'give --region'],
    ['an unknown stage', ['--alarm', 'x', '--region', 'us-east-1', '--stage', 'dev'], { USER: 'a' }, '--stage "dev"'],
    ['no one to name', ['--alarm', 'x', '--region', 'us-east-1'], {}, 'give --by'],
    ['a name with a space', ['--alarm', 'x', '--region', 'us-east-1', '--by', 'a b'], {}, '--by must be a login'],
    [
      'an alarm name with a newline',
      ['--alarm', 'a\nb', '--region', 'us-east-1'],
      { USER: 'a' },
      '--alarm must be an alarm name',
    ],
  ])('fails when given %s', (_label, args, env, problem) => {
    expect(() => parseAckArgs(args, env)).toThrow(problem);
  });

  test('--help asks for the usage', () => {
    expect(() => parseAckArgs(['--alarm', 'x', '--help'], {})).toThrow(HelpRequested);
  });
});

describe('acknowledge', () => {
  test('records who and when on the newest incident of the alarm, only if nobody did', async () => {
    // Prepare
    dynamo.on(QueryCommand).resolves({ Items: [incident()] });
    dynamo.on(UpdateItemCommand).resolves({});
    // Act
    const result = await acknowledge(new DynamoDBClient({}), options, NOW);
    // Assess
    expect(result).toEqual({
      table: incidentTableName('prod'),
      alarm: 'api-down',
      openedAt: '2026-11-28T10:00:00.000+0000',
      acknowledgedBy: 'alice',
      acknowledgedAt: NOW.toISOString(),
      recorded: true,
    });
    expect(dynamo.commandCalls(QueryCommand)[0]!.args[0].input).toMatchObject({
      TableName: incidentTableName('prod'),
      ScanIndexForward: false,
      Limit: 1,
    });
    expect(dynamo.commandCalls(UpdateItemCommand)[0]!.args[0].input).toMatchObject({
      Key: { alarm: { S: 'api-down' }, openedAt: { S: '2026-11-28T10:00:00.000+0000' } },
      ConditionExpression: 'attribute_exists(#alarm) AND attribute_not_exists(#by)',
      ExpressionAttributeValues: { ':by': { S: 'alice' }, ':at': { S: NOW.toISOString() } },
    });
  });

  test('an incident acknowledged already is left alone, and says who was first', async () => {
    dynamo.on(QueryCommand).resolves({
      Items: [incident({ acknowledgedBy: { S: 'carol' }, acknowledgedAt: { S: '2026-11-28T10:01:00Z' } })],
    });
    const result = await acknowledge(new DynamoDBClient({}), options, NOW);
    expect(result).toMatchObject({ recorded: false, acknowledgedBy: 'carol', acknowledgedAt: '2026-11-28T10:01:00Z' });
    expect(dynamo.commandCalls(UpdateItemCommand)).toHaveLength(0);
  });

  test('losing the race to another operator reports theirs', async () => {
    dynamo
      .on(QueryCommand)
      .resolvesOnce({ Items: [incident()] })
      .resolves({ Items: [incident({ acknowledgedBy: { S: 'dave' }, acknowledgedAt: { S: 'then' } })] });
    dynamo.on(UpdateItemCommand).rejects(new ConditionalCheckFailedException({ message: 'taken', $metadata: {} }));
    const result = await acknowledge(new DynamoDBClient({}), options, NOW);
    expect(result).toMatchObject({ recorded: false, acknowledgedBy: 'dave' });
  });

  test('fails when the alarm has no incident in the region', async () => {
    dynamo.on(QueryCommand).resolves({ Items: [] });
    await expect(acknowledge(new DynamoDBClient({}), options, NOW)).rejects.toThrow(
      `no incident of alarm api-down in ${incidentTableName('prod')} (us-east-1)`,
    );
  });
});

describe('page-ack.ts, as a process', () => {
  let endpoint: RecordingEndpoint;
  let control: RecordingEndpoint;
  beforeAll(async () => {
    [endpoint, control] = await Promise.all([startRecordingEndpoint(), startRecordingEndpoint()]);
  });
  afterAll(() => Promise.all([endpoint.close(), control.close()]));

  const run = (args: string[], to = endpoint) =>
    runProcess(process.execPath, ['--import', 'tsx', join(ROOT, 'scripts/page-ack.ts'), ...args], {
      AWS_ENDPOINT_URL: to.url,
      AWS_MAX_ATTEMPTS: '1',
      AWS_ACCESS_KEY_ID: 'test',
      AWS_SECRET_ACCESS_KEY: 'test',
      AWS_REGION: undefined,
      AWS_PROFILE: undefined,
      USER: 'tester',
    });

  test('--help prints the usage; bad input exits 2 with the problem and the usage; no AWS call', async () => {
    const [help, unknown, region, missing, good] = await Promise.all([
      run(['--help']),
      run(['--alarm', 'x', '--region', 'us-east-1', '--bogus']),
      run(['--alarm', 'x', '--region', 'eu-west-1']),
      run(['--region', 'us-east-1']),
      // The control: good input does reach the endpoint, so an empty record means no call was made.
      run(['--alarm', 'x', '--region', 'us-east-1'], control),
    ]);
    expectHelp(help, 'page-ack.ts --alarm <alarm name> --region <region>');
    expectBadInput(unknown, 'page-ack', "Unknown option '--bogus'");
    expectBadInput(region, 'page-ack', '--region "eu-west-1" is not a region of stage prod');
    expectBadInput(missing, 'page-ack', 'give --alarm');
    expect(endpoint.requests).toEqual([]);
    expect(good.status).toBe(1);
    expect(good.stderr).toMatch(/^page-ack failed: /m);
    expect(control.requests).toEqual(['POST /']);
  }, 60_000);
});
