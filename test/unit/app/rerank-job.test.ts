// Issue 12: the re-rank job an erasure starts for a finalised contest (app/rerank-job.ts). A crash
// after any step (its output written, its checkpoint not) resumes to the very pages of an
// uninterrupted run; rows twice across pages are kept once; a second erasure during a pass is
// taken in another pass of the same job. The re-rank holds a group of pages at a time (runs of
// final pages re-ranked against the new count, merged into the ranking's pages: app/final-ranking.ts);
// a larger case with several runs and merge steps compares it with the in-memory re-rank.
import { describe, expect, it } from 'vitest';
import type { ContestRecord, FinalRow } from '../../../functions/app/contest-ports.ts';
import type { JobRecord } from '../../../functions/app/job-ports.ts';
import { rerankFinal } from '../../../functions/app/privacy.ts';
import { finalKey } from '../../factories/fakes.ts';
import { RERANK_KIND, rerankJobKind, withoutErased } from '../../../functions/app/rerank-job.ts';
import { openContest, phoneOf, system } from './helpers.ts';

const ROWS_PER_PAGE = 3;

function row(i: number): FinalRow {
  // Predictions near the participant count: erasing one changes prediction errors and the order.
  return { rank: i, phone: phoneOf(i), fullName: `Người ${i}`, unitId: 'u-pn', village: null, correctCount: 5 - (i % 3), prediction: 14 + (i % 4), predictionError: null, durationMs: 1000 * i, submittedAt: '2024-06-10T03:00:00.000Z', attempts: 1 };
}

/** Kind options of the larger case: runs of 4 final pages, staged in pages of 2 rows read 2 at a time, 3 pages merged a step. */
const SMALL = { pagesPerRun: 4, runPageRows: 2, runPagesPerRead: 2, pagesPerStep: 3 };

async function finalContest(people = 17, options: { pagesPerRun?: number; runPageRows?: number; runPagesPerRead?: number; pagesPerStep?: number } = {}) {
  const sys = system();
  const created = await openContest(sys, { prediction: { prompt: 'Bao nhiêu người dự thi?' } } as never);
  const stored = sys.contests.stored(created.id)!;
  const rows = rerankFinal(Array.from({ length: people }, (_, i) => row(i + 1)), stored, people);
  await sys.contests.replace({ ...stored, status: 'closed', closedAt: '2024-06-14T03:00:00.000Z', finalizedAt: '2024-06-14T03:00:05.000Z', finalParticipants: people, version: stored.version + 1 });
  await sys.personData.replaceFinal(created.id, []);
  const pages: FinalRow[][] = [];
  for (let i = 0; i < rows.length; i += ROWS_PER_PAGE) pages.push(rows.slice(i, i + ROWS_PER_PAGE));
  sys.data.finalPages.set(created.id, pages);
  const kind = rerankJobKind({ contests: sys.contests, standings: sys.standings, jobs: sys.jobs, people: sys.personData, now: sys.clock.now, rowsPerPage: ROWS_PER_PAGE, pagesPerStep: 2, ...options });
  return { sys, contestId: created.id, kind, rows };
}

async function erase(sys: ReturnType<typeof system>, contestId: string, ...phones: string[]) {
  const c = sys.contests.stored(contestId)!;
  await sys.contests.replace({ ...c, erasedPhones: [...(c.erasedPhones ?? []), ...phones], rerankJobId: 'job-1', version: c.version + 1 });
}

const job = (contestId: string, state: Record<string, unknown> = {}): JobRecord => ({
  id: 'job-1', kind: RERANK_KIND, contestId, owner: 'staff', status: 'running', progress: { done: 0, total: 4 }, createdAt: '2024-06-15T00:00:00.000Z', params: {}, state, failures: 0, version: 1,
});

/** Runs the kind's steps to the end; `crashAt` redoes that step from its old checkpoint once (output written, checkpoint lost). */
async function runAll(kind: ReturnType<typeof rerankJobKind>, contestId: string, crashAt = -1) {
  let state: Record<string, unknown> = {};
  for (let n = 0; n < 100; n++) {
    const out = await kind.step(job(contestId, state));
    if (n === crashAt) continue; // killed before the checkpoint was stored: the same step runs again
    if (out.result) return { steps: n + 1, result: out.result };
    state = out.state;
  }
  throw new Error('the job did not end');
}

