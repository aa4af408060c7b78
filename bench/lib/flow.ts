// The participant flow over HTTP against the real local mode: start, two autosaves, submit.
import { errorCode, type HttpClient, type HttpResult } from './http.ts';
import { forEachLimit, summarize, type Summary } from './stats.ts';
import { fullName, phone, randomAnswers, split, viewerHeaders, type PublicQuestion } from './people.ts';

export const ROUTES = {
  start: 'POST /api/contests/{contestId}/attempts',
  save: 'PUT /api/attempts/{attemptId}/answers',
  submit: 'POST /api/attempts/{attemptId}/submit',
} as const;

export interface ContestInfo {
  id: string;
  units: string[];
  villages: string[];
  questionsPerAttempt: number;
}

export class Recorder {
  readonly latencies = new Map<string, number[]>();
  readonly errors = new Map<string, number>();
  requests = 0;

  /** Records one call; returns true when its status is the expected one. */
  check(route: string, res: HttpResult, expected: number): boolean {
    this.requests++;
    const list = this.latencies.get(route) ?? [];
    list.push(res.ms);
    this.latencies.set(route, list);
    if (res.status === expected) return true;
    this.fail(route, errorCode(res));
    return false;
  }

  fail(route: string, code: string): void {
    const key = `${route}: ${code}`;
    this.errors.set(key, (this.errors.get(key) ?? 0) + 1);
  }

  get errorCount(): number {
    return [...this.errors.values()].reduce((s, v) => s + v, 0);
  }

  routes(): Record<string, Summary> {
    return Object.fromEntries([...this.latencies].map(([route, ms]) => [route, summarize(ms)]));
  }

  errorList(): { route: string; count: number }[] {
    return [...this.errors].map(([route, count]) => ({ route, count }));
  }
}

interface Started {
  attemptId: string;
  token: string;
  questions: PublicQuestion[];
}

function registration(contest: ContestInfo, prefix: 3 | 5 | 7 | 8 | 9, i: number) {
  return {
    fullName: fullName(i),
    phone: phone(prefix, i),
    unitId: contest.units[i % contest.units.length]!,
    ...(contest.villages.length ? { village: contest.villages[i % contest.villages.length]! } : {}),
    birthYear: 1960 + (i % 45),
    consent: true,
  };
}

async function guarded<T>(rec: Recorder, route: string, fn: () => Promise<T>): Promise<T | undefined> {
  try {
    return await fn();
  } catch (e) {
    rec.fail(route, `network ${(e as NodeJS.ErrnoException).code ?? (e as Error).message}`);
    return undefined;
  }
}

export async function startOne(http: HttpClient, rec: Recorder, contest: ContestInfo, prefix: 3 | 5 | 7 | 8 | 9, i: number): Promise<Started | undefined> {
  const res = await guarded(rec, ROUTES.start, () => http.call('POST', `/api/contests/${contest.id}/attempts`, { headers: viewerHeaders(i), body: registration(contest, prefix, i) }));
  if (!res || !rec.check(ROUTES.start, res, 201)) return undefined;
  if (res.body.questions?.length !== contest.questionsPerAttempt) {
    rec.fail(ROUTES.start, `expected ${contest.questionsPerAttempt} questions, got ${res.body.questions?.length}`);
    return undefined;
  }
  return { attemptId: res.body.attemptId, token: res.body.attemptToken, questions: res.body.questions };
}

export async function saveTwice(http: HttpClient, rec: Recorder, s: Started): Promise<Record<string, string[]> | undefined> {
  const answers = randomAnswers(s.questions);
  const headers = { 'x-attempt-token': s.token };
  for (const part of split(answers)) {
    const res = await guarded(rec, ROUTES.save, () => http.call('PUT', `/api/attempts/${s.attemptId}/answers`, { headers, body: { answers: part } }));
    if (!res || !rec.check(ROUTES.save, res, 200)) return undefined;
  }
  return answers;
}

export async function submitOne(http: HttpClient, rec: Recorder, s: Started, answers: Record<string, string[]>, i: number): Promise<boolean> {
  const headers = { 'x-attempt-token': s.token };
  const res = await guarded(rec, ROUTES.submit, () =>
    http.call('POST', `/api/attempts/${s.attemptId}/submit`, { headers, body: { answers, prediction: 1000 + (i % 5000) } }),
  );
  if (!res || !rec.check(ROUTES.submit, res, 200)) return false;
  if (typeof res.body.correctCount !== 'number') {
    rec.fail(ROUTES.submit, 'no correctCount in the body');
    return false;
  }
  return true;
}

