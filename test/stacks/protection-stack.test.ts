// Protection stacks: rotating retained keys with fixed aliases, a locked vault, and backup failure alerts.
import { Match } from 'aws-cdk-lib/assertions';
import { STAGES, type RegionRole } from '../../lib/config';
import { synthStage } from '../helpers/synth';

const roles: RegionRole[] = ['primary', 'secondary'];

describe.each(STAGES)('%s', (stage) => {
  const setup = (role: RegionRole) => {
    const synthesized = synthStage(stage);
    const stack = synthesized.stack(role, 'Protection');
    return { synthesized, stack, template: synthesized.template(stack.stackName) };
  };

  test.each(roles)('%s: database, secrets and backup keys rotate, are retained and have fixed aliases', (role) => {
    const { template } = setup(role);
    const keys = template.findResources('AWS::KMS::Key');
    expect(Object.keys(keys)).toHaveLength(3);
    for (const key of Object.values(keys)) {
      expect(key.Properties.EnableKeyRotation).toBe(true);
      expect(key.DeletionPolicy).toBe('Retain');
      expect(key.UpdateReplacePolicy).toBe('Retain');
    }
    for (const purpose of ['database', 'secrets', 'backup']) {
      template.hasResourceProperties('AWS::KMS::Alias', { AliasName: `alias/async-toolformer/${stage}/${purpose}` });
    }
  });

  test.each(roles)('%s: the vault is retained, encrypted, and denies deleting recovery points', (role) => {
    const { template } = setup(role);
    const code = role === 'primary' ? 'use1' : 'usw2';
    template.hasResource('AWS::Backup::BackupVault', {
      Properties: {
        BackupVaultName: `async-toolformer-${stage}-${code}`,
        EncryptionKeyArn: Match.anyValue(),
        AccessPolicy: {
          Statement: Match.arrayWith([
            Match.objectLike({
              Effect: 'Deny',
              Action: Match.arrayWith(['backup:DeleteRecoveryPoint', 'backup:UpdateRecoveryPointLifecycle']),
            }),
          ]),
        },
      },
      DeletionPolicy: 'Retain',
    });
  });

  test.each(roles)('%s: vault lock is compliance with a 3-day cooling-off in prod, governance in staging', (role) => {
    const { template } = setup(role);
    const [vault] = Object.values(template.findResources('AWS::Backup::BackupVault'));
    // AWS Backup reads ChangeableForDays as compliance mode; without it the lock is governance.
    expect(vault!.Properties.LockConfiguration).toEqual(
      stage === 'prod'
        ? { MinRetentionDays: 7, MaxRetentionDays: 365, ChangeableForDays: 3 }
        : { MinRetentionDays: 1, MaxRetentionDays: 365 },
    );
  });

  test.each(roles)('%s: failed backup and copy jobs page the critical topic', (role) => {
    const { template } = setup(role);
    const rules = template.findResources('AWS::Events::Rule');
    const patterns = Object.values(rules).map((rule) => rule.Properties.EventPattern);
    expect(patterns).toEqual(
      expect.arrayContaining([
        {
          source: ['aws.backup'],
          'detail-type': ['Backup Job State Change'],
          detail: { state: ['FAILED', 'ABORTED', 'EXPIRED'] },
        },
        { source: ['aws.backup'], 'detail-type': ['Copy Job State Change'], detail: { state: ['FAILED', 'ABORTED'] } },
      ]),
    );
    for (const rule of Object.values(rules)) {
      expect(JSON.stringify(rule.Properties.Targets)).toMatch(/Alertscritical/);
    }
  });

  test.each(roles)('%s: vault ARN and name are handed over in SSM', (role) => {
    const { template } = setup(role);
    for (const name of ['vault-arn', 'vault-name']) {
      template.hasResourceProperties('AWS::SSM::Parameter', { Name: `/async-toolformer/${stage}/data/${name}` });
    }
  });
});
