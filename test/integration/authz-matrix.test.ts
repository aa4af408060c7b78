// Issue 7: the whole route x role matrix against the real local mode. The route list comes from
// `routes` (functions/adapters/http/routes.ts) when the file runs, so a route added later is covered
// without touching this file. Staff routes: 401 without a valid token, 403 for a role not in
// `route.roles`, neither for an allowed role. Public routes ignore staff tokens, good or bad.
// Attempt routes (a `{attemptId}` path, no roles): only the attempt's own token opens it.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { routes, type RouteDef } from '../../functions/adapters/http/routes.ts';
import { apiClient, type ApiResponse } from '../helpers/api.ts';
import type { Stack } from '../helpers/server.ts';
import { sharedServer } from '../helpers/shared-server.ts';
import { mintToken, staffTokens, unsignedToken, type StaffRole } from '../helpers/tokens.ts';

const DEMO_CONTEST = 'cchc-2024';
const ALL_ROUTES = routes as readonly RouteDef[];
const isAttemptRoute = (r: RouteDef) => !r.roles && r.path.includes('{attemptId}');
const staffRoutes = ALL_ROUTES.filter((r) => r.roles);
const publicRoutes = ALL_ROUTES.filter((r) => !r.roles && !isAttemptRoute(r));
const attemptRoutes = ALL_ROUTES.filter(isAttemptRoute);

/** A staff-side credential: what goes into Authorization (and maybe X-Attempt-Token). */
interface Credential {
  name: string;
  headers: Record<string, string>;
  /** The role it carries when genuine; undefined = not a valid staff token. */
  role?: StaffRole;
  /** Genuine signature and expiry, but no role group. */
  noRole?: boolean;
}

let server: Stack;
let api: ReturnType<typeof apiClient>;
let credentials: Credential[] = [];
const attempts: { id: string; token: string }[] = [];
let cases = 0;
const perRoute = new Map<string, number>();

beforeAll(async () => {
  server = await sharedServer();
  api = apiClient(server.baseUrl);
  const tokens = await staffTokens(api);
  const bearer = (t: string) => ({ authorization: `Bearer ${t}` });
  credentials = [
    { name: 'no token', headers: {} },
    { name: 'expired token', headers: bearer(await mintToken(server, { expiresIn: -3600 })) },
    { name: 'token signed by another key', headers: bearer(await mintToken(server, { key: 'other' })) },
    { name: 'token for another audience', headers: bearer(await mintToken(server, { audience: 'someone-else' })) },
    { name: 'token from another issuer', headers: bearer(await mintToken(server, { issuer: 'https://cognito-idp.example.com/pool' })) },
    { name: 'unsigned token (alg none)', headers: bearer(unsignedToken(server)) },
    { name: 'garbage bearer', headers: { authorization: 'Bearer not.a.jwt' } },
    { name: 'valid token, no role', headers: bearer(await mintToken(server, { groups: [] })), noRole: true },
    { name: 'admin', headers: bearer(tokens.admin), role: 'admin' },
    { name: 'organizer', headers: bearer(tokens.organizer), role: 'organizer' },
    { name: 'observer', headers: bearer(tokens.observer), role: 'observer' },
  ];
  for (const phone of ['0912000001', '0912000002']) {
    const res = await api.post(`/api/contests/${DEMO_CONTEST}/attempts`, { fullName: 'Người Kiểm Thử', phone, unitId: 'hoi-nong-dan', consent: true });
    expect(res.status, res.text).toBe(201);
    attempts.push({ id: res.body.attemptId, token: res.body.attemptToken });
  }
  // The attempt-token credential on staff routes: not a staff token.
  credentials.splice(1, 0, { name: 'attempt token only', headers: { 'x-attempt-token': attempts[0]!.token } });
});

afterAll(async () => {
  const routesSeen = perRoute.size;
  console.log(
    `[authz-matrix] ${cases} route x credential cases on ${routesSeen} routes (${staffRoutes.length} staff, ${publicRoutes.length} public, ${attemptRoutes.length} attempt-token); ${credentials.length} staff credentials`,
  );
});

const FAKE: Record<string, string> = { contestId: 'authz-no-such-contest', questionId: 'authz-no-such-question', unitId: 'authz-no-such-unit' };
function fillPath(route: RouteDef, attemptId?: string): string {
  return route.path.replace(/\{(\w+)\}/g, (_, name: string) => (name === 'attemptId' && attemptId ? attemptId : (FAKE[name] ?? `authz-fake-${name}`)));
}

/**
 * Bodies are `{}` (a staff route checks the token before the body). Attempt routes validate the
 * body before they look at the token, so they get a well-formed one where `{}` is not.
 */
const MINIMAL_BODY: Record<string, unknown> = { 'PUT /api/attempts/{attemptId}/answers': { answers: {} } };

async function send(route: RouteDef, headers: Record<string, string>, attemptId?: string): Promise<ApiResponse> {
  const withBody = route.method !== 'GET' && route.method !== 'DELETE';
  const body = MINIMAL_BODY[`${route.method} ${route.path}`] ?? {};
  const res = await api.call(route.method, fillPath(route, attemptId), withBody ? { headers, body } : { headers });
  cases++;
  perRoute.set(`${route.method} ${route.path}`, (perRoute.get(`${route.method} ${route.path}`) ?? 0) + 1);
  return res;
}

