// Issue 7, personal data, over the real local mode: audited exports and the admin-only audit log,
// a person's export and erasure from an open and a closed contest (what remains is computed here
// independently), retention through the privacy handler's scheduled event, and the local server's
// own retention run at start.
import type { Context } from 'aws-lambda';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { RERANK_KIND } from '../../functions/app/rerank-job.ts';
import { maskPhone } from '../../functions/domain/phone.ts';
import { scheduledEvent } from '../../functions/local/schedule.ts';
import { apiClient } from '../helpers/api.ts';
import { closeContest, AnswerKey, attemptApi, createOpenContest, createUnit, eventually, expectError, expectStatus, exportFile, startAttempt, vnDate, type Person } from '../helpers/contest.ts';
import { ADMIN, functionEnv, startServer, type LocalServer } from '../helpers/server.ts';
import { staffTokens } from '../helpers/tokens.ts';

let server: LocalServer;
let api: ReturnType<typeof apiClient>;
let tokens: Awaited<ReturnType<typeof staffTokens>>;
let u1: string;
let u2: string;
/** Open contest (prediction) and the contest that gets closed (prediction). */
let open: { id: string; key: AnswerKey };
let closed: { id: string; key: AnswerKey };

// X is erased; A, B, D stay. Phones differ in their masked forms too.
const X: Person = { fullName: 'Người Bị Xoá', phone: '0977 111 222', unitId: '' };
const A: Person = { fullName: 'Người Ở Lại A', phone: '0988333444', unitId: '' };
const B: Person = { fullName: 'Người Ở Lại B', phone: '0966555666', unitId: '' };
const D: Person = { fullName: 'Người Ở Lại D', phone: '0355777888', unitId: '' };
const XN = '0977111222';

/** Starts and submits one attempt with `right` correct answers (and a prediction). */
async function take(contest: { id: string; key: AnswerKey }, who: Person, right: number, prediction?: number) {
  const started = await startAttempt(api, contest.id, who);
  expectStatus(started, 201);
  const answers = contest.key.answers(started.body.questions, right);
  const res = await attemptApi(api, started.body.attemptId, started.body.attemptToken).submit({ answers, ...(prediction === undefined ? {} : { prediction }) });
  expectStatus(res, 200);
  return started.body;
}

const audit = async (query = '') => {
  const res = await api.get(`/api/admin/audit${query}`, tokens.admin);
  expectStatus(res, 200);
  return res.body as { items: any[]; next?: string };
};

/**
 * Every number and row a reader sees of a contest (staff and public), once the counters (which
 * follow the table's stream) agree with the people read from the items: same participants and attempts.
 */
async function everything(contestId: string) {
  const read = async () => {
    const [stats, units, board, results] = await Promise.all([
      api.get(`/api/admin/contests/${contestId}/stats`, tokens.admin),
      api.get(`/api/contests/${contestId}/units`),
      api.get(`/api/contests/${contestId}/leaderboard?limit=100`),
      api.get(`/api/admin/contests/${contestId}/results`, tokens.admin),
    ]);
    for (const r of [stats, units, board, results]) expectStatus(r, 200);
    // The v2 round fields (docs/rounds.md) follow the contest figures of these one-round contests.
    const { byRound: _b, ...contestStats } = stats.body;
    return { stats: contestStats, units: units.body, board: board.body, results: results.body };
  };
  return eventually(
    read,
    (v) =>
      v.stats.participants === v.results.participants &&
      v.stats.attempts === v.results.items.reduce((n: number, r: { attempts: number }) => n + r.attempts, 0),
  );
}

