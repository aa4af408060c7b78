import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import {
  bestAttempt,
  betterAttempt,
  compareFinal,
  compareLive,
  predictionError,
  rankPeople,
  rankUnits,
  replacesBest,
  unitStanding,
  type RankEntry,
} from '../../../functions/domain/ranking.ts';
import { makeEntry } from '../../factories/domain.ts';

const t = (minute: number) => new Date(Date.UTC(2024, 5, 10, 3, minute)).toISOString();

// Few distinct values, so ties on every criterion are frequent.
const entry = fc.record({
  personKey: fc.stringMatching(/^0[35789]\d{2}$/),
  correctCount: fc.integer({ min: 0, max: 3 }),
  durationMs: fc.integer({ min: 0, max: 3 }),
  submittedAt: fc.integer({ min: 0, max: 3 }).map(t),
  prediction: fc.option(fc.integer({ min: 0, max: 6 }), { nil: null }),
});
const entries = fc.uniqueArray(entry, { selector: (e) => e.personKey, minLength: 1, maxLength: 30 });
const participants = fc.option(fc.integer({ min: 0, max: 6 }), { nil: null });


// Plain checks in the O(n^3) loop, one expect at the end: expect() per triple is slow.
function expectTotalOrder(list: RankEntry[], compare: (a: RankEntry, b: RankEntry) => number) {
  const broken: string[] = [];
  for (const a of list) {
    if (compare(a, a) !== 0) broken.push(`reflexive ${a.personKey}`);
    for (const b of list) {
      const ab = compare(a, b);
      if (Math.sign(ab) !== -Math.sign(compare(b, a)) || Number.isNaN(ab)) broken.push(`antisymmetric ${a.personKey} ${b.personKey}`);
      if (a !== b && ab === 0) broken.push(`total ${a.personKey} ${b.personKey}`);
      if (ab >= 0) continue;
      for (const c of list) {
        if (compare(b, c) < 0 && !(compare(a, c) < 0)) broken.push(`transitive ${a.personKey} ${b.personKey} ${c.personKey}`);
      }
    }
  }
  expect(broken).toEqual([]);
}

describe('betterAttempt', () => {
  it.each([
    [{ correctCount: 10, durationMs: 900, submittedAt: t(9) }, { correctCount: 9, durationMs: 1, submittedAt: t(1) }, 'more correct wins'],
    [{ correctCount: 9, durationMs: 100, submittedAt: t(9) }, { correctCount: 9, durationMs: 200, submittedAt: t(1) }, 'then shorter'],
    [{ correctCount: 9, durationMs: 100, submittedAt: t(1) }, { correctCount: 9, durationMs: 100, submittedAt: t(2) }, 'then earlier'],
  ])('%j beats %j (%s)', (a, b) => {
    expect(betterAttempt(a, b)).toBeLessThan(0);
    expect(betterAttempt(b, a)).toBeGreaterThan(0);
  });

  it('picks the best attempt, keeping the earlier one on a full tie', () => {
    const a1 = { id: 1, correctCount: 12, durationMs: 500, submittedAt: t(1) };
    const a2 = { id: 2, correctCount: 15, durationMs: 800, submittedAt: t(2) };
    const a3 = { id: 3, correctCount: 15, durationMs: 700, submittedAt: t(3) };
    expect(bestAttempt([a1, a2, a3])?.id).toBe(3);
    expect(bestAttempt([])).toBeUndefined();
    expect(replacesBest(a3, null)).toBe(true);
    expect(replacesBest(a1, a3)).toBe(false);
    expect(replacesBest({ ...a3 }, a3)).toBe(false);
  });

  it('bestAttempt is the minimum under betterAttempt, whatever the order', () => {
    const attempt = fc.record({
      correctCount: fc.integer({ min: 0, max: 3 }),
      durationMs: fc.integer({ min: 0, max: 3 }),
      submittedAt: fc.integer({ min: 0, max: 5 }).map(t),
    });
    fc.assert(
      fc.property(fc.array(attempt, { minLength: 1, maxLength: 10 }), (attempts) => {
        const best = bestAttempt(attempts)!;
        for (const a of attempts) expect(betterAttempt(best, a)).toBeLessThanOrEqual(0);
        expect(betterAttempt(bestAttempt([...attempts].reverse())!, best)).toBe(0);
      }),
    );
  });
});

