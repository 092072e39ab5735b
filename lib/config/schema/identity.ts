// Schema of the config's top-level identity fields: stage, account, names and termination protection.
import { z } from 'zod';
import { STAGES } from '../types';
import { matches } from './rules';

/** Stack names start with the prefix, and CloudFormation allows only these characters in them. */
const STACK_PREFIX = /^[A-Za-z][A-Za-z0-9-]*$/;
/**
 * Stack names (`<prefix>-<stage>-<region code>-<purpose>`) may be 128 characters; the longest
 * stage, region code and purpose (`-staging-apse7-CacheBackup`) take 26 of them; 64 leaves room for new purposes.
 */
const MAX_STACK_PREFIX = 64;
/** The service name tags every resource: a tag value is up to 256 letters, digits, spaces and `_.:/=+-@`. */
const TAG_VALUE = /^[\p{L}\p{Z}\p{N}_.:/=+\-@]{1,256}$/u;

/** The identity fields, spread into the root schema ahead of the sections so they are reported first. */
export const identityFields = {
  stage: z.enum(STAGES, { error: `unknown stage; use one of ${STAGES.join(', ')} (-c stage=...)` }),
  account: matches(/^\d{12}$/, 'must be a 12-digit AWS account id; set -c account=... or CDK_DEFAULT_ACCOUNT'),
  serviceName: z
    .string()
    .min(1, 'must be a non-empty service name')
    .refine(
      (name) => name.length === 0 || TAG_VALUE.test(name),
      'tags every resource, so it must be a tag value: up to 256 letters, digits, spaces and _.:/=+-@',
    ),
  stackPrefix: matches(
    STACK_PREFIX,
    'must start with a letter and hold only letters, digits and hyphens, such as AsyncToolformer: every stack name starts with it',
  ).refine(
    (prefix) => prefix.length <= MAX_STACK_PREFIX,
    `must be at most ${MAX_STACK_PREFIX} characters, so every stack name stays within CloudFormation's 128`,
  ),
};

/** Whether the stage's stacks refuse deletes; reported after the sections, as the config lists it. */
export const terminationProtection = z.boolean();
