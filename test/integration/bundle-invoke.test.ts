// The artifact that would be deployed is the artifact tested: each function is bundled with the
// CDK stack's esbuild options, then invoked in a fresh Node process with a real API Gateway v2
// event against DynamoDB Local (the one the local mode started, with its demo data).
import { execFile } from 'node:child_process';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { promisify } from 'node:util';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { buildFunctionBundle, bundleScratchDir } from '../../infra/bundling.ts';
import { functionEnv, type Stack } from '../helpers/server.ts';
import { sharedServer } from '../helpers/shared-server.ts';

const run = promisify(execFile);
let server: Stack;
let outdir: string;

beforeAll(async () => {
  server = await sharedServer();
  outdir = bundleScratchDir('bundle-invoke');
});
afterAll(async () => {
  rmSync(outdir, { recursive: true, force: true });
});

function event(method: string, path: string, routePath: string, extra: Record<string, unknown> = {}) {
  return {
    version: '2.0',
    routeKey: `${method} ${routePath}`,
    rawPath: path,
    rawQueryString: '',
    headers: { 'content-type': 'application/json', host: 'example.org' },
    requestContext: {
      accountId: '123456789012',
      apiId: 'api',
      domainName: 'example.org',
      domainPrefix: 'example',
      http: { method, path, protocol: 'HTTP/1.1', sourceIp: '203.0.113.7', userAgent: 'test' },
      requestId: 'req-1',
      routeKey: `${method} ${routePath}`,
      stage: '$default',
      time: new Date().toUTCString(),
      timeEpoch: Date.now(),
    },
    isBase64Encoded: false,
    ...extra,
  };
}

/** Each group's bundle, built once for this file (the first invocation of the group builds it). */
const bundles = new Map<string, Promise<string>>();
const bundleOf = (group: string) => {
  if (!bundles.has(group)) bundles.set(group, buildFunctionBundle(group as never, join(outdir, group)).then((b) => b.outfile));
  return bundles.get(group)!;
};

/** Imports the bundle in a new Node process, answers one event, prints the result and the time it took. */
async function invoke(group: string, ev: unknown, env: Record<string, string> = {}) {
  const dir = join(outdir, group);
  const outfile = await bundleOf(group);
  const eventFile = join(dir, 'event.json');
  writeFileSync(eventFile, JSON.stringify(ev));
  const script = `
    const t0 = performance.now();
    const { handler } = await import(${JSON.stringify(outfile)});
    const ev = JSON.parse(require('node:fs').readFileSync(${JSON.stringify(eventFile)}, 'utf8'));
    const res = await handler(ev, { awsRequestId: 'r', functionName: ${JSON.stringify(group)}, getRemainingTimeInMillis: () => 10000 });
    console.log(JSON.stringify({ res, ms: performance.now() - t0 }));`;
  const { stdout } = await run(process.execPath, ['--input-type=commonjs', '-e', `(async () => {${script}})()`], {
    env: { PATH: process.env.PATH ?? '', ...functionEnv(server), ...env },
  });
  const line = stdout.trim().split('\n').at(-1)!;
  return JSON.parse(line) as { res: { statusCode: number; body: string; headers: Record<string, string> }; ms: number };
}