describe('rerank job', () => {
  it('drops the erased phones and re-ranks against the new count, as the synchronous rewrite did', async () => {
    const { sys, contestId, kind, rows } = await finalContest();
    await erase(sys, contestId, phoneOf(4));
    const { result } = await runAll(kind, contestId);
    const stored = sys.contests.stored(contestId)!;
    const expected = rerankFinal(rows.filter((r) => r.phone !== phoneOf(4)), stored, rows.length - 1);
    expect(sys.data.finalPages.get(contestId)!.flat()).toEqual(expected);
    expect(sys.data.finalPages.get(contestId)!.map((p) => p.length)).toEqual([3, 3, 3, 3, 3, 1]);
    // The order really changed (prediction errors against 16 instead of 17), so rows moved between pages.
    expect(expected.map((r) => r.phone)).not.toEqual(rows.filter((r) => r.phone !== phoneOf(4)).map((r) => r.phone));
    expect(result).toEqual({ participants: 16, passes: 1 });
    expect(stored.finalParticipants).toBe(16);
    expect(stored.erasedPhones).toBeUndefined();
    expect(stored.rerankJobId).toBeUndefined();
  });

  it('killed after any step, the resumed job writes the same pages as an uninterrupted run', async () => {
    const base = await finalContest();
    await erase(base.sys, base.contestId, phoneOf(2), phoneOf(11));
    const { steps } = await runAll(base.kind, base.contestId);
    const expected = base.sys.data.finalPages.get(base.contestId);
    expect(steps).toBeGreaterThan(4); // snapshot, 3 copy steps (6 pages by 2), trim, finish
    for (let crashAt = 0; crashAt < steps; crashAt++) {
      const run = await finalContest();
      await erase(run.sys, run.contestId, phoneOf(2), phoneOf(11));
      await runAll(run.kind, run.contestId, crashAt);
      expect(run.sys.data.finalPages.get(run.contestId), `crash after step ${crashAt}`).toEqual(expected);
      expect(run.sys.contests.stored(run.contestId)!.finalParticipants).toBe(15);
    }
  });

  it('keeps a row found twice across pages once, and leaves trailing pages deleted', async () => {
    const { sys, contestId, kind, rows } = await finalContest();
    const pages = sys.data.finalPages.get(contestId)!;
    pages[5] = [...pages[5]!, { ...pages[0]![1]!, rank: 99 }];
    pages.push([{ ...pages[2]![0]!, rank: 100 }]);
    await erase(sys, contestId, phoneOf(9));
    await runAll(kind, contestId);
    const after = sys.data.finalPages.get(contestId)!.flat();
    expect(after.map((r) => r.phone).sort()).toEqual(rows.map((r) => r.phone).filter((p) => p !== phoneOf(9)).sort());
    expect(after.map((r) => r.rank)).toEqual(Array.from({ length: 16 }, (_, i) => i + 1));
    expect(withoutErased([row(1), row(2), row(1), { ...row(3), phone: '' }, { ...row(4), phone: '' }], new Set([phoneOf(2)])).map((r) => r.phone)).toEqual([phoneOf(1), '', '']);
  });

  it('a second erasure during a pass is taken in another pass before the job ends', async () => {
    const { sys, contestId, kind, rows } = await finalContest();
    await erase(sys, contestId, phoneOf(3));
    let state: Record<string, unknown> = {};
    let result: Record<string, unknown> | undefined;
    for (let n = 0; n < 100 && !result; n++) {
      if (n === 2) await erase(sys, contestId, phoneOf(7)); // mid-copy
      const out = await kind.step(job(contestId, state));
      state = out.state;
      result = out.result;
    }
    expect(result).toEqual({ participants: 15, passes: 2 });
    const stored = sys.contests.stored(contestId)!;
    expect(sys.data.finalPages.get(contestId)!.flat()).toEqual(rerankFinal(rows.filter((r) => r.phone !== phoneOf(3) && r.phone !== phoneOf(7)), stored, 15));
    expect(stored.erasedPhones).toBeUndefined();
  });

  it('rewrites each final round ranking that holds the phone, and sets each round count (docs/rounds.md)', async () => {
    const { sys, contestId, kind, rows } = await finalContest();
    const stored = sys.contests.stored(contestId)!;
    const day = (d: number) => `2024-06-${String(d).padStart(2, '0')}T00:00:00.000Z`;
    const rounds = [
      { name: 'Tuần 1', startsAt: day(1), endsAt: day(5) },
      { name: 'Tuần 2', startsAt: day(6), endsAt: day(10) },
      { name: 'Tuần 3', startsAt: day(11), endsAt: day(13) },
    ];
    // Rounds 1 and 2 final; round 2 does not hold the phone; round 3 was never finalised.
    const inR1 = rerankFinal(rows.slice(0, 8), stored, 8);
    const inR2 = rerankFinal(rows.slice(8, 14), stored, 6);
    await sys.contests.replace({
      ...stored,
      rounds,
      roundState: { '1': { finalizedAt: day(5), participants: 8 }, '2': { finalizedAt: day(10), participants: 6 } },
      version: stored.version + 1,
    });
    await sys.standings.writeFinal(contestId, inR1, 1);
    await sys.standings.writeFinal(contestId, inR2, 2);
    const gone = inR1[3]!.phone;
    await erase(sys, contestId, gone);
    const { result } = await runAll(kind, contestId);
    const after = sys.contests.stored(contestId)!;
    expect(result).toEqual({ participants: 16, passes: 1 });
    expect(await sys.standings.readFinal(contestId, undefined, 1)).toEqual(rerankFinal(inR1.filter((r) => r.phone !== gone), after, 7));
    expect(await sys.standings.readFinal(contestId, undefined, 2)).toEqual(inR2);
    expect((await sys.standings.readFinal(contestId)).map((r) => r.phone)).not.toContain(gone);
    expect(after.roundState).toEqual({ '1': { finalizedAt: day(5), participants: 7 }, '2': { finalizedAt: day(10), participants: 6 } });
    expect(after.finalParticipants).toBe(16);
    expect(after.erasedPhones).toBeUndefined();
  });

  describe('a larger ranking: several runs and merge steps', () => {
    const PEOPLE = 64;
    /** Many full ties (4 correct counts, 3 durations, one time): the previous rank settles them; predictions around the count. */
    const wide = (i: number): FinalRow => ({ ...row(i), correctCount: i % 4, durationMs: 1000 * (i % 3), prediction: i % 7 === 0 ? null : PEOPLE - 6 + (i % 11) });

    /** A final contest of PEOPLE rows (22 pages of 3), and round 1 final with the first 40 of them (14 pages). */
    async function large() {
      const made = await finalContest(PEOPLE, SMALL);
      const { sys, contestId } = made;
      const stored = sys.contests.stored(contestId)!;
      const all = rerankFinal(Array.from({ length: PEOPLE }, (_, i) => wide(i + 1)), stored, PEOPLE);
      const inR1 = rerankFinal(all.slice(0, 40).map((r, i) => ({ ...r, rank: i + 1 })), stored, 40);
      const pagesOf = (rows: FinalRow[]) => Array.from({ length: Math.ceil(rows.length / ROWS_PER_PAGE) }, (_, p) => rows.slice(p * ROWS_PER_PAGE, (p + 1) * ROWS_PER_PAGE));
      sys.data.finalPages.set(contestId, pagesOf(all));
      sys.data.finalPages.set(finalKey(contestId, 1), pagesOf(inR1));
      const day = (d: number) => `2024-06-${String(d).padStart(2, '0')}T00:00:00.000Z`;
      await sys.contests.replace({
        ...stored,
        rounds: [
          { name: 'Tuần 1', startsAt: day(1), endsAt: day(5) },
          { name: 'Tuần 2', startsAt: day(6), endsAt: day(13) },
        ],
        roundState: { '1': { finalizedAt: day(5), participants: 40 } },
        version: stored.version + 1,
      });
      // A phone twice (an older version's crash mid-copy): its second row, later in the pages, is dropped.
      sys.data.finalPages.get(contestId)![17]!.push({ ...all[5]!, rank: 70 });
      return { ...made, all, inR1 };
    }
    const gone = [phoneOf(9), phoneOf(30), phoneOf(51)];

    /** The in-memory re-rank: every row read, the erased and second rows dropped, one sort against the new count, pages of 3. */
    function inMemory(pages: FinalRow[][], contest: ContestRecord) {
      const kept = withoutErased(pages.flat(), new Set(gone));
      const ranked = rerankFinal(kept, contest, kept.length);
      return Array.from({ length: Math.ceil(ranked.length / ROWS_PER_PAGE) }, (_, p) => ranked.slice(p * ROWS_PER_PAGE, (p + 1) * ROWS_PER_PAGE));
    }

    it('writes the pages of the in-memory re-rank, for the round and the contest; killed after any step, the same pages', async () => {
      const base = await large();
      const contest = base.sys.contests.stored(base.contestId)!;
      const expected = {
        contest: inMemory(base.sys.data.finalPages.get(base.contestId)!, contest),
        r1: inMemory(base.sys.data.finalPages.get(finalKey(base.contestId, 1))!, contest),
      };
      expect(expected.contest.flat()).toHaveLength(PEOPLE - 3);
      const r1 = expected.r1.flat().length;
      expect(r1).toBeLessThan(40);
      // The count matters: against the old one the order differs, so rows move between runs' pages.
      expect(expected.contest.flat().map((r) => r.phone)).not.toEqual(rerankFinal(withoutErased(base.all, new Set(gone)), contest, PEOPLE).map((r) => r.phone));
      await erase(base.sys, base.contestId, ...gone);

      const pagesAfter = (sys: typeof base.sys, id: string) => ({ contest: sys.data.finalPages.get(id), r1: sys.data.finalPages.get(finalKey(id, 1)) });
      const { steps, result } = await runAll(base.kind, base.contestId);
      expect(pagesAfter(base.sys, base.contestId)).toEqual(expected);
      expect(result).toEqual({ participants: PEOPLE - 3, passes: 1 });
      // Round 1: snapshot, 4 runs (14 pages by 4), 5 merge steps (13 pages by 3), trim; the contest: snapshot, 6 runs (22 pages), 7 merge steps (21 pages), trim; finish.
      expect(steps).toBe(1 + 4 + 5 + 1 + (1 + 6 + 7 + 1) + 2);
      expect(base.sys.contests.stored(base.contestId)).toMatchObject({ finalParticipants: PEOPLE - 3, roundState: { '1': { participants: r1 } } });

      for (let crashAt = 0; crashAt < steps; crashAt++) {
        const run = await large();
        await erase(run.sys, run.contestId, ...gone);
        await runAll(run.kind, run.contestId, crashAt);
        expect(pagesAfter(run.sys, run.contestId), `crash after step ${crashAt}`).toEqual(expected);
        expect(run.sys.contests.stored(run.contestId)).toMatchObject({ finalParticipants: PEOPLE - 3, roundState: { '1': { participants: r1 } } });
      }
    });

    it('progress never goes back and ends at the steps taken', async () => {
      const { sys, contestId, kind } = await large();
      await erase(sys, contestId, ...gone);
      let state: Record<string, unknown> = {};
      const seen: { done: number; total: number }[] = [];
      for (let n = 0; n < 100; n++) {
        const out = await kind.step(job(contestId, state));
        seen.push({ done: out.done, total: out.total ?? seen.at(-1)?.total ?? 4 });
        if (out.result) break;
        state = out.state;
      }
      for (let i = 1; i < seen.length; i++) expect(seen[i]!.done).toBeGreaterThan(seen[i - 1]!.done);
      expect(seen.every((p) => p.done <= p.total)).toBe(true);
      // The job ends at the steps it took.
      expect(seen.at(-1)).toEqual({ done: seen.length, total: seen.length });
    });
  });
});
