// The final ranking of a contest or of one of its rounds, written by a job (the contest close, the
// round close) with memory bounded by one people partition and a few pages, not by the number of
// participants (docs/jobs.md). The final rule needs the total participant count (the prediction's
// distance to it), so the ranking takes three kinds of step:
//   count  the scored people of every partition (COUNT queries: nothing held in memory)
//   run    one partition per step: its scored people as final rows, ranked with the final rule and
//          the total, staged under the job as a sorted run (JOB#<id> RUN#<run>#<page>)
//   merge  a k-way merge of the runs, a few pages of each in memory, ranks 1..n in merged order, a
//          group of FINAL# (RFINAL#<nn>#) pages per step; the checkpoint holds each run's cursor
// The final order is total (the phone separates full ties) and every run is sorted by it, so the
// merge yields exactly the order, ranks and fields of one sort of everyone (standings.ts rows()).
// Every step writes under keys its checkpoint fixes: a run restages the same pages, a merge group
// rewrites the same final pages from the same cursors.
import { compareFinal, type RankEntry } from '../domain/ranking.ts';
import type { ContestRecord, FinalRow, StandingsStore } from './contest-ports.ts';
import type { JobStore } from './job-ports.ts';
import { rows } from './standings.ts';

/** Final pages a merge step writes: 50 pages of ~29 KB, one bounded batch of writes. */
export const MERGE_PAGES_PER_STEP = 50;

/** Staged pages of a run read at once in a merge (one Query): 16 runs x 4 pages of 100 rows in memory. */
export const RUN_PAGES_PER_READ = 4;

export interface RankingState {
  phase?: 'count' | 'run' | 'merge';
  /** Scored people in each partition, from the count step. */
  counts?: number[];
  /** Run: the next partition to stage. */
  shard?: number;
  /** Merge: the next row of each run, and the next final page. */
  at?: number[];
  page?: number;
}

export interface RankingDeps {
  standings: Pick<StandingsStore, 'countScored' | 'scoredIn' | 'writeFinalPages'>;
  jobs: Pick<JobStore, 'putRowPages' | 'rowPages'>;
  /** People partitions of a contest (keys.ts PEOPLE_SHARDS). */
  partitions: number;
  /** Rows per final page (adapters/dynamodb/standings.ts FINAL_PAGE_ROWS): the pages are those a single write gave. */
  rowsPerPage: number;
  /** Rows per staged run page (default: rowsPerPage); staged pages read at once; final pages per merge step. Tests make them small. */
  runPageRows?: number;
  runPagesPerRead?: number;
  pagesPerStep?: number;
}

export interface RankingStep {
  state: RankingState;
  /** Set once the last final page is written: the ranking's participant count. */
  participants?: number;
}

const sum = (values: readonly number[]) => values.reduce((a, b) => a + b, 0);

