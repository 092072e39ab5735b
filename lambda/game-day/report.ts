// A game day's result as the Markdown report written next to its JSON.
import { GAME_DAYS, type GameDayResult } from '../../lib/contract/game-days';

const MARK = { pass: 'PASS', fail: 'FAIL', 'not-exercised': 'not exercised' } as const;
const cell = (text: string) => text.replace(/\|/g, '\\|').replace(/\n/g, ' ');

/** `report.md` of a run. */
export function renderReport(result: GameDayResult): string {
  const title = GAME_DAYS.find((day) => day.id === result.gameDay)?.title ?? result.gameDay;
  return [
    `# Game day: ${title} (${result.stage}, ${result.region})`,
    '',
    `Execution \`${result.execution}\`, ${result.startedAt} to ${result.endedAt}. **${result.passed ? 'Passed' : 'FAILED'}.**`,
    '',
    '## DR Test Checklist',
    '',
    '| Item | Result | Evidence (what was measured, and from where) |',
    '|---|---|---|',
    ...result.checklist.map((item) => `|${item.title}|${MARK[item.status]}|${cell(item.evidence)}|`),
    '',
    '## Steps',
    '',
    '| Step | Outcome | Seconds | Detail |',
    '|---|---|---|---|',
    ...result.steps.map(
      (step) => `|${step.name}|${step.succeeded ? 'succeeded' : 'FAILED'}|${step.seconds}|${cell(step.detail ?? '')}|`,
    ),
    '',
    '## Issues and improvements',
    '',
    ...(result.issues.length === 0 ? ['None found by this run.'] : result.issues.map((issue) => `- ${issue}`)),
    '',
  ].join('\n');
}
