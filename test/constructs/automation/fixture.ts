// A DrStack with the shared plumbing of the automation jobs, for tests that build one job at a time.
import { Template } from 'aws-cdk-lib/assertions';
import * as ec2 from 'aws-cdk-lib/aws-ec2';
import * as kms from 'aws-cdk-lib/aws-kms';
import * as sns from 'aws-cdk-lib/aws-sns';
import { loadConfig, type DrConfig } from '../../../lib/config';
import { AutomationAlarms } from '../../../lib/constructs/automation-alarms';
import { JobScheduler, type AutomationJobContext } from '../../../lib/constructs/automation';
import { DrStack } from '../../../lib/stacks/dr-stack';
import { newApp } from '../../helpers/synth';

export interface JobFixture {
  readonly stack: DrStack;
  readonly context: AutomationJobContext;
  readonly config: DrConfig;
  template(): Template;
}

/** The primary region of `stage`'s default configuration, with a VPC, a key, alarm topics and a scheduler. */
export function jobFixture(stage: 'prod' | 'staging' = 'prod'): JobFixture {
  const config = loadConfig({ stage });
  const regionConfig = config.regions.find((region) => region.role === 'primary')!;
  const stack = new DrStack(newApp(), { config, regionConfig, purpose: 'Jobs' });
  const vpc = new ec2.Vpc(stack, 'Vpc', {
    natGateways: 0,
    subnetConfiguration: [{ name: 'private', subnetType: ec2.SubnetType.PRIVATE_ISOLATED }],
  });
  const encryptionKey = new kms.Key(stack, 'Key');
  const alarms = new AutomationAlarms(stack, 'Alarms', {
    criticalTopic: new sns.Topic(stack, 'Critical'),
    highTopic: new sns.Topic(stack, 'High'),
  });
  const scheduler = new JobScheduler(stack, 'Schedules', { config, regionConfig, encryptionKey, alarms });
  const context: AutomationJobContext = {
    config,
    regionConfig,
    encryptionKey,
    vpc,
    securityGroup: new ec2.SecurityGroup(stack, 'Automation', { vpc }),
    alarms,
    scheduler,
  };
  return { stack, context, config, template: () => Template.fromStack(stack) };
}
