// Issue 7, bad input: property-based fuzzing (fast-check) of every route in `routes` against the
// real local mode, with an admin token (so requests get past the authorizer into validation) and,
// on attempt routes, a real attempt token. Bodies are random, truncated, oversized, wrongly typed,
// deeply nested, arrays instead of objects, invalid JSON, empty, full of odd Unicode and huge
// numbers; path parameters and query strings are random too, and so is the Content-Type.
// Properties: never a 5xx; every 4xx is the contract's envelope with one of its codes and the
// status that code maps to; the data is unchanged afterwards (the demo contest, units, users and
// contests are compared before and after; a fuzzed request that got a 2xx on a write is counted
// and what it created is left out of the comparison).
import { isDeepStrictEqual } from 'node:util';
import fc from 'fast-check';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { z } from 'zod';
import { CONTEST_CACHE_MS } from '../../functions/app/attempts.ts';
import { routes, type RouteDef } from '../../functions/adapters/http/routes.ts';

/** A route's schemas are part of its declaration. */
type Operation = RouteDef;
import { apiClient, type ApiResponse } from '../helpers/api.ts';
import { createOpenContest, eventually, expectStatus, startAttempt } from '../helpers/contest.ts';
import type { Stack } from '../helpers/server.ts';
import { sharedServer } from '../helpers/shared-server.ts';
import { staffTokens } from '../helpers/tokens.ts';

const DEMO = 'cchc-2024';
const XLSX = 'application/vnd.openxmlformats-officedocument.spreadsheetml.sheet';
/** Runs per route (FUZZ_RUNS overrides); the whole file stays under two minutes on a loaded 2-core machine. */
const RUNS = Number(process.env.FUZZ_RUNS ?? 35);
/** Wall-clock budget for all fuzzing properties together, shared out over the routes. */
const BUDGET_MS = Number(process.env.FUZZ_BUDGET_MS ?? 70_000);
const SEED = process.env.FUZZ_SEED ? Number(process.env.FUZZ_SEED) : undefined;

const CONTRACT_CODES: Record<string, number> = {
  VALIDATION_FAILED: 400,
  BAD_JSON: 400,
  UNAUTHORIZED: 401,
  INVALID_CREDENTIALS: 401,
  FORBIDDEN: 403,
  NOT_FOUND: 404,
  CONTEST_NOT_OPEN: 409,
  ATTEMPTS_EXHAUSTED: 409,
  ATTEMPT_CLOSED: 409,
  INVALID_STATE: 409,
  PAYLOAD_TOO_LARGE: 413,
  IMPORT_INVALID: 422,
  NOT_ENOUGH_QUESTIONS: 422,
  RATE_LIMITED: 429,
};

// Writes that end on a "close" or a delete go last, so the other routes see the scratch data open.
const rank = (r: RouteDef) => (r.path.endsWith('/close') ? 2 : r.method === 'DELETE' ? 1 : 0);
const ALL_ROUTES = [...(routes as readonly RouteDef[])].sort((a, b) => rank(a) - rank(b));
const keyOf = (r: RouteDef) => `${r.method} ${r.path}`;

let server: Stack;
let api: ReturnType<typeof apiClient>;
let adminToken: string;
const scratch = { unitId: '', draftId: '', questionId: '', openId: '', attemptId: '', attemptToken: '' };
let before: Snapshot;

const stats = { cases: 0, byStatus: new Map<number, number>(), byCode: new Map<string, number>(), writes2xx: [] as string[] };
/** Ids and emails of whatever a fuzzed 2xx write created: left out of the before/after comparison. */
const created = new Set<string>();

// --- generators -------------------------------------------------------------------------------

/** A JSON token written as-is into the body text (numbers JSON can hold but JS cannot). */
class Raw {
  constructor(readonly text: string) {}
  [fc.toStringMethod]() {
    return `Raw(${this.text.length > 20 ? `${this.text.slice(0, 12)}...(${this.text.length})` : this.text})`;
  }
}

/** A long string, shown short in counterexamples. */
class Big {
  constructor(
    readonly unit: string,
    readonly n: number,
  ) {}
  toJSON() {
    return this.unit.repeat(this.n);
  }
  [fc.toStringMethod]() {
    return `Big(${JSON.stringify(this.unit)} x ${this.n})`;
  }
}

