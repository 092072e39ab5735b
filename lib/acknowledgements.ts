// Acknowledgements that several constructs need for the same reason, written once.
import { Validations } from 'aws-cdk-lib';
import type { IConstruct } from 'constructs';

/**
 * CDK's built-in template validation warns about AZ names in templates (W3010). They come from
 * config on purpose: synth runs offline, and config validation checks each AZ against its region.
 */
export function acknowledgeConfiguredAvailabilityZone(resource: IConstruct): void {
  Validations.of(resource).acknowledge({
    id: 'CloudFormation-Validate::W3010',
    reason:
      'AZ names come from config on purpose: synth must run offline, and a lookup would need credentials. ' +
      'Config validation checks that every AZ belongs to its region.',
  });
}
