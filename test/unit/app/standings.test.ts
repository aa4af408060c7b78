import { describe, expect, it } from 'vitest';
import { InvalidState, NotFound } from '../../../functions/domain/errors.ts';
import { answersWith, contestBody, openContest, participant, phoneOf, rejection, system, takeAttempt } from './helpers.ts';
import type { FakeSystem } from '../../factories/fakes.ts';

const SEC = 1000;

describe('standingsUseCases.leaderboard (live)', () => {
  it('ranks by correct, then duration, then submission time, and masks phones', async () => {
    const sys = system();
    const contest = await openContest(sys);
    await takeAttempt(sys, contest.id, participant(1), 4, 300);
    await takeAttempt(sys, contest.id, participant(2, { unitId: 'u-pn' }), 4, 200);
    await takeAttempt(sys, contest.id, participant(3, { village: null }), 5, 500);
    await takeAttempt(sys, contest.id, participant(4), 2, 100);
    await takeAttempt(sys, contest.id, participant(5), 4, 200); // ties with 2, submitted later

    const board = await sys.standingsCases.leaderboard(contest.id, 10);
    expect(board.final).toBe(false);
    expect(board.items.map((r) => [r.rank, r.fullName, r.correctCount, r.durationMs])).toEqual([
      [1, 'Người thi 3', 5, 500 * SEC],
      [2, 'Người thi 2', 4, 200 * SEC],
      [3, 'Người thi 5', 4, 200 * SEC],
      [4, 'Người thi 1', 4, 300 * SEC],
      [5, 'Người thi 4', 2, 100 * SEC],
    ]);
    expect(board.items[0]).toEqual({
      rank: 1,
      fullName: 'Người thi 3',
      phoneMasked: '0910***003',
      unitId: 'u-nd',
      unitName: 'Hội Nông dân',
      village: null,
      correctCount: 5,
      durationMs: 500 * SEC,
    });
    expect(board.items[1]).toMatchObject({ unitId: 'u-pn', unitName: 'Hội Liên hiệp Phụ nữ', village: 'Thôn 1' });
    // No full phone number reaches the public.
    const text = JSON.stringify(board);
    for (let i = 1; i <= 5; i++) expect(text).not.toContain(phoneOf(i));
    expect(board.items.every((r) => !('phone' in r))).toBe(true);

    expect((await sys.standingsCases.leaderboard(contest.id, 2)).items.map((r) => r.rank)).toEqual([1, 2]);
  });

  it('counts each person once, by their best attempt', async () => {
    const sys = system();
    const contest = await openContest(sys);
    await takeAttempt(sys, contest.id, participant(1), 2, 100);
    await takeAttempt(sys, contest.id, participant(2), 3, 100);
    await takeAttempt(sys, contest.id, participant(1), 5, 400);
    const board = await sys.standingsCases.leaderboard(contest.id);
    expect(board.items.map((r) => [r.fullName, r.correctCount])).toEqual([
      ['Người thi 1', 5],
      ['Người thi 2', 3],
    ]);
  });

  it('a draft contest has no public leaderboard', async () => {
    const sys = system();
    const draft = await sys.contestCases.create(contestBody());
    await expect(sys.standingsCases.leaderboard(draft.id)).rejects.toBeInstanceOf(NotFound);
    await expect(sys.standingsCases.unitLeaderboard(draft.id)).rejects.toBeInstanceOf(NotFound);
  });
});

/** u-ccb (1 member) 2 people, u-pn (4) 1, u-nd (10) 2, u-dtn (0) and u-cd (20) none. */
async function unitScenario(sys: FakeSystem) {
  const contest = await openContest(sys);
  await takeAttempt(sys, contest.id, participant(1, { unitId: 'u-nd' }), 4, 100);
  await takeAttempt(sys, contest.id, participant(2, { unitId: 'u-nd', village: 'Thôn 2' }), 1, 100);
  await takeAttempt(sys, contest.id, participant(2, { unitId: 'u-nd', village: 'Thôn 2' }), 2, 100); // best 2
  await takeAttempt(sys, contest.id, participant(3, { unitId: 'u-pn', village: 'Thôn 2' }), 5, 100);
  await takeAttempt(sys, contest.id, participant(4, { unitId: 'u-ccb', village: null }), 3, 100);
  await takeAttempt(sys, contest.id, participant(5, { unitId: 'u-ccb', village: 'Thôn 3' }), 1, 100);
  return contest;
}

