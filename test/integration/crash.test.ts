// Issue 3: kill -9 of the whole local mode (server, DynamoDB Local, cognito-local) in the middle of
// a stream of starts, saves and submits, then a restart on the same data: nothing that got a 2xx
// is lost, nothing is counted twice, and the aggregates agree with the ranking.
import { afterAll, describe, expect, it } from 'vitest';
import { apiClient, type ApiResponse } from '../helpers/api.ts';
import { attemptApi, createOpenContest, createUnit, expectStatus, sleep, startAttempt, type PublicQuestion } from '../helpers/contest.ts';
import { ADMIN, startServer, type LocalServer } from '../helpers/server.ts';

const servers: LocalServer[] = [];
afterAll(async () => {
  // The restarted server first (it does not own the directory), then the first one, which removes it.
  for (const s of [...servers].reverse()) await s.stop();
});

interface Attempt {
  attemptId: string;
  token: string;
  phone: string;
  questions: PublicQuestion[];
  /** Answers whose save got a 200. */
  acked: Record<string, string[]>;
  /** The submit got a 200 with this body. */
  result?: any;
  /** A save was in flight when the server died. */
  saveCut?: boolean;
  /** The submit was in flight when the server died: it may or may not have landed. */
  submitCut?: boolean;
}

const WORKERS = 12;
const QUESTIONS = 3;

