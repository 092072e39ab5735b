// The source of an endpoint probe canary: one HTTPS step on the watched endpoint (the canary's verdict), and the availability datapoints of that endpoint and of the public name.
import { AVAILABILITY_PUBLIC_ENDPOINT, DIMENSION, METRIC, METRICS_NAMESPACE } from '../contract';

/** What the canary source probes and reports. */
export interface ProbeScriptOptions {
  /** The endpoint whose failure fails the run (signal S1 of the failover decision). */
  readonly domainName: string;
  readonly path: string;
  /**
   * Availability reporting: the region `domainName` serves (its `endpoint` dimension), the public
   * name probed besides it, and the stage dimension.
   * @default - no availability datapoints
   */
  readonly availability?: {
    readonly stage: string;
    readonly endpointRegion: string;
    readonly publicDomainName: string;
  };
}

/** How long the public name's GET may take; the canary's own timeout is 30 s. */
const PUBLIC_TIMEOUT_MS = 10_000;

/**
 * The canary's Node.js source. The watched endpoint is probed by a Synthetics HTTP step, whose
 * failure fails the run (SuccessPercent, which the paging and failover alarms read). The public name
 * is probed by a plain GET whose failure only reports 0: a run fails for its own endpoint alone, so
 * a public-name problem never reads as signal S1. The datapoints go out through PutMetricData (the
 * Lambda runtime's AWS SDK v3) after both probes; a failed PutMetricData is logged, not thrown, for
 * the same reason, and the availability alarms treat a missing datapoint as unavailable.
 */
export function probeScript(options: ProbeScriptOptions): string {
  const { domainName, path, availability } = options;
  const step = `synthetics.executeHttpStep('GET ${path}', { hostname: '${domainName}', method: 'GET', path: '${path}', port: 443, protocol: 'https:' })`;
  if (!availability) {
    return [
      "const synthetics = require('Synthetics');",
      'exports.handler = async () => {',
      `  await ${step};`,
      '};',
    ].join('\n');
  }
  const datum = (endpoint: string, up: string) =>
    `{ MetricName: '${METRIC.serviceAvailabilityPercentage}', Dimensions: [{ Name: '${DIMENSION.stage}', Value: '${availability.stage}' }, { Name: '${DIMENSION.endpoint}', Value: '${endpoint}' }], Value: ${up} ? 100 : 0, Unit: 'Percent' }`;
  return [
    "const synthetics = require('Synthetics');",
    "const https = require('https');",
    "const { CloudWatchClient, PutMetricDataCommand } = require('@aws-sdk/client-cloudwatch');",
    'const cloudwatch = new CloudWatchClient({});',
    'const answers200 = (hostname, path) => new Promise((done) => {',
    `  const request = https.request({ hostname, path, method: 'GET', port: 443, timeout: ${PUBLIC_TIMEOUT_MS} }, (response) => { response.resume(); done(response.statusCode === 200); });`,
    "  request.on('timeout', () => request.destroy(new Error('timeout')));",
    "  request.on('error', () => done(false));",
    '  request.end();',
    '});',
    'exports.handler = async () => {',
    `  const publicUp = await answers200('${availability.publicDomainName}', '${path}');`,
    '  let failure;',
    `  try { await ${step}; } catch (error) { failure = error; }`,
    '  try {',
    `    await cloudwatch.send(new PutMetricDataCommand({ Namespace: '${METRICS_NAMESPACE}', MetricData: [${datum(AVAILABILITY_PUBLIC_ENDPOINT, 'publicUp')}, ${datum(availability.endpointRegion, 'failure === undefined')}] }));`,
    '  } catch (error) {',
    "    console.error('availability datapoints not published', error);",
    '  }',
    '  if (failure) throw failure;',
    '};',
  ].join('\n');
}
