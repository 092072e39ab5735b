import { Stack } from 'aws-cdk-lib';
import * as cloudwatch from 'aws-cdk-lib/aws-cloudwatch';
import { newApp } from '../test/helpers/synth';
import { loadConfig } from '../lib/config';
import { buildDrApp } from '../lib/dr-app';
const app = newApp();
const config = loadConfig({ stage: 'prod' });
buildDrApp(app, config);
const seen = new Set<string>();
for (const c of app.node.findAll()) {
  if (c instanceof cloudwatch.CfnAlarm) {
    const s = JSON.stringify(Stack.of(c).resolve(c.alarmActions));
    const key = s.replace(/[A-Za-z0-9]{8}"/g, '');
    if (!seen.has(Stack.of(c).stackName + key.slice(0,40))) { seen.add(Stack.of(c).stackName + key.slice(0,40)); console.log(Stack.of(c).stackName, s.slice(0, 300)); }
  }
}
