import { describe, expect, it, vi } from 'vitest';
import {
  AttemptClosed,
  AttemptsExhausted,
  ContestNotOpen,
  Forbidden,
  InvalidState,
  NotFound,
  PhoneNameMismatch,
  ValidationFailed,
} from '../../../functions/domain/errors.ts';
import type { FakeSystem } from '../../factories/fakes.ts';
import { answersWith, contestBody, openContest, optionIdsFor, participant, phoneOf, rejection, system, takeAttempt } from './helpers.ts';

const SEC = 1000;

async function started(overrides: Parameters<typeof openContest>[1] = {}, bankSize = 8) {
  const sys = system();
  const contest = await openContest(sys, overrides, bankSize);
  const attempt = await sys.attemptCases.start(contest.id, participant(1));
  return { sys, contest, attempt };
}

describe('attemptUseCases.start', () => {
  it('draws questionsPerAttempt distinct questions and sends no answer key', async () => {
    const { sys, contest, attempt } = await started();
    expect(attempt).toMatchObject({
      contestId: contest.id,
      attemptNo: 1,
      attemptsLeft: 2,
      startedAt: sys.clock.iso(),
      serverNow: sys.clock.iso(),
      deadline: new Date(sys.clock.ms + 900 * SEC).toISOString(),
      prediction: { prompt: 'Bao nhiêu người sẽ tham gia?' },
      attemptToken: expect.stringMatching(/^[\w-]{32}$/),
    });
    expect(attempt.questions).toHaveLength(5);
    expect(new Set(attempt.questions.map((q) => q.id)).size).toBe(5);
    const bank = sys.contests.banks.get(contest.id)!;
    for (const q of attempt.questions) {
      expect(Object.keys(q).sort()).toEqual(['id', 'multiple', 'options', 'text']);
      expect(q.options.map((o) => Object.keys(o).sort())).toEqual(q.options.map(() => ['id', 'text']));
      expect(q.options.map((o) => o.id)).toEqual(['a', 'b', 'c', 'd']);
      const source = bank.get(q.id)!;
      expect(q.options.map((o) => o.text).sort()).toEqual([...source.options].sort());
      expect(q.multiple).toBe(source.correct.length > 1);
    }
    expect(JSON.stringify(attempt)).not.toMatch(/"correct"|explanation|topic|Giải thích/);
    // The token is never stored in clear.
    expect(JSON.stringify(sys.attempts.attempt(attempt.attemptId))).not.toContain(attempt.attemptToken);
  });

  it('has no prediction prompt when the contest asks none', async () => {
    const { attempt } = await started({ prediction: null });
    expect(attempt).not.toHaveProperty('prediction');
  });

  it('cuts the deadline at the end of the contest', async () => {
    const sys = system();
    const contest = await openContest(sys);
    sys.clock.set('2024-06-30T16:55:00.000Z'); // 5 min before endsAt, with a 15 min limit
    const attempt = await sys.attemptCases.start(contest.id, participant(1));
    expect(attempt.deadline).toBe(contest.endsAt);
  });

  it('counts attempts at start, then refuses with AttemptsExhausted', async () => {
    const sys = system();
    const contest = await openContest(sys, { maxAttempts: 3 });
    const progress = [];
    for (let i = 0; i < 3; i++) {
      const a = await sys.attemptCases.start(contest.id, participant(1));
      progress.push([a.attemptNo, a.attemptsLeft]);
    }
    expect(progress).toEqual([
      [1, 2],
      [2, 1],
      [3, 0],
    ]);
    const e = await rejection(() => sys.attemptCases.start(contest.id, participant(1)));
    expect(e).toBeInstanceOf(AttemptsExhausted);
    expect(e.details).toEqual({ maxAttempts: 3 });
    expect(sys.attempts.person(contest.id, participant(1).phone)!.attemptsUsed).toBe(3);
    // Someone else is not affected.
    expect((await sys.attemptCases.start(contest.id, participant(2))).attemptNo).toBe(1);
  });

  it.each([
    ['+84 912 345 678', '0912.345.678', '0912345678'],
    ['0912-345-678', '84912345678', '+84 (0) 912 345 678'],
    ['0912 345 678', '0084912345678', '０９１２３４５６７８'],
  ])('%s, %s and %s are one person', async (...phones) => {
    const sys = system();
    const contest = await openContest(sys, { maxAttempts: 3 });
    const numbers = [];
    for (const phone of phones) numbers.push((await sys.attemptCases.start(contest.id, participant(1, { phone }))).attemptNo);
    expect(numbers).toEqual([1, 2, 3]);
    expect(sys.attempts.person(contest.id, '0912345678')).toMatchObject({ attemptsUsed: 3 });
    await expect(sys.attemptCases.start(contest.id, participant(1, { phone: '+84912345678' }))).rejects.toBeInstanceOf(AttemptsExhausted);
  });

  it.each([
    ['an unknown unit', { unitId: 'u-ghost' }, 'unitId'],
    ['a unit not in this contest', { unitId: 'u-pn' }, 'unitId'],
    ['a village not on the list', { village: 'Thôn 9' }, 'village'],
    ['no consent', { consent: false }, 'consent'],
    ['a landline', { phone: '0260 3861 234' }, 'phone'],
    ['a one-letter name', { fullName: 'A' }, 'fullName'],
    ['a birth year in the future', { birthYear: 2090 }, 'birthYear'],
  ])('a start with %s is ValidationFailed and consumes no attempt', async (_label, patch, field) => {
    const sys = system();
    const contest = await openContest(sys, { maxAttempts: 1, unitIds: ['u-nd', 'u-dtn'] });
    const e = await rejection(() => sys.attemptCases.start(contest.id, participant(1, patch)));
    expect(e).toBeInstanceOf(ValidationFailed);
    expect((e as ValidationFailed).details.map((d) => d.field)).toEqual([field]);
    expect(sys.attempts.person(contest.id, participant(1).phone)).toBeUndefined();
    // The single allowed attempt is still there.
    expect(await sys.attemptCases.start(contest.id, participant(1))).toMatchObject({ attemptNo: 1, attemptsLeft: 0 });
  });

  it('matches a village ignoring case and spacing and keeps the list spelling', async () => {
    const { sys, contest } = await started();
    const a = await sys.attemptCases.start(contest.id, participant(2, { village: '  thôn   2 ' }));
    expect(sys.attempts.attempt(a.attemptId).registration.village).toBe('Thôn 2');
  });

  it.each([
    ['scheduled (before startsAt)', '2024-05-31T23:59:59.999Z'],
    ['ended (at endsAt, not yet closed)', '2024-06-30T17:00:00.000Z'],
    ['ended (a day after endsAt)', '2024-07-01T17:00:00.000Z'],
  ])('a %s contest is ContestNotOpen and takes no attempt', async (_label, at) => {
    const sys = system();
    const contest = await openContest(sys);
    sys.clock.set(at);
    await expect(sys.attemptCases.start(contest.id, participant(1))).rejects.toBeInstanceOf(ContestNotOpen);
    expect(sys.attempts.person(contest.id, participant(1).phone)).toBeUndefined();
  });

  it('a closed contest is ContestNotOpen and takes no attempt', async () => {
    const sys = system();
    const contest = await openContest(sys);
    await sys.attemptCases.start(contest.id, participant(1));
    await sys.standingsCases.close(contest.id);
    await expect(sys.attemptCases.start(contest.id, participant(1))).rejects.toBeInstanceOf(ContestNotOpen);
    expect(sys.attempts.person(contest.id, participant(1).phone)!.attemptsUsed).toBe(1);
  });

  it('a draft or unknown contest is NotFound to participants', async () => {
    const sys = system();
    const draft = await sys.contestCases.create(contestBody());
    await expect(sys.attemptCases.start(draft.id, participant(1))).rejects.toBeInstanceOf(NotFound);
    await expect(sys.attemptCases.start('nope', participant(1))).rejects.toBeInstanceOf(NotFound);
  });
});

