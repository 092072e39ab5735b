// Reads the project's markdown the way GitHub renders it: files, code fences, links, heading anchors, generated blocks.
import { readdirSync, readFileSync } from 'node:fs';
import { join, relative } from 'node:path';

export const ROOT = join(__dirname, '..', '..');

/** README.md, lambda/README.md and every markdown file under docs/, as paths relative to the repository root. */
export function markdownFiles(): string[] {
  const walk = (dir: string): string[] =>
    readdirSync(join(ROOT, dir), { withFileTypes: true }).flatMap((entry) => {
      const path = `${dir}/${entry.name}`;
      if (entry.isDirectory()) return walk(path);
      return entry.name.endsWith('.md') ? [path] : [];
    });
  return ['README.md', 'lambda/README.md', ...walk('docs')].sort();
}

export function read(file: string): string {
  return readFileSync(join(ROOT, file), 'utf8');
}

/** A fenced code block: its info string and its lines. */
export interface CodeBlock {
  readonly lang: string;
  readonly text: string;
}

/** The file split into prose lines (code blocks blanked, so line numbers hold) and its code blocks. */
export interface ParsedMarkdown {
  readonly prose: readonly string[];
  readonly code: readonly CodeBlock[];
}

export function parse(markdown: string): ParsedMarkdown {
  const prose: string[] = [];
  const code: CodeBlock[] = [];
  let fence: { marker: string; lang: string; lines: string[] } | undefined;
  for (const line of markdown.split('\n')) {
    const opening = /^\s{0,3}(`{3,}|~{3,})\s*([\w-]*)/.exec(line);
    if (!fence && opening) {
      fence = { marker: opening[1]!, lang: opening[2] ?? '', lines: [] };
      prose.push('');
    } else if (fence && line.trim().startsWith(fence.marker) && line.trim().replace(/[`~]/g, '') === '') {
      code.push({ lang: fence.lang, text: fence.lines.join('\n') });
      fence = undefined;
      prose.push('');
    } else if (fence) {
      fence.lines.push(line);
      prose.push('');
    } else {
      prose.push(line);
    }
  }
  return { prose, code };
}

/** Inline code spans of a prose line, and the line without them. */
export function codeSpans(line: string): { spans: string[]; rest: string } {
  const spans: string[] = [];
  const rest = line.replace(/(`+)(.+?)\1/g, (_, __: string, span: string) => {
    spans.push(span.trim());
    return ' ';
  });
  return { spans, rest };
}

/** Targets of the inline links, images and reference definitions of a file, outside code. */
export function linkTargets(markdown: string): string[] {
  const targets: string[] = [];
  for (const line of parse(markdown).prose) {
    const { rest } = codeSpans(line);
    for (const match of rest.matchAll(/!?\[[^\]]*\]\(\s*<?([^)\s>]+)>?(?:\s+"[^"]*")?\s*\)/g)) targets.push(match[1]!);
    const definition = /^\s{0,3}\[[^\]]+\]:\s*<?(\S+?)>?(?:\s+"[^"]*")?\s*$/.exec(rest);
    if (definition) targets.push(definition[1]!);
  }
  return targets;
}

/** The text GitHub renders for a heading's markdown: link text kept, code and emphasis marks dropped. */
function headingText(markdown: string): string {
  return markdown
    .replace(/!?\[([^\]]*)\]\([^)]*\)/g, '$1')
    .replace(/<[^>]+>/g, '')
    .replace(/`/g, '')
    .replace(/\*\*|\*/g, '')
    .trim();
}

/** GitHub's anchor of a heading (github-slugger): lower case, punctuation dropped, spaces to hyphens. */
export function slug(text: string): string {
  return headingText(text)
    .toLowerCase()
    .replace(/[^\p{L}\p{M}\p{N}\p{Pc} -]/gu, '')
    .replace(/ /g, '-');
}

/** A heading of a file: its level, its text and its anchor (with GitHub's `-1`, `-2` for repeats). */
export interface Heading {
  readonly level: number;
  readonly text: string;
  readonly anchor: string;
}

export function headings(markdown: string): Heading[] {
  const seen = new Map<string, number>();
  const result: Heading[] = [];
  for (const line of parse(markdown).prose) {
    const match = /^\s{0,3}(#{1,6})\s+(.*?)\s*#*\s*$/.exec(line);
    if (!match) continue;
    const base = slug(match[2]!);
    const count = seen.get(base) ?? 0;
    seen.set(base, count + 1);
    result.push({
      level: match[1]!.length,
      text: headingText(match[2]!),
      anchor: count === 0 ? base : `${base}-${count}`,
    });
  }
  return result;
}

/** Explicit `<a id="...">` or `name` anchors, which GitHub keeps. */
export function htmlAnchors(markdown: string): string[] {
  return [...markdown.matchAll(/<a\s+(?:id|name)="([^"]+)"/g)].map((match) => match[1]!);
}

/** A generated block: `<!-- BEGIN GENERATED name ... -->` ... `<!-- END GENERATED name -->`. */
export interface GeneratedBlock {
  readonly name: string;
  readonly content: string;
}

const BLOCK = /<!-- BEGIN GENERATED ([\w-]+)[^>]*-->\n([\s\S]*?)<!-- END GENERATED \1 -->/g;

export function generatedBlocks(markdown: string): GeneratedBlock[] {
  return [...markdown.matchAll(BLOCK)].map((match) => ({ name: match[1]!, content: match[2]! }));
}

/** `markdown` with the content of each named block replaced; blocks without new content stay. */
export function replaceGeneratedBlocks(markdown: string, contents: Readonly<Record<string, string>>): string {
  return markdown.replace(BLOCK, (whole, name: string) => {
    const content = contents[name];
    if (content === undefined) return whole;
    const begin = whole.slice(0, whole.indexOf('-->') + 3);
    return `${begin}\n${content}<!-- END GENERATED ${name} -->`;
  });
}

/** `path` relative to the repository root, with forward slashes. */
export function fromRoot(path: string): string {
  return relative(ROOT, path).split('\\').join('/');
}
