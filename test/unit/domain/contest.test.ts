import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import {
  answersThatCount,
  applyContestPatch,
  assertCanClose,
  assertCanPublish,
  assertCanStartAttempt,
  attemptDeadline,
  attemptsLeft,
  canSaveAnswers,
  canStartAttempt,
  contestIssues,
  contestPhase,
  durationMs,
  editableFields,
  GRACE_MS,
  isLateSubmit,
  isValidBirthYear,
  mergeSavedAnswers,
  reviewVisible,
  type SavedAnswers,
} from '../../../functions/domain/contest.ts';
import {
  AttemptsExhausted,
  ContestNotOpen,
  InvalidState,
  NotEnoughQuestions,
  ValidationFailed,
} from '../../../functions/domain/errors.ts';
import { makeContest } from '../../factories/domain.ts';

const contest = makeContest({ startsAt: '2024-06-01T00:00:00.000Z', endsAt: '2024-06-30T00:00:00.000Z' });

describe('contestPhase', () => {
  it.each([
    ['draft', '2024-06-10T00:00:00.000Z', 'draft'],
    ['closed', '2024-06-10T00:00:00.000Z', 'closed'],
    ['published', '2024-05-31T23:59:59.999Z', 'scheduled'],
    ['published', '2024-06-01T00:00:00.000Z', 'open'],
    ['published', '2024-06-29T23:59:59.999Z', 'open'],
    ['published', '2024-06-30T00:00:00.000Z', 'ended'],
    ['published', '2024-07-15T00:00:00.000Z', 'ended'],
  ] as const)('%s at %s is %s', (status, now, phase) => {
    expect(contestPhase({ ...contest, status }, now)).toBe(phase);
    expect(canStartAttempt({ ...contest, status }, Date.parse(now))).toBe(phase === 'open');
  });
});

describe('assertCanStartAttempt', () => {
  const open = '2024-06-10T00:00:00.000Z';

  it('passes while open with attempts left', () => {
    expect(() => assertCanStartAttempt(contest, open, 2)).not.toThrow();
  });

  it.each([
    [{ ...contest, status: 'draft' as const }, open],
    [{ ...contest, status: 'closed' as const }, open],
    [contest, '2024-05-01T00:00:00.000Z'],
    [contest, '2024-07-01T00:00:00.000Z'],
  ])('throws ContestNotOpen (%#)', (c, now) => {
    expect(() => assertCanStartAttempt(c, now, 0)).toThrow(ContestNotOpen);
  });

  it('throws AttemptsExhausted once maxAttempts have started', () => {
    expect(() => assertCanStartAttempt(contest, open, 3)).toThrow(AttemptsExhausted);
    expect(attemptsLeft(3, 5)).toBe(0);
    expect(attemptsLeft(3, 1)).toBe(2);
  });
});

describe('publish and close', () => {
  const draft = makeContest({ status: 'draft', questionsPerAttempt: 20 });
  const before = '2024-05-20T00:00:00.000Z';

  it('publishes a draft with enough questions', () => {
    expect(() => assertCanPublish(draft, 20, before)).not.toThrow();
  });

  it.each([
    [makeContest({ status: 'published' }), 50, before, InvalidState],
    [draft, 19, before, NotEnoughQuestions],
    [draft, 50, '2024-07-01T00:00:00.000Z', ValidationFailed],
  ])('refuses (%#)', (c, bank, now, error) => {
    expect(() => assertCanPublish(c, bank, now)).toThrow(error);
  });

  it('closes only a published contest', () => {
    expect(() => assertCanClose({ status: 'published' })).not.toThrow();
    expect(() => assertCanClose({ status: 'draft' })).toThrow(InvalidState);
    expect(() => assertCanClose({ status: 'closed' })).toThrow(InvalidState);
  });
});

