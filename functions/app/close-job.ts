// Closing a contest as a job (docs/jobs.md). The request marks the contest closed (the API shows
// `closing` until the final ranking is written): from then on starts, saves and submits are
// refused as for a closed contest. The job then, step by step:
//   wait      until every execution environment's cached copy of the contest has expired
//   finalize  one people partition per step: score open attempts from their saved answers
//   rank      read every scored person, rank with the final rule, write the FINAL# pages
//   finish    finalise the contest's held rounds (app/rounds.ts afterContestClose), then mark the
//             contest finalised (closed)
// Every step can run again with the same effect: scoring an attempt is conditional on it being
// open, settling a person on the attempt not being applied yet, and the pages are the same pages.
import { assertCanClose } from '../domain/contest.ts';
import { InvalidState, NotFound } from '../domain/errors.ts';
import { CONTEST_CACHE_MS, type AttemptUseCases } from './attempts.ts';
import type { ContestRecord, ContestRepository, StandingsStore } from './contest-ports.ts';
import type { ContestUseCases } from './contests.ts';
import type { JobRecord } from './job-ports.ts';
import type { JobKind, JobUseCases } from './jobs.ts';
import { rows } from './standings.ts';

export const CLOSE_KIND = 'close';

export interface CloseDeps {
  contests: ContestRepository;
  contestCases: ContestUseCases;
  attempts: AttemptUseCases;
  standings: StandingsStore;
  now: () => Date;
  sleep?: (ms: number) => Promise<void>;
  /** People partitions of a contest (keys.ts PEOPLE_SHARDS). */
  partitions: number;
  /** Finalises a contest's held rounds once it is closed (app/rounds.ts); runs again harmlessly. */
  afterClose?: (contestId: string) => Promise<unknown>;
}

type Phase = 'wait' | 'finalize' | 'rank' | 'finish';
interface CloseState {
  phase?: Phase;
  shard?: number;
  participants?: number;
}

export function closeJobKind(deps: CloseDeps): JobKind {
  const { contests, contestCases, attempts, standings, now, partitions } = deps;
  const sleep = deps.sleep ?? ((ms: number) => new Promise<void>((r) => setTimeout(r, ms)));
  const total = 1 + partitions + 2;

  async function load(contestId: string): Promise<ContestRecord> {
    const contest = await contests.get(contestId, true);
    if (!contest) throw new NotFound('Contest', contestId);
    return contest;
  }

  return {
    total: () => total,
    async step(job: JobRecord) {
      const state = job.state as CloseState;
      const contest = await load(job.contestId);
      if (contest.finalizedAt) return { state: { phase: 'finish' }, done: total, result: { participants: contest.finalParticipants ?? 0 } };
      if (contest.status !== 'closed') throw new InvalidState('The contest is not being closed');
      switch (state.phase ?? 'wait') {
        case 'wait': {
          // Each environment trusts its copy of a published contest for CONTEST_CACHE_MS: once that
          // has passed, no start or submit can still see the contest open.
          const ready = Date.parse(contest.closedAt ?? job.createdAt) + CONTEST_CACHE_MS + 250;
          const left = ready - now().getTime();
          if (left > 0) await sleep(left);
          return { state: { phase: 'finalize', shard: 0 }, done: 1 };
        }
        case 'finalize': {
          const shard = state.shard ?? 0;
          attempts.forgetContest(contest.id);
          await attempts.finalizeOpen(contest, shard);
          const next = shard + 1;
          return { state: next < partitions ? { phase: 'finalize', shard: next } : { phase: 'rank' }, done: 1 + next };
        }
        case 'rank': {
          // Participants = people with a scored attempt, from the strongly consistent people read.
          const people = await standings.allScored(contest.id);
          await standings.writeFinal(contest.id, rows(people, contest, people.length, true));
          return { state: { phase: 'finish', participants: people.length }, done: total - 1 };
        }
        case 'finish': {
          const participants = state.participants ?? 0;
          // Rounds: the open one ends with the contest and gets its final ranking; later ones were never held.
          // Before the contest is marked final, so a crash in between runs them again (final rounds are kept).
          await deps.afterClose?.(contest.id);
          const fresh = await load(contest.id);
          await contestCases.save({ ...fresh, finalizedAt: now().toISOString(), finalParticipants: participants });
          // A copy read while finalising says "not final yet": the final ranking shows here at once.
          attempts.forgetContest(contest.id);
          return { state: { phase: 'finish' }, done: total, result: { participants } };
        }
      }
    },
  };
}

/**
 * POST close: marks the contest closed with the id of its close job, then creates that job. A
 * repeated close (or one after a crash between the two writes) finds the same job id on the contest.
 */
export async function startClose(deps: { contests: ContestRepository; contestCases: ContestUseCases; attempts: AttemptUseCases; jobs: JobUseCases; newId: (n?: number) => string; now: () => Date }, contestId: string, owner: string) {
  let contest = await deps.contests.get(contestId, true);
  if (!contest) throw new NotFound('Contest', contestId);
  if (contest.status === 'closed' && contest.finalizedAt) throw new InvalidState('A closed contest cannot be closed');
  let jobId = contest.closeJobId;
  if (contest.status !== 'closed' || !jobId) {
    if (contest.status !== 'closed') assertCanClose(contest);
    jobId = deps.newId(16);
    contest = await deps.contestCases.save({ ...contest, status: 'closed', closedAt: contest.closedAt ?? deps.now().toISOString(), closeJobId: jobId });
    deps.attempts.forgetContest(contestId);
  }
  return deps.jobs.start(CLOSE_KIND, contestId, owner, {}, jobId);
}
