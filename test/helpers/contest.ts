// Shared pieces of the contest-engine integration tests: answer keys, attempt calls with the
// attempt token, contest set-up in one go, raw downloads, and small checks.
import { expect } from 'vitest';
import type { ApiResponse, apiClient } from './api.ts';

export type Api = ReturnType<typeof apiClient>;

export const expectError = (res: { status: number; body: any }, status: number, code: string) => {
  expect(res.status, JSON.stringify(res.body)).toBe(status);
  expect(res.body?.error?.code, JSON.stringify(res.body)).toBe(code);
  expect(typeof res.body.error.message).toBe('string');
};

export const expectStatus = (res: ApiResponse, status: number) => expect(res.status, `${res.status} ${res.text}`).toBe(status);

/** Keys that would reveal an answer key to a participant. */
export const KEY_FIELDS = ['correct', 'isCorrect', 'explanation', 'correctOptionIds', 'review'];

/** Paths of every key named in `names`, anywhere in a JSON value. */
export function findKeys(value: unknown, names: readonly string[] = KEY_FIELDS, path = '$'): string[] {
  if (Array.isArray(value)) return value.flatMap((v, i) => findKeys(v, names, `${path}[${i}]`));
  if (value && typeof value === 'object') {
    return Object.entries(value).flatMap(([k, v]) => [...(names.includes(k) ? [`${path}.${k}`] : []), ...findKeys(v, names, `${path}.${k}`)]);
  }
  return [];
}

export interface PublicQuestion {
  id: string;
  text: string;
  multiple: boolean;
  options: { id: string; text: string }[];
}

/** The bank with its answers (from GET /api/admin/contests/{id}/questions), to answer shuffled options by their text. */
export class AnswerKey {
  private readonly byId = new Map<string, { options: string[]; correct: Set<string> }>();

  constructor(items: { id: string; options: string[]; correct: number[] }[]) {
    for (const q of items) this.byId.set(q.id, { options: q.options, correct: new Set(q.correct.map((i) => q.options[i]!)) });
  }

  static async load(api: Api, contestId: string, token: string): Promise<AnswerKey> {
    const res = await api.get(`/api/admin/contests/${contestId}/questions`, token);
    expectStatus(res, 200);
    return new AnswerKey(res.body.items);
  }

  /** Option ids that answer `q` right, or a wrong choice (for a multi-answer question: only one of its correct options). */
  choose(q: PublicQuestion, right: boolean): string[] {
    const key = this.byId.get(q.id);
    if (!key) throw new Error(`question ${q.id} is not in the bank`);
    const correct = q.options.filter((o) => key.correct.has(o.text)).map((o) => o.id);
    expect(correct.length, `question ${q.id} shows all of its correct options`).toBe(key.correct.size);
    if (right) return correct;
    if (correct.length > 1) return [correct[0]!];
    return [q.options.find((o) => !key.correct.has(o.text))!.id];
  }

  /** Answers for every question of an attempt, exactly `rightCount` of them right (the first ones). */
  answers(questions: PublicQuestion[], rightCount: number): Record<string, string[]> {
    return Object.fromEntries(questions.map((q, i) => [q.id, this.choose(q, i < rightCount)]));
  }
}

/** Calls on one attempt, with its token. */
export function attemptApi(api: Api, attemptId: string, token: string | undefined) {
  const headers: Record<string, string> = token === undefined ? {} : { 'x-attempt-token': token };
  return {
    get: () => api.call('GET', `/api/attempts/${attemptId}`, { headers }),
    save: (answers: Record<string, string[]>) => api.call('PUT', `/api/attempts/${attemptId}/answers`, { headers, body: { answers } }),
    submit: (body: { answers?: Record<string, string[]>; prediction?: number | null } = {}) =>
      api.call('POST', `/api/attempts/${attemptId}/submit`, { headers, body }),
  };
}

export interface Person {
  fullName: string;
  phone: string;
  unitId: string;
  village?: string | null;
  birthYear?: number | null;
}

