// The schema of a whole DrConfig, composed of one schema per section in the order problems are reported.
import { z } from 'zod';
import type { DrConfig } from '../types';
import { automationSchema } from './automation';
import { cacheSchema } from './cache';
import { contactsSchema } from './contacts';
import type { RuleContext } from './context';
import { dataSchema } from './data';
import { identityFields, terminationProtection } from './identity';
import { networkSchema } from './network';
import { objectivesSchema } from './objectives';
import { objectLockSchema, objectLockWithinLifecycle } from './object-lock';
import { providersSchema } from './providers';
import { pipelineSchema } from './pipeline';
import { regionsSchema } from './regions';
import { schedulesSchema } from './schedules';
import { gameDaysSchema } from './game-days';
import { whenTyped } from './sections';
import { trafficSchema } from './traffic';

export { ruleContext, type RuleContext } from './context';
export { fallbackError } from './sections';

/** Schemas built so far, by context: zod compiles a schema on its first parse, which costs more than the parse. */
const built = new Map<string, z.ZodType<DrConfig>>();

/** The schema for `context`, built once per distinct context. */
export function schemaFor(context: RuleContext): z.ZodType<DrConfig> {
  const key = JSON.stringify([
    context.prod,
    context.fewestAzs,
    context.dailyBackupMinute,
    context.rateLimitingRpo?.toMilliseconds({ integral: false }),
  ]);
  let schema = built.get(key);
  if (!schema) {
    schema = drConfigSchema(context);
    built.set(key, schema);
  }
  return schema;
}

/**
 * The schema of one stage's config. Rules that read another section (the stage, the AZ count, the
 * daily backup time, the rate-limiting RPO) get it from `context`, so each rule lives with the field
 * it judges and every section is validated even when another one is malformed.
 */
export function drConfigSchema(context: RuleContext): z.ZodType<DrConfig> {
  const config = z.object(
    {
      ...identityFields,
      regions: regionsSchema,
      network: networkSchema(context),
      objectives: objectivesSchema(context),
      schedules: schedulesSchema,
      contacts: contactsSchema(context),
      data: dataSchema(context),
      cache: cacheSchema(context),
      traffic: trafficSchema(context),
      automation: automationSchema,
      objectLock: objectLockSchema(context),
      gameDays: gameDaysSchema(context),
      providers: providersSchema(context),
      pipeline: pipelineSchema,
      terminationProtection,
    },
    { error: 'must be the DrConfig object of one stage (see lib/config/stages.ts)' },
  );
  return config.superRefine(objectLockWithinLifecycle, { when: whenTyped('objectLock', 'cache', 'automation') });
}