describe('standingsUseCases.unitLeaderboard', () => {
  it('ranks units by participation rate, participants, average correct; equal units share a rank', async () => {
    const sys = system();
    const contest = await unitScenario(sys);
    const { items } = await sys.standingsCases.unitLeaderboard(contest.id);
    expect(items).toEqual([
      // The member count is out of date: the rate exceeds 1 and is shown as it is.
      { rank: 1, unitId: 'u-ccb', name: 'Hội Cựu chiến binh', memberCount: 1, participants: 2, participationRate: 2, averageCorrect: 2 },
      { rank: 2, unitId: 'u-pn', name: 'Hội Liên hiệp Phụ nữ', memberCount: 4, participants: 1, participationRate: 0.25, averageCorrect: 5 },
      { rank: 3, unitId: 'u-nd', name: 'Hội Nông dân', memberCount: 10, participants: 2, participationRate: 0.2, averageCorrect: 3 },
      { rank: 4, unitId: 'u-cd', name: 'Công đoàn cơ sở', memberCount: 20, participants: 0, participationRate: 0, averageCorrect: 0 },
      { rank: 4, unitId: 'u-dtn', name: 'Đoàn Thanh niên', memberCount: 0, participants: 0, participationRate: 0, averageCorrect: 0 },
    ]);
  });

  it('ties on rate are broken by participants, then by average correct', async () => {
    const sys = system({
      units: [
        { id: 'x1', name: 'Trường Tiểu học', kind: 'school', memberCount: 2 },
        { id: 'x2', name: 'Trạm Y tế', kind: 'health', memberCount: 4 },
        { id: 'x3', name: 'Công an xã', kind: 'police', memberCount: 4 },
      ],
    });
    const contest = await openContest(sys, { unitIds: ['x1', 'x2', 'x3'] });
    await takeAttempt(sys, contest.id, participant(1, { unitId: 'x1' }), 5, 100); // 1/2, avg 5
    await takeAttempt(sys, contest.id, participant(2, { unitId: 'x2' }), 1, 100); // 2/4, avg 2
    await takeAttempt(sys, contest.id, participant(3, { unitId: 'x2' }), 3, 100);
    await takeAttempt(sys, contest.id, participant(4, { unitId: 'x3' }), 4, 100); // 2/4, avg 3
    await takeAttempt(sys, contest.id, participant(5, { unitId: 'x3' }), 2, 100);
    const { items } = await sys.standingsCases.unitLeaderboard(contest.id);
    expect(items.map((u) => [u.rank, u.unitId, u.participationRate, u.participants, u.averageCorrect])).toEqual([
      [1, 'x3', 0.5, 2, 3],
      [2, 'x2', 0.5, 2, 2],
      [3, 'x1', 0.5, 1, 5],
    ]);
  });
});

describe('standingsUseCases.stats', () => {
  it('reports participation by unit, village, Vietnamese day and score, without personal data', async () => {
    const sys = system();
    const contest = await openContest(sys);
    // 10:00 in Vietnam on 10 June.
    await takeAttempt(sys, contest.id, participant(1), 3, 60);
    // Submitted 23:30 UTC on 10 June: 06:30 on 11 June in Vietnam.
    sys.clock.set('2024-06-10T23:29:00.000Z');
    await takeAttempt(sys, contest.id, participant(2, { unitId: 'u-pn', village: 'Thôn 2' }), 5, 60);
    expect(sys.clock.iso()).toBe('2024-06-10T23:30:00.000Z');
    // A second attempt of person 1 on the 11th: an attempt there, not a new participant.
    await takeAttempt(sys, contest.id, participant(1), 4, 60);
    sys.clock.set('2024-06-12T02:00:00.000Z');
    await takeAttempt(sys, contest.id, participant(3, { village: null }), 3, 60);

    const stats = await sys.standingsCases.stats(contest.id);
    expect(stats.participants).toBe(3);
    expect(stats.attempts).toBe(4);
    expect(stats.byDay).toEqual([
      { date: '2024-06-10', participants: 1, attempts: 1 },
      { date: '2024-06-11', participants: 1, attempts: 2 },
      { date: '2024-06-12', participants: 1, attempts: 1 },
    ]);
    // A person with no village is a participant, not counted by village.
    expect(stats.byVillage).toEqual([
      { village: 'Thôn 1', participants: 1 },
      { village: 'Thôn 2', participants: 1 },
    ]);
    expect(stats.scoreHistogram).toEqual([
      { correctCount: 3, people: 1 },
      { correctCount: 4, people: 1 },
      { correctCount: 5, people: 1 },
    ]);
    expect(stats.byUnit).toEqual([
      { unitId: 'u-pn', name: 'Hội Liên hiệp Phụ nữ', memberCount: 4, participants: 1, participationRate: 0.25, averageCorrect: 5 },
      { unitId: 'u-nd', name: 'Hội Nông dân', memberCount: 10, participants: 2, participationRate: 0.2, averageCorrect: 3.5 },
      { unitId: 'u-cd', name: 'Công đoàn cơ sở', memberCount: 20, participants: 0, participationRate: 0, averageCorrect: 0 },
      // Equal units are listed by name in Vietnamese order (Đ after D, before H).
      { unitId: 'u-dtn', name: 'Đoàn Thanh niên', memberCount: 0, participants: 0, participationRate: 0, averageCorrect: 0 },
      { unitId: 'u-ccb', name: 'Hội Cựu chiến binh', memberCount: 1, participants: 0, participationRate: 0, averageCorrect: 0 },
    ]);
    const text = JSON.stringify(stats);
    for (let i = 1; i <= 3; i++) {
      expect(text).not.toContain(phoneOf(i));
      expect(text).not.toContain(`Người thi ${i}`);
    }
  });

  it('byVillage lists the busiest village first', async () => {
    const sys = system();
    const contest = await unitScenario(sys);
    expect((await sys.standingsCases.stats(contest.id)).byVillage).toEqual([
      { village: 'Thôn 2', participants: 2 },
      { village: 'Thôn 1', participants: 1 },
      { village: 'Thôn 3', participants: 1 },
    ]);
  });

  it('an unknown contest is NotFound', async () => {
    await expect(system().standingsCases.stats('nope')).rejects.toBeInstanceOf(NotFound);
  });
});

