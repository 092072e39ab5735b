// The nag side of the readiness report: unacknowledged findings per pack, and every acknowledgement with its reason.
import { Validations } from 'aws-cdk-lib';
import type { IConstruct } from 'constructs';
import type { NagPack } from 'cdk-nag';

/** One pack's result on the app. */
export interface PackSummary {
  readonly pack: string;
  /** Findings nobody acknowledged: the gate wants 0. */
  readonly unacknowledged: number;
  /** Acknowledgements recorded for this pack's rules. */
  readonly acknowledged: number;
  /** `rule at path: message` of each unacknowledged finding. */
  readonly findings: readonly string[];
}

/** One acknowledgement, where it sits and why. */
export interface Acknowledgement {
  readonly id: string;
  readonly path: string;
  readonly reason: string;
}

export interface NagSummary {
  readonly packs: readonly PackSummary[];
  readonly acknowledgements: readonly Acknowledgement[];
}

/** Every acknowledgement recorded under `scope`, in path order. */
export function acknowledgementsUnder(scope: IConstruct): Acknowledgement[] {
  return scope.node
    .findAll()
    .flatMap((construct) =>
      construct.node.metadata
        .filter((entry) => entry.type === Validations.ACKNOWLEDGED_RULES_METADATA_KEY)
        .flatMap((entry) =>
          Object.entries(entry.data as Record<string, string>).map(([key, reason]) => ({
            // aws-cdk-lib records `Annotation::<rule id>`; the report shows the rule id.
            id: key.replace(/^annotation::/i, ''),
            path: construct.node.path,
            reason,
          })),
        ),
    )
    .sort((a, b) => a.path.localeCompare(b.path) || a.id.localeCompare(b.id));
}

/** Runs `packs` on `scope` and counts what each found and what was acknowledged for it. */
export function summarizeNag(scope: IConstruct, packs: readonly NagPack[]): NagSummary {
  const acknowledgements = acknowledgementsUnder(scope);
  return {
    packs: packs.map((pack) => {
      const name = pack.readPackName;
      const findings = pack
        .validateScope(scope)
        .violations.flatMap((violation) =>
          violation.violatingResources.map(
            (resource) => `${violation.ruleName} at ${resource.constructPath}: ${violation.description}`,
          ),
        );
      return {
        pack: name,
        unacknowledged: findings.length,
        acknowledged: acknowledgements.filter((ack) => ack.id.startsWith(`${name}-`)).length,
        findings,
      };
    }),
    acknowledgements,
  };
}
