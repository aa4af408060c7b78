// Fixed one-minute windows and the limiter over a store (an in-memory fake of the DynamoDB counter).
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { BATCH, rateLimit, type RateLimitStore } from '../../../functions/app/rate-limits.ts';
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

/** The DynamoDB semantics: ADD returning the new total, plain ADD, read. */
function fakeStore() {
  const counters = new Map<string, number>();
  const calls = { addAndGet: 0, count: 0, add: 0 };
  const writes: { scope: string; window: number; n: number; expiresAt: number }[] = [];
  let failNext = 0;
  const store: RateLimitStore = {
    async addAndGet(scope, window, n, expiresAt) {
      calls.addAndGet++;
      if (failNext > 0) {
        failNext--;
        throw new Error('ProvisionedThroughputExceededException');
      }
      writes.push({ scope, window, n, expiresAt });
      const k = `${scope}|${window}`;
      const total = (counters.get(k) ?? 0) + n;
      counters.set(k, total);
      return total;
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
  return { store, counters, calls, writes, failNextWrites: (n: number) => (failNext = n) };
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
    const before = calls.addAndGet;
    for (let i = 0; i < 50; i++) await refusal(limit.take('a'));
    expect(calls.addAndGet).toBe(before);
    now = T0 + 60_000;
    await limit.take('a');
    expect(calls.addAndGet).toBe(before);
  });

  it('does nothing at all when perMinute is 0', async () => {
    const { store, calls } = fakeStore();
    const limit = rateLimit({ store, now: () => T0, name: 'start', perMinute: 0 });
    for (let i = 0; i < 1000; i++) await limit.take('a');
    await limit.check('a');
    await limit.fail('a');
    expect(calls).toEqual({ addAndGet: 0, count: 0, add: 0 });
  });
});

