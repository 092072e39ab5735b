// Schema of the traffic section: the orchestrator image and warm capacity, Route 53 failover and the canaries.
import { Duration, Token } from 'aws-cdk-lib';
import { z } from 'zod';
import type { RegionRole, TrafficConfig, WarmCapacityConfig } from '../types';
import type { RuleContext } from './context';
import { atLeast, duration, integer, ipv4Cidr, matches, seconds, WHOLE_DAYS } from './rules';
import { eachOnce, group, report, section, whenTyped } from './sections';

const HOSTED_ZONE_ID = /^Z[A-Z0-9]{1,32}$/;
const DOMAIN = /^(?!-)[a-z0-9-]{1,63}(?<!-)(\.(?!-)[a-z0-9-]{1,63}(?<!-))+$/;
const IAM_ROLE_NAME = /^[\w+=,.@-]{1,64}$/;
const PUBLIC_CIDR_FIX =
  'must be an IPv4 network in CIDR form, never 0.0.0.0/0; leave the list empty for a private endpoint';
/**
 * ACM takes a certificate's domain name up to 64 characters, and the longest name a certificate
 * takes from the zone is the status page's, `status.<zone>` (the API's is `api.<zone>`, the docs'
 * `docs.<zone>`).
 */
const MAX_ZONE_NAME = 64 - 'status.'.length;
/** Route 53 checks every 10 s (fast) or every 30 s, nothing else. */
const HEALTH_CHECK_INTERVALS = [10, 30];

/** Pinned by digest, or by a tag other than `latest`: both regions must run the same build. */
function isPinned(image: string): boolean {
  const tag = /^[^@]+:([\w][\w.-]{0,127})$/.exec(image.split('/').pop() ?? '')?.[1];
  return image.includes('@sha256:') || (tag !== undefined && tag !== 'latest');
}

/** Warm capacity of one role: never zero, and room to scale above the floor. */
function capacity(role: RegionRole): z.ZodType<WarmCapacityConfig> {
  return group(`the ${role} replicas`, {
    minReplicas: integer(
      1,
      Number.POSITIVE_INFINITY,
      role === 'secondary'
        ? 'the secondary must keep at least 1 warm replica; at zero a failover waits for pods and nodes to start, eating the 15-minute RTO'
        : 'must be an integer of at least 1',
    ),
    maxReplicas: z.number(),
  }).superRefine(
    ({ minReplicas, maxReplicas }, ctx) => {
      if (Token.isUnresolved(minReplicas) || Token.isUnresolved(maxReplicas)) return;
      if (!Number.isInteger(maxReplicas) || maxReplicas < minReplicas) {
        report(ctx, ['maxReplicas'], maxReplicas, `must be an integer of at least minReplicas (${minReplicas})`);
      }
    },
    { when: whenTyped('minReplicas', 'maxReplicas') },
  );
}

/** The standby keeps no more than the primary warm, and can grow to take all of its traffic. */
function standbyFitsPrimary({ primary, secondary }: TrafficConfig['warmCapacity'], ctx: z.core.$RefinementCtx): void {
  if (secondary.minReplicas > primary.minReplicas) {
    report(
      ctx,
      ['secondary', 'minReplicas'],
      secondary.minReplicas,
      `a warm standby keeps no more than the primary (${primary.minReplicas}); lower it or swap the region roles`,
    );
  }
  if (secondary.maxReplicas < primary.minReplicas) {
    report(
      ctx,
      ['secondary', 'maxReplicas'],
      secondary.maxReplicas,
      `must reach at least the primary's floor (${primary.minReplicas}) so the secondary can take all the traffic after a failover`,
    );
  }
}

const warmCapacity = group('the warm capacity of each role', {
  primary: capacity('primary'),
  secondary: capacity('secondary'),
}).superRefine(standbyFitsPrimary, { when: whenTyped('primary', 'secondary') });

/** The `traffic` section; prod needs someone who can run kubectl during a failover. */
export function trafficSchema(context: RuleContext): z.ZodType<TrafficConfig> {
  return section('the workload, DNS failover and canary settings of the traffic tier', {
    hostedZone: group('the hosted zone id and name', {
      hostedZoneId: matches(
        HOSTED_ZONE_ID,
        'must be a Route 53 hosted zone id such as Z0123456789ABCDEFGHIJ (see aws route53 list-hosted-zones)',
      ),
      zoneName: matches(
        DOMAIN,
        'must be a lower-case domain name without a trailing dot, such as async-toolformer.example.com',
      ).refine(
        (zone) => Token.isUnresolved(zone) || zone.length <= MAX_ZONE_NAME,
        `must be at most ${MAX_ZONE_NAME} characters: certificates are issued for status.<zone>, and ACM takes at most 64`,
      ),
    }),
    image: z
      .string()
      .refine(
        isPinned,
        'pin a tag or digest other than latest, such as repo/orchestrator:1.4.2, so both regions run the same build',
      ),
    containerPort: integer(1024, 65535, 'must be an integer from 1024 to 65535: the container runs as a non-root user'),
    warmCapacity,
    healthCheck: group('the health check interval and threshold', {
      interval: duration([
        (interval) => HEALTH_CHECK_INTERVALS.includes(seconds(interval)),
        'Route 53 checks every 10 s (fast) or 30 s (standard); use Duration.seconds(10) or Duration.seconds(30)',
      ]),
      failureThreshold: integer(1, 10, 'Route 53 accepts 1 to 10 consecutive failures; 3 is its default'),
    }),
    apiPublicAccessCidrs: z.array(ipv4Cidr(PUBLIC_CIDR_FIX, [(block) => block.prefix > 0, PUBLIC_CIDR_FIX])),
    clusterAdminRoleNames: z
      .array(matches(IAM_ROLE_NAME, 'must be an IAM role name (not an ARN): up to 64 letters, digits and +=,.@_-'))
      .refine(
        (names) => !context.prod || names.length > 0,
        'prod needs at least one admin role, or nobody can run the runbooks kubectl commands during a failover',
      )
      .superRefine(eachOnce('admin role', 'each role gets one access entry')),
    probeInterval: duration([
      (interval) => {
        const minutes = seconds(interval) / 60;
        return Number.isInteger(minutes) && minutes >= 1 && minutes <= 60;
      },
      'canaries run every 1 to 60 whole minutes; use Duration.minutes(1) in prod',
    ]),
    logRetention: duration(WHOLE_DAYS, [atLeast(Duration.days(1)), 'keep logs at least 1 day; use Duration.days(...)']),
  });
}