export const startAttempt = (api: Api, contestId: string, p: Person, extra: Record<string, unknown> = {}) =>
  api.post(`/api/contests/${contestId}/attempts`, { consent: true, ...p, ...extra });

/** A question file as CSV text: one row per question, options A..D, the first option correct. */
export function bankCsv(count: number, prefix = 'Câu'): string {
  const rows = Array.from({ length: count }, (_, i) => [`${prefix} ${i + 1}: chọn phương án đúng?`, `Đúng ${i + 1}`, `Sai ${i + 1}a`, `Sai ${i + 1}b`, `Sai ${i + 1}c`, 'A']);
  return ['question,a,b,c,d,correct', ...rows.map((r) => r.join(','))].join('\n');
}

/** Creates units (when names are given), a contest open for an hour with a generated bank, and publishes it. */
export async function createOpenContest(
  api: Api,
  token: string,
  options: { unitIds: string[]; bank: number; questionsPerAttempt: number; maxAttempts: number; timeLimitSec?: number; villages?: string[]; prediction?: boolean; title?: string },
) {
  const now = Date.now();
  const created = await api.post(
    '/api/admin/contests',
    {
      title: options.title ?? 'Cuộc thi kiểm thử',
      startsAt: new Date(now - 60_000).toISOString(),
      endsAt: new Date(now + 3600_000).toISOString(),
      questionsPerAttempt: options.questionsPerAttempt,
      timeLimitSec: options.timeLimitSec ?? 600,
      maxAttempts: options.maxAttempts,
      unitIds: options.unitIds,
      villages: options.villages ?? [],
      prediction: options.prediction ? { prompt: 'Bao nhiêu người sẽ tham gia?' } : null,
    },
    token,
  );
  expectStatus(created, 201);
  const id = created.body.id as string;
  const imported = await api.call('POST', `/api/admin/contests/${id}/questions/import`, {
    token,
    raw: bankCsv(options.bank),
    headers: { 'content-type': 'text/csv' },
  });
  expectStatus(imported, 200);
  expectStatus(await api.post(`/api/admin/contests/${id}/publish`, undefined, token), 200);
  return { id, key: await AnswerKey.load(api, id, token) };
}

export async function createUnit(api: Api, token: string, name: string, memberCount: number): Promise<string> {
  const res = await api.post('/api/admin/units', { name, memberCount }, token);
  expectStatus(res, 201);
  return res.body.id as string;
}

/** The raw bytes of a response (fetch's text() would drop a BOM). */
export async function fetchBytes(url: string, token: string): Promise<{ status: number; headers: Headers; bytes: Buffer }> {
  const res = await fetch(url, { headers: { authorization: `Bearer ${token}` } });
  return { status: res.status, headers: res.headers, bytes: Buffer.from(await res.arrayBuffer()) };
}

/** Calendar date in Vietnam (UTC+7, no DST). */
export const vnDate = (iso: string) => new Date(Date.parse(iso) + 7 * 3600_000).toISOString().slice(0, 10);

/** Runs `fn` over `items` with at most `limit` at a time; results in input order. */
export async function mapLimit<T, R>(items: readonly T[], limit: number, fn: (item: T, index: number) => Promise<R>): Promise<R[]> {
  const out: R[] = new Array(items.length);
  let next = 0;
  await Promise.all(
    Array.from({ length: Math.min(limit, items.length) }, async () => {
      for (let i = next++; i < items.length; i = next++) out[i] = await fn(items[i]!, i);
    }),
  );
  return out;
}

export const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));

/** Polls `read` until `done` holds (the unit aggregates may lag a little); returns the last value. */
export async function eventually<T>(read: () => Promise<T>, done: (v: T) => boolean, timeoutMs = 10_000): Promise<T> {
  const until = Date.now() + timeoutMs;
  let value = await read();
  while (!done(value) && Date.now() < until) {
    await sleep(200);
    value = await read();
  }
  return value;
}

