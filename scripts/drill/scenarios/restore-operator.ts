// How the restore scenarios act as the operator: a command with the aws CLI of .venv against the drill server, and a runbook's own shell blocks, read from its markdown.
import { spawn } from 'node:child_process';
import { readFileSync, rmSync } from 'node:fs';
import { operatorEnvironment } from '../runs';

/** What an operator's command did. */
export interface OperatorResult {
  readonly exitCode: number;
  readonly stdout: string;
  /** stdout and stderr, interleaved. */
  readonly output: string;
}

/** Runs an operator's command as an operator would, the aws CLI of .venv on its PATH: credentials of its own, every call sent to `endpoint`. */
export function runOperatorCommand(endpoint: string, command: string, args: string[]): Promise<OperatorResult> {
  const env = operatorEnvironment(endpoint);
  return new Promise((done, fail) => {
    const child = spawn(command, args, { env, stdio: ['ignore', 'pipe', 'pipe'] });
    let stdout = '';
    let output = '';
    child.stdout.on('data', (chunk: Buffer) => {
      stdout += chunk.toString();
      output += chunk.toString();
    });
    child.stderr.on('data', (chunk: Buffer) => (output += chunk.toString()));
    child.on('error', fail);
    child.on('close', (code) => {
      rmSync(env.HOME!, { recursive: true, force: true });
      done({ exitCode: code ?? 1, stdout, output });
    });
  });
}

/** A `bash` block of a runbook, under the heading it is in. */
interface ShellBlock {
  readonly heading: string;
  readonly text: string;
}

function shellBlocks(markdown: string): ShellBlock[] {
  const blocks: ShellBlock[] = [];
  let heading = '';
  let fence: string[] | undefined;
  for (const line of markdown.split('\n')) {
    if (fence === undefined && /^#{1,6} /.test(line)) heading = line.replace(/^#+ /, '').trim();
    else if (fence === undefined && /^```bash\s*$/.test(line)) fence = [];
    else if (fence !== undefined && /^```\s*$/.test(line)) {
      blocks.push({ heading, text: fence.join('\n') });
      fence = undefined;
    } else fence?.push(line);
  }
  return blocks;
}

/**
 * The `bash` blocks of the runbook at `path` under the headings that start with `sections`, in the
 * runbook's order, as one script, with each variable of `settings` set where the runbook assigns it
 * (`region=us-east-1` becomes `region=us-west-2`), as the runbook asks the operator. Throws when a
 * section has no block or a variable is never assigned: the runbook changed, and the drill must follow.
 */
export function runbookScript(path: string, sections: readonly string[], settings: Record<string, string>): string {
  const blocks = shellBlocks(readFileSync(path, 'utf8'));
  const chosen = blocks.filter((block) => sections.some((section) => block.heading.startsWith(section)));
  for (const section of sections) {
    if (!chosen.some((block) => block.heading.startsWith(section))) {
      throw new Error(`${path} has no bash block under a heading "${section}…"`);
    }
  }
  let script = chosen.map((block) => block.text).join('\n');
  for (const [name, value] of Object.entries(settings)) {
    const assignment = new RegExp(`^${name}=.*$`, 'm');
    if (!assignment.test(script)) throw new Error(`the blocks of ${path} never assign ${name}`);
    script = script.replace(assignment, `${name}=${value}`);
  }
  return script;
}