describe('attempt tokens', () => {
  type Op = (sys: FakeSystem, attemptId: string, token: string) => Promise<unknown>;
  const ops: [string, Op][] = [
    ['resume', (sys, id, token) => sys.attemptCases.resume(id, token)],
    ['save', (sys, id, token) => sys.attemptCases.save(id, token, {})],
    ['submit', (sys, id, token) => sys.attemptCases.submit(id, token, { answers: {} })],
  ];

  // A request without a token is the HTTP layer's 401 (test/unit/http/api.test.ts); one that reaches the use case is checked.
  it.each(ops)('%s with an empty token is Forbidden', async (_label, op) => {
    const { sys, attempt } = await started();
    await expect(op(sys, attempt.attemptId, '')).rejects.toBeInstanceOf(Forbidden);
  });

  it.each(ops)('%s with a wrong token, or the token of another attempt, is Forbidden', async (_label, op) => {
    const { sys, contest, attempt } = await started();
    const other = await sys.attemptCases.start(contest.id, participant(2));
    await expect(op(sys, attempt.attemptId, 'x'.repeat(32))).rejects.toBeInstanceOf(Forbidden);
    await expect(op(sys, attempt.attemptId, other.attemptToken)).rejects.toBeInstanceOf(Forbidden);
    expect(sys.attempts.attempt(attempt.attemptId).status).toBe('open');
  });

  it.each(ops)('%s of an unknown attempt is NotFound', async (_label, op) => {
    const { sys, attempt } = await started();
    await expect(op(sys, 'no-such-attempt', attempt.attemptToken)).rejects.toBeInstanceOf(NotFound);
  });
});

