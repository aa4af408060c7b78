// Contract v2 rounds over the real HTTP API on DynamoDB Local: two rounds with people in both,
// per-round leaderboards and final rankings, units over the whole contest, an automatic round
// finalisation (the local scheduler), a round closed early, stats by round, a start between rounds,
// a contest closed during a round (its close job writes that round's final ranking).
// Rounds last minutes here; the server clock moves (moveServerClock) instead of the test waiting.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { apiClient } from '../helpers/api.ts';
import { AnswerKey, attemptApi, bankCsv, createUnit, eventually, expectError, expectStatus, startAttempt, waitJob, type Person, type PublicQuestion } from '../helpers/contest.ts';
import { ADMIN, moveServerClock, type Stack } from '../helpers/server.ts';
import { sharedServer } from '../helpers/shared-server.ts';

let server: Stack;
let api: ReturnType<typeof apiClient>;
let token: string;
let moved = 0;

const move = async (ms: number) => {
  await moveServerClock(server, ms);
  moved += ms;
};

beforeAll(async () => {
  server = await sharedServer();
  api = apiClient(server.baseUrl);
  token = await api.login(ADMIN.email, ADMIN.password);
});

// Later files on this stack compare the server's times with their own clock.
afterAll(async () => {
  if (moved !== 0) await moveServerClock(server, -moved);
});

const MIN = 60_000;
const T = Date.now();
const iso = (ms: number) => new Date(ms).toISOString();
// Round 1 is open now; round 2 follows after a gap; round 3 later still.
const ROUNDS = [
  { name: 'Tuần 1', startsAt: iso(T - MIN), endsAt: iso(T + 2 * MIN) },
  { name: 'Tuần 2', startsAt: iso(T + 3 * MIN), endsAt: iso(T + 10 * MIN) },
  { name: 'Tuần 3', startsAt: iso(T + 12 * MIN), endsAt: iso(T + 20 * MIN) },
];

const suffix = String(T).slice(-6);
const phone = (n: number) => `091${suffix}${n}`;
const P1: Person = { fullName: 'Nguyễn Văn Một', phone: phone(1), unitId: '' };
const P2: Person = { fullName: 'Trần Thị Hai', phone: phone(2), unitId: '' };
const P3: Person = { fullName: 'Lê Văn Ba', phone: phone(3), unitId: '' };
const P4: Person = { fullName: 'Phạm Thị Bốn', phone: phone(4), unitId: '' };

let contestId = '';
let key: AnswerKey;
let unitA = '';
let unitB = '';

async function take(p: Person, right: number, prediction: number | null = null) {
  const started = await startAttempt(api, contestId, p);
  expectStatus(started, 201);
  const questions = started.body.questions as PublicQuestion[];
  const submitted = await attemptApi(api, started.body.attemptId, started.body.attemptToken).submit({ answers: key.answers(questions, right), prediction });
  expectStatus(submitted, 200);
  return { started: started.body, result: submitted.body };
}

/** A contest of the two units, 3 questions of 60 s and a prediction, from a minute before `from` for 31 minutes. */
const contestBody = (title: string, from: number, maxAttempts: number) => ({
  title,
  startsAt: iso(from - MIN),
  endsAt: iso(from + 30 * MIN),
  questionsPerAttempt: 3,
  timeLimitSec: 60,
  maxAttempts,
  unitIds: [unitA, unitB],
  prediction: { prompt: 'Bao nhiêu người tham gia tuần này?' },
});

const publicContest = async () => (await api.get(`/api/contests/${contestId}`)).body;
const statusOf = async (roundId: string) => ((await publicContest()).rounds as { id: string; status: string }[]).find((r) => r.id === roundId)?.status;

