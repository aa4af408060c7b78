// Issue 7, personal data, at the use-case level on in-memory fakes: the audit log, a person's
// export and erasure (aggregates, leaderboards and final rankings equal what remains, shown by a
// twin system where that person never took part), races with a submit or a start, and retention.
import { describe, expect, it } from 'vitest';
import { SYSTEM_ACTOR } from '../../../functions/app/privacy.ts';
import { DEFAULT_RETENTION_DAYS } from '../../../functions/domain/contest.ts';
import { InvalidState, NotFound, ValidationFailed } from '../../../functions/domain/errors.ts';
import type { FakeSystem } from '../../factories/fakes.ts';
import { answersWith, contestBody, openContest, participant, phoneOf, rejection, system, takeAttempt } from './helpers.ts';

const DAY = 86_400_000;
const ADMIN = { userId: 'sub-admin', email: 'admin@example.com' };

interface Step {
  who: number;
  at: string;
  correct: number;
  sec: number;
  unitId?: string;
  village?: string | null;
  prediction?: number;
}

/** People 1..6 over three Vietnamese days; person 3 changes unit and village on a later, better attempt. */
const STEPS: Step[] = [
  { who: 1, at: '2024-06-10T03:00:00.000Z', correct: 3, sec: 100, prediction: 5 },
  { who: 2, at: '2024-06-10T04:00:00.000Z', correct: 4, sec: 120, unitId: 'u-pn', village: 'Thôn 2', prediction: 6 },
  { who: 3, at: '2024-06-10T05:00:00.000Z', correct: 2, sec: 90, village: null, prediction: 4 },
  { who: 4, at: '2024-06-11T18:00:00.000Z', correct: 4, sec: 80, unitId: 'u-ccb', village: 'Thôn 3' }, // VN 06-12
  { who: 3, at: '2024-06-11T19:00:00.000Z', correct: 5, sec: 200, unitId: 'u-cd', village: 'Thôn 3', prediction: 5 }, // VN 06-12
  { who: 5, at: '2024-06-12T03:00:00.000Z', correct: 4, sec: 120, prediction: 5 },
  { who: 3, at: '2024-06-13T03:00:00.000Z', correct: 1, sec: 50, prediction: 9 }, // worse: best stays
  { who: 6, at: '2024-06-13T04:00:00.000Z', correct: 5, sec: 200, unitId: 'u-pn', prediction: 4 },
];

async function play(sys: FakeSystem, contestId: string, skip?: number) {
  for (const s of STEPS) {
    if (s.who === skip) continue;
    sys.clock.set(s.at);
    const who = participant(s.who, {
      ...(s.unitId ? { unitId: s.unitId } : {}),
      ...(s.village !== undefined ? { village: s.village } : {}),
    });
    await takeAttempt(sys, contestId, who, s.correct, s.sec, s.prediction);
  }
}

/** A contest played by everyone, and its twin played by everyone but `skip`. */
async function twins(skip: number, close = false) {
  const [sys, twin] = [system(), system()];
  const [a, b] = [await openContest(sys), await openContest(twin)];
  expect(a.id).toBe(b.id);
  await play(sys, a.id);
  await play(twin, b.id, skip);
  if (close) {
    for (const s of [sys, twin]) {
      s.clock.set('2024-06-14T03:00:00.000Z');
      await s.standingsCases.close(a.id);
    }
  }
  return { sys, twin, contestId: a.id };
}

/** Everything a reader can see of a contest, phones of the results included. */
async function everything(sys: FakeSystem, contestId: string) {
  return {
    stats: await sys.standingsCases.stats(contestId),
    units: await sys.standingsCases.unitLeaderboard(contestId),
    leaderboard: await sys.standingsCases.leaderboard(contestId, 100),
    results: await sys.standingsCases.results(contestId),
    participants: (await sys.standingsCases.publicView((await sys.contests.get(contestId))!)).participants,
  };
}

