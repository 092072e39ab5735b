// Rewrites the generated blocks of README.md and docs/ from the code: `npx tsx test/docs/update-docs.ts`.
import { writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { expectedBlocks } from './generated';
import { markdownFiles, read, replaceGeneratedBlocks, ROOT } from './markdown';

const blocks = expectedBlocks();
for (const file of markdownFiles()) {
  const before = read(file);
  const after = replaceGeneratedBlocks(before, blocks);
  if (after !== before) {
    writeFileSync(join(ROOT, file), after);
    console.log(`updated ${file}`);
  }
}