describe('a contest with rounds', () => {
  it('validates rounds and lists them with ids and statuses', async () => {
    unitA = await createUnit(api, token, `Hội Nông dân ${suffix}`, 10);
    unitB = await createUnit(api, token, `Hội Phụ nữ ${suffix}`, 20);
    P1.unitId = P3.unitId = unitA;
    P2.unitId = P4.unitId = unitB;
    const body = contestBody('Cuộc thi theo tuần', T, 2);
    const overlapping = await api.post('/api/admin/contests', { ...body, rounds: [ROUNDS[1], ROUNDS[0]] }, token);
    expectError(overlapping, 400, 'VALIDATION_FAILED');
    expect(overlapping.body.error.details.map((d: { field: string }) => d.field)).toContain('rounds.1.startsAt');

    const created = await api.post('/api/admin/contests', { ...body, rounds: ROUNDS }, token);
    expectStatus(created, 201);
    contestId = created.body.id;
    expect(created.body.hasRounds).toBe(true);
    expect(created.body.rounds).toEqual(ROUNDS.map((r, i) => ({ id: `r${i + 1}`, no: i + 1, ...r, status: 'upcoming' })));

    const imported = await api.call('POST', `/api/admin/contests/${contestId}/questions/import`, { token, raw: bankCsv(5), headers: { 'content-type': 'text/csv' } });
    expectStatus(imported, 200);
    expectStatus(await api.post(`/api/admin/contests/${contestId}/publish`, undefined, token), 200);
    key = await AnswerKey.load(api, contestId, token);

    const pub = await publicContest();
    expect(pub.currentRound).toBe('r1');
    expect(pub.nextRoundStartsAt).toBe(ROUNDS[1]!.startsAt);
    expect(pub.rounds.map((r: { status: string }) => r.status)).toEqual(['open', 'upcoming', 'upcoming']);
  });

  it('a published contest keeps its round starts; a later end of a future round is fine', async () => {
    const moved = [ROUNDS[0], { ...ROUNDS[1], startsAt: iso(T + 4 * MIN) }, ROUNDS[2]];
    expectError(await api.patch(`/api/admin/contests/${contestId}`, { rounds: moved }, token), 400, 'VALIDATION_FAILED');
    const renamed = [ROUNDS[0], { ...ROUNDS[1], name: 'Tuần thứ hai' }, ROUNDS[2]];
    const res = await api.patch(`/api/admin/contests/${contestId}`, { rounds: renamed }, token);
    expectStatus(res, 200);
    expect(res.body.rounds[1].name).toBe('Tuần thứ hai');
  });

  it('round 1: attempts count per round, the submit says the rank and attempts left in the round', async () => {
    const first = await take(P1, 2, 2);
    expect(first.started.roundId).toBe('r1');
    expect(first.result).toMatchObject({ roundId: 'r1', rank: 1, attemptsLeft: 1, correctCount: 2 });
    const second = await take(P1, 3, 2);
    expect(second.result).toMatchObject({ roundId: 'r1', rank: 1, attemptsLeft: 0, correctCount: 3 });
    expectError(await startAttempt(api, contestId, P1), 409, 'ATTEMPTS_EXHAUSTED');
    const p2 = await take(P2, 1, 5);
    expect(p2.result).toMatchObject({ roundId: 'r1', rank: 2, attemptsLeft: 1 });

    // P3 starts, saves one right answer and never submits: the round's finalisation scores it.
    const started = await startAttempt(api, contestId, P3);
    expectStatus(started, 201);
    const q = started.body.questions[0] as PublicQuestion;
    expectStatus(await attemptApi(api, started.body.attemptId, started.body.attemptToken).save({ [q.id]: key.choose(q, true) }), 200);

    const board = await api.get(`/api/contests/${contestId}/leaderboard`);
    expect(board.body).toMatchObject({ final: false, roundId: 'r1' });
    expect(board.body.items.map((r: { fullName: string }) => r.fullName)).toEqual([P1.fullName, P2.fullName]);
  });

  it('between rounds a start is 409 CONTEST_NOT_OPEN with nextRoundStartsAt', async () => {
    // To 5 s after round 1's end on the server's clock, however long the steps before took (a loaded machine).
    await move(T + 2 * MIN + 5_000 - (Date.now() + moved));
    const res = await startAttempt(api, contestId, P4);
    expectError(res, 409, 'CONTEST_NOT_OPEN');
    expect(res.body.error.details).toEqual({ nextRoundStartsAt: ROUNDS[1]!.startsAt });
    const pub = await publicContest();
    expect(pub.currentRound).toBeNull();
    expect(pub.nextRoundStartsAt).toBe(ROUNDS[1]!.startsAt);
  });

  it('round 1 gets its final ranking by itself once its window plus the grace has passed', async () => {
    await move(30_000);
    const due = Date.now();
    const status = await eventually(() => statusOf('r1'), (s) => s === 'final', 30_000);
    expect(status).toBe('final');
    // The figure docs/rounds.md quotes: from 5 s past end + grace on the server clock to the round shown final.
    console.log(`[rounds] round 1 final ${Date.now() - due} ms after 5 s past its end + grace (schedule every 1 s here, then the close job)`);
    const results = await api.get(`/api/admin/contests/${contestId}/results?round=r1`, token);
    expectStatus(results, 200);
    expect(results.body).toMatchObject({ final: true, roundId: 'r1', participants: 3 });
    // Prediction distance to round 1's own 3 participants: P1 predicted 2 (error 1), P2 5 (error 2).
    expect(results.body.items.map((r: { fullName: string; correctCount: number; predictionError: number | null }) => [r.fullName, r.correctCount, r.predictionError])).toEqual([
      [P1.fullName, 3, 1],
      [P2.fullName, 1, 2],
      [P3.fullName, 1, null],
    ]);
    const board = await api.get(`/api/contests/${contestId}/leaderboard?round=r1`);
    expect(board.body.final).toBe(true);
    expect(board.body.items).toHaveLength(3);
  });

  it('round 2: the same person starts afresh; a round closed early gets its final ranking', async () => {
    await move(30_000);
    expect((await publicContest()).currentRound).toBe('r2');
    const p1 = await take(P1, 1, 2);
    expect(p1.result).toMatchObject({ roundId: 'r2', rank: 1, attemptsLeft: 1 });
    expect(p1.started.attemptNo).toBe(1);
    const p4 = await take(P4, 2, 2);
    expect(p4.result).toMatchObject({ roundId: 'r2', rank: 1, attemptsLeft: 1 });

    const board = await api.get(`/api/contests/${contestId}/leaderboard`);
    expect(board.body).toMatchObject({ final: false, roundId: 'r2' });
    expect(board.body.items.map((r: { fullName: string }) => r.fullName)).toEqual([P4.fullName, P1.fullName]);

    const closed = await api.post(`/api/admin/contests/${contestId}/rounds/r2/close`, undefined, token);
    expectStatus(closed, 202);
    // A job (docs/jobs.md): it waits out the contest cache, scores open attempts, writes the ranking.
    expect(closed.body.job).toMatchObject({ kind: 'closeRound', contestId });
    expect(await waitJob(api, closed.body.job.id, token)).toMatchObject({ status: 'succeeded', result: { roundId: 'r2', participants: 2 } });
    expect(await statusOf('r2')).toBe('final');
    // Closing it again answers with the same job.
    const again = await api.post(`/api/admin/contests/${contestId}/rounds/r2/close`, undefined, token);
    expectStatus(again, 202);
    expect(again.body.job).toMatchObject({ id: closed.body.job.id, status: 'succeeded' });
    const res = await startAttempt(api, contestId, P2);
    expectError(res, 409, 'CONTEST_NOT_OPEN');
    expect(res.body.error.details).toEqual({ nextRoundStartsAt: ROUNDS[2]!.startsAt });
    expectError(await api.post(`/api/admin/contests/${contestId}/rounds/r3/close`, undefined, token), 409, 'INVALID_STATE');
    expectError(await api.post(`/api/admin/contests/${contestId}/rounds/r9/close`, undefined, token), 404, 'NOT_FOUND');

    const r2 = await api.get(`/api/admin/contests/${contestId}/results?round=r2`, token);
    expect(r2.body).toMatchObject({ final: true, participants: 2 });
    // Round 2's own participant count (2): P4's prediction 2 is exact.
    expect(r2.body.items.map((r: { fullName: string; predictionError: number | null }) => [r.fullName, r.predictionError])).toEqual([
      [P4.fullName, 0],
      [P1.fullName, 0],
    ]);
  });

  it('units count distinct people over the whole contest, or one round', async () => {
    const whole = await eventually(
      async () => (await api.get(`/api/contests/${contestId}/units`)).body,
      (b) => b.items.reduce((n: number, u: { participants: number }) => n + u.participants, 0) === 4,
    );
    const byId = (b: { items: { unitId: string; participants: number }[] }) => Object.fromEntries(b.items.map((u) => [u.unitId, u.participants]));
    expect(byId(whole)).toEqual({ [unitA]: 2, [unitB]: 2 });
    const inR2 = (await api.get(`/api/contests/${contestId}/units?round=r2`)).body;
    expect(inR2.roundId).toBe('r2');
    expect(byId(inR2)).toEqual({ [unitA]: 1, [unitB]: 1 });
    expectError(await api.get(`/api/contests/${contestId}/units?round=r7`), 404, 'NOT_FOUND');
  });

  it('stats carry byRound, and narrow to a round', async () => {
    const stats = await eventually(
      async () => (await api.get(`/api/admin/contests/${contestId}/stats`, token)).body,
      (b) => b.attempts === 6,
    );
    expect(stats.participants).toBe(4);
    expect(stats.byRound.map((r: { roundId: string; participants: number; attempts: number }) => [r.roundId, r.participants, r.attempts])).toEqual([
      ['r1', 3, 4],
      ['r2', 2, 2],
      ['r3', 0, 0],
    ]);
    const r1 = (await api.get(`/api/admin/contests/${contestId}/stats?round=r1`, token)).body;
    expect(r1).toMatchObject({ roundId: 'r1', participants: 3, attempts: 4 });
    expect(r1.byUnit.find((u: { unitId: string }) => u.unitId === unitA).participants).toBe(2);
  });

  it('a final round ranking does not change; closing the contest marks later rounds final, never held', async () => {
    const before = (await api.get(`/api/admin/contests/${contestId}/results?round=r1`, token)).body;
    const closed = await api.post(`/api/admin/contests/${contestId}/close`, undefined, token);
    expectStatus(closed, 202);
    // The close is a job (docs/jobs.md): its last step finalises the rounds.
    expect(await waitJob(api, closed.body.job.id, token)).toMatchObject({ status: 'succeeded' });
    const pub = await eventually(publicContest, (c) => c.status === 'closed');
    expect(pub.rounds.map((r: { status: string }) => r.status)).toEqual(['final', 'final', 'final']);
    expect(pub.currentRound).toBeNull();
    expect(pub.nextRoundStartsAt).toBeNull();
    const after = (await api.get(`/api/admin/contests/${contestId}/results?round=r1`, token)).body;
    expect(after).toEqual(before);
    const r3 = (await api.get(`/api/admin/contests/${contestId}/results?round=r3`, token)).body;
    expect(r3).toMatchObject({ final: true, participants: 0, items: [] });
  });
});

