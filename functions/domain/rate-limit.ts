// Fixed-window rate limits: a counter per (scope, window), the window being the N-th period of
// `windowSec` seconds since the epoch. Pure: the store that keeps the counters is an adapter.
//
// A fixed window lets up to twice the limit through across a window boundary (the end of one and
// the start of the next); the limits are set with that in mind, so the guarantee that matters,
// "this many requests in any minute always pass", holds for any rate up to the limit.

/**
 * Starts per client address per minute: a backstop, not the main defence (the start's proof of work
 * and the per-phone attempt limit are; docs/abuse-controls.md). Sized for the busiest address a
 * province-wide deadline brings: 1,000 starts/s is 60,000 a minute, about half of it on the largest
 * carrier, whose carrier-grade NAT may put a province's phones behind a pool as small as 32 IPv4
 * addresses: ~940 starts a minute on one address. 3,000 leaves 3× that for an uneven pool (IPv6
 * phones are counted by their own /64 and never share), and still stops one machine from opening
 * more than 50 attempts a second. A commune contest never comes near it.
 */
export const DEFAULT_START_RATE_PER_MINUTE = 3_000;

export interface RateWindow {
  /** Window number: floor(now / windowSec). Part of the counter's key. */
  index: number;
  startsAtMs: number;
  endsAtMs: number;
}

export function fixedWindow(nowMs: number, windowSec: number): RateWindow {
  if (!Number.isFinite(nowMs) || !(windowSec > 0)) throw new RangeError('fixedWindow needs a time and a positive window');
  const size = windowSec * 1000;
  const index = Math.floor(nowMs / size);
  return { index, startsAtMs: index * size, endsAtMs: (index + 1) * size };
}

/** Whole seconds until the window ends, at least 1: the `Retry-After` of a refused request. */
export function retryAfterSec(nowMs: number, window: RateWindow): number {
  return Math.max(1, Math.ceil((window.endsAtMs - nowMs) / 1000));
}

/** TTL of a counter (epoch seconds): a little after its window, so it is never needed again when it goes. */
export function counterExpiry(window: RateWindow): number {
  return Math.ceil(window.endsAtMs / 1000) + 60;
}

/**
 * Reads a per-minute limit from configuration: a non-negative integer, 0 meaning "no limit".
 * Anything else is a deployment mistake and fails loudly.
 */
export function parseLimit(name: string, raw: string | undefined, fallback: number): number {
  if (raw === undefined || raw.trim() === '') return fallback;
  const n = Number(raw);
  if (!Number.isInteger(n) || n < 0) throw new Error(`${name} must be a non-negative integer, got "${raw}"`);
  return n;
}