beforeAll(async () => {
  // The re-rank job's steps paused, so the one an erasure starts is observably pending for a while
  // (and only its: the closes and exports of this file do not wait).
  server = await startServer({ seedDemo: false, env: { JOB_STEP_PAUSE_MS: '150', JOB_STEP_PAUSE_KINDS: RERANK_KIND } });
  api = apiClient(server.baseUrl);
  tokens = await staffTokens(api);
  u1 = await createUnit(api, tokens.admin, 'Hội Nông dân', 10);
  u2 = await createUnit(api, tokens.admin, 'Hội Phụ nữ', 4);
  for (const p of [X, A, D]) p.unitId = u1;
  B.unitId = u2;
  Object.assign(X, { village: 'Thôn A' });
  Object.assign(A, { village: 'Thôn A' });
  Object.assign(B, { village: 'Thôn B' });
  const options = { unitIds: [u1, u2], bank: 6, questionsPerAttempt: 4, maxAttempts: 3, villages: ['Thôn A', 'Thôn B'], prediction: true };
  open = await createOpenContest(api, tokens.organizer, { ...options, title: 'Cuộc thi đang mở' });
  closed = await createOpenContest(api, tokens.organizer, { ...options, title: 'Cuộc thi đã đóng' });

  await take(open, X, 1, 10);
  await take(open, X, 3, 7);
  await take(open, A, 2, 5);
  await take(open, B, 4);
  await take(closed, X, 4, 4);
  await take(closed, A, 2, 3);
  await take(closed, B, 1, 9);
  await take(closed, D, 4, 2);
  await closeContest(api, closed.id, tokens.organizer);
});
afterAll(async () => {
  await server?.stop();
});

describe('audit log', () => {
  it('every results export (json, csv, xlsx) is recorded with who, what and when; admins read it newest first', async () => {
    const t0 = Date.now();
    expectStatus(await api.get(`/api/admin/contests/${open.id}/results`, tokens.organizer), 200);
    for (const format of ['csv', 'xlsx'] as const) await exportFile(api, closed.id, tokens.admin, { format });
    const { items } = await audit('?limit=3');
    expect(items.map((e) => [e.action, e.contestId, e.format, e.actor.email])).toEqual([
      ['results.export', closed.id, 'xlsx', ADMIN.email],
      ['results.export', closed.id, 'csv', ADMIN.email],
      ['results.export', open.id, 'json', 'organizer.tokens@example.com'],
    ]);
    for (const e of items) {
      expect(e.actor.userId).toMatch(/\S/);
      expect(Date.parse(e.at)).toBeGreaterThanOrEqual(t0 - 1000);
      expect(Date.parse(e.at)).toBeLessThanOrEqual(Date.now() + 1000);
    }
    // An export is audited when it is asked for (the job that writes the file comes after).
    expect(items[0].details).toEqual({ job: expect.any(String), kind: 'results' });
  });

  it('pages with `next`, and refuses a malformed cursor', async () => {
    const first = await audit('?limit=2');
    expect(first.items).toHaveLength(2);
    const second = await audit(`?limit=2&before=${encodeURIComponent(first.next!)}`);
    expect(second.items[0].at <= first.items[1].at).toBe(true);
    expect(second.items.map((e) => e.id)).not.toContain(first.items[1].id);
    expectError(await api.get('/api/admin/audit?before=yesterday', tokens.admin), 400, 'VALIDATION_FAILED');
  });

  it('organizers and observers cannot read it; observers cannot export results', async () => {
    expectError(await api.get('/api/admin/audit', tokens.organizer), 403, 'FORBIDDEN');
    expectError(await api.get('/api/admin/audit', tokens.observer), 403, 'FORBIDDEN');
    expectError(await api.get('/api/admin/audit'), 401, 'UNAUTHORIZED');
    expectError(await api.get(`/api/admin/contests/${open.id}/results`, tokens.observer), 403, 'FORBIDDEN');
    expectError(await api.get(`/api/admin/people/${XN}`, tokens.organizer), 403, 'FORBIDDEN');
    expectError(await api.del(`/api/admin/people/${XN}`, tokens.organizer), 403, 'FORBIDDEN');
    // Refused requests read nothing and leave no entry.
    expect((await audit('?limit=1')).items[0].format).toBe('xlsx');
  });
});