describe('auditUseCases', () => {
  it('records who, what and when, with the person masked, and lists newest first in pages', async () => {
    const sys = system();
    await sys.auditCases.record(ADMIN, { action: 'results.export', contestId: 'c1', format: 'csv', details: { rows: 3 } });
    sys.clock.advance(1000);
    await sys.auditCases.record(ADMIN, { action: 'person.export', phone: phoneOf(7) });
    sys.clock.advance(1000);
    await sys.auditCases.record(ADMIN, { action: 'person.erase', phone: phoneOf(7), details: { contests: 1 } });

    const first = await sys.auditCases.list(2);
    expect(first.items.map((e) => e.action)).toEqual(['person.erase', 'person.export']);
    expect(first.items[1]).toEqual({
      id: expect.any(String),
      at: '2024-06-10T03:00:01.000Z',
      actor: ADMIN,
      action: 'person.export',
      subject: '0910***007',
    });
    expect(JSON.stringify(sys.audit.entries)).not.toContain(phoneOf(7));
    expect(first.next).toBeDefined();
    const second = await sys.auditCases.list(2, first.next);
    expect(second.items).toEqual([
      expect.objectContaining({ action: 'results.export', contestId: 'c1', format: 'csv', details: { rows: 3 }, at: '2024-06-10T03:00:00.000Z' }),
    ]);
    expect(second.next).toBeUndefined();
  });

  // No actor never gets here: the audited routes have roles, so the HTTP layer answers 401 first (test/unit/http/api.test.ts).
  it('fails when the entry cannot be stored', async () => {
    const sys = system();
    sys.audit.beforeNext('append', () => {
      throw new Error('ProvisionedThroughputExceededException');
    });
    await expect(sys.auditCases.record(ADMIN, { action: 'results.export' })).rejects.toThrow('ProvisionedThroughputExceededException');
    expect(sys.audit.entries).toEqual([]);
  });
});

describe('privacyUseCases.exportPerson', () => {
  it('returns registrations, attempts with answers and scores, and the best, across contests; any spelling of the phone', async () => {
    const { sys, contestId } = await twins(99, true);
    const other = await openContest(sys, { title: 'Cuộc thi thứ hai', startsAt: '2024-06-01T00:00:00.000Z', endsAt: '2024-07-30T00:00:00.000Z' });
    sys.clock.set('2024-06-20T03:00:00.000Z');
    const open = await sys.attemptCases.start(other.id, participant(3, { birthYear: 1975 }));
    await sys.attemptCases.save(open.attemptId, open.attemptToken, answersWith(sys, open.attemptId, 2));

    const out = await sys.privacyCases.exportPerson('+84 910 000 003');
    expect(out.phone).toBe(phoneOf(3));
    expect(out.contests.map((c) => [c.contestId, c.status, c.attempts.length])).toEqual([
      [contestId, 'closed', 3],
      [other.id, 'published', 1],
    ]);
    const closed = out.contests[0]!;
    expect(closed.person).toMatchObject({ fullName: 'Người thi 3', birthYear: 1980, unitId: 'u-nd', village: 'Thôn 1', attemptsUsed: 3, scoredAttempts: 3 });
    // Counted under the registration of the latest scored attempt, with the best of all three.
    expect(closed.person!.best).toMatchObject({ correctCount: 5, durationMs: 200_000, prediction: 5 });
    expect(closed.attempts.map((a) => [a.attemptNo, a.status, a.outcome?.correctCount, a.registration.unitId])).toEqual([
      [1, 'submitted', 2, 'u-nd'],
      [2, 'submitted', 5, 'u-cd'],
      [3, 'submitted', 1, 'u-nd'],
    ]);
    expect(closed.attempts[0]!.questionIds).toHaveLength(5);
    expect(Object.keys(closed.attempts[0]!.answers)).toHaveLength(5);
    expect(closed.finalRank).toMatchObject({ rank: expect.any(Number), correctCount: 5, prediction: 5 });
    const live = out.contests[1]!;
    expect(live.attempts[0]).toMatchObject({ status: 'open', registration: { birthYear: 1975, phone: phoneOf(3) } });
    expect(Object.keys(live.attempts[0]!.answers)).toHaveLength(5);
    // Nothing of the attempt token leaves.
    expect(JSON.stringify(out)).not.toMatch(/token/i);
  });

  it('is empty for a phone nobody used, and refuses what is not a phone number', async () => {
    const sys = system();
    await openContest(sys);
    expect((await sys.privacyCases.exportPerson('0987654321')).contests).toEqual([]);
    const e = await rejection(() => sys.privacyCases.exportPerson('12345'));
    expect(e).toBeInstanceOf(ValidationFailed);
    expect(e.details).toEqual([{ field: 'path.phone', message: expect.any(String) }]);
  });
});

