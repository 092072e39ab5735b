// Removes what a public status page must never show (ARNs, AWS hostnames, account ids, resource ids, internal names) from any text before it is rendered.

/** What a visitor reads instead of an internal name. */
export const REDACTED = '[internal]';

/** Longest text a field of the page keeps; a longer message is cut, so one update cannot flood the page. */
export const MAX_FIELD_LENGTH = 600;

/**
 * Patterns of internal identifiers, most specific first (an ARN holds an account id and often a
 * hostname-like resource). Case-insensitive: `ARN:AWS:...` is still an ARN.
 */
const INTERNAL_PATTERNS: readonly RegExp[] = [
  // ARNs of every partition: arn:aws:..., arn:aws-cn:..., arn:aws-us-gov:...
  /\barn:aws[a-z-]*:[^\s"'<>]*/gi,
  // s3://bucket/key and the like.
  /\b[a-z][a-z0-9+.-]*:\/\/[^\s"'<>]*amazonaws[^\s"'<>]*/gi,
  /\bs3:\/\/[^\s"'<>]+/gi,
  // AWS service hostnames (regional endpoints, RDS, ElastiCache, ELB, API Gateway, S3 website names).
  /\b(?:[a-z0-9-]+\.)+amazonaws\.com(?:\.cn)?\b/gi,
  /\b(?:[a-z0-9-]+\.)+(?:aws\.dev|awsapps\.com|cloudfront\.net|on\.aws)\b/gi,
  // Hostnames of private zones and instances.
  /\b(?:[a-z0-9-]+\.)+(?:internal|local|localdomain|intranet|corp|lan)\b/gi,
  /\bip-\d{1,3}-\d{1,3}-\d{1,3}-\d{1,3}\b/gi,
  // IPv4 addresses (private or not, an address says where something runs).
  /\b\d{1,3}(?:\.\d{1,3}){3}(?::\d+)?\b/g,
  // 12-digit AWS account ids, with or without dashes.
  /\b\d{4}-?\d{4}-?\d{4}\b/g,
  // EC2, VPC and EBS resource ids.
  /\b(?:i|sg|vpc|subnet|eni|vol|snap|ami|nat|igw|rtb|acl|tgw|vpce|pcx)-[0-9a-f]{8,17}\b/gi,
  // Access key ids.
  /\b(?:AKIA|ASIA)[A-Z0-9]{16}\b/g,
  // The app's own resource names (`async-toolformer-prod-use1-cache`, `async-toolformer/prod/...`),
  // all but the service's public name.
  /\basync-toolformer[-/](?!orchestrator\b)[\w./:-]+/gi,
  /\bAsyncToolformer-[\w-]+/g,
];

/**
 * Control characters except tab and newline, zero-width and bidirectional marks: they can hide or
 * reorder text in a terminal, an email or the page.
 */
// eslint-disable-next-line no-control-regex -- matching control characters is what this pattern is for
const CONTROL = /[\u0000-\u0008\u000b-\u001f\u007f-\u009f\u200b-\u200f\u202a-\u202e\u2066-\u2069]/g;

/**
 * `text` with every internal identifier replaced by {@link REDACTED}, control and bidirectional
 * characters and markup removed, runs of blanks folded, and cut to `maxLength`. HTML is still
 * escaped by the page at rendering.
 */
export function sanitizeText(text: string, maxLength = MAX_FIELD_LENGTH): string {
  let clean = String(text).normalize('NFKC').replace(CONTROL, '');
  for (const pattern of INTERNAL_PATTERNS) clean = clean.replace(pattern, REDACTED);
  // Markup is dropped, not only escaped: the feed and the notices are read by other programs too,
  // which may not escape what they show.
  clean = clean
    .replace(/<[^>]*>?/g, '')
    .replace(/[<>]/g, '')
    .replace(/[ \t]+/g, ' ')
    .replace(/\n{3,}/g, '\n\n')
    .trim();
  return clean.length > maxLength ? `${clean.slice(0, maxLength - 1).trimEnd()}…` : clean;
}

/** True when `text` still holds an internal identifier; the renderers assert it never does. */
export function holdsInternalName(text: string): boolean {
  return INTERNAL_PATTERNS.some((pattern) => {
    pattern.lastIndex = 0;
    const found = pattern.test(text);
    pattern.lastIndex = 0;
    return found;
  });
}

/** `text` escaped for HTML element content and quoted attribute values. */
export function escapeHtml(text: string): string {
  return text
    .replace(/&/g, '&amp;')
    .replace(/</g, '&lt;')
    .replace(/>/g, '&gt;')
    .replace(/"/g, '&quot;')
    .replace(/'/g, '&#39;');
}
