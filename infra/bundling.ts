// One set of esbuild options for every Lambda bundle. CDK's NodejsFunction and the
// bundle test both derive from it, so the artifact the test loads is the one we deploy.
import { mkdirSync } from 'node:fs';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { OutputFormat, type BundlingOptions } from 'aws-cdk-lib/aws-lambda-nodejs';
import * as esbuild from 'esbuild';
import type { FunctionGroup } from '#adapters/http/routes.ts';

export const repoRoot = fileURLToPath(new URL('..', import.meta.url));

export const handlerEntry = (group: FunctionGroup): string => join(repoRoot, 'functions', 'handlers', `${group}.ts`);

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
  // Bundle everything, the AWS SDK included: the runtime's SDK version drifts under us,
  // and a self-contained artifact runs the same under the Node 20 used for local tests.
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
};

/** The same build through esbuild's JS API (NodejsFunction adds --bundle and --platform=node). */
export function esbuildOptions(group: FunctionGroup, outdir: string): esbuild.BuildOptions & { outfile: string } {
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

/** Builds `<outdir>/index.mjs` (+ .map) for one function group, exactly as deployed. */
export async function buildFunctionBundle(group: FunctionGroup, outdir: string) {
  mkdirSync(outdir, { recursive: true });
  const options = esbuildOptions(group, outdir);
  const result = await esbuild.build(options);
  return { outfile: options.outfile, metafile: result.metafile!, warnings: result.warnings };
}
