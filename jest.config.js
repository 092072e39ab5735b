// Jest: TypeScript through @swc/jest (type-checking is `tsc --noEmit`, once, in `npm test`).
/** @type {import('jest').Config} */
module.exports = {
  testEnvironment: 'node',
  roots: ['<rootDir>/test', '<rootDir>/lambda'],
  testMatch: ['**/*.test.ts'],
  // Each stage is synthesized once per run into cdk.out.test/<stage>; test files read its templates.
  globalSetup: '<rootDir>/test/helpers/global-setup.ts',
  transform: { '^.+\\.ts$': ['@swc/jest'] },
  // Synth-heavy files run side by side on the 2 cores; one worker per core.
  maxWorkers: 2,
  testTimeout: 120000,
};
