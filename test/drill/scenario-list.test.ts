// Every scenario of the drill runs in some jest file of test/drill/, so none is left out of npm test.
import { readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';

test('each scenario group is run by a drill test file', () => {
  const sources = readdirSync(__dirname)
    .filter((name) => name.endsWith('.test.ts'))
    .map((name) => readFileSync(join(__dirname, name), 'utf8'))
    .join('\n');
  const groups = readFileSync(join(__dirname, '../../scripts/drill/scenarios/index.ts'), 'utf8').match(
    /\.\.\.([A-Z_]+_SCENARIOS)/g,
  )!;
  for (const group of groups.map((spread) => spread.slice(3))) {
    expect(sources).toMatch(new RegExp(`testScenarios\\([^)]*${group}`));
  }
});
