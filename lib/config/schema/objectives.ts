// Schema of the RTO/RPO table: one row per component of the plan, positive figures, prod no looser than the plan.
import { z } from 'zod';
import { PLAN_OBJECTIVES } from '../plan';
import { SEVERITIES, type RecoveryObjective } from '../types';
import type { RuleContext } from './context';
import { duration, isPositive, seconds, WHOLE_MINUTES } from './rules';
import { group, report, sectionError, whenTyped } from './sections';

const PLAN_COMPONENTS = PLAN_OBJECTIVES.map((row) => row.component);

/** Rules on one figure (`rto` or `rpo`) of a row; they name the component, which the path does not. */
function figureRules(key: 'rto' | 'rpo', context: RuleContext) {
  const label = key.toUpperCase();
  return (objective: RecoveryObjective, ctx: z.core.$RefinementCtx): void => {
    const figure = objective[key];
    if (figure.isUnresolved()) return;
    if (!isPositive(figure)) {
      report(ctx, [key], figure, `${label} of ${objective.component} must be positive`);
      return;
    }
    const plan = PLAN_OBJECTIVES.find((row) => row.component === objective.component);
    // Staging carries its own, looser figures; prod's are the plan's promise.
    if (context.prod && plan && seconds(figure) > seconds(plan[key])) {
      report(
        ctx,
        [key],
        figure,
        `prod promises the plan's ${label} of ${plan[key].toHumanString()} for ${plan.component} or better; change the plan, not the config`,
      );
    }
  };
}

/** One row: a component of the plan, its figures and its priority. */
function row(context: RuleContext) {
  return group('a row of the RTO/RPO table', {
    component: z
      .string()
      .refine(
        (component) => PLAN_COMPONENTS.includes(component),
        `the recovery model estimates the plan's components only: use one of ${PLAN_COMPONENTS.join(', ')}`,
      ),
    name: z.string(),
    // Alarm descriptions state the strictest RTO in minutes.
    rto: duration(WHOLE_MINUTES),
    rpo: duration(),
    priority: z.enum(SEVERITIES, { error: `use one of ${SEVERITIES.join(', ')}` }),
  })
    .superRefine(figureRules('rto', context), { when: whenTyped('component', 'rto') })
    .superRefine(figureRules('rpo', context), { when: whenTyped('component', 'rpo') });
}

/** The table as a whole: not empty, one row per component, and a row for every component of the plan. */
function wholeTable(objectives: readonly RecoveryObjective[], ctx: z.core.$RefinementCtx): void {
  if (objectives.length === 0) {
    report(ctx, [], [], "list the plan's RTO/RPO table; it must not be empty");
  }
  const components = new Set<string>();
  objectives.forEach(({ component }, index) => {
    if (components.has(component)) {
      report(ctx, [index, 'component'], component, 'component given twice; give each component one row');
    }
    components.add(component);
  });
  for (const component of PLAN_COMPONENTS.filter((planned) => !components.has(planned))) {
    report(
      ctx,
      [],
      [...components],
      `add a row for ${component}: every component of the plan's table needs an objective`,
    );
  }
}

/** The `objectives` section. */
export function objectivesSchema(context: RuleContext): z.ZodType<readonly RecoveryObjective[]> {
  return z
    .array(row(context), { error: sectionError("the plan's RTO/RPO table") })
    .superRefine(wholeTable, { when: whenTyped() });
}