describe('erasure', () => {
  it('takes the person out of every final round ranking, the rest re-ranked', async () => {
    const erased = await api.del(`/api/admin/people/${P2.phone}`, token);
    expectStatus(erased, 200);
    expect(erased.body.contests.find((c: { contestId: string }) => c.contestId === contestId)).toMatchObject({ finalRankingRewritten: true });
    // The row is hidden at once; the re-rank job rewrites every final ranking that held it.
    const hidden = (await api.get(`/api/admin/contests/${contestId}/results?round=r1`, token)).body;
    expect(hidden.items.map((r: { fullName: string }) => r.fullName)).not.toContain(P2.fullName);
    const jobs = erased.body.jobs as string[];
    expect(jobs).toHaveLength(1);
    expect(await waitJob(api, jobs[0]!, token)).toMatchObject({ status: 'succeeded' });
    const whole = (await api.get(`/api/admin/contests/${contestId}/results`, token)).body;
    expect(whole.items.map((r: { fullName: string }) => r.fullName)).not.toContain(P2.fullName);
    expect(whole.participants).toBe(whole.items.length);
    const r1 = (await api.get(`/api/admin/contests/${contestId}/results?round=r1`, token)).body;
    expect(r1.participants).toBe(2);
    // 2 participants now: P1's prediction 2 is exact.
    expect(r1.items.map((r: { fullName: string; rank: number; predictionError: number | null }) => [r.fullName, r.rank, r.predictionError])).toEqual([
      [P1.fullName, 1, 0],
      [P3.fullName, 2, null],
    ]);
  });
});

