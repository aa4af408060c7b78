// Re-ranking a final ranking after erasures (Decree 13 right to erasure; docs/personal-data.md,
// docs/jobs.md). The erasure request only adds the phone to the contest's `erasedPhones` (readers
// hide those rows at once) and starts this job, named by the contest's `rerankJobId`. A pass:
//   snapshot  read every FINAL# page, drop duplicate phones and the erased ones, re-rank, and store
//             the new ranking under the job (JOB#<id> ROWS# pages)
//   copy      copy a group of those pages over the FINAL# pages, in order
//   trim      delete FINAL# pages beyond the new ranking
//   finish    set finalParticipants, remove the pass's phones from `erasedPhones`; phones added
//             meanwhile (a second erasure) start another pass, otherwise the job ends
// The ranking is staged under the job rather than rewritten in place: re-ranking can move a row to
// a later page (the participant count changes prediction errors), so overwriting FINAL# pages while
// still reading them could lose a row. From the stage every step is a plain, repeatable copy.
import type { ContestRecord, ContestRepository, FinalRow, StandingsStore } from './contest-ports.ts';
import type { JobRecord, JobStore } from './job-ports.ts';
import type { JobKind } from './jobs.ts';
import type { PersonDataStore } from './privacy-ports.ts';
import { rerankFinal } from './privacy.ts';
import { InvalidState } from '../domain/errors.ts';

export const RERANK_KIND = 'rerank';

/** FINAL# pages copied per step: 50 pages of ~29 KB, one bounded batch of writes. */
export const RERANK_PAGES_PER_STEP = 50;

interface RerankState {
  phase?: 'snapshot' | 'copy' | 'trim' | 'finish';
  /** The erased phones this pass drops (read from the contest when it started). */
  phones?: string[];
  page?: number;
  pages?: number;
  participants?: number;
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

  return {
    total: () => 4,
    async step(job: JobRecord) {
      const state = job.state as RerankState;
      const passes = state.passes ?? 0;
      switch (state.phase ?? 'snapshot') {
        case 'snapshot': {
          const contest = await load(job.contestId);
          const phones = [...(contest.erasedPhones ?? [])].sort();
          const rows = withoutErased(await standings.readFinal(contest.id), new Set(phones));
          const ranked = rerankFinal(rows, contest, rows.length);
          const pages: FinalRow[][] = [];
          for (let i = 0; i < ranked.length || i === 0; i += rowsPerPage) pages.push(ranked.slice(i, i + rowsPerPage));
          await jobs.putRowPages(job.id, 0, pages);
          return { state: { phase: 'copy', phones, page: 0, pages: pages.length, participants: ranked.length, passes }, done: 1, total: pages.length + 3 };
        }
        case 'copy': {
          const page = state.page ?? 0;
          const pages = state.pages ?? 1;
          const group = await jobs.rowPages(job.id, page, Math.min(perStep, pages - page));
          await people.writeFinalPages(job.contestId, page, group);
          const next = page + group.length;
          if (group.length === 0) throw new Error(`Staged page ${page} of job ${job.id} is missing`);
          return { state: { ...state, phase: next < pages ? 'copy' : 'trim', page: next }, done: 1 + next };
        }
        case 'trim': {
          await people.dropFinalPages(job.contestId, state.pages ?? 1);
          return { state: { ...state, phase: 'finish' }, done: (state.pages ?? 1) + 2 };
        }
        case 'finish': {
          const handled = new Set(state.phones ?? []);
          const stored = await update(job.contestId, (c) => {
            const left = (c.erasedPhones ?? []).filter((p) => !handled.has(p));
            const { erasedPhones: _e, rerankJobId: _j, ...rest } = c;
            return left.length > 0 ? { ...c, finalParticipants: state.participants, erasedPhones: left } : { ...rest, finalParticipants: state.participants };
          });
          // An erasure that came in during this pass: its phone is still listed, so go round again.
          if (stored.erasedPhones?.length) return { state: { phase: 'snapshot', passes: passes + 1 }, done: 0, total: 4 };
          return { state: { phase: 'finish' }, done: (state.pages ?? 1) + 3, result: { participants: state.participants ?? 0, passes: passes + 1 } };
        }
      }
    },
  };
}