describe('compareLive and compareFinal are total orders', () => {
  it('live', () => {
    fc.assert(fc.property(entries, (list) => expectTotalOrder(list, compareLive)), { numRuns: 200 });
  });

  it('final', () => {
    fc.assert(
      fc.property(entries, participants, (list, p) => expectTotalOrder(list, (a, b) => compareFinal(a, b, p))),
      { numRuns: 200 },
    );
  });

  it('rankPeople gives ranks 1..n in comparator order, whatever the input order', () => {
    fc.assert(
      fc.property(entries, participants, fc.boolean(), (list, p, final) => {
        const rule = final ? ({ mode: 'final', participants: p } as const) : ({ mode: 'live' } as const);
        const ranked = rankPeople(list, rule);
        expect(ranked.map((r) => r.rank)).toEqual(list.map((_, i) => i + 1));
        expect(rankPeople([...list].reverse(), rule).map((r) => r.personKey)).toEqual(ranked.map((r) => r.personKey));
        const compare = (a: RankEntry, b: RankEntry) => (final ? compareFinal(a, b, p) : compareLive(a, b));
        for (let i = 1; i < ranked.length; i++) expect(compare(ranked[i - 1]!, ranked[i]!)).toBeLessThan(0);
      }),
    );
  });
});

describe('live ranking', () => {
  it('orders by correct, duration, submission, then person key; prediction plays no part', () => {
    const list = [
      makeEntry({ personKey: 'e', correctCount: 10, durationMs: 100, submittedAt: t(1), prediction: 100 }),
      makeEntry({ personKey: 'd', correctCount: 12, durationMs: 900, submittedAt: t(5) }),
      makeEntry({ personKey: 'c', correctCount: 10, durationMs: 50, submittedAt: t(9) }),
      makeEntry({ personKey: 'b', correctCount: 10, durationMs: 100, submittedAt: t(0) }),
      makeEntry({ personKey: 'a', correctCount: 10, durationMs: 100, submittedAt: t(1) }),
    ];
    const ranked = rankPeople(list, { mode: 'live' });
    expect(ranked.map((r) => [r.rank, r.personKey])).toEqual([
      [1, 'd'],
      [2, 'c'],
      [3, 'b'],
      [4, 'a'],
      [5, 'e'],
    ]);
    expect(ranked.every((r) => r.predictionError === null)).toBe(true);
  });
});

describe('final ranking', () => {
  const list = [
    makeEntry({ personKey: 'none-fast', correctCount: 10, durationMs: 10, prediction: null }),
    makeEntry({ personKey: 'far', correctCount: 10, durationMs: 500, prediction: 300 }),
    makeEntry({ personKey: 'close-slow', correctCount: 10, durationMs: 900, prediction: 95 }),
    makeEntry({ personKey: 'close-fast', correctCount: 10, durationMs: 100, prediction: 105 }),
    makeEntry({ personKey: 'top', correctCount: 11, durationMs: 999, prediction: null }),
  ];

  it('at equal correct: prediction distance, people without a prediction after those with one', () => {
    const ranked = rankPeople(list, { mode: 'final', participants: 100 });
    expect(ranked.map((r) => [r.personKey, r.predictionError])).toEqual([
      ['top', null],
      ['close-fast', 5],
      ['close-slow', 5],
      ['far', 200],
      ['none-fast', null],
    ]);
  });

  it('falls back to the live rule when the contest has no prediction question', () => {
    const final = rankPeople(list, { mode: 'final', participants: null }).map((r) => r.personKey);
    expect(final).toEqual(rankPeople(list, { mode: 'live' }).map((r) => r.personKey));
  });

  it('anyone with a prediction ranks above anyone without at equal correct', () => {
    fc.assert(
      fc.property(entries, fc.integer({ min: 0, max: 6 }), (list, p) => {
        for (const a of list) {
          for (const b of list) {
            if (a.correctCount === b.correctCount && a.prediction != null && b.prediction == null) {
              expect(compareFinal(a, b, p)).toBeLessThan(0);
            }
          }
        }
      }),
    );
  });

  it.each([
    [120, 100, 20],
    [80, 100, 20],
    [100, 100, 0],
    [null, 100, null],
    [undefined, 100, null],
  ])('predictionError(%j, %i) = %j', (prediction, p, expected) => {
    expect(predictionError(prediction, p)).toBe(expected);
  });
});

