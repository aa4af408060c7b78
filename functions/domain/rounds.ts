// Rounds (đợt thi): windows inside a contest, each with its own attempts, ranking and prediction.
// A contest without `rounds` has one implicit round equal to its window, finalised by the contest's
// own close as in v1. Every rule takes `now`; nothing here reads the clock.
import { ContestNotOpen } from './errors.ts';
import type { FieldIssue } from './errors.ts';
import { toIso, toMs } from './time.ts';
import type { Instant } from './time.ts';

export const MAX_ROUNDS = 52;
export const ROUND_NAME = { min: 1, max: 120 } as const;

/** What an organizer sets. */
export interface RoundInput {
  name: string;
  startsAt: string;
  endsAt: string;
}

export interface Round extends RoundInput {
  /** `r<no>`: rounds are locked once published, so their number is a stable id. */
  id: string;
  no: number;
  /** False for the implicit round of a contest without rounds (stored in the v1 layout). */
  explicit: boolean;
}

/** What happened to a round after publication, kept on the contest record (`roundState[no]`). */
export interface RoundState {
  /** Ended early by an organizer (or by the close of the contest). */
  closedAt?: string;
  /** The final ranking is written. */
  finalizedAt?: string;
  participants?: number;
  /** The job that finalises it (app/round-close-job.ts), once one was started. */
  closeJobId?: string;
}

export type RoundStatus = 'upcoming' | 'open' | 'ended' | 'final';

/** The contest fields the round rules read. */
export interface RoundedContest {
  title: string;
  status: 'draft' | 'published' | 'closing' | 'closed' | string;
  startsAt: string;
  endsAt: string;
  rounds?: RoundInput[] | null;
  roundState?: Record<string, RoundState>;
  closedAt?: string;
  finalizedAt?: string;
  finalParticipants?: number;
}

export const roundId = (no: number) => `r${no}`;

/** The round number of a round id, or undefined when it is not one. */
export function roundNoOf(id: string): number | undefined {
  const m = /^r([1-9]\d?)$/.exec(id);
  return m ? Number(m[1]) : undefined;
}

export function hasExplicitRounds(contest: Pick<RoundedContest, 'rounds'>): boolean {
  return Array.isArray(contest.rounds) && contest.rounds.length > 0;
}

export function roundsOf(contest: RoundedContest): Round[] {
  if (!hasExplicitRounds(contest)) {
    return [{ id: roundId(1), no: 1, name: contest.title, startsAt: contest.startsAt, endsAt: contest.endsAt, explicit: false }];
  }
  return contest.rounds!.map((r, i) => ({ id: roundId(i + 1), no: i + 1, name: r.name, startsAt: r.startsAt, endsAt: r.endsAt, explicit: true }));
}

export function findRound(contest: RoundedContest, id: string): Round | undefined {
  const no = roundNoOf(id);
  return no === undefined ? undefined : roundsOf(contest)[no - 1];
}

/** The implicit round's state is the contest's own. */
export function roundStateOf(contest: RoundedContest, round: Pick<Round, 'no' | 'explicit'>): RoundState {
  if (!round.explicit) {
    return {
      ...(contest.closedAt ? { closedAt: contest.closedAt } : {}),
      ...(contest.finalizedAt ? { finalizedAt: contest.finalizedAt } : {}),
      ...(contest.finalParticipants !== undefined ? { participants: contest.finalParticipants } : {}),
    };
  }
  return contest.roundState?.[String(round.no)] ?? {};
}

const closedAtOf = (contest: RoundedContest) => (contest.status === 'closed' || contest.status === 'closing' ? contest.closedAt : undefined);

/** When a round stops taking starts: its end, or earlier if it (or the contest) was closed early. */
export function roundEnd(contest: RoundedContest, round: Round): string {
  const cuts = [toMs(round.endsAt)];
  const state = roundStateOf(contest, round);
  if (state.closedAt) cuts.push(toMs(state.closedAt));
  const contestClosed = closedAtOf(contest);
  if (contestClosed) cuts.push(toMs(contestClosed));
  return toIso(Math.min(...cuts));
}