describe('editing', () => {
  it('lists editable fields per status', () => {
    expect(editableFields('draft')).toContain('questionsPerAttempt');
    expect([...editableFields('published')].sort()).toEqual(['description', 'endsAt', 'rounds', 'rules']);
    expect(editableFields('closed')).toEqual([]);
  });

  it('lets a draft change anything valid', () => {
    const draft = makeContest({ status: 'draft' });
    expect(applyContestPatch(draft, { timeLimitSec: 600, title: 'Mới' })).toMatchObject({ timeLimitSec: 600, title: 'Mới' });
  });

  it('lets a published contest change its wording and end later', () => {
    const next = applyContestPatch(contest, { rules: 'Thể lệ mới', endsAt: '2024-07-05T00:00:00.000Z' });
    expect(next).toMatchObject({ rules: 'Thể lệ mới', endsAt: '2024-07-05T00:00:00.000Z' });
    expect(contest.rules).not.toBe('Thể lệ mới');
  });

  it('accepts unchanged locked fields, so a form can send everything', () => {
    expect(() => applyContestPatch(contest, { ...contest, description: 'x' })).not.toThrow();
  });

  it.each([
    [{ timeLimitSec: 60 }],
    [{ questionsPerAttempt: 10 }],
    [{ unitIds: ['u-other'] }],
    [{ prediction: null }],
    [{ startsAt: '2024-05-01T00:00:00.000Z' }],
  ])('refuses %j on a published contest', (patch) => {
    expect(() => applyContestPatch(contest, patch)).toThrow(InvalidState);
  });

  it('refuses an earlier end on a published contest', () => {
    expect(() => applyContestPatch(contest, { endsAt: '2024-06-20T00:00:00.000Z' })).toThrow(ValidationFailed);
  });

  it('refuses any change on a closed contest', () => {
    expect(() => applyContestPatch({ ...contest, status: 'closed' }, { description: 'x' })).toThrow(InvalidState);
  });

  it('checks the merged result: an end before the start is refused', () => {
    const draft = makeContest({ status: 'draft' });
    expect(() => applyContestPatch(draft, { endsAt: '2024-05-01T00:00:00.000Z' })).toThrow(ValidationFailed);
  });
});

describe('contestIssues', () => {
  it('accepts the factory contest', () => {
    expect(contestIssues(makeContest())).toEqual([]);
  });

  it.each([
    [{ questionsPerAttempt: 0 }, 'questionsPerAttempt'],
    [{ questionsPerAttempt: 201 }, 'questionsPerAttempt'],
    [{ questionsPerAttempt: 2.5 }, 'questionsPerAttempt'],
    [{ timeLimitSec: 29 }, 'timeLimitSec'],
    [{ timeLimitSec: 14_401 }, 'timeLimitSec'],
    [{ maxAttempts: 0 }, 'maxAttempts'],
    [{ maxAttempts: 101 }, 'maxAttempts'],
    [{ title: 'ab' }, 'title'],
    [{ startsAt: 'tomorrow' }, 'startsAt'],
    [{ endsAt: '2024-06-01T00:00:00.000Z' }, 'endsAt'],
    [{ unitIds: [] }, 'unitIds'],
    [{ unitIds: ['a', 'a'] }, 'unitIds'],
    [{ villages: ['Thôn 1', 'thôn 1 '] }, 'villages'],
    [{ villages: [''] }, 'villages.0'],
    [{ prediction: { prompt: '' } }, 'prediction.prompt'],
  ])('%j is reported on %s', (override, field) => {
    expect(contestIssues(makeContest(override)).map((i) => i.field)).toContain(field);
  });

  it.each([[{ questionsPerAttempt: 1 }], [{ questionsPerAttempt: 200 }], [{ timeLimitSec: 30 }], [{ timeLimitSec: 14_400 }], [{ maxAttempts: 100 }], [{ prediction: null }]])(
    'bounds are inclusive: %j',
    (override) => {
      expect(contestIssues(makeContest(override))).toEqual([]);
    },
  );
});

describe('attempt clock', () => {
  it.each([
    ['2024-06-10T00:00:00.000Z', 900, '2024-06-10T00:15:00.000Z'],
    ['2024-06-29T23:50:00.000Z', 900, '2024-06-30T00:00:00.000Z'], // cut at the contest end
    ['2024-06-29T23:45:00.000Z', 900, '2024-06-30T00:00:00.000Z'],
  ])('started %s with %is -> deadline %s', (startedAt, limit, deadline) => {
    expect(attemptDeadline(startedAt, limit, contest.endsAt)).toBe(deadline);
  });

  const deadline = '2024-06-10T00:15:00.000Z';
  const at = (offsetMs: number) => Date.parse(deadline) + offsetMs;

  it.each([
    [-1_000, false, true],
    [0, false, true],
    [1, false, false],
    [GRACE_MS, false, false],
    [GRACE_MS + 1, true, false],
    [3_600_000, true, false],
  ])('%i ms after the deadline: late=%s, save accepted=%s', (offset, late, save) => {
    expect(isLateSubmit(at(offset), deadline)).toBe(late);
    expect(canSaveAnswers(at(offset), deadline)).toBe(save);
  });

  it('measures duration on server times', () => {
    expect(durationMs('2024-06-10T00:00:00.000Z', '2024-06-10T00:05:30.250Z')).toBe(330_250);
    expect(durationMs('2024-06-10T00:00:00.000Z', '2024-06-09T23:59:59.000Z')).toBe(0);
  });
});

