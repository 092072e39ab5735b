// Prints every unacknowledged cdk-nag finding of both stages, one line each, for fixing or acknowledging.
import { App } from 'aws-cdk-lib';
import { STAGES, loadConfig } from '../lib/config';
import { buildDrApp } from '../lib/dr-app';
import { nagPacks } from '../lib/nag';

let findings = 0;
for (const stage of STAGES) {
  const app = new App();
  buildDrApp(app, loadConfig({ stage }));
  for (const pack of nagPacks(app)) {
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
