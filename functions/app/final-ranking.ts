// A ranking written by a job with memory bounded by one run and a few pages, not by the number of
// people (docs/jobs.md): the final ranking of a contest or of one of its rounds (the contest close,
// the round close), the ranking of a contest not final yet that an export stages under its job,
// and a final ranking again after an erasure (app/rerank-job.ts). The final rule needs the total
// (the prediction's distance to the participant count), so a ranking takes three kinds of step:
//   count  the rows of every run (the close: COUNT queries of the people partitions)
//   run    one run per step, sorted in the ranking's order (the close: a partition's scored people
//          ranked with the final rule and the total), staged under the job (JOB#<id> RUN#<run>#<page>)
//   merge  a k-way merge of the runs, a few pages of each in memory, ranks 1..n in merged order, a
//          group of pages of the target (FINAL#, RFINAL#<nn>#, the job's ROWS#) per step; the
//          checkpoint holds each run's cursor
// The order is total (the person key separates full ties; equal keys keep the runs' order) and
// every run is sorted by it, so the merge yields exactly the order, ranks and fields of one sort of
// everything (standings.ts rows(), privacy.ts rerankFinal()). Every step writes under keys its
// checkpoint fixes: a run restages the same pages, a merge group rewrites the same target pages
// from the same cursors.
import { compareFinal, compareLive, type RankEntry, type RankRule } from '../domain/ranking.ts';
import type { ContestRecord, FinalRow, StandingsStore } from './contest-ports.ts';
import type { JobStore } from './job-ports.ts';
import { rows } from './standings.ts';

/** Target pages a merge step writes: 50 pages of ~29 KB, one bounded batch of writes. */
export const MERGE_PAGES_PER_STEP = 50;

/** Staged pages of a run read at once in a merge (one Query): 16 runs x 4 pages of 100 rows in memory. */
export const RUN_PAGES_PER_READ = 4;

export interface RankingState {
  phase?: 'count' | 'run' | 'merge';
  /** Rows of each run: from the count step, then each run's own once staged. */
  counts?: number[];
  /** Run: the next run to stage. */
  shard?: number;
  /** Merge: the next row of each run, and the next target page. */
  at?: number[];
  page?: number;
  /** What the source's count noted for its runs (the re-rank: the pages read, rows found twice). */
  note?: RunNote;
}

export type RunNote = Record<string, unknown>;

/** Where the runs come from. */
export interface RunSource {
  /** Names this ranking's runs under the job (a job may stage several rankings). */
  name: string;
  /** Rows of each run; `note` is kept in the checkpoint and given back to `run`. */
  count(): Promise<{ counts: number[]; note?: RunNote }>;
  /**
   * Run `r` sorted in the order of `rule(total)`, its rows as the target shows them but for the
   * rank (the merge ranks anew). Undefined when the source changed since the count and the total
   * would be wrong: count again. Otherwise its length is the run's count from now on.
   */
  run(r: number, total: number, counts: readonly number[], note: RunNote | undefined): Promise<FinalRow[] | undefined>;
  rule(total: number): RankRule;
  /** The order's view of a staged row (its person key). */
  entry(row: FinalRow): RankEntry;
}

/** Where the merge writes: pages of `rowsPerPage` rows from page 0, an empty ranking as one empty page. */
export interface MergeTarget {
  write(firstPage: number, pages: FinalRow[][]): Promise<void>;
  /** After the last page (`pages` written): drops pages a longer, earlier ranking left beyond. */
  end?(pages: number): Promise<void>;
}

export interface MergeDeps {
  jobs: Pick<JobStore, 'putRowPages' | 'rowPages'>;
  /** Rows per target page (adapters/dynamodb/standings.ts FINAL_PAGE_ROWS): the pages one write of everything gave. */
  rowsPerPage: number;
  /** Rows per staged run page (default: rowsPerPage); staged pages read at once; target pages per merge step. Tests make them small. */
  runPageRows?: number;
  runPagesPerRead?: number;
  pagesPerStep?: number;
}

