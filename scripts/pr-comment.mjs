// Builds the one pull-request comment per stage (cdk diff and DR readiness report), and posts or updates it.
//
// The body is built by pure functions so that the skip message, the summary and the truncation can be
// unit-tested without GitHub; the pull-request workflow runs this file as a CLI to write the body, then
// imports `upsertComment` into actions/github-script to post it.
import { existsSync, readFileSync, writeFileSync } from 'node:fs';
import { pathToFileURL } from 'node:url';
import { UsageError, parseCli, runCli } from './lib/cli-args.cjs';

/** GitHub rejects issue and pull-request comment bodies longer than this many characters. */
export const COMMENT_LIMIT = 65536;

/** Characters kept free for the truncation notices, so adding one never pushes the body over the limit. */
const NOTICE_RESERVE = 400;

/** Hidden first line of a stage's comment: a rerun finds it and edits the comment instead of adding one. */
export function commentMarker(stage) {
  return `<!-- dr-readiness:${stage} -->`;
}

// Built from a string so the pattern holds no control character literal.
const ANSI_ESCAPE = new RegExp(`${String.fromCharCode(27)}\\[[0-9;]*[A-Za-z]`, 'g');

/** Removes terminal colour codes, which the CLI may print in CI and which GitHub shows as garbage. */
export function stripAnsi(text) {
  return text.replace(ANSI_ESCAPE, '');
}

// `Stack AsyncToolformer-prod-use1-Data`, with the environment in brackets when it is not the stack's own.
const STACK_HEADER = /^Stack (\S+)(?: \(.*\))?$/;
// Top-level resource lines of `cdk diff`: `[+] AWS::S3::Bucket Docs DocsBucket1234 replace`.
const RESOURCE_LINE = /^\[([+~-])\] (?:AWS|Custom)::\S+ .*$/;
const REPLACING = /(?:\breplace|\bmay be replaced|\bdestroy)$/;

/**
 * Per-stack counts from `cdk diff` output: resources added, modified, removed, and those that will or may be
 * replaced or destroyed (the ones that lose data in a stateful stack). The CLI prints "There were no differences"
 * under every stack without any; every other stack has differences, even if only in outputs or IAM statements.
 */
export function summarizeDiff(output) {
  const stacks = [];
  let current;
  for (const line of stripAnsi(output).split('\n')) {
    const header = STACK_HEADER.exec(line);
    if (header) {
      current = { name: header[1], added: 0, modified: 0, removed: 0, replaced: 0, differences: true };
      stacks.push(current);
      continue;
    }
    if (!current) continue;
    if (line.startsWith('There were no differences')) current.differences = false;
    const resource = RESOURCE_LINE.exec(line);
    if (!resource) continue;
    const kind = { '+': 'added', '~': 'modified', '-': 'removed' }[resource[1]];
    current[kind] += 1;
    if (REPLACING.test(line.trimEnd())) current.replaced += 1;
  }
  return {
    changed: stacks.filter((stack) => stack.differences),
    unchanged: stacks.filter((stack) => !stack.differences).map((stack) => stack.name),
  };
}

