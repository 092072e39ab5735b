// The AppConfig calls moto 5 does not implement (listing versions, environments, deployments), served beside a real moto client: used by the moto test and the drill, which say so.
import { GetHostedConfigurationVersionCommand, type AppConfigClient, type Monitor } from '@aws-sdk/client-appconfig';

/** What the stand-in recorded: the monitors it holds and every deployment started. */
export interface MotoGaps {
  readonly monitors: Monitor[];
  readonly deployments: { readonly version: string; readonly strategyId: string; readonly description?: string }[];
}

/**
 * Adds a middleware to `client` that answers ListHostedConfigurationVersions from moto's own
 * versions (read one by one with GetHostedConfigurationVersion, which moto implements, until the
 * first missing number), and GetEnvironment, UpdateEnvironment and StartDeployment from a record
 * kept here. Every other call goes to moto.
 */
export function serveMotoGaps(client: AppConfigClient, monitors: readonly Monitor[]): MotoGaps {
  const gaps: MotoGaps = { monitors: [...monitors], deployments: [] };
  const listVersions = async (input: { ApplicationId?: string; ConfigurationProfileId?: string }) => {
    const items = [];
    for (let version = 1; ; version += 1) {
      try {
        await client.send(
          new GetHostedConfigurationVersionCommand({
            ApplicationId: input.ApplicationId,
            ConfigurationProfileId: input.ConfigurationProfileId,
            VersionNumber: version,
          }),
        );
        items.push({ VersionNumber: version });
      } catch {
        return { Items: items };
      }
    }
  };
  client.middlewareStack.add(
    (next, context) => async (args) => {
      const input = args.input as Record<string, unknown>;
      switch (context.commandName) {
        case 'ListHostedConfigurationVersionsCommand':
          return { output: { $metadata: {}, ...(await listVersions(input)) }, response: {} };
        case 'GetEnvironmentCommand':
          return { output: { $metadata: {}, Monitors: [...gaps.monitors] }, response: {} };
        case 'UpdateEnvironmentCommand':
          gaps.monitors.splice(0, gaps.monitors.length, ...((input.Monitors as Monitor[] | undefined) ?? []));
          return { output: { $metadata: {}, Monitors: [...gaps.monitors] }, response: {} };
        case 'StartDeploymentCommand':
          gaps.deployments.push({
            version: String(input.ConfigurationVersion),
            strategyId: String(input.DeploymentStrategyId),
            description: input.Description as string | undefined,
          });
          return {
            output: { $metadata: {}, DeploymentNumber: gaps.deployments.length, State: 'COMPLETE' },
            response: {},
          };
        default:
          return next(args);
      }
    },
    { step: 'initialize', name: 'motoAppConfigGaps' },
  );
  return gaps;
}