describe('attemptUseCases.save and resume', () => {
  it('merges partial saves, stamped with the server time, and resume returns them', async () => {
    const { sys, attempt } = await started();
    const [q1, q2] = attempt.questions;
    sys.clock.advanceSec(10);
    expect(await sys.attemptCases.save(attempt.attemptId, attempt.attemptToken, { [q1!.id]: ['b', 'b'] })).toEqual({ savedAt: sys.clock.iso() });
    sys.clock.advanceSec(10);
    await sys.attemptCases.save(attempt.attemptId, attempt.attemptToken, { [q2!.id]: ['a'] });
    await sys.attemptCases.save(attempt.attemptId, attempt.attemptToken, { [q1!.id]: ['c'] });

    const stored = sys.attempts.attempt(attempt.attemptId).answers;
    expect(stored[q1!.id]).toEqual({ optionIds: ['c'], savedAt: sys.clock.iso() });
    expect(stored[q2!.id]!.optionIds).toEqual(['a']);

    const resumed = await sys.attemptCases.resume(attempt.attemptId, attempt.attemptToken);
    expect(resumed).toMatchObject({
      attemptId: attempt.attemptId,
      status: 'open',
      attemptNo: 1,
      attemptsLeft: 2,
      deadline: attempt.deadline,
      savedAnswers: { [q1!.id]: ['c'], [q2!.id]: ['a'] },
      questions: attempt.questions,
    });
    expect(resumed).not.toHaveProperty('result');
  });

  it.each([
    ['at the deadline', 0, true],
    ['1 ms after the deadline', 1, false],
    ['within the submit grace', 10 * SEC, false],
  ])('a save %s (+%i ms): accepted = %s', async (_label, afterDeadline, accepted) => {
    const { sys, attempt } = await started();
    sys.clock.set(Date.parse(attempt.deadline) + afterDeadline);
    const save = sys.attemptCases.save(attempt.attemptId, attempt.attemptToken, { [attempt.questions[0]!.id]: ['a'] });
    if (accepted) await expect(save).resolves.toEqual({ savedAt: sys.clock.iso() });
    else {
      await expect(save).rejects.toBeInstanceOf(AttemptClosed);
      expect(sys.attempts.attempt(attempt.attemptId).answers).toEqual({});
    }
  });

  it('a save after submit is AttemptClosed', async () => {
    const { sys, attempt } = await started();
    await sys.attemptCases.submit(attempt.attemptId, attempt.attemptToken, { answers: {} });
    await expect(sys.attemptCases.save(attempt.attemptId, attempt.attemptToken, { [attempt.questions[0]!.id]: ['a'] })).rejects.toBeInstanceOf(
      AttemptClosed,
    );
  });

  it.each([
    ['a question not drawn in this attempt', (_qs: string[]) => ({ 'not-drawn': ['a'] }), 'answers.not-drawn'],
    ['an option id past the last option', (qs: string[]) => ({ [qs[0]!]: ['e'] }), 'answers.Q0'],
    ['an option id that is no letter', (qs: string[]) => ({ [qs[0]!]: ['0'] }), 'answers.Q0'],
    ['a bank position instead of a letter', (qs: string[]) => ({ [qs[1]!]: ['a', 'ab'] }), 'answers.Q1'],
  ])('a save naming %s is ValidationFailed and saves nothing', async (_label, make, field) => {
    const { sys, attempt } = await started();
    const ids = attempt.questions.map((q) => q.id);
    const answers = { [ids[2]!]: ['a'], ...make(ids) };
    const e = await rejection(() => sys.attemptCases.save(attempt.attemptId, attempt.attemptToken, answers));
    expect(e).toBeInstanceOf(ValidationFailed);
    expect((e as ValidationFailed).details.map((d) => d.field)).toEqual([field.replace('Q0', ids[0]!).replace('Q1', ids[1]!)]);
    expect(sys.attempts.attempt(attempt.attemptId).answers).toEqual({});
  });

  it('a submit with unknown ids is ValidationFailed and leaves the attempt open', async () => {
    const { sys, attempt } = await started();
    await expect(
      sys.attemptCases.submit(attempt.attemptId, attempt.attemptToken, { answers: { [attempt.questions[0]!.id]: ['z'] } }),
    ).rejects.toBeInstanceOf(ValidationFailed);
    expect(sys.attempts.attempt(attempt.attemptId).status).toBe('open');
  });

  it('resume shows an open attempt past its deadline and grace as expired', async () => {
    const { sys, attempt } = await started();
    sys.clock.set(Date.parse(attempt.deadline) + 30 * SEC);
    expect((await sys.attemptCases.resume(attempt.attemptId, attempt.attemptToken)).status).toBe('open');
    sys.clock.advance(1);
    expect((await sys.attemptCases.resume(attempt.attemptId, attempt.attemptToken)).status).toBe('expired');
  });
});

