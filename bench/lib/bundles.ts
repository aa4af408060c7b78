// Lambda bundles: every function (each API group of routes.ts and the table's stream consumer)
// built with the deployed esbuild options, its size, what fills it (from the esbuild metafile), and
// its cold start in a fresh Node process. Bundles are self-contained, as deployed (the AWS SDK v3
// clients inside); they are built under bundleScratchDir().
import { execFile } from 'node:child_process';
import { mkdirSync, statSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { marshall } from '@aws-sdk/util-dynamodb';
import type { DynamoDBStreamEvent } from 'aws-lambda';
import type { BundledHandler } from '../../infra/bundling.ts';
import { apiEvent } from './capacity.ts';
import { personItem } from './seed.ts';
import { median, round } from './stats.ts';

export interface BundleResult {
  group: BundledHandler;
  /** Minified, self-contained .mjs without its map. */
  bytes: number;
  /** Bytes in the output by package ("app" = this repository's own code). */
  composition: { name: string; bytes: number }[];
  coldStart: {
    event: string;
    /** HTTP status of the first event; 0 for a handler that answers nothing (the stream consumer) and returned. */
    status: number;
    /** Median of the runs: import of the bundle + the first event, timed inside the child (as deployed: no source maps). */
    importAndFirstEventMs: number;
    importMs: number;
    firstEventMs: number;
    /** Median wall time of the whole process, spawn to exit. */
    processWallMs: number;
    runs: { importMs: number; firstEventMs: number; wallMs: number; status: number }[];
  };
  error?: string;
}

function packageOf(path: string): string {
  const i = path.lastIndexOf('node_modules/');
  if (i < 0) return 'app';
  const rest = path.slice(i + 'node_modules/'.length).split('/');
  return rest[0]!.startsWith('@') ? `${rest[0]}/${rest[1]}` : rest[0]!;
}

export const RUNNER = `
import { readFileSync } from 'node:fs';
import { pathToFileURL } from 'node:url';
const [bundle, eventFile] = process.argv.slice(2);
const event = JSON.parse(readFileSync(eventFile, 'utf8'));
const t0 = performance.now();
const { handler } = await import(pathToFileURL(bundle).href);
const t1 = performance.now();
const res = await handler(event, { awsRequestId: 'cold-start', functionName: 'bench', getRemainingTimeInMillis: () => 10000 });
const t2 = performance.now();
const status = typeof res?.statusCode === 'number' ? res.statusCode : 0;
process.stdout.write('\\nCOLD ' + JSON.stringify({ status, importMs: t1 - t0, firstEventMs: t2 - t1 }) + '\\n', () => process.exit(0));
`;

export function runChild(runner: string, bundle: string, eventFile: string, env: Record<string, string>): Promise<{ importMs: number; firstEventMs: number; wallMs: number; status: number }> {
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

/**
 * A stream batch of one record: a scored person inserted, as DynamoDB Streams (NEW_AND_OLD_IMAGES)
 * hands it to Lambda. Its contest id is the bench contest's with `-cold-start` appended, a contest
 * nobody reads: the consumer folds it into that id's counters with one transaction (ledger item +
 * counter items), so the demo contest's counters stay exact.
 */
function streamEvent(contestId: string, n: number): DynamoDBStreamEvent {
  const spec = { contestId: `${contestId}-cold-start`, units: ['hoi-nong-dan'], villages: ['Thôn Đắk Chum 1'], questionsPerAttempt: 10, from: Date.now() - 86_400_000, to: Date.now() };
  const { item } = personItem(spec, 1_000_000 + n);
  const at = Math.floor(Date.now() / 1000);
  return {
    Records: [
      {
        eventID: `bench-cold-start-${Date.now()}-${n}`,
        eventName: 'INSERT',
        eventVersion: '1.1',
        eventSource: 'aws:dynamodb',
        awsRegion: 'ap-southeast-1',
        eventSourceARN: 'arn:aws:dynamodb:ap-southeast-1:000000000000:table/cuoc-thi/stream/bench',
        dynamodb: {
          ApproximateCreationDateTime: at,
          Keys: marshall({ PK: item.PK, SK: item.SK }) as never,
          NewImage: marshall(item, { removeUndefinedValues: true }) as never,
          SequenceNumber: `${Date.now()}${String(n).padStart(6, '0')}`,
          SizeBytes: 600,
          StreamViewType: 'NEW_AND_OLD_IMAGES',
        },
      },
    ],
  };
}

/** The first event each function answers: a real request reaching DynamoDB / Cognito where the function has one. */
export function firstEvent(group: BundledHandler, contestId: string, admin: { email: string; password: string }, n: number): { label: string; event: unknown } {
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
    case 'imports':
      return ev('GET', '/api/admin/question-template?format=xlsx', '/api/admin/question-template', {}, { staff: true });
    case 'results':
      return ev('GET', `/api/admin/contests/${contestId}/stats`, '/api/admin/contests/{contestId}/stats', { contestId }, { staff: true });
    case 'privacy':
      return ev('GET', '/api/admin/audit', '/api/admin/audit', {}, { staff: true });
    case 'attempts':
      return ev('POST', `/api/contests/${contestId}/attempts`, '/api/contests/{contestId}/attempts', { contestId }, {
        body: { fullName: 'Y Bench Cold', phone: `08${String(90_000_000 + n).padStart(8, '0')}`, unitId: 'hoi-nong-dan', consent: true },
      });
    case 'stream':
      return { label: 'DynamoDB stream batch: 1 scored person INSERT', event: streamEvent(contestId, n) };
    case 'jobs-worker':
      // A job id that does not exist: the worker reads it, finds nothing, and answers.
      return { label: 'SQS message: a job that does not exist', event: { Records: [{ messageId: `m${n}`, body: JSON.stringify({ jobId: `bench-missing-${n}` }) }] } };
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
});

export async function measureBundles(options: {
  groups: readonly BundledHandler[];
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

    // As deployed: no NODE_OPTIONS (no --enable-source-maps).
    const runs: { importMs: number; firstEventMs: number; wallMs: number; status: number }[] = [];
    let label = '';
    let error: string | undefined;
    try {
      for (let r = 0; r < options.runs; r++) {
        const { label: l, event } = firstEvent(group, options.contestId, options.admin, n++);
        label = l;
        const eventFile = join(dir, `event-${r}.json`);
        writeFileSync(eventFile, JSON.stringify(event));
        const run = await runChild(runner, outfile, eventFile, { ...options.env, NODE_OPTIONS: '' });
        if (run.status >= 500) error = `${label} answered ${run.status}`;
        runs.push(run);
      }
    } catch (e) {
      error = (e as Error).message;
    }
    results.push({
      group,
      bytes,
      composition,
      coldStart: {
        event: label,
        status: runs[0]?.status ?? 0,
        importAndFirstEventMs: round(median(runs.map((r) => r.importMs + r.firstEventMs)), 1),
        importMs: round(median(runs.map((r) => r.importMs)), 1),
        firstEventMs: round(median(runs.map((r) => r.firstEventMs)), 1),
        processWallMs: round(median(runs.map((r) => r.wallMs)), 1),
        runs: runs.map((r) => ({ importMs: round(r.importMs, 1), firstEventMs: round(r.firstEventMs, 1), wallMs: round(r.wallMs, 1), status: r.status })),
      },
      ...(error ? { error } : {}),
    });
  }
  return results;
}
