// Standings: public leaderboards, unit rankings, statistics, staff results, and closing a contest.
import { contestPhase } from '../domain/contest.ts';
import { NotFound, ValidationFailed } from '../domain/errors.ts';
import { maskPhone } from '../domain/phone.ts';
import { rankPeople, rankUnits, unitStanding } from '../domain/ranking.ts';
import { emptyAggregate, type ContestAggregate } from '../domain/aggregate.ts';
import {
  currentRound,
  defaultRound,
  findRound,
  hasExplicitRounds,
  neverHeld,
  nextRoundStartsAt,
  roundsOf,
  roundStateOf,
  roundStatus,
  roundViews,
  type Round,
} from '../domain/rounds.ts';
import type { AttemptUseCases } from './attempts.ts';
import type { ContestUseCases } from './contests.ts';
import type { ContestRecord, ContestRepository, FinalRow, PersonRecord, StandingsStore } from './contest-ports.ts';
import type { Unit, UnitRepository } from './ports.ts';
import { shownFinal } from './privacy.ts';

export interface StandingsDeps {
  contests: ContestRepository;
  units: UnitRepository;
  standings: StandingsStore;
  attempts: AttemptUseCases;
  contestCases: ContestUseCases;
  now: () => Date;
  /** Leading zero bits of the proof of work a start needs (0: none), advertised on the public contest. */
  startProofBits?: number;
}

/** Rows per FINAL# item (adapters/dynamodb/standings.ts FINAL_PAGE_ROWS). */
const FINAL_ROWS_PER_PAGE = 100;

/** Opaque to clients: the offset of the next row, base64url. */
const encodeCursor = (offset: number) => Buffer.from(`o${offset}`).toString('base64url');
function decodeCursor(cursor: string): number {
  const m = /^o(\d{1,9})$/.exec(Buffer.from(cursor, 'base64url').toString());
  if (!m) throw new ValidationFailed([{ field: 'query.cursor', message: 'not a cursor this API gave' }]);
  return Number(m[1]);
}

const isFinal = (c: ContestRecord) => c.status === 'closed' && c.finalizedAt !== undefined;

/** The storage's round number: explicit rounds only (the implicit round is stored as in v1). */
export const storedRound = (round: Round) => (round.explicit ? round.no : undefined);

/** Whether the round's final ranking is written. */
export const roundIsFinal = (contest: ContestRecord, round: Round) =>
  round.explicit ? roundStateOf(contest, round).finalizedAt !== undefined || neverHeld(contest, round) : isFinal(contest);

/** The counters of one round: an explicit round's own, the implicit round's are the contest's. */
export function roundAggregate(agg: ContestAggregate, round: Round): ContestAggregate {
  return round.explicit ? (agg.rounds?.[String(round.no)] ?? emptyAggregate()) : agg;
}

/**
 * Whether a ranking not final yet already follows the final rule (prediction included): the round's
 * window is over, or (the implicit round) the contest is closing.
 */
export const ranksAsFinal = (contest: ContestRecord, round: Round, at: number) =>
  round.explicit ? roundStatus(contest, round, at) === 'ended' : contest.status === 'closed';

/** The ranking rows of `people` (the final ranking at close; the live order before). */
export function rows(people: PersonRecord[], contest: ContestRecord, participants: number, final: boolean): FinalRow[] {
  const entries = people.map((p) => ({ ...p.best!, personKey: p.phone, person: p }));
  const rule = final ? { mode: 'final' as const, participants: contest.prediction ? participants : null } : { mode: 'live' as const };
  return rankPeople(entries, rule).map((r) => ({
    rank: r.rank,
    phone: r.person.phone,
    fullName: r.person.fullName,
    unitId: r.person.unitId ?? '',
    village: r.person.village ?? null,
    correctCount: r.correctCount,
    prediction: r.prediction ?? null,
    predictionError: r.predictionError,
    durationMs: r.durationMs,
    submittedAt: r.submittedAt,
    attempts: r.person.scoredAttempts,
  }));
}

