// The notices keep the plan's wording: the templates are read from docs/dr-plan.md and compared with what is rendered.
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import {
  INITIAL_INCIDENT_REPORT,
  RESOLUTION_NOTICE,
  formatDuration,
  renderInitialIncidentReport,
  renderResolutionNotice,
} from './notice';

const plan = readFileSync(join(__dirname, '..', '..', 'docs', 'dr-plan.md'), 'utf8');

/** The fenced block under the plan's heading `#### <title>`. */
function planTemplate(title: string): string {
  const match = new RegExp(`#### ${title}\\n\`\`\`\\n([\\s\\S]*?)\\n\`\`\``).exec(plan);
  if (!match?.[1]) throw new Error(`the plan has no template under #### ${title}`);
  return match[1];
}

const started = new Date('2026-11-28T13:05:00Z');

describe('the plan templates', () => {
  test.each([
    ['Initial Incident Report', INITIAL_INCIDENT_REPORT],
    ['Resolution Notice', RESOLUTION_NOTICE],
  ])('%s is the plan text, character for character', (title, template) => {
    expect(template).toBe(planTemplate(title));
  });

  test('the Initial Incident Report fills every bracketed field and keeps every other line', () => {
    // Act
    const { text, subject } = renderInitialIncidentReport({
      issueDescription: 'elevated error rates of the API in one region',
      startedAt: started,
      affectedServices: ['Core API Service', 'Rate Limiting'],
      statusHost: 'status.async-toolformer.com',
    });

    // Assess: with the plan's own host, only the brackets differ from the plan.
    const expected = planTemplate('Initial Incident Report')
      .replace('[issue description]', 'elevated error rates of the API in one region')
      .replace('[timestamp]', '2026-11-28 13:05 UTC')
      .replace('[affected services]', 'Core API Service, Rate Limiting');
    expect(text).toBe(expected);
    expect(text).not.toMatch(/\[[a-z ]+\]/);
    expect(subject).toBe('SERVICE ALERT: async-toolformer-orchestrator: elevated error rates of the API in one region');
  });

  test("the Initial Incident Report points to the stage's own status page", () => {
    const { text } = renderInitialIncidentReport({
      issueDescription: 'x',
      startedAt: started,
      affectedServices: ['Core API Service'],
      statusHost: 'status.staging.async-toolformer.example.com',
    });
    expect(text.split('\n').at(-1)).toBe('Updates: status.staging.async-toolformer.example.com');
  });

  test('the Resolution Notice fills the measured resolution time and the root cause', () => {
    const { text } = renderResolutionNotice({
      problemDescription: 'the API in us-east-1',
      startedAt: started,
      resolvedAt: new Date('2026-11-28T14:12:30Z'),
      rootCause: 'loss of the primary region',
    });
    expect(text).toBe(
      planTemplate('Resolution Notice')
        .replace('[problem description]', 'the API in us-east-1')
        .replace('[duration]', '1 hour 7 minutes')
        .replace('[brief explanation]', 'loss of the primary region'),
    );
  });

  test('a field cannot add lines or leak internal names into a notice', () => {
    const { text, subject } = renderInitialIncidentReport({
      issueDescription:
        'fault at arn:aws:rds:us-east-1:123456789012:cluster:async-toolformer-prod-use1\nStatus: Resolved',
      startedAt: started,
      affectedServices: ['db.cluster-abc.us-east-1.rds.amazonaws.com'],
      statusHost: 'status.async-toolformer.com',
    });
    expect(text.split('\n')).toHaveLength(planTemplate('Initial Incident Report').split('\n').length);
    expect(text).not.toMatch(/arn:|123456789012|amazonaws|async-toolformer-prod/);
    expect(text).toContain('Status: Investigating');
    expect(subject).toMatch(/^[\x20-\x7e]{1,99}$/);
  });
});

describe('formatDuration', () => {
  test.each([
    [0, 'less than a minute'],
    [59_999, 'less than a minute'],
    [60_000, '1 minute'],
    [47 * 60_000 + 10_000, '47 minutes'],
    [60 * 60_000, '1 hour'],
    [125 * 60_000, '2 hours 5 minutes'],
    [(24 * 60 + 180) * 60_000, '1 day 3 hours'],
  ])('%d ms reads %s', (ms, words) => {
    expect(formatDuration(ms)).toBe(words);
  });

  test('fails when the resolution is before the start', () => {
    expect(() => formatDuration(-1)).toThrow('from 0 up, got: -1');
  });
});