/** A code fence longer than any run of backticks in `text`, so the text cannot close it early. */
function fenceFor(text) {
  const longest = Math.max(0, ...[...text.matchAll(/`+/g)].map((match) => match[0].length));
  return '`'.repeat(Math.max(3, longest + 1));
}

/** The first `max` characters of `text`, cut at a line end when one is near. */
function cutAtLine(text, max) {
  if (text.length <= max) return text;
  if (max <= 0) return '';
  const lineEnd = text.lastIndexOf('\n', max);
  return text.slice(0, lineEnd > max / 2 ? lineEnd : max);
}

function omittedNotice(what, omitted, runUrl) {
  const where = runUrl ? `the [workflow run](${runUrl})` : 'the workflow run';
  return `… ${omitted} more characters of ${what} omitted: a comment holds at most ${COMMENT_LIMIT} characters; see ${where} for all of it.`;
}

function diffSection(stage, diff, output) {
  if ('skipped' in diff) return ['> [!WARNING]', `> ${diff.skipped}`];
  const lines = [];
  if (diff.failed) {
    lines.push(
      '> [!CAUTION]',
      "> **cdk diff FAILED**: it did not run to the end (AWS credentials or the diff itself), so this change's effect on the deployed stacks is unknown. The job fails.",
      '',
    );
  }
  const { changed, unchanged } = summarizeDiff(diff.output);
  if (changed.length > 0) {
    lines.push(
      `**${changed.length} stack${changed.length === 1 ? '' : 's'} with differences**`,
      '',
      '| Stack | Added | Modified | Removed | Replaced or destroyed |',
      '| --- | ---: | ---: | ---: | ---: |',
      ...changed.map(
        (s) =>
          `| \`${s.name}\` | ${s.added} | ${s.modified} | ${s.removed} | ${s.replaced > 0 ? `**${s.replaced}**` : 0} |`,
      ),
      '',
    );
  } else if (unchanged.length > 0) {
    lines.push('**No differences** in any stack.', '');
  } else if (!diff.failed) {
    lines.push('**No stack found in the cdk diff output**; check the output below.', '');
  }
  if (changed.length > 0 && unchanged.length > 0) {
    lines.push(`${unchanged.length} other stack${unchanged.length === 1 ? ' has' : 's have'} no differences.`, '');
  }
  const fence = fenceFor(output.text);
  lines.push(
    `<details><summary>cdk diff output for <code>${stage}</code></summary>`,
    '',
    ...(output.text ? [fence, output.text.replace(/\n+$/, ''), fence] : output.notice ? [] : ['No output.']),
    ...(output.notice ? ['', output.notice] : []),
    '',
    '</details>',
  );
  return lines;
}

function reportSection(report, markdown, notice) {
  const lines = [];
  if (report.failed) {
    lines.push(
      '> [!CAUTION]',
      '> **DR readiness FAILED**: `npm run report` exited non-zero, so an objective is broken or the report could not be built. The job fails.',
      '',
    );
  }
  if (report.markdown === undefined) {
    lines.push('`dr-readiness.md` was not written; see the workflow run.');
  } else {
    lines.push(markdown.replace(/\n+$/, ''));
    if (notice) lines.push('', notice);
  }
  return lines;
}

function render({ stage, diff, report, runUrl, commit }, diffOutput, reportMarkdown, reportNotice) {
  const footer = [commit ? `for ${commit.slice(0, 12)}` : '', runUrl ? `by [this run](${runUrl})` : '']
    .filter(Boolean)
    .join(' ');
  return [
    commentMarker(stage),
    `## DR readiness and cdk diff: \`${stage}\``,
    '',
    '### cdk diff',
    '',
    ...diffSection(stage, diff, diffOutput),
    '',
    '### DR readiness report',
    '',
    ...reportSection(report, reportMarkdown, reportNotice),
    '',
    '---',
    `<sub>Updated${footer ? ` ${footer}` : ''}. This comment is edited in place on every run.</sub>`,
    '',
  ].join('\n');
}

/**
 * The comment body of one stage, at most `limit` characters.
 *
 * @param {object} input
 * @param {string} input.stage the stage, which names the marker
 * @param {{ skipped: string } | { output: string, failed?: boolean }} input.diff why the diff was skipped, or its output
 * @param {{ markdown?: string, failed?: boolean }} input.report dr-readiness.md (undefined when it was not written)
 * @param {string} [input.runUrl] the workflow run, where the full output is
 * @param {string} [input.commit] the commit the comment describes
 * @param {number} [input.limit] GitHub's limit; tests pass smaller ones
 */
export function buildCommentBody(input) {
  const { diff, report, runUrl } = input;
  const limit = input.limit ?? COMMENT_LIMIT;
  const output = 'skipped' in diff ? '' : stripAnsi(diff.output);
  const markdown = report.markdown ?? '';

  const whole = render(input, { text: output }, markdown);
  if (whole.length <= limit) return whole;

  // The diff output goes first: the table above it already says what changed, and the report does not repeat it.
  const diffBudget = limit - render(input, { text: '' }, markdown).length - NOTICE_RESERVE;
  if (diffBudget > 0) {
    const text = cutAtLine(output, diffBudget);
    const notice = omittedNotice('cdk diff output', output.length - text.length, runUrl);
    return render(input, { text, notice }, markdown);
  }

  const diffNotice = output ? omittedNotice('cdk diff output', output.length, runUrl) : undefined;
  const reportBudget = limit - render(input, { text: '', notice: diffNotice }, '').length - NOTICE_RESERVE;
  const kept = cutAtLine(markdown, reportBudget);
  const reportNotice = omittedNotice('the DR readiness report', markdown.length - kept.length, runUrl);
  const body = render(input, { text: '', notice: diffNotice }, kept, reportNotice);
  // Only a stage name or URL thousands of characters long gets here; GitHub would reject the comment otherwise.
  return body.length <= limit ? body : body.slice(0, limit);
}

/** The existing comment of `stage` among a pull request's comments: the first whose body starts with the marker. */
export function findMarkedComment(comments, stage) {
  const marker = commentMarker(stage);
  return comments.find((comment) => (comment.body ?? '').startsWith(marker));
}

/**
 * Creates the stage's comment, or edits it when a previous run left one, so each pull request has one per stage.
 * `github` and `context` are the ones actions/github-script provides.
 */
export async function upsertComment({ github, context, stage, body }) {
  const { owner, repo } = context.repo;
  const issue_number = context.payload.pull_request?.number ?? context.issue.number;
  const comments = await github.paginate(github.rest.issues.listComments, {
    owner,
    repo,
    issue_number,
    per_page: 100,
  });
  const existing = findMarkedComment(comments, stage);
  if (existing) {
    await github.rest.issues.updateComment({ owner, repo, comment_id: existing.id, body });
    return { action: 'updated', id: existing.id };
  }
  const created = await github.rest.issues.createComment({ owner, repo, issue_number, body });
  return { action: 'created', id: created.data.id };
}

function readIfPresent(path) {
  return path && existsSync(path) ? readFileSync(path, 'utf8') : undefined;
}

const USAGE = `usage: node scripts/pr-comment.mjs --stage <stage> --out <file>
         (--skipped-reason <text> | --diff-file <file> [--diff-outcome <outcome>])
         [--report-file <file>] [--report-outcome <outcome>] [--run-url <url>] [--commit <sha>]
Writes the pull-request comment of one stage (cdk diff and DR readiness report) to --out.
An outcome is a GitHub step outcome; anything but "success" is shown as failed.
Exit status: 0 written; 1 it could not be written; 2 bad input, nothing written.`;

/** The CLI's options; throws a UsageError that says what is wrong, or HelpRequested. */
function parseOptions(argv) {
  const { values } = parseCli({
    args: argv,
    options: {
      stage: { type: 'string' },
      'skipped-reason': { type: 'string' },
      'diff-file': { type: 'string' },
      'diff-outcome': { type: 'string' },
      'report-file': { type: 'string' },
      'report-outcome': { type: 'string' },
      'run-url': { type: 'string' },
      commit: { type: 'string' },
      out: { type: 'string' },
    },
  });
  if (!values.stage || !values.out) throw new UsageError('--stage and --out are required');
  if (!values['skipped-reason'] && !values['diff-file']) {
    throw new UsageError('give --skipped-reason when cdk diff did not run, else --diff-file with its output');
  }
  return values;
}

/** CLI: reads the diff output (or the skip reason) and the report, writes the body to --out. */
function main(argv) {
  const values = parseOptions(argv);
  const diff = values['skipped-reason']
    ? { skipped: values['skipped-reason'] }
    : {
        output: readIfPresent(values['diff-file']) ?? '',
        // Anything but success (failure, cancelled, a missing outcome) is not a clean diff.
        failed: values['diff-outcome'] !== 'success',
      };
  const report = {
    markdown: readIfPresent(values['report-file']),
    failed: values['report-outcome'] !== 'success',
  };
  const body = buildCommentBody({
    stage: values.stage,
    diff,
    report,
    runUrl: values['run-url'],
    commit: values.commit,
  });
  writeFileSync(values.out, body);
}

if (process.argv[1] && import.meta.url === pathToFileURL(process.argv[1]).href) {
  await runCli({ name: 'pr-comment', usage: USAGE, main: () => main(process.argv.slice(2)) });
}
