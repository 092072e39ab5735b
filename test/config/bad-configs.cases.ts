// Bad configurations and the exact report each gets: the table of test/config/bad-configs.test.ts.
import { Duration } from 'aws-cdk-lib';
import { loadConfig, type DrConfig, type RegionConfig } from '../../lib/config';
import { PROVIDER_BAD_CONFIGS } from './bad-configs.providers.cases';

const prod = loadConfig({ stage: 'prod' });
const staging = loadConfig({ stage: 'staging' });
const [primary, secondary] = prod.regions as [RegionConfig, RegionConfig];

/** `config` with the value at `path` (keys and list indexes) replaced, whatever the type says. */
export function withValueAt(config: unknown, path: readonly (string | number)[], value: unknown): DrConfig {
  const [head, ...rest] = path;
  if (head === undefined) return value as DrConfig;
  const container = config as Record<string | number, unknown>;
  const replaced = withValueAt(container[head], rest, value);
  return (Array.isArray(config)
    ? config.map((item, index) => (index === head ? replaced : item))
    : { ...container, [head]: replaced }) as unknown as DrConfig;
}

/** One bad configuration: what is wrong, the config, and every line of its report. */
export interface BadConfig {
  readonly name: string;
  readonly config: DrConfig;
  readonly problems: readonly string[];
}

const set = (path: string, value: unknown, config: DrConfig = prod): DrConfig =>
  withValueAt(
    config,
    path.split('.').map((key) => (/^\d+$/.test(key) ? Number(key) : key)),
    value,
  );
const secondaryIn = (region: string, letters: string): DrConfig =>
  set('regions.1', { ...secondary, region, availabilityZones: [...letters].map((letter) => `${region}${letter}`) });

