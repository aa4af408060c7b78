import { describe, expect, it } from 'vitest';
import { ApiError, backoffDelay, parseRetryAfter, request, type FetchFn } from '../../../web/src/lib/api/client.ts';
import { API_VERSION } from '../../../functions/adapters/http/api-version.ts';
import { newIdempotencyKey, saveAnswers, startAttempt, submitAttempt } from '../../../web/src/lib/api/participant.ts';

type Reply = Response | Error;

function scripted(replies: Reply[]) {
  const calls: { url: string; init: RequestInit | undefined }[] = [];
  const fetch: FetchFn = async (url, init) => {
    calls.push({ url, init });
    const r = replies.length > 1 ? replies.shift()! : replies[0]!;
    if (r instanceof Error) throw r;
    return r.clone();
  };
  const sleeps: number[] = [];
  const sleep = async (ms: number) => void sleeps.push(ms);
  return { fetch, calls, sleeps, sleep, random: () => 0.5 };
}

const json = (status: number, body: unknown, headers: Record<string, string> = {}) =>
  new Response(JSON.stringify(body), { status, headers: { 'content-type': 'application/json', ...headers } });
const envelope = (status: number, code: string, details?: unknown, headers?: Record<string, string>) =>
  json(status, { error: { code, message: code.toLowerCase(), details } }, headers);

describe('request()', () => {
  it('returns the JSON body of a 2xx', async () => {
    const s = scripted([json(200, { status: 'ok' })]);
    await expect(request('/api/health', s)).resolves.toEqual({ status: 'ok' });
    expect(s.calls[0]!.init?.method).toBe('GET');
  });

  it('parses the error envelope into an ApiError with code and details', async () => {
    const s = scripted([envelope(400, 'VALIDATION_FAILED', [{ field: 'phone' }])]);
    const err = await request('/api/x', s).catch((e: unknown) => e);
    expect(err).toBeInstanceOf(ApiError);
    expect(err).toMatchObject({ status: 400, code: 'VALIDATION_FAILED', details: [{ field: 'phone' }], retryable: false });
    expect(s.calls).toHaveLength(1);
  });

  it('sends the API version it was built for; a 426 APP_OUTDATED asks the app to reload and stays retryable', async () => {
    const s = scripted([envelope(426, 'APP_OUTDATED')]);
    let outdated = 0;
    // The browser's window is an event target; Node's global is not: lend it one for the test.
    const target = new EventTarget();
    target.addEventListener('app-outdated', () => outdated++);
    const g = globalThis as { dispatchEvent?: (e: Event) => boolean };
    g.dispatchEvent = (e) => target.dispatchEvent(e);
    try {
      const err = await request('/api/x', { ...s, retry: { retries: 0 } }).catch((e: unknown) => e);
      expect(err).toMatchObject({ status: 426, code: 'APP_OUTDATED', retryable: true });
    } finally {
      delete g.dispatchEvent;
    }
    expect((s.calls[0]!.init?.headers as Record<string, string>)['x-api-version']).toBe(String(API_VERSION));
    expect(outdated).toBe(1);
  });

  it.each([400, 401, 403, 404, 409, 413, 422])('never retries a %d', async (status) => {
    const s = scripted([envelope(status, 'NOPE')]);
    await expect(request('/api/x', s)).rejects.toMatchObject({ status });
    expect(s.calls).toHaveLength(1);
  });

  it('retries network failures and 5xx with exponential, jittered backoff', async () => {
    const s = scripted([new TypeError('Failed to fetch'), envelope(502, 'BAD_GATEWAY'), json(500, {}), json(200, { ok: 1 })]);
    await expect(request('/api/x', { ...s, retry: { retries: 3, baseMs: 400, maxMs: 10_000 } })).resolves.toEqual({ ok: 1 });
    expect(s.calls).toHaveLength(4);
    expect(s.sleeps).toEqual([300, 600, 1200]);
  });

  it('gives up after the allowed retries with the last error', async () => {
    const s = scripted([new TypeError('Failed to fetch')]);
    await expect(request('/api/x', { ...s, retry: { retries: 2 } })).rejects.toMatchObject({ status: 0, code: 'NETWORK', isNetwork: true });
    expect(s.calls).toHaveLength(3);
  });

  it('respects Retry-After on 429', async () => {
    const s = scripted([envelope(429, 'RATE_LIMITED', undefined, { 'retry-after': '7' }), json(200, {})]);
    await request('/api/x', { ...s, retry: { retries: 1, baseMs: 100, maxMs: 1000 } });
    expect(s.sleeps).toEqual([7000]);
  });

  it('treats a non-JSON error page (proxy) by its status', async () => {
    const s = scripted([new Response('<html>Bad gateway</html>', { status: 502 })]);
    await expect(request('/api/x', { ...s, retry: { retries: 0 } })).rejects.toMatchObject({ status: 502, code: 'SERVER_ERROR' });
  });

  it('sends JSON bodies with a content type', async () => {
    const s = scripted([json(200, {})]);
    await request('/api/x', { ...s, method: 'POST', body: { a: 1 } });
    const init = s.calls[0]!.init!;
    expect(init.body).toBe('{"a":1}');
    expect((init.headers as Record<string, string>)['content-type']).toBe('application/json');
  });

  it('times out a stalled request as a network failure', async () => {
    const fetch: FetchFn = (_url, init) =>
      new Promise((_resolve, reject) => init?.signal?.addEventListener('abort', () => reject(new DOMException('aborted', 'AbortError'))));
    await expect(request('/api/x', { fetch, timeoutMs: 20, retry: { retries: 0 } })).rejects.toMatchObject({ code: 'NETWORK' });
  });
});

