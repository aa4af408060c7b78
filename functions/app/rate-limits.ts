// Per-client rate limits over fixed one-minute windows, counted in the table (not in process
// memory) so every Lambda environment, and local mode, share one count per client.
import { RateLimited } from '../domain/errors.ts';
import { counterExpiry, fixedWindow, retryAfterSec, type RateWindow } from '../domain/rate-limit.ts';

export interface RateLimitStore {
  /** Counts one hit in the window unless it already holds `limit`; false when refused. */
  take(scope: string, window: number, limit: number, expiresAt: number): Promise<boolean>;
  /** Hits counted so far in the window. */
  count(scope: string, window: number): Promise<number>;
  /** Counts one hit, unconditionally. */
  add(scope: string, window: number, expiresAt: number): Promise<void>;
}

export interface RateLimitOptions {
  store: RateLimitStore;
  now: () => number;
  /** Scope prefix of the counters, e.g. `start` or `login`. */
  name: string;
  /** Requests (or failures) per client per minute; 0 turns the limit off. */
  perMinute: number;
}

const WINDOW_SEC = 60;
const REMEMBERED = 10_000;

export function rateLimit({ store, now, name, perMinute }: RateLimitOptions) {
  // Clients the table already refused in the current window: refused again without another write
  // until the window ends, so a flood from one address costs one write per window per environment
  // instead of one per request. Only ever a shortcut for a "no" the table gave.
  const refused = new Map<string, number>();
  const refuse = (scope: string, nowMs: number, window: RateWindow): never => {
    if (refused.size >= REMEMBERED) refused.clear();
    refused.set(scope, window.endsAtMs);
    throw new RateLimited(retryAfterSec(nowMs, window));
  };
  const remembered = (scope: string, nowMs: number) => {
    const until = refused.get(scope);
    if (until !== undefined && until <= nowMs) refused.delete(scope);
    return until !== undefined && until > nowMs;
  };

  return {
    perMinute,

    /** Counts one request of `client`: RATE_LIMITED (with Retry-After) once the minute holds `perMinute`. */
    async take(client: string): Promise<void> {
      if (perMinute === 0) return;
      const nowMs = now();
      const window = fixedWindow(nowMs, WINDOW_SEC);
      const scope = `${name}#${client}`;
      if (remembered(scope, nowMs)) throw new RateLimited(retryAfterSec(nowMs, window));
      if (!(await store.take(scope, window.index, perMinute, counterExpiry(window)))) refuse(scope, nowMs, window);
    },

    /** For limits on failures: RATE_LIMITED when the minute already holds `perMinute` of them. */
    async check(client: string): Promise<void> {
      if (perMinute === 0) return;
      const nowMs = now();
      const window = fixedWindow(nowMs, WINDOW_SEC);
      const scope = `${name}#${client}`;
      if (remembered(scope, nowMs)) throw new RateLimited(retryAfterSec(nowMs, window));
      if ((await store.count(scope, window.index)) >= perMinute) refuse(scope, nowMs, window);
    },

    /** Counts one failure of `client`. */
    async fail(client: string): Promise<void> {
      if (perMinute === 0) return;
      const window = fixedWindow(now(), WINDOW_SEC);
      await store.add(`${name}#${client}`, window.index, counterExpiry(window));
    },
  };
}

export type RateLimit = ReturnType<typeof rateLimit>;
