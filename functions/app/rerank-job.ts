// Re-ranking a final ranking after erasures (Decree 13 right to erasure; docs/personal-data.md,
// docs/jobs.md). The erasure request only adds the phone to the contest's `erasedPhones` (readers
// hide those rows at once) and starts this job, named by the contest's `rerankJobId`. A pass goes
// through every final ranking the contest holds (each final round's, then the contest's own once it
// is final; docs/rounds.md), one after the other, with memory bounded by a group of pages (not by
// the participants), as the close ranks (app/final-ranking.ts):
//   snapshot  (the count) read the ranking's pages a group at a time keeping only the phones seen,
//             count the rows each run keeps (a run: 50 consecutive pages) without the contest's
//             `erasedPhones` and without a phone's second row (a crash mid-copy of an older version
//             could leave one twice: its place is noted); a ranking without either stays as it is
//   rank      a run per step: its pages' kept rows re-ranked against the new count (the previous
//             rank breaks exact ties, as privacy.ts rerankFinal), staged under the job; then the
//             merge, 50 pages of the ranking rewritten per step, ranks 1..n
//   trim      delete the ranking's pages beyond the new one; then the next ranking's snapshot
//   finish    set the participant counts, remove the pass's phones from `erasedPhones`; phones
//             added meanwhile (a second erasure) start another pass, otherwise the job ends
// Once the runs are staged the ranking's own pages are no longer read, so the merge rewrites them in
// place: re-ranking can move a row to a later page, and the runs keep every row until the merge
// is done. A merge step redone after a crash rewrites the same pages from the same cursors.
import type { ContestRecord, ContestRepository, FinalRow, StandingsStore } from './contest-ports.ts';
import { sortedRuns, type RankingState, type RunSource } from './final-ranking.ts';
import type { JobRecord, JobStore } from './job-ports.ts';
import type { JobKind } from './jobs.ts';
import type { PersonDataStore } from './privacy-ports.ts';
import { finalRankings, previousRankKey } from './privacy.ts';
import { InvalidState } from '../domain/errors.ts';
import { rankPeople, type RankRule } from '../domain/ranking.ts';

export const RERANK_KIND = 'rerank';

/** Final pages rewritten per merge step (and copied per step by a former version): 50 pages of ~29 KB, one bounded batch of writes. */
export const RERANK_PAGES_PER_STEP = 50;

/** Final pages re-ranked as one run: 5,000 rows in a run step; 20 runs at 100,000 people. */
export const RERANK_PAGES_PER_RUN = 50;

interface RerankState {
  /** `copy`: a checkpoint of the former version, which staged the whole ranking under the job (ROWS#). */
  phase?: 'snapshot' | 'rank' | 'copy' | 'trim' | 'finish';
  /** The erased phones this pass drops (read from the contest when it started). */
  phones?: string[];
  /** The final rankings this pass rewrites: round numbers, 0 for the contest's own; `target` indexes them. */
  targets?: number[];
  target?: number;
  /** Rank: the target's ranking, step by step. */
  ranking?: RankingState;
  /** Trim: the pages the ranking keeps (copy: the next page to copy). */
  page?: number;
  pages?: number;
  /** Participants left in each target's ranking, by target. */
  counts?: Record<string, number>;
  passes?: number;
  /** Steps of this pass done for the rankings before `target` (progress). */
  base?: number;
}

/** What the snapshot of a ranking noted for its runs. */
interface Scan {
  /** Pages the ranking has. */
  pages: number;
  /** Rows the pass drops (erased or twice): none, and the ranking stays as it is. */
  dropped: number;
  /** `<page>:<row>` of each phone's second row (none but after a crash of an older version). */
  twice: string[];
}

export interface RerankDeps {
  contests: ContestRepository;
  standings: Pick<StandingsStore, 'finalPages'>;
  jobs: Pick<JobStore, 'putRowPages' | 'rowPages'>;
  people: Pick<PersonDataStore, 'writeFinalPages' | 'dropFinalPages'>;
  now: () => Date;
  rowsPerPage: number;
  pagesPerStep?: number;
  /** Final pages per run, rows per staged run page, staged pages read at once: tests make them small. */
  pagesPerRun?: number;
  runPageRows?: number;
  runPagesPerRead?: number;
}

