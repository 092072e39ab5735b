// Schema of the plan's backup and validation schedules: unique ids and valid EventBridge crons.
import { z } from 'zod';
import { PLAN_SCHEDULES } from '../plan';
import type { ScheduleConfig } from '../types';
import { eventBridgeCron } from './rules';
import { group, report, sectionError, whenTyped } from './sections';

const schedule = group('a schedule with an id and a cron', {
  id: z.string().min(1, 'give the schedule a stable id; construct ids and names are made from it'),
  cron: eventBridgeCron(),
  purpose: z.string(),
  planReference: z.string(),
});

/** Ids name constructs and resources, so two schedules never share one. */
function uniqueIds(schedules: readonly ScheduleConfig[], ctx: z.core.$RefinementCtx): void {
  const ids = new Set<string>();
  schedules.forEach(({ id }, index) => {
    if (ids.has(id)) report(ctx, [index, 'id'], id, 'schedule id given twice; ids must be unique');
    ids.add(id);
  });
}

/**
 * Every schedule of the plan is there: the jobs look theirs up by id while the stacks are built, so
 * a missing one would stop synth there instead of being reported with the rest.
 */
function everyPlanSchedule(schedules: readonly ScheduleConfig[], ctx: z.core.$RefinementCtx): void {
  const ids = schedules.map(({ id }) => id);
  for (const { id, purpose } of PLAN_SCHEDULES.filter((planned) => !ids.includes(planned.id))) {
    report(ctx, [], ids, `add the schedule "${id}" (${purpose}): a job of the plan runs on it`);
  }
}

/** The `schedules` section. */
export const schedulesSchema = z
  .array(schedule, { error: sectionError("the plan's backup and validation schedules") })
  .superRefine(uniqueIds, { when: whenTyped() })
  .superRefine(everyPlanSchedule, { when: whenTyped() });