export interface RankingStep {
  state: RankingState;
  /** Set once the last target page is written: the ranking's row count. */
  participants?: number;
}

const sum = (values: readonly number[]) => values.reduce((a, b) => a + b, 0);

/** The steps of a ranking from any source into any target: the one merge. */
export function sortedRuns(deps: MergeDeps) {
  const { jobs, rowsPerPage } = deps;
  const runRows = deps.runPageRows ?? rowsPerPage;
  const perStep = deps.pagesPerStep ?? MERGE_PAGES_PER_STEP;
  const perRead = deps.runPagesPerRead ?? RUN_PAGES_PER_READ;

  /** Target pages of `total` rows: an empty ranking is one empty page, as it always was. */
  const pagesOf = (total: number) => Math.max(1, Math.ceil(total / rowsPerPage));

  /** Steps of one ranking: the count, a run each (`runs` until counted), the merge groups (one until counted). */
  function steps(state: RankingState, runs: number): number {
    return 1 + (state.counts?.length ?? runs) + (state.counts ? Math.ceil(pagesOf(sum(state.counts)) / perStep) : 1);
  }

  /** Steps done by the time `state` is the checkpoint. */
  function done(state: RankingState): number {
    switch (state.phase ?? 'count') {
      case 'count':
        return 0;
      case 'run':
        return 1 + (state.shard ?? 0);
      case 'merge':
        return 1 + state.counts!.length + Math.ceil((state.page ?? 0) / perStep);
    }
  }

  /** Rows of a run from page `page` on, a few pages at once. */
  async function runRowsFrom(jobId: string, run: string, page: number): Promise<FinalRow[]> {
    const pages = await jobs.rowPages(jobId, page, perRead, run);
    if (!pages[0]?.length) throw new Error(`Staged page ${page} of run ${run} of job ${jobId} is missing`);
    return pages.flat();
  }

  /** One step of the ranking of `source` into `target`, from `state`. */
  async function step(jobId: string, source: RunSource, target: MergeTarget, state: RankingState): Promise<RankingStep> {
    const runName = (r: number) => `${source.name}-${r}`;
    const note = state.note;
    switch (state.phase ?? 'count') {
      case 'count': {
        const counted = await source.count();
        const next: RankingState = { counts: counted.counts, ...(counted.note ? { note: counted.note } : {}) };
        return { state: counted.counts.length > 0 ? { ...next, phase: 'run', shard: 0 } : { ...next, phase: 'merge', at: [], page: 0 } };
      }
      case 'run': {
        const counts = [...state.counts!];
        const shard = state.shard ?? 0;
        const run = await source.run(shard, sum(counts), counts, note);
        if (!run) return { state: { phase: 'count' } };
        counts[shard] = run.length;
        const pages: FinalRow[][] = [];
        for (let i = 0; i < run.length; i += runRows) pages.push(run.slice(i, i + runRows));
        if (pages.length > 0) await jobs.putRowPages(jobId, 0, pages, runName(shard));
        const next = shard + 1;
        const kept = note ? { note } : {};
        return { state: next < counts.length ? { phase: 'run', counts, shard: next, ...kept } : { phase: 'merge', counts, at: counts.map(() => 0), page: 0, ...kept } };
      }
      case 'merge': {
        const counts = state.counts!;
        const total = sum(counts);
        const rule = source.rule(total);
        const participants = rule.mode === 'final' ? rule.participants : null;
        const compare = rule.mode === 'final' ? (a: RankEntry, b: RankEntry) => compareFinal(a, b, participants) : compareLive;
        const at = [...state.at!];
        const first = state.page ?? 0;
        const pagesNow = Math.min(perStep, pagesOf(total) - first);
        const want = Math.min(pagesNow * rowsPerPage, total - first * rowsPerPage);
        // The rows of each run from the page its cursor is on (`start`: the first one's place in the
        // run), with the order's view of each.
        type Head = { start: number; rows: FinalRow[]; entries: RankEntry[] };
        const load = async (r: number): Promise<Head> => {
          const page = Math.floor(at[r]! / runRows);
          const got = await runRowsFrom(jobId, runName(r), page);
          return { start: page * runRows, rows: got, entries: got.map(source.entry) };
        };
        const heads: (Head | undefined)[] = await Promise.all(counts.map((n, r) => (at[r]! < n ? load(r) : undefined)));
        const out: FinalRow[] = [];
        while (out.length < want) {
          // A few dozen heads at most: a scan for the smallest is as quick as a heap and simpler.
          // A tie keeps the earlier run, so equal keys keep the order of the source (a stable sort).
          let best = -1;
          for (let r = 0; r < heads.length; r++) {
            if (!heads[r]) continue;
            if (best < 0 || compare(heads[r]!.entries[at[r]! - heads[r]!.start]!, heads[best]!.entries[at[best]! - heads[best]!.start]!) < 0) best = r;
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
        await target.write(first, pages);
        const page = first + pagesNow;
        const next: RankingState = { phase: 'merge', counts, at, page, ...(note ? { note } : {}) };
        if (page < pagesOf(total)) return { state: next };
        await target.end?.(page);
        return { state: next, participants: total };
      }
    }
  }

  return { step, steps, done, pagesOf };
}

export interface RankingDeps extends MergeDeps {
  standings: Pick<StandingsStore, 'countScored' | 'scoredIn' | 'writeFinalPages'>;
  jobs: Pick<JobStore, 'putRowPages' | 'rowPages' | 'dropRowPages'>;
  /** People partitions of a contest (keys.ts PEOPLE_SHARDS). */
  partitions: number;
}

/** The rankings of a contest's people, one run per people partition. */
export function finalRanking(deps: RankingDeps) {
  const { standings, jobs, partitions } = deps;
  const merge = sortedRuns(deps);

  /**
   * The scored people of `contest` (of its round `roundNo`) ranked with the final rule against the
   * total (`final`), or with the live one.
   */
  function people(contest: ContestRecord, roundNo: number | undefined, final: boolean): RunSource {
    return {
      name: roundNo === undefined ? 'c' : `r${roundNo}`,
      async count() {
        return { counts: await Promise.all(Array.from({ length: partitions }, (_, shard) => standings.countScored(contest.id, shard, roundNo))) };
      },
      async run(shard, total, counts) {
        const scored = await standings.scoredIn(contest.id, shard, roundNo);
        // Erasure is refused while a final ranking is being written; were a partition to change
        // anyway, every run would hold prediction errors against a wrong total: count again. The
        // live order does not depend on the total: the partition as it is now stands.
        if (final && scored.length !== counts[shard]) return undefined;
        return rows(scored, contest, total, final);
      },
      rule: (total) => (final ? { mode: 'final', participants: contest.prediction ? total : null } : { mode: 'live' }),
      entry: (row) => ({ ...row, personKey: row.phone }),
    };
  }

  return {
    /** One step of the final ranking of `contest` (of its round `roundNo`) into its FINAL# (RFINAL#) pages. */
    step(jobId: string, contest: ContestRecord, roundNo: number | undefined, state: RankingState) {
      return merge.step(jobId, people(contest, roundNo, true), { write: (first, pages) => standings.writeFinalPages(contest.id, first, pages, roundNo) }, state);
    },
    /**
     * One step of the ranking of a contest or round not final yet (an export), into the job's own
     * row pages (JOB#<id> ROWS#): the live rule, or the final one (`final`) once the window is over.
     */
    stage(jobId: string, contest: ContestRecord, roundNo: number | undefined, final: boolean, state: RankingState) {
      const target: MergeTarget = { write: (first, pages) => jobs.putRowPages(jobId, first, pages), end: (pages) => jobs.dropRowPages(jobId, pages) };
      return merge.step(jobId, people(contest, roundNo, final), target, state);
    },
    steps: (state: RankingState) => merge.steps(state, partitions),
    done: merge.done,
  };
}

export type FinalRanking = ReturnType<typeof finalRanking>;
