// DR rule: every backup bucket is versioned, so an overwrite or delete never loses the last good backup.
import { Stack } from 'aws-cdk-lib';
import { CfnBucket } from 'aws-cdk-lib/aws-s3';
import { NagMessageLevel, NagRuleCompliance, NagRules } from 'cdk-nag';
import type { DrRule } from '../rule';

/** Buckets of this app that hold backups, by the fixed names the naming helpers give them. */
export const BACKUP_BUCKET_PATTERN = /-(cache|iac)-backups-/;

export const BackupBucketVersioned: DrRule = {
  id: 'BackupBucketVersioned',
  info: 'The backup bucket is not versioned.',
  explanation:
    'Without versioning a bad export, a ransomware overwrite or a delete replaces the last good backup for good.',
  level: NagMessageLevel.ERROR,
  check(node) {
    if (!(node instanceof CfnBucket)) return NagRuleCompliance.NOT_APPLICABLE;
    const name = Stack.of(node).resolve(node.bucketName) as unknown;
    if (typeof name !== 'string' || !BACKUP_BUCKET_PATTERN.test(name)) return NagRuleCompliance.NOT_APPLICABLE;
    const versioning = Stack.of(node).resolve(node.versioningConfiguration) as { status?: unknown } | undefined;
    return NagRules.resolveIfPrimitive(node, versioning?.status) === 'Enabled'
      ? NagRuleCompliance.COMPLIANT
      : NagRuleCompliance.NON_COMPLIANT;
  },
};