/** Nested arrays/objects `n` levels deep, built only when serialised. */
class Deep {
  constructor(readonly n: number) {}
  toJSON() {
    let v: unknown = 'x';
    for (let i = 0; i < this.n; i++) v = i % 2 ? [v] : { a: v };
    return v;
  }
  [fc.toStringMethod]() {
    return `Deep(${this.n})`;
  }
}

const ODD_STRINGS = [
  'a\u0301\u0302\u0303\u0323\u0309', // stacked combining marks
  'Nguye\u0302\u0303n Va\u0306n A', // NFD Vietnamese
  '\u202Egnp.exe\u202C', // RTL override
  '\u200F\u200E\u2066\u2069',
  '😀👨‍👩‍👧‍👦🇻🇳',
  '\u0000',
  'a\u0000b',
  '\uFEFF',
  '\u200B\u200B',
  '\uD800', // lone high surrogate: JSON.stringify writes it as \ud800
  '\uDFFF',
  'x\uDC00y\uD83D',
  '\uFFFE\uFFFF',
  ' ',
  '',
  '\n\r\t\v\f',
  '\\',
  '"',
  '<script>alert(1)</script>',
  "' OR 1=1 --",
  '${7*7}{{7*7}}',
  '__proto__',
  'constructor',
  '%00',
  '../../etc/passwd',
  '0912345678',
  '+84 912 345 678',
];
const BIG_STRINGS = [new Big('x', 300), new Big('Đ', 5000), new Big('\u0300', 2000), new Big('😀', 600), new Big('a\u202E', 1000)];
const RAW_NUMBERS = ['1e309', '-1e309', `1${'0'.repeat(400)}`, '-0', '0.1e-400', '9007199254740993', '-9007199254740993', '1E2', '1.0', '-1'];

/** Odd strings short enough for a URL (the request line stays well under Node's 16 KB header limit). */
const oddString = fc.oneof(
  { weight: 3, arbitrary: fc.constantFrom(...ODD_STRINGS) },
  { weight: 1, arbitrary: fc.string({ unit: 'grapheme-composite', maxLength: 30 }) },
  { weight: 1, arbitrary: fc.string({ unit: 'binary', maxLength: 30 }) },
  { weight: 1, arbitrary: fc.string({ unit: fc.integer({ min: 0xd800, max: 0xdfff }).map((c) => String.fromCharCode(c)), minLength: 1, maxLength: 4 }) },
  {
    weight: 1,
    arbitrary: fc.string({ unit: fc.constantFrom('\u0300', '\u0301', '\u0323', '\u202E', '\u202D', '\u200F', '\u0000', '\uFEFF', '😀', 'A', 'đ', ' '), maxLength: 20 }),
  },
);
const hugeNumber = fc.oneof(
  fc.constantFrom(1e308, -1e308, -0, 2 ** 53 + 1, -(2 ** 53 + 1), -1, -2147483649, 4294967296, 0.5, 5e-324, Number.MAX_VALUE, 1_000_000_001),
  fc.double({ noNaN: true, noDefaultInfinity: true }),
  fc.integer({ min: -1_000_000_000, max: -1 }),
  fc.constantFrom(...RAW_NUMBERS).map((t) => new Raw(t)),
);
const wrongType = fc.oneof(
  fc.boolean(),
  fc.constant(null),
  fc.integer(),
  fc.string({ maxLength: 10 }),
  fc.array(fc.integer(), { maxLength: 3 }),
  fc.dictionary(fc.string({ maxLength: 5 }), fc.integer(), { maxKeys: 3 }),
);
/** Nested arrays/objects inside a field (deeper raw bodies come from the deep-nesting kind below). */
const deepValue = fc.integer({ min: 2, max: 600 }).map((n) => new Deep(n));
const bodyString = fc.oneof({ weight: 4, arbitrary: oddString }, { weight: 1, arbitrary: fc.constantFrom(...BIG_STRINGS) });
const nasty = fc.oneof(bodyString, hugeNumber, wrongType, deepValue, fc.jsonValue({ maxDepth: 3 }));

/** Serialises a value, writing Raw tokens as they are. */
function toJsonText(value: unknown): string {
  const raws: string[] = [];
  const text = JSON.stringify(value, (_k, v) => {
    if (v instanceof Raw) {
      raws.push(v.text);
      return `\u0001RAW${raws.length - 1}\u0001`;
    }
    return v;
  });
  return (text ?? 'undefined').replace(/"\\u0001RAW(\d+)\\u0001"/g, (_, i: string) => raws[Number(i)]!);
}

