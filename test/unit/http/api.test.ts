// The shared middy stack on hand-made API Gateway events: the refusals that belong to HTTP (no
// credentials, a body that is not JSON or too large) happen here, before any use case runs.
import type { APIGatewayProxyEventV2, Context } from 'aws-lambda';
import { describe, expect, it, vi } from 'vitest';
import { httpApi, json, JSON_BODY_LIMIT } from '../../../functions/adapters/http/api.ts';
import { BadJson, HttpRefusal, PayloadTooLarge, toErrorResponse, Unauthorized } from '../../../functions/adapters/http/errors.ts';
import { DomainError, NotFound } from '../../../functions/domain/errors.ts';
import { API_VERSION } from '../../../functions/adapters/http/api-version.ts';

const context = { functionName: 'test', awsRequestId: 'req-1' } as Context;

function event(routeKey: string, rawPath: string, options: { headers?: Record<string, string>; body?: string; staffGroups?: string; params?: Record<string, string> } = {}) {
  return {
    version: '2.0',
    routeKey,
    rawPath,
    rawQueryString: '',
    headers: options.headers ?? {},
    pathParameters: options.params,
    body: options.body,
    isBase64Encoded: false,
    requestContext: {
      http: { method: routeKey.split(' ')[0], path: rawPath },
      ...(options.staffGroups ? { authorizer: { jwt: { claims: { sub: 'u1', email: 'a@example.com', 'cognito:groups': options.staffGroups }, scopes: null } } } : {}),
    },
  } as unknown as APIGatewayProxyEventV2;
}

const bodyOf = (res: unknown) => JSON.parse((res as { body: string }).body);

describe('the HTTP stack', () => {
  const resume = vi.fn(async ({ attemptToken }: { attemptToken: string }) => json(200, { token: attemptToken }));
  const audit = vi.fn(async ({ staff }: { staff: { userId: string } }) => json(200, { items: [], by: staff.userId }));
  const save = vi.fn(async () => json(200, { savedAt: 'now' }));
  const handler = httpApi({
    'GET /api/attempts/{attemptId}': resume as never,
    'GET /api/admin/audit': audit as never,
    'PUT /api/attempts/{attemptId}/answers': save as never,
  });
  const attemptEvent = (headers: Record<string, string>) =>
    event('GET /api/attempts/{attemptId}', '/api/attempts/a1', { headers, params: { attemptId: 'a1' } });

  it.each([
    ['no attempt token', {}],
    ['an empty attempt token', { 'x-attempt-token': '' }],
    ['a staff token only', { authorization: 'Bearer x' }],
  ])('answers 401 UNAUTHORIZED to an attempt route with %s, and never calls the use case', async (_label, headers) => {
    resume.mockClear();
    const res = await handler(attemptEvent(headers), context);
    expect(res.statusCode).toBe(401);
    expect(bodyOf(res).error.code).toBe('UNAUTHORIZED');
    expect(resume).not.toHaveBeenCalled();
  });

  it('refuses an app built for an older API contract with 426 APP_OUTDATED, before anything else; serves the current, a newer or no version', async () => {
    resume.mockClear();
    const old = await handler(attemptEvent({ 'X-Attempt-Token': 'tok', 'X-Api-Version': String(API_VERSION - 1) }), context);
    expect(old.statusCode).toBe(426);
    expect(bodyOf(old).error).toMatchObject({ code: 'APP_OUTDATED', details: { clientVersion: String(API_VERSION - 1), apiVersion: API_VERSION } });
    // Even without the attempt token the route would ask for: the version comes first.
    expect((await handler(attemptEvent({ 'X-Api-Version': 'abc' }), context)).statusCode).toBe(426);
    expect(resume).not.toHaveBeenCalled();
    for (const headers of [{ 'X-Api-Version': String(API_VERSION) }, { 'X-Api-Version': String(API_VERSION + 1) }, {}] as Record<string, string>[]) {
      const res = await handler(attemptEvent({ 'X-Attempt-Token': 'tok', ...headers }), context);
      expect(res.statusCode, JSON.stringify(headers)).toBe(200);
    }
  });

  it('hands the attempt token to the handler', async () => {
    const res = await handler(attemptEvent({ 'X-Attempt-Token': 'tok' }), context);
    expect(res.statusCode).toBe(200);
    expect(bodyOf(res)).toEqual({ token: 'tok' });
  });

  it('validates the body before it looks for the attempt token', async () => {
    const res = await handler(event('PUT /api/attempts/{attemptId}/answers', '/api/attempts/a1/answers', { params: { attemptId: 'a1' }, body: '{"nope":1}' }), context);
    expect(res.statusCode).toBe(400);
    expect(bodyOf(res).error.code).toBe('VALIDATION_FAILED');
  });

  it('answers 401 to a staff route without staff claims, 403 to a role not listed, and hands the staff member over otherwise', async () => {
    audit.mockClear();
    const none = await handler(event('GET /api/admin/audit', '/api/admin/audit'), context);
    expect([none.statusCode, bodyOf(none).error.code]).toEqual([401, 'UNAUTHORIZED']);
    const observer = await handler(event('GET /api/admin/audit', '/api/admin/audit', { staffGroups: '[observer]' }), context);
    expect([observer.statusCode, bodyOf(observer).error.code]).toEqual([403, 'FORBIDDEN']);
    expect(audit).not.toHaveBeenCalled();
    const admin = await handler(event('GET /api/admin/audit', '/api/admin/audit', { staffGroups: '[admin]' }), context);
    expect(admin.statusCode).toBe(200);
    expect(bodyOf(admin).by).toBe('u1');
  });

  it('answers 400 BAD_JSON to a body that is not JSON, 413 to one over the limit', async () => {
    const put = (body: string) =>
      handler(event('PUT /api/attempts/{attemptId}/answers', '/api/attempts/a1/answers', { params: { attemptId: 'a1' }, headers: { 'x-attempt-token': 't' }, body }), context);
    const bad = await put('{"answers":');
    expect([bad.statusCode, bodyOf(bad).error.code]).toEqual([400, 'BAD_JSON']);
    const big = await put(JSON.stringify({ answers: { q: ['a'.repeat(JSON_BODY_LIMIT)] } }));
    expect([big.statusCode, bodyOf(big).error.code]).toEqual([413, 'PAYLOAD_TOO_LARGE']);
    expect(save).not.toHaveBeenCalled();
  });
});

describe('HTTP refusals', () => {
  it.each([
    [new BadJson(), 'BAD_JSON', 400],
    [new Unauthorized(), 'UNAUTHORIZED', 401],
    [new PayloadTooLarge(1024), 'PAYLOAD_TOO_LARGE', 413],
  ])('%s has code %s, maps to %i, and is no domain error', (error, code, status) => {
    expect(error.code).toBe(code);
    expect(error).toBeInstanceOf(HttpRefusal);
    expect(error).not.toBeInstanceOf(DomainError);
    expect(error.name).toBe(error.constructor.name);
    const res = toErrorResponse(error);
    expect(res.statusCode).toBe(status);
    expect(JSON.parse(res.body).error.code).toBe(code);
  });

  it('carries its details, and the table still maps domain errors', () => {
    expect(new PayloadTooLarge(1024).details).toEqual({ limitBytes: 1024 });
    expect(toErrorResponse(new NotFound('Contest', 'c1')).statusCode).toBe(404);
    expect(toErrorResponse(new Error('boom'))).toMatchObject({ statusCode: 500, expose: false });
  });
});
