import { describe, expect, it } from 'vitest';
import { matchPath } from '../../../web/src/lib/router.svelte.ts';
import { contestPhase } from '../../../web/src/lib/contest.ts';
import { findRank, maskedPhoneMatches, readReview } from '../../../web/src/lib/result.ts';
import type { LeaderboardEntry } from '../../../web/src/lib/api/types.ts';

describe('matchPath', () => {
  it.each([
    ['/', { name: 'home' }],
    ['', { name: 'home' }],
    ['/contests/c-1', { name: 'contest', contestId: 'c-1' }],
    ['/contests/c%201/', { name: 'contest', contestId: 'c 1' }],
    ['/attempts/a1', { name: 'attempt', attemptId: 'a1' }],
    ['/admin', { name: 'staff', path: '/' }],
    ['/admin/contests/1', { name: 'staff', path: '/contests/1' }],
    ['/contests', { name: 'notFound' }],
    ['/contests/%E0%A4%A', { name: 'notFound' }],
    ['/x/y/z', { name: 'notFound' }],
  ])('%s', (path, want) => {
    expect(matchPath(path)).toEqual(want);
  });
});

describe('contestPhase', () => {
  const c = { status: 'published' as const, startsAt: '2024-05-01T00:00:00Z', endsAt: '2024-05-10T00:00:00Z' };
  it.each([
    ['2024-04-30T23:59:59Z', 'upcoming'],
    ['2024-05-01T00:00:00Z', 'open'],
    ['2024-05-10T00:00:00Z', 'ended'],
  ])('%s -> %s', (now, want) => {
    expect(contestPhase(c, Date.parse(now))).toBe(want);
  });
  it('a closed contest has ended whatever the clock says', () => {
    expect(contestPhase({ ...c, status: 'closed' }, Date.parse('2024-05-02T00:00:00Z'))).toBe('ended');
  });
});

const entry = (over: Partial<LeaderboardEntry>): LeaderboardEntry => ({
  rank: 1,
  fullName: 'A Lâm',
  phoneMasked: '0912***678',
  unitId: 'u1',
  unitName: 'Hội Nông dân',
  village: null,
  correctCount: 8,
  durationMs: 90_000,
  ...over,
});

describe('findRank', () => {
  const me = { fullName: 'a  lâm', phone: '0912345678', unitId: 'u1' };
  it('finds the person by name, unit, visible phone digits and best score', () => {
    const items = [entry({ rank: 1, fullName: 'Y Bình', phoneMasked: '0988***111' }), entry({ rank: 2 }), entry({ rank: 3, phoneMasked: '0912***999' })];
    expect(findRank(items, me, { correctCount: 8, durationMs: 90_000 })).toBe(2);
  });
  it('is undefined when the score differs or the person is not listed', () => {
    expect(findRank([entry({ correctCount: 7 })], me, { correctCount: 8, durationMs: 90_000 })).toBeUndefined();
    expect(findRank([], me)).toBeUndefined();
  });
  it.each([
    ['0912***678', true],
    ['*******678', true],
    ['+84 912 *** 678', true],
    ['0912***679', false],
    ['***', true],
  ])('masked %s matches 0912345678: %s', (masked, want) => {
    expect(maskedPhoneMatches(masked, '0912345678')).toBe(want);
  });
});

describe('readReview', () => {
  it('reads what the server sends, by question id', () => {
    const m = readReview([
      { questionId: 'q1', isCorrect: false, chosen: ['b'], correctOptionIds: ['a'] },
      { questionId: 'q2', isCorrect: true, chosen: ['c', 'd'], correctOptionIds: ['c', 'd'], explanation: 'Vì...' },
    ]);
    expect(m.get('q1')).toEqual({ correct: ['a'], chosen: ['b'], isCorrect: false });
    expect(m.get('q2')).toEqual({ correct: ['c', 'd'], chosen: ['c', 'd'], isCorrect: true, explanation: 'Vì...' });
  });
  it('is empty when the contest shows no answers', () => {
    expect(readReview(undefined).size).toBe(0);
    expect(readReview([]).size).toBe(0);
  });
});
