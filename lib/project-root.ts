// The project's root directory (the one with cdk.json), found from this module's location whether it runs from lib/ (tsx, jest) or bundled (scripts/run-app.mjs).
import { existsSync } from 'node:fs';
import { dirname, join } from 'node:path';

function findRoot(start: string): string {
  for (let dir = start; ; dir = dirname(dir)) {
    if (existsSync(join(dir, 'cdk.json'))) return dir;
    if (dirname(dir) === dir) throw new Error(`no cdk.json in ${start} or above it: run the app inside the project`);
  }
}

/** Where cdk.json, lambda/ and lib/ are. */
export const PROJECT_ROOT = findRoot(__dirname);
