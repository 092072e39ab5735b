// Schema of the config's top-level identity fields: stage, account, names and termination protection.
import { z } from 'zod';
import { STAGES } from '../types';
import { matches } from './rules';

/** Stack names start with the prefix, and CloudFormation allows only these characters in them. */
const STACK_PREFIX = /^[A-Za-z][A-Za-z0-9-]*$/;

/** The identity fields, spread into the root schema ahead of the sections so they are reported first. */
export const identityFields = {
  stage: z.enum(STAGES, { error: `unknown stage; use one of ${STAGES.join(', ')} (-c stage=...)` }),
  account: matches(/^\d{12}$/, 'must be a 12-digit AWS account id; set -c account=... or CDK_DEFAULT_ACCOUNT'),
  serviceName: z.string().min(1, 'must be a non-empty service name'),
  stackPrefix: matches(
    STACK_PREFIX,
    'must start with a letter and hold only letters, digits and hyphens, such as AsyncToolformer: every stack name starts with it',
  ),
};

/** Whether the stage's stacks refuse deletes; reported after the sections, as the config lists it. */
export const terminationProtection = z.boolean();
