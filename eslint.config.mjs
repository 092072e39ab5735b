// ESLint flat config: typescript-eslint with type information, so floating promises are caught.
// Type information comes from one program over tsconfig.json (`project`): the project service built
// its programs file by file and took 32 s to this one's 20 s on the 2-core machine.
// This is the only ESLint config: editors and `npx eslint .` use it as written. `npm test` lints
// through scripts/check-code.mjs instead, which reuses it but hands the typed block below the program
// its type-check already built (`parserOptions.programs`), so that program is built once, not twice.
import js from '@eslint/js';
import tseslint from 'typescript-eslint';

export default tseslint.config(
  {
    ignores: [
      'node_modules/',
      'cdk.out/',
      'cdk.out.*/',
      '.venv/',
      '.venv-checkov/',
      'coverage/',
      'bench-results/',
      'dist/',
      'test-results/',
    ],
  },
  js.configs.recommended,
  ...tseslint.configs.recommended,
  {
    files: ['**/*.ts'],
    languageOptions: {
      parserOptions: { project: './tsconfig.json', tsconfigRootDir: import.meta.dirname },
    },
    rules: {
      '@typescript-eslint/no-floating-promises': 'error',
      '@typescript-eslint/no-misused-promises': 'error',
      '@typescript-eslint/await-thenable': 'error',
      '@typescript-eslint/consistent-type-imports': ['error', { fixStyle: 'inline-type-imports' }],
      '@typescript-eslint/no-unused-vars': ['error', { argsIgnorePattern: '^_' }],
    },
  },
  {
    files: ['**/*.mjs', '**/*.js'],
    languageOptions: { globals: { process: 'readonly', console: 'readonly', module: 'writable', require: 'readonly' } },
  },
);