describe('a person\'s data on request', () => {
  it('exports everything stored about a phone, in any spelling, and audits the lookup', async () => {
    const res = await api.get(`/api/admin/people/${encodeURIComponent('+84 977.111.222')}`, tokens.admin);
    expectStatus(res, 200);
    expect(res.body.phone).toBe(XN);
    const byContest = Object.fromEntries(res.body.contests.map((c: any) => [c.contestId, c]));
    expect(byContest[open.id].attempts.map((a: any) => a.outcome.correctCount)).toEqual([1, 3]);
    expect(byContest[open.id].person).toMatchObject({ fullName: X.fullName, attemptsUsed: 2, scoredAttempts: 2, best: { correctCount: 3, prediction: 7 } });
    expect(byContest[closed.id].finalRank).toMatchObject({ rank: 1, correctCount: 4, prediction: 4, predictionError: 0 });
    expect(byContest[open.id].attempts[0].registration).toMatchObject({ phone: XN, village: 'Thôn A', unitId: u1 });
    const [entry] = (await audit('?limit=1')).items;
    expect(entry).toMatchObject({ action: 'person.export', subject: maskPhone(XN), actor: { email: ADMIN.email } });
    expect(JSON.stringify((await audit('?limit=100')).items)).not.toContain(XN);

    expectError(await api.get('/api/admin/people/0911000999', tokens.admin), 404, 'NOT_FOUND');
    expectError(await api.get('/api/admin/people/12345', tokens.admin), 400, 'VALIDATION_FAILED');
  });

  it('erases them from an open and a closed contest: every number equals what the others alone give', async () => {
    const before = await everything(closed.id);
    expect(before.results.participants).toBe(4);
    // An attempt of X still open at erasure time.
    const pending = await startAttempt(api, open.id, X);
    expectStatus(pending, 201);

    const res = await api.del(`/api/admin/people/${XN}`, tokens.admin);
    expectStatus(res, 200);
    expect(res.body.contests.map((c: any) => [c.contestId, c.attemptsDeleted, c.wasParticipant, c.finalRankingRewritten]).sort()).toEqual(
      [
        [open.id, 3, true, false],
        [closed.id, 1, true, true],
      ].sort(),
    );
    expect((await audit('?limit=1')).items[0]).toMatchObject({ action: 'person.erase', subject: maskPhone(XN), details: { contests: 2, attempts: 4 } });

    // The final ranking is rewritten by a re-rank job; until it ends, no reader shows X's row.
    expect(res.body.jobs).toHaveLength(1);
    const [jobId] = res.body.jobs;
    let pendingReads = 0;
    for (;;) {
      const job = (await api.get(`/api/admin/jobs/${jobId}`, tokens.admin)).body.job;
      const [board, results, page, person] = await Promise.all([
        api.get(`/api/contests/${closed.id}/leaderboard?limit=100`),
        api.get(`/api/admin/contests/${closed.id}/results`, tokens.admin),
        api.get(`/api/admin/contests/${closed.id}/results?limit=2`, tokens.admin),
        api.get(`/api/admin/people/${XN}`, tokens.admin),
      ]);
      const seen = JSON.stringify([board.body, results.body, page.body]);
      expect(seen).not.toContain(XN);
      expect(seen).not.toContain(maskPhone(XN));
      expectError(person, 404, 'NOT_FOUND');
      expect(job.status).not.toBe('failed');
      if (job.status === 'succeeded') break;
      pendingReads++;
    }
    expect(pendingReads).toBeGreaterThan(0);

    // The attempt that was open is gone: the app can neither resume nor submit it.
    const gone = attemptApi(api, pending.body.attemptId, pending.body.attemptToken);
    expectError(await gone.get(), 404, 'NOT_FOUND');
    expectError(await gone.submit({ answers: {} }), 404, 'NOT_FOUND');

    const today = vnDate(new Date().toISOString());
    // Open contest: A (u1, Thôn A, 2 right) and B (u2, Thôn B, 4 right) remain, one attempt each.
    const o = await everything(open.id);
    expect(o.stats).toEqual({
      participants: 2,
      attempts: 2,
      byUnit: [
        { unitId: u2, name: 'Hội Phụ nữ', memberCount: 4, participants: 1, participationRate: 0.25, averageCorrect: 4 },
        { unitId: u1, name: 'Hội Nông dân', memberCount: 10, participants: 1, participationRate: 0.1, averageCorrect: 2 },
      ],
      byVillage: [
        { village: 'Thôn A', participants: 1 },
        { village: 'Thôn B', participants: 1 },
      ],
      byDay: [{ date: today, participants: 2, attempts: 2 }],
      scoreHistogram: [
        { correctCount: 2, people: 1 },
        { correctCount: 4, people: 1 },
      ],
    });
    expect(o.units.items.map((u: any) => [u.rank, u.unitId, u.participants, u.averageCorrect])).toEqual([
      [1, u2, 1, 4],
      [2, u1, 1, 2],
    ]);
    expect(o.board.items.map((r: any) => [r.rank, r.fullName, r.correctCount])).toEqual([
      [1, B.fullName, 4],
      [2, A.fullName, 2],
    ]);
    expect(o.results).toMatchObject({ final: false, participants: 2 });
    expect(o.results.items.map((r: any) => [r.rank, r.phone])).toEqual([
      [1, '0966555666'],
      [2, '0988333444'],
    ]);

    // Closed contest: D (4 right, predicted 2), A (2, predicted 3), B (1, predicted 9); 3 participants now.
    const c = await everything(closed.id);
    expect(c.results.final).toBe(true);
    expect(c.results.participants).toBe(3);
    expect(c.results.items.map((r: any) => [r.rank, r.fullName, r.correctCount, r.prediction, r.predictionError])).toEqual([
      [1, D.fullName, 4, 2, 1],
      [2, A.fullName, 2, 3, 0],
      [3, B.fullName, 1, 9, 6],
    ]);
    expect(c.stats).toMatchObject({ participants: 3, attempts: 3, byDay: [{ date: today, participants: 3, attempts: 3 }] });
    expect(c.stats.scoreHistogram).toEqual([
      { correctCount: 1, people: 1 },
      { correctCount: 2, people: 1 },
      { correctCount: 4, people: 1 },
    ]);
    expect(c.units.items.map((u: any) => [u.unitId, u.participants, u.averageCorrect])).toEqual([
      [u2, 1, 1],
      [u1, 2, 3],
    ]);
    expect(c.board).toMatchObject({ final: true });
    expect(c.board.items.map((r: any) => r.fullName)).toEqual([D.fullName, A.fullName, B.fullName]);
    expect((await api.get(`/api/contests/${closed.id}`)).body.participants).toBe(3);

    // The phone appears nowhere: no results, no leaderboard (not even masked), no export.
    const everywhere = JSON.stringify([o, c]);
    expect(everywhere).not.toContain(XN);
    expect(everywhere).not.toContain(maskPhone(XN));
    expect(everywhere).not.toContain(X.fullName);
    expectError(await api.get(`/api/admin/people/${XN}`, tokens.admin), 404, 'NOT_FOUND');
    // Running it again finds nothing and changes nothing.
    expect((await api.del(`/api/admin/people/${XN}`, tokens.admin)).body.contests).toEqual([]);
    expect(await everything(closed.id)).toEqual(c);
  });
});

