// The CDK app as cdk.json runs it: bin/app.ts bundled by esbuild into one CommonJS file, the packages
// left in node_modules, then run in this process. Through tsx's loader hooks, every one of the
// thousands of modules aws-cdk-lib and cdk-nag load passed through tsx's resolver: about 1 s of CPU
// of each synth. The build takes about 0.1 s and runs every time, so the bundle is never stale.
import { rmSync } from 'node:fs';
import { createRequire } from 'node:module';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { parseCli, runCli } from './lib/cli-args.cjs';

// cdk passes the app nothing on its command line (stage, account and context come in CDK_CONTEXT_JSON),
// so any argument is a mistake: most likely `-c stage=...` given to this script instead of to cdk.
const USAGE = `usage: node scripts/run-app.mjs
The CDK app as cdk.json runs it: bin/app.ts bundled by esbuild, then run. It takes no arguments; give
context to cdk instead: npx cdk synth -c stage=staging.
Exit status: 0 synthesized; 1 the app failed; 2 bad input, nothing built.`;

// Any argument is --help or a mistake: it is answered before anything is built.
if (process.argv.length > 2) {
  await runCli({
    name: 'run-app',
    usage: USAGE,
    main: () => void parseCli({ args: process.argv.slice(2), options: {} }),
  });
  process.exit();
}
const { buildSync } = await import('esbuild');

const root = join(dirname(fileURLToPath(import.meta.url)), '..');
// Per process, so two synths side by side (the test setup synthesizes both stages) never share a file.
const outfile = join(root, 'cdk.out.app', `app-${process.pid}.js`);

buildSync({
  entryPoints: [join(root, 'bin', 'app.ts')],
  outfile,
  bundle: true,
  packages: 'external',
  platform: 'node',
  format: 'cjs',
  target: `node${process.versions.node.split('.')[0]}`,
  // Errors and construct stack traces name the TypeScript sources, not the bundle.
  sourcemap: 'inline',
  logLevel: 'warning',
});
// On exit, not in a finally: bin/app.ts reports a bad config with process.exit(1), which skips a finally
// and left a 1.6 MB bundle behind after every refused synth.
process.on('exit', () => rmSync(outfile, { force: true }));
process.setSourceMapsEnabled(true);
createRequire(import.meta.url)(outfile);