/** Near-valid bodies: fuzzing mutates one field of them, so most requests get deep into validation. */
const TEMPLATES: Record<string, Record<string, unknown>> = {
  'POST /api/auth/login': { email: 'admin@example.com', password: 'not-the-password' },
  'POST /api/admin/users': { email: 'fuzz.user@example.com', password: 'Fuzz@2024-xyz', role: 'organizer' },
  'POST /api/admin/units': { name: 'Đơn vị fuzz', kind: 'other', memberCount: 10 },
  'PATCH /api/admin/units/{unitId}': { memberCount: 11 },
  'POST /api/admin/contests': {
    title: 'Cuộc thi fuzz',
    startsAt: '2030-01-01T00:00:00Z',
    endsAt: '2030-02-01T00:00:00Z',
    questionsPerAttempt: 1,
    timeLimitSec: 60,
    maxAttempts: 1,
    unitIds: ['hoi-nong-dan'],
    villages: [],
    prediction: null,
    showAnswers: 'never',
  },
  'PATCH /api/admin/contests/{contestId}': { title: 'Đổi tên' },
  'POST /api/admin/contests/{contestId}/questions': { text: 'Câu hỏi?', options: ['Có', 'Không'], correct: [0] },
  'PUT /api/admin/contests/{contestId}/questions/{questionId}': { text: 'Câu hỏi?', options: ['Có', 'Không'], correct: [0] },
  'POST /api/contests/{contestId}/attempts': { fullName: 'Người Thử', phone: '0912345678', unitId: 'hoi-nong-dan', village: null, birthYear: 1990, consent: true },
  'PUT /api/attempts/{attemptId}/answers': { answers: { q1: ['a'] } },
  'POST /api/attempts/{attemptId}/submit': { answers: {}, prediction: 5 },
};

/** A template for a route: the hand-written one, else the keys of its body schema (routes added later). */
function templateFor(route: RouteDef, op: Operation | undefined): Record<string, unknown> {
  const t = TEMPLATES[keyOf(route)];
  if (t) return t;
  const schema = op?.body;
  if (schema instanceof z.ZodObject) return Object.fromEntries(Object.keys(schema.shape).map((k) => [k, 'x']));
  return {};
}

const INVALID_JSON = [
  '{',
  '}',
  '{"a":}',
  "{'a':1}",
  '{"a":1,}',
  '[1,]',
  '{"a":1}}',
  'undefined',
  'NaN',
  'Infinity',
  '0x10',
  '{"a":"\\x00"}',
  '{"a":"\\u12"}',
  '{"a":"\u0000"}',
  '\u0000',
  '\uFEFF{}',
  '{"__proto__":{"isAdmin":true}}',
  '{"constructor":{"prototype":{"polluted":1}}}',
  '"just a string"',
  'null',
  'true',
  '1e309',
  '{"a":1}{"b":2}',
  '/* comment */ {}',
];

/** A body: its raw bytes are built when sent, so a counterexample prints short. */
class Body {
  constructor(
    readonly kind: string,
    private readonly make: () => string | Uint8Array | undefined,
    private readonly label: string = kind,
  ) {}
  get raw() {
    return this.make();
  }
  [fc.toStringMethod]() {
    return `Body(${this.label})`;
  }
}
const short = (s: string) => (s.length > 160 ? `${s.slice(0, 150)}...(${s.length})` : s);
const body = (kind: string, raw: string | Uint8Array | undefined) =>
  new Body(kind, () => raw, `${kind}: ${typeof raw === 'string' ? JSON.stringify(short(raw)) : raw === undefined ? 'none' : `${raw.length} bytes`}`);

