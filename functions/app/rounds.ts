// Rounds after publication: a round's state and its mark as final (docs/rounds.md). The round close
// job (app/round-close-job.ts) and the contest close (app/close-job.ts) write their final rankings
// (app/final-ranking.ts), then mark them here.
import { InvalidState, NotFound } from '../domain/errors.ts';
import { roundStateOf, type Round, type RoundState } from '../domain/rounds.ts';
import type { AttemptUseCases } from './attempts.ts';
import type { ContestUseCases } from './contests.ts';
import type { ContestRecord, ContestRepository } from './contest-ports.ts';

export interface RoundDeps {
  contests: ContestRepository;
  attempts: AttemptUseCases;
  contestCases: ContestUseCases;
  now: () => Date;
}

export function roundUseCases(deps: RoundDeps) {
  const { contests, attempts, contestCases, now } = deps;

  async function load(contestId: string): Promise<ContestRecord> {
    const contest = await contests.get(contestId, true);
    if (!contest) throw new NotFound('Contest', contestId);
    return contest;
  }

  /** Merges a round's state into the contest, reloading on a concurrent change (an organizer's edit, another run). */
  async function setRoundState(contestId: string, no: number, change: (state: RoundState) => RoundState | undefined): Promise<ContestRecord> {
    for (let tryNo = 0; ; tryNo++) {
      const contest = await load(contestId);
      const next = change(contest.roundState?.[String(no)] ?? {});
      if (next === undefined) return contest;
      try {
        return await contestCases.save({ ...contest, roundState: { ...(contest.roundState ?? {}), [String(no)]: next } });
      } catch (e) {
        if (!(e instanceof InvalidState) || tryNo >= 5) throw e;
      }
    }
  }

  /** Marks the round final (its ranking never changes afterwards but by erasure); returns its count. */
  async function markFinal(contestId: string, round: Round, participants: number): Promise<number> {
    const at = now().toISOString();
    const contest = await setRoundState(contestId, round.no, (state) => (state.finalizedAt ? undefined : { ...state, finalizedAt: at, participants }));
    // A copy read while finalising says "not final yet": the final ranking shows here at once.
    attempts.forgetContest(contestId);
    return roundStateOf(contest, round).participants ?? participants;
  }

  return {
    setRoundState,
    markFinal,
  };
}

export type RoundUseCases = ReturnType<typeof roundUseCases>;
