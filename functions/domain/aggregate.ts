// Contest statistics kept as counters, so storage can apply each scored attempt as
// atomic ADDs instead of re-reading every person. A person contributes to the counters
// through their current standing (unit, village, best correct count); the delta of a
// scored attempt is "contribution after - contribution before" plus the attempt itself,
// which keeps it exact even when a person's best or unit changes.
import { vnDate } from './time.ts';
import type { Instant } from './time.ts';

/** What a person contributes to the counters: their registration and best correct count. */
export interface PersonStanding {
  unitId: string;
  /** Absent villages are not counted by village (byVillage then sums to less than participants). */
  village?: string | null;
  bestCorrect: number;
}

export interface UnitTally {
  participants: number;
  sumBestCorrect: number;
}

export interface DayTally {
  /** Scored attempts on this Vietnamese calendar day. */
  attempts: number;
  /** People whose first scored attempt fell on this day. */
  participants: number;
}

/**
 * The counters, and also the shape of a delta to add to them. Maps are keyed by
 * unit id, village name, `YYYY-MM-DD` (Vietnam) and correct count.
 */
export interface ContestAggregate {
  participants: number;
  attempts: number;
  sumBestCorrect: number;
  /** correct count -> number of people whose best has that many correct. */
  histogram: Record<string, number>;
  units: Record<string, UnitTally>;
  villages: Record<string, number>;
  days: Record<string, DayTally>;
  /**
   * The same counters per explicit round (docs/rounds.md), keyed by round number; absent when
   * empty. The contest-wide counters above count each person once across all rounds.
   */
  rounds?: Record<string, ContestAggregate>;
}

// Maps are built with null prototypes: village names are free text ("constructor" is a valid key).
const map = <V>(): Record<string, V> => Object.create(null) as Record<string, V>;

export function emptyAggregate(): ContestAggregate {
  return { participants: 0, attempts: 0, sumBestCorrect: 0, histogram: map(), units: map(), villages: map(), days: map() };
}

function bump(counts: Record<string, number>, key: string, by: number): void {
  const value = (counts[key] ?? 0) + by;
  if (value === 0) delete counts[key];
  else counts[key] = value;
}

function bumpTally<K extends string>(tallies: Record<string, Record<K, number>>, key: string, by: Record<K, number>): void {
  const tally = { ...(tallies[key] ?? ({} as Record<K, number>)) };
  for (const field of Object.keys(by) as K[]) tally[field] = (tally[field] ?? 0) + by[field];
  if (Object.values<number>(tally).every((v) => v === 0)) delete tallies[key];
  else tallies[key] = tally;
}

function contribute(delta: ContestAggregate, person: PersonStanding, sign: 1 | -1): void {
  delta.participants += sign;
  delta.sumBestCorrect += sign * person.bestCorrect;
  bump(delta.histogram, String(person.bestCorrect), sign);
  bumpTally(delta.units, person.unitId, { participants: sign, sumBestCorrect: sign * person.bestCorrect });
  if (person.village) bump(delta.villages, person.village, sign);
}

/**
 * The exact change to the counters caused by one scored attempt. `before` is the person's
 * standing before it (null on their first scored attempt), `after` the standing with the
 * new best; `attemptAt` is when the attempt was scored (its submission). Zero entries are
 * left out, so every key in the result is one ADD for storage.
 */
export function aggregateDelta(before: PersonStanding | null, after: PersonStanding, attemptAt: Instant): ContestAggregate {
  const delta = emptyAggregate();
  if (before !== null) contribute(delta, before, -1);
  contribute(delta, after, 1);
  delta.attempts = 1;
  bumpTally(delta.days, vnDate(attemptAt), { attempts: 1, participants: before === null ? 1 : 0 });
  return delta;
}

/** The stored shape of a person, as far as the counters are concerned. */
export interface CountedPerson {
  unitId?: string;
  village?: string | null;
  best?: { correctCount: number };
  /** Submission of the attempt that first made this person a participant. */
  firstScoredAt?: string;
  // An explicit round's best and first score are `best_r<no>`, `firstScoredAt_r<no>` (keys.ts roundAttr).
}

/** The stored shape of an attempt, as far as the counters are concerned. */
export interface CountedAttempt {
  status?: string;
  outcome?: { submittedAt: string };
  roundNo?: number;
}

/** The explicit rounds a person has a best in: round number -> best correct count and first score. */
export function roundBests(person: CountedPerson): { no: number; correct: number; firstScoredAt?: string }[] {
  const out: { no: number; correct: number; firstScoredAt?: string }[] = [];
  const fields = person as Record<string, unknown>;
  for (const [name, value] of Object.entries(fields)) {
    const m = /^best_r(\d+)$/.exec(name);
    if (!m || typeof value !== 'object' || value === null) continue;
    const first = fields[`firstScoredAt_r${Number(m[1])}`];
    out.push({ no: Number(m[1]), correct: Number((value as { correctCount: number }).correctCount), ...(typeof first === 'string' ? { firstScoredAt: first } : {}) });
  }
  return out.sort((a, b) => a.no - b.no);
}

function roundMap(): Record<string, ContestAggregate> {
  return Object.create(null) as Record<string, ContestAggregate>;
}