function bodyArb(template: Record<string, unknown>): fc.Arbitrary<Body> {
  const keys = Object.keys(template);
  const templateText = JSON.stringify(template);
  const mutated = fc
    .record({ op: fc.constantFrom('replace', 'replace', 'delete', 'add', 'replace-two'), i: fc.nat(), j: fc.nat(), value: nasty, value2: nasty, extraKey: oddString })
    .map(({ op, i, j, value, value2, extraKey }) => {
      const b: Record<string, unknown> = { ...template };
      const k = keys.length ? keys[i % keys.length]! : 'field';
      if (op === 'delete') delete b[k];
      else if (op === 'add') b[extraKey || 'extra'] = value; // strict schemas refuse unknown fields
      else {
        b[k] = value;
        if (op === 'replace-two' && keys.length > 1) b[keys[j % keys.length]!] = value2;
      }
      const text = toJsonText(b);
      return body(`mutated:${op}`, text);
    });
  return fc.oneof(
    { weight: 8, arbitrary: mutated },
    { weight: 1, arbitrary: fc.jsonValue({ maxDepth: 4 }).map((v) => body('random-json', toJsonText(v))) },
    { weight: 1, arbitrary: nasty.map((v) => body('nasty-whole-body', toJsonText(v))) },
    { weight: 1, arbitrary: fc.constant(body('array-of-body', `[${templateText}]`)) },
    { weight: 1, arbitrary: fc.nat().map((n) => body('truncated', templateText.slice(0, n % Math.max(1, templateText.length)))) },
    { weight: 1, arbitrary: fc.constantFrom(...INVALID_JSON).map((raw) => body('invalid-json', raw)) },
    { weight: 1, arbitrary: fc.uint8Array({ maxLength: 300 }).map((raw) => body('random-bytes', raw)) },
    { weight: 1, arbitrary: fc.constantFrom(body('empty', ''), body('no-body', undefined)) },
    {
      weight: 1,
      arbitrary: fc
        .record({ n: fc.integer({ min: 1000, max: 20_000 }), obj: fc.boolean() })
        .map(({ n, obj }) => new Body('deep-nesting', () => (obj ? `${'{"a":'.repeat(n)}1${'}'.repeat(n)}` : `${'['.repeat(n)}${']'.repeat(n)}`), `deep-nesting ${obj ? 'object' : 'array'} x ${n}`)),
    },
    {
      weight: 1,
      arbitrary: fc
        .integer({ min: 100 * 1024 + 1, max: 400 * 1024 })
        .map((n) => new Body('oversized', () => JSON.stringify({ ...template, pad: 'đ'.repeat(Math.ceil(n / 2)) }), `oversized ~${n} bytes`)),
    },
  );
}

const contentType = fc.oneof(
  { weight: 10, arbitrary: fc.constant('application/json') },
  {
    weight: 4,
    arbitrary: fc.constantFrom(
      'application/json; charset=utf-8',
      'application/json; charset=utf-16le',
      'text/plain',
      'text/csv',
      XLSX,
      'application/octet-stream',
      'multipart/form-data; boundary=xyz',
      'application/x-www-form-urlencoded',
      'application/xml',
      'application/vnd.ms-excel',
      'image/png',
      '*/*',
      '',
      ';;;',
    ),
  },
  { weight: 1, arbitrary: fc.string({ unit: 'grapheme-ascii', maxLength: 40 }) },
  { weight: 1, arbitrary: fc.constant(undefined) },
);

const RAW_SEGMENTS = ['..', '.', '%00', 'a%00b', '%2e%2e', '%2F', '%2f..%2f', '%ZZ', '%', '%E2%80%AE', '%F0%9F%98%80', '%C3%28', '%ED%A0%80', 'null', 'undefined', '0', '-1', '1e308', '__proto__', 'constructor'];
const safeEncode = (s: string) => {
  try {
    return encodeURIComponent(s);
  } catch {
    return [...Buffer.from(s, 'utf8')].map((b) => `%${b.toString(16).padStart(2, '0')}`).join('');
  }
};

function segmentArb(pool: string[]): fc.Arbitrary<string> {
  return fc.oneof(
    ...(pool.length ? [{ weight: 6, arbitrary: fc.constantFrom(...pool) }] : []),
    { weight: 2, arbitrary: fc.constantFrom(...RAW_SEGMENTS) },
    { weight: 1, arbitrary: oddString.map(safeEncode).filter((s) => s.length > 0) },
    { weight: 1, arbitrary: fc.string({ unit: 'grapheme-ascii', minLength: 1, maxLength: 70 }).map(safeEncode) },
    { weight: 1, arbitrary: fc.integer({ min: 65, max: 4000 }).map((n) => 'a'.repeat(n)) },
    { weight: 1, arbitrary: fc.integer({ min: 20, max: 600 }).map((n) => '%C4%90'.repeat(n)) },
  );
}

