// Issue 3: the API describes itself. GET /api/openapi.json is linted with Redocly CLI (recommended
// rules), and real responses of the local mode are checked against it: each body is validated
// by the zod schema of its route, and the document's schema for that route, status and media type
// is shown to be exactly what zod generates from that same schema.
import { spawnSync } from 'node:child_process';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { z, type ZodType } from 'zod';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { ErrorEnvelope } from '../../functions/adapters/http/contract.ts';
import { buildOpenApi } from '../../functions/adapters/http/openapi.ts';
import { routeByKey, routes, type RouteDef, type RouteKey } from '../../functions/adapters/http/routes.ts';
import { apiClient, type ApiResponse } from '../helpers/api.ts';
import { AnswerKey, attemptApi, expectStatus, startAttempt, waitJob } from '../helpers/contest.ts';
import { ADMIN, type Stack } from '../helpers/server.ts';
import { sharedServer } from '../helpers/shared-server.ts';

const root = resolve(import.meta.dirname, '..', '..');
let server: Stack;
let api: ReturnType<typeof apiClient>;
let token: string;
let doc: any;
const tmp = mkdtempSync(join(tmpdir(), 'openapi-'));

beforeAll(async () => {
  server = await sharedServer();
  api = apiClient(server.baseUrl);
  token = await api.login(ADMIN.email, ADMIN.password);
  const res = await api.get('/api/openapi.json');
  expectStatus(res, 200);
  doc = res.body;
});
afterAll(async () => {
  rmSync(tmp, { recursive: true, force: true });
});

/** Replaces every local `$ref` by what it points at, in the document it belongs to. */
function deref(node: unknown, within: any, depth = 0): unknown {
  if (depth > 50) throw new Error('reference cycle');
  if (Array.isArray(node)) return node.map((n) => deref(n, within, depth));
  if (!node || typeof node !== 'object') return node;
  const { $ref, $defs: _defs, ...rest } = node as Record<string, unknown>;
  if (typeof $ref === 'string') {
    expect($ref.startsWith('#/'), `only local references: ${$ref}`).toBe(true);
    const target = $ref
      .slice(2)
      .split('/')
      .map((p) => p.replace(/~1/g, '/').replace(/~0/g, '~'))
      .reduce((at: any, key) => at?.[key], within);
    expect(target, `${$ref} resolves`).toBeDefined();
    return deref({ ...target, ...rest }, within, depth + 1);
  }
  return Object.fromEntries(Object.entries(rest).map(([k, v]) => [k, deref(v, within, depth)]));
}

/** What zod generates for a schema, with its own `$defs` resolved: the generator's options, not the document's layout. */
function zodJson(schema: ZodType) {
  const js = z.toJSONSchema(schema, { target: 'draft-2020-12', io: 'output', unrepresentable: 'any', reused: 'inline' }) as Record<string, unknown>;
  const { $schema: _s, ...rest } = js;
  return deref(rest, js);
}

const documented = (path: string, method: string, status: number) =>
  doc.paths?.[path]?.[method.toLowerCase()]?.responses?.[String(status)]?.content?.['application/json']?.schema;

const checked = new Set<string>();

/**
 * The response of a real call against the document: the zod schema of the route (or the error
 * envelope) accepts the body and would strip nothing from it (the document says
 * additionalProperties: false), and the document's schema is the one zod generates from it.
 */
function conforms(routeKey: RouteKey, res: ApiResponse) {
  const op = routeByKey.get(routeKey)!;
  const [method, path] = routeKey.split(' ') as [string, string];
  const schema = res.status === op.status ? op.response : ErrorEnvelope;
  expect(schema, `${routeKey} ${res.status} has a schema`).toBeDefined();
  const parsed = schema!.safeParse(res.body);
  expect(parsed.success, `${routeKey} ${res.status}: ${JSON.stringify(parsed.error?.issues)}\n${res.text.slice(0, 500)}`).toBe(true);
  expect(parsed.data, `${routeKey} ${res.status} has no undocumented fields`).toEqual(res.body);
  const inDoc = documented(path, method, res.status);
  expect(inDoc, `${routeKey} documents ${res.status}`).toBeDefined();
  expect(deref(inDoc, doc), `${routeKey} ${res.status}: document == zod`).toEqual(zodJson(schema!));
  expect(res.headers.get('content-type')).toContain('application/json');
  checked.add(`${routeKey} ${res.status}`);
}

