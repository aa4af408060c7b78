import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { personContribution, attemptContribution, addAggregates, subtractAggregates, emptyAggregate, isEmptyDelta } from '#domain/aggregate.ts';
import { applyContestPatch, contestIssues, type Contest } from '#domain/contest.ts';
import { ContestNotOpen } from '#domain/errors.ts';
import { rankPeople } from '#domain/ranking.ts';
import {
  consecutiveRounds,
  currentRound,
  defaultRound,
  findRound,
  nextRoundStartsAt,
  roundAttemptsLeft,
  roundEnd,
  roundForStart,
  roundIssues,
  roundNoOf,
  roundsDue,
  roundsOf,
  roundStatus,
  type RoundedContest,
  type RoundInput,
} from '#domain/rounds.ts';

const DAY = 86_400_000;
const T0 = Date.parse('2026-03-02T00:00:00.000Z');
const iso = (ms: number) => new Date(ms).toISOString();

/** Week 1 and week 2 back to back, a gap day, then week 3 (8 days later). */
const weekly: RoundInput[] = [
  { name: 'Tuần 1', startsAt: iso(T0), endsAt: iso(T0 + 7 * DAY) },
  { name: 'Tuần 2', startsAt: iso(T0 + 7 * DAY), endsAt: iso(T0 + 14 * DAY) },
  { name: 'Tuần 3', startsAt: iso(T0 + 15 * DAY), endsAt: iso(T0 + 22 * DAY) },
];

const contest = (over: Partial<RoundedContest> = {}): RoundedContest => ({
  title: 'Tìm hiểu CCHC',
  status: 'published',
  startsAt: iso(T0),
  endsAt: iso(T0 + 28 * DAY),
  rounds: weekly,
  ...over,
});

describe('round validation', () => {
  const start = iso(T0);
  const end = iso(T0 + 28 * DAY);
  it.each<[string, RoundInput[] | null | undefined, string[]]>([
    ['no rounds: one implicit round', undefined, []],
    ['null rounds', null, []],
    ['weekly rounds with a gap', weekly, []],
    ['empty list', [], ['rounds']],
    ['53 rounds', Array.from({ length: 53 }, (_, i) => ({ name: `R${i}`, startsAt: iso(T0 + i * 1000), endsAt: iso(T0 + i * 1000 + 500) })), ['rounds']],
    ['starts before the contest', [{ name: 'A', startsAt: iso(T0 - 1), endsAt: iso(T0 + DAY) }], ['rounds.0.startsAt']],
    ['ends after the contest', [{ name: 'A', startsAt: iso(T0), endsAt: iso(T0 + 29 * DAY) }], ['rounds.0.endsAt']],
    ['ends before it starts', [{ name: 'A', startsAt: iso(T0 + DAY), endsAt: iso(T0 + DAY) }], ['rounds.0.endsAt']],
    ['overlapping', [weekly[0]!, { name: 'B', startsAt: iso(T0 + 6 * DAY), endsAt: iso(T0 + 8 * DAY) }], ['rounds.1.startsAt']],
    ['out of order', [weekly[1]!, weekly[0]!], ['rounds.1.startsAt']],
    ['a blank name', [{ ...weekly[0]!, name: '  ' }], ['rounds.0.name']],
    ['not a date', [{ name: 'A', startsAt: 'soon', endsAt: iso(T0 + DAY) }], ['rounds.0.startsAt']],
  ])('%s', (_, rounds, fields) => {
    expect(roundIssues(rounds, start, end).map((i) => i.field)).toEqual(fields);
  });

  it('is part of the contest rules', () => {
    const input = { title: 'Cuộc thi', startsAt: start, endsAt: iso(T0 + 10 * DAY), questionsPerAttempt: 5, timeLimitSec: 60, maxAttempts: 1, unitIds: ['u'], rounds: weekly };
    expect(contestIssues(input).map((i) => i.field)).toEqual(['rounds.1.endsAt', 'rounds.2.endsAt']);
  });

  it('accepts any generated in-order, non-overlapping rounds and refuses any overlap (property)', () => {
    fc.assert(
      fc.property(fc.array(fc.tuple(fc.integer({ min: 0, max: 5 * DAY }), fc.integer({ min: 1, max: 5 * DAY })), { minLength: 1, maxLength: 52 }), (spans) => {
        let t = T0;
        const rounds = spans.map(([gap, length], i) => {
          const r = { name: `Đợt ${i + 1}`, startsAt: iso(t + gap), endsAt: iso(t + gap + length) };
          t += gap + length;
          return r;
        });
        expect(roundIssues(rounds, iso(T0), iso(t))).toEqual([]);
        if (rounds.length > 1) {
          const overlapping = rounds.map((r, i) => (i === 1 ? { ...r, startsAt: iso(Date.parse(rounds[0]!.endsAt) - 1) } : r));
          expect(roundIssues(overlapping, iso(T0), iso(t)).some((i) => i.field === 'rounds.1.startsAt')).toBe(true);
        }
      }),
    );
  });
});

