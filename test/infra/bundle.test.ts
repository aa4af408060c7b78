// Every Lambda bundle builds with the shared esbuild options, loads as ESM under plain Node
// (catching CJS `require` and top-level surprises), and is byte-identical to what CDK deploys.
import { execFileSync } from 'node:child_process';
import { existsSync, mkdirSync, mkdtempSync, readFileSync, rmSync, statSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { pathToFileURL } from 'node:url';
import { App } from 'aws-cdk-lib';
import type { Asset } from 'aws-cdk-lib/aws-s3-assets';
import { afterAll, beforeAll, describe, expect, it, onTestFinished } from 'vitest';
import { functionGroups } from '#adapters/http/routes.ts';
import { defineApp } from '../../infra/app.ts';
import { buildFunctionBundle, bundleScratchDir, nonApiHandlers, type BundledHandler } from '../../infra/bundling.ts';
import { cdkContext } from './context.ts';

// Lambda allows 250 MB unzipped; far less keeps cold starts short on the 512 MB functions.
const MAX_BUNDLE_BYTES = 5 * 1024 * 1024;

// What the Lambda environment provides; values are placeholders, nothing is called at import.
const lambdaEnv = {
  TABLE_NAME: 'bundle-test',
  USER_POOL_ID: 'ap-southeast-1_bundletest',
  USER_POOL_CLIENT_ID: 'bundletestclient',
  AWS_REGION: 'ap-southeast-1',
  LOG_LEVEL: 'ERROR',
  POWERTOOLS_SERVICE_NAME: 'cuoc-thi',
  AWS_ACCESS_KEY_ID: 'test',
  AWS_SECRET_ACCESS_KEY: 'test',
};

const outRoot = bundleScratchDir('bundle-test');
const outdir = (group: BundledHandler) => join(outRoot, group);
/** Every deployed handler: the API groups and the others (the stream consumer). */
const bundled: BundledHandler[] = [...functionGroups, ...nonApiHandlers];
/** The bundle each group's tests built, for the comparison with CDK's (built there when run alone). */
const built = new Map<BundledHandler, string>();
afterAll(() => rmSync(outRoot, { recursive: true, force: true }));

/** Functions a participant's request reaches: they must not carry the spreadsheet libraries. */
const participantFunctions: BundledHandler[] = ['public', 'attempts'];
const SPREADSHEET_PACKAGES = /node_modules\/(exceljs|read-excel-file|fflate|archiver|papaparse)\//;

describe.each(bundled)('%s bundle', (group) => {
  let outfile: string;
  let inputs: string[];
  beforeAll(async () => {
    let metafile: { inputs: Record<string, unknown> };
    ({ outfile, metafile } = await buildFunctionBundle(group, outdir(group)));
    built.set(group, outfile);
    inputs = Object.keys(metafile.inputs);
  });

  it.runIf(participantFunctions.includes(group))('carries no spreadsheet library (staff-only imports and results do)', () => {
    expect(inputs.filter((p) => SPREADSHEET_PACKAGES.test(p))).toEqual([]);
  });

  it('is built as one ESM file with its source map, within the size budget', () => {
    expect(existsSync(outfile)).toBe(true);
    expect(existsSync(`${outfile}.map`)).toBe(true);
    const size = statSync(outfile).size;
    expect(size).toBeGreaterThan(0);
    expect(size).toBeLessThan(MAX_BUNDLE_BYTES);
  });

  it('imports under Node and exports a handler function', () => {
    const script = `const m = await import(${JSON.stringify(pathToFileURL(outfile).href)}); process.stdout.write(typeof m.handler);`;
    const out = execFileSync(process.execPath, ['--input-type=module', '-e', script], {
      env: { PATH: process.env.PATH, ...lambdaEnv },
      encoding: 'utf8',
      stdio: ['ignore', 'pipe', 'pipe'],
    });
    expect(out).toBe('function');
  });
});

describe('CDK bundling', () => {
  it('produces byte-identical index.mjs to buildFunctionBundle for every group, the stream consumer and the share page', async () => {
    const app = new App({ context: { ...cdkContext, 'aws:cdk:bundling-stacks': ['CuocThi-dev-Api', 'CuocThi-dev-Web'] } });
    const webDist = join(outRoot, 'web-dist');
    mkdirSync(webDist, { recursive: true });
    const indexHtml = '<!doctype html><title>x</title>';
    writeFileSync(join(webDist, 'index.html'), indexHtml);
    const { api, web } = defineApp(app, { webDist, nag: false });
    onTestFinished(() => rmSync(app.outdir, { recursive: true, force: true }));
    const deployedFunctions = { ...api.functions, stream: api.streamConsumer, 'jobs-worker': api.jobs.worker, share: web.shareFunction };
    // The share page reads the index.html deployed with it, next to the bundle (WEB_INDEX_FILE).
    const shareAsset = web.shareFunction.node.findChild('Code') as Asset;
    expect(readFileSync(join(app.outdir, shareAsset.assetPath, 'index.html'), 'utf8')).toBe(indexHtml);
    expect(Object.keys(deployedFunctions).sort()).toEqual([...bundled].sort());
    for (const group of bundled) {
      const asset = deployedFunctions[group].node.findChild('Code') as Asset;
      const deployed = readFileSync(join(app.outdir, asset.assetPath, 'index.mjs'));
      const outfile = built.get(group) ?? (await buildFunctionBundle(group, outdir(group))).outfile;
      expect(deployed.equals(readFileSync(outfile)), `${group}: CDK bundle differs from buildFunctionBundle`).toBe(true);
    }
  });
});
