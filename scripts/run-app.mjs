// The CDK app as cdk.json runs it: bin/app.ts bundled by esbuild into one CommonJS file, the packages
// left in node_modules, then run in this process. Through tsx's loader hooks, every one of the
// thousands of modules aws-cdk-lib and cdk-nag load passed through tsx's resolver: about 1 s of CPU
// of each synth. The build takes about 0.1 s and runs every time, so the bundle is never stale.
import { buildSync } from 'esbuild';
import { createRequire } from 'node:module';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';

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
process.setSourceMapsEnabled(true);
try {
  createRequire(import.meta.url)(outfile);
} finally {
  // The app has synthesized (or thrown) by now: bin/app.ts is synchronous.
  (await import('node:fs')).rmSync(outfile, { force: true });
}
