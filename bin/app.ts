#!/usr/bin/env node
// CDK entry point: reads stage and account from context or environment, builds both regions, registers nag.
import { App, Validations } from 'aws-cdk-lib';
import { ConfigValidationError, loadConfig } from '../lib/config';
import { buildDrApp } from '../lib/dr-app';
import { nagPacks } from '../lib/nag';

const app = new App();

/** A context value as text; an object or a list from cdk.json shows as JSON in the report, not "[object Object]". */
function contextString(key: string): string | undefined {
  const value: unknown = app.node.tryGetContext(key);
  if (value === undefined || value === null) return undefined;
  return typeof value === 'string' ? value : JSON.stringify(value);
}

try {
  const config = loadConfig({
    stage: contextString('stage'),
    account: contextString('account') ?? process.env.CDK_DEFAULT_ACCOUNT,
  });
  const stacks = buildDrApp(app, config);
  Validations.of(app).addPlugins(...nagPacks(app, config, stacks));
} catch (error) {
  if (error instanceof ConfigValidationError) {
    console.error(error.message);
    process.exit(1);
  }
  throw error;
}