describe('attemptUseCases.submit: scoring', () => {
  it.each([0, 1, 3, 5])('%i right answers score that many, with the server duration', async (correct) => {
    const { sys, attempt } = await started();
    sys.clock.advanceSec(123);
    const outcome = await sys.attemptCases.submit(attempt.attemptId, attempt.attemptToken, {
      answers: answersWith(sys, attempt.attemptId, correct),
    });
    expect(outcome).toEqual({
      attemptId: attempt.attemptId,
      correctCount: correct,
      questionCount: 5,
      durationMs: 123 * SEC,
      submittedAt: sys.clock.iso(),
      late: false,
      best: { correctCount: correct, durationMs: 123 * SEC },
      // The round's (the implicit one here): no live board in the fake, so no rank.
      roundId: 'r1',
      rank: null,
      attemptsLeft: attempt.attemptsLeft,
    });
    const { roundId: _r, rank: _k, attemptsLeft: _a, ...stored } = outcome;
    expect(sys.attempts.attempt(attempt.attemptId)).toMatchObject({ status: 'submitted', outcome: stored });
  });

  it('a multiple-choice question counts only with exactly its correct options', async () => {
    // A bank of 5 with 5 drawn: the multiple-choice question (two correct options) is in the draw.
    const { sys, contest, attempt } = await started({}, 5);
    const stored = sys.attempts.attempt(attempt.attemptId);
    const bank = sys.contests.banks.get(contest.id)!;
    const multi = stored.drawn.find((d) => bank.get(d.questionId)!.correct.length > 1)!;
    const right = optionIdsFor(sys, contest.id, multi, true);
    expect(right).toHaveLength(2);
    const answers = { ...answersWith(sys, attempt.attemptId, 5), [multi.questionId]: [right[0]!] };
    expect((await sys.attemptCases.submit(attempt.attemptId, attempt.attemptToken, { answers })).correctCount).toBe(4);

    const second = await sys.attemptCases.start(contest.id, participant(1));
    const d2 = sys.attempts.attempt(second.attemptId).drawn.find((d) => d.questionId === multi.questionId)!;
    const extra = { ...answersWith(sys, second.attemptId, 5), [multi.questionId]: [...optionIdsFor(sys, contest.id, d2, true), ...optionIdsFor(sys, contest.id, d2, false)] };
    expect((await sys.attemptCases.submit(second.attemptId, second.attemptToken, { answers: extra })).correctCount).toBe(4);
  });

  it('lays submitted answers over saved ones: what was only saved still counts', async () => {
    const { sys, attempt } = await started();
    const all = answersWith(sys, attempt.attemptId, 5);
    const ids = Object.keys(all);
    await sys.attemptCases.save(attempt.attemptId, attempt.attemptToken, { [ids[0]!]: all[ids[0]!]!, [ids[1]!]: all[ids[1]!]! });
    sys.clock.advanceSec(60);
    const rest = Object.fromEntries(ids.slice(2).map((q) => [q, all[q]!]));
    expect((await sys.attemptCases.submit(attempt.attemptId, attempt.attemptToken, { answers: rest })).correctCount).toBe(5);
  });

  it('repeating a submit returns the same outcome and scores nothing again', async () => {
    const { sys, contest, attempt } = await started();
    sys.clock.advanceSec(100);
    const first = await sys.attemptCases.submit(attempt.attemptId, attempt.attemptToken, {
      answers: answersWith(sys, attempt.attemptId, 3),
      prediction: 12,
    });
    sys.clock.advanceSec(2000);
    const again = await sys.attemptCases.submit(attempt.attemptId, attempt.attemptToken, {
      answers: answersWith(sys, attempt.attemptId, 5),
      prediction: 99,
    });
    expect(again).toEqual(first);
    const agg = await sys.standings.aggregate(contest.id);
    expect([agg.participants, agg.attempts, agg.sumBestCorrect]).toEqual([1, 1, 3]);
    expect(sys.attempts.person(contest.id, participant(1).phone)).toMatchObject({ scoredAttempts: 1, best: { correctCount: 3, prediction: 12 } });
  });

  it.each([
    ['just inside the grace (deadline + 30 s)', 30 * SEC, false],
    ['within the grace (deadline + 20 s)', 20 * SEC, false],
    ['just past the grace (deadline + 30.001 s)', 30 * SEC + 1, true],
    ['long after (deadline + 1 h)', 3600 * SEC, true],
  ])('a submit %s (+%i ms): late = %s', async (_label, afterDeadline, late) => {
    const { sys, contest, attempt } = await started();
    const answers = answersWith(sys, attempt.attemptId, 5);
    const ids = Object.keys(answers);
    // Two right answers saved in time; the other three only arrive with the submit.
    sys.clock.advanceSec(100);
    await sys.attemptCases.save(attempt.attemptId, attempt.attemptToken, { [ids[0]!]: answers[ids[0]!]!, [ids[1]!]: answers[ids[1]!]! });
    sys.clock.set(Date.parse(attempt.deadline) + afterDeadline);
    const outcome = await sys.attemptCases.submit(attempt.attemptId, attempt.attemptToken, { answers, prediction: 42 });

    // A late attempt counts as ended at its deadline, like one abandoned and finalised at close.
    expect(outcome).toMatchObject({
      late,
      correctCount: late ? 2 : 5,
      durationMs: late ? 900 * SEC : 900 * SEC + afterDeadline,
      submittedAt: late ? attempt.deadline : sys.clock.iso(),
    });
    const person = sys.attempts.person(contest.id, participant(1).phone)!;
    // A prediction sent after the grace could know the turnout: it is dropped.
    expect(person.best!.prediction).toBe(late ? null : 42);
    expect(sys.attempts.attempt(attempt.attemptId).prediction).toBe(late ? null : 42);
  });

  it('ignores a prediction when the contest asks none', async () => {
    const { sys, contest, attempt } = await started({ prediction: null });
    await sys.attemptCases.submit(attempt.attemptId, attempt.attemptToken, { answers: {}, prediction: 7 });
    expect(sys.attempts.person(contest.id, participant(1).phone)!.best!.prediction).toBeNull();
  });
});

