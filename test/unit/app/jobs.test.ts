// Jobs (docs/jobs.md): every step of a close and of an export is redone after a crash that comes
// after its output was written and before its checkpoint was; the outcome equals an uninterrupted
// run (the same final ranking, the same file bytes). Plus the runner's rules: a domain error fails
// the job, other errors are retried until MAX_STEP_FAILURES, a job is read by its owner and admins.
import { describe, expect, it } from 'vitest';
import { PEOPLE_SHARDS } from '../../../functions/adapters/dynamodb/keys.ts';
import { EXPORT_KIND, exportJobKind } from '../../../functions/adapters/export/job.ts';
import { CLOSE_KIND, closeJobKind, startClose } from '../../../functions/app/close-job.ts';
import { finalRanking } from '../../../functions/app/final-ranking.ts';
import { roundUseCases } from '../../../functions/app/rounds.ts';
import { jobUseCases, MAX_STEP_FAILURES, type JobKind } from '../../../functions/app/jobs.ts';
import { InvalidState } from '../../../functions/domain/errors.ts';
import { FINAL_PAGE_ROWS, type FakeSystem } from '../../factories/fakes.ts';
import { openContest, participant, system } from './helpers.ts';

/** The kind, with every step run once more: the first run of each step throws after its output is written. */
function crashAfterEachStep(kind: JobKind): JobKind & { crashes: number } {
  const seen = new Set<string>();
  const wrapped = {
    ...kind,
    crashes: 0,
    async step(job: Parameters<JobKind['step']>[0]) {
      const out = await kind.step(job);
      const at = JSON.stringify(job.state);
      if (!seen.has(at)) {
        seen.add(at);
        wrapped.crashes++;
        throw new Error('killed after the step, before its checkpoint');
      }
      return out;
    },
  };
  return wrapped;
}

function kindsOf(sys: FakeSystem, partBytes = 150) {
  return {
    [CLOSE_KIND]: closeJobKind({
      contests: sys.contests,
      contestCases: sys.contestCases,
      attempts: sys.attemptCases,
      ranking: finalRanking({ standings: sys.standings, jobs: sys.jobs, partitions: PEOPLE_SHARDS, rowsPerPage: FINAL_PAGE_ROWS }),
      rounds: roundUseCases({ contests: sys.contests, attempts: sys.attemptCases, contestCases: sys.contestCases, now: sys.clock.now }),
      now: sys.clock.now,
      sleep: async () => {},
      partitions: PEOPLE_SHARDS,
    }),
    [EXPORT_KIND]: exportJobKind({
      jobs: sys.jobs,
      files: sys.files,
      contest: (id) => sys.contests.get(id, true),
      finalPages: (id, from, max) => sys.standings.finalPages(id, from, max),
      liveScope: (id, round) => sys.standingsCases.liveScope(id, round),
      ranking: finalRanking({ standings: sys.standings, jobs: sys.jobs, partitions: PEOPLE_SHARDS, rowsPerPage: FINAL_PAGE_ROWS }),
      unitNames: async () => new Map((await sys.units.list()).map((u) => [u.id, u.name])),
      unitRanking: async (id) => (await sys.standingsCases.unitLeaderboard(id)).items,
      now: sys.clock.now,
      partBytes,
    }),
  };
}

/** A contest with scored people, one open attempt with a saved answer, and one open attempt with none. */
async function scenario(sys: FakeSystem) {
  const contest = await openContest(sys, { prediction: { prompt: 'Bao nhiêu người?' } });
  for (let i = 0; i < 30; i++) {
    const a = await sys.attemptCases.start(contest.id, participant(i, { fullName: `Người ${i}`, unitId: i % 2 ? 'u-nd' : 'u-pn' }));
    sys.clock.advanceSec(7 + (i % 5));
    if (i === 28) continue; // left open with nothing saved
    const ids = a.questions.map((q) => q.id);
    if (i === 29) {
      await sys.attemptCases.save(a.attemptId, a.attemptToken, { [ids[0]!]: [a.questions[0]!.options[0]!.id] });
      continue;
    }
    await sys.attemptCases.submit(a.attemptId, a.attemptToken, { answers: Object.fromEntries(a.questions.slice(0, i % 6).map((q) => [q.id, [q.options[0]!.id]])), prediction: 20 + i });
  }
  return contest.id;
}