/** Rows without the erased phones, one row per phone (a crash mid-copy of an older version could leave one twice). */
export function withoutErased(rows: readonly FinalRow[], erased: ReadonlySet<string>): FinalRow[] {
  const seen = new Set<string>();
  return rows.filter((r) => {
    if (r.phone === '') return true; // purged rows carry no phone
    if (erased.has(r.phone) || seen.has(r.phone)) return false;
    seen.add(r.phone);
    return true;
  });
}

const roundOf = (target: number) => (target === 0 ? undefined : target);

export function rerankJobKind(deps: RerankDeps): JobKind {
  const { contests, standings, jobs, people, now, rowsPerPage } = deps;
  const perStep = deps.pagesPerStep ?? RERANK_PAGES_PER_STEP;
  const perRun = deps.pagesPerRun ?? RERANK_PAGES_PER_RUN;
  const merge = sortedRuns({ jobs, rowsPerPage, pagesPerStep: perStep, runPageRows: deps.runPageRows, runPagesPerRead: deps.runPagesPerRead });

  async function load(contestId: string): Promise<ContestRecord> {
    const contest = await contests.get(contestId, true);
    if (!contest) throw new InvalidState(`Contest ${contestId} is gone`);
    return contest;
  }

  /** Version-checked change of the contest, reloading on a conflict; returns what was stored. */
  async function update(contestId: string, change: (c: ContestRecord) => ContestRecord): Promise<ContestRecord> {
    for (let i = 0; i < 20; i++) {
      const current = await load(contestId);
      const next = { ...change(current), version: current.version + 1, updatedAt: now().toISOString() };
      if (await contests.replace(next)) return next;
    }
    throw new Error('The contest keeps changing');
  }

  /** The participant counts a pass leaves: the contest's, and each rewritten round's. */
  function withCounts(c: ContestRecord, counts: Record<string, number>): ContestRecord {
    let next = c;
    for (const [target, participants] of Object.entries(counts)) {
      if (target === '0') next = { ...next, finalParticipants: participants };
      else next = { ...next, roundState: { ...next.roundState, [target]: { ...next.roundState?.[target], participants } } };
    }
    return next;
  }

  /** `count` final pages from `from` (fewer at the end), in as many reads as the store needs. */
  async function finalPages(contestId: string, from: number, count: number, roundNo: number | undefined): Promise<FinalRow[][]> {
    const out: FinalRow[][] = [];
    while (out.length < count) {
      const got = await standings.finalPages(contestId, from + out.length, Math.min(perRun, count - out.length), roundNo);
      if (got.length === 0) break;
      out.push(...got);
    }
    return out;
  }

  /** The final ranking `roundNo` of `contest` without `phones`, as runs of `perRun` of its pages. */
  function ranking(contest: ContestRecord, phones: readonly string[], roundNo: number | undefined, name: string): RunSource {
    const erased = new Set(phones);
    const gone = (row: FinalRow) => row.phone !== '' && erased.has(row.phone);
    const rule = (total: number): RankRule => ({ mode: 'final', participants: contest.prediction ? total : null });
    return {
      name,
      async count() {
        // Only the phones are held, to find a phone's second row (withoutErased()).
        const seen = new Set<string>();
        const counts: number[] = [];
        const scan: Scan = { pages: 0, dropped: 0, twice: [] };
        for (;;) {
          const group = await finalPages(contest.id, scan.pages, perRun, roundNo);
          if (group.length === 0) break;
          group.forEach((rows, i) => {
            const page = scan.pages + i;
            const run = Math.floor(page / perRun);
            counts[run] ??= 0;
            rows.forEach((row, j) => {
              if (gone(row) || (row.phone !== '' && seen.has(row.phone))) {
                scan.dropped++;
                if (!gone(row)) scan.twice.push(`${page}:${j}`);
                return;
              }
              if (row.phone !== '') seen.add(row.phone);
              counts[run]!++;
            });
          });
          scan.pages += group.length;
        }
        return { counts, note: scan as unknown as Record<string, unknown> };
      },
      async run(r, total, counts, note) {
        const scan = note as unknown as Scan;
        const twice = new Set(scan.twice);
        const from = r * perRun;
        const group = await finalPages(contest.id, from, Math.min(perRun, scan.pages - from), roundNo);
        const kept = group.flatMap((rows, i) => rows.filter((row, j) => !gone(row) && !twice.has(`${from + i}:${j}`)));
        // The pages changed since the snapshot (nothing else writes a final ranking while an erasure may run): scan again.
        if (kept.length !== counts[r]) return undefined;
        // Sorted as rerankFinal() sorts, each row keeping its previous rank: the merge's key.
        const ranked = rankPeople(kept.map((row) => ({ ...row, personKey: previousRankKey(row) })), rule(total));
        return ranked.map(({ personKey, ...row }) => ({ ...row, rank: Number(personKey) }));
      },
      rule,
      entry: (row) => ({ ...row, personKey: previousRankKey(row) }),
    };
  }

  return {
    total: () => 4,
    async step(job: JobRecord) {
      const state = job.state as RerankState;
      const passes = state.passes ?? 0;
      const base = state.base ?? 0;
      switch (state.phase ?? 'snapshot') {
        case 'snapshot':
        case 'rank': {
          const contest = await load(job.contestId);
          // The pass's phones and rankings are fixed by its first snapshot.
          const phones = state.phones ?? [...(contest.erasedPhones ?? [])].sort();
          const targets = state.targets ?? finalRankings(contest);
          const target = state.target ?? 0;
          if (target >= targets.length) return { state: { ...state, phase: 'finish', phones, targets, base: base + 1 }, done: base + 1, total: base + 2 };
          const roundNo = roundOf(targets[target]!);
          const source = ranking(contest, phones, roundNo, `p${passes}-${targets[target]}`);
          const into = { write: (first: number, pages: FinalRow[][]) => people.writeFinalPages(contest.id, first, pages, roundNo) };
          const from = state.phase === 'rank' ? (state.ranking ?? {}) : {};
          const out = await merge.step(job.id, source, into, from);
          const common = { phones, targets, target, ...(state.counts ? { counts: state.counts } : {}), passes };
          // A ranking none of the phones is in (nor any phone twice) stays as it is.
          if (state.phase !== 'rank' && (out.state.note as unknown as Scan).dropped === 0) {
            return { state: { ...common, phase: 'snapshot', target: target + 1, base: base + 1 }, done: base + 1, total: base + 2 };
          }
          if (out.participants === undefined) {
            return { state: { ...common, phase: 'rank', ranking: out.state, base }, done: base + merge.done(out.state), total: base + merge.steps(out.state, 1) + 2 };
          }
          const after = base + merge.steps(out.state, 1);
          const counts = { ...state.counts, [String(targets[target])]: out.participants };
          return { state: { ...common, counts, phase: 'trim', pages: merge.pagesOf(out.participants), base: after }, done: after, total: after + 2 };
        }
        case 'copy': {
          const page = state.page ?? 0;
          const pages = state.pages ?? 1;
          const group = await jobs.rowPages(job.id, page, Math.min(perStep, pages - page));
          if (group.length === 0) throw new Error(`Staged page ${page} of job ${job.id} is missing`);
          await people.writeFinalPages(job.contestId, page, group, roundOf(state.targets![state.target ?? 0]!));
          const next = page + group.length;
          return { state: { ...state, phase: next < pages ? 'copy' : 'trim', page: next }, done: 1 + next };
        }
        case 'trim': {
          await people.dropFinalPages(job.contestId, state.pages ?? 1, roundOf(state.targets![state.target ?? 0]!));
          // The next ranking of this pass, if any, is snapshot next.
          const { ranking: _r, page: _p, pages: _n, ...rest } = state;
          return { state: { ...rest, phase: 'snapshot', target: (state.target ?? 0) + 1, base: base + 1 }, done: base + 1, total: base + 2 };
        }
        case 'finish': {
          const handled = new Set(state.phones ?? []);
          const counts = state.counts ?? {};
          const stored = await update(job.contestId, (c) => {
            const left = (c.erasedPhones ?? []).filter((p) => !handled.has(p));
            const { erasedPhones: _e, rerankJobId: _j, ...rest } = withCounts(c, counts);
            return left.length > 0 ? { ...withCounts(c, counts), erasedPhones: left } : (rest as ContestRecord);
          });
          // An erasure that came in during this pass: its phone is still listed, so go round again.
          if (stored.erasedPhones?.length) return { state: { phase: 'snapshot', passes: passes + 1 }, done: 0, total: 4 };
          return { state: { phase: 'finish' }, done: base + 1, total: base + 1, result: { participants: counts['0'] ?? stored.finalParticipants ?? 0, passes: passes + 1 } };
        }
      }
    },
  };
}
