// Lambda code bundled by esbuild's in-process API: every handler in one build per synth, however many stacks use them.
import { existsSync, readdirSync, writeFileSync } from 'node:fs';
import { basename, dirname, join, resolve } from 'node:path';
import { AssetHashType, DockerImage, type ILocalBundling } from 'aws-cdk-lib';
import * as lambda from 'aws-cdk-lib/aws-lambda';
import { buildSync, type BuildOptions, type OutputFile } from 'esbuild';
import { PROJECT_ROOT } from '../project-root';

/** Props of {@link bundledNodejsCode}. */
export interface BundledNodejsCodeProps {
  /** Path of the TypeScript handler module, for example `lambda/degraded-mode/handler.ts`. */
  readonly entry: string;
  /** The function's runtime, a Node.js one; the bundle targets its Node.js version. */
  readonly runtime: lambda.Runtime;
}

/**
 * The AWS SDK v3 and its Smithy packages come from the Node.js runtime, as `NodejsFunction` leaves
 * them out under `@aws-cdk/aws-lambda-nodejs:sdkV3ExcludeSmithyPackages`: smaller bundles, shorter
 * cold starts.
 */
const RUNTIME_PROVIDED = ['@aws-sdk/*', '@smithy/*'];

/** esbuild's target for a Node.js Lambda runtime: `node22` for `nodejs22.x`. */
function esbuildTarget(runtime: lambda.Runtime): string {
  const version = /^nodejs(\d+)\.x$/.exec(runtime.name)?.[1];
  if (!version) {
    throw new Error(`runtime must be a Node.js runtime with a version, such as nodejs22.x, got: ${runtime.name}`);
  }
  return `node${version}`;
}

/**
 * The esbuild options of one handler: one minified CommonJS file with its source map, the settings
 * `NodejsFunction` used with `minify` and `sourceMap`. Scripts that measure the bundles use the same.
 */
export function esbuildOptions(props: BundledNodejsCodeProps): BuildOptions {
  return {
    entryPoints: [resolve(props.entry)],
    bundle: true,
    platform: 'node',
    format: 'cjs',
    target: esbuildTarget(props.runtime),
    minify: true,
    sourcemap: true,
    external: RUNTIME_PROVIDED,
    absWorkingDir: PROJECT_ROOT,
    // Never written (tryBundle keeps esbuild's output in memory); beside the handler, so the source
    // map names the sources relative to its directory, as the batch build of outputsOf does.
    outfile: join(dirname(resolve(props.entry)), 'index.js'),
    logLevel: 'warning',
  };
}

/**
 * The handlers that sit beside `entry` (`lambda/*\/handler.ts` for `lambda/x/handler.ts`), which an
 * app bundles together: one esbuild run over all of them shares the parsing of the modules they have
 * in common, and took about 0.1 s where one run per handler took 0.25 s (issue 11's synth time).
 */
function siblingEntries(entry: string): string[] {
  const group = dirname(dirname(entry));
  return readdirSync(group, { withFileTypes: true })
    .filter((child) => child.isDirectory())
    .map((child) => join(group, child.name, basename(entry)))
    .filter((candidate) => existsSync(candidate));
}

/** Outputs of one batch build, by the directory of each handler; one batch per distinct set of options. */
const batches = new Map<string, Map<string, OutputFile[]>>();

/** The output files of the handler `options` bundles: from its batch, built on first use, or on its own. */
function outputsOf(options: BuildOptions): OutputFile[] {
  const entry = (options.entryPoints as string[])[0];
  const shared: BuildOptions = { ...options, entryPoints: undefined, outfile: undefined };
  const key = JSON.stringify(shared);
  let batch = batches.get(key);
  if (!batch) {
    batch = new Map();
    batches.set(key, batch);
    try {
      // Each output lands at `<root>/<handler dir>/index.js`, so its source map names the sources
      // relative to the handler's directory.
      const result = buildSync({
        ...shared,
        entryPoints: siblingEntries(entry),
        outdir: PROJECT_ROOT,
        outbase: PROJECT_ROOT,
        entryNames: '[dir]/index',
        write: false,
      });
      for (const file of result.outputFiles) {
        const files = batch.get(dirname(file.path)) ?? [];
        batch.set(dirname(file.path), [...files, file]);
      }
    } catch {
      // A sibling that does not build must not fail a handler that does: each is built on its own
      // below, so esbuild's error names the handler this asset needs.
    }
  }
  const batched = batch.get(dirname(entry));
  if (batched) return batched;
  return buildSync({ ...options, write: false }).outputFiles;
}

/**
 * CDK's local bundling hook running esbuild in this process. Its fields are part of the asset's
 * cache key, so equal options in two stacks of one app are bundled once; a stack whose bundling
 * is skipped (`aws:cdk:bundling-stacks`) never calls it.
 */
class EsbuildBundling implements ILocalBundling {
  constructor(public readonly options: BuildOptions) {}

  public tryBundle(outputDir: string): boolean {
    for (const file of outputsOf(this.options)) {
      writeFileSync(join(outputDir, basename(file.path)), file.contents);
    }
    return true;
  }
}

/**
 * Code of a Node.js Lambda function: the handler module at `entry` bundled into `index.js` (handler
 * `index.<export>`), hashed by its output, so an unchanged bundle keeps its asset hash.
 */
export function bundledNodejsCode(props: BundledNodejsCodeProps): lambda.AssetCode {
  // Checked here too, because trees built without bundling never run esbuild.
  if (!existsSync(props.entry)) {
    throw new Error(`entry must be an existing handler module, got: ${props.entry}`);
  }
  return lambda.Code.fromAsset(dirname(resolve(props.entry)), {
    assetHashType: AssetHashType.OUTPUT,
    bundling: {
      // Never used: the local hook always bundles, and throws when esbuild fails.
      image: DockerImage.fromRegistry('dummy'),
      local: new EsbuildBundling(esbuildOptions(props)),
    },
  });
}
