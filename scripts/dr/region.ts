// The default --region: the region the active-region parameter names, read from the first of the stage's regions that answers.
import { AwsCallError, clientConfig, type Sdk } from './aws';
import type { StageNames } from './stage';

/** Where the region came from, for the output. */
export interface ResolvedRegion {
  readonly region: string;
  /** How it was chosen, in words. */
  readonly source: string;
}

/**
 * The region that is up. The region failover run writes /async-toolformer/<stage>/failover/active-region
 * in its own region (and a planned run copies it to the other); the primary is asked first, then the
 * secondary. A region that does not answer within seconds is passed over: an unplanned activation
 * leaves the lost region's parameter naming itself, but a lost region does not answer. Every region
 * failing is an AWS failure (exit 1) that asks for --region.
 */
export async function regionThatIsUp(sdk: Sdk, names: StageNames): Promise<ResolvedRegion> {
  const { SSMClient, GetParameterCommand } = await sdk.ssm();
  const reasons: string[] = [];
  for (const region of [names.primary, names.secondary]) {
    const client = new SSMClient(clientConfig(region, true));
    try {
      const { Parameter } = await client.send(new GetParameterCommand({ Name: names.parameters.activeRegion }));
      const value = Parameter?.Value ?? '';
      if (value === names.primary || value === names.secondary) {
        return { region: value, source: `${names.parameters.activeRegion} as ${region} reads it` };
      }
      reasons.push(`${region}: the parameter holds '${value}', not a region of the stage`);
    } catch (error) {
      reasons.push(`${region}: ${error instanceof Error ? `${error.name}: ${error.message}` : String(error)}`);
    } finally {
      client.destroy();
    }
  }
  throw new AwsCallError(
    `ssm:GetParameter ${names.parameters.activeRegion}`,
    `${names.primary} and ${names.secondary}`,
    new Error(reasons.join('; ')),
    'give --region explicitly (the region you are recovering into, or the one that is up)',
  );
}
