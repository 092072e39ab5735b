// Jest: TypeScript through @swc/jest (type-checking is `tsc --noEmit`, once, in `npm test`), in two projects.
// `unit` needs nothing synthesized, so one of its files runs in about a second (`npm run test:unit`).
// `synth` reads the templates its global setup writes with the real CLI synth of both stages, once per run.

/** Test files that read the synthesized assembly (`synthStage`, `testAssemblyDir`). */
const SYNTH_TESTS = ['test/stacks/', 'test/gates/', 'test/workflows/workflows.test.ts', 'test/drill/'];

const shared = {
  testEnvironment: 'node',
  transform: { '^.+\\.ts$': ['@swc/jest'] },
};

/** @type {import('jest').Config} */
module.exports = {
  // One worker per core, whatever the machine: jest's default keeps a core for its main process,
  // which only waits here, and on 2 cores that ran the whole suite in a single worker.
  maxWorkers: '100%',
  projects: [
    {
      ...shared,
      displayName: 'unit',
      roots: ['<rootDir>/test', '<rootDir>/lambda'],
      testMatch: ['**/*.test.ts'],
      testPathIgnorePatterns: ['/node_modules/', ...SYNTH_TESTS.map((path) => `<rootDir>/${path}`)],
    },
    {
      ...shared,
      displayName: 'synth',
      roots: ['<rootDir>/test'],
      testMatch: SYNTH_TESTS.map((path) => `<rootDir>/${path}${path.endsWith('/') ? '**/*.test.ts' : ''}`),
      // Jest runs a project's global setup only when a test file of that project is selected.
      globalSetup: '<rootDir>/test/helpers/global-setup.ts',
    },
  ],
};