/**
 * Six people; the turnout will be 6.
 * D 5 correct (predicts 100) - A, B, C 4 correct: A predicts 6 in 600 s, B predicts 10 in 300 s,
 * C gives no prediction in 100 s - E left open with 2 right answers saved (contest closes before
 * its deadline) - F left open with 1 right answer saved, deadline long passed.
 */
async function closingScenario(sys: FakeSystem, overrides: Parameters<typeof openContest>[1] = {}) {
  const contest = await openContest(sys, overrides);
  const f = await sys.attemptCases.start(contest.id, participant(6, { unitId: 'u-pn' }));
  const fAnswers = answersWith(sys, f.attemptId, 5);
  const fFirst = Object.keys(fAnswers)[0]!;
  sys.clock.advanceSec(10);
  await sys.attemptCases.save(f.attemptId, f.attemptToken, { [fFirst]: fAnswers[fFirst]! });
  const fStartedAt = f.startedAt;

  await takeAttempt(sys, contest.id, participant(4, { fullName: 'Người D' }), 5, 700, 100);
  await takeAttempt(sys, contest.id, participant(1, { fullName: 'Người A' }), 4, 600, 6);
  await takeAttempt(sys, contest.id, participant(2, { fullName: 'Người B' }), 4, 300, 10);
  await takeAttempt(sys, contest.id, participant(3, { fullName: 'Người C' }), 4, 100);

  const e = await sys.attemptCases.start(contest.id, participant(5, { fullName: 'Người E', unitId: 'u-ccb' }));
  const eAnswers = answersWith(sys, e.attemptId, 5);
  const eIds = Object.keys(eAnswers);
  sys.clock.advanceSec(20);
  // Two right, one wrong answer saved; the submit never comes.
  const wrong = answersWith(sys, e.attemptId, 0)[eIds[2]!]!;
  await sys.attemptCases.save(e.attemptId, e.attemptToken, { [eIds[0]!]: eAnswers[eIds[0]!]!, [eIds[1]!]: eAnswers[eIds[1]!]!, [eIds[2]!]: wrong });
  sys.clock.advanceSec(30);
  return { contest, e, f, fStartedAt };
}

