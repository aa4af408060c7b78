// Issues 3 and 7: kill -9 of the whole local mode (server, DynamoDB Local, cognito-local) at a
// seeded random moment of a stream of starts, saves and submits, then a restart on the same data:
// nothing that got a 2xx is lost, nothing is counted twice, and the aggregates agree with the
// ranking. CRASH_ROUNDS rounds (default 3) on one data directory, so each round's checks cover
// everything acknowledged in the rounds before it. CRASH_SEED replays a run's kill moments.
// The round itself is test/helpers/crash.ts (also run by `npm run crash`).
import { afterAll, describe, expect, it } from 'vitest';
import { crashRound, roundSeed, type CrashRoundResult, type CrashSession } from '../helpers/crash.ts';

const ROUNDS = Number(process.env.CRASH_ROUNDS ?? 3);
const SEED = Number(process.env.CRASH_SEED ?? Math.floor(Math.random() * 2 ** 31));

let session: CrashSession | undefined;
afterAll(async () => {
  await session?.close();
});

describe('kill -9 during submissions', () => {
  it(`keeps every acknowledged save and submission over ${ROUNDS} crash rounds`, async () => {
    expect(Number.isInteger(ROUNDS) && ROUNDS >= 1, 'CRASH_ROUNDS').toBe(true);
    console.log(`crash: ${ROUNDS} rounds, CRASH_SEED=${SEED}`);
    const results: CrashRoundResult[] = [];
    for (let r = 0; r < ROUNDS; r++) {
      // 2-9 s of load before the kill: starts, saves, submits and their transactions all get cut.
      const result = await crashRound({ session, seed: roundSeed(SEED, r), workers: 12, minKillMs: 2_000, maxKillMs: 9_000 });
      session = result.session;
      results.push(result);
      expect(result.lostDetail, `round ${r + 1} (seed ${result.seed})`).toEqual([]);
      expect(result.problems, `round ${r + 1} (seed ${result.seed})`).toEqual([]);
      expect(result.aggregates.problems, `round ${r + 1} (seed ${result.seed})`).toEqual([]);
    }
    const last = results.at(-1)!;
    console.log(
      `crash: ${ROUNDS} rounds, ${last.totals.ackedSaves} saves and ${last.totals.ackedSubmits} submits acknowledged, ${results.reduce((n, r) => n + r.unknown, 0)} cut in flight, lost ${results.reduce((n, r) => n + r.lost, 0)}`,
    );
    expect(results.reduce((n, r) => n + r.lost, 0)).toBe(0);
    expect(last.totals.ackedSubmits).toBeGreaterThan(0);
    expect(results.every((r) => r.aggregates.ok)).toBe(true);
  // A bound against a hang, not a speed check: on a loaded 2-core machine each boot of the stack can take 30 s.
  }, Math.max(300_000, ROUNDS * 100_000));
});
