// Keeps the failure-path matrix in docs/quality-gates.md honest: a row per DR function, and every cell marked covered backed by a `failure path: <path>` describe in that function's tests.
import { existsSync, readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { ROOT, read } from './markdown';

/** The six paths of issue 14, as the matrix's columns and the describe names spell them. */
const PATHS = [
  'throttling',
  'access denied',
  'missing resource',
  'empty result',
  'malformed input',
  'partial failure',
] as const;

/** Where a function's failure-path tests live. */
const testFile = (fn: string) => `lambda/${fn}/${fn}.failure-paths.test.ts`;

/** Every DR function: a directory under lambda/ with a handler. */
function drFunctions(): string[] {
  return readdirSync(join(ROOT, 'lambda'), { withFileTypes: true })
    .filter((entry) => entry.isDirectory() && existsSync(join(ROOT, 'lambda', entry.name, 'handler.ts')))
    .map((entry) => entry.name)
    .sort();
}

const cells = (line: string) =>
  line
    .trim()
    .replace(/^\||\|$/g, '')
    .split('|')
    .map((cell) => cell.trim());

/**
 * What is wrong with the matrix in `markdown` (the `## Failure paths` section): missing or extra
 * rows, wrong columns, a covered cell without its describe, an n/a cell without a reason or with a
 * describe after all, a count that does not add up. `source` reads a test file, undefined when absent.
 */
export function matrixProblems(
  markdown: string,
  functions: readonly string[],
  source: (path: string) => string | undefined,
): string[] {
  const section = /^## Failure paths\n([\s\S]*?)(?=^## |(?![\s\S]))/m.exec(markdown)?.[1];
  if (section === undefined) return ['no "## Failure paths" section'];
  const [header, , ...rows] = section.split('\n').filter((line) => line.startsWith('|'));
  const problems: string[] = [];
  const columns = cells(header ?? '')
    .slice(2)
    .map((column) => column.toLowerCase());
  if (columns.join(',') !== PATHS.join(','))
    problems.push(`columns are ${columns.join(', ')}, expected ${PATHS.join(', ')}`);
  let covered = 0;
  const seen: string[] = [];
  for (const row of rows) {
    const [name = '', tests = '', ...paths] = cells(row);
    const fn = /^`([\w-]+)`$/.exec(name)?.[1] ?? name;
    seen.push(fn);
    if (tests !== `\`${testFile(fn)}\``) problems.push(`${fn}: tests column is ${tests}, expected \`${testFile(fn)}\``);
    const text = source(testFile(fn));
    if (text === undefined) problems.push(`${fn}: ${testFile(fn)} does not exist`);
    PATHS.forEach((path, index) => {
      const cell = paths[index] ?? '';
      const described = text?.includes(`describe('failure path: ${path}'`) ?? false;
      if (/^covered\b/i.test(cell)) {
        covered += 1;
        if (!described)
          problems.push(`${fn} × ${path}: marked covered, but no describe('failure path: ${path}') in ${testFile(fn)}`);
      } else if (/^n\/a: .{10,}/i.test(cell)) {
        if (described) problems.push(`${fn} × ${path}: marked n/a, but ${testFile(fn)} tests it`);
      } else {
        problems.push(`${fn} × ${path}: a cell is "covered: ..." or "n/a: <why>", got "${cell}"`);
      }
    });
  }
  const missing = functions.filter((fn) => !seen.includes(fn));
  const extra = seen.filter((fn) => !functions.includes(fn));
  if (missing.length > 0) problems.push(`no row for ${missing.join(', ')}`);
  if (extra.length > 0) problems.push(`a row for ${extra.join(', ')}, which has no lambda/<function>/handler.ts`);
  const total = seen.length * PATHS.length;
  const claimed = /\*\*(\d+) of (\d+)\*\* cells covered/.exec(section);
  if (!claimed || Number(claimed[1]) !== covered || Number(claimed[2]) !== total) {
    problems.push(
      `the count says ${claimed ? `${claimed[1]} of ${claimed[2]}` : 'nothing'}, the table has ${covered} of ${total}`,
    );
  }
  return problems;
}

const fromDisk = (path: string) => (existsSync(join(ROOT, path)) ? readFileSync(join(ROOT, path), 'utf8') : undefined);

test('the matrix has a row per lambda/*/handler.ts, and every covered cell has its failure-path describe', () => {
  expect(drFunctions().length).toBeGreaterThanOrEqual(9);
  expect(matrixProblems(read('docs/quality-gates.md'), drFunctions(), fromDisk)).toEqual([]);
});

describe('the check can fail', () => {
  const header = `| Function | Tests | ${PATHS.map((path) => path[0]!.toUpperCase() + path.slice(1)).join(' | ')} |`;
  const matrix = (rows: string[], count: string) =>
    ['## Failure paths', '', header, `|${' --- |'.repeat(8)}`, ...rows, '', `**${count}** cells covered.`, ''].join(
      '\n',
    );
  const row = (fn: string, cell: (path: string) => string) =>
    `| \`${fn}\` | \`${testFile(fn)}\` | ${PATHS.map(cell).join(' | ')} |`;
  const allDescribed = PATHS.map((path) => `describe('failure path: ${path}', () => {});`).join('\n');

  test('fails when a covered cell has no describe, a function has no row, or the count is wrong', () => {
    const markdown = matrix([row('a', () => 'covered: x')], '6 of 6');
    const problems = matrixProblems(markdown, ['a', 'b'], () =>
      allDescribed.replace("'failure path: throttling'", "'x'"),
    );
    expect(problems).toEqual([
      `a × throttling: marked covered, but no describe('failure path: throttling') in ${testFile('a')}`,
      'no row for b',
    ]);
    expect(matrixProblems(matrix([row('a', () => 'covered: x')], '5 of 6'), ['a'], () => allDescribed)).toEqual([
      'the count says 5 of 6, the table has 6 of 6',
    ]);
  });

  test('fails when an n/a cell gives no reason, or claims n/a for a path that is tested', () => {
    const markdown = matrix(
      [
        row('a', (path) =>
          path === 'empty result'
            ? 'n/a: no list call, nothing to be empty'
            : path === 'throttling'
              ? 'n/a'
              : 'covered: x',
        ),
      ],
      '4 of 6',
    );
    expect(matrixProblems(markdown, ['a'], () => allDescribed)).toEqual([
      'a × throttling: a cell is "covered: ..." or "n/a: <why>", got "n/a"',
      `a × empty result: marked n/a, but ${testFile('a')} tests it`,
    ]);
  });
});
