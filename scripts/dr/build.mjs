// Bundles the dr CLI into one file, dist/dr.cjs, that plain node runs: no npm ci needed at 3 a.m.
// Usage: node scripts/dr/build.mjs [--outfile <path>] [--metafile]; npm run build:dr runs it.
import { buildSync } from 'esbuild';
import { statSync } from 'node:fs';
import { dirname, join, relative } from 'node:path';
import { fileURLToPath } from 'node:url';

const root = join(dirname(fileURLToPath(import.meta.url)), '..', '..');
const args = process.argv.slice(2);
const at = args.indexOf('--outfile');
const outfile = at === -1 ? join(root, 'dist', 'dr.cjs') : args[at + 1];
if (!outfile) {
  console.error('build-dr: --outfile needs a value\nusage: node scripts/dr/build.mjs [--outfile <path>]');
  process.exit(2);
}

buildSync({
  entryPoints: [join(root, 'scripts', 'dr', 'cli.ts')],
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