describe('backoff helpers', () => {
  it('grows exponentially, is capped, and keeps half of it fixed', () => {
    const p = { baseMs: 1000, maxMs: 8000 };
    expect(backoffDelay(0, p, () => 0)).toBe(500);
    expect(backoffDelay(0, p, () => 1)).toBe(1000);
    expect(backoffDelay(3, p, () => 1)).toBe(8000);
    expect(backoffDelay(10, p, () => 0)).toBe(4000);
  });

  it('reads Retry-After as seconds or as a date', () => {
    const now = Date.parse('2024-05-01T00:00:00Z');
    expect(parseRetryAfter('3', now)).toBe(3000);
    expect(parseRetryAfter('Wed, 01 May 2024 00:00:10 GMT', now)).toBe(10_000);
    expect(parseRetryAfter(null, now)).toBeUndefined();
    expect(parseRetryAfter('soon', now)).toBeUndefined();
  });
});

describe('participant calls', () => {
  it('send the attempt token header and the contract paths', async () => {
    const s = scripted([json(200, { savedAt: 'x' })]);
    await saveAnswers('a/1', 'tok', { q1: ['o1'] }, { fetch: s.fetch });
    expect(s.calls[0]!.url).toBe('/api/attempts/a%2F1/answers');
    expect(s.calls[0]!.init?.method).toBe('PUT');
    expect((s.calls[0]!.init?.headers as Record<string, string>)['x-attempt-token']).toBe('tok');
    expect(JSON.parse(String(s.calls[0]!.init?.body))).toEqual({ answers: { q1: ['o1'] } });
    await submitAttempt('a1', 'tok', { answers: {}, prediction: 3 }, { fetch: s.fetch });
    expect(s.calls[1]!.url).toBe('/api/attempts/a1/submit');
  });

  it('starting an attempt retries a lost answer with the same idempotency key', async () => {
    const s = scripted([new TypeError('Failed to fetch'), json(201, { attemptId: 'a1' })]);
    await expect(
      startAttempt('c1', { fullName: 'A', phone: '0912345678', unitId: 'u', consent: true }, 'k'.repeat(24), { fetch: s.fetch, sleep: s.sleep }),
    ).resolves.toEqual({ attemptId: 'a1' });
    expect(s.calls).toHaveLength(2);
    const keys = s.calls.map((c) => (c.init?.headers as Record<string, string>)['idempotency-key']);
    expect(keys).toEqual(['k'.repeat(24), 'k'.repeat(24)]);
  });

  it('idempotency keys are random and url-safe', () => {
    const a = newIdempotencyKey();
    expect(a).toMatch(/^[A-Za-z0-9_-]{24}$/);
    expect(newIdempotencyKey()).not.toBe(a);
  });

  it('starting an attempt is retried on 429 (refused before anything happened)', async () => {
    const s = scripted([envelope(429, 'RATE_LIMITED'), json(201, { attemptId: 'a1' })]);
    await expect(
      startAttempt('c1', { fullName: 'A', phone: '0912345678', unitId: 'u', consent: true }, 'k'.repeat(24), { fetch: s.fetch, sleep: s.sleep }),
    ).resolves.toEqual({ attemptId: 'a1' });
    expect(s.calls).toHaveLength(2);
  });
});
