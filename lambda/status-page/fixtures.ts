// Shared inputs of the status page tests: the plan's components, a clock, and hostile texts.
import { PLAN_OBJECTIVES } from '../../lib/config/plan';
import type { FeedSettings } from './incidents';

/** The components as the construct hands them over: from the plan's objectives. */
export const COMPONENTS = PLAN_OBJECTIVES.map(({ component, name }) => ({ id: component, name }));

export const SETTINGS: FeedSettings = { components: COMPONENTS, statusHost: 'status.async-toolformer.example.com' };

/** A clock that returns each of `times` in turn and then stays on the last. */
export function clock(...times: string[]): () => Date {
  let index = 0;
  return () => new Date(times[Math.min(index++, times.length - 1)]!);
}

/** Texts an event, an alarm or an operator might carry that must never reach a visitor. */
export const HOSTILE_INPUTS: readonly [string, RegExp][] = [
  ['arn:aws:rds:us-east-1:123456789012:cluster:async-toolformer-prod-use1', /arn:aws|123456789012/],
  ['ARN:AWS-US-GOV:iam::123456789012:role/x', /arn:aws|123456789012/i],
  ['writer at db.cluster-c9xyz.us-east-1.rds.amazonaws.com:5432', /amazonaws/],
  ['endpoint master.async-toolformer-prod-use1.abc123.use1.cache.amazonaws.com', /amazonaws|async-toolformer-prod/],
  ['bucket s3://async-toolformer-prod-docs-123456789012-use1/index.html', /s3:\/\/|123456789012/],
  ['account 1234-5678-9012 and 210987654321', /1234-5678-9012|210987654321/],
  ['host ip-10-0-1-23.ec2.internal at 10.0.1.23', /ip-10|ec2\.internal|10\.0\.1\.23/],
  ['instance i-0abc1234def567890 in sg-0123456789abcdef0', /i-0abc|sg-0123/],
  ['alarm async-toolformer-prod-usw2-failover-activate', /async-toolformer-prod/],
  ['stack AsyncToolformer-prod-use1-Data', /AsyncToolformer-/],
  ['<script>alert(1)</script><img src=x onerror=alert(2)>', /<script|<img/],
  ['"><svg onload=alert(3)>', /<svg/],
];