describe('kill -9 during submissions', () => {
  it('keeps every acknowledged save and submission, and no more than what landed', async () => {
    const first = await startServer({ seedDemo: false });
    servers.push(first);
    const api = apiClient(first.baseUrl);
    const token = await api.login(ADMIN.email, ADMIN.password);
    const unitIds = [await createUnit(api, token, 'Hội Nông dân xã', 300), await createUnit(api, token, 'Hội Liên hiệp Phụ nữ xã', 200)];
    const contest = await createOpenContest(api, token, { unitIds, bank: 6, questionsPerAttempt: QUESTIONS, maxAttempts: 2, villages: ['Thôn Long Tro', 'Thôn Kon Hia'] });

    const attempts: Attempt[] = [];
    let killed = false;
    let unknownStarts = 0;
    let ackedSubmits = 0;
    const problems: string[] = [];

    /** A request during the stream: its response, or undefined when the server died under it. */
    async function send(call: () => Promise<ApiResponse>, what: string): Promise<ApiResponse | undefined> {
      try {
        const res = await call();
        if (res.status >= 300 && !killed) problems.push(`${what}: ${res.status} ${res.text}`);
        return res.status < 300 ? res : undefined;
      } catch (e) {
        if (!killed) problems.push(`${what}: ${(e as Error).message}`);
        return undefined;
      }
    }

    async function worker(w: number) {
      for (let n = 0; !killed; n++) {
        // Every third round is a second attempt of the worker's previous person.
        const personNo = n % 3 === 2 ? n - 1 : n;
        const phone = `09${String(w).padStart(2, '0')}${String(personNo).padStart(6, '0')}`;
        const started = await send(
          () => startAttempt(api, contest.id, { fullName: `Người ${w}-${personNo}`, phone, unitId: unitIds[w % 2]!, village: w % 3 ? 'Thôn Long Tro' : null }),
          `start ${phone}`,
        );
        if (!started) {
          unknownStarts++;
          return;
        }
        const a: Attempt = { attemptId: started.body.attemptId, token: started.body.attemptToken, phone, questions: started.body.questions, acked: {} };
        attempts.push(a);
        const call = attemptApi(api, a.attemptId, a.token);
        const right = (w + n) % (QUESTIONS + 1);
        const answers = contest.key.answers(a.questions, right);
        // One save per question, so a save lost in flight cannot hide an acknowledged one.
        for (const q of a.questions.slice(0, 2)) {
          const saved = await send(() => call.save({ [q.id]: answers[q.id]! }), `save ${a.attemptId}`);
          if (!saved) {
            a.saveCut = true;
            return;
          }
          a.acked[q.id] = answers[q.id]!;
        }
        // Some people leave their attempt open.
        if (n % 4 === 3) continue;
        const res = await send(() => call.submit({ answers }), `submit ${a.attemptId}`);
        if (!res) {
          a.submitCut = true;
          return;
        }
        expect(res.body.correctCount).toBe(right);
        a.result = res.body;
        ackedSubmits++;
      }
    }

    const running = Array.from({ length: WORKERS }, (_, w) => worker(w));
    // Let the stream run until a good number of submissions are in, then pull the plug mid-flight.
    const until = Date.now() + 45_000;
    while (ackedSubmits < 30 && Date.now() < until) await sleep(50);
    killed = true;
    await first.kill9();
    await Promise.all(running);
    expect(problems).toEqual([]);
    expect(ackedSubmits).toBeGreaterThanOrEqual(10);

    const second = await startServer({ seedDemo: false, dataDir: first.dataDir });
    servers.push(second);
    const api2 = apiClient(second.baseUrl);
    const token2 = await api2.login(ADMIN.email, ADMIN.password);

    // Every acknowledged start, save and submission is there; unknown outcomes are read back.
    const landed: { phone: string; correctCount: number }[] = [];
    for (const a of attempts) {
      const call = attemptApi(api2, a.attemptId, a.token);
      const state = await call.get();
      expectStatus(state, 200);
      expect(state.body.questions).toEqual(a.questions);
      for (const [q, ids] of Object.entries(a.acked)) expect(state.body.savedAnswers[q], `${a.attemptId} ${q}`).toEqual(ids);
      if (a.result) {
        expect(state.body.status).toBe('submitted');
        expect(state.body.result).toEqual(a.result);
        expect((await call.submit({})).body).toEqual(a.result);
        landed.push({ phone: a.phone, correctCount: a.result.correctCount });
      } else if (state.body.status === 'submitted') {
        expect(a.submitCut, `${a.attemptId} was submitted without anyone asking`).toBe(true);
        landed.push({ phone: a.phone, correctCount: state.body.result.correctCount });
      } else {
        expect(state.body.status).toBe('open');
      }
    }
    console.log(
      `crash: ${attempts.length} attempts started, ${ackedSubmits} submissions acknowledged, ${landed.length - ackedSubmits} in-flight submissions landed, ${attempts.filter((a) => a.submitCut).length} submits and ${attempts.filter((a) => a.saveCut).length} saves cut, ${unknownStarts} starts cut`,
    );

    const phones = new Set(landed.map((l) => l.phone));
    const stats = await api2.get(`/api/admin/contests/${contest.id}/stats`, token2);
    expectStatus(stats, 200);
    expect(stats.body.participants).toBe(phones.size);
    expect(stats.body.attempts).toBe(landed.length);
    expect(stats.body.byUnit.reduce((n: number, u: any) => n + u.participants, 0)).toBe(phones.size);

    const results = await api2.get(`/api/admin/contests/${contest.id}/results`, token2);
    expectStatus(results, 200);
    expect(results.body.participants).toBe(phones.size);
    expect(results.body.items).toHaveLength(phones.size);
    for (const row of results.body.items) {
      const mine = landed.filter((l) => l.phone === row.phone);
      expect(row.attempts).toBe(mine.length);
      expect(row.correctCount).toBe(Math.max(...mine.map((l) => l.correctCount)));
    }
    const histogram = new Map<number, number>();
    for (const row of results.body.items) histogram.set(row.correctCount, (histogram.get(row.correctCount) ?? 0) + 1);
    expect(stats.body.scoreHistogram).toEqual([...histogram.entries()].sort(([a], [b]) => a - b).map(([correctCount, people]) => ({ correctCount, people })));

    // The restarted server carries on: the open attempts can be submitted and are counted once.
    const open = attempts.filter((a) => !a.result);
    let more = 0;
    for (const a of open) {
      const state = (await attemptApi(api2, a.attemptId, a.token).get()).body;
      if (state.status !== 'open') continue;
      const res = await attemptApi(api2, a.attemptId, a.token).submit({});
      expectStatus(res, 200);
      // Scored from what was saved: at most the 2 saved answers can be right.
      expect(res.body.correctCount).toBeLessThanOrEqual(2);
      more++;
      phones.add(a.phone);
    }
    const after = (await api2.get(`/api/admin/contests/${contest.id}/stats`, token2)).body;
    expect(after.attempts).toBe(landed.length + more);
    expect(after.participants).toBe(phones.size);
    const finalResults = (await api2.get(`/api/admin/contests/${contest.id}/results`, token2)).body;
    expect(finalResults.items).toHaveLength(phones.size);
    expect(finalResults.items.reduce((n: number, r: any) => n + r.attempts, 0)).toBe(landed.length + more);
  }, 240_000);
});