describe('round status and the current round', () => {
  it.each<[string, number, (string | null)[], string | null, string | null]>([
    // name, now, statuses, current, next start
    ['before the contest', T0 - 1, ['upcoming', 'upcoming', 'upcoming'], null, iso(T0)],
    ['in week 1', T0 + DAY, ['open', 'upcoming', 'upcoming'], 'r1', iso(T0 + 7 * DAY)],
    ['at the switch to week 2', T0 + 7 * DAY, ['ended', 'open', 'upcoming'], 'r2', iso(T0 + 15 * DAY)],
    ['in the gap', T0 + 14 * DAY + 1, ['ended', 'ended', 'upcoming'], null, iso(T0 + 15 * DAY)],
    ['after the last round', T0 + 23 * DAY, ['ended', 'ended', 'ended'], null, null],
  ])('%s', (_, now, statuses, current, next) => {
    const c = contest();
    expect(roundsOf(c).map((r) => roundStatus(c, r, now))).toEqual(statuses);
    expect(currentRound(c, now)?.id ?? null).toBe(current);
    expect(nextRoundStartsAt(c, now)).toBe(next);
  });

  it('a final round stays final; a draft has only upcoming rounds', () => {
    const c = contest({ roundState: { '1': { finalizedAt: iso(T0 + 8 * DAY), participants: 3 } } });
    expect(roundStatus(c, roundsOf(c)[0]!, T0 + 9 * DAY)).toBe('final');
    const draft = contest({ status: 'draft' });
    expect(roundsOf(draft).map((r) => roundStatus(draft, r, T0 + DAY))).toEqual(['upcoming', 'upcoming', 'upcoming']);
  });

  it('a round closed early ends then, and takes no starts', () => {
    const c = contest({ roundState: { '1': { closedAt: iso(T0 + 2 * DAY) } } });
    expect(roundEnd(c, roundsOf(c)[0]!)).toBe(iso(T0 + 2 * DAY));
    expect(roundStatus(c, roundsOf(c)[0]!, T0 + 3 * DAY)).toBe('ended');
    expect(() => roundForStart(c, T0 + 3 * DAY)).toThrow(ContestNotOpen);
  });

  it('closing the contest ends its open round and makes later rounds final, never held', () => {
    const c = contest({ status: 'closed', closedAt: iso(T0 + 8 * DAY) });
    const now = T0 + 8 * DAY + 1000;
    expect(roundsOf(c).map((r) => roundStatus(c, r, now))).toEqual(['ended', 'ended', 'final']);
    expect(roundEnd(c, roundsOf(c)[1]!)).toBe(iso(T0 + 8 * DAY));
    expect(currentRound(c, now)).toBeUndefined();
    expect(nextRoundStartsAt(c, now)).toBeNull();
  });

  it('without rounds: one implicit round equal to the window, finalised by the contest close', () => {
    const c = contest({ rounds: undefined });
    const [only] = roundsOf(c);
    expect(only).toMatchObject({ id: 'r1', no: 1, explicit: false, startsAt: c.startsAt, endsAt: c.endsAt, name: c.title });
    expect(roundStatus(c, only!, T0 + 29 * DAY)).toBe('ended');
    expect(roundsDue(c, T0 + 40 * DAY, 30_000)).toEqual([]);
    const closed = { ...c, status: 'closed', closedAt: iso(T0 + 29 * DAY), finalizedAt: iso(T0 + 29 * DAY) };
    expect(roundStatus(closed, only!, T0 + 30 * DAY)).toBe('final');
  });
});