/**
 * What one stored person adds to the counters: nothing until one of their attempts is scored, then
 * one participant under the unit and village of their latest scored attempt, their best correct
 * count, and one new participant on the day they first counted. The counters are the sum of this
 * over every stored person plus `attemptContribution` over every stored attempt, so the change an
 * item write makes is contribution(new) - contribution(old): exact for any write, erasure included.
 */
export function personContribution(person: CountedPerson | undefined): ContestAggregate {
  const out = emptyAggregate();
  if (!person || person.unitId === undefined) return out;
  const rounds = roundBests(person);
  if (!person.best && rounds.length === 0) return out;
  const village = person.village ?? null;
  // Across rounds a person is one participant, with their best correct count of any round.
  const bestCorrect = Math.max(person.best?.correctCount ?? 0, ...rounds.map((r) => r.correct));
  contribute(out, { unitId: person.unitId, village, bestCorrect }, 1);
  if (person.firstScoredAt) bumpTally(out.days, vnDate(person.firstScoredAt), { attempts: 0, participants: 1 });
  for (const r of rounds) {
    const inRound = emptyAggregate();
    contribute(inRound, { unitId: person.unitId, village, bestCorrect: r.correct }, 1);
    if (r.firstScoredAt) bumpTally(inRound.days, vnDate(r.firstScoredAt), { attempts: 0, participants: 1 });
    (out.rounds ??= roundMap())[String(r.no)] = inRound;
  }
  return out;
}

/** What one stored attempt adds: one attempt on the day it was scored, once it is. */
export function attemptContribution(attempt: CountedAttempt | undefined): ContestAggregate {
  const out = emptyAggregate();
  if (attempt?.status !== 'submitted' || !attempt.outcome) return out;
  out.attempts = 1;
  bumpTally(out.days, vnDate(attempt.outcome.submittedAt), { attempts: 1, participants: 0 });
  if (typeof attempt.roundNo === 'number') {
    const inRound = emptyAggregate();
    inRound.attempts = 1;
    bumpTally(inRound.days, vnDate(attempt.outcome.submittedAt), { attempts: 1, participants: 0 });
    out.rounds = Object.assign(roundMap(), { [String(attempt.roundNo)]: inRound });
  }
  return out;
}

/** `a - b`. */
export function subtractAggregates(a: ContestAggregate, b: ContestAggregate): ContestAggregate {
  const negated: ContestAggregate = {
    participants: -b.participants,
    attempts: -b.attempts,
    sumBestCorrect: -b.sumBestCorrect,
    histogram: map(),
    units: map(),
    villages: map(),
    days: map(),
  };
  for (const [k, v] of Object.entries(b.histogram)) negated.histogram[k] = -v;
  for (const [k, v] of Object.entries(b.units)) negated.units[k] = { participants: -v.participants, sumBestCorrect: -v.sumBestCorrect };
  for (const [k, v] of Object.entries(b.villages)) negated.villages[k] = -v;
  for (const [k, v] of Object.entries(b.days)) negated.days[k] = { attempts: -v.attempts, participants: -v.participants };
  if (b.rounds) {
    negated.rounds = roundMap();
    for (const [k, v] of Object.entries(b.rounds)) negated.rounds[k] = subtractAggregates(emptyAggregate(), v);
  }
  return addAggregates(a, negated);
}

/** Whether a delta changes nothing (storage then skips the write: an empty ADD is invalid). */
export function isEmptyDelta(delta: ContestAggregate): boolean {
  return (
    delta.participants === 0 &&
    delta.attempts === 0 &&
    delta.sumBestCorrect === 0 &&
    [delta.histogram, delta.units, delta.villages, delta.days].every((m) => Object.keys(m).length === 0) &&
    Object.values(delta.rounds ?? {}).every(isEmptyDelta)
  );
}

/** Adds a delta (or another shard's counters) to counters; returns new counters. */
export function addAggregates(a: ContestAggregate, b: ContestAggregate): ContestAggregate {
  const sum: ContestAggregate = {
    participants: a.participants + b.participants,
    attempts: a.attempts + b.attempts,
    sumBestCorrect: a.sumBestCorrect + b.sumBestCorrect,
    histogram: Object.assign(map<number>(), a.histogram),
    units: Object.assign(map<UnitTally>(), a.units),
    villages: Object.assign(map<number>(), a.villages),
    days: Object.assign(map<DayTally>(), a.days),
  };
  for (const [k, v] of Object.entries(b.histogram)) bump(sum.histogram, k, v);
  for (const [k, v] of Object.entries(b.units)) bumpTally(sum.units, k, v);
  for (const [k, v] of Object.entries(b.villages)) bump(sum.villages, k, v);
  for (const [k, v] of Object.entries(b.days)) bumpTally(sum.days, k, v);
  if (a.rounds || b.rounds) {
    const rounds = roundMap();
    for (const k of new Set([...Object.keys(a.rounds ?? {}), ...Object.keys(b.rounds ?? {})])) {
      const r = addAggregates(a.rounds?.[k] ?? emptyAggregate(), b.rounds?.[k] ?? emptyAggregate());
      if (!isEmptyDelta(r)) rounds[k] = r;
    }
    if (Object.keys(rounds).length > 0) sum.rounds = rounds;
  }
  return sum;
}