const queryValue = fc.oneof(
  fc.constantFrom('1', '0', '-1', '-0', '1e308', '100', '101', '1.5', '0x10', 'NaN', 'Infinity', '', 'true', 'false', 'json', 'csv', 'xlsx', 'pdf', `9${'9'.repeat(400)}`, '../../etc/passwd'),
  oddString,
);
function queryArb(op: Operation | undefined): fc.Arbitrary<string> {
  const known = op?.query instanceof z.ZodObject ? Object.keys(op.query.shape) : [];
  const key = fc.oneof(...(known.length ? [{ weight: 3, arbitrary: fc.constantFrom(...known) }] : []), { weight: 1, arbitrary: oddString });
  return fc.array(fc.tuple(key, queryValue), { maxLength: 3 }).map((pairs) => {
    if (!pairs.length) return '';
    return `?${pairs.map(([k, v]) => `${safeEncode(k)}=${safeEncode(v)}`).join('&')}`;
  });
}

// --- checks -------------------------------------------------------------------------------------

function record(res: ApiResponse) {
  stats.cases++;
  stats.byStatus.set(res.status, (stats.byStatus.get(res.status) ?? 0) + 1);
  const code = res.body?.error?.code;
  if (typeof code === 'string') stats.byCode.set(code, (stats.byCode.get(code) ?? 0) + 1);
}

/** Never a 5xx; a 4xx is the envelope with a contract code and that code's status. */
function checkResponse(res: ApiResponse, what: string) {
  const show = `${what} -> ${res.status} ${res.text.slice(0, 400)}`;
  expect(res.status, show).toBeLessThan(500);
  expect(res.status, show).toBeGreaterThanOrEqual(200);
  if (res.status < 400) return;
  expect(res.headers.get('content-type') ?? '', show).toMatch(/^application\/json/);
  const err = res.body?.error;
  expect(err, show).toBeTypeOf('object');
  expect(err.code, show).toMatch(/^[A-Z_]+$/);
  expect(Object.keys(CONTRACT_CODES), show).toContain(err.code);
  expect(res.status, show).toBe(CONTRACT_CODES[err.code]);
  expect(typeof err.message, show).toBe('string');
  expect(Object.keys(err).every((k) => ['code', 'message', 'details'].includes(k)), show).toBe(true);
  if (err.code === 'VALIDATION_FAILED') {
    expect(Array.isArray(err.details), show).toBe(true);
    for (const d of err.details) expect(d, show).toEqual({ field: expect.any(String), message: expect.any(String) });
  }
  if (err.code === 'IMPORT_INVALID') {
    expect(Array.isArray(err.details), show).toBe(true);
    for (const d of err.details) expect(d, show).toEqual({ row: expect.any(Number), message: expect.any(String) });
  }
}

function noteWrite(route: Pick<RouteDef, 'method' | 'path'>, path: string, res: ApiResponse) {
  if (route.method === 'GET' || res.status >= 300) return;
  stats.writes2xx.push(`${route.method} ${path.slice(0, 120)} -> ${res.status}`);
  for (const v of [res.body?.id, res.body?.email, res.body?.attemptId]) if (typeof v === 'string') created.add(v);
}

// --- data snapshot ----------------------------------------------------------------------------

type Snapshot = Record<string, unknown>;

async function read(path: string, headers: Record<string, string> = { authorization: `Bearer ${adminToken}` }) {
  const res = await api.call('GET', path, { headers });
  expectStatus(res, 200);
  return res.body;
}
/** Contests other files made on this shared stack before this one started. */
const sharedBy = new Set<string>();
const without = (items: any[]) => items.filter((x) => !created.has(x.id) && !created.has(x.email) && !Object.values(scratch).includes(x.id));
const dropNow = ({ serverNow: _, ...rest }: any) => rest;

async function snapshot(): Promise<Snapshot> {
  return {
    units: without((await read('/api/units')).items),
    users: without((await read('/api/admin/users')).items),
    // Only the seeded contests: on a stack shared with other files, their contests change on their own.
    contests: without((await read('/api/admin/contests')).items).filter((c: { id: string }) => !sharedBy.has(c.id)),
    demoContest: await read(`/api/admin/contests/${DEMO}`),
    demoPublic: dropNow(await read(`/api/contests/${DEMO}`)),
    demoQuestions: await read(`/api/admin/contests/${DEMO}/questions`),
    demoStats: await read(`/api/admin/contests/${DEMO}/stats`),
    demoResults: await read(`/api/admin/contests/${DEMO}/results`),
    demoLeaderboard: await read(`/api/contests/${DEMO}/leaderboard?limit=100`),
    demoUnits: await read(`/api/contests/${DEMO}/units`),
  };
}

