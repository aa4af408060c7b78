// Rounds after publication: ending a round early, writing a round's final ranking, and finding the
// rounds whose window plus the grace has passed (the schedule's job, docs/rounds.md).
import { GRACE_MS } from '../domain/contest.ts';
import { InvalidState, NotFound } from '../domain/errors.ts';
import { findRound, neverHeld, roundsDue, roundsOf, roundStateOf, roundStatus, type Round, type RoundState } from '../domain/rounds.ts';
import { CONTEST_CACHE_MS, type AttemptUseCases } from './attempts.ts';
import type { ContestUseCases } from './contests.ts';
import type { ContestRecord, ContestRepository, StandingsStore } from './contest-ports.ts';
import { rows } from './standings.ts';

export interface RoundDeps {
  contests: ContestRepository;
  standings: StandingsStore;
  attempts: AttemptUseCases;
  contestCases: ContestUseCases;
  now: () => Date;
  sleep?: (ms: number) => Promise<void>;
}

/** What a round close reports (the shape of a job's progress until the job machinery runs it). */
export interface RoundCloseOutcome {
  contestId: string;
  roundId: string;
  /** Open attempts scored from their saved answers. */
  finalised: number;
  participants: number;
  alreadyFinal: boolean;
}

export function roundUseCases(deps: RoundDeps) {
  const { contests, standings, attempts, contestCases, now } = deps;
  const sleep = deps.sleep ?? ((ms: number) => new Promise<void>((r) => setTimeout(r, ms)));

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
   * Writes an explicit round's final ranking: scores the round's abandoned attempts from their saves,
   * ranks its people with the prediction distance to the round's own participant count, and marks it
   * final. Idempotent: a final round is left as it is (its ranking changes only by erasure).
   */
  async function finalizeRound(contestId: string, round: Round, wait = true): Promise<RoundCloseOutcome> {
    let contest = await load(contestId);
    if (roundStateOf(contest, round).finalizedAt) {
      return { contestId, roundId: round.id, finalised: 0, participants: roundStateOf(contest, round).participants ?? 0, alreadyFinal: true };
    }
    attempts.forgetContest(contest.id);
    // Every environment's copy of the contest has seen the round end once CONTEST_CACHE_MS has passed.
    if (wait) await sleep(CONTEST_CACHE_MS + 250);
    const finalised = await attempts.finalizeOpen(contest, undefined, round.no);
    const people = await standings.allScored(contest.id, round.no);
    const participants = people.length;
    await standings.writeFinal(contest.id, rows(people, contest, participants, true), round.no);
    const at = now().toISOString();
    contest = await setRoundState(contest.id, round.no, (state) => (state.finalizedAt ? undefined : { ...state, finalizedAt: at, participants }));
    attempts.forgetContest(contest.id);
    return { contestId, roundId: round.id, finalised, participants: roundStateOf(contest, round).participants ?? participants, alreadyFinal: false };
  }

  return {
    finalizeRound,

    /**
     * POST .../rounds/{roundId}/close: ends an open round now and writes its final ranking. A round
     * whose window is over (ended) is finalised the same way; a final one is answered as it is.
     */
    async closeRound(contestId: string, roundId: string): Promise<RoundCloseOutcome> {
      const contest = await load(contestId);
      const round = findRound(contest, roundId);
      if (!round) throw new NotFound('Round', roundId);
      if (!round.explicit) throw new InvalidState('A contest without rounds ends with its own close', { roundId });
      const status = roundStatus(contest, round, now().getTime());
      if (status === 'upcoming') throw new InvalidState('A round that has not started cannot be closed', { roundId, status });
      if (status === 'open') {
        const at = now().toISOString();
        await setRoundState(contest.id, round.no, (state) => (state.closedAt || state.finalizedAt ? undefined : { ...state, closedAt: at }));
      }
      return finalizeRound(contest.id, round);
    },

    /**
     * After a contest's close (status closed): finalises its held rounds that are not final yet. The
     * rounds the close cut before they began are final with no participants (roundStatus) and need no write.
     */
    async afterContestClose(contestId: string): Promise<RoundCloseOutcome[]> {
      const contest = await load(contestId);
      const held = roundsOf(contest).filter((r) => r.explicit && !neverHeld(contest, r) && !roundStateOf(contest, r).finalizedAt);
      const out: RoundCloseOutcome[] = [];
      for (const round of held) out.push(await finalizeRound(contest.id, round, false));
      return out;
    },

    /** The schedule's run: every round whose window plus the grace has passed gets its final ranking. */
    async finalizeDue(): Promise<RoundCloseOutcome[]> {
      const at = now().getTime();
      const due = (await contests.list()).flatMap((c) => roundsDue(c, at, GRACE_MS).map((round) => ({ contestId: c.id, round })));
      const out: RoundCloseOutcome[] = [];
      // One at a time: a handful of rounds end in the same minute at most, and each waits out the contest cache.
      for (const { contestId, round } of due) out.push(await finalizeRound(contestId, round));
      return out;
    },
  };
}

export type RoundUseCases = ReturnType<typeof roundUseCases>;
