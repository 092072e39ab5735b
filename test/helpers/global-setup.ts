// Jest global setup: synthesizes every stage once per run, so test files read templates instead of each synthesizing.
import { rmSync } from 'node:fs';
import { STAGES, loadConfig } from '../../lib/config';
import { buildDrApp } from '../../lib/dr-app';
import { newApp, testAssemblyDir } from './synth';

export default function globalSetup(): void {
  for (const stage of STAGES) {
    const outdir = testAssemblyDir(stage);
    rmSync(outdir, { recursive: true, force: true });
    const app = newApp(outdir);
    buildDrApp(app, loadConfig({ stage }));
    app.synth();
  }
}