describe('privacyUseCases.erasePerson', () => {
  it('open contest: statistics, unit and live leaderboards equal a contest they never took part in', async () => {
    const { sys, twin, contestId } = await twins(3);
    const before = await everything(sys, contestId);
    expect(before.participants).toBe(6);

    const out = await sys.privacyCases.erasePerson('0910.000.003');
    expect(out.contests).toEqual([{ contestId, attemptsDeleted: 3, wasParticipant: true, finalRankingRewritten: false }]);
    expect(await everything(sys, contestId)).toEqual(await everything(twin, contestId));
    expect((await everything(sys, contestId)).participants).toBe(5);
    // Every item is gone: person, attempts, and nothing else mentions the phone.
    expect(sys.attempts.person(contestId, phoneOf(3))).toBeUndefined();
    expect([...sys.data.attempts.values()].filter((a) => a.phone === phoneOf(3))).toEqual([]);
    expect(JSON.stringify([...sys.data.people.values(), ...sys.data.attempts.values(), ...sys.data.finalPages.values()])).not.toContain(phoneOf(3));
    expect((await sys.privacyCases.exportPerson(phoneOf(3))).contests).toEqual([]);
  });

  it('closed contest: the final ranking is rewritten without them, prediction errors against the new count', async () => {
    const { sys, twin, contestId } = await twins(1, true);
    const before = await sys.standingsCases.results(contestId);
    expect(before.participants).toBe(6);
    expect(before.items.find((r) => r.phone === phoneOf(6))!.predictionError).toBe(2);

    const out = await sys.privacyCases.erasePerson(phoneOf(1));
    expect(out.contests).toEqual([{ contestId, attemptsDeleted: 1, wasParticipant: true, finalRankingRewritten: true }]);
    expect(out.jobs).toHaveLength(1);
    // Until the re-rank job has run, readers hide the row; the ranks keep their gap.
    const pending = await sys.standingsCases.results(contestId);
    expect(pending.items.map((r) => r.phone)).not.toContain(phoneOf(1));
    expect(pending.items).toHaveLength(5);
    expect((await sys.standingsCases.leaderboard(contestId, 10)).items).toHaveLength(5);
    await sys.runQueued();
    expect(sys.contests.stored(contestId)!.erasedPhones).toBeUndefined();
    expect(sys.contests.stored(contestId)!.rerankJobId).toBeUndefined();
    const after = await everything(sys, contestId);
    expect(after).toEqual(await everything(twin, contestId));
    expect(after.results.participants).toBe(5);
    expect(after.results.items.find((r) => r.phone === phoneOf(6))!.predictionError).toBe(1);
    expect(after.results.items.map((r) => r.rank)).toEqual([1, 2, 3, 4, 5]);
    expect(sys.contests.stored(contestId)!.finalParticipants).toBe(5);
  });

  it('erases from every contest at once, and a second run changes nothing', async () => {
    const { sys, contestId } = await twins(99, true);
    const other = await openContest(sys, { startsAt: '2024-06-01T00:00:00.000Z', endsAt: '2024-07-30T00:00:00.000Z' });
    sys.clock.set('2024-06-20T03:00:00.000Z');
    await takeAttempt(sys, other.id, participant(5), 4, 60);
    await takeAttempt(sys, other.id, participant(8), 2, 60);

    const out = await sys.privacyCases.erasePerson(phoneOf(5));
    expect(out.contests.map((c) => c.contestId).sort()).toEqual([contestId, other.id].sort());
    await sys.runQueued();
    const snapshot = [await everything(sys, contestId), await everything(sys, other.id)];
    expect((await sys.privacyCases.erasePerson(phoneOf(5))).contests).toEqual([]);
    expect([await everything(sys, contestId), await everything(sys, other.id)]).toEqual(snapshot);
    expect(snapshot[1]!.participants).toBe(1);
  });

  it('an attempt open at erasure is deleted: its later submit finds nothing and nothing of it is counted', async () => {
    const sys = system();
    const contest = await openContest(sys);
    await takeAttempt(sys, contest.id, participant(1), 3, 60);
    const open = await sys.attemptCases.start(contest.id, participant(1));
    const answers = answersWith(sys, open.attemptId, 5);
    await sys.privacyCases.erasePerson(phoneOf(1));
    await expect(sys.attemptCases.submit(open.attemptId, open.attemptToken, { answers })).rejects.toBeInstanceOf(NotFound);
    await expect(sys.attemptCases.resume(open.attemptId, open.attemptToken)).rejects.toBeInstanceOf(NotFound);
    expect((await sys.standingsCases.stats(contest.id)).participants).toBe(0);
    expect(sys.attempts.person(contest.id, phoneOf(1))).toBeUndefined();
  });

  it('a submit that is already scoring when the attempt disappears gets ATTEMPT_CLOSED, not a resurrected person', async () => {
    const sys = system();
    const contest = await openContest(sys);
    const open = await sys.attemptCases.start(contest.id, participant(2));
    const answers = answersWith(sys, open.attemptId, 4);
    // The erasure lands between the submit's read of the person and its commit.
    sys.attempts.beforeNext('submitAttempt', () => sys.privacyCases.erasePerson(phoneOf(2)).then(() => undefined));
    const e = await rejection(() => sys.attemptCases.submit(open.attemptId, open.attemptToken, { answers }));
    expect(e.code).toBe('ATTEMPT_CLOSED');
    expect(sys.attempts.person(contest.id, phoneOf(2))).toBeUndefined();
    expect((await sys.standingsCases.stats(contest.id)).participants).toBe(0);
  });

  it('a submit that commits between its reads and its transaction makes it retry with what is then stored', async () => {
    const sys = system();
    const contest = await openContest(sys);
    await takeAttempt(sys, contest.id, participant(1), 2, 60);
    await takeAttempt(sys, contest.id, participant(4), 3, 60);
    const open = await sys.attemptCases.start(contest.id, participant(1));
    const answers = answersWith(sys, open.attemptId, 5);
    let raced = 0;
    sys.personData.beforeNext('erase', async () => {
      raced++;
      await sys.attemptCases.submit(open.attemptId, open.attemptToken, { answers });
    });
    const out = await sys.privacyCases.erasePerson(phoneOf(1));
    expect(raced).toBe(1);
    expect(out.contests[0]).toMatchObject({ attemptsDeleted: 2, wasParticipant: true });
    const stats = await sys.standingsCases.stats(contest.id);
    expect(stats).toMatchObject({ participants: 1, attempts: 1, scoreHistogram: [{ correctCount: 3, people: 1 }] });
    expect(stats.byDay).toEqual([{ date: '2024-06-10', participants: 1, attempts: 1 }]);
  });

  it('a start that reserves between its reads and its transaction is erased too', async () => {
    const sys = system();
    const contest = await openContest(sys);
    await takeAttempt(sys, contest.id, participant(1), 2, 60);
    let second: Awaited<ReturnType<typeof sys.attemptCases.start>> | undefined;
    sys.personData.beforeNext('erase', async () => {
      second = await sys.attemptCases.start(contest.id, participant(1));
    });
    const out = await sys.privacyCases.erasePerson(phoneOf(1));
    expect(out.contests[0]).toMatchObject({ attemptsDeleted: 2 });
    expect(second).toBeDefined();
    expect(sys.data.attempts.has(second!.attemptId)).toBe(false);
    expect(sys.attempts.person(contest.id, phoneOf(1))).toBeUndefined();
  });

  it('more attempts than one transaction holds: the submitted overflow goes first, the counts stay exact', async () => {
    const sys = system();
    const contest = await openContest(sys, { maxAttempts: 100 });
    for (let i = 0; i < 100; i++) await takeAttempt(sys, contest.id, participant(1), i % 6, 10);
    await takeAttempt(sys, contest.id, participant(2), 4, 10);
    const deleted: string[][] = [];
    const original = sys.personData.deleteAttempts.bind(sys.personData);
    sys.personData.deleteAttempts = async (ids) => {
      deleted.push(ids);
      return original(ids);
    };
    const out = await sys.privacyCases.erasePerson(phoneOf(1));
    expect(out.contests[0]).toMatchObject({ attemptsDeleted: 100 });
    // One transaction holds the person and 99 attempts: 1 submitted attempt goes ahead of it.
    expect(deleted.map((d) => d.length)).toEqual([1]);
    expect(await sys.standingsCases.stats(contest.id)).toMatchObject({ participants: 1, attempts: 1, scoreHistogram: [{ correctCount: 4, people: 1 }] });
    expect([...sys.data.attempts.values()].filter((a) => a.phone === phoneOf(1))).toEqual([]);
  });

  it('refuses while a contest the person is in is being closed, and changes nothing', async () => {
    const { sys, contestId } = await twins(99);
    const stored = sys.contests.contests.get(contestId)!;
    stored.status = 'closed';
    stored.closedAt = sys.clock.iso();
    const snapshot = await sys.standingsCases.stats(contestId);
    await expect(sys.privacyCases.erasePerson(phoneOf(2))).rejects.toBeInstanceOf(InvalidState);
    expect(await sys.standingsCases.stats(contestId)).toEqual(snapshot);
    expect(sys.attempts.person(contestId, phoneOf(2))).toBeDefined();
  });
});

