// The one way a function records a run: a JSON value in its SSM parameter, whose versions are the log of runs.
import { PutParameterCommand, type SSMClient } from '@aws-sdk/client-ssm';

/** Writes `record` as the new version of parameter `name`; returns the version, which names the run. */
export async function publishRecord(ssm: SSMClient, name: string, record: object): Promise<number> {
  const result = await ssm.send(
    new PutParameterCommand({
      Name: name,
      Value: JSON.stringify(record),
      Type: 'String',
      Overwrite: true,
      // Records of many resources outgrow the 4 KB standard tier; this tier upgrades only when needed.
      Tier: 'Intelligent-Tiering',
    }),
  );
  return result.Version ?? 0;
}