describe('the demo', () => {
  it('has a contest of 4 weekly rounds with the current week open', async () => {
    const demo = (await api.get('/api/contests/cchc-tuan-2024')).body;
    expect(demo.hasRounds).toBe(true);
    expect(demo.rounds.map((r: { name: string; status: string }) => [r.name, r.status])).toEqual([
      ['Tuần 1', 'open'],
      ['Tuần 2', 'upcoming'],
      ['Tuần 3', 'upcoming'],
      ['Tuần 4', 'upcoming'],
    ]);
    expect(demo.currentRound).toBe('r1');
    expect(Date.parse(demo.rounds[1].startsAt) - Date.parse(demo.rounds[0].startsAt)).toBe(7 * 24 * 3600_000);
    // Its bank is the commune's plan (data/bank/plan-2024.csv).
    expect((await api.get('/api/admin/contests/cchc-tuan-2024/questions', token)).body.items.length).toBeGreaterThanOrEqual(80);
  });
});

describe('a contest without rounds', () => {
  it('has one implicit round equal to its window', async () => {
    const created = await api.post(
      '/api/admin/contests',
      { title: 'Không chia tuần', startsAt: iso(Date.now() + 3_600_000), endsAt: iso(Date.now() + 7_200_000), questionsPerAttempt: 1, timeLimitSec: 60, maxAttempts: 1, unitIds: [unitA] },
      token,
    );
    expectStatus(created, 201);
    expect(created.body.hasRounds).toBe(false);
    expect(created.body.rounds).toEqual([{ id: 'r1', no: 1, name: 'Không chia tuần', startsAt: created.body.startsAt, endsAt: created.body.endsAt, status: 'upcoming' }]);
    expectError(await api.post(`/api/admin/contests/${created.body.id}/rounds/r1/close`, undefined, token), 409, 'INVALID_STATE');
  });
});

