// Ranking of people and of units. Comparators return < 0 when `a` ranks before `b`.
// `submittedAt` is always a server `toISOString()` value, so comparing the strings
// compares the instants (and matches the leaderboard index sort key in keys.ts).

export interface AttemptOutcome {
  correctCount: number;
  durationMs: number;
  submittedAt: string;
}

/** A person's counted (best) attempt. */
export interface PersonBest extends AttemptOutcome {
  /** Given in that same attempt: the prediction that counts is the best attempt's. */
  prediction?: number | null;
}

export interface RankEntry extends PersonBest {
  /** Unique per person in a contest (the normalised phone): makes the order total. */
  personKey: string;
}

export type RankRule =
  | { mode: 'live' }
  /** `participants: null` when the contest has no prediction question. */
  | { mode: 'final'; participants: number | null };

export type Ranked<T> = T & { rank: number; predictionError: number | null };

const byString = (a: string, b: string) => (a < b ? -1 : a > b ? 1 : 0);

/** Which of a person's attempts counts: most correct, then shorter, then submitted earlier. */
export function betterAttempt(a: AttemptOutcome, b: AttemptOutcome): number {
  return b.correctCount - a.correctCount || a.durationMs - b.durationMs || byString(a.submittedAt, b.submittedAt);
}

/** Whether a newly scored attempt replaces the current best (a full tie keeps the earlier one). */
export function replacesBest(candidate: AttemptOutcome, current: AttemptOutcome | null | undefined): boolean {
  return current == null || betterAttempt(candidate, current) < 0;
}

export function bestAttempt<T extends AttemptOutcome>(attempts: readonly T[]): T | undefined {
  return attempts.reduce<T | undefined>((best, a) => (replacesBest(a, best) ? a : best), undefined);
}

/** While the contest is open: correct desc, duration asc, submission asc. */
export function compareLive(a: RankEntry, b: RankEntry): number {
  return betterAttempt(a, b) || byString(a.personKey, b.personKey);
}

export function predictionError(prediction: number | null | undefined, participants: number): number | null {
  return prediction == null ? null : Math.abs(prediction - participants);
}

/** After closing: correct, then the prediction's distance from the real participant count, then as live. */
export function compareFinal(a: RankEntry, b: RankEntry, participants: number | null): number {
  const byCorrect = b.correctCount - a.correctCount;
  if (byCorrect !== 0 || participants === null) return byCorrect || compareLive(a, b);
  const ea = predictionError(a.prediction, participants);
  const eb = predictionError(b.prediction, participants);
  // People who gave no prediction come after everyone who did.
  const byPrediction = ea === null ? (eb === null ? 0 : 1) : eb === null ? -1 : ea - eb;
  return byPrediction || compareLive(a, b);
}

/**
 * Ranks 1..n by position. The order is total, so there are no shared ranks: people equal
 * on every contest criterion are already ordered by submission time, and the person key
 * only separates identical timestamps. The live mode has no prediction error to report.
 */
export function rankPeople<T extends RankEntry>(entries: readonly T[], rule: RankRule): Ranked<T>[] {
  const participants = rule.mode === 'final' ? rule.participants : null;
  const compare = rule.mode === 'final' ? (a: T, b: T) => compareFinal(a, b, participants) : compareLive;
  return [...entries].sort(compare).map((entry, i) => ({
    ...entry,
    rank: i + 1,
    predictionError: participants === null ? null : predictionError(entry.prediction, participants),
  }));
}

// ---- units ----

export interface UnitCounters {
  memberCount: number;
  /** Distinct people of the unit with at least one scored attempt. */
  participants: number;
  /** Sum of those people's best correct counts. */
  sumBestCorrect: number;
}

/** Full precision: rounding is the presentation's job (0.35 is shown as 35 %). */
export interface UnitStanding {
  /** participants / memberCount; may exceed 1 when the member count is out of date; 0 when it is 0. */
  participationRate: number;
  /** Mean best correct count of the participants; 0 when there are none. */
  averageCorrect: number;
}

export interface UnitRow extends UnitCounters {
  unitId: string;
  name: string;
}

export function unitStanding({ memberCount, participants, sumBestCorrect }: UnitCounters): UnitStanding {
  return {
    participationRate: memberCount > 0 ? participants / memberCount : 0,
    averageCorrect: participants > 0 ? sumBestCorrect / participants : 0,
  };
}

const collator = new Intl.Collator('vi');

function compareStandings(a: UnitCounters & UnitStanding, b: UnitCounters & UnitStanding): number {
  return b.participationRate - a.participationRate || b.participants - a.participants || b.averageCorrect - a.averageCorrect;
}

/**
 * Participation rate desc, participants desc, average correct desc. Units equal on all three
 * share a rank (1, 2, 2, 4: a collective prize must not hinge on the alphabet); the name,
 * then the id, only fix the order they are listed in.
 */
export function rankUnits<T extends UnitRow>(units: readonly T[]): (T & UnitStanding & { rank: number })[] {
  const sorted = units
    .map((u) => ({ ...u, ...unitStanding(u) }))
    .sort((a, b) => compareStandings(a, b) || collator.compare(a.name, b.name) || byString(a.unitId, b.unitId));
  let rank = 0;
  return sorted.map((u, i) => {
    const previous = sorted[i - 1];
    if (previous === undefined || compareStandings(previous, u) !== 0) rank = i + 1;
    return { ...u, rank };
  });
}
