// Lambda code bundled by esbuild's in-process API: once per entry per synth, however many stacks use it.
import { existsSync, writeFileSync } from 'node:fs';
import { basename, dirname, join, resolve } from 'node:path';
import { AssetHashType, DockerImage, type ILocalBundling } from 'aws-cdk-lib';
import * as lambda from 'aws-cdk-lib/aws-lambda';
import { buildSync, type BuildOptions } from 'esbuild';
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
    // Written by tryBundle, not by esbuild, so only the file names of this path reach the bundle.
    outfile: join(PROJECT_ROOT, 'index.js'),
    logLevel: 'warning',
  };
}

/**
 * CDK's local bundling hook running esbuild in this process. Its fields are part of the asset's
 * cache key, so equal options in two stacks of one app are bundled once; a stack whose bundling
 * is skipped (`aws:cdk:bundling-stacks`) never calls it.
 */
class EsbuildBundling implements ILocalBundling {
  constructor(public readonly options: BuildOptions) {}

  public tryBundle(outputDir: string): boolean {
    const result = buildSync({ ...this.options, write: false });
    for (const file of result.outputFiles) {
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
