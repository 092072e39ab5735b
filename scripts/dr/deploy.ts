// The project's way to run `cdk deploy` by hand: `dr freeze check` first, and cdk only when the stage is not frozen.
import { spawn } from 'node:child_process';
import { join } from 'node:path';
import { parseCli, runCli, UsageError } from '../lib/cli-args.cjs';
import { stageOption } from '../lib/stage-options';
import { main as drMain } from './cli';
import { SDK } from './aws';

const USAGE = `usage: node --import tsx scripts/dr/deploy.ts [--stage prod|staging] -- <cdk deploy arguments>
Runs 'dr freeze check --stage <stage>' (both regions), then 'cdk deploy -c stage=<stage> <arguments>' from
node_modules only when the deploy freeze is off in every region. The deploy workflow runs the same check
as a step of every job (docs/runbooks/deploy-freeze.md).
Exit status: cdk's own when it ran; 1 the freeze is on or unreadable (cdk not run); 2 bad input.`;

const ROOT = join(__dirname, '..', '..');

async function deploy(args: readonly string[]): Promise<number> {
  const end = args.indexOf('--');
  const ours = end === -1 ? args : args.slice(0, end);
  const cdkArgs = end === -1 ? [] : args.slice(end + 1);
  const { values } = parseCli({ args: ours, options: { stage: { type: 'string' } } });
  const stage = stageOption(values.stage);
  if (cdkArgs.length === 0) throw new UsageError('give the cdk deploy arguments after --, such as the stacks');
  const status = await drMain(['freeze', 'check', '--stage', stage], {
    stdout: process.stdout,
    stderr: process.stderr,
    stdinIsTty: false,
    ask: () => Promise.reject(new Error('no questions')),
    sdk: SDK,
    pollMs: 0,
    now: () => new Date(),
  });
  if (status !== 0) {
    process.stderr.write(`deploy: cdk deploy was not run (the freeze check exited ${status})\n`);
    return status;
  }
  const cdk = join(ROOT, 'node_modules', '.bin', 'cdk');
  return new Promise((done) => {
    const child = spawn(cdk, ['deploy', '-c', `stage=${stage}`, ...cdkArgs], { cwd: ROOT, stdio: 'inherit' });
    child.on('error', (error) => {
      process.stderr.write(`deploy: cannot run ${cdk}: ${error.message}\n`);
      done(1);
    });
    child.on('close', (code) => done(code ?? 1));
  });
}

if (require.main === module) {
  void runCli({ name: 'deploy', usage: USAGE, main: () => deploy(process.argv.slice(2)) });
}
