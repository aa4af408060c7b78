// Re-ranking a final ranking after erasures (Decree 13 right to erasure; docs/personal-data.md,
// docs/jobs.md). The erasure request only adds the phone to the contest's `erasedPhones` (readers
// hide those rows at once) and starts this job, named by the contest's `rerankJobId`. A pass goes
// through every final ranking the contest holds (each final round's, then the contest's own once it
// is final; docs/rounds.md), one after the other:
//   snapshot  read every page of that ranking, drop duplicate phones and the erased ones, re-rank,
//             and store the new ranking under the job (JOB#<id> ROWS# pages)
//   copy      copy a group of those pages over the ranking's pages, in order
//   trim      delete the ranking's pages beyond the new one; then the next ranking's snapshot
//   finish    set the participant counts, remove the pass's phones from `erasedPhones`; phones
//             added meanwhile (a second erasure) start another pass, otherwise the job ends
// The ranking is staged under the job rather than rewritten in place: re-ranking can move a row to
// a later page (the participant count changes prediction errors), so overwriting FINAL# pages while
// still reading them could lose a row. From the stage every step is a plain, repeatable copy.
import type { ContestRecord, ContestRepository, FinalRow, StandingsStore } from './contest-ports.ts';
import type { JobRecord, JobStore } from './job-ports.ts';
import type { JobKind } from './jobs.ts';
import type { PersonDataStore } from './privacy-ports.ts';
import { finalRankings, rerankFinal } from './privacy.ts';
import { InvalidState } from '../domain/errors.ts';

export const RERANK_KIND = 'rerank';

/** FINAL# pages copied per step: 50 pages of ~29 KB, one bounded batch of writes. */
export const RERANK_PAGES_PER_STEP = 50;

interface RerankState {
  phase?: 'snapshot' | 'copy' | 'trim' | 'finish';
  /** The erased phones this pass drops (read from the contest when it started). */
  phones?: string[];
  /** The final rankings this pass rewrites: round numbers, 0 for the contest's own; `target` indexes them. */
  targets?: number[];
  target?: number;
  page?: number;
  pages?: number;
  /** Participants left in each target's ranking, by target. */
  counts?: Record<string, number>;
  passes?: number;
}

export interface RerankDeps {
  contests: ContestRepository;
  standings: Pick<StandingsStore, 'readFinal'>;
  jobs: Pick<JobStore, 'putRowPages' | 'rowPages'>;
  people: Pick<PersonDataStore, 'writeFinalPages' | 'dropFinalPages'>;
  now: () => Date;
  rowsPerPage: number;
  pagesPerStep?: number;
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

  return {
    total: () => 4,
    async step(job: JobRecord) {
      const state = job.state as RerankState;
      const passes = state.passes ?? 0;
      switch (state.phase ?? 'snapshot') {
        case 'snapshot': {
          const contest = await load(job.contestId);
          // The pass's phones and rankings are fixed by its first snapshot.
          const phones = state.phones ?? [...(contest.erasedPhones ?? [])].sort();
          const targets = state.targets ?? finalRankings(contest);
          const target = state.target ?? 0;
          if (target >= targets.length) return { state: { ...state, phase: 'finish', phones, targets }, done: 1 };
          const stored = await standings.readFinal(contest.id, undefined, roundOf(targets[target]!));
          const rows = withoutErased(stored, new Set(phones));
          // A ranking none of the phones is in stays as it is.
          if (rows.length === stored.length) return { state: { ...state, phase: 'snapshot', phones, targets, target: target + 1 }, done: 1 };
          const ranked = rerankFinal(rows, contest, rows.length);
          const pages: FinalRow[][] = [];
          for (let i = 0; i < ranked.length || i === 0; i += rowsPerPage) pages.push(ranked.slice(i, i + rowsPerPage));
          await jobs.putRowPages(job.id, 0, pages);
          const counts = { ...state.counts, [String(targets[target])]: ranked.length };
          return { state: { phase: 'copy', phones, targets, target, counts, page: 0, pages: pages.length, passes }, done: 1, total: pages.length + 3 };
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
          return { state: { ...state, phase: 'snapshot', target: (state.target ?? 0) + 1 }, done: (state.pages ?? 1) + 2 };
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
          return { state: { phase: 'finish' }, done: 1, total: 1, result: { participants: counts['0'] ?? stored.finalParticipants ?? 0, passes: passes + 1 } };
        }
      }
    },
  };
}
