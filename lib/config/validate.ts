// Synth-time validation of the DR configuration: every problem names the field, the value and the fix.
import { Token } from 'aws-cdk-lib';
import { overlaps, parseCidr, type Ipv4Block } from './cidr';
import { cronError } from './cron';
import { INTERFACE_ENDPOINTS, SEVERITIES, STAGES, type DrConfig } from './types';

/** One thing wrong with a configuration. */
export interface ConfigProblem {
  /** Path of the field, for example `regions[1].cidr`. */
  readonly field: string;
  /** The offending value, as given. */
  readonly value: unknown;
  /** What is wrong and how to fix it. */
  readonly fix: string;
}

/** Thrown when a configuration is invalid; lists every problem, not just the first. */
export class ConfigValidationError extends Error {
  constructor(public readonly problems: readonly ConfigProblem[]) {
    super(
      `Invalid DR configuration (${problems.length} problem${problems.length === 1 ? '' : 's'}):\n` +
        problems.map((p) => `  - ${p.field} = ${JSON.stringify(p.value)}: ${p.fix}`).join('\n'),
    );
    this.name = 'ConfigValidationError';
  }
}

const ACCOUNT_PATTERN = /^\d{12}$/;
const REGION_PATTERN = /^[a-z]{2}(-gov)?-[a-z]+-\d$/;
const EMAIL_PATTERN = /^[^@\s]+@[^@\s]+\.[^@\s]+$/;
const E164_PATTERN = /^\+[1-9]\d{6,14}$/;
/** AWS allows VPC CIDRs from /16 to /28; below /24 leaves too few addresses for three subnet tiers. */
const MIN_VPC_PREFIX = 16;
const MAX_VPC_PREFIX = 24;

function checkIdentity(config: DrConfig, problems: ConfigProblem[]): void {
  if (!(STAGES as readonly string[]).includes(config.stage)) {
    problems.push({
      field: 'stage',
      value: config.stage,
      fix: `unknown stage; use one of ${STAGES.join(', ')} (-c stage=...)`,
    });
  }
  if (typeof config.account !== 'string' || !ACCOUNT_PATTERN.test(config.account)) {
    problems.push({
      field: 'account',
      value: config.account,
      fix: 'must be a 12-digit AWS account id; set -c account=... or CDK_DEFAULT_ACCOUNT',
    });
  }
  if (!config.serviceName) {
    problems.push({ field: 'serviceName', value: config.serviceName, fix: 'must be a non-empty service name' });
  }
}

function checkRegions(config: DrConfig, problems: ConfigProblem[]): void {
  const seen = new Map<string, number>();
  const blocks: { index: number; block: Ipv4Block }[] = [];
  config.regions.forEach((region, index) => {
    const at = `regions[${index}]`;
    if (!REGION_PATTERN.test(region.region)) {
      problems.push({
        field: `${at}.region`,
        value: region.region,
        fix: 'must be an AWS region name such as us-east-1',
      });
    }
    const earlier = seen.get(region.region);
    if (earlier !== undefined) {
      problems.push({
        field: `${at}.region`,
        value: region.region,
        fix: `region already given as regions[${earlier}]; each region appears once, with one role (primary in one region, secondary in another)`,
      });
    } else {
      seen.set(region.region, index);
    }
    if (region.availabilityZones.length < 2) {
      problems.push({
        field: `${at}.availabilityZones`,
        value: region.availabilityZones,
        fix: 'list at least 2 AZs so the VPC and the databases survive an AZ failure',
      });
    }
    const azPattern = new RegExp(`^${region.region}[a-z]$`);
    region.availabilityZones.forEach((az, azIndex) => {
      if (!azPattern.test(az)) {
        problems.push({
          field: `${at}.availabilityZones[${azIndex}]`,
          value: az,
          fix: `is not an AZ of ${region.region}; use names such as ${region.region}a`,
        });
      }
    });
    if (new Set(region.availabilityZones).size !== region.availabilityZones.length) {
      problems.push({
        field: `${at}.availabilityZones`,
        value: region.availabilityZones,
        fix: 'lists an AZ more than once; give each AZ once',
      });
    }
    const block = parseCidr(region.cidr);
    if (!block) {
      problems.push({
        field: `${at}.cidr`,
        value: region.cidr,
        fix: 'must be an IPv4 network in CIDR form with no host bits set, such as 10.10.0.0/16',
      });
    } else if (block.prefix < MIN_VPC_PREFIX || block.prefix > MAX_VPC_PREFIX) {
      problems.push({
        field: `${at}.cidr`,
        value: region.cidr,
        fix: `prefix must be between /${MIN_VPC_PREFIX} and /${MAX_VPC_PREFIX}`,
      });
    } else {
      for (const other of blocks) {
        if (overlaps(other.block, block)) {
          problems.push({
            field: `${at}.cidr`,
            value: region.cidr,
            fix: `overlaps regions[${other.index}].cidr (${config.regions[other.index]?.cidr}); give each region a disjoint range so the VPCs can be peered`,
          });
        }
      }
      blocks.push({ index, block });
    }
  });
  for (const role of ['primary', 'secondary'] as const) {
    const count = config.regions.filter((region) => region.role === role).length;
    if (count !== 1) {
      problems.push({
        field: 'regions[].role',
        value: config.regions.map((region) => `${region.region}:${region.role}`),
        fix: `needs exactly one ${role} region, found ${count}; set role "primary" on one region and "secondary" on another`,
      });
    }
  }
}