describe('rateLimit.take: starts written in batches per environment', () => {
  /** Starts of `client` until one is refused (or `max`); how many passed. */
  async function takeUntilRefused(limit: ReturnType<typeof rateLimit>, client: string, max = 10_000) {
    for (let passed = 0; passed < max; passed++) {
      try {
        await limit.take(client);
      } catch (e) {
        if (e instanceof RateLimited) return passed;
        throw e;
      }
    }
    return max;
  }

  it('a client making a single start costs no write', async () => {
    const { store, calls } = fakeStore();
    const limit = rateLimit({ store, now: () => T0, name: 'start', perMinute: 300 });
    await limit.take('203.0.113.7');
    expect(calls).toEqual({ addAndGet: 0, count: 0, add: 0 });
  });

  it('writes every BATCH-th start as one ADD of the batch: 25 starts, 2 writes', async () => {
    expect(BATCH).toBe(10);
    const { store, calls, writes, counters } = fakeStore();
    const limit = rateLimit({ store, now: () => T0 + 5_000, name: 'start', perMinute: 300 });
    for (let i = 0; i < 25; i++) await limit.take('a');
    expect(calls.addAndGet).toBe(2);
    const window = fixedWindow(T0, 60);
    expect(writes).toEqual([
      { scope: 'start#a', window: window.index, n: 10, expiresAt: counterExpiry(window) },
      { scope: 'start#a', window: window.index, n: 10, expiresAt: counterExpiry(window) },
    ]);
    expect(counters.get(`start#a|${window.index}`)).toBe(20);
  });

  it('in one environment refuses the 301st start of a minute exactly, and does not count it', async () => {
    let now = T0 + 1_000;
    const { store, calls, counters } = fakeStore();
    const limit = rateLimit({ store, now: () => now, name: 'start', perMinute: 300 });
    for (let i = 0; i < 300; i++) await limit.take('village-hall');
    expect(calls.addAndGet).toBe(30);
    const refused = await refusal(limit.take('village-hall'));
    expect(refused.retryAfterSec).toBe(59);
    for (let i = 0; i < 20; i++) await refusal(limit.take('village-hall'));
    expect(calls.addAndGet).toBe(30);
    expect(counters.get(`start#village-hall|${fixedWindow(now, 60).index}`)).toBe(300);
    now = T0 + 60_000;
    await limit.take('village-hall');
  });

  it('is exact in one environment for any limit, batch size not dividing it included', async () => {
    for (const perMinute of [1, 5, 9, 10, 11, 19, 20, 21, 299]) {
      const { store } = fakeStore();
      const limit = rateLimit({ store, now: () => T0, name: 'start', perMinute });
      expect(await takeUntilRefused(limit, 'a'), `perMinute ${perMinute}`).toBe(perMinute);
    }
  });

  it('two environments sharing the table: the overshoot stays within (BATCH-1) per environment', async () => {
    const { store, calls, counters } = fakeStore();
    const a = rateLimit({ store, now: () => T0, name: 'start', perMinute: 300 });
    const b = rateLimit({ store, now: () => T0, name: 'start', perMinute: 300 });
    // The worst case: b holds 9 unwritten starts while a alone takes the table to the limit.
    for (let i = 0; i < 9; i++) await b.take('cgnat');
    const passedA = await takeUntilRefused(a, 'cgnat');
    expect(passedA).toBe(300);
    // b still believes the table is empty: its 10th start writes the batch, sees 310 and is refused.
    const passedB = await takeUntilRefused(b, 'cgnat');
    expect(passedB).toBe(0);
    expect(9 + passedA + passedB).toBeLessThanOrEqual(300 + (BATCH - 1) * 2);
    expect(counters.get(`start#cgnat|${fixedWindow(T0, 60).index}`)).toBe(310); // the refused start stays counted: stricter only
    // Once refused, b refuses from memory, without another write.
    const before = calls.addAndGet;
    for (let i = 0; i < 30; i++) await refusal(b.take('cgnat'));
    expect(calls.addAndGet).toBe(before);
  });

  it('across N environments in any order: never more than perMinute + (BATCH-1) x N, never refused before perMinute passed', async () => {
    await fc.assert(
      fc.asyncProperty(
        fc.integer({ min: 1, max: 6 }),
        fc.integer({ min: 1, max: 120 }),
        fc.array(fc.nat({ max: 5 }), { minLength: 1, maxLength: 600 }),
        async (n, perMinute, order) => {
          const { store } = fakeStore();
          const envs = Array.from({ length: n }, () => rateLimit({ store, now: () => T0, name: 'start', perMinute }));
          let passed = 0;
          let firstRefusalAt = -1;
          for (const [i, env] of order.map((e) => e % n).entries()) {
            try {
              await envs[env]!.take('x');
              passed++;
            } catch (e) {
              if (!(e instanceof RateLimited)) throw e;
              if (firstRefusalAt < 0) firstRefusalAt = i;
            }
          }
          expect(passed).toBeLessThanOrEqual(perMinute + (BATCH - 1) * n);
          if (n === 1) expect(passed).toBe(Math.min(order.length, perMinute));
          // A refusal only ever comes once perMinute starts have passed.
          if (firstRefusalAt >= 0) expect(firstRefusalAt).toBeGreaterThanOrEqual(perMinute);
        },
      ),
      { numRuns: 300 },
    );
  });

  it('drops the unwritten starts of a past minute instead of writing them', async () => {
    let now = T0 + 50_000;
    const { store, writes } = fakeStore();
    const limit = rateLimit({ store, now: () => now, name: 'start', perMinute: 300 });
    for (let i = 0; i < 9; i++) await limit.take('a');
    now = T0 + 60_000;
    for (let i = 0; i < 10; i++) await limit.take('a');
    expect(writes).toEqual([{ scope: 'start#a', window: fixedWindow(now, 60).index, n: 10, expiresAt: counterExpiry(fixedWindow(now, 60)) }]);
  });

  it('a failed write fails that start only; the earlier starts are written with the next batch', async () => {
    const { store, counters, failNextWrites } = fakeStore();
    const limit = rateLimit({ store, now: () => T0, name: 'start', perMinute: 300 });
    for (let i = 0; i < 9; i++) await limit.take('a');
    failNextWrites(1);
    await expect(limit.take('a')).rejects.toThrow(/Throughput/);
    await limit.take('a'); // 9 kept + this one
    expect(counters.get(`start#a|${fixedWindow(T0, 60).index}`)).toBe(10);
  });

  it('keeps a count per client, even past 10,000 clients in a minute', async () => {
    const { store } = fakeStore();
    const limit = rateLimit({ store, now: () => T0, name: 'start', perMinute: 3 });
    for (let c = 0; c < 10_050; c++) await limit.take(`client-${c}`);
    for (let i = 0; i < 2; i++) await limit.take('client-10049');
    await refusal(limit.take('client-10049'));
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
