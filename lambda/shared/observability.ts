// The one place that configures Powertools Logger and Metrics (EMF) for every DR function.
import { Logger } from '@aws-lambda-powertools/logger';
import { Metrics } from '@aws-lambda-powertools/metrics';
import { DIMENSION, METRICS_NAMESPACE, type FunctionContract } from '../../lib/contract';
import { requireEnv, type Environment } from './env';

/** A function's logger and metrics, both tagged with stage and region. */
export interface Observability {
  readonly logger: Logger;
  readonly metrics: Metrics;
}

/**
 * Logger and metrics of the function `contract` describes. Its service name is the `service`
 * dimension the alarms filter on; stage and region are default dimensions, so one alarm or
 * dashboard can tell prod from staging and us-east-1 from us-west-2 without parsing log lines.
 * `STAGE` is set by the DrFunction construct and `AWS_REGION` by Lambda; either missing fails the cold start.
 */
export function createObservability(
  contract: Pick<FunctionContract, 'service'>,
  env: Environment = process.env,
): Observability {
  const stage = requireEnv('STAGE', env);
  const region = requireEnv('AWS_REGION', env);
  const serviceName = contract.service;
  return {
    logger: new Logger({ serviceName, persistentKeys: { stage, region } }),
    metrics: new Metrics({
      namespace: METRICS_NAMESPACE,
      serviceName,
      defaultDimensions: { [DIMENSION.stage]: stage, [DIMENSION.region]: region },
    }),
  };
}
