// The cdk-nag packs this app is held to; bin/ registers them and the tests run the same list.
import type { IConstruct } from 'constructs';
import { AwsSolutionsChecks, NIST80053R5Checks, type NagPack } from 'cdk-nag';
import type { DrConfig } from '../config';
import type { DrStacks } from '../dr-app';
import { modelStage } from '../recovery';
import { DrChecks } from './dr-checks';

export { DR_RULES, DrChecks } from './dr-checks';

/**
 * New instances of every nag pack, bound to `scope`; the DR pack reads what `config` asks for and,
 * given the app's `stacks`, holds the recovery model to the objectives.
 */
export function nagPacks(scope: IConstruct, config: DrConfig, stacks?: DrStacks): NagPack[] {
  return [
    new AwsSolutionsChecks(scope),
    new NIST80053R5Checks(scope),
    new DrChecks(scope, {
      context: {
        stage: config.stage,
        minBackupRetentionDays: config.data.backupRetention.toDays(),
        ...(stacks ? { recovery: () => modelStage(config, stacks) } : {}),
      },
    }),
  ];
}