/** A published contest open for the next hour, with these questions written by hand (first option right unless said). */
export async function publishContest(
  api: Api,
  token: string,
  fields: { title: string; unitIds: string[]; questionsPerAttempt: number; maxAttempts?: number; timeLimitSec?: number; villages?: string[] },
  questions: { text: string; options: string[]; correct?: number[] }[],
): Promise<string> {
  const created = await api.post(
    '/api/admin/contests',
    {
      startsAt: new Date(Date.now() - 60_000).toISOString(),
      endsAt: new Date(Date.now() + 3_600_000).toISOString(),
      timeLimitSec: 600,
      maxAttempts: 3,
      ...fields,
    },
    token,
  );
  expectStatus(created, 201);
  const id = created.body.id as string;
  for (const q of questions) expectStatus(await api.post(`/api/admin/contests/${id}/questions`, { correct: [0], ...q }, token), 201);
  expectStatus(await api.post(`/api/admin/contests/${id}/publish`, undefined, token), 200);
  return id;
}

/** Polls GET /api/admin/jobs/{id} until the job ends (contract v2); returns the job. */
export async function waitJob(api: Api, jobId: string, token: string, timeoutMs = 90_000): Promise<any> {
  const until = Date.now() + timeoutMs;
  for (;;) {
    const res = await api.get(`/api/admin/jobs/${jobId}`, token);
    expectStatus(res, 200);
    const job = res.body.job;
    if (job.status === 'succeeded' || job.status === 'failed') return job;
    if (Date.now() > until) throw new Error(`job ${jobId} still ${job.status} after ${timeoutMs} ms: ${JSON.stringify(job)}`);
    await sleep(100);
  }
}

/**
 * Closes a contest as contract v2 does it (202 with a job), waits for the job, and returns the
 * contest as GET /api/admin/contests/{id} then shows it (`status: "closed"`).
 */
export async function closeContest(api: Api, contestId: string, token: string): Promise<any> {
  const started = await api.post(`/api/admin/contests/${contestId}/close`, undefined, token);
  expectStatus(started, 202);
  const job = await waitJob(api, started.body.job.id, token);
  expect(job.status, JSON.stringify(job)).toBe('succeeded');
  const contest = await api.get(`/api/admin/contests/${contestId}`, token);
  expectStatus(contest, 200);
  return contest.body;
}

/** Exports through a job and downloads the file from its signed link. */
export async function exportFile(api: Api, contestId: string, token: string, body: { format: 'csv' | 'xlsx' | 'json'; kind?: 'results' | 'awards'; topN?: number }) {
  const started = await api.post(`/api/admin/contests/${contestId}/exports`, body, token);
  expectStatus(started, 202);
  const job = await waitJob(api, started.body.job.id, token);
  expect(job.status, JSON.stringify(job)).toBe('succeeded');
  const res = await fetch(job.result.url);
  expect(res.status, job.result.url).toBe(200);
  return { job, headers: res.headers, bytes: Buffer.from(await res.arrayBuffer()) };
}

/**
 * Every page of a contest's results (contract v2: `limit` up to 500, then `cursor` = the page's
 * `next`), in order. Stops at the first answer that is not a 200 and returns it as `failed`:
 * the crash rounds report it as a problem, the other tests expect it undefined.
 */
export async function resultPages(api: Api, contestId: string, token: string, limit = 500): Promise<{ pages: any[]; items: any[]; failed?: ApiResponse }> {
  const pages: any[] = [];
  let cursor: string | undefined;
  do {
    const res = await api.get(`/api/admin/contests/${contestId}/results?limit=${limit}${cursor ? `&cursor=${cursor}` : ''}`, token);
    if (res.status !== 200) return { pages, items: pages.flatMap((p) => p.items), failed: res };
    pages.push(res.body);
    cursor = res.body.next;
    if (pages.length > 10_000) throw new Error(`results of ${contestId} never end`);
  } while (cursor);
  return { pages, items: pages.flatMap((p) => p.items) };
}

/** A body without the additive fields of contract v2's rounds (docs/rounds.md): what a release before them answered. */
export const withoutRounds = ({ roundId: _r, byRound: _b, ...rest }: Record<string, unknown>) => rest;
