// Types of the config sections of the team's routines around the stack: the game days and the deploy pipeline.
import type { Duration } from 'aws-cdk-lib';
import type { ContactSubscription } from './contact-types';

/**
 * The plan's monthly DR tests as game days (lib/constructs/game-day): the n-th Monday of each month
 * runs the n-th test at {@link hour}:{@link minute} UTC in the secondary region. Prod runs them only
 * when enabled, and every prod run then waits for a human's approval.
 */
export interface GameDaysConfig {
  /** Whether this stage runs the game days; on in staging, off in prod unless decided otherwise. */
  readonly enabled: boolean;
  /** Hour (UTC, 0 to 23) every game day starts at on its Monday. */
  readonly hour: number;
  /** Minute (0 to 59) of {@link hour}. */
  readonly minute: number;
  /** How long a prod run waits for its approval (15 minutes to 24 hours) before it records itself as not approved. */
  readonly approvalTimeout: Duration;
  /** How long the communication test waits for the test contact's acknowledgement (1 to 60 minutes). */
  readonly acknowledgeWithin: Duration;
  /** How long a run has to write its result before the daily audit calls it missing (6 hours to 6 days). */
  readonly resultGrace: Duration;
  /** Who the communication test pages: SNS subscriptions of the test contact's topic. */
  readonly testContacts: readonly ContactSubscription[];
  /** The manifest the application test's cache warm-up loads: a key under `warm-up/` of the secondary's cache backup bucket. */
  readonly warmUpManifest: string;
}

/** The deploy pipeline as the deploy freeze and the repository mirrors see it. */
export interface PipelineConfig {
  /** GitHub `owner/name` of this repository; the mirror role trusts the OIDC tokens of its `main` branch only. */
  readonly githubRepository: string;
  /**
   * Names of the existing roles the deploy workflow assumes (`AWS_DEPLOY_ROLE_ARN`). The freeze guard,
   * a deny of everything but reading the switch while the role carries the freeze tag, is attached to each.
   * @see https://docs.aws.amazon.com/IAM/latest/UserGuide/reference_policies_condition-keys.html#condition-keys-principaltag
   */
  readonly deployRoleNames: readonly string[];
  /** How long each repository bundle stays under S3 Object Lock (the config's `objectLock.mode`); whole days. */
  readonly mirrorRetention: Duration;
}
