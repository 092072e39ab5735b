// Every relative link and #anchor of README.md and docs/ resolves inside the repository, and the README stays small.
import { existsSync, statSync } from 'node:fs';
import { dirname, join, relative, resolve } from 'node:path';
import { ROOT, codeSpans, headings, htmlAnchors, linkTargets, markdownFiles, parse, read } from './markdown';

const README_LIMIT_BYTES = 20 * 1024;

const files = markdownFiles();

const anchorCache = new Map<string, Set<string>>();
function anchorsOf(file: string): Set<string> {
  let anchors = anchorCache.get(file);
  if (!anchors) {
    const text = read(file);
    anchors = new Set([...headings(text).map((heading) => heading.anchor), ...htmlAnchors(text)]);
    anchorCache.set(file, anchors);
  }
  return anchors;
}

/** Why `target`, linked from `file`, does not resolve; undefined when it does. */
function brokenLink(file: string, target: string): string | undefined {
  if (/^[a-z][a-z0-9+.-]*:/i.test(target)) return undefined; // https:, mailto: and the like
  const [rawPath, anchor] = target.split('#', 2) as [string, string | undefined];
  const path = decodeURIComponent(rawPath);
  const absolute = path === '' ? join(ROOT, file) : resolve(ROOT, dirname(file), path);
  const inside = relative(ROOT, absolute);
  if (inside.startsWith('..') || resolve(ROOT, inside) !== absolute) return 'points outside the repository';
  if (!existsSync(absolute)) return 'no such file or folder';
  if (anchor !== undefined) {
    if (!absolute.endsWith('.md') || statSync(absolute).isDirectory())
      return 'an anchor on a file that is not markdown';
    if (!anchorsOf(inside.split('\\').join('/')).has(decodeURIComponent(anchor))) return `no heading #${anchor}`;
  }
  return undefined;
}

test('README.md is at most 20 KB', () => {
  expect(Buffer.byteLength(read('README.md'), 'utf8')).toBeLessThanOrEqual(README_LIMIT_BYTES);
});

test('the docs are README.md, docs/README.md and the runbooks index at least', () => {
  expect(files).toEqual(expect.arrayContaining(['README.md', 'docs/README.md', 'docs/runbooks/README.md']));
});

test.each(files)('every relative link and anchor of %s resolves inside the repository', (file) => {
  const broken = linkTargets(read(file))
    .map((target) => ({ target, problem: brokenLink(file, target) }))
    .filter(({ problem }) => problem !== undefined)
    .map(({ target, problem }) => `${target}: ${problem}`);
  expect(broken).toEqual([]);
});

/** Top-level entries of the repository that a path in the docs can start with. */
const REPO_ROOTS =
  /^(?:\.\/)?(?:(?:bin|lib|lambda|scripts|test|docs|\.github|\.ci)\/[\w./-]*|(?:package|cdk|tsconfig)\.json|jest\.config\.js|eslint\.config\.mjs|requirements-dev\.txt|\.prettierignore)$/;

/** Repository paths a file names in code spans and shell blocks: they must exist too, or a move went unnoticed. */
function namedPaths(markdown: string): string[] {
  const { prose, code } = parse(markdown);
  const candidates = [
    ...prose.flatMap((line) => codeSpans(line).spans.map((span) => span.split(/\s+/)[0] ?? '')),
    ...code
      .filter((block) => ['bash', 'sh', 'shell'].includes(block.lang))
      .flatMap((block) =>
        [...block.text.matchAll(/(?:^|\s)((?:\.\/)?(?:scripts|bin|lib|test)\/[\w./-]+)/g)].map((m) => m[1]!),
      ),
  ];
  return [...new Set(candidates.filter((path) => REPO_ROOTS.test(path) && !/[<>*{}]|\.\.\./.test(path)))];
}

test.each(files.filter((file) => file !== 'docs/dr-plan.md'))('every repository path that %s names exists', (file) => {
  const missing = namedPaths(read(file)).filter((path) => !existsSync(join(ROOT, path.replace(/[.:,;]+$/, ''))));
  expect(missing).toEqual([]);
});

describe('the link checker', () => {
  test('fails when a link points outside the repository, at a missing file or at a missing heading', () => {
    expect(brokenLink('README.md', '../shared/dr-plan.md')).toBe('points outside the repository');
    expect(brokenLink('README.md', 'docs/no-such-page.md')).toBe('no such file or folder');
    expect(brokenLink('README.md', 'docs/architecture.md#no-such-heading')).toBe('no heading #no-such-heading');
    expect(brokenLink('README.md', '#no-such-heading')).toBe('no heading #no-such-heading');
  });

  test('accepts files, folders, headings of other files and of the same file, and absolute URLs', () => {
    expect(brokenLink('README.md', 'docs/architecture.md#the-picture')).toBeUndefined();
    expect(brokenLink('docs/traffic.md', '../lib/config')).toBeUndefined();
    expect(brokenLink('README.md', '#prerequisites')).toBeUndefined();
    expect(brokenLink('README.md', 'https://example.com/outside')).toBeUndefined();
  });
});