/** The bad configurations, by section. The expected lines are the report as `bin/app.ts` prints it. */
export const BAD_CONFIGS: readonly BadConfig[] = [
  // --- regions and AZs ---
  {
    name: 'a well-formed region that does not exist',
    config: secondaryIn('us-west-9', 'ab'),
    problems: [
      'regions[1].region = "us-west-9": is not an AWS commercial region (lib/config/catalog/regions.ts); use a region code such as us-west-2',
    ],
  },
  {
    name: 'a GovCloud region',
    config: secondaryIn('us-gov-west-1', 'abc'),
    problems: [
      'regions[1].region = "us-gov-west-1": is a region of AWS GovCloud (US), another partition that a commercial account cannot deploy to; use commercial regions (lib/config/catalog/regions.ts)',
    ],
  },
  {
    name: 'a China region',
    config: secondaryIn('cn-north-1', 'ab'),
    problems: [
      'regions[1].region = "cn-north-1": is a region of AWS China, another partition that a commercial account cannot deploy to; use commercial regions (lib/config/catalog/regions.ts)',
    ],
  },
  {
    name: 'an AZ letter its region does not have',
    config: set('regions.0.availabilityZones', ['us-east-1a', 'us-east-1g']),
    problems: [
      'regions[0].availabilityZones[1] = "us-east-1g": is not an AZ of us-east-1; AWS names its AZs us-east-1a, us-east-1b, us-east-1c, us-east-1d, us-east-1e, us-east-1f (lib/config/catalog/regions.ts; check yours with aws ec2 describe-availability-zones)',
    ],
  },
  {
    name: 'ca-central-1c, which does not exist',
    config: secondaryIn('ca-central-1', 'ac'),
    problems: [
      'regions[1].availabilityZones[1] = "ca-central-1c": is not an AZ of ca-central-1; AWS names its AZs ca-central-1a, ca-central-1b, ca-central-1d (lib/config/catalog/regions.ts; check yours with aws ec2 describe-availability-zones)',
    ],
  },
  {
    name: 'us-west-2e, which does not exist',
    config: set('regions.1.availabilityZones', ['us-west-2a', 'us-west-2e']),
    problems: [
      'regions[1].availabilityZones[1] = "us-west-2e": is not an AZ of us-west-2; AWS names its AZs us-west-2a, us-west-2b, us-west-2c, us-west-2d (lib/config/catalog/regions.ts; check yours with aws ec2 describe-availability-zones)',
    ],
  },
  {
    name: 'an AZ of the other region',
    config: set('regions.1.availabilityZones', ['us-west-2a', 'us-east-1b']),
    problems: [
      'regions[1].availabilityZones[1] = "us-east-1b": is not an AZ of us-west-2; AWS names its AZs us-west-2a, us-west-2b, us-west-2c, us-west-2d (lib/config/catalog/regions.ts; check yours with aws ec2 describe-availability-zones)',
    ],
  },
  {
    name: 'a primary outside us-east-1',
    config: set('regions', [
      { ...primary, role: 'secondary' },
      { ...secondary, role: 'primary' },
    ]),
    problems: [
      'regions[1].region = "us-west-2": the primary region must be us-east-1, where Route 53 health-check metrics and CloudFront certificates are; make us-east-1 the primary and this region the secondary',
    ],
  },
  {
    name: 'the secondary in the primary region',
    config: set('regions.1', { ...primary, role: 'secondary', cidr: '10.20.0.0/16' }),
    problems: [
      'regions[1].region = "us-east-1": region already given as regions[0]; each region appears once, with one role (primary in one region, secondary in another)',
    ],
  },
  {
    name: 'a malformed region name',
    config: set('regions.0', { ...primary, region: 'useast1', availabilityZones: ['useast1a', 'useast1b'] }),
    problems: ['regions[0].region = "useast1": must be an AWS region name such as us-east-1'],
  },
  {
    name: 'a region with one AZ',
    config: set('regions.0.availabilityZones', ['us-east-1a']),
    problems: [
      'regions[0].availabilityZones = ["us-east-1a"]: list at least 2 AZs so the VPC and the databases survive an AZ failure',
    ],
  },
  {
    name: 'an AZ listed twice',
    config: set('regions.0.availabilityZones', ['us-east-1a', 'us-east-1a']),
    problems: [
      'regions[0].availabilityZones = ["us-east-1a","us-east-1a"]: lists an AZ more than once; give each AZ once',
    ],
  },
  {
    name: 'overlapping VPC ranges',
    config: set('regions.1.cidr', '10.10.128.0/17'),
    problems: [
      'regions[1].cidr = "10.10.128.0/17": overlaps regions[0].cidr (10.10.0.0/16); give each region a disjoint range so the VPCs can be peered',
    ],
  },
  {
    name: 'two primaries',
    config: set('regions.1.role', 'primary'),
    problems: [
      'regions[].role = ["us-east-1:primary","us-west-2:primary"]: needs exactly one primary region, found 2; set role "primary" on one region and "secondary" on another',
      'regions[].role = ["us-east-1:primary","us-west-2:primary"]: needs exactly one secondary region, found 0; set role "primary" on one region and "secondary" on another',
    ],
  },
  {
    name: 'a region given as a number',
    config: set('regions.1.region', 2),
    problems: ['regions[1].region = 2: must be a string, got a number'],
  },
  {
    name: 'no regions section',
    config: set('regions', undefined),
    problems: [
      'regions = undefined: section missing; give the primary and the secondary region, as in lib/config/stages.ts',
    ],
  },
  // --- identity ---
  {
    name: 'a non-numeric account',
    config: set('account', 'abcdefghijkl'),
    problems: [
      'account = "abcdefghijkl": must be a 12-digit AWS account id; set -c account=... or CDK_DEFAULT_ACCOUNT',
    ],
  },
  {
    name: 'an account given as a number',
    config: set('account', 123456789012),
    problems: ['account = 123456789012: must be a string, got a number'],
  },
  {
    name: 'a service name no tag takes',
    config: set('serviceName', 'Async Toolformer!'),
    problems: [
      'serviceName = "Async Toolformer!": tags every resource, so it must be a tag value: up to 256 letters, digits, spaces and _.:/=+-@',
    ],
  },
  {
    name: 'an empty service name',
    config: set('serviceName', ''),
    problems: ['serviceName = "": must be a non-empty service name'],
  },
  {
    name: 'a stack prefix too long for a stack name',
    config: set('stackPrefix', 'A'.repeat(65)),
    problems: [
      'stackPrefix = "AAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAA": must be at most 64 characters, so every stack name stays within CloudFormation\'s 128',
    ],
  },
  {
    name: 'a stack prefix with an underscore',
    config: set('stackPrefix', 'Async_Toolformer'),
    problems: [
      'stackPrefix = "Async_Toolformer": must start with a letter and hold only letters, digits and hyphens, such as AsyncToolformer: every stack name starts with it',
    ],
  },
  {
    name: 'termination protection as a string',
    config: set('terminationProtection', 'yes'),
    problems: ['terminationProtection = "yes": must be true or false, got a string'],
  },
  // --- data ---
  {
    name: 'an Aurora class that does not exist',
    config: set('data.instanceType', 'r7g.huge'),
    problems: [
      'data.instanceType = "r7g.huge": is not a memory-optimized class that Aurora PostgreSQL 17 offers for a Global Database; use a size of r8g, r7g, r7i, r6g, r6i, r5, x2g, such as r7g.large (lib/config/catalog/aurora.ts)',
    ],
  },
  {
    name: 'a burstable Aurora class, which a Global Database refuses',
    config: set('data.instanceType', 't4g.medium'),
    problems: [
      'data.instanceType = "t4g.medium": is not a memory-optimized class that Aurora PostgreSQL 17 offers for a Global Database; use a size of r8g, r7g, r7i, r6g, r6i, r5, x2g, such as r7g.large (lib/config/catalog/aurora.ts)',
    ],
  },
  {
    name: 'a general-purpose Aurora class',
    config: set('data.instanceType', 'm7g.large'),
    problems: [
      'data.instanceType = "m7g.large": is not a memory-optimized class that Aurora PostgreSQL 17 offers for a Global Database; use a size of r8g, r7g, r7i, r6g, r6i, r5, x2g, such as r7g.large (lib/config/catalog/aurora.ts)',
    ],
  },
  {
    name: 'the db. prefix CDK adds itself',
    config: set('data.instanceType', 'db.r7g.large'),
    problems: [
      'data.instanceType = "db.r7g.large": must be an instance class without the db. prefix, such as r7g.large',
    ],
  },
  {
    name: 'vault lock mode none in prod',
    config: set('data.vaultLock', { ...prod.data.vaultLock, mode: 'none', changeableFor: undefined }),
    problems: [
      'data.vaultLock.mode = "none": prod locks its backup vaults in compliance mode: a governance lock can be removed by any principal allowed backup:DeleteBackupVaultLockConfiguration; set mode "compliance" with changeableFor of at least Duration.days(3)',
    ],
  },
  {
    name: 'vault lock mode governance in prod',
    config: set('data.vaultLock', { ...prod.data.vaultLock, mode: 'governance', changeableFor: undefined }),
    problems: [
      'data.vaultLock.mode = "governance": prod locks its backup vaults in compliance mode: a governance lock can be removed by any principal allowed backup:DeleteBackupVaultLockConfiguration; set mode "compliance" with changeableFor of at least Duration.days(3)',
    ],
  },
  {
    name: 'a compliance lock without a cooling-off',
    config: set('data.vaultLock.changeableFor', undefined),
    problems: [
      'data.vaultLock.changeableFor = undefined: compliance mode needs a cooling-off of at least 3 days (Duration.days(3)); after it the lock can never be removed',
    ],
  },
  {
    name: 'a cooling-off of 2 days',
    config: set('data.vaultLock.changeableFor', Duration.days(2)),
    problems: [
      'data.vaultLock.changeableFor = "2 days": compliance mode needs a cooling-off of at least 3 days (Duration.days(3)); after it the lock can never be removed',
    ],
  },
  {
    name: 'a cooling-off of 3.5 days',
    config: set('data.vaultLock.changeableFor', Duration.hours(84)),
    problems: [
      'data.vaultLock.changeableFor = "3 days 12 hours": must be whole days: AWS takes this setting in days; use Duration.days(n)',
    ],
  },
  {
    name: 'a vault lock mode that does not exist',
    config: set('data.vaultLock.mode', 'strict'),
    problems: ['data.vaultLock.mode = "strict": use none, governance or compliance'],
  },
  {
    name: 'Aurora backups kept part of a day',
    config: set('data.backupRetention', Duration.hours(200)),
    problems: [
      'data.backupRetention = "8 days 8 hours": must be whole days: AWS takes this setting in days; use Duration.days(n)',
    ],
  },
  {
    name: 'weekly backups kept part of a day',
    config: set('data.weeklyBackupRetention', Duration.hours(2172)),
    problems: [
      'data.weeklyBackupRetention = "90 days 12 hours": must be whole days: AWS takes this setting in days; use Duration.days(n)',
    ],
  },
  {
    name: 'a vault lock minimum of part of a day',
    config: set('data.vaultLock.minRetention', Duration.hours(36)),
    problems: [
      'data.vaultLock.minRetention = "1 day 12 hours": must be whole days: AWS takes this setting in days; use Duration.days(n)',
    ],
  },
  {
    name: 'a lag alarm threshold with a fraction of a second',
    config: set('data.globalLagAlarmThreshold', Duration.millis(1500)),
    problems: [
      'data.globalLagAlarmThreshold = "1 second 500 millis": must be whole seconds: CloudFormation takes no fraction of a second; use Duration.seconds(n) or a larger unit',
    ],
  },
  {
    name: 'prod with no reader beside the writer',
    config: set('data.primaryReaders', 0),
    problems: [
      'data.primaryReaders = 0: prod needs at least 1 reader in another AZ, so an AZ failure does not take the writer away for long',
    ],
  },
  {
    name: 'Aurora backups kept 40 days',
    config: set('data.backupRetention', Duration.days(40)),
    problems: [
      'data.backupRetention = "40 days": Aurora keeps 1 to 35 days and this project requires at least 7; use Duration.days(7) to Duration.days(35)',
    ],
  },
  {
    name: 'a backup window that runs into the daily backup',
    config: set('data.preferredBackupWindow', '01:30-02:30'),
    problems: [
      'data.preferredBackupWindow = "01:30-02:30": must end at most 6 hours before the daily backup (02:00 UTC) so that the two never overlap',
    ],
  },
  {
    name: 'a reader count given as a string',
    config: set('data.secondaryReaders', '1'),
    problems: ['data.secondaryReaders = "1": must be a number, got a string'],
  },
  {
    name: 'a maintenance window RDS finds too short',
    config: set('data.preferredMaintenanceWindow', 'tue:03:00-tue:03:10'),
    problems: [
      'data.preferredMaintenanceWindow = "tue:03:00-tue:03:10": RDS needs a maintenance window of at least 30 minutes',
    ],
  },
  {
    name: 'a maintenance window over the backup window',
    config: set('data.preferredMaintenanceWindow', 'sun:23:30-mon:00:30'),
    problems: [
      'data.preferredMaintenanceWindow = "sun:23:30-mon:00:30": overlaps the daily backup window (00:00-01:00), which RDS refuses; move it clear of that window',
    ],
  },
  // --- cache ---
  {
    name: 'a cache node type that does not exist',
    config: set('cache.nodeType', 'cache.r7g.huge'),
    problems: [
      'cache.nodeType = "cache.r7g.huge": is not a current-generation ElastiCache node type; use a size of m7g, m6g, m5, r7g, r6g, r5, t4g, t3, such as cache.r7g.large (lib/config/catalog/elasticache.ts)',
    ],
  },
  {
    name: 'a previous-generation cache node type',
    config: set('cache.nodeType', 'cache.r4.large'),
    problems: [
      'cache.nodeType = "cache.r4.large": is not a current-generation ElastiCache node type; use a size of m7g, m6g, m5, r7g, r6g, r5, t4g, t3, such as cache.r7g.large (lib/config/catalog/elasticache.ts)',
    ],
  },
  {
    name: 'T-family nodes in a Global Datastore',
    config: set('cache.nodeType', 'cache.t4g.medium'),
    problems: [
      'cache.nodeType = "cache.t4g.medium": a Global Datastore does not support T-family nodes; use an M or R type such as cache.r7g.large',
    ],
  },
  {
    name: 'a node type without the cache. prefix',
    config: set('cache.nodeType', 'r7g.large'),
    problems: ['cache.nodeType = "r7g.large": must be a node type such as cache.r7g.large'],
  },
  {
    name: 'a Valkey version ElastiCache does not offer',
    config: set('cache.engineVersion', '9.9'),
    problems: [
      'cache.engineVersion = "9.9": is not a Valkey version ElastiCache offers; use one of 7.2, 8.0, 8.1, 8.2 (lib/config/catalog/elasticache.ts)',
    ],
  },
  {
    name: 'a Redis OSS version',
    config: set('cache.engineVersion', '6.2'),
    problems: [
      'cache.engineVersion = "6.2": is not a Valkey version ElastiCache offers; use one of 7.2, 8.0, 8.1, 8.2 (lib/config/catalog/elasticache.ts)',
    ],
  },
  {
    name: 'an engine version without a minor',
    config: set('cache.engineVersion', '8'),
    problems: ['cache.engineVersion = "8": must be MAJOR.MINOR, such as 8.0'],
  },
  {
    name: 'a parameter group family of another version',
    config: set('cache.parameterGroupFamily', 'valkey7'),
    problems: ['cache.parameterGroupFamily = "valkey7": must match engine version 8.0: use valkey8'],
  },
  {
    name: 'Valkey 7.2 with the valkey8 family',
    config: set('cache.engineVersion', '7.2'),
    problems: ['cache.parameterGroupFamily = "valkey8": must match engine version 7.2: use valkey7'],
  },
  {
    name: 'a Redis OSS parameter group family',
    config: set('cache.parameterGroupFamily', 'redis7'),
    problems: ['cache.parameterGroupFamily = "redis7": must match engine version 8.0: use valkey8'],
  },
  {
    name: 'the default Redis port',
    config: set('cache.port', 6379),
    problems: [
      'cache.port = 6379: must be an unprivileged port (1024-65535) other than the default 6379, for example 6380',
    ],
  },
  {
    name: 'prod keeping cache snapshots 3 days',
    config: set('cache.snapshotRetention', Duration.days(3)),
    problems: ['cache.snapshotRetention = "3 days": must be whole days from 7 to 35 (prod keeps at least a week)'],
  },
  {
    name: 'a replica count given as a string',
    config: set('cache.replicasPerNodeGroup', 'two'),
    problems: ['cache.replicasPerNodeGroup = "two": must be a number, got a string'],
  },
  // --- contacts ---
  {
    name: 'prod with no contact',
    config: set('contacts', { critical: [], high: [], medium: [] }),
    problems: [
      'contacts.escalation = undefined: prod needs a human pager: critical, high, medium alarms reach nobody; give contacts.escalation (the on-call engineer, engineering manager and CTO, each with sms or https, as in lib/config/stages.ts), or add an sms subscription (an E.164 number such as +15550123) or an https paging endpoint (such as PagerDuty) to contacts.critical, and an sms or https subscription to contacts.high, and any subscription to contacts.medium',
    ],
  },
  {
    name: 'prod without an escalation, paged only by email',
    config: set('contacts', {
      critical: [{ protocol: 'email', endpoint: 'oncall@example.com' }],
      high: [],
      medium: [{ protocol: 'email', endpoint: 'oncall@example.com' }],
    }),
    problems: [
      'contacts.escalation = undefined: prod needs a human pager: critical, high alarms reach nobody; give contacts.escalation (the on-call engineer, engineering manager and CTO, each with sms or https, as in lib/config/stages.ts), or add an sms subscription (an E.164 number such as +15550123) or an https paging endpoint (such as PagerDuty) to contacts.critical, and an sms or https subscription to contacts.high',
    ],
  },
  {
    name: 'prod without an escalation, with its pager at high severity only',
    config: set('contacts', { critical: [], high: [{ protocol: 'sms', endpoint: '+15550123' }], medium: [] }),
    problems: [
      'contacts.escalation = undefined: prod needs a human pager: critical, medium alarms reach nobody; give contacts.escalation (the on-call engineer, engineering manager and CTO, each with sms or https, as in lib/config/stages.ts), or add an sms subscription (an E.164 number such as +15550123) or an https paging endpoint (such as PagerDuty) to contacts.critical, and any subscription to contacts.medium',
    ],
  },
  {
    name: 'an escalation level reached by email only',
    config: set('contacts.escalation.engineeringManager', { email: 'manager@example.com' }),
    problems: [
      'contacts.escalation.engineeringManager.sms = undefined: give sms (an E.164 number such as +15550123) or https (a paging endpoint such as PagerDuty): email alone pages nobody',
    ],
  },
  {
    name: 'a customer texted instead of emailed',
    config: set('contacts.customers', [{ protocol: 'sms', endpoint: '+15550199' }]),
    problems: [
      'contacts.customers[0].protocol = "sms:+15550199": customers get the plan\'s email alerts: use email, or https for a relay to them',
    ],
  },
  {
    name: 'a customer email address that is not one',
    config: set('contacts.customers', [{ protocol: 'email', endpoint: 'customer-at-example.com' }]),
    problems: [
      'contacts.customers[0].endpoint = "email:customer-at-example.com": use an email address for email, an E.164 number such as +15550123 for sms, an https:// URL for https',
    ],
  },
  {
    name: 'an escalation number that is not E.164',
    config: set('contacts.escalation.executive.sms', '555-0125'),
    problems: [
      'contacts.escalation.executive.sms = "555-0125": use an E.164 number such as +15550123 for sms, an email address for email, an https:// URL for https',
    ],
  },
  {
    name: 'the same pager twice',
    config: set('contacts.critical', [
      { protocol: 'sms', endpoint: '+15550123' },
      { protocol: 'sms', endpoint: '+15550123' },
    ]),
    problems: [
      'contacts.critical[1] = "sms:+15550123": subscription given twice; list each endpoint once per severity',
    ],
  },
  {
    name: 'an sms number that is not E.164',
    config: set('contacts.critical', [{ protocol: 'sms', endpoint: '555-0123' }]),
    problems: [
      'contacts.critical[0].endpoint = "sms:555-0123": use an email address for email, an E.164 number such as +15550123 for sms, an https:// URL for https',
    ],
  },
  {
    name: 'a voice contact, which SNS has no protocol for',
    config: set('contacts.high', [{ protocol: 'voice', endpoint: '+15550124' }]),
    problems: ['contacts.high[0].protocol = "voice": use email, sms or https'],
  },
  {
    name: 'no contacts section',
    config: set('contacts', undefined),
    problems: [
      'contacts = undefined: section missing; give the SNS subscriptions of each severity, as in lib/config/stages.ts',
    ],
  },
  // --- network ---
  {
    name: 'an interface endpoint listed twice',
    config: set('network.interfaceEndpoints', ['ssm', 'sts', 'ssm']),
    problems: [
      'network.interfaceEndpoints[2] = "ssm": endpoint given twice; each endpoint is created once per VPC, so list it once',
    ],
  },
  {
    name: 'more NAT gateways than AZs',
    config: set('network.natGateways', 4),
    problems: [
      'network.natGateways = 4: must be an integer from 1 to the number of AZs (3); leave it unset for one per AZ',
    ],
  },
  {
    name: 'an interface endpoint the network tier does not create',
    config: set('network.interfaceEndpoints', ['dynamodb']),
    problems: [
      'network.interfaceEndpoints[0] = "dynamodb": unknown endpoint; use one of ssm, cloudwatch-monitoring, cloudwatch-logs, sts, secrets-manager, kms, ecr-api, ecr-dkr, elasticache, rds, backup, sns, sqs, events',
    ],
  },
  {
    name: 'an application database name with upper case and a dash',
    config: set('data.applicationDatabase', 'Orchestrator-DB'),
    problems: [
      'data.applicationDatabase = "Orchestrator-DB": must be a PostgreSQL database name: lower case letters, digits, _ or $, starting with a letter or _, at most 63 characters (the clusters create only "postgres")',
    ],
  },
  // --- traffic ---
  {
    name: 'a cluster admin role listed twice',
    config: set('traffic.clusterAdminRoleNames', ['platform-admin', 'platform-admin']),
    problems: [
      'traffic.clusterAdminRoleNames[1] = "platform-admin": admin role given twice; each role gets one access entry, so list it once',
    ],
  },
  {
    name: 'logs kept part of a day',
    config: set('traffic.logRetention', Duration.hours(36)),
    problems: [
      'traffic.logRetention = "1 day 12 hours": must be whole days: AWS takes this setting in days; use Duration.days(n)',
    ],
  },
  {
    name: 'an image tagged latest',
    config: set('traffic.image', 'repo/orchestrator:latest'),
    problems: [
      'traffic.image = "repo/orchestrator:latest": pin a tag or digest other than latest, such as repo/orchestrator:1.4.2, so both regions run the same build',
    ],
  },
  {
    name: 'a health check every 20 seconds',
    config: set('traffic.healthCheck.interval', Duration.seconds(20)),
    problems: [
      'traffic.healthCheck.interval = "20 seconds": Route 53 checks every 10 s (fast) or 30 s (standard); use Duration.seconds(10) or Duration.seconds(30)',
    ],
  },
  {
    name: 'warm capacity given as a string',
    config: set('traffic.warmCapacity.secondary.minReplicas', 'three'),
    problems: ['traffic.warmCapacity.secondary.minReplicas = "three": must be a number, got a string'],
  },
  // --- automation and objectives ---
  {
    name: 'a failover cooldown of part of a minute',
    config: set('automation.failoverCooldown', Duration.seconds(330)),
    problems: ['automation.failoverCooldown = "5 minutes 30 seconds": must be whole minutes; use Duration.minutes(n)'],
  },
  {
    name: 'a backup age slack with a fraction of a second',
    config: set('automation.backupAgeSlack', Duration.millis(1500)),
    problems: [
      'automation.backupAgeSlack = "1 second 500 millis": must be whole seconds: CloudFormation takes no fraction of a second; use Duration.seconds(n) or a larger unit',
    ],
  },
  {
    name: 'IaC backups kept part of a day',
    config: set('automation.iacBackupRetention', Duration.hours(2172)),
    problems: [
      'automation.iacBackupRetention = "90 days 12 hours": must be whole days: AWS takes this setting in days; use Duration.days(n)',
    ],
  },
  {
    name: 'more Scheduler retries than it allows',
    config: set('automation.scheduleRetryAttempts', 200),
    problems: [
      'automation.scheduleRetryAttempts = 200: EventBridge Scheduler retries 0 to 185 times; use an integer in that range',
    ],
  },
  {
    name: 'a restore limit given as a number of seconds',
    config: set('automation.maxAuroraRestore', 3600),
    problems: ['automation.maxAuroraRestore = 3600: must be a Duration, such as Duration.minutes(5), got a number'],
  },
  {
    name: 'an RTO of part of a minute',
    config: set('objectives.0.rto', Duration.seconds(870)),
    problems: ['objectives[0].rto = "14 minutes 30 seconds": must be whole minutes; use Duration.minutes(n)'],
  },
  // --- schedules ---
  {
    name: 'a schedule of the plan left out',
    config: set(
      'schedules',
      prod.schedules.filter(({ id }) => id !== 'daily-integrity-check'),
    ),
    problems: [
      'schedules = ["daily-backup","weekly-full-backup","aurora-sentinel","iac-backup","weekly-restore-test","monthly-cross-region-verification"]: add the schedule "daily-integrity-check" (Daily backup integrity check: newest recovery points exist, are complete, encrypted and fresh): a job of the plan runs on it',
    ],
  },
  {
    name: 'a cron with five fields',
    config: set('schedules.0.cron', 'cron(0 2 * * *)'),
    problems: [
      'schedules[0].cron = "cron(0 2 * * *)": invalid EventBridge cron: has 5 fields, EventBridge cron needs 6; for example cron(0 2 * * ? *) runs daily at 02:00 UTC',
    ],
  },
  {
    name: 'a zone name too long for its certificates',
    config: set('traffic.hostedZone.zoneName', `${'a'.repeat(50)}.example.com`),
    problems: [
      'traffic.hostedZone.zoneName = "aaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaa.example.com": must be at most 57 characters: certificates are issued for status.<zone>, and ACM takes at most 64',
    ],
  },
  // --- staging ---
  {
    name: 'staging with an AZ that does not exist',
    config: set('regions.1.availabilityZones', ['us-west-2a', 'us-west-2z'], staging),
    problems: [
      'regions[1].availabilityZones[1] = "us-west-2z": is not an AZ of us-west-2; AWS names its AZs us-west-2a, us-west-2b, us-west-2c, us-west-2d (lib/config/catalog/regions.ts; check yours with aws ec2 describe-availability-zones)',
    ],
  },
  {
    name: 'staging without the weekly restore test',
    config: set(
      'schedules',
      staging.schedules.filter(({ id }) => id !== 'weekly-restore-test'),
      staging,
    ),
    problems: [
      'schedules = ["daily-backup","weekly-full-backup","aurora-sentinel","iac-backup","daily-integrity-check","monthly-cross-region-verification"]: add the schedule "weekly-restore-test" (Weekly full restore test in staging, after the Sunday 01:00 full backup): a job of the plan runs on it',
    ],
  },
  {
    name: 'staging with a cache node type that does not exist',
    config: set('cache.nodeType', 'cache.t4g.huge', staging),
    problems: [
      'cache.nodeType = "cache.t4g.huge": is not a current-generation ElastiCache node type; use a size of m7g, m6g, m5, r7g, r6g, r5, t4g, t3, such as cache.r7g.large (lib/config/catalog/elasticache.ts)',
    ],
  },
  ...PROVIDER_BAD_CONFIGS,
];
