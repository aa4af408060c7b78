import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import {
  addAggregates,
  aggregateDelta,
  emptyAggregate,
  type ContestAggregate,
  type PersonStanding,
} from '../../../functions/domain/aggregate.ts';
import { vnDate } from '../../../functions/domain/time.ts';

const day = (d: number, hourUtc = 3) => Date.UTC(2024, 5, d, hourUtc);

describe('aggregateDelta', () => {
  it('first scored attempt: a new participant everywhere, counted on its Vietnamese day', () => {
    const delta = aggregateDelta(null, { unitId: 'u1', village: 'Thôn 1', bestCorrect: 12 }, day(10, 18)); // 01:00 on the 11th in VN
    expect(delta).toEqual({
      participants: 1,
      attempts: 1,
      sumBestCorrect: 12,
      histogram: { 12: 1 },
      units: { u1: { participants: 1, sumBestCorrect: 12 } },
      villages: { 'Thôn 1': 1 },
      days: { '2024-06-11': { attempts: 1, participants: 1 } },
    });
  });

  it('a better later attempt moves the histogram and adds the difference', () => {
    const person = { unitId: 'u1', village: 'Thôn 1', bestCorrect: 12 };
    expect(aggregateDelta(person, { ...person, bestCorrect: 15 }, day(12))).toEqual({
      participants: 0,
      attempts: 1,
      sumBestCorrect: 3,
      histogram: { 12: -1, 15: 1 },
      units: { u1: { participants: 0, sumBestCorrect: 3 } },
      villages: {},
      days: { '2024-06-12': { attempts: 1, participants: 0 } },
    });
  });

  it('an attempt that does not beat the best only counts as an attempt', () => {
    const person = { unitId: 'u1', village: null, bestCorrect: 12 };
    expect(aggregateDelta(person, person, day(12))).toMatchObject({
      participants: 0,
      attempts: 1,
      sumBestCorrect: 0,
      histogram: {},
      units: {},
      villages: {},
    });
  });

  it('a person who changes unit or village moves between them', () => {
    const delta = aggregateDelta(
      { unitId: 'u1', village: 'Thôn 1', bestCorrect: 10 },
      { unitId: 'u2', village: 'Thôn 2', bestCorrect: 10 },
      day(12),
    );
    expect(delta.units).toEqual({ u1: { participants: -1, sumBestCorrect: -10 }, u2: { participants: 1, sumBestCorrect: 10 } });
    expect(delta.villages).toEqual({ 'Thôn 1': -1, 'Thôn 2': 1 });
    expect(delta.participants).toBe(0);
  });

  it('handles village names that are Object.prototype members', () => {
    const delta = aggregateDelta(null, { unitId: 'constructor', village: '__proto__', bestCorrect: 1 }, day(1));
    expect(delta.villages['__proto__']).toBe(1);
    expect(delta.units['constructor']).toEqual({ participants: 1, sumBestCorrect: 1 });
  });
});

/** The oracle: counters recomputed from scratch from everything that happened. */
function recompute(attempts: { person: string; at: number; correct: number; standing: PersonStanding }[]): ContestAggregate {
  const agg = emptyAggregate();
  const final = new Map<string, PersonStanding>();
  const firstAt = new Map<string, number>();
  for (const a of attempts) {
    final.set(a.person, a.standing);
    if (!firstAt.has(a.person)) firstAt.set(a.person, a.at);
    const d = vnDate(a.at);
    agg.days[d] = { attempts: (agg.days[d]?.attempts ?? 0) + 1, participants: agg.days[d]?.participants ?? 0 };
  }
  for (const at of firstAt.values()) {
    const d = vnDate(at);
    agg.days[d] = { attempts: agg.days[d]?.attempts ?? 0, participants: (agg.days[d]?.participants ?? 0) + 1 };
  }
  agg.attempts = attempts.length;
  for (const s of final.values()) {
    agg.participants += 1;
    agg.sumBestCorrect += s.bestCorrect;
    agg.histogram[s.bestCorrect] = (agg.histogram[s.bestCorrect] ?? 0) + 1;
    const u = agg.units[s.unitId] ?? { participants: 0, sumBestCorrect: 0 };
    agg.units[s.unitId] = { participants: u.participants + 1, sumBestCorrect: u.sumBestCorrect + s.bestCorrect };
    if (s.village) agg.villages[s.village] = (agg.villages[s.village] ?? 0) + 1;
  }
  return agg;
}

describe('aggregate deltas are exact', () => {
  const attempt = fc.record({
    person: fc.constantFrom('p1', 'p2', 'p3', 'p4', 'p5'),
    at: fc.integer({ min: day(1, 0), max: day(5, 0) }),
    correct: fc.integer({ min: 0, max: 5 }),
    unitId: fc.constantFrom('u1', 'u2', 'u3'),
    village: fc.constantFrom('Thôn 1', 'Thôn 2', null),
  });

  it('applying every delta equals recomputing from scratch, also when summed over shards', () => {
    fc.assert(
      fc.property(fc.array(attempt, { maxLength: 40 }), fc.boolean(), fc.integer({ min: 1, max: 4 }), (raw, keepFirstUnit, shards) => {
        const sorted = [...raw].sort((a, b) => a.at - b.at);
        const standing = new Map<string, PersonStanding>();
        const counters: ContestAggregate[] = Array.from({ length: shards }, emptyAggregate);
        const history: { person: string; at: number; correct: number; standing: PersonStanding }[] = [];
        for (const a of sorted) {
          const before = standing.get(a.person) ?? null;
          // The storage layer may keep the first registration's unit or take the latest: both must stay exact.
          const registration = keepFirstUnit && before ? { unitId: before.unitId, village: before.village ?? null } : a;
          const after = { unitId: registration.unitId, village: registration.village, bestCorrect: Math.max(before?.bestCorrect ?? 0, a.correct) };
          const shard = Number(a.person.slice(1)) % shards;
          counters[shard] = addAggregates(counters[shard]!, aggregateDelta(before, after, a.at));
          standing.set(a.person, after);
          history.push({ person: a.person, at: a.at, correct: a.correct, standing: after });
        }
        const total = counters.reduce(addAggregates, emptyAggregate());
        expect(total).toEqual(recompute(history));
        expect(Object.values(total.histogram).every((n) => n > 0)).toBe(true);
        expect(Object.values(total.histogram).reduce((s, n) => s + n, 0)).toBe(total.participants);
      }),
      { numRuns: 300 },
    );
  });
});