describe('retention', () => {
  let privacy: (event: unknown, context: Context) => Promise<any>;

  beforeAll(async () => {
    // The privacy Lambda in this process, against the local mode's DynamoDB Local.
    Object.assign(process.env, functionEnv(server));
    privacy = (await import('../../functions/handlers/privacy.ts')).handler as never;
  });

  const context = { functionName: 'privacy', awsRequestId: 'r', getRemainingTimeInMillis: () => 300_000 } as unknown as Context;

  it('a closed contest keeps its phones until closedAt + retentionDays, then loses only them', async () => {
    const patched = await api.patch(`/api/admin/contests/${closed.id}`, { retentionDays: 1 }, tokens.organizer);
    expectStatus(patched, 200);
    const due = Date.parse(patched.body.personalDataDueAt);
    expect(due).toBe(Date.parse(patched.body.closedAt) + 86_400_000);
    // Other fields of a closed contest stay locked.
    expectError(await api.patch(`/api/admin/contests/${closed.id}`, { maxAttempts: 5 }, tokens.organizer), 409, 'INVALID_STATE');

    const before = await everything(closed.id);
    const early = await privacy(scheduledEvent(new Date(due - 60_000)), context);
    expect(early.contests).toEqual([]);
    expect((await everything(closed.id)).results.items.map((r: any) => r.phone)).toEqual(['0355777888', '0988333444', '0966555666']);

    const run = await privacy(scheduledEvent(new Date(due + 1000)), context);
    expect(run.contests).toEqual([{ contestId: closed.id, people: 3, attempts: 3 }]);
    const after = await everything(closed.id);
    expect(after.stats).toEqual(before.stats);
    expect(after.units).toEqual(before.units);
    expect(after.results.items).toEqual(before.results.items.map((r: any) => ({ ...r, phone: '' })));
    expect(after.board.items).toEqual(before.board.items.map((r: any) => ({ ...r, phoneMasked: '' })));
    expect(JSON.stringify(after)).not.toMatch(/0\d{9}/);
    for (const format of ['csv', 'xlsx'] as const) {
      const file = await exportFile(api, closed.id, tokens.admin, { format });
      if (format === 'csv') expect(file.bytes.toString('utf8')).not.toMatch(/0\d{9}/);
    }
    const view = (await api.get(`/api/admin/contests/${closed.id}`, tokens.admin)).body;
    expect(view.purgedAt).toBe(new Date(due + 1000).toISOString().slice(0, 19) + '.000Z');
    // A's export now holds only the open contest.
    const a = await api.get(`/api/admin/people/0988333444`, tokens.admin);
    expect(a.body.contests.map((c: any) => c.contestId)).toEqual([open.id]);
    const entries = (await audit('?limit=5')).items;
    expect(entries.find((e) => e.action === 'retention.purge')).toMatchObject({ contestId: closed.id, actor: { userId: 'system' }, details: { people: 3, attempts: 3 } });
    // Once purged, the retention is settled.
    expectError(await api.patch(`/api/admin/contests/${closed.id}`, { retentionDays: 30 }, tokens.organizer), 409, 'INVALID_STATE');
    // The open contest was untouched.
    expect((await everything(open.id)).results.items).toHaveLength(2);
  });

  it('the local server runs the same purge itself when it starts', async () => {
    // A third contest, closed, then made due by moving its close two days back (the real clock cannot wait a day).
    const third = await createOpenContest(api, tokens.admin, { unitIds: [u1], bank: 4, questionsPerAttempt: 2, maxAttempts: 1, title: 'Cuộc thi cũ' });
    await take(third, { ...A, unitId: u1 }, 1);
    expectStatus(await api.patch(`/api/admin/contests/${third.id}`, { retentionDays: 1 }, tokens.admin), 200);
    await closeContest(api, third.id, tokens.admin);
    const { contestRepository } = await import('../../functions/adapters/dynamodb/contests.ts');
    const stored = (await contestRepository.get(third.id, true))!;
    const twoDaysAgo = new Date(Date.now() - 2 * 86_400_000).toISOString();
    expect(await contestRepository.replace({ ...stored, closedAt: twoDaysAgo, version: stored.version + 1 })).toBe(true);

    await server.stop({ keepData: true });
    server = await startServer({ seedDemo: false, dataDir: server.dataDir });
    api = apiClient(server.baseUrl);
    tokens = await staffTokens(api);
    const view = await eventually(
      async () => (await api.get(`/api/admin/contests/${third.id}`, tokens.admin)).body,
      (v) => v.purgedAt !== undefined,
      20_000,
    );
    expect(view.purgedAt).toBeDefined();
    const results = await api.get(`/api/admin/contests/${third.id}/results`, tokens.admin);
    expect(results.body.items.map((r: any) => [r.fullName, r.phone])).toEqual([[A.fullName, '']]);
  });
});