describe('privacyUseCases.purgeExpired (retention)', () => {
  it('removes phone numbers once closedAt + retentionDays has passed; statistics and the award list stay', async () => {
    const { sys, contestId } = await twins(99, true);
    const closedAt = Date.parse(sys.contests.stored(contestId)!.closedAt!);
    expect(sys.contests.stored(contestId)!.retentionDays).toBe(DEFAULT_RETENTION_DAYS);
    await sys.contestCases.update(contestId, { retentionDays: 30 }); // a closed contest may change it
    const view = await sys.contestCases.get(contestId);
    expect(view).toMatchObject({ retentionDays: 30, personalDataDueAt: new Date(closedAt + 30 * DAY).toISOString() });
    const before = await everything(sys, contestId);

    expect((await sys.privacyCases.purgeExpired(new Date(closedAt + 30 * DAY - 1))).contests).toEqual([]);
    expect(sys.attempts.person(contestId, phoneOf(1))).toBeDefined();

    const run = await sys.privacyCases.purgeExpired(new Date(closedAt + 30 * DAY));
    expect(run.contests).toEqual([{ contestId, people: 6, attempts: 8 }]);
    const after = await everything(sys, contestId);
    expect(after.stats).toEqual(before.stats);
    expect(after.units).toEqual(before.units);
    expect(after.participants).toBe(6);
    expect(after.results.items).toEqual(before.results.items.map((r) => ({ ...r, phone: '' })));
    expect(after.leaderboard.items).toEqual(before.leaderboard.items.map((r) => ({ ...r, phoneMasked: '' })));
    expect(JSON.stringify(after)).not.toMatch(/09\d{8}/);
    expect(sys.data.attempts.size).toBe(0);
    expect([...sys.data.people.values()]).toEqual([]);
    expect(sys.contests.stored(contestId)!.purgedAt).toBe(new Date(closedAt + 30 * DAY).toISOString());
    expect(sys.audit.entries).toEqual([expect.objectContaining({ actor: SYSTEM_ACTOR, action: 'retention.purge', contestId, details: { people: 6, attempts: 8 } })]);
    expect((await sys.privacyCases.exportPerson(phoneOf(1))).contests).toEqual([]);

    // Done once: later runs skip it, and its retention can no longer change.
    expect((await sys.privacyCases.purgeExpired(new Date(closedAt + 400 * DAY))).contests).toEqual([]);
    await expect(sys.contestCases.update(contestId, { retentionDays: 60 })).rejects.toBeInstanceOf(InvalidState);
  });

  it('leaves open contests, and contests whose retention has not passed, alone', async () => {
    const { sys, contestId } = await twins(99);
    expect((await sys.privacyCases.purgeExpired(new Date('2034-01-01T00:00:00.000Z'))).contests).toEqual([]);
    expect(sys.attempts.person(contestId, phoneOf(1))).toBeDefined();
  });

  it('validates retentionDays (1..3650) on create and patch', async () => {
    const sys = system();
    for (const bad of [0, 3651, 1.5]) {
      const e = await rejection(() => sys.contestCases.create(contestBody({ retentionDays: bad })));
      expect(e).toBeInstanceOf(ValidationFailed);
      expect(e.details).toEqual([{ field: 'retentionDays', message: expect.any(String) }]);
    }
    const created = await sys.contestCases.create(contestBody({ retentionDays: 90 }));
    expect(created.retentionDays).toBe(90);
    await expect(sys.contestCases.update(created.id, { retentionDays: 0 })).rejects.toBeInstanceOf(ValidationFailed);
    expect((await sys.contestCases.update(created.id, { retentionDays: 3650 })).retentionDays).toBe(3650);
  });
});
