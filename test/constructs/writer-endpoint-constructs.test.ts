// The constructs behind the pods' database endpoint on their own: bad input fails at synth naming the field, and the manifest carries the endpoint.
import { Stack } from 'aws-cdk-lib';
import type * as eks from 'aws-cdk-lib/aws-eks-v2';
import * as kms from 'aws-cdk-lib/aws-kms';
import { RetentionDays } from 'aws-cdk-lib/aws-logs';
import { PeerParameterLookup } from '../../lib/constructs/deploy-time-lookup';
import {
  DATABASE_ENV,
  OrchestratorWorkload,
  orchestratorManifests,
  type OrchestratorWorkloadProps,
} from '../../lib/constructs/orchestrator-workload';
import { newApp } from '../helpers/synth';

const env = { account: '123456789012', region: 'us-west-2' };
const GLOBAL_ENDPOINT = 'async-toolformer-prod-global.global-abc123.global.rds.amazonaws.com';

/** Builds the workload with only the database settings given; they are checked before anything else. */
function workload(database: Pick<OrchestratorWorkloadProps, 'databaseWriterEndpoint' | 'databasePort'>): void {
  const stack = new Stack(newApp(), 'Workload', { env });
  new OrchestratorWorkload(stack, 'Workload', {
    ...({ cluster: {} as eks.Cluster } as Pick<OrchestratorWorkloadProps, 'cluster'>),
    ...database,
  } as OrchestratorWorkloadProps);
}

describe('OrchestratorWorkload database settings', () => {
  test.each([
    'async-toolformer-prod-usw2.cluster-abc123.us-west-2.rds.amazonaws.com',
    'async-toolformer-prod-use1.cluster-ro-abc123.us-east-1.rds.amazonaws.com',
  ])('fails when databaseWriterEndpoint is a regional cluster endpoint: %s', (endpoint) => {
    expect(() => workload({ databaseWriterEndpoint: endpoint, databasePort: 5432 })).toThrow(
      `databaseWriterEndpoint must be the global writer endpoint (<id>.global-<id>.global.rds.amazonaws.com), got the regional cluster endpoint: ${endpoint}`,
    );
  });

  test('fails when databaseWriterEndpoint is empty', () => {
    expect(() => workload({ databaseWriterEndpoint: ' ', databasePort: 5432 })).toThrow(
      /databaseWriterEndpoint is empty; pass the global cluster's writer endpoint/,
    );
  });

  test.each([0, 65536, 54.5])('fails when databasePort is %p', (port) => {
    expect(() => workload({ databaseWriterEndpoint: GLOBAL_ENDPOINT, databasePort: port })).toThrow(
      `databasePort must be an integer between 1 and 65535 inclusive, got: ${port}`,
    );
  });
});

test('the Deployment carries the writer endpoint and the port in its environment', () => {
  const [deployment] = orchestratorManifests({
    image: 'example/orchestrator:1',
    containerPort: 8080,
    minReplicas: 1,
    maxReplicas: 2,
    regionRole: 'secondary',
    degradedModeParameterName: '/async-toolformer/prod/rate-limiter/mode',
    databaseWriterEndpoint: GLOBAL_ENDPOINT,
    databasePort: 5432,
  }) as [{ spec: { template: { spec: { containers: { env: unknown[] }[] } } } }];
  expect(deployment.spec.template.spec.containers[0]!.env).toEqual(
    expect.arrayContaining([
      { name: DATABASE_ENV.writerEndpoint, value: GLOBAL_ENDPOINT },
      { name: DATABASE_ENV.port, value: '5432' },
    ]),
  );
});

describe('PeerParameterLookup', () => {
  function lookup(parameterName: string, peerRegion: string): void {
    const stack = new Stack(newApp(), 'Lookup', { env });
    new PeerParameterLookup(stack, 'Lookup', {
      parameterName,
      peerRegion,
      encryptionKey: new kms.Key(stack, 'Key'),
      logRetention: RetentionDays.ONE_MONTH,
    });
  }

  test('fails when the peer region is the stack region', () => {
    expect(() => lookup('/async-toolformer/prod/data/writer-endpoint', 'us-west-2')).toThrow(
      /peerRegion is us-west-2, the region of Lookup itself; read a parameter of the same region with ssm.StringParameter.valueForStringParameter instead/,
    );
  });

  test('fails when the parameter name is not a full path', () => {
    expect(() => lookup('async-toolformer/prod/data/writer-endpoint', 'us-east-1')).toThrow(
      "parameterName must be a full path starting with '/', got: async-toolformer/prod/data/writer-endpoint",
    );
  });
});
