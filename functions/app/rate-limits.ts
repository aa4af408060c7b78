// Per-client rate limits over fixed one-minute windows, counted in the table so every Lambda
// environment, and local mode, share one count per client.
//
// Attempt starts (`take`) are counted write-behind: each environment keeps, per (client, minute),
// the hits it accepted but has not written yet (`pending`) and the last total the table returned
// (`known`); every BATCH-th accepted hit writes them in one `ADD hits :n` that returns the new
// total. A client making a single start costs no write at all, a busy one a write per BATCH starts.
// A start is refused when known + (hits being written) + pending + 1 > perMinute, and a refused
// start is not counted. In one environment (local mode, or all of a client's starts reaching one
// Lambda environment) the count is exact: the (perMinute+1)-th start of a minute is refused, as
// with a conditional write per start. Across N environments each one holds at most BATCH-1 hits
// the table has not seen and may judge with a total that others have since raised, so a client
// gets at most (BATCH-1) x N starts above perMinute in a window: with BATCH = 10 and the default
// 3,000, at most 3,090 through 10 environments. (Forgetting a full map, below, can add BATCH-1 per
// client and environment once more; it takes over 10,000 clients a minute in one environment.)
// Unwritten hits of a past window are dropped, never written: that window is over.
//
// Sign-in failures (`check`/`fail`) are rare and each one is written: a read per sign-in, a write
// per wrong password.
import { RateLimited } from '../domain/errors.ts';
import { counterExpiry, fixedWindow, retryAfterSec, type RateWindow } from '../domain/rate-limit.ts';

export interface RateLimitStore {
  /** Adds `n` hits to the window's counter and returns its new total (one UpdateItem). */
  addAndGet(scope: string, window: number, n: number, expiresAt: number): Promise<number>;
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
  /** Accepted starts written together (`take`). @default BATCH */
  batch?: number;
}

const WINDOW_SEC = 60;
/** Clients remembered per environment (refusals, and counts of the current window), to bound memory. */
const REMEMBERED = 10_000;
/** Starts of one client and window written in one UpdateItem. */
export const BATCH = 10;

/** One client's count in one window, as this environment knows it. */
interface Tally {
  window: number;
  /** The table's total as of the last write that returned it (this and other environments' hits). */
  known: number;
  /** Accepted hits being written right now (their total has not come back yet). */
  inFlight: number;
  /** Accepted hits not yet written. */
  pending: number;
}

export function rateLimit({ store, now, name, perMinute, batch = BATCH }: RateLimitOptions) {
  if (!Number.isInteger(batch) || batch < 1) throw new RangeError('rateLimit batch must be a positive integer');

  // Clients refused in the current window: refused again without looking further until it ends.
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

  const tallies = new Map<string, Tally>();
  const tallyOf = (scope: string, window: number): Tally => {
    const found = tallies.get(scope);
    if (found && found.window === window) return found;
    if (found) tallies.delete(scope); // a past window: its unwritten hits no longer matter
    if (tallies.size >= REMEMBERED) {
      for (const [key, t] of tallies) if (t.window < window && t.inFlight === 0) tallies.delete(key);
      // Still full of current clients: forget them (at worst BATCH-1 unwritten hits each).
      if (tallies.size >= REMEMBERED) tallies.clear();
    }
    const fresh: Tally = { window, known: 0, inFlight: 0, pending: 0 };
    tallies.set(scope, fresh);
    return fresh;
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
      const tally = tallyOf(scope, window.index);
      if (tally.known + tally.inFlight + tally.pending + 1 > perMinute) refuse(scope, nowMs, window);
      tally.pending++;
      if (tally.pending < batch) return;

      const n = tally.pending;
      tally.pending = 0;
      tally.inFlight += n;
      let total: number;
      try {
        total = await store.addAndGet(scope, window.index, n, counterExpiry(window));
      } catch (e) {
        // Not written: keep the earlier hits for the next write; this request fails and is not counted.
        tally.inFlight -= n;
        tally.pending += n - 1;
        throw e;
      }
      tally.inFlight -= n;
      // Totals only grow; with writes overlapping (local mode serves requests concurrently) keep the largest.
      tally.known = Math.max(tally.known, total);
      // Other environments' hits made the total pass the limit: this request is refused (it stays
      // counted in the table, which only makes the count stricter), and so is the rest of the window.
      if (total > perMinute) refuse(scope, nowMs, window);
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
