// Reads a key ARN that a Protection stack hands over in SSM: recovery points and clusters record ARNs, not aliases.
import { GetParameterCommand, type SSMClient } from '@aws-sdk/client-ssm';

/** The key ARN held by the SSM parameter `name`; throws when the parameter holds anything else. */
export async function handedOverKeyArn(ssm: SSMClient, name: string): Promise<string> {
  const { Parameter } = await ssm.send(new GetParameterCommand({ Name: name }));
  if (!Parameter?.Value?.startsWith('arn:')) throw new Error(`${name} holds no key ARN`);
  return Parameter.Value;
}