describe('standingsUseCases.close', () => {
  it('finalises open attempts from saved answers and writes the final ranking with the prediction tie-breaker', async () => {
    const sys = system();
    const { contest, e, f, fStartedAt } = await closingScenario(sys);

    // While open: correct, duration, submission; the prediction is not decidable yet.
    const live = await sys.standingsCases.leaderboard(contest.id);
    expect(live.items.map((r) => r.fullName)).toEqual(['Người D', 'Người C', 'Người B', 'Người A']);

    const closedAt = sys.clock.iso();
    const view = await sys.standingsCases.close(contest.id);
    expect(view).toMatchObject({ id: contest.id, status: 'closed', phase: 'closed', closedAt });
    expect(view).not.toHaveProperty('finalizedAt');
    expect(sys.contests.stored(contest.id)).toMatchObject({ finalizedAt: closedAt, finalParticipants: 6 });

    // E: closed before its deadline, so it ends at the close; F: ends at its own deadline.
    expect(sys.attempts.attempt(e.attemptId)).toMatchObject({
      status: 'submitted',
      prediction: null,
      outcome: { correctCount: 2, late: true, submittedAt: closedAt, durationMs: 50 * SEC },
    });
    expect(sys.attempts.attempt(f.attemptId)).toMatchObject({
      status: 'submitted',
      outcome: { correctCount: 1, late: true, submittedAt: f.deadline, durationMs: 900 * SEC },
    });
    expect(Date.parse(f.deadline) - Date.parse(fStartedAt)).toBe(900 * SEC);

    const board = await sys.standingsCases.leaderboard(contest.id);
    expect(board.final).toBe(true);
    // A (closest prediction, slowest) before B before C (no prediction, fastest).
    expect(board.items.map((r) => [r.rank, r.fullName])).toEqual([
      [1, 'Người D'],
      [2, 'Người A'],
      [3, 'Người B'],
      [4, 'Người C'],
      [5, 'Người E'],
      [6, 'Người thi 6'],
    ]);

    const results = await sys.standingsCases.results(contest.id);
    expect(results.final).toBe(true);
    expect(results.participants).toBe(6);
    expect(results.items.map((r) => [r.rank, r.phone, r.correctCount, r.prediction, r.predictionError, r.durationMs / SEC, r.attempts])).toEqual([
      [1, phoneOf(4), 5, 100, 94, 700, 1],
      [2, phoneOf(1), 4, 6, 0, 600, 1],
      [3, phoneOf(2), 4, 10, 4, 300, 1],
      [4, phoneOf(3), 4, null, null, 100, 1],
      [5, phoneOf(5), 2, null, null, 50, 1],
      [6, phoneOf(6), 1, null, null, 900, 1],
    ]);
    expect(results.items[4]).toMatchObject({ fullName: 'Người E', unitId: 'u-ccb', unitName: 'Hội Cựu chiến binh', village: 'Thôn 1', submittedAt: closedAt });

    const stats = await sys.standingsCases.stats(contest.id);
    expect([stats.participants, stats.attempts]).toEqual([6, 6]);
  });

  it('without a prediction question the final ranking is the live one', async () => {
    const sys = system();
    const { contest } = await closingScenario(sys, { prediction: null });
    await sys.standingsCases.close(contest.id);
    const results = await sys.standingsCases.results(contest.id);
    expect(results.items.map((r) => [r.fullName, r.prediction, r.predictionError])).toEqual([
      ['Người D', null, null],
      ['Người C', null, null],
      ['Người B', null, null],
      ['Người A', null, null],
      ['Người E', null, null],
      ['Người thi 6', null, null],
    ]);
  });

  it('staff results while open are the live standings, with phones', async () => {
    const sys = system();
    const { contest } = await closingScenario(sys);
    const results = await sys.standingsCases.results(contest.id);
    expect(results.final).toBe(false);
    expect(results.participants).toBe(4);
    expect(results.items.map((r) => [r.rank, r.phone, r.predictionError])).toEqual([
      [1, phoneOf(4), null],
      [2, phoneOf(3), null],
      [3, phoneOf(2), null],
      [4, phoneOf(1), null],
    ]);
    expect(results.items[0]).toMatchObject({ fullName: 'Người D', unitName: 'Hội Nông dân', prediction: 100, attempts: 1 });
  });

  it('a finalised contest cannot be closed again: InvalidState', async () => {
    const sys = system();
    const contest = await openContest(sys);
    await takeAttempt(sys, contest.id, participant(1), 3, 100);
    await sys.standingsCases.close(contest.id);
    const before = sys.contests.stored(contest.id);
    await expect(sys.standingsCases.close(contest.id)).rejects.toBeInstanceOf(InvalidState);
    expect(sys.contests.stored(contest.id)).toEqual(before);
  });

  it.each([
    ['a draft', async (sys: FakeSystem) => (await sys.contestCases.create(contestBody())).id, InvalidState],
    ['an unknown contest', async () => 'nope', NotFound],
  ])('closing %s is refused', async (_label, make, error) => {
    const sys = system();
    await expect(sys.standingsCases.close(await make(sys))).rejects.toBeInstanceOf(error);
  });

  it('a close that fails before the final ranking is written can be run again to finish', async () => {
    const sys = system();
    const { contest } = await closingScenario(sys);
    sys.standings.beforeNext('writeFinalPages', () => {
      throw new Error('ProvisionedThroughputExceededException');
    });
    await expect(sys.standingsCases.close(contest.id)).rejects.toThrow('ProvisionedThroughputExceeded');
    const half = sys.contests.stored(contest.id)!;
    expect(half.status).toBe('closed');
    expect(half.finalizedAt).toBeUndefined();
    // Meanwhile the reads fall back to live data, ranked by the final rule.
    expect((await sys.standingsCases.leaderboard(contest.id)).final).toBe(false);
    const interim = await sys.standingsCases.results(contest.id);
    expect(interim).toMatchObject({ final: false, participants: 6 });
    expect(interim.items.map((r) => r.fullName).slice(0, 3)).toEqual(['Người D', 'Người A', 'Người B']);

    const view = await sys.standingsCases.close(contest.id);
    expect(view.status).toBe('closed');
    expect(sys.contests.stored(contest.id)!.finalizedAt).toBeDefined();
    expect((await sys.standingsCases.results(contest.id)).items).toEqual(interim.items);
    await expect(sys.standingsCases.close(contest.id)).rejects.toBeInstanceOf(InvalidState);
  });

  it('an attempt that slipped past the close cannot change the final ranking: AttemptClosed', async () => {
    const sys = system();
    const contest = await openContest(sys);
    await takeAttempt(sys, contest.id, participant(1), 2, 100);
    sys.attempts.beforeNext('createAttempt', async () => {
      await sys.standingsCases.close(contest.id);
    });
    const slipped = await sys.attemptCases.start(contest.id, participant(2));
    const before = await sys.standingsCases.results(contest.id);
    const error = await rejection(() =>
      sys.attemptCases.submit(slipped.attemptId, slipped.attemptToken, { answers: answersWith(sys, slipped.attemptId, 5) }),
    );
    expect(error).toBeInstanceOf(Error);
    expect(error.code).toBe('ATTEMPT_CLOSED');
    expect(await sys.standingsCases.results(contest.id)).toEqual(before);
    expect((await sys.standingsCases.leaderboard(contest.id)).items.map((r) => r.fullName)).toEqual(['Người thi 1']);
  });

  it('the final leaderboard reads only the pages it needs', async () => {
    const sys = system();
    const contest = await openContest(sys, { maxAttempts: 1 });
    for (let i = 1; i <= 130; i++) await takeAttempt(sys, contest.id, participant(i), i % 6, 30 + i, i);
    await sys.standingsCases.close(contest.id);
    const top = await sys.standingsCases.leaderboard(contest.id, 100);
    expect(top.items).toHaveLength(100);
    expect(top.items.map((r) => r.rank)).toEqual(Array.from({ length: 100 }, (_, i) => i + 1));
    const all = await sys.standingsCases.results(contest.id);
    expect(all.items).toHaveLength(130);
    expect(all.items.slice(0, 100).map((r) => r.fullName)).toEqual(top.items.map((r) => r.fullName));
    // Predictions: the person who guessed 130 wins among the 5-correct ones.
    expect(all.items[0]).toMatchObject({ prediction: 125, predictionError: 5, correctCount: 5 });
  });
});

