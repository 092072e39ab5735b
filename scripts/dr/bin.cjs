#!/usr/bin/env node
// The `dr` bin of package.json: the bundle (npm run build:dr) when it is built, else the TypeScript source through tsx.
'use strict';
/* global require, __dirname -- CommonJS in node */
/* eslint-disable @typescript-eslint/no-require-imports -- a CommonJS launcher: it must load the bundle or tsx synchronously */
const { existsSync } = require('node:fs');
const { join } = require('node:path');

const bundle = join(__dirname, '..', '..', 'dist', 'dr.cjs');
if (existsSync(bundle)) {
  require(bundle).runMain();
} else {
  // tsx's CommonJS hook (a devDependency): the source runs without a build.
  require('tsx/cjs');
  require('./cli.ts').runMain();
}