describe('attemptUseCases.submit: the best attempt', () => {
  it.each([
    ['more correct, even slower', [3, 200], [4, 300], true],
    ['fewer correct, even faster', [4, 300], [3, 100], false],
    ['as many correct, faster', [3, 300], [3, 200], true],
    ['as many correct, slower', [3, 200], [3, 300], false],
    ['a full tie (the earlier one stays)', [3, 200], [3, 200], false],
  ])('a second attempt with %s (%j then %j) replaces the best: %s', async (_label, [c1, s1], [c2, s2], replaces) => {
    const sys = system();
    const contest = await openContest(sys);
    const who = participant(1);
    const a1 = await takeAttempt(sys, contest.id, who, c1!, s1!, 10);
    sys.clock.advanceSec(60);
    const a2 = await takeAttempt(sys, contest.id, who, c2!, s2!, 20);

    const best = replaces ? { c: c2!, s: s2!, id: a2.started.attemptId, p: 20 } : { c: c1!, s: s1!, id: a1.started.attemptId, p: 10 };
    expect(a2.outcome).toMatchObject({ correctCount: c2, durationMs: s2! * SEC, best: { correctCount: best.c, durationMs: best.s * SEC } });
    // The prediction that counts is the one of the counted attempt.
    expect(sys.attempts.person(contest.id, who.phone)).toMatchObject({
      attemptsUsed: 2,
      scoredAttempts: 2,
      best: { attemptId: best.id, correctCount: best.c, prediction: best.p },
    });
    const agg = await sys.standings.aggregate(contest.id);
    expect(agg).toMatchObject({ participants: 1, attempts: 2, sumBestCorrect: best.c, histogram: { [best.c]: 1 } });
    expect(Object.keys(agg.histogram)).toEqual([String(best.c)]);
  });

  it('two attempts of one person submitted at the same moment are both counted, once as a person', async () => {
    const sys = system();
    const contest = await openContest(sys);
    const a = await sys.attemptCases.start(contest.id, participant(1));
    const b = await sys.attemptCases.start(contest.id, participant(1));
    sys.clock.advanceSec(100);
    let other: Awaited<ReturnType<typeof sys.attemptCases.submit>> | undefined;
    // B is scored between A's read of the person and A's commit: A must recompute, not overwrite.
    sys.attempts.beforeNext('submitAttempt', async () => {
      other = await sys.attemptCases.submit(b.attemptId, b.attemptToken, { answers: answersWith(sys, b.attemptId, 4) });
    });
    const mine = await sys.attemptCases.submit(a.attemptId, a.attemptToken, { answers: answersWith(sys, a.attemptId, 2) });

    expect(other).toMatchObject({ correctCount: 4, best: { correctCount: 4 } });
    expect(mine).toMatchObject({ correctCount: 2, best: { correctCount: 4 } });
    expect(sys.attempts.person(contest.id, participant(1).phone)).toMatchObject({ scoredAttempts: 2, version: 2, best: { attemptId: b.attemptId } });
    const agg = await sys.standings.aggregate(contest.id);
    expect(agg).toMatchObject({ participants: 1, attempts: 2, sumBestCorrect: 4, histogram: { 4: 1 } });
  });

  it('a person who registers under another unit moves there with their best', async () => {
    const sys = system();
    const contest = await openContest(sys);
    await takeAttempt(sys, contest.id, participant(1, { unitId: 'u-nd', village: 'Thôn 1' }), 4, 100);
    await takeAttempt(sys, contest.id, participant(1, { unitId: 'u-pn', village: 'Thôn 2' }), 2, 100);
    const agg = await sys.standings.aggregate(contest.id);
    expect(agg.units).toEqual({ 'u-pn': { participants: 1, sumBestCorrect: 4 } });
    expect(agg.villages).toEqual({ 'Thôn 2': 1 });
    expect(agg.participants).toBe(1);
  });
});

describe('attemptUseCases.start: a phone registered under another name (issue 16)', () => {
  it('takes nothing and names the registration by its initials, with the attempts it has left', async () => {
    const sys = system();
    const contest = await openContest(sys, { maxAttempts: 3 });
    await sys.attemptCases.start(contest.id, participant(1, { fullName: 'Nguyễn Văn Hùng' }));
    const e = await rejection(() => sys.attemptCases.start(contest.id, participant(1, { fullName: 'Lê Thị Mai' })));
    expect(e).toBeInstanceOf(PhoneNameMismatch);
    expect(e.code).toBe('PHONE_NAME_MISMATCH');
    expect(e.details).toEqual({ maskedName: 'N. V. H.', attemptsLeft: 2 });
    expect(JSON.stringify(e)).not.toMatch(/Nguyễn|Hùng/);
    expect(sys.attempts.person(contest.id, participant(1).phone)).toMatchObject({ fullName: 'Nguyễn Văn Hùng', attemptsUsed: 1 });
  });

  it('the same name typed another way (case, spacing, no diacritics) is the same person', async () => {
    const sys = system();
    const contest = await openContest(sys, { maxAttempts: 3 });
    await sys.attemptCases.start(contest.id, participant(1, { fullName: 'Nguyễn Văn Hùng' }));
    const again = await sys.attemptCases.start(contest.id, participant(1, { fullName: '  nguyen van  HUNG' }));
    expect(again).toMatchObject({ attemptNo: 2, fullName: 'nguyen van HUNG' });
  });

  it('confirmSharedPhone continues as that registration, under its name', async () => {
    const sys = system();
    const contest = await openContest(sys, { maxAttempts: 3 });
    await sys.attemptCases.start(contest.id, participant(1, { fullName: 'Nguyễn Văn Hùng' }));
    const a = await sys.attemptCases.start(contest.id, { ...participant(1, { fullName: 'Lê Thị Mai' }), confirmSharedPhone: true });
    expect(a).toMatchObject({ attemptNo: 2, attemptsLeft: 1, fullName: 'Nguyễn Văn Hùng' });
    expect(sys.attempts.person(contest.id, participant(1).phone)).toMatchObject({ fullName: 'Nguyễn Văn Hùng', attemptsUsed: 2 });
    expect(sys.attempts.attempt(a.attemptId).registration.fullName).toBe('Nguyễn Văn Hùng');
    // Another number is simply another person.
    expect(await sys.attemptCases.start(contest.id, participant(2, { fullName: 'Lê Thị Mai' }))).toMatchObject({ attemptNo: 1, fullName: 'Lê Thị Mai' });
  });

  it('a first registration needs no confirmation, and confirming one is harmless', async () => {
    const sys = system();
    const contest = await openContest(sys);
    const a = await sys.attemptCases.start(contest.id, { ...participant(1, { fullName: 'Lê Thị Mai' }), confirmSharedPhone: true });
    expect(a).toMatchObject({ attemptNo: 1, fullName: 'Lê Thị Mai' });
  });
});