describe('the OpenAPI document', () => {
  it('is the one generated from the route table and the schemas', () => {
    expect(doc.openapi).toBe('3.1.0');
    expect(doc).toEqual(JSON.parse(JSON.stringify(buildOpenApi())));
    for (const r of routes) {
      const op = doc.paths[r.path]?.[r.method.toLowerCase()];
      expect(op, `${r.method} ${r.path}`).toBeDefined();
      const declared: RouteDef = r;
      expect(Object.keys(op.responses)).toContain(String(declared.status));
      if (declared.response) expect(deref(documented(r.path, r.method, declared.status), doc)).toEqual(zodJson(declared.response));
    }
  });

  it('passes Redocly CLI lint with the recommended rules', () => {
    const file = join(tmp, 'openapi.json');
    writeFileSync(file, JSON.stringify(doc, null, 2));
    const out = spawnSync(process.execPath, [join(root, 'node_modules/@redocly/cli/bin/cli.js'), 'lint', '--extends=recommended', '--format=json', '--max-problems=1000', file], {
      cwd: root,
      encoding: 'utf8',
      env: { ...process.env, REDOCLY_TELEMETRY: 'off', REDOCLY_SUPPRESS_UPDATE_NOTICE: 'true', NO_COLOR: '1' },
      timeout: 60_000,
    });
    const report = JSON.parse(out.stdout.slice(out.stdout.indexOf('{'))) as {
      totals: { errors: number; warnings: number };
      problems: { ruleId: string; severity: string; message: string; location: { pointer: string }[] }[];
    };
    const line = (p: (typeof report.problems)[number]) => `${p.severity} ${p.ruleId}: ${p.message} at ${p.location[0]?.pointer}`;
    const warnings = report.problems.filter((p) => p.severity !== 'error');
    if (warnings.length) console.warn(`Redocly warnings:\n${warnings.map(line).join('\n')}`);
    expect(report.problems.filter((p) => p.severity === 'error').map(line)).toEqual([]);
    expect(report.totals.errors).toBe(0);
    expect(out.status).toBe(0);
  });
});

