// Prints every unacknowledged cdk-nag finding of both stages, one line each, for fixing or acknowledging.
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { App } from 'aws-cdk-lib';
import { STAGES, loadConfig } from '../lib/config';
import { buildDrApp } from '../lib/dr-app';
import { nagPacks } from '../lib/nag';

// The feature flags of cdk.json, as `cdk synth` would apply them; bundling is skipped, it changes no finding.
const { context } = JSON.parse(readFileSync(join(__dirname, '..', 'cdk.json'), 'utf8')) as {
  context: Record<string, unknown>;
};

let findings = 0;
for (const stage of STAGES) {
  const app = new App({ context: { ...context, 'aws:cdk:bundling-stacks': [] } });
  const config = loadConfig({ stage });
  const stacks = buildDrApp(app, config);
  for (const pack of nagPacks(app, config, stacks)) {
    for (const violation of pack.validateScope(app).violations) {
      for (const resource of violation.violatingResources) {
        findings += 1;
        console.log(`${stage}\t${violation.ruleName}\t${resource.constructPath}\t${violation.description}`);
      }
    }
  }
}
console.error(`${findings} unacknowledged finding(s)`);
process.exitCode = findings === 0 ? 0 : 1;