/** Never a 5xx; every 4xx in the contract's envelope. */
function expectSane(res: ApiResponse, what: string) {
  expect(res.status, `${what}: ${res.status} ${res.text.slice(0, 300)}`).toBeLessThan(500);
  if (res.status >= 400) {
    expect(res.body?.error?.code, `${what}: ${res.text.slice(0, 300)}`).toMatch(/^[A-Z_]+$/);
    expect(typeof res.body.error.message, what).toBe('string');
  }
}

function expectCode(res: ApiResponse, status: number, code: string, what: string) {
  expectSane(res, what);
  expect(res.status, `${what}: ${res.text.slice(0, 300)}`).toBe(status);
  expect(res.body.error.code, what).toBe(code);
}

function expectNotRefused(res: ApiResponse, what: string) {
  expectSane(res, what);
  expect([401, 403], `${what} was refused: ${res.status} ${res.text.slice(0, 300)}`).not.toContain(res.status);
}

describe('the matrix covers the route table', () => {
  it('has staff, public and attempt routes, and every staff route names its roles', () => {
    expect(staffRoutes.length).toBeGreaterThan(10);
    expect(publicRoutes.length).toBeGreaterThan(3);
    expect(attemptRoutes.map((r) => `${r.method} ${r.path}`)).toEqual(
      expect.arrayContaining(['GET /api/attempts/{attemptId}', 'PUT /api/attempts/{attemptId}/answers', 'POST /api/attempts/{attemptId}/submit']),
    );
    for (const r of staffRoutes) expect(r.roles!.length, `${r.method} ${r.path}`).toBeGreaterThan(0);
    // Everything under /api/admin is a staff route.
    for (const r of ALL_ROUTES.filter((x) => x.path.startsWith('/api/admin'))) expect(r.roles, `${r.method} ${r.path}`).toBeDefined();
  });

  it('gives observers reads only, and none with personal data or answer keys', () => {
    for (const r of staffRoutes.filter((x) => x.roles!.includes('observer'))) {
      expect(r.method, `${r.method} ${r.path}`).toBe('GET');
      expect(r.path, `${r.method} ${r.path}`).not.toMatch(/results|people|users|audit|questions|export/);
    }
  });
});

describe.each(staffRoutes.map((r) => [`${r.method} ${r.path}`, r] as const))('staff route %s', (_key, route) => {
  it('401 without a valid staff token, 403 for other roles, neither for its roles', async () => {
    for (const cred of credentials) {
      const res = await send(route, cred.headers);
      const what = `${route.method} ${route.path} with ${cred.name}`;
      if (cred.role && route.roles!.includes(cred.role)) expectNotRefused(res, what);
      else if (cred.role || cred.noRole) expectCode(res, 403, 'FORBIDDEN', what);
      else expectCode(res, 401, 'UNAUTHORIZED', what);
    }
  });
});

describe.each(publicRoutes.map((r) => [`${r.method} ${r.path}`, r] as const))('public route %s', (_key, route) => {
  it('ignores staff tokens, good or bad', async () => {
    for (const cred of credentials) expectNotRefused(await send(route, cred.headers), `${route.method} ${route.path} with ${cred.name}`);
  });
});

describe.each(attemptRoutes.map((r) => [`${r.method} ${r.path}`, r] as const))('attempt route %s', (_key, route) => {
  it('opens only with the attempt\'s own token', async () => {
    const [mine, other] = attempts as [{ id: string; token: string }, { id: string; token: string }];
    const what = (who: string) => `${route.method} ${route.path} with ${who}`;
    expectCode(await send(route, {}, mine.id), 401, 'UNAUTHORIZED', what('no attempt token'));
    expectCode(await send(route, { 'x-attempt-token': '' }, mine.id), 401, 'UNAUTHORIZED', what('an empty attempt token'));
    expectCode(await send(route, { 'x-attempt-token': other.token }, mine.id), 403, 'FORBIDDEN', what("another attempt's token"));
    expectCode(await send(route, { 'x-attempt-token': mine.token }, other.id), 403, 'FORBIDDEN', what("another attempt's token (reversed)"));
    expectCode(await send(route, { 'x-attempt-token': `${mine.token}x` }, mine.id), 403, 'FORBIDDEN', what('a tampered token'));
    // A staff bearer token, even an admin's, is not an attempt token.
    const admin = credentials.find((c) => c.role === 'admin')!;
    expectCode(await send(route, admin.headers, mine.id), 401, 'UNAUTHORIZED', what('an admin token and no attempt token'));
    expectCode(await send(route, { ...admin.headers, 'x-attempt-token': other.token }, mine.id), 403, 'FORBIDDEN', what("an admin token and another attempt's token"));
    // An unknown attempt is never a 5xx, whatever the token.
    expectSane(await send(route, { 'x-attempt-token': mine.token }, 'no-such-attempt'), what('an unknown attempt'));
    // The own token opens it, whatever staff token (good or bad) rides along.
    for (const cred of credentials) {
      if (cred.headers['x-attempt-token']) continue;
      expectNotRefused(await send(route, { ...cred.headers, 'x-attempt-token': mine.token }, mine.id), what(`its own token and ${cred.name}`));
    }
  });
});