describe('units', () => {
  it.each([
    [{ memberCount: 200, participants: 70, sumBestCorrect: 1050 }, 0.35, 15],
    [{ memberCount: 40, participants: 50, sumBestCorrect: 500 }, 1.25, 10],
    [{ memberCount: 0, participants: 3, sumBestCorrect: 30 }, 0, 10],
    [{ memberCount: 100, participants: 0, sumBestCorrect: 0 }, 0, 0],
    [{ memberCount: 3, participants: 1, sumBestCorrect: 2 }, 1 / 3, 2],
  ])('%j -> rate %d, average %d (full precision)', (counters, rate, average) => {
    expect(unitStanding(counters)).toEqual({ participationRate: rate, averageCorrect: average });
  });

  it('ranks by rate, then participants, then average correct; exact ties share a rank', () => {
    const units = [
      { unitId: 'u1', name: 'Hội Nông dân', memberCount: 100, participants: 35, sumBestCorrect: 350 }, // 0.35
      { unitId: 'u2', name: 'Đoàn Thanh niên', memberCount: 40, participants: 50, sumBestCorrect: 400 }, // 1.25
      { unitId: 'u3', name: 'Hội Phụ nữ', memberCount: 200, participants: 70, sumBestCorrect: 700 }, // 0.35, more people
      { unitId: 'u4', name: 'Công đoàn', memberCount: 20, participants: 7, sumBestCorrect: 105 }, // 0.35, fewer people
      { unitId: 'u5', name: 'Cựu chiến binh', memberCount: 100, participants: 35, sumBestCorrect: 420 }, // 0.35, better average
      { unitId: 'u6', name: 'Trường học', memberCount: 60, participants: 0, sumBestCorrect: 0 },
      { unitId: 'u7', name: 'Bà con', memberCount: 30, participants: 0, sumBestCorrect: 0 },
      { unitId: 'u8', name: 'Hội Người cao tuổi', memberCount: 200, participants: 70, sumBestCorrect: 700 }, // same as u3
    ];
    const ranked = rankUnits(units);
    expect(ranked.map((u) => [u.rank, u.unitId])).toEqual([
      [1, 'u2'],
      [2, 'u8'], // 'Hội Người cao tuổi' is listed before 'Hội Phụ nữ', same rank
      [2, 'u3'],
      [4, 'u5'],
      [5, 'u1'],
      [6, 'u4'],
      [7, 'u7'], // 'Bà con' before 'Trường học' only in listing order
      [7, 'u6'],
    ]);
    expect(ranked[0]).toMatchObject({ participationRate: 1.25, averageCorrect: 8 });
  });

  it('orders alphabetically the Vietnamese way among ties', () => {
    const tie = { memberCount: 10, participants: 1, sumBestCorrect: 1 };
    const ranked = rankUnits([
      { unitId: '1', name: 'Thôn Đăk', ...tie },
      { unitId: '2', name: 'Thôn Dơn', ...tie },
      { unitId: '3', name: 'Thôn Ân', ...tie },
    ]);
    expect(ranked.map((u) => u.name)).toEqual(['Thôn Ân', 'Thôn Dơn', 'Thôn Đăk']);
    expect(ranked.map((u) => u.rank)).toEqual([1, 1, 1]);
  });

  it('rank numbers are competition ranks over a non-increasing standing', () => {
    const unit = fc.record({
      unitId: fc.uuid(),
      name: fc.constantFrom('A', 'B', 'C'),
      memberCount: fc.integer({ min: 0, max: 5 }),
      participants: fc.integer({ min: 0, max: 5 }),
      sumBestCorrect: fc.integer({ min: 0, max: 10 }),
    });
    fc.assert(
      fc.property(fc.array(unit, { maxLength: 20 }), (units) => {
        const ranked = rankUnits(units);
        ranked.forEach((u, i) => {
          const prev = ranked[i - 1];
          if (!prev) return expect(u.rank).toBe(1);
          expect(prev.participationRate).toBeGreaterThanOrEqual(u.participationRate);
          const tied =
            prev.participationRate === u.participationRate &&
            prev.participants === u.participants &&
            prev.averageCorrect === u.averageCorrect;
          expect(u.rank).toBe(tied ? prev.rank : i + 1);
        });
      }),
    );
  });
});
