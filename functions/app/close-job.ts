// Closing a contest as a job (docs/jobs.md). The request marks the contest closed (the API shows
// `closing` until the final ranking is written): from then on starts, saves and submits are
// refused as for a closed contest. The job then, step by step:
//   wait      until every execution environment's cached copy of the contest has expired
//   finalize  one people partition per step: score open attempts (of every round) from their saved answers
//   rank      the contest's final ranking, a partition or a group of pages per step (app/final-ranking.ts)
//   rounds    the same for each held round not final yet (the open one ends with the contest), each
//             then marked final; later rounds were never held
//   finish    mark the contest finalised (closed)
// Every step can run again with the same effect: scoring an attempt is conditional on it being
// open, settling a person on the attempt not being applied yet, and the pages are the same pages.
import { assertCanClose } from '../domain/contest.ts';
import { InvalidState, NotFound } from '../domain/errors.ts';
import { neverHeld, roundsOf, roundStateOf, type Round } from '../domain/rounds.ts';
import { CONTEST_CACHE_MS, type AttemptUseCases } from './attempts.ts';
import type { ContestRecord, ContestRepository } from './contest-ports.ts';
import type { ContestUseCases } from './contests.ts';
import type { FinalRanking, RankingState } from './final-ranking.ts';
import type { JobRecord } from './job-ports.ts';
import type { JobKind, JobUseCases } from './jobs.ts';
import type { RoundUseCases } from './rounds.ts';

export const CLOSE_KIND = 'close';

export interface CloseDeps {
  contests: ContestRepository;
  contestCases: ContestUseCases;
  attempts: AttemptUseCases;
  /** Writes the contest's and each held round's final ranking (shared with the round close). */
  ranking: FinalRanking;
  rounds: Pick<RoundUseCases, 'markFinal'>;
  now: () => Date;
  sleep?: (ms: number) => Promise<void>;
  /** People partitions of a contest (keys.ts PEOPLE_SHARDS). */
  partitions: number;
}

type Phase = 'wait' | 'finalize' | 'rank' | 'rounds' | 'finish';
interface CloseState {
  phase?: Phase;
  shard?: number;
  /** The ranking being written: the contest's (rank), or that of round `round` (rounds). */
  ranking?: RankingState;
  round?: number;
  participants?: number;
  /** Steps taken by the rankings already written (progress). */
  base?: number;
}

/** Held rounds whose final ranking is not written yet, in order (those the close cut before they began need none). */
const heldRounds = (contest: ContestRecord): Round[] =>
  roundsOf(contest).filter((r) => r.explicit && !neverHeld(contest, r) && !roundStateOf(contest, r).finalizedAt);

/** The first step of a close (the round close's too): wait until `readyAt`, when no start or submit can still land. */
export async function waitStep(readyAt: number, now: () => Date, sleep: (ms: number) => Promise<void>) {
  const left = readyAt - now().getTime();
  if (left > 0) await sleep(left);
  return { state: { phase: 'finalize', shard: 0 }, done: 1 };
}

/** One people partition a step: score the open attempts (of one round, with `roundNo`) from their saves. */
export async function finalizeStep(attempts: AttemptUseCases, contest: ContestRecord, shard: number, partitions: number, roundNo?: number) {
  attempts.forgetContest(contest.id);
  await attempts.finalizeOpen(contest, shard, roundNo);
  const next = shard + 1;
  return { state: next < partitions ? { phase: 'finalize', shard: next } : { phase: 'rank' }, done: 1 + next };
}

export function closeJobKind(deps: CloseDeps): JobKind {
  const { contests, contestCases, attempts, ranking, rounds, now, partitions } = deps;
  const sleep = deps.sleep ?? ((ms: number) => new Promise<void>((r) => setTimeout(r, ms)));
  const before = 1 + partitions;

  async function load(contestId: string): Promise<ContestRecord> {
    const contest = await contests.get(contestId, true);
    if (!contest) throw new NotFound('Contest', contestId);
    return contest;
  }

  /** Progress inside a ranking: `base` steps before it, `after` rankings still to come, then the finish. */
  const progress = (base: number, state: RankingState, after: number) => ({
    done: base + ranking.done(state),
    total: base + ranking.steps(state) + after * ranking.steps({}) + 1,
  });

  return {
    total: () => before + ranking.steps({}) + 1,
    async step(job: JobRecord) {
      const state = job.state as CloseState;
      const contest = await load(job.contestId);
      if (contest.finalizedAt) return { state: { phase: 'finish' }, done: job.progress.total, result: { participants: contest.finalParticipants ?? 0 } };
      if (contest.status !== 'closed') throw new InvalidState('The contest is not being closed');
      switch (state.phase ?? 'wait') {
        case 'wait':
          // Each environment trusts its copy of a published contest for CONTEST_CACHE_MS: once that
          // has passed, no start or submit can still see the contest open.
          return waitStep(Date.parse(contest.closedAt ?? job.createdAt) + CONTEST_CACHE_MS + 250, now, sleep);
        case 'finalize':
          return finalizeStep(attempts, contest, state.shard ?? 0, partitions);
        case 'rank': {
          // Participants = people with a scored attempt, from strongly consistent reads.
          const held = heldRounds(contest).length;
          const out = await ranking.step(job.id, contest, undefined, state.ranking ?? {});
          if (out.participants === undefined) return { state: { phase: 'rank', ranking: out.state }, ...progress(before, out.state, held) };
          const base = before + ranking.steps(out.state);
          return { state: { phase: held > 0 ? 'rounds' : 'finish', participants: out.participants, base }, done: base, total: base + held * ranking.steps({}) + 1 };
        }
        case 'rounds': {
          // The finalize steps scored every open attempt of every round: the rounds' data is frozen too.
          const [round, ...later] = heldRounds(contest);
          const { participants } = state;
          let base = state.base ?? before;
          // The checkpoint names a round that is final now (a crash after its mark): its steps are done.
          if (state.round !== undefined && state.round !== round?.no) base += ranking.steps(state.ranking ?? {});
          if (!round) return { state: { phase: 'finish', participants, base }, done: base, total: base + 1 };
          const out = await ranking.step(job.id, contest, round.no, state.round === round.no ? (state.ranking ?? {}) : {});
          if (out.participants === undefined) return { state: { phase: 'rounds', participants, base, round: round.no, ranking: out.state }, ...progress(base, out.state, later.length) };
          await rounds.markFinal(contest.id, round, out.participants);
          const after = base + ranking.steps(out.state);
          return { state: { phase: later.length > 0 ? 'rounds' : 'finish', participants, base: after }, done: after, total: after + later.length * ranking.steps({}) + 1 };
        }
        case 'finish': {
          // A checkpoint from before held rounds had steps of their own (a deploy mid-close) lands here first.
          if (heldRounds(contest).length > 0) return { state: { ...state, phase: 'rounds' }, done: job.progress.done };
          const participants = state.participants ?? 0;
          const fresh = await load(contest.id);
          await contestCases.save({ ...fresh, finalizedAt: now().toISOString(), finalParticipants: participants });
          // A copy read while finalising says "not final yet": the final ranking shows here at once.
          attempts.forgetContest(contest.id);
          const total = state.base !== undefined ? state.base + 1 : job.progress.total;
          return { state: { phase: 'finish' }, done: total, total, result: { participants } };
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