export function finalRanking(deps: RankingDeps) {
  const { standings, jobs, partitions, rowsPerPage } = deps;
  const runRows = deps.runPageRows ?? rowsPerPage;
  const perStep = deps.pagesPerStep ?? MERGE_PAGES_PER_STEP;
  const perRead = deps.runPagesPerRead ?? RUN_PAGES_PER_READ;

  /** Final pages of `total` rows: an empty ranking is one empty page, as it always was. */
  const finalPages = (total: number) => Math.max(1, Math.ceil(total / rowsPerPage));
  const runName = (roundNo: number | undefined, shard: number) => `${roundNo === undefined ? 'c' : `r${roundNo}`}-${shard}`;

  /** Steps of one ranking: the count, a run per partition, the merge groups (one until counted). */
  function steps(state: RankingState): number {
    return 1 + partitions + (state.counts ? Math.ceil(finalPages(sum(state.counts)) / perStep) : 1);
  }

  /** Steps done by the time `state` is the checkpoint. */
  function done(state: RankingState): number {
    switch (state.phase ?? 'count') {
      case 'count':
        return 0;
      case 'run':
        return 1 + (state.shard ?? 0);
      case 'merge':
        return 1 + partitions + Math.ceil((state.page ?? 0) / perStep);
    }
  }

  /** Rows of a run from page `page` on, a few pages at once. */
  async function runRowsFrom(jobId: string, run: string, page: number): Promise<FinalRow[]> {
    const pages = await jobs.rowPages(jobId, page, perRead, run);
    if (!pages[0]?.length) throw new Error(`Staged page ${page} of run ${run} of job ${jobId} is missing`);
    return pages.flat();
  }

  /** One step of the ranking of `contest` (of its round `roundNo`), from `state`. */
  async function step(jobId: string, contest: ContestRecord, roundNo: number | undefined, state: RankingState): Promise<RankingStep> {
    switch (state.phase ?? 'count') {
      case 'count': {
        const counts = await Promise.all(Array.from({ length: partitions }, (_, shard) => standings.countScored(contest.id, shard, roundNo)));
        return { state: { phase: 'run', counts, shard: 0 } };
      }
      case 'run': {
        const counts = state.counts!;
        const shard = state.shard ?? 0;
        const people = await standings.scoredIn(contest.id, shard, roundNo);
        // Erasure is refused while a ranking is being written; were a partition to change anyway,
        // every run would hold prediction errors against a wrong total: count again.
        if (people.length !== counts[shard]) return { state: { phase: 'count' } };
        const run = rows(people, contest, sum(counts), true);
        const pages: FinalRow[][] = [];
        for (let i = 0; i < run.length; i += runRows) pages.push(run.slice(i, i + runRows));
        if (pages.length > 0) await jobs.putRowPages(jobId, 0, pages, runName(roundNo, shard));
        const next = shard + 1;
        return { state: next < partitions ? { phase: 'run', counts, shard: next } : { phase: 'merge', counts, at: counts.map(() => 0), page: 0 } };
      }
      case 'merge': {
        const counts = state.counts!;
        const total = sum(counts);
        const participants = contest.prediction ? total : null;
        const at = [...state.at!];
        const first = state.page ?? 0;
        const pagesNow = Math.min(perStep, finalPages(total) - first);
        const want = Math.min(pagesNow * rowsPerPage, total - first * rowsPerPage);
        // The rows of each run from the page its cursor is on (`start`: the first one's place in the
        // run), with the rule's view of each.
        type Head = { start: number; rows: FinalRow[]; entries: RankEntry[] };
        const load = async (r: number): Promise<Head> => {
          const page = Math.floor(at[r]! / runRows);
          const got = await runRowsFrom(jobId, runName(roundNo, r), page);
          return { start: page * runRows, rows: got, entries: got.map((row) => ({ ...row, personKey: row.phone })) };
        };
        const heads: (Head | undefined)[] = await Promise.all(counts.map((n, r) => (at[r]! < n ? load(r) : undefined)));
        const out: FinalRow[] = [];
        while (out.length < want) {
          // Sixteen heads: a scan for the smallest is as quick as a heap and simpler.
          let best = -1;
          for (let r = 0; r < heads.length; r++) {
            if (!heads[r]) continue;
            if (best < 0 || compareFinal(heads[r]!.entries[at[r]! - heads[r]!.start]!, heads[best]!.entries[at[best]! - heads[best]!.start]!, participants) < 0) best = r;
          }
          if (best < 0) throw new Error(`The runs of job ${jobId} hold fewer rows than counted`);
          const head = heads[best]!;
          out.push({ ...head.rows[at[best]! - head.start]!, rank: first * rowsPerPage + out.length + 1 });
          at[best] = at[best]! + 1;
          if (at[best]! >= counts[best]!) heads[best] = undefined;
          else if (at[best]! === head.start + head.rows.length) heads[best] = await load(best);
        }
        const pages: FinalRow[][] = [];
        for (let i = 0; i < out.length || i === 0; i += rowsPerPage) pages.push(out.slice(i, i + rowsPerPage));
        await standings.writeFinalPages(contest.id, first, pages, roundNo);
        const page = first + pagesNow;
        if (page < finalPages(total)) return { state: { phase: 'merge', counts, at, page } };
        return { state: { phase: 'merge', counts, at, page }, participants: total };
      }
    }
  }

  return { step, steps, done };
}

export type FinalRanking = ReturnType<typeof finalRanking>;
