// Fixed one-minute windows and the limiter over a store (an in-memory fake of the DynamoDB counter).
import { describe, expect, it } from 'vitest';
import { rateLimit, type RateLimitStore } from '../../../functions/app/rate-limits.ts';
import { RateLimited } from '../../../functions/domain/errors.ts';
import { counterExpiry, fixedWindow, parseLimit, retryAfterSec } from '../../../functions/domain/rate-limit.ts';

const T0 = Date.parse('2024-10-15T03:00:00Z');

describe('fixedWindow', () => {
  it('numbers minutes since the epoch', () => {
    const w = fixedWindow(T0 + 12_345, 60);
    expect(w).toEqual({ index: T0 / 60_000, startsAtMs: T0, endsAtMs: T0 + 60_000 });
    expect(fixedWindow(T0 + 59_999, 60).index).toBe(w.index);
    expect(fixedWindow(T0 + 60_000, 60).index).toBe(w.index + 1);
  });

  it('tells the seconds left, at least 1, and expires the counter after its window', () => {
    const w = fixedWindow(T0, 60);
    expect(retryAfterSec(T0, w)).toBe(60);
    expect(retryAfterSec(T0 + 59_001, w)).toBe(1);
    expect(retryAfterSec(T0 + 59_999, w)).toBe(1);
    expect(retryAfterSec(T0 + 30_500, w)).toBe(30);
    expect(counterExpiry(w)).toBe((T0 + 60_000) / 1000 + 60);
  });

  it('refuses nonsense', () => {
    expect(() => fixedWindow(Number.NaN, 60)).toThrow(RangeError);
    expect(() => fixedWindow(T0, 0)).toThrow(RangeError);
  });
});

describe('parseLimit', () => {
  it('takes non-negative integers, 0 meaning off', () => {
    expect(parseLimit('X', undefined, 300)).toBe(300);
    expect(parseLimit('X', ' ', 300)).toBe(300);
    expect(parseLimit('X', '5', 300)).toBe(5);
    expect(parseLimit('X', '0', 300)).toBe(0);
    for (const bad of ['-1', '2.5', 'many']) expect(() => parseLimit('START_RATE_PER_MINUTE', bad, 300)).toThrow(/START_RATE_PER_MINUTE/);
  });
});

/** The DynamoDB semantics: conditional ADD, plain ADD, read. */
function fakeStore() {
  const counters = new Map<string, number>();
  const calls = { take: 0, count: 0, add: 0 };
  const store: RateLimitStore = {
    async take(scope, window, limit) {
      calls.take++;
      const k = `${scope}|${window}`;
      const n = counters.get(k) ?? 0;
      if (n >= limit) return false;
      counters.set(k, n + 1);
      return true;
    },
    async count(scope, window) {
      calls.count++;
      return counters.get(`${scope}|${window}`) ?? 0;
    },
    async add(scope, window) {
      calls.add++;
      const k = `${scope}|${window}`;
      counters.set(k, (counters.get(k) ?? 0) + 1);
    },
  };
  return { store, counters, calls };
}

async function refusal(p: Promise<unknown>): Promise<RateLimited> {
  try {
    await p;
  } catch (e) {
    if (e instanceof RateLimited) return e;
    throw e;
  }
  throw new Error('expected RATE_LIMITED');
}

describe('rateLimit.take', () => {
  it('lets perMinute through per client and minute, then 429 with the seconds to the next minute', async () => {
    let now = T0 + 20_000;
    const { store } = fakeStore();
    const limit = rateLimit({ store, now: () => now, name: 'start', perMinute: 5 });
    for (let i = 0; i < 5; i++) await limit.take('203.0.113.7');
    const refused = await refusal(limit.take('203.0.113.7'));
    expect(refused.code).toBe('RATE_LIMITED');
    expect(refused.retryAfterSec).toBe(40);
    // Another client has its own count.
    await limit.take('198.51.100.1');
    // The next minute starts afresh.
    now = T0 + 60_000;
    await limit.take('203.0.113.7');
  });

  it('lets 100 a minute through with the default-sized limit, even across a window boundary', async () => {
    let now = T0 + 30_000;
    const { store } = fakeStore();
    const limit = rateLimit({ store, now: () => now, name: 'start', perMinute: 300 });
    for (let i = 0; i < 200; i++) {
      await limit.take('village-hall');
      now += 300; // 200 starts a minute, twice the promise, straddling T0 + 60 s
    }
  });

  it('once refused, refuses the rest of the window without touching the store again', async () => {
    let now = T0;
    const { store, calls } = fakeStore();
    const limit = rateLimit({ store, now: () => now, name: 'start', perMinute: 2 });
    await limit.take('a');
    await limit.take('a');
    await refusal(limit.take('a'));
    const before = calls.take;
    for (let i = 0; i < 50; i++) await refusal(limit.take('a'));
    expect(calls.take).toBe(before);
    now = T0 + 60_000;
    await limit.take('a');
    expect(calls.take).toBe(before + 1);
  });

  it('does nothing at all when perMinute is 0', async () => {
    const { store, calls } = fakeStore();
    const limit = rateLimit({ store, now: () => T0, name: 'start', perMinute: 0 });
    for (let i = 0; i < 1000; i++) await limit.take('a');
    await limit.check('a');
    await limit.fail('a');
    expect(calls).toEqual({ take: 0, count: 0, add: 0 });
  });
});

describe('rateLimit.check and fail (sign-in failures)', () => {
  it('counts only failures, and refuses once the minute holds perMinute of them', async () => {
    let now = T0 + 45_000;
    const { store } = fakeStore();
    const limit = rateLimit({ store, now: () => now, name: 'login', perMinute: 3 });
    for (let i = 0; i < 10; i++) await limit.check('a'); // successes are not counted
    for (let i = 0; i < 3; i++) {
      await limit.check('a');
      await limit.fail('a');
    }
    const refused = await refusal(limit.check('a'));
    expect(refused.retryAfterSec).toBe(15);
    await limit.check('b');
    now = T0 + 60_000;
    await limit.check('a');
  });
});
