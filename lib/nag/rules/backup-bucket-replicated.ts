// DR rule: the primary region's cache backup bucket replicates to the secondary region.
import { Stack } from 'aws-cdk-lib';
import { CfnBucket } from 'aws-cdk-lib/aws-s3';
import { NagMessageLevel, NagRuleCompliance } from 'cdk-nag';
import type { DrRule } from '../rule';

export const BackupBucketReplicated: DrRule = {
  id: 'BackupBucketReplicated',
  info: 'The cache backup bucket of the primary region does not replicate to another region.',
  explanation:
    'Redis exports land in the same region as the cache; a region loss would take them along unless they are replicated.',
  level: NagMessageLevel.ERROR,
  check(node) {
    if (!(node instanceof CfnBucket)) return NagRuleCompliance.NOT_APPLICABLE;
    const stack = Stack.of(node);
    const name = stack.resolve(node.bucketName) as unknown;
    // Only the cache backups are written in one region; IaC backups are written into the other region.
    const tags = stack.resolve(stack.tags.renderTags()) as { Key: string; Value: string }[] | undefined;
    const primary = tags?.some((tag) => tag.Key === 'region-role' && tag.Value === 'primary');
    if (typeof name !== 'string' || !name.includes('-cache-backups-') || !primary)
      return NagRuleCompliance.NOT_APPLICABLE;
    return stack.resolve(node.replicationConfiguration) ? NagRuleCompliance.COMPLIANT : NagRuleCompliance.NON_COMPLIANT;
  },
};
