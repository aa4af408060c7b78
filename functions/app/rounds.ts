// Rounds after publication: a round's state and its final ranking (docs/rounds.md). The round close
// job (app/round-close-job.ts) and the contest close's last step (app/close-job.ts) write them.
import { InvalidState, NotFound } from '../domain/errors.ts';
import { neverHeld, roundsOf, roundStateOf, type Round, type RoundState } from '../domain/rounds.ts';
import type { AttemptUseCases } from './attempts.ts';
import type { ContestUseCases } from './contests.ts';
import type { ContestRecord, ContestRepository, StandingsStore } from './contest-ports.ts';
import { rows } from './standings.ts';

export interface RoundDeps {
  contests: ContestRepository;
  standings: StandingsStore;
  attempts: AttemptUseCases;
  contestCases: ContestUseCases;
  now: () => Date;
}

export function roundUseCases(deps: RoundDeps) {
  const { contests, standings, attempts, contestCases, now } = deps;

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

  /**
   * Writes an explicit round's final ranking from its scored people, with the prediction distance
   * to the round's own participant count; returns that count. The same pages again on a rerun.
   */
  async function rankRound(contest: ContestRecord, round: Round): Promise<number> {
    const people = await standings.allScored(contest.id, round.no);
    await standings.writeFinal(contest.id, rows(people, contest, people.length, true), round.no);
    return people.length;
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
    rankRound,
    markFinal,

    /**
     * The last step of a contest's close (status closed, its open attempts scored): its held rounds
     * that are not final yet get their final ranking. The rounds the close cut before they began are
     * final with no participants (roundStatus) and need no write. Runs again harmlessly.
     */
    async afterContestClose(contestId: string): Promise<number> {
      const contest = await load(contestId);
      const held = roundsOf(contest).filter((r) => r.explicit && !neverHeld(contest, r) && !roundStateOf(contest, r).finalizedAt);
      for (const round of held) {
        await attempts.finalizeOpen(contest, undefined, round.no);
        await markFinal(contest.id, round, await rankRound(contest, round));
      }
      return held.length;
    },
  };
}

export type RoundUseCases = ReturnType<typeof roundUseCases>;