// --- set-up -----------------------------------------------------------------------------------

beforeAll(async () => {
  server = await sharedServer();
  api = apiClient(server.baseUrl);
  adminToken = (await staffTokens(api)).admin;
  for (const c of (await api.get('/api/admin/contests', adminToken)).body.items as { id: string }[]) if (c.id !== DEMO) sharedBy.add(c.id);
  // Scratch data for the writes to aim at, so the demo contest is only ever read.
  const unit = await api.post('/api/admin/units', { name: 'Đơn vị nháp fuzz', memberCount: 5 }, adminToken);
  expectStatus(unit, 201);
  scratch.unitId = unit.body.id;
  const draft = await api.post('/api/admin/contests', { ...TEMPLATES['POST /api/admin/contests'], title: 'Nháp fuzz' }, adminToken);
  expectStatus(draft, 201);
  scratch.draftId = draft.body.id;
  const question = await api.post(`/api/admin/contests/${scratch.draftId}/questions`, TEMPLATES['POST /api/admin/contests/{contestId}/questions'], adminToken);
  expectStatus(question, 201);
  scratch.questionId = question.body.id;
  const open = await createOpenContest(api, adminToken, { unitIds: ['hoi-nong-dan', scratch.unitId], bank: 4, questionsPerAttempt: 2, maxAttempts: 50, title: 'Mở fuzz' });
  scratch.openId = open.id;
  const attempt = await startAttempt(api, open.id, { fullName: 'Người Thử Fuzz', phone: '0987000111', unitId: 'hoi-nong-dan' });
  expectStatus(attempt, 201);
  scratch.attemptId = attempt.body.attemptId;
  scratch.attemptToken = attempt.body.attemptToken;
  // Files before this one on the worker's stack may have started attempts on the demo contest:
  // take the snapshot once the stream consumer has folded them into its counters.
  before = await eventually(snapshot, (() => {
    let last: Snapshot | undefined;
    return (s: Snapshot) => {
      const same = last !== undefined && isDeepStrictEqual(s, last);
      last = s;
      return same;
    };
  })());
}, 240_000);

afterAll(async () => {
  const top = (m: Map<string | number, number>) => [...m].sort((a, b) => b[1] - a[1]).map(([k, v]) => `${k}:${v}`).join(' ');
  console.log(
    `[fuzz] ${stats.cases} fuzz cases run on ${ALL_ROUTES.length} routes; statuses ${top(stats.byStatus)}; codes ${top(stats.byCode)}; ` +
      `${stats.writes2xx.length} fuzzed writes got a 2xx (left out of the unchanged check)` +
      (stats.writes2xx.length ? `:\n  ${stats.writes2xx.slice(0, 20).join('\n  ')}` : ''),
  );
});

/** Real ids a path parameter may take: writes only ever aim at scratch data. */
function idPool(name: string, method: string): string[] {
  const reads = method === 'GET';
  switch (name) {
    case 'contestId':
      return reads ? [DEMO, scratch.draftId, scratch.openId] : [scratch.draftId, scratch.openId];
    case 'questionId':
      return [scratch.questionId, 'demo001'];
    case 'unitId':
      return reads ? ['hoi-nong-dan', scratch.unitId] : [scratch.unitId];
    case 'attemptId':
      return [scratch.attemptId];
    case 'roundId':
      return ['r1', 'r2'];
    default:
      return [];
  }
}

/** A close that succeeds waits CONTEST_CACHE_MS before it finalises: its route gets time for a few such cases. */
const perRouteBudget = (route?: RouteDef) =>
  Math.max(route?.path.endsWith('/close') ? 4 * (CONTEST_CACHE_MS + 1000) : 1000, Math.floor(BUDGET_MS / ALL_ROUTES.length));

