// Typed calls for the participant routes: each answer typed by its route key, from the server's own
// route table (functions/adapters/http/routes.ts).
import { request, type RequestOptions } from './client.ts';
import type { Answers, RegistrationBody, ResponseOf, SubmitBody } from './types.ts';

type Opts = Omit<RequestOptions, 'method' | 'body'>;

const enc = encodeURIComponent;
const tokenHeader = (token: string) => ({ 'x-attempt-token': token });

export function listContests(opts?: Opts) {
  return request<ResponseOf<'GET /api/contests'>>('/api/contests', { timeoutMs: 20_000, ...opts });
}

export function getContest(contestId: string, opts?: Opts) {
  return request<ResponseOf<'GET /api/contests/{contestId}'>>(`/api/contests/${enc(contestId)}`, { timeoutMs: 20_000, ...opts });
}

export function getLeaderboard(contestId: string, limit = 10, opts?: Opts) {
  return request<ResponseOf<'GET /api/contests/{contestId}/leaderboard'>>(`/api/contests/${enc(contestId)}/leaderboard?limit=${limit}`, { timeoutMs: 20_000, ...opts });
}

export function getUnitStandings(contestId: string, opts?: Opts) {
  return request<ResponseOf<'GET /api/contests/{contestId}/units'>>(`/api/contests/${enc(contestId)}/units`, { timeoutMs: 20_000, ...opts });
}

/** A random key per registration: the server turns retries of one start into one attempt. */
export function newIdempotencyKey(): string {
  const bytes = crypto.getRandomValues(new Uint8Array(18));
  return btoa(String.fromCharCode(...bytes)).replace(/\+/g, '-').replace(/\//g, '_').replace(/=+$/, '');
}

/**
 * Starting consumes an attempt. With an Idempotency-Key the server answers a repeated start
 * with the same attempt, so lost answers and 5xx/429 are retried like any other request.
 */
export function startAttempt(contestId: string, body: RegistrationBody, idempotencyKey: string, opts?: Opts) {
  return request<ResponseOf<'POST /api/contests/{contestId}/attempts'>>(`/api/contests/${enc(contestId)}/attempts`, {
    method: 'POST',
    body,
    timeoutMs: 30_000,
    ...opts,
    headers: { ...opts?.headers, 'idempotency-key': idempotencyKey },
  });
}

export function getAttempt(attemptId: string, token: string, opts?: Opts) {
  return request<ResponseOf<'GET /api/attempts/{attemptId}'>>(`/api/attempts/${enc(attemptId)}`, {
    timeoutMs: 20_000,
    ...opts,
    headers: { ...opts?.headers, ...tokenHeader(token) },
  });
}

export function saveAnswers(attemptId: string, token: string, answers: Answers, opts?: Opts) {
  return request<ResponseOf<'PUT /api/attempts/{attemptId}/answers'>>(`/api/attempts/${enc(attemptId)}/answers`, {
    method: 'PUT',
    body: { answers },
    timeoutMs: 20_000,
    ...opts,
    headers: { ...opts?.headers, ...tokenHeader(token) },
  });
}

export function submitAttempt(attemptId: string, token: string, body: SubmitBody, opts?: Opts) {
  return request<ResponseOf<'POST /api/attempts/{attemptId}/submit'>>(`/api/attempts/${enc(attemptId)}/submit`, {
    method: 'POST',
    body,
    timeoutMs: 30_000,
    ...opts,
    headers: { ...opts?.headers, ...tokenHeader(token) },
  });
}
