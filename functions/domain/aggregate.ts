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

/**
 * The exact opposite of everything one person's scored attempts added: adding it to the counters
 * removes the person as if they had never taken part (erasure on request). `standing` is their
 * current standing (null when none of their attempts was scored), `scoredAttempts` how many were
 * scored, `attemptTimes` the submission instant of each scored attempt found (one day count each)
 * and `firstScoredAt` the submission of the attempt that made them a participant (its day counted
 * them as a new participant). Zero entries are left out, as in aggregateDelta.
 */
export function removalDelta(
  standing: PersonStanding | null,
  scoredAttempts: number,
  attemptTimes: readonly Instant[],
  firstScoredAt: Instant | null,
): ContestAggregate {
  const delta = emptyAggregate();
  if (standing !== null) contribute(delta, standing, -1);
  delta.attempts = -scoredAttempts;
  for (const at of attemptTimes) bumpTally(delta.days, vnDate(at), { attempts: -1, participants: 0 });
  if (standing !== null && firstScoredAt !== null) bumpTally(delta.days, vnDate(firstScoredAt), { attempts: 0, participants: -1 });
  return delta;
}

/** Whether a delta changes nothing (storage then skips the write: an empty ADD is invalid). */
export function isEmptyDelta(delta: ContestAggregate): boolean {
  return (
    delta.participants === 0 &&
    delta.attempts === 0 &&
    delta.sumBestCorrect === 0 &&
    [delta.histogram, delta.units, delta.villages, delta.days].every((m) => Object.keys(m).length === 0)
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
  return sum;
}
