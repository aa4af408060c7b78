// Lambda bundles: every function group built with the deployed esbuild options, its size, what
// fills it (from the esbuild metafile), and its cold start in a fresh Node process.
import { execFile } from 'node:child_process';
import { mkdirSync, readFileSync, statSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import type { FunctionGroup } from '../../functions/adapters/http/routes.ts';
import { apiEvent } from './capacity.ts';
import { median, round } from './stats.ts';

export interface BundleResult {
  group: FunctionGroup;
  bytes: number;
  /** Bytes in the output by package ("app" = this repository's own code). */
  composition: { name: string; bytes: number }[];
  coldStart: {
    event: string;
    status: number;
    /** Median of the runs: import of the bundle + the first event, timed inside the child. */
    importAndFirstEventMs: number;
    importMs: number;
    firstEventMs: number;
    /** Median wall time of the whole process, spawn to exit. */
    processWallMs: number;
    runs: { importMs: number; firstEventMs: number; wallMs: number; status: number }[];
    /** The same with NODE_OPTIONS=--enable-source-maps, as api-function.ts deploys it. */
    withSourceMaps: { importAndFirstEventMs: number; processWallMs: number };
  };
  /** Sizes of the same entry built with one change each (sizes only: what a fix would buy). */
  whatIf?: {
    zodNamespaceImport: number;
    runtimeAwsSdk: number;
    both: number;
    /** Cold start (median, no source maps) of the zod-namespace build: it is self-contained, so it runs here. */
    zodNamespaceImportColdStartMs?: number;
  };
  error?: string;
}

function packageOf(path: string): string {
  const i = path.lastIndexOf('node_modules/');
  if (i < 0) return 'app';
  const rest = path.slice(i + 'node_modules/'.length).split('/');
  return rest[0]!.startsWith('@') ? `${rest[0]}/${rest[1]}` : rest[0]!;
}

const RUNNER = `
import { readFileSync } from 'node:fs';
import { pathToFileURL } from 'node:url';
const [bundle, eventFile] = process.argv.slice(2);
const event = JSON.parse(readFileSync(eventFile, 'utf8'));
const t0 = performance.now();
const { handler } = await import(pathToFileURL(bundle).href);
const t1 = performance.now();
const res = await handler(event, { awsRequestId: 'cold-start', functionName: 'bench', getRemainingTimeInMillis: () => 10000 });
const t2 = performance.now();
process.stdout.write('\\nCOLD ' + JSON.stringify({ status: res.statusCode, importMs: t1 - t0, firstEventMs: t2 - t1 }) + '\\n', () => process.exit(0));
`;

function runChild(runner: string, bundle: string, eventFile: string, env: Record<string, string>): Promise<{ importMs: number; firstEventMs: number; wallMs: number; status: number }> {
  const t0 = performance.now();
  return new Promise((resolve, reject) => {
    execFile(process.execPath, [runner, bundle, eventFile], { env, timeout: 60_000, maxBuffer: 16 * 1024 * 1024 }, (error, stdout, stderr) => {
      const wallMs = performance.now() - t0;
      const line = stdout.split('\n').find((l) => l.startsWith('COLD '));
      if (!line) return reject(new Error(`cold start child failed: ${error?.message ?? ''}\n${stderr.slice(-2000)}`));
      const r = JSON.parse(line.slice(5)) as { importMs: number; firstEventMs: number; status: number };
      resolve({ ...r, wallMs });
    });
  });
}

/** The first event each function answers: a real request reaching DynamoDB / Cognito where the group has one. */
function firstEvent(group: FunctionGroup, contestId: string, admin: { email: string; password: string }, n: number) {
  const ev = (method: string, path: string, routePath: string, params: Record<string, string>, options: { body?: unknown; staff?: boolean } = {}) => ({
    label: `${method} ${path}`,
    event: apiEvent(method, new URL(path, 'http://x'), `${method} ${routePath}`, params, options),
  });
  switch (group) {
    case 'system':
      return ev('GET', '/api/health', '/api/health', {});
    case 'auth':
      return ev('POST', '/api/auth/login', '/api/auth/login', {}, { body: admin });
    case 'admin':
      return ev('GET', '/api/admin/users', '/api/admin/users', {}, { staff: true });
    case 'public':
      return ev('GET', `/api/contests/${contestId}`, '/api/contests/{contestId}', { contestId });
    case 'contests':
      return ev('GET', '/api/admin/contests', '/api/admin/contests', {}, { staff: true });
    case 'results':
      return ev('GET', `/api/admin/contests/${contestId}/stats`, '/api/admin/contests/{contestId}/stats', { contestId }, { staff: true });
    case 'privacy':
      return ev('GET', '/api/admin/audit', '/api/admin/audit', {}, { staff: true });
    case 'attempts':
      return ev('POST', `/api/contests/${contestId}/attempts`, '/api/contests/{contestId}/attempts', { contestId }, {
        body: { fullName: 'Y Bench Cold', phone: `08${String(90_000_000 + n).padStart(8, '0')}`, unitId: 'hoi-nong-dan', consent: true },
      });
  }
}

const emptyColdStart = (): BundleResult['coldStart'] => ({
  event: '',
  status: 0,
  importAndFirstEventMs: Number.NaN,
  importMs: Number.NaN,
  firstEventMs: Number.NaN,
  processWallMs: Number.NaN,
  runs: [],
  withSourceMaps: { importAndFirstEventMs: Number.NaN, processWallMs: Number.NaN },
});

/**
 * What-if builds. `import { z } from 'zod'` keeps zod's whole namespace object (64 locales
 * included) alive; `import * as z from 'zod'` lets esbuild drop what is unused. The plugin
 * rewrites that import on the fly (the sources are untouched). `runtimeAwsSdk` leaves
 * @aws-sdk/* and @smithy/* to the Lambda Node.js 22 runtime, which ships SDK v3.
 */
async function whatIfSizes(group: FunctionGroup, dir: string) {
  const esbuild = await import('esbuild');
  const { esbuildOptions } = await import('../../infra/bundling.ts');
  const zodPlugin = {
    name: 'zod-namespace-import',
    setup(build: import('esbuild').PluginBuild) {
      build.onLoad({ filter: /[\\/]functions[\\/].*\.ts$/ }, (args) => {
        const source = readFileSync(args.path, 'utf8').replace(
          /import\s*\{\s*z\s*(?:,\s*type\s+(\w+)\s*)?\}\s*from\s*'zod';/g,
          (_m, typeName?: string) => `import * as z from 'zod';${typeName ? ` import type { ${typeName} } from 'zod';` : ''}`,
        );
        return { contents: source, loader: 'ts' };
      });
    },
  };
  const build = async (name: string, zod: boolean, sdk: boolean) => {
    const options = esbuildOptions(group, join(dir, name));
    await esbuild.build({
      ...options,
      metafile: false,
      sourcemap: false,
      external: [...(options.external ?? []), ...(sdk ? ['@aws-sdk/*', '@smithy/*'] : [])],
      plugins: zod ? [zodPlugin] : [],
      logLevel: 'silent',
    });
    return { outfile: options.outfile, bytes: statSync(options.outfile).size };
  };
  const zod = await build('what-if-zod', true, false);
  return {
    zodOutfile: zod.outfile,
    sizes: { zodNamespaceImport: zod.bytes, runtimeAwsSdk: (await build('what-if-sdk', false, true)).bytes, both: (await build('what-if-both', true, true)).bytes },
  };
}

export async function measureBundles(options: {
  groups: FunctionGroup[];
  outdir: string;
  runs: number;
  env: Record<string, string>;
  contestId: string;
  admin: { email: string; password: string };
}): Promise<BundleResult[]> {
  const { buildFunctionBundle } = await import('../../infra/bundling.ts');
  mkdirSync(options.outdir, { recursive: true });
  const runner = join(options.outdir, 'cold-start.mjs');
  writeFileSync(runner, RUNNER);
  const results: BundleResult[] = [];
  let n = 0;
  for (const group of options.groups) {
    const dir = join(options.outdir, group);
    let built: Awaited<ReturnType<typeof buildFunctionBundle>>;
    try {
      built = await buildFunctionBundle(group, dir);
    } catch (e) {
      results.push({ group, bytes: 0, composition: [], coldStart: emptyColdStart(), error: `build failed: ${(e as Error).message.split('\n')[0]}` });
      continue;
    }
    const { outfile, metafile } = built;
    const bytes = statSync(outfile).size;
    const byPackage = new Map<string, number>();
    for (const output of Object.values(metafile.outputs)) {
      for (const [path, input] of Object.entries(output.inputs)) byPackage.set(packageOf(path), (byPackage.get(packageOf(path)) ?? 0) + input.bytesInOutput);
    }
    const composition = [...byPackage].map(([name, b]) => ({ name, bytes: b })).sort((a, b) => b.bytes - a.bytes);

    const runs: { importMs: number; firstEventMs: number; wallMs: number; status: number }[] = [];
    const mapped: { importMs: number; firstEventMs: number; wallMs: number; status: number }[] = [];
    let label = '';
    let error: string | undefined;
    try {
      for (const [list, nodeOptions] of [
        [runs, ''],
        [mapped, '--enable-source-maps'],
      ] as const) {
        for (let r = 0; r < options.runs; r++) {
          const { label: l, event } = firstEvent(group, options.contestId, options.admin, n++);
          label = l;
          const eventFile = join(dir, `event-${r}.json`);
          writeFileSync(eventFile, JSON.stringify(event));
          const run = await runChild(runner, outfile, eventFile, { ...options.env, NODE_OPTIONS: nodeOptions });
          if (run.status >= 500) error = `${label} answered ${run.status}`;
          list.push(run);
        }
      }
    } catch (e) {
      error = (e as Error).message;
    }
    const total = (rs: typeof runs) => median(rs.map((r) => r.importMs + r.firstEventMs));
    let whatIf: BundleResult['whatIf'];
    try {
      const { zodOutfile, sizes } = await whatIfSizes(group, dir);
      const zodRuns: number[] = [];
      for (let r = 0; r < options.runs; r++) {
        const { event } = firstEvent(group, options.contestId, options.admin, n++);
        const eventFile = join(dir, `event-what-if-${r}.json`);
        writeFileSync(eventFile, JSON.stringify(event));
        const run = await runChild(runner, zodOutfile, eventFile, { ...options.env, NODE_OPTIONS: '' });
        zodRuns.push(run.importMs + run.firstEventMs);
      }
      whatIf = { ...sizes, zodNamespaceImportColdStartMs: round(median(zodRuns), 1) };
    } catch (e) {
      error ??= `what-if build failed: ${(e as Error).message.split('\n')[0]}`;
    }
    results.push({
      group,
      bytes,
      composition,
      ...(whatIf ? { whatIf } : {}),
      coldStart: {
        event: label,
        status: runs[0]?.status ?? 0,
        importAndFirstEventMs: round(total(runs), 1),
        importMs: round(median(runs.map((r) => r.importMs)), 1),
        firstEventMs: round(median(runs.map((r) => r.firstEventMs)), 1),
        processWallMs: round(median(runs.map((r) => r.wallMs)), 1),
        runs: runs.map((r) => ({ importMs: round(r.importMs, 1), firstEventMs: round(r.firstEventMs, 1), wallMs: round(r.wallMs, 1), status: r.status })),
        withSourceMaps: { importAndFirstEventMs: round(total(mapped), 1), processWallMs: round(median(mapped.map((r) => r.wallMs)), 1) },
      },
      ...(error ? { error } : {}),
    });
  }
  return results;
}
