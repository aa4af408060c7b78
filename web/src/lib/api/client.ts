// Fetch wrapper for API contract v1: parses the error envelope, retries what is worth
// retrying (network failures, 5xx, 429) with exponential backoff and jitter, never a 4xx.

import type * as z from 'zod';
import type { ErrorEnvelope as ErrorEnvelopeSchema } from '../../../../functions/adapters/http/contract.ts';
import { API_VERSION } from '../../../../functions/adapters/http/api-version.ts';

/** Every 4xx and 5xx of the API carries this body (API Gateway's own refusals excepted). */
export type ErrorEnvelope = z.output<typeof ErrorEnvelopeSchema>;

/** status 0 means the request never got an HTTP answer (offline, timeout, reset). */
export class ApiError extends Error {
  readonly status: number;
  readonly code: string;
  readonly details: unknown;
  readonly retryAfterMs: number | undefined;

  constructor(status: number, code: string, message: string, details?: unknown, retryAfterMs?: number) {
    super(message);
    this.name = 'ApiError';
    this.status = status;
    this.code = code;
    this.details = details;
    this.retryAfterMs = retryAfterMs;
  }

  get isNetwork(): boolean {
    return this.status === 0;
  }

  /**
   * Worth sending again: the server never answered, failed, or asked us to slow down. Also an app
   * out of date (426): it is reloading, and an attempt's submit must stay pending, not refused.
   */
  get retryable(): boolean {
    return this.status === 0 || this.status >= 500 || this.status === 429 || this.status === 426;
  }
}

export type FetchFn = (input: string, init?: RequestInit) => Promise<Response>;

export interface RetryPolicy {
  /** Retries after the first try (0 = try once). */
  retries: number;
  baseMs: number;
  maxMs: number;
}

export interface RequestOptions {
  method?: 'GET' | 'POST' | 'PUT' | 'PATCH' | 'DELETE';
  body?: unknown;
  headers?: Record<string, string>;
  retry?: Partial<RetryPolicy>;
  /** Which failures to retry; defaults to ApiError.retryable. */
  retryOn?: (err: ApiError) => boolean;
  /** Give up on one try after this long: a stalled 3G request otherwise hangs forever. */
  timeoutMs?: number;
  keepalive?: boolean;
  /** 'no-cache': ask again rather than take the browser's copy of a briefly cacheable read. */
  cache?: RequestCache;
  signal?: AbortSignal;
  fetch?: FetchFn;
  sleep?: (ms: number) => Promise<void>;
  random?: () => number;
}

export const DEFAULT_RETRY: RetryPolicy = { retries: 3, baseMs: 500, maxMs: 8000 };

/** Exponential backoff with "equal jitter": half fixed, half random, capped. */
export function backoffDelay(attempt: number, policy: Pick<RetryPolicy, 'baseMs' | 'maxMs'>, random: () => number = Math.random): number {
  const exp = Math.min(policy.maxMs, policy.baseMs * 2 ** attempt);
  return Math.round(exp / 2 + random() * (exp / 2));
}

/** Retry-After is either seconds or an HTTP date. */
export function parseRetryAfter(value: string | null, now: number = Date.now()): number | undefined {
  if (!value) return undefined;
  const secs = Number(value);
  if (Number.isFinite(secs)) return Math.max(0, secs * 1000);
  const at = Date.parse(value);
  return Number.isNaN(at) ? undefined : Math.max(0, at - now);
}

/** The next wait: our backoff, but never shorter than the server's Retry-After. */
export function retryDelay(err: ApiError, attempt: number, policy: Pick<RetryPolicy, 'baseMs' | 'maxMs'>, random?: () => number): number {
  const base = backoffDelay(attempt, policy, random);
  return err.retryAfterMs === undefined ? base : Math.max(base, err.retryAfterMs);
}

const defaultSleep = (ms: number) => new Promise<void>((resolve) => setTimeout(resolve, ms));

/** Server time minus device time, learnt from the Date header of every answer (1 s resolution). */
let dateHeaderOffset: number | undefined;
export function serverClockOffset(): number | undefined {
  return dateHeaderOffset;
}

async function once<T>(path: string, opts: RequestOptions): Promise<T> {
  const doFetch: FetchFn = opts.fetch ?? ((input, init) => globalThis.fetch(input, init));
  // The contract this build speaks: an older one than the API's is refused with 426 APP_OUTDATED.
  const headers: Record<string, string> = { accept: 'application/json', 'x-api-version': '' + API_VERSION, ...opts.headers };
  const init: RequestInit = { method: opts.method ?? 'GET', headers };
  if (opts.body !== undefined) {
    headers['content-type'] = 'application/json';
    init.body = JSON.stringify(opts.body);
  }
  if (opts.keepalive) init.keepalive = true;
  if (opts.cache) init.cache = opts.cache;

  const controller = typeof AbortController === 'function' ? new AbortController() : undefined;
  let timer: ReturnType<typeof setTimeout> | undefined;
  let onAbort: (() => void) | undefined;
  if (controller) {
    init.signal = controller.signal;
    if (opts.timeoutMs) timer = setTimeout(() => controller.abort(), opts.timeoutMs);
    if (opts.signal) {
      onAbort = () => controller.abort();
      if (opts.signal.aborted) controller.abort();
      else opts.signal.addEventListener('abort', onAbort, { once: true });
    }
  }

  let res: Response;
  try {
    res = await doFetch(path, init);
  } catch (cause) {
    if (opts.signal?.aborted) throw cause;
    throw new ApiError(0, 'NETWORK', cause instanceof Error ? cause.message : 'network error');
  } finally {
    if (timer !== undefined) clearTimeout(timer);
    if (onAbort && opts.signal) opts.signal.removeEventListener('abort', onAbort);
  }

  const date = res.headers.get('date');
  if (date) {
    const at = Date.parse(date);
    if (!Number.isNaN(at)) dateHeaderOffset = at - Date.now();
  }

  if (res.status === 204) return undefined as T;
  let payload: unknown;
  try {
    const text = await res.text();
    payload = text ? JSON.parse(text) : undefined;
  } catch {
    // A proxy's HTML error page or a truncated body: only the status tells us anything.
    if (res.ok) throw new ApiError(0, 'NETWORK', 'unreadable response');
    payload = undefined;
  }
  if (res.ok) return payload as T;

  const env = (payload as Partial<ErrorEnvelope> | undefined)?.error;
  // main.ts loads the new version (lib/app-update.ts).
  if (res.status === 426) globalThis.dispatchEvent?.(new Event('app-outdated'));
  throw new ApiError(
    res.status,
    typeof env?.code === 'string' ? env.code : res.status >= 500 ? 'SERVER_ERROR' : 'HTTP_' + res.status,
    typeof env?.message === 'string' ? env.message : res.statusText || 'HTTP ' + res.status,
    env?.details,
    parseRetryAfter(res.headers.get('retry-after')),
  );
}

export async function request<T>(path: string, opts: RequestOptions = {}): Promise<T> {
  const policy: RetryPolicy = { ...DEFAULT_RETRY, ...opts.retry };
  const sleep = opts.sleep ?? defaultSleep;
  for (let attempt = 0; ; attempt++) {
    try {
      return await once<T>(path, opts);
    } catch (err) {
      if (!(err instanceof ApiError) || attempt >= policy.retries) throw err;
      if (!(opts.retryOn ? opts.retryOn(err) : err.retryable)) throw err;
      if (opts.signal?.aborted) throw err;
      await sleep(retryDelay(err, attempt, policy, opts.random));
    }
  }
}