describe('standingsUseCases: public contest pages', () => {
  it('lists published and closed contests, newest start first, with their turnout and phase', async () => {
    const sys = system();
    await sys.contestCases.create(contestBody({ title: 'Bản nháp' }));
    const early = await openContest(sys, { title: 'Cuộc thi tháng Sáu', startsAt: '2024-06-01T00:00:00.000Z' });
    const later = await openContest(sys, { title: 'Cuộc thi sắp tới', startsAt: '2024-06-20T00:00:00.000Z' });
    await takeAttempt(sys, early.id, participant(1), 3, 100);
    const list = await sys.standingsCases.publicList();
    expect(list.map((c) => [c.id, c.status, c.phase, c.participants])).toEqual([
      [later.id, 'published', 'scheduled', 0],
      [early.id, 'published', 'open', 1],
    ]);
    expect(list[1]).toMatchObject({
      units: expect.arrayContaining([{ id: 'u-nd', name: 'Hội Nông dân' }]),
      prediction: { prompt: 'Bao nhiêu người sẽ tham gia?' },
      serverNow: sys.clock.iso(),
    });
    expect(JSON.stringify(list)).not.toMatch(/"correct"|Câu hỏi số/);

    await sys.standingsCases.close(early.id);
    sys.clock.set('2024-07-01T00:00:00.000Z');
    expect((await sys.standingsCases.publicList()).map((c) => c.phase)).toEqual(['ended', 'closed']);
  });
});