function checkNetwork(config: DrConfig, problems: ConfigProblem[]): void {
  const { natGateways, interfaceEndpoints } = config.network;
  const fewestAzs = Math.min(...config.regions.map((region) => region.availabilityZones.length));
  if (natGateways !== undefined && (!Number.isInteger(natGateways) || natGateways < 1 || natGateways > fewestAzs)) {
    problems.push({
      field: 'network.natGateways',
      value: natGateways,
      fix: `must be an integer from 1 to the number of AZs (${fewestAzs}); leave it unset for one per AZ`,
    });
  }
  interfaceEndpoints.forEach((name, index) => {
    if (!(INTERFACE_ENDPOINTS as readonly string[]).includes(name)) {
      problems.push({
        field: `network.interfaceEndpoints[${index}]`,
        value: name,
        fix: `unknown endpoint; use one of ${INTERFACE_ENDPOINTS.join(', ')}`,
      });
    }
  });
}

function checkObjectives(config: DrConfig, problems: ConfigProblem[]): void {
  if (config.objectives.length === 0) {
    problems.push({ field: 'objectives', value: [], fix: "list the plan's RTO/RPO table; it must not be empty" });
  }
  const components = new Set<string>();
  config.objectives.forEach((objective, index) => {
    const at = `objectives[${index}]`;
    if (components.has(objective.component)) {
      problems.push({
        field: `${at}.component`,
        value: objective.component,
        fix: 'component given twice; give each component one row',
      });
    }
    components.add(objective.component);
    for (const key of ['rto', 'rpo'] as const) {
      const duration = objective[key] as DrConfig['objectives'][number]['rto'] | undefined;
      if (duration === undefined || duration === null) {
        problems.push({
          field: `${at}.${key}`,
          value: duration,
          fix: `${objective.component} needs an ${key.toUpperCase()}; set it with Duration.minutes(...)`,
        });
      } else if (!Token.isUnresolved(duration) && duration.toSeconds() <= 0) {
        problems.push({
          field: `${at}.${key}`,
          value: duration.toHumanString(),
          fix: `${key.toUpperCase()} of ${objective.component} must be positive`,
        });
      }
    }
    if (!(SEVERITIES as readonly string[]).includes(objective.priority)) {
      problems.push({ field: `${at}.priority`, value: objective.priority, fix: `use one of ${SEVERITIES.join(', ')}` });
    }
  });
}

function checkSchedules(config: DrConfig, problems: ConfigProblem[]): void {
  const ids = new Set<string>();
  config.schedules.forEach((schedule, index) => {
    const at = `schedules[${index}]`;
    if (ids.has(schedule.id)) {
      problems.push({ field: `${at}.id`, value: schedule.id, fix: 'schedule id given twice; ids must be unique' });
    }
    ids.add(schedule.id);
    const problem = cronError(schedule.cron);
    if (problem) {
      problems.push({
        field: `${at}.cron`,
        value: schedule.cron,
        fix: `invalid EventBridge cron: ${problem}; for example cron(0 2 * * ? *) runs daily at 02:00 UTC`,
      });
    }
  });
}

function checkContacts(config: DrConfig, problems: ConfigProblem[]): void {
  for (const severity of SEVERITIES) {
    const subscriptions = config.contacts[severity];
    if (!subscriptions) {
      problems.push({
        field: `contacts.${severity}`,
        value: subscriptions,
        fix: 'give a list of subscriptions, [] for none',
      });
      continue;
    }
    subscriptions.forEach((subscription, index) => {
      const at = `contacts.${severity}[${index}]`;
      const valid =
        (subscription.protocol === 'email' && EMAIL_PATTERN.test(subscription.endpoint)) ||
        (subscription.protocol === 'sms' && E164_PATTERN.test(subscription.endpoint)) ||
        (subscription.protocol === 'https' && subscription.endpoint.startsWith('https://'));
      if (!valid) {
        problems.push({
          field: `${at}.endpoint`,
          value: `${subscription.protocol}:${subscription.endpoint}`,
          fix: 'use an email address for email, an E.164 number such as +15550123 for sms, an https:// URL for https',
        });
      }
    });
  }
}

/** Every problem of `config`; empty when it is valid. */
export function configProblems(config: DrConfig): ConfigProblem[] {
  const problems: ConfigProblem[] = [];
  checkIdentity(config, problems);
  checkRegions(config, problems);
  checkNetwork(config, problems);
  checkObjectives(config, problems);
  checkSchedules(config, problems);
  checkContacts(config, problems);
  return problems;
}

/** Throws {@link ConfigValidationError} listing every problem of `config`. */
export function validateConfig(config: DrConfig): DrConfig {
  const problems = configProblems(config);
  if (problems.length > 0) throw new ConfigValidationError(problems);
  return config;
}
