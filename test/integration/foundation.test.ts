// Issue 2: the local mode for real (DynamoDB Local + cognito-local + the Lambda handlers), over HTTP.
import { readFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import { dirname, join } from 'node:path';
import { SignJWT, generateKeyPair, importJWK } from 'jose';
import { beforeAll, describe, expect, it } from 'vitest';
import { apiClient } from '../helpers/api.ts';
import { ADMIN, startServer, type Stack } from '../helpers/server.ts';
import { sharedServer } from '../helpers/shared-server.ts';

let server: Stack;
let api: ReturnType<typeof apiClient>;
let adminToken: string;

beforeAll(async () => {
  server = await sharedServer();
  api = apiClient(server.baseUrl);
  adminToken = await api.login(ADMIN.email, ADMIN.password);
});

const expectError = (res: { status: number; body: any }, status: number, code: string) => {
  expect(res.status, JSON.stringify(res.body)).toBe(status);
  expect(res.body.error.code).toBe(code);
  expect(typeof res.body.error.message).toBe('string');
};

describe('local mode', () => {
  it('serves health and the web app shell', async () => {
    expect((await api.get('/api/health')).body).toEqual({ status: 'ok' });
    const page = await fetch(`${server.baseUrl}/contests/anything`);
    expect(page.status).toBe(200);
    expect(page.headers.get('content-type')).toContain('text/html');
    expect(await page.text()).toContain('<div id="app"');
  });

  it('answers unknown API paths with the error envelope', async () => {
    expectError(await api.get('/api/nope'), 404, 'NOT_FOUND');
  });
});

describe('staff accounts and roles', () => {
  const organizer = { email: 'to.chuc.nen@example.com', password: 'ToChuc@2024x', role: 'organizer' };
  const observer = { email: 'mat.tran.nen@example.com', password: 'MatTran@2024x', role: 'observer' };
  let organizerToken: string;
  let observerToken: string;

  beforeAll(async () => {
    for (const u of [organizer, observer]) {
      const res = await api.post('/api/admin/users', u, adminToken);
      expect(res.status, res.text).toBe(201);
      expect(res.body).toMatchObject({ email: u.email, role: u.role });
      expect(res.body.id).toBeTruthy();
    }
    organizerToken = await api.login(organizer.email, organizer.password);
    observerToken = await api.login(observer.email, observer.password);
  });

  it('logs each role in with its role and an expiry', async () => {
    const res = await api.post('/api/auth/login', { email: observer.email, password: observer.password });
    expect(res.status).toBe(200);
    expect(res.body.role).toBe('observer');
    expect(Date.parse(res.body.expiresAt)).toBeGreaterThan(Date.now());
    expect((await api.post('/api/auth/login', { email: ADMIN.email, password: ADMIN.password })).body.role).toBe('admin');
  });

  it('refuses wrong passwords and unknown accounts alike', async () => {
    expectError(await api.post('/api/auth/login', { email: organizer.email, password: 'wrong' }), 401, 'INVALID_CREDENTIALS');
    expectError(await api.post('/api/auth/login', { email: 'nobody@example.com', password: 'x' }), 401, 'INVALID_CREDENTIALS');
  });

  it('refuses a duplicate account and a weak password', async () => {
    expectError(await api.post('/api/admin/users', organizer, adminToken), 400, 'VALIDATION_FAILED');
    const weak = await api.post('/api/admin/users', { email: 'weak@example.com', password: 'short', role: 'organizer' }, adminToken);
    expectError(weak, 400, 'VALIDATION_FAILED');
    expect(weak.body.error.details.map((d: any) => d.field)).toContain('password');
  });

  it.each([
    ['POST', '/api/admin/units', { name: 'X', memberCount: 1 }],
    ['PATCH', '/api/admin/units/hoi-nong-dan', { memberCount: 1 }],
    ['POST', '/api/admin/users', { email: 'x@example.com', password: 'Abcdef@12345', role: 'admin' }],
    ['GET', '/api/admin/users', undefined],
  ])('%s %s: 401 without a token, 403 for organizer and observer', async (method, path, body) => {
    expectError(await api.call(method, path, { body }), 401, 'UNAUTHORIZED');
    expectError(await api.call(method, path, { body, token: organizerToken }), 403, 'FORBIDDEN');
    expectError(await api.call(method, path, { body, token: observerToken }), 403, 'FORBIDDEN');
  });

  it('refuses a token signed by someone else and an expired one', async () => {
    const claims = { sub: 'x', email: 'evil@example.com', 'cognito:groups': ['admin'], token_use: 'id' };
    const { privateKey } = await generateKeyPair('RS256');
    const forged = await new SignJWT(claims)
      .setProtectedHeader({ alg: 'RS256', kid: 'CognitoLocal' })
      .setIssuer(`${server.ready.cognitoEndpoint}/${server.ready.userPoolId}`)
      .setAudience(server.ready.clientId)
      .setIssuedAt()
      .setExpirationTime('1h')
      .sign(privateKey);
    expectError(await api.get('/api/admin/users', forged), 401, 'UNAUTHORIZED');

    // The emulator's own key, so only the expiry is wrong.
    const keyFile = join(dirname(createRequire(import.meta.url).resolve('cognito-local/package.json')), 'lib/keys/cognitoLocal.private.json');
    const realKey = await importJWK(JSON.parse(readFileSync(keyFile, 'utf8')).jwk, 'RS256');
    const expired = await new SignJWT(claims)
      .setProtectedHeader({ alg: 'RS256', kid: 'CognitoLocal' })
      .setIssuer(`${server.ready.cognitoEndpoint}/${server.ready.userPoolId}`)
      .setAudience(server.ready.clientId)
      .setIssuedAt(Math.floor(Date.now() / 1000) - 7200)
      .setExpirationTime(Math.floor(Date.now() / 1000) - 3600)
      .sign(realKey);
    expectError(await api.get('/api/admin/users', expired), 401, 'UNAUTHORIZED');
    const valid = await new SignJWT(claims)
      .setProtectedHeader({ alg: 'RS256', kid: 'CognitoLocal' })
      .setIssuer(`${server.ready.cognitoEndpoint}/${server.ready.userPoolId}`)
      .setAudience(server.ready.clientId)
      .setIssuedAt()
      .setExpirationTime('1h')
      .sign(realKey);
    expect((await api.get('/api/admin/users', valid)).status).toBe(200);
  });

  it('lists staff accounts for admins', async () => {
    const res = await api.get('/api/admin/users', adminToken);
    expect(res.status).toBe(200);
    expect(res.body.items.map((u: any) => u.email)).toEqual(expect.arrayContaining([ADMIN.email, organizer.email, observer.email]));
  });
});

describe('units', () => {
  it('creates, lists and updates a unit', async () => {
    const created = await api.post('/api/admin/units', { name: '  Hội  Nông dân thôn 1 ', memberCount: 120 }, adminToken);
    expect(created.status).toBe(201);
    expect(created.body).toMatchObject({ name: 'Hội Nông dân thôn 1', kind: 'mass_organization', memberCount: 120 });
    const patched = await api.patch(`/api/admin/units/${created.body.id}`, { memberCount: 150, kind: 'agency' }, adminToken);
    expect(patched.status).toBe(200);
    expect(patched.body).toEqual({ ...created.body, memberCount: 150, kind: 'agency' });
    const list = await api.get('/api/units');
    expect(list.body.items).toContainEqual(patched.body);
  });

  it.each([
    ['malformed JSON', '{"name": "X",', 400, 'BAD_JSON'],
    ['empty body', '', 400, 'BAD_JSON'],
    ['wrong types', JSON.stringify({ name: 12, memberCount: '10' }), 400, 'VALIDATION_FAILED'],
    ['negative member count', JSON.stringify({ name: 'X', memberCount: -1 }), 400, 'VALIDATION_FAILED'],
    ['fractional member count', JSON.stringify({ name: 'X', memberCount: 1.5 }), 400, 'VALIDATION_FAILED'],
    ['unknown field', JSON.stringify({ name: 'X', memberCount: 1, id: 'mine' }), 400, 'VALIDATION_FAILED'],
    ['an array', '[]', 400, 'VALIDATION_FAILED'],
    ['2 MB body', JSON.stringify({ name: 'x'.repeat(2 * 1024 * 1024), memberCount: 1 }), 413, 'PAYLOAD_TOO_LARGE'],
  ])('POST /api/admin/units with %s: %s %s', async (_name, raw, status, code) => {
    const before = (await api.get('/api/units')).body.items.length;
    const res = await api.call('POST', '/api/admin/units', { raw, token: adminToken, headers: { 'content-type': 'application/json' } });
    expectError(res, status, code);
    expect((await api.get('/api/units')).body.items.length).toBe(before);
  });

  it('names the unknown fields in details', async () => {
    const res = await api.post('/api/admin/units', { name: 'X', memberCount: 1, owner: 'me' }, adminToken);
    expect(res.body.error.details).toEqual([{ field: 'owner', message: 'Unknown field' }]);
  });

  it('404s an unknown unit and refuses an empty patch', async () => {
    expectError(await api.patch('/api/admin/units/no-such-unit', { memberCount: 3 }, adminToken), 404, 'NOT_FOUND');
    expectError(await api.patch('/api/admin/units/no-such-unit', {}, adminToken), 400, 'VALIDATION_FAILED');
  });
});

describe('durability', () => {
  it('keeps acknowledged units and users across kill -9 of the whole process group', async () => {
    const s = await startServer({ seedDemo: false });
    try {
      const c = apiClient(s.baseUrl);
      const token = await c.login(ADMIN.email, ADMIN.password);
      const unit = await c.post('/api/admin/units', { name: 'Hội Người cao tuổi', memberCount: 77 }, token);
      expect(unit.status).toBe(201);
      const user = { email: 'ben.vung@example.com', password: 'BenVung@2024x', role: 'organizer' };
      expect((await c.post('/api/admin/users', user, token)).status).toBe(201);
      await s.kill9();

      const again = await startServer({ seedDemo: false, dataDir: s.dataDir });
      try {
        const c2 = apiClient(again.baseUrl);
        expect((await c2.get('/api/units')).body.items).toContainEqual(unit.body);
        expect(await c2.login(user.email, user.password)).toBeTruthy();
      } finally {
        await again.stop();
      }
    } finally {
      await s.stop();
    }
  });
});