describe('starts between rounds', () => {
  it('give CONTEST_NOT_OPEN with nextRoundStartsAt', () => {
    try {
      roundForStart(contest(), T0 + 14 * DAY + 5);
      expect.unreachable();
    } catch (e) {
      expect(e).toBeInstanceOf(ContestNotOpen);
      expect((e as ContestNotOpen).details).toEqual({ nextRoundStartsAt: iso(T0 + 15 * DAY) });
    }
  });
  it('belong to the open round', () => {
    expect(roundForStart(contest(), T0 + 16 * DAY).id).toBe('r3');
  });
  it('after the last round: not open, no next round', () => {
    expect(() => roundForStart(contest(), T0 + 23 * DAY)).toThrow(/not open/);
  });
  it('attempts left count per round', () => {
    expect(roundAttemptsLeft(3, 0)).toBe(3);
    expect(roundAttemptsLeft(3, 3)).toBe(0);
    expect(roundAttemptsLeft(3, 5)).toBe(0);
  });
});

describe('which round a read means', () => {
  it.each<[number, string]>([
    [T0 - DAY, 'r1'],
    [T0 + DAY, 'r1'],
    [T0 + 8 * DAY, 'r2'],
    [T0 + 14 * DAY + 1, 'r2'],
    [T0 + 30 * DAY, 'r3'],
  ])('at %s: %s', (now, id) => {
    expect(defaultRound(contest(), now).id).toBe(id);
  });
  it('round ids', () => {
    expect(roundNoOf('r12')).toBe(12);
    expect(roundNoOf('r0')).toBeUndefined();
    expect(roundNoOf('x1')).toBeUndefined();
    expect(findRound(contest(), 'r4')).toBeUndefined();
  });
});

describe('rounds due for finalisation', () => {
  it('once the window plus the grace has passed, until final', () => {
    const c = contest();
    const end1 = T0 + 7 * DAY;
    expect(roundsDue(c, end1 + 29_999, 30_000)).toEqual([]);
    expect(roundsDue(c, end1 + 30_000, 30_000).map((r) => r.id)).toEqual(['r1']);
    const final1 = contest({ roundState: { '1': { finalizedAt: iso(end1 + 40_000) } } });
    expect(roundsDue(final1, end1 + 60_000, 30_000)).toEqual([]);
  });
  it('a closed-early round is due from its close; a never-held round is not', () => {
    const c = contest({ roundState: { '1': { closedAt: iso(T0 + DAY) } } });
    expect(roundsDue(c, T0 + DAY + 30_000, 30_000).map((r) => r.id)).toEqual(['r1']);
    const closed = contest({ status: 'closed', closedAt: iso(T0 + DAY) });
    expect(roundsDue(closed, T0 + 30 * DAY, 30_000).map((r) => r.id)).toEqual(['r1']);
  });
});

describe('changing the rounds of a published contest', () => {
  const published = { ...contest(), id: 'c', questionsPerAttempt: 5, timeLimitSec: 60, maxAttempts: 2, unitIds: ['u'], status: 'published' } as Contest;
  const now = T0 + DAY;
  it('renames and a later end of the open round are allowed', () => {
    const next = [{ ...weekly[0]!, name: 'Tuần thứ nhất', endsAt: iso(T0 + 7 * DAY) }, weekly[1]!, { ...weekly[2]!, endsAt: iso(T0 + 23 * DAY) }];
    expect(applyContestPatch(published, { rounds: next }, now).rounds).toEqual(next);
  });
  it.each<[string, RoundInput[] | null]>([
    ['removing the rounds', null],
    ['dropping a round', weekly.slice(0, 2)],
    ['moving a start', [weekly[0]!, { ...weekly[1]!, startsAt: iso(T0 + 8 * DAY) }, weekly[2]!]],
    ['ending a round earlier', [{ ...weekly[0]!, endsAt: iso(T0 + 6 * DAY) }, weekly[1]!, weekly[2]!]],
  ])('%s is refused', (_, rounds) => {
    expect(() => applyContestPatch(published, { rounds }, now)).toThrow();
  });
  it('adding a future round at the end is allowed', () => {
    const next = [...weekly, { name: 'Tuần 4', startsAt: iso(T0 + 22 * DAY), endsAt: iso(T0 + 28 * DAY) }];
    expect(applyContestPatch(published, { rounds: next }, now).rounds).toHaveLength(4);
  });
});