describe('answer review', () => {
  async function submitted(showAnswers: 'after_submit' | 'after_close' | 'never') {
    const sys = system();
    const contest = await openContest(sys, { showAnswers });
    const { started: attempt, outcome } = await takeAttempt(sys, contest.id, participant(1), 3, 100);
    return { sys, contest, attempt, outcome };
  }

  it('after_submit: the submit carries the review, mapped through the attempt order', async () => {
    const { sys, contest, attempt, outcome } = await submitted('after_submit');
    const drawn = sys.attempts.attempt(attempt.attemptId).drawn;
    const bank = sys.contests.banks.get(contest.id)!;
    expect(outcome.review).toHaveLength(5);
    outcome.review!.forEach((r, i) => {
      expect(r).toEqual({
        questionId: drawn[i]!.questionId,
        isCorrect: i < 3,
        chosen: optionIdsFor(sys, contest.id, drawn[i]!, i < 3),
        correctOptionIds: optionIdsFor(sys, contest.id, drawn[i]!, true),
        explanation: bank.get(drawn[i]!.questionId)!.explanation,
      });
    });
    // Resuming shows the same.
    const resumed = await sys.attemptCases.resume(attempt.attemptId, attempt.attemptToken);
    expect(resumed).toMatchObject({ status: 'submitted', result: { correctCount: 3, review: outcome.review } });
  });

  it('after_close: no review until the contest is closed, then on resume and on a repeated submit', async () => {
    const { sys, contest, attempt, outcome } = await submitted('after_close');
    expect(outcome).not.toHaveProperty('review');
    expect((await sys.attemptCases.resume(attempt.attemptId, attempt.attemptToken)).result).not.toHaveProperty('review');

    await sys.standingsCases.close(contest.id);
    const resumed = await sys.attemptCases.resume(attempt.attemptId, attempt.attemptToken);
    expect(resumed.result!.review).toHaveLength(5);
    const again = await sys.attemptCases.submit(attempt.attemptId, attempt.attemptToken, {});
    expect(again.review).toEqual(resumed.result!.review);
    const { review: _r, ...same } = again;
    expect(same).toEqual(outcome);
  });

  it('never: no review, not even after close', async () => {
    const { sys, contest, attempt, outcome } = await submitted('never');
    expect(outcome).not.toHaveProperty('review');
    await sys.standingsCases.close(contest.id);
    expect((await sys.attemptCases.resume(attempt.attemptId, attempt.attemptToken)).result).not.toHaveProperty('review');
    expect(await sys.attemptCases.submit(attempt.attemptId, attempt.attemptToken, {})).not.toHaveProperty('review');
  });

  it('an attempt still open never shows a key, whatever the setting', async () => {
    const sys = system();
    const contest = await openContest(sys, { showAnswers: 'after_submit' });
    const a = await sys.attemptCases.start(contest.id, participant(1));
    const resumed = await sys.attemptCases.resume(a.attemptId, a.attemptToken);
    expect(resumed).not.toHaveProperty('result');
    expect(JSON.stringify(resumed)).not.toMatch(/"correct|explanation/);
  });
});

describe('submits racing the close', () => {
  it('a submit that loses the race to the close gets the close’s outcome', async () => {
    const sys = system();
    const contest = await openContest(sys);
    const a = await sys.attemptCases.start(contest.id, participant(1));
    const answers = answersWith(sys, a.attemptId, 5);
    const [q0, q1] = Object.keys(answers);
    sys.clock.advanceSec(50);
    await sys.attemptCases.save(a.attemptId, a.attemptToken, { [q0!]: answers[q0!]!, [q1!]: answers[q1!]! });
    sys.clock.advanceSec(50);
    // The organizer closes between the submit's read of the attempt and its commit.
    sys.attempts.beforeNext('submitAttempt', async () => {
      await sys.standingsCases.close(contest.id);
    });
    const outcome = await sys.attemptCases.submit(a.attemptId, a.attemptToken, { answers, prediction: 3 });
    expect(outcome).toMatchObject({ correctCount: 2, late: true, durationMs: 100 * SEC });
    const agg = await sys.standings.aggregate(contest.id);
    expect([agg.participants, agg.attempts]).toEqual([1, 1]);
  });

  it('an attempt finalised by the close answers a later submit with that result', async () => {
    const sys = system();
    const contest = await openContest(sys);
    const a = await sys.attemptCases.start(contest.id, participant(1));
    sys.clock.advanceSec(30);
    await sys.standingsCases.close(contest.id);
    sys.clock.advanceSec(30);
    const outcome = await sys.attemptCases.submit(a.attemptId, a.attemptToken, { answers: answersWith(sys, a.attemptId, 5) });
    expect(outcome).toMatchObject({ correctCount: 0, late: true, durationMs: 30 * SEC });
  });

  it('an attempt started as the contest was being finalised cannot be submitted: AttemptClosed', async () => {
    const sys = system();
    const contest = await openContest(sys);
    await takeAttempt(sys, contest.id, participant(1), 3, 100);
    // The start passed its checks on a published contest; the close and its final ranking land before the attempt is stored.
    sys.attempts.beforeNext('createAttempt', async () => {
      await sys.standingsCases.close(contest.id);
    });
    const late = await sys.attemptCases.start(contest.id, participant(2));
    expect(sys.contests.stored(contest.id)!.finalizedAt).toBeDefined();
    const e = await rejection(() =>
      sys.attemptCases.submit(late.attemptId, late.attemptToken, { answers: answersWith(sys, late.attemptId, 5) }),
    );
    expect(e).toBeInstanceOf(AttemptClosed);
    const results = await sys.standingsCases.results(contest.id);
    expect(results.items.map((r) => r.phone)).toEqual([participant(1).phone]);
    expect((await sys.standings.aggregate(contest.id)).participants).toBe(1);
  });
});

describe('attemptUseCases.start with an idempotency key', () => {
  const KEY = 'rK3v9QmZxW2pL8nT4bY6cD1f';
  const OTHER_KEY = 'aB3v9QmZxW2pL8nT4bY6cD1g';

  it('a retried start returns the same attempt and takes no second one', async () => {
    const sys = system();
    const contest = await openContest(sys, { maxAttempts: 1 });
    const first = await sys.attemptCases.start(contest.id, participant(1), KEY);
    sys.clock.advanceSec(5);
    // The response was lost; the phone sends the same request again (another spelling of the number too).
    const retry = await sys.attemptCases.start(contest.id, participant(1, { phone: '+84 910 000 001' }), KEY);
    expect(retry).toMatchObject({
      attemptId: first.attemptId,
      attemptToken: KEY,
      attemptNo: 1,
      attemptsLeft: 0,
      startedAt: first.startedAt,
      deadline: first.deadline,
      questions: first.questions,
      serverNow: sys.clock.iso(),
    });
    expect(sys.attempts.person(contest.id, participant(1).phone)!.attemptsUsed).toBe(1);
    // The key is the attempt token.
    await expect(sys.attemptCases.resume(first.attemptId, KEY)).resolves.toMatchObject({ status: 'open' });
  });

  it('two keys are two attempts; the same key in another contest is another attempt', async () => {
    const sys = system();
    const contest = await openContest(sys);
    const other = await openContest(sys, { title: 'Cuộc thi khác' });
    const a = await sys.attemptCases.start(contest.id, participant(1), KEY);
    const b = await sys.attemptCases.start(contest.id, participant(1), OTHER_KEY);
    const c = await sys.attemptCases.start(other.id, participant(1), KEY);
    expect(new Set([a.attemptId, b.attemptId, c.attemptId]).size).toBe(3);
    expect([a.attemptNo, b.attemptNo, c.attemptNo]).toEqual([1, 2, 1]);
  });

  it('the key of one registration cannot be replayed for another phone', async () => {
    const sys = system();
    const contest = await openContest(sys);
    await sys.attemptCases.start(contest.id, participant(1), KEY);
    await expect(sys.attemptCases.start(contest.id, participant(2), KEY)).rejects.toBeInstanceOf(InvalidState);
    expect(sys.attempts.person(contest.id, participant(2).phone)).toBeUndefined();
  });

  it('a keyed start that failed validation recorded nothing: the corrected retry starts normally', async () => {
    const sys = system();
    const contest = await openContest(sys, { maxAttempts: 1 });
    await expect(sys.attemptCases.start(contest.id, participant(1, { consent: false }), KEY)).rejects.toBeInstanceOf(ValidationFailed);
    expect(await sys.attemptCases.start(contest.id, participant(1), KEY)).toMatchObject({ attemptNo: 1, attemptsLeft: 0 });
  });

  it('two copies of one start in flight at once share one attempt', async () => {
    const sys = system();
    const contest = await openContest(sys);
    let reserves = 0;
    sys.attempts.beforeNext('reserveAttempt', () => void reserves++);
    sys.attempts.beforeNext('reserveAttempt', () => void reserves++);
    let copy: ReturnType<typeof sys.attemptCases.start> | undefined;
    // The copy arrives after the first took the attempt and before it stored the attempt item.
    sys.attempts.beforeNext('createAttempt', async () => {
      copy = sys.attemptCases.start(contest.id, participant(1), KEY);
      await new Promise((r) => setTimeout(r, 20));
    });
    const first = await sys.attemptCases.start(contest.id, participant(1), KEY);
    const second = await copy!;
    expect(reserves).toBe(2); // the copy went as far as the reservation, which reported the duplicate
    expect(second).toMatchObject({ attemptId: first.attemptId, attemptToken: KEY, attemptNo: 1, questions: first.questions });
    expect(sys.attempts.person(contest.id, participant(1).phone)!.attemptsUsed).toBe(1);
  });

  it('a start that died after taking the attempt makes its retry fail with InvalidState; a new key starts afresh', async () => {
    const sys = system();
    const contest = await openContest(sys);
    sys.attempts.beforeNext('createAttempt', () => {
      throw new Error('ServiceUnavailable');
    });
    await expect(sys.attemptCases.start(contest.id, participant(1), KEY)).rejects.toThrow('ServiceUnavailable');
    vi.useFakeTimers({ toFake: ['setTimeout'] });
    try {
      const retry = expect(sys.attemptCases.start(contest.id, participant(1), KEY)).rejects.toBeInstanceOf(InvalidState);
      await vi.advanceTimersByTimeAsync(5_000);
      await retry;
    } finally {
      vi.useRealTimers();
    }
    // The lost start still counts as taken (the attempt is consumed at the reservation).
    expect(await sys.attemptCases.start(contest.id, participant(1), OTHER_KEY)).toMatchObject({ attemptNo: 2, attemptsLeft: 1 });
  });
});

describe('attemptUseCases.start: villages typed in a contest without a list', () => {
  const CAP = 3;
  async function freeVillages() {
    const sys = system({ villageCap: CAP });
    const contest = await openContest(sys, { villages: [] });
    let i = 0;
    const start = (village: string) => sys.attemptCases.start(contest.id, participant(++i, { village }));
    return { sys, contest, start };
  }

  it('registers each new village up to the cap, then refuses a new one with a 400 on the field, taking nothing', async () => {
    const { sys, contest, start } = await freeVillages();
    for (const v of ['Thôn A', 'Thôn B', 'Làng C']) await start(v);
    expect([...sys.attempts.data.villages.get(contest.id)!].sort()).toEqual(['Làng C', 'Thôn A', 'Thôn B']);
    const error = await rejection(() => start('Thôn D'));
    expect(error).toBeInstanceOf(ValidationFailed);
    expect(error.details).toEqual([{ field: 'village', code: 'VILLAGE_LIMIT', message: expect.stringContaining(`${CAP} different villages`) }]);
    // Nothing was taken for the refused start: its person does not exist.
    expect(sys.attempts.person(contest.id, phoneOf(4))).toBeUndefined();
    expect(sys.attempts.data.villages.get(contest.id)!.size).toBe(CAP);
  });

  it('keeps the villages already registered working at the cap, and maps another spelling of one onto it', async () => {
    const { sys, contest, start } = await freeVillages();
    for (const v of ['Thôn A', 'Thôn B', 'Làng C']) await start(v);
    const again = await start('Thôn B');
    expect(sys.attempts.attempt(again.attemptId).registration.village).toBe('Thôn B');
    const respelled = await start('  thôn   a ');
    expect(sys.attempts.attempt(respelled.attemptId).registration.village).toBe('Thôn A');
    expect(sys.attempts.data.villages.get(contest.id)!.size).toBe(CAP);
  });

  it('holds the cap exactly when starts race, and writes the registry once per new village', async () => {
    const { sys, contest, start } = await freeVillages();
    const admitted = vi.spyOn(sys.attempts, 'admitVillage');
    const outcomes = await Promise.allSettled(['V1', 'V2', 'V3', 'V4', 'V5', 'V6'].map((v) => start(v)));
    expect(outcomes.filter((o) => o.status === 'fulfilled')).toHaveLength(CAP);
    expect(sys.attempts.data.villages.get(contest.id)!.size).toBe(CAP);
    admitted.mockClear();
    await start([...sys.attempts.data.villages.get(contest.id)!][0]!);
    expect(admitted).not.toHaveBeenCalled();
  });

  it('leaves a contest with a village list to its list, and a start without a village alone', async () => {
    const sys = system({ villageCap: 1 });
    const listed = await openContest(sys);
    await sys.attemptCases.start(listed.id, participant(1, { village: 'Thôn 1' }));
    await sys.attemptCases.start(listed.id, participant(2, { village: 'Thôn 2' }));
    expect(sys.attempts.data.villages.get(listed.id)).toBeUndefined();
    const free = await openContest(sys, { villages: [] });
    await sys.attemptCases.start(free.id, participant(3, { village: 'Thôn X' }));
    await sys.attemptCases.start(free.id, participant(4, { village: null }));
    expect([...sys.attempts.data.villages.get(free.id)!]).toEqual(['Thôn X']);
  });
});
