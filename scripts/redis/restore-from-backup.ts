// CLI of the Redis restore: `restore-from-backup.sh latest|<key> [--stage prod] [--region us-west-2] [--id <group>]`.
import { ElastiCacheClient } from '@aws-sdk/client-elasticache';
import { S3Client } from '@aws-sdk/client-s3';
import { SecretsManagerClient } from '@aws-sdk/client-secrets-manager';
import { SSMClient } from '@aws-sdk/client-ssm';
import { parseArgs } from 'node:util';
import { run } from './restore';

const { values, positionals } = parseArgs({
  allowPositionals: true,
  options: {
    stage: { type: 'string', default: 'prod' },
    region: { type: 'string' },
    id: { type: 'string' },
  },
});
const backup = positionals[0];
const region = values.region ?? process.env.AWS_REGION;
if (!backup || !region) {
  console.error(
    'usage: restore-from-backup.sh latest|<object key> --region <region> [--stage prod] [--id <new group id>]',
  );
  process.exit(2);
}

const config = { region };
run(
  {
    s3: new S3Client(config),
    ssm: new SSMClient(config),
    secrets: new SecretsManagerClient(config),
    elasticache: new ElastiCacheClient(config),
    now: () => new Date(),
  },
  { stage: values.stage, backup, ...(values.id ? { replicationGroupId: values.id } : {}) },
).then(
  (result) => {
    console.log(JSON.stringify(result, null, 2));
    console.error(
      `restore started; wait with: aws elasticache wait replication-group-available --region ${region} --replication-group-id ${result.replicationGroupId}`,
    );
  },
  (error: unknown) => {
    console.error(`restore failed: ${error instanceof Error ? error.message : String(error)}`);
    process.exit(1);
  },
);
