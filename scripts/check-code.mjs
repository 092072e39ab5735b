// The type-check and ESLint in one process, over one TypeScript program (`npm run check:code`, and the
// code half of `npm run test:checks`).
//
// `tsc --noEmit` and typed ESLint (`parserOptions.project` in eslint.config.mjs) each build a program
// of the whole of tsconfig.json: the same files parsed, bound and checked twice, most of the CPU of
// the two. Here the program is built once, its diagnostics are reported as tsc reports them, and
// ESLint is handed that program (`parserOptions.programs`), so typescript-eslint builds none of its
// own and its type-aware rules read types the type-check has already computed.
//
// It fails (exit 1) on any type error, or on any ESLint error or warning (`--max-warnings 0`, as
// `npm run lint` runs it); both are reported before it exits. A config or crash exits 2, as ESLint's CLI.
//
// eslint.config.mjs stays the only ESLint configuration: editors and `npx eslint .` use it as it is
// (where typescript-eslint builds its own program from `project`); this script only overrides where
// the type information comes from.
import { URL, fileURLToPath } from 'node:url';
import { parseCli, runCli } from './lib/cli-args.cjs';

const USAGE = `usage: npm run check:code
The type-check (tsc --noEmit) and ESLint (--max-warnings 0) over one TypeScript program; it takes no
arguments.
Exit status: 0 clean; 1 a type error or an ESLint error or warning; 2 bad input, or an ESLint config
that cannot load or a rule that crashed.`;

// Loaded once the arguments are checked (about a second): --help and bad input answer at once.
let ESLint;
let ts;

// Work from the project root wherever we are started from: tsc and ESLint print paths relative to it.
process.chdir(fileURLToPath(new URL('..', import.meta.url)));

/** Builds the program of tsconfig.json as `tsc` does; exits 2 when the config cannot be read at all. */
function createProgram() {
  const configErrors = [];
  const parsed = ts.getParsedCommandLineOfConfigFile(
    'tsconfig.json',
    {},
    { ...ts.sys, onUnRecoverableConfigFileDiagnostic: (diagnostic) => configErrors.push(diagnostic) },
  );
  if (!parsed) {
    process.stderr.write(ts.formatDiagnostics(configErrors, formatHost));
    process.exit(2);
  }
  return ts.createProgram({
    rootNames: parsed.fileNames,
    options: parsed.options,
    projectReferences: parsed.projectReferences,
    // Errors in tsconfig.json itself (unknown options, no inputs) come out with the program's, as tsc's do.
    configFileParsingDiagnostics: ts.getConfigFileParsingDiagnostics(parsed),
    // The default host parses all JSDoc (tsc parses only what type errors need); typescript-eslint's
    // own program does the same, so rules that read JSDoc tags see them here too.
    host: ts.createCompilerHost(parsed.options, true),
  });
}

let formatHost;
const makeFormatHost = () => ({
  getCanonicalFileName: ts.sys.useCaseSensitiveFileNames ? (name) => name : (name) => name.toLowerCase(),
  getCurrentDirectory: ts.sys.getCurrentDirectory,
  getNewLine: () => ts.sys.newLine,
});

/** Prints the program's pre-emit diagnostics like tsc (with colour and context on a terminal); returns the error count. */
function typeCheck(program) {
  const diagnostics = ts.getPreEmitDiagnostics(program);
  if (diagnostics.length === 0) return 0;
  const pretty = program.getCompilerOptions().pretty ?? process.stdout.isTTY === true;
  const format = pretty ? ts.formatDiagnosticsWithColorAndContext : ts.formatDiagnostics;
  process.stdout.write(format(diagnostics, formatHost));
  const errors = diagnostics.filter((diagnostic) => diagnostic.category === ts.DiagnosticCategory.Error).length;
  const files = new Set(diagnostics.map((diagnostic) => diagnostic.file?.fileName)).size;
  process.stdout.write(
    `\nFound ${errors} type error${errors === 1 ? '' : 's'} in ${files} file${files === 1 ? '' : 's'}.\n\n`,
  );
  return errors;
}

/** Lints the project with eslint.config.mjs, types from `program`; prints like the CLI; returns whether it passed. */
async function lint(program) {
  const eslint = new ESLint({
    // Appended after eslint.config.mjs, for the same files as its typed block. `programs` takes the
    // place of `project` (typescript-eslint ignores `project` when `programs` is set; it is switched
    // off as well so nothing can fall back to building a second program). A file outside the program
    // fails with "not found in any of the provided program instance(s)", as it would with `project`;
    // so does a .ts file created while the type-check ran (the program is a snapshot): run it again.
    overrideConfig: {
      files: ['**/*.ts'],
      languageOptions: { parserOptions: { programs: [program], project: false } },
    },
  });
  const results = await eslint.lintFiles(['.']);
  const formatter = await eslint.loadFormatter('stylish');
  const output = await formatter.format(results);
  if (output) process.stdout.write(output);
  const errors = results.reduce((sum, result) => sum + result.errorCount, 0);
  const warnings = results.reduce((sum, result) => sum + result.warningCount, 0);
  // `eslint --max-warnings 0`: warnings alone fail it too, with the CLI's message.
  if (errors === 0 && warnings > 0) {
    process.stderr.write(`ESLint found too many warnings (maximum: 0).\n`);
  }
  return errors === 0 && warnings === 0;
}

await runCli({
  name: 'check-code',
  usage: USAGE,
  main: async () => {
    parseCli({ args: process.argv.slice(2), options: {} });
    ({ ESLint } = await import('eslint'));
    ({ default: ts } = await import('typescript'));
    formatHost = makeFormatHost();
    try {
      const program = createProgram();
      const typeErrors = typeCheck(program);
      const lintPassed = await lint(program);
      return typeErrors === 0 && lintPassed ? 0 : 1;
    } catch (error) {
      // A broken ESLint config or a crashing rule: the ESLint CLI's exit code for it, with the stack to debug it.
      process.stderr.write(`${error?.stack ?? error}\n`);
      return 2;
    }
  },
});