describe('deployed bundles answer real events', () => {
  it('share: a function-URL event for the contest page gets its meta in the index.html bundled next to it', async () => {
    // As CloudFront sends it (infra/stacks/web.ts): x-share-origin from the viewer's Host.
    const index = join(outdir, 'index.html');
    writeFileSync(index, '<!doctype html><html><head><meta name="description" content="x" /><title>x</title></head><body></body></html>');
    const ev = event('GET', '/contests/cchc-2024', '$default', { queryStringParameters: { unit: 'hoi-nong-dan' } });
    (ev.headers as Record<string, string>)['x-share-origin'] = 'https://d111.cloudfront.net';
    const { res } = await invoke('share', ev, { WEB_INDEX_FILE: index });
    expect(res.statusCode).toBe(200);
    expect(res.headers['cache-control']).toBe('public, max-age=60');
    expect(res.body).toContain('<meta property="og:url" content="https://d111.cloudfront.net/contests/cchc-2024?unit=hoi-nong-dan" />');
    expect(res.body).toContain('<meta property="og:image" content="https://d111.cloudfront.net/og-image.png" />');
    expect(res.body).not.toContain('<title>x</title>');
    // Unknown: the generic page, 200.
    const unknown = await invoke('share', event('GET', '/contests/khong-co', '$default'), { WEB_INDEX_FILE: index });
    expect(unknown.res.statusCode).toBe(200);
    expect(unknown.res.body).toContain('<meta property="og:url" content="https://example.org/" />');
  });

  it('system: health', async () => {
    const { res } = await invoke('system', event('GET', '/api/health', '/api/health'));
    expect(res.statusCode).toBe(200);
    expect(JSON.parse(res.body)).toEqual({ status: 'ok' });
  });

  it('public: the seeded contest from DynamoDB Local', async () => {
    const { res } = await invoke(
      'public',
      event('GET', '/api/contests/cchc-2024', '/api/contests/{contestId}', { pathParameters: { contestId: 'cchc-2024' } }),
    );
    expect(res.statusCode).toBe(200);
    const body = JSON.parse(res.body);
    expect(body).toMatchObject({ id: 'cchc-2024', status: 'published', phase: 'open' });
    expect(body.units.length).toBeGreaterThan(3);
  });

  it('attempts: a participant starts an attempt (writes to DynamoDB Local)', async () => {
    const { res } = await invoke(
      'attempts',
      event('POST', '/api/contests/cchc-2024/attempts', '/api/contests/{contestId}/attempts', {
        pathParameters: { contestId: 'cchc-2024' },
        body: JSON.stringify({ fullName: 'A Lăng Thị Bích', phone: '+84 987 654 321', unitId: 'hoi-nong-dan', consent: true }),
      }),
    );
    expect(res.statusCode, res.body).toBe(201);
    const body = JSON.parse(res.body);
    expect(body.questions).toHaveLength(10);
    expect(res.body).not.toMatch(/"correct"/);
  });

  it('admin: the role check uses the authorizer claims in the event', async () => {
    const claims = (groups: string) => ({
      requestContext: {
        ...event('POST', '/api/admin/units', '/api/admin/units').requestContext,
        authorizer: { jwt: { claims: { sub: 'u1', email: 'x@example.org', 'cognito:groups': groups }, scopes: null } },
      },
    });
    const body = JSON.stringify({ name: 'Chi hội Nông dân thôn Long Tro', memberCount: 45 });
    const denied = await invoke('admin', { ...event('POST', '/api/admin/units', '/api/admin/units', { body }), ...claims('[organizer]') });
    expect(denied.res.statusCode).toBe(403);
    const created = await invoke('admin', { ...event('POST', '/api/admin/units', '/api/admin/units', { body }), ...claims('[admin]') });
    expect(created.res.statusCode).toBe(201);
    expect(JSON.parse(created.res.body)).toMatchObject({ name: 'Chi hội Nông dân thôn Long Tro', memberCount: 45 });
  });

  it('privacy: the scheduled retention event and an audited route share one bundle', async () => {
    // EventBridge's own shape (infra/stacks/api.ts has no custom input); nothing is due in the demo data.
    const scheduled = {
      version: '0',
      id: 'e1',
      'detail-type': 'Scheduled Event',
      source: 'aws.events',
      account: '123456789012',
      time: new Date().toISOString().slice(0, 19) + 'Z',
      region: 'ap-southeast-1',
      resources: ['arn:aws:events:ap-southeast-1:123456789012:rule/RetentionSchedule'],
      detail: {},
    };
    const run = await invoke('privacy', scheduled);
    expect(run.res).toMatchObject({ contests: [] });
    const ev = event('GET', '/api/admin/audit', '/api/admin/audit');
    (ev.requestContext as Record<string, unknown>).authorizer = { jwt: { claims: { sub: 'u', email: 'a@example.org', 'cognito:groups': '[admin]' }, scopes: null } };
    const { res } = await invoke('privacy', ev);
    expect(res.statusCode, res.body).toBe(200);
    expect(JSON.parse(res.body)).toHaveProperty('items');
  });

  it('contests: malformed JSON is a 400 BAD_JSON, not a 5xx', async () => {
    const ev = {
      ...event('POST', '/api/admin/contests', '/api/admin/contests', { body: '{"title":' }),
    };
    (ev.requestContext as Record<string, unknown>).authorizer = { jwt: { claims: { sub: 'u', 'cognito:groups': '[organizer]' }, scopes: null } };
    const { res } = await invoke('contests', ev);
    expect(res.statusCode).toBe(400);
    expect(JSON.parse(res.body).error.code).toBe('BAD_JSON');
  });
});
