// Bundles the dr CLI into one file, dist/dr.cjs, that plain node runs: no npm ci needed at 3 a.m.
import { buildSync } from 'esbuild';
import { statSync } from 'node:fs';
import { dirname, join, relative, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { parseCli, runCli } from '../lib/cli-args.cjs';

const ROOT = join(dirname(fileURLToPath(import.meta.url)), '..', '..');
const USAGE = `usage: node scripts/dr/build.mjs [--outfile <path>]   (npm run build:dr)
Bundles scripts/dr/cli.ts with the AWS SDK into one CommonJS file (default dist/dr.cjs).
Exit status: 0 built; 1 esbuild failed; 2 bad input.`;

await runCli({
  name: 'build-dr',
  usage: USAGE,
  main() {
    const { values } = parseCli({ args: process.argv.slice(2), options: { outfile: { type: 'string' } } });
    const outfile = resolve(values.outfile ?? join(ROOT, 'dist', 'dr.cjs'));
    buildSync({
      entryPoints: [join(ROOT, 'scripts', 'dr', 'cli.ts')],
      outfile,
      bundle: true,
      platform: 'node',
      format: 'cjs',
      // The project's oldest supported node (package.json engines).
      target: 'node20',
      minify: true,
      // The AWS SDK stays in the file but behind the dynamic imports, which esbuild turns into lazily
      // initialised modules: --help parses them but never runs them.
      logLevel: 'warning',
      legalComments: 'none',
    });
    console.error(`build-dr: ${relative(process.cwd(), outfile)} ${(statSync(outfile).size / 1024).toFixed(0)} KiB`);
  },
});