describe('per-round ranking', () => {
  it('uses the round’s own participant count for the prediction distance', () => {
    // Round 2 has 3 participants: the prediction 3 wins the tie on correct answers over 10.
    const people = [
      { personKey: 'a', correctCount: 5, durationMs: 1000, submittedAt: iso(T0), prediction: 10 },
      { personKey: 'b', correctCount: 5, durationMs: 9000, submittedAt: iso(T0 + 1), prediction: 3 },
      { personKey: 'c', correctCount: 4, durationMs: 500, submittedAt: iso(T0 + 2), prediction: 3 },
    ];
    expect(rankPeople(people, { mode: 'final', participants: 3 }).map((p) => p.personKey)).toEqual(['b', 'a', 'c']);
    expect(rankPeople(people, { mode: 'final', participants: 10 }).map((p) => p.personKey)).toEqual(['a', 'b', 'c']);
  });
});

describe('counters over rounds', () => {
  const person = (over: Record<string, unknown>) => ({ unitId: 'u1', village: 'Thôn A', ...over });
  it('a person in two rounds is one participant of the contest and one of each round', () => {
    const p = person({
      best_r1: { correctCount: 4 },
      firstScoredAt_r1: iso(T0 + 3600_000),
      best_r2: { correctCount: 7 },
      firstScoredAt_r2: iso(T0 + 8 * DAY),
      firstScoredAt: iso(T0 + 3600_000),
    });
    const agg = personContribution(p);
    expect(agg.participants).toBe(1);
    expect(agg.units.u1).toEqual({ participants: 1, sumBestCorrect: 7 });
    expect(agg.rounds?.['1']?.participants).toBe(1);
    expect(agg.rounds?.['1']?.sumBestCorrect).toBe(4);
    expect(agg.rounds?.['2']?.units.u1).toEqual({ participants: 1, sumBestCorrect: 7 });
  });
  it('an attempt counts in its round', () => {
    const agg = attemptContribution({ status: 'submitted', outcome: { submittedAt: iso(T0) }, roundNo: 2 });
    expect(agg.attempts).toBe(1);
    expect(agg.rounds?.['2']?.attempts).toBe(1);
  });
  it('a v1 person (no rounds) adds no round counters', () => {
    expect(personContribution(person({ best: { correctCount: 3 } })).rounds).toBeUndefined();
  });
  it('contribution(new) - contribution(old) sums back to the new one (property)', () => {
    const roundsArb = fc.dictionary(fc.constantFrom('1', '2', '3'), fc.integer({ min: 0, max: 20 }), { maxKeys: 3 });
    fc.assert(
      fc.property(roundsArb, roundsArb, (a, b) => {
        const item = (r: Record<string, number>) => person(Object.fromEntries(Object.entries(r).map(([no, c]) => [`best_r${no}`, { correctCount: c }])));
        const before = personContribution(item(a));
        const after = personContribution(item(b));
        const delta = subtractAggregates(after, before);
        const back = addAggregates(before, delta);
        expect(isEmptyDelta(subtractAggregates(back, after))).toBe(true);
        expect(after.participants).toBe(Object.keys(b).length > 0 ? 1 : 0);
        expect(isEmptyDelta(subtractAggregates(emptyAggregate(), emptyAggregate()))).toBe(true);
      }),
    );
  });
});

describe('the weekly helper', () => {
  it('fills N back-to-back rounds of 7 days', () => {
    const rounds = consecutiveRounds(T0, 4, 7, (n) => `Tuần ${n}`);
    expect(rounds).toHaveLength(4);
    expect(rounds[0]).toEqual({ name: 'Tuần 1', startsAt: iso(T0), endsAt: iso(T0 + 7 * DAY) });
    expect(rounds[3]!.endsAt).toBe(iso(T0 + 28 * DAY));
    expect(roundIssues(rounds, iso(T0), iso(T0 + 28 * DAY))).toEqual([]);
  });
});
