// Erasure on request subtracts a person's exact contribution: counters built from everyone's scored
// attempts, plus removalDelta of one person, equal counters built without that person at all.
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import {
  addAggregates,
  aggregateDelta,
  emptyAggregate,
  isEmptyDelta,
  removalDelta,
  type ContestAggregate,
  type PersonStanding,
} from '../../../functions/domain/aggregate.ts';

interface Scored {
  person: number;
  correct: number;
  unitId: string;
  village: string | null;
  at: number;
}

/** Replays scored attempts as the attempt use case does: best = most correct (a tie keeps the earlier), registration of the latest. */
function replay(attempts: Scored[], skip?: number) {
  let total = emptyAggregate();
  const people = new Map<number, { standing: PersonStanding; count: number; times: number[]; first: number }>();
  for (const a of attempts) {
    if (a.person === skip) continue;
    const p = people.get(a.person);
    const bestCorrect = Math.max(p?.standing.bestCorrect ?? -1, a.correct);
    const after = { unitId: a.unitId, village: a.village, bestCorrect };
    total = addAggregates(total, aggregateDelta(p ? p.standing : null, after, a.at));
    people.set(a.person, { standing: after, count: (p?.count ?? 0) + 1, times: [...(p?.times ?? []), a.at], first: p?.first ?? a.at });
  }
  return { total, people };
}

const scored = fc.record({
  person: fc.integer({ min: 0, max: 4 }),
  correct: fc.integer({ min: 0, max: 10 }),
  unitId: fc.constantFrom('u1', 'u2', 'u3'),
  village: fc.constantFrom('Thôn 1', 'Thôn 2', null),
  // Several Vietnamese days, around midnight too.
  at: fc.integer({ min: Date.UTC(2024, 5, 1), max: Date.UTC(2024, 5, 5) }),
});

describe('removalDelta', () => {
  it('everyone + removal of one person = everyone but that person (every counter, days included)', () => {
    fc.assert(
      fc.property(fc.array(scored, { maxLength: 40 }), fc.integer({ min: 0, max: 4 }), (attempts, erased) => {
        attempts.sort((a, b) => a.at - b.at);
        const all = replay(attempts);
        const without = replay(attempts, erased);
        const p = all.people.get(erased);
        const removal = p ? removalDelta(p.standing, p.count, p.times, p.first) : removalDelta(null, 0, [], null);
        expect(addAggregates(all.total, removal)).toEqual(addAggregates(emptyAggregate(), without.total));
        expect(isEmptyDelta(removal)).toBe(p === undefined);
      }),
      { numRuns: 300 },
    );
  });

  it('a person with no scored attempt contributes nothing', () => {
    const delta: ContestAggregate = removalDelta(null, 0, [], null);
    expect(isEmptyDelta(delta)).toBe(true);
  });
});