async function runToEnd(jobs: ReturnType<typeof jobUseCases>, id: string) {
  for (let i = 0; i < 500; i++) {
    try {
      const job = await jobs.run(id);
      if (job && (job.status === 'succeeded' || job.status === 'failed')) return job;
    } catch {
      // the runner retries, as the local runner and SQS do
    }
  }
  throw new Error('the job never ended');
}

describe('a job killed after any step resumes to the same outcome', () => {
  it('close: the same final ranking and the same finalised attempts as an uninterrupted close', async () => {
    const a = system();
    const b = system();
    const [idA, idB] = [await scenario(a), await scenario(b)];
    expect(idA).toBe(idB);
    await a.standingsCases.close(idA);

    const kinds = kindsOf(b);
    const close = crashAfterEachStep(kinds[CLOSE_KIND]);
    const jobs = jobUseCases({ jobs: b.jobs, queue: { enqueue: async () => {} }, kinds: { ...kinds, [CLOSE_KIND]: close }, newId: () => 'job-b', now: b.clock.now });
    const started = await startClose({ contests: b.contests, contestCases: b.contestCases, attempts: b.attemptCases, jobs, newId: () => 'close-b', now: b.clock.now }, idB, 'staff-1');
    const job = await runToEnd(jobs, started.id);
    // wait 1, finalize 16, count 1, a run per partition 16, merge 1 (30 rows: one page), finish 1.
    expect(job).toMatchObject({ status: 'succeeded', result: { participants: 30 }, progress: { done: 36, total: 36 } });
    expect(close.crashes).toBe(36);
    expect(await b.standings.readFinal(idB)).toEqual(await a.standings.readFinal(idA));
    expect(b.contests.stored(idB)).toMatchObject({ status: 'closed', finalParticipants: 30 });
    expect((await b.contestCases.get(idB)).status).toBe('closed');
  });

  it.each(['csv', 'json', 'xlsx'] as const)('export %s: the same bytes as an uninterrupted export', async (format) => {
    const sys = system();
    const id = await scenario(sys);
    await sys.standingsCases.close(id);
    const kinds = kindsOf(sys);
    const straight = jobUseCases({ jobs: sys.jobs, queue: { enqueue: async () => {} }, kinds, newId: () => 'straight', now: sys.clock.now });
    const crashing = crashAfterEachStep(kinds[EXPORT_KIND]);
    const resumed = jobUseCases({ jobs: sys.jobs, queue: { enqueue: async () => {} }, kinds: { ...kinds, [EXPORT_KIND]: crashing }, newId: () => 'resumed', now: sys.clock.now });
    const fileOf = async (jobs: typeof straight) => {
      const job = await runToEnd(jobs, (await jobs.start(EXPORT_KIND, id, 'staff-1', { format, kind: 'results' })).id);
      expect(job.status).toBe('succeeded');
      return { job, bytes: sys.files.objects.get(String(job.result!.key))! };
    };
    const a = await fileOf(straight);
    const b = await fileOf(resumed);
    expect(crashing.crashes).toBeGreaterThanOrEqual(format === 'xlsx' ? 3 : 4);
    expect(b.bytes.equals(a.bytes)).toBe(true);
    expect(b.job.result).toMatchObject({ rows: 30, bytes: a.bytes.length });
    if (format === 'json') expect(JSON.parse(a.bytes.toString()).items.map((r: { rank: number }) => r.rank)).toEqual(Array.from({ length: 30 }, (_, i) => i + 1));
  });
});

