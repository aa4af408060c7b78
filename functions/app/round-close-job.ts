// Closing a round as a job (docs/rounds.md, docs/jobs.md). Started by POST .../rounds/{roundId}/close
// (an organizer ending a round early, or finalising one whose window is over) and by the schedule
// (every minute on AWS, the local scheduler) for each round whose window plus the grace has passed.
// The job's id is kept in the round's state, so starting it twice is one job. Steps:
//   wait      until no start or submit of the round can still land: an early close plus the
//             contest cache, or the round's end plus the submit grace
//   finalize  one people partition per step: score the round's open attempts from their saves
//   rank      the round's scored people, ranked with the final rule (the prediction distance to the
//             round's own participant count) and written as its RFINAL# pages, a partition or a
//             group of pages per step (app/final-ranking.ts, as the contest close)
//   finish    mark the round final with its participant count
// Every step can run again with the same effect, as the contest close's steps (app/close-job.ts).
import { GRACE_MS } from '../domain/contest.ts';
import { InvalidState, NotFound } from '../domain/errors.ts';
import { findRound, roundEnd, roundsDue, roundsOf, roundStateOf, roundStatus, type Round } from '../domain/rounds.ts';
import { CONTEST_CACHE_MS, type AttemptUseCases } from './attempts.ts';
import { finalizeStep, waitStep } from './close-job.ts';
import type { ContestRecord, ContestRepository } from './contest-ports.ts';
import type { FinalRanking, RankingState } from './final-ranking.ts';
import type { JobRecord } from './job-ports.ts';
import type { JobKind, JobUseCases } from './jobs.ts';
import { SYSTEM_ACTOR } from './privacy.ts';
import type { RoundUseCases } from './rounds.ts';

export const CLOSE_ROUND_KIND = 'closeRound';

export interface RoundCloseDeps {
  contests: ContestRepository;
  attempts: AttemptUseCases;
  rounds: RoundUseCases;
  /** Writes the round's final ranking (shared with the contest close). */
  ranking: FinalRanking;
  now: () => Date;
  sleep?: (ms: number) => Promise<void>;
  /** People partitions of a contest (keys.ts PEOPLE_SHARDS). */
  partitions: number;
}

type Phase = 'wait' | 'finalize' | 'rank' | 'finish';
interface RoundCloseState {
  phase?: Phase;
  shard?: number;
  ranking?: RankingState;
  participants?: number;
}

async function load(contests: ContestRepository, contestId: string): Promise<ContestRecord> {
  const contest = await contests.get(contestId, true);
  if (!contest) throw new NotFound('Contest', contestId);
  return contest;
}

export function roundCloseJobKind(deps: RoundCloseDeps): JobKind {
  const { contests, attempts, rounds, ranking, now, partitions } = deps;
  const sleep = deps.sleep ?? ((ms: number) => new Promise<void>((r) => setTimeout(r, ms)));
  const before = 1 + partitions;

  return {
    total: () => before + ranking.steps({}) + 1,
    async step(job: JobRecord) {
      const state = job.state as RoundCloseState;
      const contest = await load(contests, job.contestId);
      const round = roundsOf(contest).find((r) => r.explicit && r.no === Number(job.params.round));
      if (!round) throw new InvalidState(`Contest ${contest.id} has no round ${String(job.params.round)}`);
      const final = roundStateOf(contest, round);
      if (final.finalizedAt) return { state: { phase: 'finish' }, done: job.progress.total, result: { roundId: round.id, participants: final.participants ?? 0 } };
      switch (state.phase ?? 'wait') {
        case 'wait': {
          const end = Date.parse(roundEnd(contest, round));
          // Ended by its window: every environment knows the end, a submit may come until end + grace.
          // Closed early: an environment's cached copy may still see the round open for CONTEST_CACHE_MS.
          return waitStep(end < Date.parse(round.endsAt) ? end + CONTEST_CACHE_MS + 250 : end + GRACE_MS, now, sleep);
        }
        case 'finalize':
          return finalizeStep(attempts, contest, state.shard ?? 0, partitions, round.no);
        case 'rank': {
          const out = await ranking.step(job.id, contest, round.no, state.ranking ?? {});
          const progress = { done: before + ranking.done(out.state), total: before + ranking.steps(out.state) + 1 };
          if (out.participants === undefined) return { state: { phase: 'rank', ranking: out.state }, ...progress };
          return { state: { phase: 'finish', participants: out.participants }, done: progress.total - 1, total: progress.total };
        }
        case 'finish': {
          const participants = await rounds.markFinal(contest.id, round, state.participants ?? 0);
          return { state: { phase: 'finish' }, done: job.progress.total, result: { roundId: round.id, participants } };
        }
      }
    },
  };
}