export interface FlowResult {
  participants: number;
  completed: number;
  concurrency: number;
  /** Time spent running the flow (the sum of its rounds). */
  wallMs: number;
  participantsPerSec: number;
  requestsPerSec: number;
  requests: number;
  routes: Record<string, Summary>;
  errors: number;
  errorCodes: { route: string; count: number }[];
}

/** Participants [offset, offset + n), each start → save → save → submit in sequence, `concurrency` of them at a time. */
export async function flowChunk(
  http: HttpClient,
  rec: Recorder,
  contest: ContestInfo,
  n: number,
  concurrency: number,
  prefix: 3 | 5 | 7 | 8 | 9,
  offset = 0,
): Promise<{ completed: number; requests: number; wallMs: number }> {
  let completed = 0;
  const before = rec.requests;
  const t0 = performance.now();
  await forEachLimit(n, concurrency, async (k) => {
    const i = offset + k;
    const s = await startOne(http, rec, contest, prefix, i);
    if (!s) return;
    const answers = await saveTwice(http, rec, s);
    if (!answers) return;
    if (await submitOne(http, rec, s, answers, i)) completed++;
  });
  return { completed, requests: rec.requests - before, wallMs: performance.now() - t0 };
}

export function flowResult(rec: Recorder, chunks: { completed: number; requests: number; wallMs: number }[], participants: number, concurrency: number): FlowResult {
  const wallMs = chunks.reduce((s, c) => s + c.wallMs, 0);
  const completed = chunks.reduce((s, c) => s + c.completed, 0);
  return {
    participants,
    completed,
    concurrency,
    wallMs: Math.round(wallMs),
    participantsPerSec: round1((completed / wallMs) * 1000),
    requestsPerSec: round1((rec.requests / wallMs) * 1000),
    requests: rec.requests,
    routes: rec.routes(),
    errors: rec.errorCount,
    errorCodes: rec.errorList(),
  };
}

export interface Prepared {
  s: Started;
  answers: Record<string, string[]>;
  i: number;
}

/** Starts and autosaves attempts [offset, offset + m) (not timed): ready to be submitted. */
export async function prepareSubmits(http: HttpClient, prep: Recorder, contest: ContestInfo, m: number, concurrency: number, prefix: 3 | 5 | 7 | 8 | 9, offset = 0): Promise<Prepared[]> {
  const ready: Prepared[] = [];
  await forEachLimit(m, concurrency, async (k) => {
    const i = offset + k;
    const s = await startOne(http, prep, contest, prefix, i);
    if (!s) return;
    const answers = await saveTwice(http, prep, s);
    if (answers) ready.push({ s, answers, i });
  });
  return ready;
}

/** Submits prepared attempts at `concurrency`: the submit path alone. */
export async function submitChunk(http: HttpClient, rec: Recorder, ready: Prepared[], concurrency: number): Promise<{ ok: number; wallMs: number }> {
  let ok = 0;
  const t0 = performance.now();
  await forEachLimit(ready.length, concurrency, async (k) => {
    const { s, answers, i } = ready[k]!;
    if (await submitOne(http, rec, s, answers, i)) ok++;
  });
  return { ok, wallMs: performance.now() - t0 };
}

export interface SubmitPhaseResult {
  submits: number;
  concurrency: number;
  wallMs: number;
  submitsPerSec: number;
  latency: Summary;
  prepareErrors: number;
  errors: number;
  errorCodes: { route: string; count: number }[];
}

export function submitResult(rec: Recorder, prep: Recorder, chunks: { ok: number; wallMs: number }[], submits: number, concurrency: number): SubmitPhaseResult {
  const wallMs = chunks.reduce((s, c) => s + c.wallMs, 0);
  const ok = chunks.reduce((s, c) => s + c.ok, 0);
  return {
    submits,
    concurrency,
    wallMs: Math.round(wallMs),
    submitsPerSec: round1((ok / wallMs) * 1000),
    latency: summarize(rec.latencies.get(ROUTES.submit) ?? []),
    prepareErrors: prep.errorCount,
    errors: rec.errorCount + prep.errorCount,
    errorCodes: [...prep.errorList(), ...rec.errorList()],
  };
}

export const round1 = (v: number) => Math.round(v * 10) / 10;