describe('real responses against the document', () => {
  const contestId = 'cchc-2024';

  it('public reads', async () => {
    conforms('GET /api/health', await api.get('/api/health'));
    conforms('GET /api/units', await api.get('/api/units'));
    conforms('GET /api/contests', await api.get('/api/contests'));
    conforms('GET /api/contests/{contestId}', await api.get(`/api/contests/${contestId}`));
    conforms('GET /api/contests/{contestId}', await api.get('/api/contests/khong-co'));
    conforms('GET /api/contests/{contestId}/leaderboard', await api.get(`/api/contests/${contestId}/leaderboard?limit=5`));
    conforms('GET /api/contests/{contestId}/leaderboard', await api.get(`/api/contests/${contestId}/leaderboard?limit=0`));
    conforms('GET /api/contests/{contestId}/units', await api.get(`/api/contests/${contestId}/units`));
  });

  it('an attempt from start to submit, and its errors', async () => {
    const key = await AnswerKey.load(api, contestId, token);
    const person = { fullName: 'Đinh Thị Mai', phone: '0912 000 111', unitId: 'hoi-phu-nu', village: 'Thôn Long Tro', birthYear: 1990 };
    const start = await startAttempt(api, contestId, person);
    conforms('POST /api/contests/{contestId}/attempts', start);
    const a = start.body;
    const call = attemptApi(api, a.attemptId, a.attemptToken);
    const [q1] = a.questions;
    conforms('PUT /api/attempts/{attemptId}/answers', await call.save({ [q1.id]: key.choose(q1, true) }));
    conforms('GET /api/attempts/{attemptId}', await call.get());
    const submit = await call.submit({ answers: key.answers(a.questions, 5), prediction: 120 });
    conforms('POST /api/attempts/{attemptId}/submit', submit);
    // The demo shows answers after each submit: the review is part of the checked body.
    expect(submit.body.review).toHaveLength(a.questions.length);
    conforms('GET /api/attempts/{attemptId}', await call.get());
    conforms('POST /api/attempts/{attemptId}/submit', await call.submit());

    conforms('GET /api/attempts/{attemptId}', await attemptApi(api, a.attemptId, undefined).get());
    conforms('GET /api/attempts/{attemptId}', await attemptApi(api, a.attemptId, 'wrong-token').get());
    conforms('GET /api/attempts/{attemptId}', await attemptApi(api, 'khongco', a.attemptToken).get());
    conforms('PUT /api/attempts/{attemptId}/answers', await call.save({ [q1.id]: ['a'] }));
    conforms('POST /api/contests/{contestId}/attempts', await startAttempt(api, contestId, { ...person, phone: '123', consent: false } as any));
    conforms(
      'POST /api/contests/{contestId}/attempts',
      await api.call('POST', `/api/contests/${contestId}/attempts`, { raw: '{"fullName":', headers: { 'content-type': 'application/json' } }),
    );
    for (let i = 0; i < 2; i++) await startAttempt(api, contestId, person);
    const exhausted = await startAttempt(api, contestId, person);
    expect(exhausted.body.error.code).toBe('ATTEMPTS_EXHAUSTED');
    conforms('POST /api/contests/{contestId}/attempts', exhausted);
  });

  it('staff reads and writes', async () => {
    conforms('POST /api/auth/login', await api.post('/api/auth/login', ADMIN));
    conforms('POST /api/auth/login', await api.post('/api/auth/login', { ...ADMIN, password: 'sai mật khẩu' }));
    conforms('GET /api/admin/users', await api.get('/api/admin/users', token));
    conforms('POST /api/admin/users', await api.post('/api/admin/users', { email: 'quan.sat@example.com', password: 'QuanSat@2024x', role: 'observer' }, token));
    const observer = await api.login('quan.sat@example.com', 'QuanSat@2024x');
    conforms('GET /api/admin/contests', await api.get('/api/admin/contests', observer));
    const unit = await api.post('/api/admin/units', { name: 'Hội Người cao tuổi xã', memberCount: 60 }, token);
    conforms('POST /api/admin/units', unit);
    conforms('PATCH /api/admin/units/{unitId}', await api.patch(`/api/admin/units/${unit.body.id}`, { memberCount: 65 }, token));

    conforms('GET /api/admin/contests', await api.get('/api/admin/contests', token));
    conforms('GET /api/admin/contests/{contestId}', await api.get(`/api/admin/contests/${contestId}`, token));
    conforms('GET /api/admin/contests/{contestId}/questions', await api.get(`/api/admin/contests/${contestId}/questions`, token));
    conforms('GET /api/admin/contests/{contestId}/stats', await api.get(`/api/admin/contests/${contestId}/stats`, token));
    conforms('GET /api/admin/contests/{contestId}/stats', await api.get(`/api/admin/contests/${contestId}/stats`, observer));
    conforms('GET /api/admin/contests/{contestId}/results', await api.get(`/api/admin/contests/${contestId}/results?format=json`, token));
    conforms('GET /api/admin/contests/{contestId}/results', await api.get(`/api/admin/contests/${contestId}/results`, observer));

    const now = Date.now();
    const created = await api.post(
      '/api/admin/contests',
      {
        title: 'Cuộc thi kiểm tra tài liệu API',
        startsAt: new Date(now - 60_000).toISOString(),
        endsAt: new Date(now + 3600_000).toISOString(),
        questionsPerAttempt: 2,
        timeLimitSec: 300,
        maxAttempts: 1,
        unitIds: [unit.body.id],
      },
      token,
    );
    conforms('POST /api/admin/contests', created);
    const id = created.body.id;
    conforms('POST /api/admin/contests', await api.post('/api/admin/contests', { title: 'X', startsAt: 'hôm qua' }, token));
    conforms('PATCH /api/admin/contests/{contestId}', await api.patch(`/api/admin/contests/${id}`, { rules: 'Thể lệ', prediction: { prompt: 'Bao nhiêu người?' } }, token));
    conforms('POST /api/admin/contests/{contestId}/publish', await api.post(`/api/admin/contests/${id}/publish`, undefined, token));
    const q = await api.post(`/api/admin/contests/${id}/questions`, { text: 'Một cộng một bằng mấy?', options: ['Hai', 'Ba'], correct: [0], explanation: 'Hai' }, token);
    conforms('POST /api/admin/contests/{contestId}/questions', q);
    conforms(
      'PUT /api/admin/contests/{contestId}/questions/{questionId}',
      await api.put(`/api/admin/contests/${id}/questions/${q.body.id}`, { text: 'Một cộng một bằng mấy?', options: ['Hai', 'Ba', 'Bốn'], correct: [0], topic: 'Số học' }, token),
    );
    conforms('PUT /api/admin/contests/{contestId}/questions/{questionId}', await api.put(`/api/admin/contests/${id}/questions/khongco`, { text: 'Câu?', options: ['Có', 'Không'], correct: [0] }, token));
    const importCall = (raw: string, query = '') =>
      api.call('POST', `/api/admin/contests/${id}/questions/import${query}`, { token, raw, headers: { 'content-type': 'text/csv' } });
    const csv = 'Câu hỏi,Đáp án A,Đáp án B,Đáp án đúng\nHai cộng hai?,Bốn,Năm,A\nBa cộng ba?,Sáu,Bảy,A';
    conforms('POST /api/admin/contests/{contestId}/questions/import', await importCall(csv, '?dryRun=true'));
    conforms('POST /api/admin/contests/{contestId}/questions/import', await importCall(csv));
    conforms('POST /api/admin/contests/{contestId}/questions/import', await importCall('Câu hỏi,Đáp án A,Đáp án B,Đáp án đúng\nHai cộng hai?,Bốn,Năm,G'));
    const del = await api.del(`/api/admin/contests/${id}/questions/${q.body.id}`, token);
    expect(del.status).toBe(204);
    expect(del.text).toBe('');
    expect(doc.paths['/api/admin/contests/{contestId}/questions/{questionId}'].delete.responses['204'].content).toBeUndefined();
    conforms('GET /api/admin/contests/{contestId}/questions', await api.get(`/api/admin/contests/${id}/questions`, token));
    conforms('POST /api/admin/contests/{contestId}/publish', await api.post(`/api/admin/contests/${id}/publish`, undefined, token));
    conforms('POST /api/admin/contests/{contestId}/publish', await api.post(`/api/admin/contests/${id}/publish`, undefined, token));
    conforms('POST /api/admin/contests/{contestId}/questions', await api.post(`/api/admin/contests/${id}/questions`, { text: 'Muộn?', options: ['Có', 'Không'], correct: [0] }, token));

    const key = await AnswerKey.load(api, id, token);
    const started = await startAttempt(api, id, { fullName: 'Hà Văn Tư', phone: '0399888777', unitId: unit.body.id });
    await attemptApi(api, started.body.attemptId, started.body.attemptToken).submit({ answers: key.answers(started.body.questions, 1), prediction: 1 });
    const closing = await api.post(`/api/admin/contests/${id}/close`, undefined, token);
    conforms('POST /api/admin/contests/{contestId}/close', closing);
    conforms('GET /api/admin/jobs/{jobId}', await api.get(`/api/admin/jobs/${closing.body.job.id}`, token));
    await waitJob(api, closing.body.job.id, token);
    const exporting = await api.post(`/api/admin/contests/${id}/exports`, { format: 'csv' }, token);
    conforms('POST /api/admin/contests/{contestId}/exports', exporting);
    conforms('POST /api/admin/contests/{contestId}/exports', await api.post(`/api/admin/contests/${id}/exports`, { format: 'pdf' }, token));
    conforms('GET /api/admin/jobs/{jobId}', await api.get(`/api/admin/jobs/${(await waitJob(api, exporting.body.job.id, token)).id}`, token));
    conforms('GET /api/admin/jobs/{jobId}', await api.get(`/api/admin/jobs/khongco`, token));
    conforms('GET /api/contests/{contestId}/leaderboard', await api.get(`/api/contests/${id}/leaderboard`));
    conforms('GET /api/admin/contests/{contestId}/results', await api.get(`/api/admin/contests/${id}/results`, token));
    conforms('GET /api/attempts/{attemptId}', await attemptApi(api, started.body.attemptId, started.body.attemptToken).get());
    conforms('POST /api/contests/{contestId}/attempts', await startAttempt(api, id, { fullName: 'Hà Văn Năm', phone: '0399888666', unitId: unit.body.id }));
    conforms('PUT /api/admin/contests/{contestId}/questions/{questionId}', await api.put(`/api/admin/contests/${id}/questions/${q.body.id}`, { text: 'Muộn?', options: ['Có', 'Không'], correct: [0] }, token));

    conforms('GET /api/admin/audit', await api.get('/api/admin/audit', observer));
    const template = await api.get('/api/admin/question-template?format=csv', token);
    expect(template.status).toBe(200);
    expect(template.headers.get('content-type')).toContain('text/csv');
  });

  it('the question library, and a contest drawing from it', async () => {
    const topic = `Tài liệu API ${Date.now().toString(36)}`;
    const body = { text: 'Bộ phận một cửa\nđặt ở đâu?', options: ['Trụ sở UBND xã', 'Nhà văn hoá thôn'], correct: [0], topic };
    const added = await api.post('/api/admin/library', body, token);
    conforms('POST /api/admin/library', added);
    conforms('POST /api/admin/library', await api.post('/api/admin/library', { ...body, topic: undefined }, token));
    const csv = `Câu hỏi,Đáp án A,Đáp án B,Đáp án đúng,Chủ đề\nHai cộng hai?,Bốn,Năm,A,${topic}`;
    const importCall = (raw: string) => api.call('POST', '/api/admin/library/import', { token, raw, headers: { 'content-type': 'text/csv' } });
    conforms('POST /api/admin/library/import', await importCall(csv));
    conforms('POST /api/admin/library/import', await importCall('Câu hỏi,Đáp án A,Đáp án B,Đáp án đúng\nHai cộng hai?,Bốn,Năm,A'));
    conforms('GET /api/admin/library', await api.get(`/api/admin/library?topic=${encodeURIComponent(topic)}&q=mot%20cua&limit=1`, token));
    conforms('GET /api/admin/library', await api.get('/api/admin/library?limit=0', token));
    conforms('GET /api/admin/library/topics', await api.get('/api/admin/library/topics', token));
    conforms('PUT /api/admin/library/{questionId}', await api.put(`/api/admin/library/${added.body.id}`, { ...body, text: 'Bộ phận một cửa ở đâu?' }, token));
    conforms('PUT /api/admin/library/{questionId}', await api.put('/api/admin/library/khongco', body, token));
    const unit = (await api.get('/api/units')).body.items[0].id;
    const draft = await api.post(
      '/api/admin/contests',
      {
        title: 'Rút từ ngân hàng chung',
        startsAt: new Date(Date.now() - 60_000).toISOString(),
        endsAt: new Date(Date.now() + 3600_000).toISOString(),
        questionsPerAttempt: 3,
        timeLimitSec: 300,
        maxAttempts: 1,
        unitIds: [unit],
        draw: [{ topic, count: 3 }],
      },
      token,
    );
    conforms('POST /api/admin/contests', draft);
    conforms('POST /api/admin/contests/{contestId}/publish', await api.post(`/api/admin/contests/${draft.body.id}/publish`, undefined, token));
    conforms('PATCH /api/admin/contests/{contestId}', await api.patch(`/api/admin/contests/${draft.body.id}`, { draw: [{ topic, count: 2 }] }, token));
    const del = await api.del(`/api/admin/library/${added.body.id}`, token);
    expect(del.status).toBe(204);
  });

  it('rounds: per-round reads and a round closed early', async () => {
    const now = Date.now();
    const iso = (ms: number) => new Date(ms).toISOString();
    const unitId = (await api.get('/api/units')).body.items[0].id as string;
    const created = await api.post(
      '/api/admin/contests',
      {
        title: 'Cuộc thi theo đợt (tài liệu API)',
        startsAt: iso(now - 60_000),
        endsAt: iso(now + 3600_000),
        questionsPerAttempt: 1,
        timeLimitSec: 60,
        maxAttempts: 1,
        unitIds: [unitId],
        rounds: [
          { name: 'Đợt 1', startsAt: iso(now - 60_000), endsAt: iso(now + 600_000) },
          { name: 'Đợt 2', startsAt: iso(now + 600_000), endsAt: iso(now + 1200_000) },
        ],
      },
      token,
    );
    conforms('POST /api/admin/contests', created);
    const id = created.body.id;
    await api.post(`/api/admin/contests/${id}/questions`, { text: 'Một cộng một bằng mấy?', options: ['Hai', 'Ba'], correct: [0] }, token);
    conforms('POST /api/admin/contests/{contestId}/publish', await api.post(`/api/admin/contests/${id}/publish`, undefined, token));
    conforms('GET /api/contests/{contestId}', await api.get(`/api/contests/${id}`));
    conforms('GET /api/contests/{contestId}/leaderboard', await api.get(`/api/contests/${id}/leaderboard?round=r1`));
    conforms('GET /api/contests/{contestId}/units', await api.get(`/api/contests/${id}/units?round=r1`));
    conforms('GET /api/contests/{contestId}/units', await api.get(`/api/contests/${id}/units?round=r5`));
    conforms('GET /api/admin/contests/{contestId}/stats', await api.get(`/api/admin/contests/${id}/stats?round=r1`, token));
    conforms('POST /api/admin/contests/{contestId}/rounds/{roundId}/close', await api.post(`/api/admin/contests/${id}/rounds/r1/close`, undefined, token));
    conforms('POST /api/admin/contests/{contestId}/rounds/{roundId}/close', await api.post(`/api/admin/contests/${id}/rounds/r2/close`, undefined, token));
    conforms('GET /api/admin/contests/{contestId}/results', await api.get(`/api/admin/contests/${id}/results?round=r1`, token));
  });

  it('personal data: the audit log, a person\'s export and erasure', async () => {
    conforms('GET /api/admin/people/{phone}', await api.get(`/api/admin/people/${encodeURIComponent('0912 000 111')}`, token));
    conforms('GET /api/admin/people/{phone}', await api.get('/api/admin/people/0912000999', token));
    conforms('DELETE /api/admin/people/{phone}', await api.del('/api/admin/people/0399888777', token));
    conforms('DELETE /api/admin/people/{phone}', await api.del('/api/admin/people/123', token));
    conforms('GET /api/admin/audit', await api.get('/api/admin/audit?limit=3', token));
  });

  it('checked every route with a JSON response, and every error status the calls can produce', () => {
    const withJson = (routes as readonly RouteDef[]).filter((r) => r.response && r.path !== '/api/openapi.json');
    const successes = withJson.map((r) => `${r.method} ${r.path} ${r.status}`);
    expect(successes.filter((s) => !checked.has(s))).toEqual([]);
    const errorStatuses = new Set([...checked].map((c) => Number(c.split(' ').pop())).filter((s) => s >= 400));
    expect([...errorStatuses].sort()).toEqual([400, 401, 403, 404, 409, 422]);
  });
});