/** A round the close of its contest cut before it began: never held, final with no participants. */
export function neverHeld(contest: RoundedContest, round: Round): boolean {
  const closed = closedAtOf(contest);
  return closed !== undefined && toMs(closed) <= toMs(round.startsAt);
}

export function roundStatus(contest: RoundedContest, round: Round, now: Instant): RoundStatus {
  if (roundStateOf(contest, round).finalizedAt || neverHeld(contest, round)) return 'final';
  if (contest.status === 'draft') return 'upcoming';
  const t = toMs(now);
  if (t < toMs(round.startsAt)) return 'upcoming';
  return t < toMs(roundEnd(contest, round)) ? 'open' : 'ended';
}

/** The open round, or undefined. Rounds do not overlap, so at most one is open. */
export function currentRound(contest: RoundedContest, now: Instant): Round | undefined {
  if (contest.status !== 'published') return undefined;
  return roundsOf(contest).find((r) => roundStatus(contest, r, now) === 'open');
}

/** When the next round opens (the first upcoming one), while the contest still takes part. */
export function nextRoundStartsAt(contest: RoundedContest, now: Instant): string | null {
  if (contest.status !== 'published') return null;
  const t = toMs(now);
  const next = roundsOf(contest).find((r) => toMs(r.startsAt) > t);
  return next ? next.startsAt : null;
}

/**
 * The round a read means when it names none: the open one, else the latest that has started,
 * else the first.
 */
export function defaultRound(contest: RoundedContest, now: Instant): Round {
  const all = roundsOf(contest);
  const open = currentRound(contest, now);
  if (open) return open;
  const t = toMs(now);
  const started = all.filter((r) => toMs(r.startsAt) <= t);
  return started[started.length - 1] ?? all[0]!;
}

/**
 * The round a start now belongs to, or ContestNotOpen; between rounds (or before the first),
 * the error says when the next one opens.
 */
export function roundForStart(contest: RoundedContest, now: Instant): Round {
  const open = currentRound(contest, now);
  if (open) return open;
  const next = nextRoundStartsAt(contest, now);
  if (next !== null) {
    throw new ContestNotOpen(hasExplicitRounds(contest) ? 'The next round has not started yet' : 'The contest has not started yet', { nextRoundStartsAt: next });
  }
  throw new ContestNotOpen('The contest is not open');
}

/** Rounds whose window plus the grace has passed and whose final ranking is not written yet. */
export function roundsDue(contest: RoundedContest, now: Instant, graceMs: number): Round[] {
  if (!hasExplicitRounds(contest) || contest.status === 'draft') return [];
  const t = toMs(now);
  return roundsOf(contest).filter((r) => {
    const state = roundStateOf(contest, r);
    if (state.finalizedAt) return false;
    if (neverHeld(contest, r)) return false;
    return toMs(roundEnd(contest, r)) + graceMs <= t;
  });
}

/** The round an instant falls in (an attempt's start), by window only. */
export function roundAt(contest: RoundedContest, at: Instant): Round | undefined {
  const t = toMs(at);
  return roundsOf(contest).find((r) => toMs(r.startsAt) <= t && t < toMs(r.endsAt));
}

function textLength(issues: FieldIssue[], field: string, value: unknown, min: number, max: number): void {
  const length = typeof value === 'string' ? value.trim().length : -1;
  if (length < min || length > max) issues.push({ field, message: `from ${min} to ${max} characters` });
}