describe('closing a contest during a round', () => {
  it('the open round gets its final ranking from the close job, against its own participant count', async () => {
    const now = Date.now() + moved;
    const created = await api.post(
      '/api/admin/contests',
      {
        ...contestBody('Cuộc thi đóng giữa tuần', now, 1),
        rounds: [
          { name: 'Tuần 1', startsAt: iso(now - MIN), endsAt: iso(now + 10 * MIN) },
          { name: 'Tuần 2', startsAt: iso(now + 11 * MIN), endsAt: iso(now + 20 * MIN) },
        ],
      },
      token,
    );
    expectStatus(created, 201);
    contestId = created.body.id;
    expectStatus(await api.call('POST', `/api/admin/contests/${contestId}/questions/import`, { token, raw: bankCsv(5), headers: { 'content-type': 'text/csv' } }), 200);
    expectStatus(await api.post(`/api/admin/contests/${contestId}/publish`, undefined, token), 200);
    key = await AnswerKey.load(api, contestId, token);
    const [A, B, C] = [5, 6, 7].map((n, i) => ({ fullName: `Người Đóng ${i + 1}`, phone: phone(n), unitId: i % 2 ? unitB : unitA }));
    // A and B tie on correct answers: A's prediction (3) is the exact count, B's (10) is 7 off.
    await take(B!, 2, 10);
    await take(A!, 2, 3);
    // C starts, saves one right answer and never submits: the close scores it.
    const started = await startAttempt(api, contestId, C!);
    expectStatus(started, 201);
    const q = started.body.questions[0] as PublicQuestion;
    expectStatus(await attemptApi(api, started.body.attemptId, started.body.attemptToken).save({ [q.id]: key.choose(q, true) }), 200);

    const closed = await api.post(`/api/admin/contests/${contestId}/close`, undefined, token);
    expectStatus(closed, 202);
    const job = await waitJob(api, closed.body.job.id, token);
    expect(job).toMatchObject({ status: 'succeeded', result: { participants: 3 } });
    expect(job.progress.done).toBe(job.progress.total);
    const expected = [
      [A!.fullName, 1, 0],
      [B!.fullName, 2, 7],
      [C!.fullName, 3, null],
    ];
    const row = (r: { fullName: string; rank: number; predictionError: number | null }) => [r.fullName, r.rank, r.predictionError];
    const r1 = (await api.get(`/api/admin/contests/${contestId}/results?round=r1`, token)).body;
    expect(r1).toMatchObject({ final: true, participants: 3 });
    expect(r1.items.map(row)).toEqual(expected);
    const whole = (await api.get(`/api/admin/contests/${contestId}/results`, token)).body;
    expect(whole).toMatchObject({ final: true, participants: 3 });
    expect(whole.items.map(row)).toEqual(expected);
    expect((await api.get(`/api/admin/contests/${contestId}/results?round=r2`, token)).body).toMatchObject({ final: true, participants: 0, items: [] });
  });
});