describe('the runner', () => {
  const kind = (step: JobKind['step']): JobKind => ({ total: () => 2, step });

  it('a domain error fails the job with its code; other errors are thrown, then fail it after MAX_STEP_FAILURES', async () => {
    const sys = system();
    const jobs = jobUseCases({
      jobs: sys.jobs,
      queue: { enqueue: async () => {} },
      kinds: { refused: kind(async () => Promise.reject(new InvalidState('not now'))), broken: kind(async () => Promise.reject(new Error('outage'))) },
      newId: (() => {
        let n = 0;
        return () => `j${++n}`;
      })(),
      now: sys.clock.now,
    });
    const refused = await jobs.start('refused', 'c1', 'staff-1');
    expect(await jobs.run(refused.id)).toMatchObject({ status: 'failed', error: { code: 'INVALID_STATE', message: 'not now' } });
    const broken = await jobs.start('broken', 'c1', 'staff-1');
    for (let i = 1; i < MAX_STEP_FAILURES; i++) {
      await expect(jobs.run(broken.id)).rejects.toThrow('outage');
      expect((await sys.jobs.get(broken.id))?.failures).toBe(i);
    }
    expect(await jobs.run(broken.id)).toMatchObject({ status: 'failed', error: { code: 'INTERNAL' } });
    expect(await sys.jobs.active()).toEqual([]);
  });

  it('pauses between the steps of the kinds in pauseKinds only, or of every kind without it', async () => {
    const twoSteps = kind(async (job) => ((job.state as { n?: number }).n ? { state: { n: 2 }, done: 2, result: { ok: true } } : { state: { n: 1 }, done: 1 }));
    const pausesOf = async (pauseKinds?: string[]) => {
      const sys = system();
      const pauses: [string, number][] = [];
      let running = '';
      const jobs = jobUseCases({
        jobs: sys.jobs,
        queue: { enqueue: async () => {} },
        kinds: { rerank: twoSteps, close: twoSteps },
        newId: (() => {
          let n = 0;
          return () => `j${++n}`;
        })(),
        now: sys.clock.now,
        pauseMs: 150,
        pauseKinds,
        sleep: async (ms) => void pauses.push([running, ms]),
      });
      for (const k of ['rerank', 'close']) {
        running = k;
        const job = await jobs.start(k, 'c1', 'staff-1');
        expect(await jobs.run(job.id)).toMatchObject({ status: 'succeeded' });
      }
      return pauses;
    };
    expect(await pausesOf(['rerank'])).toEqual([['rerank', 150]]);
    expect(await pausesOf()).toEqual([['rerank', 150], ['close', 150]]);
  });

  it('starting twice under one id is one job; its owner and admins read it, other staff get 403, unknown ids 404', async () => {
    const sys = system();
    const queued: string[] = [];
    const jobs = jobUseCases({ jobs: sys.jobs, queue: { enqueue: async (id) => void queued.push(id) }, kinds: { k: kind(async () => ({ state: {}, done: 2, result: { ok: true } })) }, newId: () => 'x', now: sys.clock.now });
    const first = await jobs.start('k', 'c1', 'owner', {}, 'same');
    const second = await jobs.start('k', 'c1', 'someone-else', {}, 'same');
    expect(second).toEqual(first);
    expect(queued).toEqual(['same', 'same']);
    await jobs.run('same');
    expect(await jobs.get('same', { userId: 'owner', roles: ['organizer'] })).toMatchObject({ status: 'succeeded', result: { ok: true }, progress: { done: 2, total: 2 } });
    expect(await jobs.get('same', { userId: 'admin-1', roles: ['admin'] })).toMatchObject({ status: 'succeeded' });
    await expect(jobs.get('same', { userId: 'other', roles: ['organizer'] })).rejects.toMatchObject({ code: 'FORBIDDEN' });
    await expect(jobs.get('nope', { userId: 'owner', roles: ['organizer'] })).rejects.toMatchObject({ code: 'NOT_FOUND' });
  });
});