export interface RoundCloseStartDeps {
  contests: ContestRepository;
  rounds: RoundUseCases;
  jobs: JobUseCases;
  newId: (n?: number) => string;
  now: () => Date;
}

/**
 * Starts (or finds) a round's close job. The job's id goes into the round's state first, so a
 * repeated start, or the schedule and an organizer at once, find one job; one that failed is
 * replaced by a new one when `retryFailed` (an organizer's request; the schedule leaves it to the alarm).
 */
async function startFor(deps: RoundCloseStartDeps, contest: ContestRecord, round: Round, owner: string, retryFailed: boolean) {
  const known = roundStateOf(contest, round).closeJobId;
  const existing = known ? await deps.jobs.load(known) : undefined;
  if (existing && (existing.status !== 'failed' || !retryFailed)) return deps.jobs.start(CLOSE_ROUND_KIND, contest.id, existing.owner, { round: round.no }, existing.id);
  const open = roundStatus(contest, round, deps.now().getTime()) === 'open';
  const at = deps.now().toISOString();
  const stored = await deps.rounds.setRoundState(contest.id, round.no, (state) =>
    // Final meanwhile, or another start named a job in between: leave it, and start (find) the job it names.
    state.finalizedAt || (state.closeJobId && state.closeJobId !== known)
      ? undefined
      : { ...state, closeJobId: deps.newId(16), ...(open && !state.closedAt ? { closedAt: at } : {}) },
  );
  const jobId = roundStateOf(stored, round).closeJobId ?? deps.newId(16);
  return deps.jobs.start(CLOSE_ROUND_KIND, contest.id, owner, { round: round.no }, jobId);
}

/**
 * POST .../rounds/{roundId}/close: ends an open round now and finalises it as a job; a round whose
 * window is over is finalised the same way; a final one answers with the job that finalised it.
 */
export async function startRoundClose(deps: RoundCloseStartDeps, contestId: string, roundId: string, owner: string) {
  const contest = await load(deps.contests, contestId);
  const round = findRound(contest, roundId);
  if (!round) throw new NotFound('Round', roundId);
  if (!round.explicit) throw new InvalidState('A contest without rounds ends with its own close', { roundId });
  const status = roundStatus(contest, round, deps.now().getTime());
  if (status === 'upcoming') throw new InvalidState('A round that has not started cannot be closed', { roundId, status });
  if (status === 'final' && !roundStateOf(contest, round).closeJobId) {
    // Final without a job of its own (finalised by the contest's close, or never held).
    throw new InvalidState('This round is already final', { roundId, status });
  }
  return startFor(deps, contest, round, owner, true);
}

/** The schedule's run: a close job for every round whose window plus the grace has passed. */
export async function startDueRoundCloses(deps: RoundCloseStartDeps) {
  const at = deps.now().getTime();
  const started = [];
  for (const contest of await deps.contests.list()) {
    for (const round of roundsDue(contest, at, GRACE_MS)) {
      const job = await startFor(deps, contest, round, SYSTEM_ACTOR.userId, false);
      started.push({ contestId: contest.id, roundId: round.id, jobId: job.id, status: job.status });
    }
  }
  return started;
}