describe('answersThatCount', () => {
  const deadline = '2024-06-10T00:15:00.000Z';
  const saved: SavedAnswers = {
    q1: { optionIds: ['a'], savedAt: '2024-06-10T00:05:00.000Z' },
    q2: { optionIds: ['b'], savedAt: '2024-06-10T00:15:00.000Z' },
    q3: { optionIds: ['c'], savedAt: '2024-06-10T00:15:00.001Z' }, // after the deadline: never counts
  };
  const submitted = { q1: ['d'], q4: ['a'] };

  it('on time: submitted answers over saved ones', () => {
    expect(answersThatCount(saved, submitted, '2024-06-10T00:10:00.000Z', deadline)).toEqual({ q1: ['d'], q2: ['b'], q4: ['a'] });
  });

  it('within the grace: the submitted answers still count', () => {
    expect(answersThatCount(saved, submitted, Date.parse(deadline) + GRACE_MS, deadline)).toEqual({
      q1: ['d'],
      q2: ['b'],
      q4: ['a'],
    });
  });

  it('after the grace: only what was saved by the deadline', () => {
    expect(answersThatCount(saved, submitted, Date.parse(deadline) + GRACE_MS + 1, deadline)).toEqual({ q1: ['a'], q2: ['b'] });
  });

  it('no submit (finalised at close): only what was saved by the deadline', () => {
    expect(answersThatCount(saved, null, '2024-06-11T00:00:00.000Z', deadline)).toEqual({ q1: ['a'], q2: ['b'] });
  });

  it('a late submit can never add or change an answer', () => {
    fc.assert(
      fc.property(
        fc.dictionary(fc.constantFrom('q1', 'q2', 'q9'), fc.array(fc.constantFrom('a', 'b', 'c'))),
        fc.integer({ min: GRACE_MS + 1, max: 10 * 86_400_000 }),
        (late, offset) => {
          expect(answersThatCount(saved, late, Date.parse(deadline) + offset, deadline)).toEqual(answersThatCount(saved, null, deadline, deadline));
        },
      ),
    );
  });
});

describe('mergeSavedAnswers', () => {
  it('replaces the named questions, stamps them with now and drops duplicate ids', () => {
    const before: SavedAnswers = { q1: { optionIds: ['a'], savedAt: '2024-06-10T00:01:00.000Z' } };
    const next = mergeSavedAnswers(before, { q2: ['b', 'b', 'c'] }, Date.parse('2024-06-10T00:02:00.000Z'));
    expect(next).toEqual({
      q1: { optionIds: ['a'], savedAt: '2024-06-10T00:01:00.000Z' },
      q2: { optionIds: ['b', 'c'], savedAt: '2024-06-10T00:02:00.000Z' },
    });
    expect(before).not.toHaveProperty('q2');
  });

  it('keeps a "__proto__" question id as plain data', () => {
    const next = mergeSavedAnswers({}, JSON.parse('{"__proto__":["a"]}'), 0);
    expect(Object.getPrototypeOf(next)).toBe(Object.prototype);
    expect(Object.keys(next)).toEqual(['__proto__']);
  });
});

describe('reviewVisible', () => {
  it.each([
    ['after_submit', 'published', true, true],
    ['after_submit', 'published', false, false],
    ['after_close', 'published', true, false],
    ['after_close', 'closed', true, true],
    [undefined, 'published', true, false],
    [undefined, 'closed', true, true],
    ['never', 'closed', true, false],
  ] as const)('%s, %s, submitted=%s -> %s', (mode, status, submitted, visible) => {
    expect(reviewVisible(mode, status, submitted)).toBe(visible);
  });
});

describe('isValidBirthYear', () => {
  it.each([
    [1900, true],
    [1899, false],
    [2024, true],
    [2025, true], // already 2025 in Vietnam at 17:00 UTC on 31 Dec 2024
    [2026, false],
    [1980.5, false],
  ])('%d -> %s', (year, ok) => {
    expect(isValidBirthYear(year, '2024-12-31T17:00:00.000Z')).toBe(ok);
  });
});