export function standingsUseCases(deps: StandingsDeps) {
  const { contests, units, standings, attempts, now } = deps;

  const unitNames = async () => new Map((await units.list()).map((u) => [u.id, u]));

  async function staffContest(contestId: string) {
    const contest = await contests.get(contestId, true);
    if (!contest) throw new NotFound('Contest', contestId);
    return contest;
  }

  /** The round a read names, or by default the open one, else the latest started (404 for an unknown id). */
  function pickRound(contest: ContestRecord, id: string | undefined): Round {
    if (id === undefined) return defaultRound(contest, now().getTime());
    const round = findRound(contest, id);
    if (!round) throw new NotFound('Round', id);
    return round;
  }

  async function unitRows(contest: ContestRecord, round?: Round) {
    const [whole, known] = await Promise.all([standings.aggregate(contest.id), unitNames()]);
    const agg = round ? roundAggregate(whole, round) : whole;
    const ranked = rankUnits(
      contest.unitIds.map((unitId) => {
        const unit = known.get(unitId);
        const tally = agg.units[unitId] ?? { participants: 0, sumBestCorrect: 0 };
        return { unitId, name: unit?.name ?? unitId, memberCount: unit?.memberCount ?? 0, ...tally };
      }),
    );
    return { agg, whole, ranked };
  }

  /** A ranking not final yet, ranked in memory from the people partitions (the exports rank it in steps). */
  async function liveRanking(contest: ContestRecord, round: Round): Promise<{ participants: number; list: FinalRow[] }> {
    // Read strongly consistent, so the count of scored people is exact (the counters lag a second).
    const people = await standings.allScored(contest.id, storedRound(round));
    // Once the round's window is over, the full rule (prediction included) previews the final ranking.
    return { participants: people.length, list: rows(people, contest, people.length, ranksAsFinal(contest, round, now().getTime())) };
  }
  return {
    async publicList() {
      const [all, known] = await Promise.all([contests.list(), unitNames()]);
      const shown = all.filter((c) => c.status !== 'draft');
      const list = await Promise.all(shown.map((c) => this.publicView(c, known)));
      return list.sort((a, b) => b.startsAt.localeCompare(a.startsAt));
    },

    /** `known` units may be passed in when several contests are shown at once: one units read for all. */
    async publicView(contest: ContestRecord, known?: Map<string, Unit>) {
      const [agg, units] = await Promise.all([standings.aggregate(contest.id), known ?? unitNames()]);
      const t = now();
      const phase = contestPhase(contest, t.getTime());
      return {
        id: contest.id,
        title: contest.title,
        ...(contest.description ? { description: contest.description } : {}),
        ...(contest.rules ? { rules: contest.rules } : {}),
        startsAt: contest.startsAt,
        endsAt: contest.endsAt,
        status: contest.status as 'published' | 'closed',
        phase: phase as 'scheduled' | 'open' | 'ended' | 'closed',
        questionsPerAttempt: contest.questionsPerAttempt,
        timeLimitSec: contest.timeLimitSec,
        maxAttempts: contest.maxAttempts,
        units: contest.unitIds.map((id) => ({ id, name: units.get(id)?.name ?? id })),
        villages: contest.villages,
        prediction: contest.prediction,
        showAnswers: contest.showAnswers,
        participants: agg.participants,
        rounds: roundViews(contest, t.getTime()),
        hasRounds: hasExplicitRounds(contest),
        currentRound: currentRound(contest, t.getTime())?.id ?? null,
        nextRoundStartsAt: nextRoundStartsAt(contest, t.getTime()),
        serverNow: t.toISOString(),
        ...(contest.status === 'closed' && contest.closedAt ? { closedAt: contest.closedAt } : {}),
        startProofBits: deps.startProofBits ?? 0,
      };
    },

    async leaderboard(contestId: string, limit = 10, roundId?: string) {
      const contest = await attempts.publicContest(contestId);
      const round = pickRound(contest, roundId);
      const final = roundIsFinal(contest, round);
      const known = await unitNames();
      const top: FinalRow[] = final
        ? shownFinal(contest, await standings.readFinal(contest.id, limit + (contest.erasedPhones?.length ?? 0), storedRound(round))).slice(0, limit)
        : rows(await standings.liveTop(contest.id, limit, storedRound(round)), contest, 0, false);
      return {
        final,
        roundId: round.id,
        items: top.map((r) => ({
          rank: r.rank,
          fullName: r.fullName,
          phoneMasked: maskPhone(r.phone),
          unitId: r.unitId,
          unitName: known.get(r.unitId)?.name ?? r.unitId,
          village: r.village,
          correctCount: r.correctCount,
          durationMs: r.durationMs,
        })),
      };
    },

    async unitLeaderboard(contestId: string, roundId?: string) {
      const contest = await attempts.publicContest(contestId);
      const { ranked } = await unitRows(contest, roundId === undefined ? undefined : pickRound(contest, roundId));
      return {
        ...(roundId !== undefined ? { roundId } : {}),
        items: ranked.map((u) => ({
          rank: u.rank,
          unitId: u.unitId,
          name: u.name,
          memberCount: u.memberCount,
          participants: u.participants,
          participationRate: u.participationRate,
          averageCorrect: u.averageCorrect,
        })),
      };
    },

    async stats(contestId: string, roundId?: string) {
      const contest = await staffContest(contestId);
      const { agg, whole, ranked } = await unitRows(contest, roundId === undefined ? undefined : pickRound(contest, roundId));
      return {
        ...(roundId !== undefined ? { roundId } : {}),
        byRound: roundsOf(contest).map((r) => {
          const inRound = roundAggregate(whole, r);
          return { roundId: r.id, no: r.no, name: r.name, status: roundStatus(contest, r, now().getTime()), participants: inRound.participants, attempts: inRound.attempts };
        }),
        participants: agg.participants,
        attempts: agg.attempts,
        byUnit: ranked.map(({ unitId, name, memberCount, participants, sumBestCorrect }) => ({
          unitId,
          name,
          memberCount,
          participants,
          ...unitStanding({ memberCount, participants, sumBestCorrect }),
        })),
        byVillage: Object.entries(agg.villages)
          .map(([village, participants]) => ({ village, participants }))
          .sort((a, b) => b.participants - a.participants || a.village.localeCompare(b.village, 'vi')),
        byDay: Object.entries(agg.days)
          .map(([date, d]) => ({ date, participants: d.participants, attempts: d.attempts }))
          .sort((a, b) => a.date.localeCompare(b.date)),
        scoreHistogram: Object.entries(agg.histogram)
          .map(([correct, people]) => ({ correctCount: Number(correct), people }))
          .sort((a, b) => a.correctCount - b.correctCount),
      };
    },

    async results(contestId: string, roundId?: string) {
      const contest = await staffContest(contestId);
      const round = pickRound(contest, roundId);
      const final = roundIsFinal(contest, round);
      const known = await unitNames();
      let list: FinalRow[];
      let participants: number;
      if (final) {
        list = shownFinal(contest, await standings.readFinal(contest.id, undefined, storedRound(round)));
        participants = roundStateOf(contest, round).participants ?? list.length;
      } else {
        ({ participants, list } = await liveRanking(contest, round));
      }
      return {
        final,
        roundId: round.id,
        participants,
        items: list.map((r) => ({ ...r, unitName: known.get(r.unitId)?.name ?? r.unitId })),
      };
    },

    /**
     * One page of results (contract v2: `limit` up to 500, `cursor` the `next` of the page before).
     * A final ranking is read page by page from its FINAL# items; standings before that are ranked
     * in memory from the people partitions, as the live order always was.
     */
    async resultsPage(contestId: string, limit = 500, cursor?: string, roundId?: string) {
      const offset = cursor ? decodeCursor(cursor) : 0;
      const contest = await staffContest(contestId);
      const round = pickRound(contest, roundId);
      const final = roundIsFinal(contest, round);
      const known = await unitNames();
      let list: FinalRow[];
      let participants: number;
      let more: boolean;
      let next: number;
      if (final) {
        participants = roundStateOf(contest, round).participants ?? 0;
        const first = Math.floor(offset / FINAL_ROWS_PER_PAGE);
        const pages = await standings.finalPages(
          contest.id,
          first,
          Math.ceil((offset - first * FINAL_ROWS_PER_PAGE + limit + 1) / FINAL_ROWS_PER_PAGE),
          storedRound(round),
        );
        const rowsRead = pages.flat().slice(offset - first * FINAL_ROWS_PER_PAGE);
        more = rowsRead.length > limit;
        // The cursor counts stored rows; a row erased since the last rewrite is skipped, not shifted.
        next = offset + Math.min(limit, rowsRead.length);
        list = shownFinal(contest, rowsRead.slice(0, limit));
      } else {
        const live = await liveRanking(contest, round);
        participants = live.participants;
        const all = live.list;
        list = all.slice(offset, offset + limit);
        next = offset + list.length;
        more = all.length > offset + limit;
      }
      return {
        final,
        roundId: round.id,
        participants,
        ...(more ? { next: encodeCursor(next) } : {}),
        items: list.map((r) => ({ ...r, unitName: known.get(r.unitId)?.name ?? r.unitId })),
      };
    },

    /**
     * What an export of a ranking not yet final ranks (app/final-ranking.ts stage()): the round a
     * read names or the default one, by the rule GET results uses for it now.
     */
    async liveScope(contestId: string, roundId?: string) {
      const contest = await staffContest(contestId);
      const round = pickRound(contest, roundId);
      return { roundNo: storedRound(round), final: ranksAsFinal(contest, round, now().getTime()) };
    },
  };
}