/** 1 to 52 rounds, each inside the contest window, in order, not overlapping (gaps allowed). */
export function roundIssues(rounds: readonly RoundInput[] | null | undefined, contestStartsAt: string, contestEndsAt: string): FieldIssue[] {
  if (rounds == null) return [];
  const issues: FieldIssue[] = [];
  if (rounds.length < 1 || rounds.length > MAX_ROUNDS) {
    issues.push({ field: 'rounds', message: `from 1 to ${MAX_ROUNDS} rounds` });
    return issues;
  }
  const start = Date.parse(contestStartsAt);
  const end = Date.parse(contestEndsAt);
  let previousEnd = Number.NEGATIVE_INFINITY;
  rounds.forEach((r, i) => {
    textLength(issues, `rounds.${i}.name`, r.name, ROUND_NAME.min, ROUND_NAME.max);
    const s = Date.parse(r.startsAt);
    const e = Date.parse(r.endsAt);
    if (Number.isNaN(s)) issues.push({ field: `rounds.${i}.startsAt`, message: 'an ISO 8601 date-time' });
    if (Number.isNaN(e)) issues.push({ field: `rounds.${i}.endsAt`, message: 'an ISO 8601 date-time' });
    if (Number.isNaN(s) || Number.isNaN(e)) return;
    if (e <= s) issues.push({ field: `rounds.${i}.endsAt`, message: 'must be after startsAt' });
    if (s < start) issues.push({ field: `rounds.${i}.startsAt`, message: 'before the contest starts' });
    if (e > end) issues.push({ field: `rounds.${i}.endsAt`, message: 'after the contest ends' });
    if (s < previousEnd) issues.push({ field: `rounds.${i}.startsAt`, message: 'overlaps the previous round (rounds go in order)' });
    previousEnd = Math.max(previousEnd, e);
  });
  return issues;
}

/**
 * What a PATCH of a published contest may do to its rounds: rename any round, move the end of
 * an unfinished round later, and add rounds after the last one. Nothing that would move an
 * attempt from one round to another or change a round that has a final ranking.
 */
export function roundPatchIssues(contest: RoundedContest, next: readonly RoundInput[] | null | undefined, now: Instant): FieldIssue[] {
  const before = hasExplicitRounds(contest) ? contest.rounds! : [];
  if (!next || next.length === 0) return before.length === 0 ? [] : [{ field: 'rounds', message: 'a published contest keeps its rounds' }];
  if (before.length === 0) return [{ field: 'rounds', message: 'a published contest without rounds cannot get rounds' }];
  const issues: FieldIssue[] = [];
  if (next.length < before.length) issues.push({ field: 'rounds', message: 'a published contest keeps its rounds' });
  const all = roundsOf(contest);
  const t = toMs(now);
  next.forEach((r, i) => {
    const old = before[i];
    if (!old) {
      if (toMs(r.startsAt) <= t) issues.push({ field: `rounds.${i}.startsAt`, message: 'a new round must start in the future' });
      return;
    }
    if (toMs(r.startsAt) !== toMs(old.startsAt)) issues.push({ field: `rounds.${i}.startsAt`, message: 'a published round keeps its start' });
    if (toMs(r.endsAt) !== toMs(old.endsAt)) {
      const status = roundStatus(contest, all[i]!, now);
      if (toMs(r.endsAt) < toMs(old.endsAt) || status === 'final' || status === 'ended') {
        issues.push({ field: `rounds.${i}.endsAt`, message: 'a published round can only end later, before it has ended' });
      }
    }
  });
  return issues;
}

/** Attempts left in a round, `maxAttempts` applying per person per round. */
export function roundAttemptsLeft(maxAttempts: number, usedInRound: number): number {
  return Math.max(0, maxAttempts - usedInRound);
}

/** N back-to-back rounds of `days` days from `startsAt` (the console's "weekly rounds" helper uses the same arithmetic). */
export function consecutiveRounds(startsAt: Instant, count: number, days: number, name: (no: number) => string): RoundInput[] {
  const start = toMs(startsAt);
  const span = days * 86_400_000;
  return Array.from({ length: count }, (_, i) => ({
    name: name(i + 1),
    startsAt: toIso(start + i * span),
    endsAt: toIso(start + (i + 1) * span),
  }));
}

export interface RoundView {
  id: string;
  no: number;
  name: string;
  startsAt: string;
  endsAt: string;
  status: RoundStatus;
}

/** The `rounds` every contest response carries. */
export function roundViews(contest: RoundedContest, now: Instant): RoundView[] {
  return roundsOf(contest).map((r) => ({ id: r.id, no: r.no, name: r.name, startsAt: r.startsAt, endsAt: r.endsAt, status: roundStatus(contest, r, now) }));
}
