// The cdk-nag packs this app is held to; bin/ registers them and the tests run the same list.
import type { IConstruct } from 'constructs';
import { AwsSolutionsChecks, NIST80053R5Checks, type NagPack } from 'cdk-nag';

/** New instances of every nag pack, bound to `scope`. */
export function nagPacks(scope: IConstruct): NagPack[] {
  return [new AwsSolutionsChecks(scope), new NIST80053R5Checks(scope)];
}
