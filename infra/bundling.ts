// One set of esbuild options for every Lambda bundle. CDK's NodejsFunction and the
// bundle test both derive from it, so the artifact the test loads is the one we deploy.
import { mkdirSync, mkdtempSync } from 'node:fs';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { OutputFormat, type BundlingOptions } from 'aws-cdk-lib/aws-lambda-nodejs';
import * as esbuild from 'esbuild';
import type { FunctionGroup } from '#adapters/http/routes.ts';

export const repoRoot = fileURLToPath(new URL('..', import.meta.url));

/** Handlers bundled like the API groups but not served by routes.ts: the table's stream consumer, the jobs worker. */
export const nonApiHandlers = ['stream', 'jobs-worker'] as const;
/** Anything under functions/handlers/ that is deployed as a Lambda function. */
export type BundledHandler = FunctionGroup | (typeof nonApiHandlers)[number];

export const handlerEntry = (group: BundledHandler): string => join(repoRoot, 'functions', 'handlers', `${group}.ts`);

// ESM bundles have no `require`; CJS dependencies (exceljs, parts of the SDK) call it for
// Node built-ins, so give them one. The alias avoids clashing with bundled identifiers.
const requireBanner = "import{createRequire as __cjsRequire}from'node:module';const require=__cjsRequire(import.meta.url);";

const shared = {
  target: 'node22',
  minify: true,
  sourcemap: true,
  // Stack traces map back through the .map file; embedding the sources would only add weight.
  sourcesContent: false,
  // Prefer ESM builds of dependencies so esbuild can tree-shake them.
  mainFields: ['module', 'main'],
  banner: requireBanner,
  // Everything is bundled, the AWS SDK v3 clients included, rather than taken from the Lambda
  // runtime's copy: the version we tested is the version that runs, esbuild keeps only the commands
  // we import (ESM builds, mainFields above), and loading one minified file is faster than resolving
  // the runtime's thousands of SDK modules (measured in bench/: npm run bench -- --only bundles).
  external: [] as string[],
} as const;

/** `bundling` props for NodejsFunction. */
export const lambdaBundling: BundlingOptions = {
  format: OutputFormat.ESM,
  target: shared.target,
  minify: shared.minify,
  sourceMap: shared.sourcemap,
  sourcesContent: shared.sourcesContent,
  mainFields: [...shared.mainFields],
  banner: shared.banner,
  externalModules: [...shared.external],
  // Said twice on purpose: CDK marks @aws-sdk/* external for Node 18+ runtimes unless told otherwise.
  bundleAwsSDK: true,
};

/** The same build through esbuild's JS API (NodejsFunction adds --bundle and --platform=node). */
export function esbuildOptions(group: BundledHandler, outdir: string): esbuild.BuildOptions & { outfile: string } {
  return {
    entryPoints: [handlerEntry(group)],
    outfile: join(outdir, 'index.mjs'),
    bundle: true,
    platform: 'node',
    format: 'esm',
    target: shared.target,
    minify: shared.minify,
    sourcemap: shared.sourcemap,
    sourcesContent: shared.sourcesContent,
    mainFields: [...shared.mainFields],
    banner: { js: shared.banner },
    external: [...shared.external],
    metafile: true,
    logLevel: 'warning',
  };
}

/**
 * A fresh directory for bundles built outside CDK (tests, the benchmark), under the repository's
 * node_modules/.cache: should a package ever be made external again, a bundle run there resolves
 * it from node_modules, as on Lambda it would resolve the runtime's copy.
 */
export function bundleScratchDir(prefix: string): string {
  const root = join(repoRoot, 'node_modules', '.cache', 'lambda-bundles');
  mkdirSync(root, { recursive: true });
  return mkdtempSync(join(root, `${prefix}-`));
}

/** Builds `<outdir>/index.mjs` (+ .map) for one function group (or other handler), exactly as deployed. */
export async function buildFunctionBundle(group: BundledHandler, outdir: string) {
  mkdirSync(outdir, { recursive: true });
  const options = esbuildOptions(group, outdir);
  const result = await esbuild.build(options);
  return { outfile: options.outfile, metafile: result.metafile!, warnings: result.warnings };
}
