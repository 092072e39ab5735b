// Schema of the pipeline section: the GitHub repository the OIDC roles trust, the deploy roles a freeze holds, and how long repository bundles stay locked.
import { z } from 'zod';
import type { PipelineConfig } from '../types';
import { MAX_OBJECT_LOCK_RETENTION, MIN_OBJECT_LOCK_RETENTION } from './object-lock';
import { between, duration, isWholeDays, matches } from './rules';
import { eachOnce, section } from './sections';

/** GitHub's `owner/name`: the OIDC token's `sub` starts with `repo:<owner>/<name>:`. */
const REPOSITORY = /^[A-Za-z0-9](?:[A-Za-z0-9-]{0,38})\/[A-Za-z0-9._-]{1,100}$/;
/** IAM role names: 1 to 64 of letters, digits and `+=,.@_-`. */
const ROLE_NAME = /^[\w+=,.@-]{1,64}$/;

/** The `pipeline` section. */
export const pipelineSchema: z.ZodType<PipelineConfig> = section(
  'the GitHub repository and deploy roles of the deploy freeze and the repository mirrors',
  {
    githubRepository: matches(
      REPOSITORY,
      "must be GitHub's owner/name of this repository, such as my-org/async-toolformer-dr: the mirror role trusts its main branch only",
    ),
    deployRoleNames: z
      .array(matches(ROLE_NAME, 'must be an IAM role name (1 to 64 of letters, digits and +=,.@_-), not an ARN'))
      .min(
        1,
        'name at least the role of AWS_DEPLOY_ROLE_ARN: a freeze that no role obeys holds only against honest workflows',
      )
      .superRefine(eachOnce('a role', 'the freeze guard is attached to each role once')),
    mirrorRetention: duration(
      [isWholeDays, 'S3 Object Lock keeps whole days; use Duration.days(n)'],
      [
        between(MIN_OBJECT_LOCK_RETENTION, MAX_OBJECT_LOCK_RETENTION),
        'must be from 1 to 365 days: S3 needs at least 1, and a longer compliance lock is storage nobody can delete for years',
      ],
    ),
  },
);