describe.each(ALL_ROUTES.map((r) => [keyOf(r), r] as const))('fuzz %s', (key, route) => {
  it('never a 5xx, always the envelope', async () => {
    const op: Operation = route;
    const names = [...route.path.matchAll(/\{(\w+)\}/g)].map((m) => m[1]!);
    const attemptRoute = names.includes('attemptId');
    const arb = fc.record({
      segments: fc.tuple(...names.map((n) => segmentArb(idPool(n, route.method))) as [fc.Arbitrary<string>]),
      query: queryArb(op),
      // fetch cannot send a body with GET; DELETE gets random bodies too.
      body:
        route.method === 'GET'
          ? fc.constant(body('no-body', undefined))
          : route.method === 'DELETE'
            ? fc.oneof({ weight: 2, arbitrary: fc.constant(body('no-body', undefined)) }, bodyArb({}))
            : bodyArb(templateFor(route, op)),
      contentType,
      attemptToken: attemptRoute ? fc.oneof({ weight: 5, arbitrary: fc.constant(scratch.attemptToken) }, fc.string({ unit: 'grapheme-ascii', maxLength: 60 })) : fc.constant(undefined),
      idempotencyKey: fc.option(fc.oneof(fc.string({ unit: 'grapheme-ascii', maxLength: 70 }), fc.stringMatching(/^[A-Za-z0-9_-]{22,30}$/)), { freq: 4 }),
    });
    let n = 0;
    let i = 0;
    const path = (segments: string[]) => route.path.replace(/\{\w+\}/g, () => segments[i++ % segments.length]!);
    await fc.assert(
      fc.asyncProperty(arb, async (c) => {
        i = 0;
        const p = path(c.segments) + c.query;
        const headers: Record<string, string> = { authorization: `Bearer ${adminToken}` };
        if (c.contentType !== undefined) headers['content-type'] = c.contentType;
        if (c.attemptToken !== undefined) headers['x-attempt-token'] = c.attemptToken;
        if (c.idempotencyKey !== null) headers['idempotency-key'] = c.idempotencyKey;
        const raw = c.body.raw;
        const res = await api.call(route.method, p, { headers, raw: raw as BodyInit | undefined });
        n++;
        record(res);
        noteWrite(route, p, res);
        checkResponse(res, `${route.method} ${p.slice(0, 200)} [${c.body.kind}, ${String(c.contentType)}] body ${short(typeof raw === 'string' ? raw : String(raw))}`);
      }),
      { numRuns: RUNS, interruptAfterTimeLimit: perRouteBudget(route), seed: SEED, endOnFailure: false },
    );
    expect(n).toBeGreaterThan(0);
  });
});

describe('fuzz outside the route table', () => {
  it('random methods and paths under /api: 404 NOT_FOUND in the envelope', async () => {
    const arb = fc.record({
      method: fc.constantFrom('GET', 'POST', 'PUT', 'PATCH', 'DELETE', 'OPTIONS'),
      segments: fc.array(segmentArb(['admin', 'contests', 'attempts', 'units', DEMO, 'questions', 'import', 'api']), { minLength: 0, maxLength: 6 }),
    });
    await fc.assert(
      fc.asyncProperty(arb, async ({ method, segments }) => {
        const p = `/api/${segments.join('/')}`;
        // `..` segments may resolve out of /api, to the web app: not this test's business.
        if (!new URL(p, server.baseUrl).pathname.startsWith('/api/')) return;
        const res = await api.call(method, p, { headers: { authorization: `Bearer ${adminToken}` } });
        record(res);
        if (method === 'OPTIONS') {
          expect(res.status, `${method} ${p}: ${res.text}`).toBeLessThan(500);
          return;
        }
        checkResponse(res, `${method} ${p}`);
        noteWrite({ method: method as RouteDef['method'], path: p }, p, res);
      }),
      { numRuns: RUNS * 2, interruptAfterTimeLimit: perRouteBudget() * 2, seed: SEED },
    );
  });

  it('a 7 MB body is refused by the gateway with 413 PAYLOAD_TOO_LARGE', async () => {
    const res = await api.call('POST', '/api/admin/units', {
      headers: { authorization: `Bearer ${adminToken}`, 'content-type': 'application/json' },
      raw: JSON.stringify({ name: 'x'.repeat(7 * 1024 * 1024), memberCount: 1 }),
    });
    record(res);
    checkResponse(res, 'POST /api/admin/units 7 MB');
    expect(res.status).toBe(413);
  });
});

describe('the data afterwards', () => {
  it('is unchanged: demo contest, its questions, stats, results and boards; units, users and contests', async () => {
    const after = await snapshot();
    for (const key of Object.keys(before)) expect(after[key], key).toEqual(before[key]);
  });
});
