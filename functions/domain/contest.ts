// Contest lifecycle and the attempt clock (field bounds: limits.ts). Every rule takes `now`.
import { ContestNotOpen, AttemptsExhausted, InvalidState, NotEnoughQuestions, ValidationFailed } from './errors.ts';
import type { FieldIssue } from './errors.ts';
import type { Answers } from './scoring.ts';
import { toIso, toMs, vnYear } from './time.ts';
import type { Instant } from './time.ts';
import { LIMITS } from './limits.ts';
import { drawIssues, topicShortages, type TopicQuota } from './library.ts';
import { roundIssues, roundPatchIssues, type RoundInput } from './rounds.ts';

export type ContestStatus = 'draft' | 'published' | 'closed';
/** What participants experience: a published contest is scheduled, open or ended depending on the clock. */
export type ContestPhase = 'draft' | 'scheduled' | 'open' | 'ended' | 'closed';
export type ShowAnswers = 'after_submit' | 'after_close' | 'never';

/**
 * Who issues the award certificates and the printed award list (the layout of Decree 30/2020/NĐ-CP):
 * the organizing body, its superior body above it, the place on the date line, and the signer.
 */
export interface ContestIssuer {
  body: string;
  parentBody?: string;
  place?: string;
  signerTitle: string;
  signerName: string;
}

/** The fields an organizer sets (POST /api/admin/contests). */
export interface ContestInput {
  title: string;
  description?: string;
  rules?: string;
  startsAt: string;
  endsAt: string;
  questionsPerAttempt: number;
  timeLimitSec: number;
  maxAttempts: number;
  unitIds: string[];
  villages?: string[];
  prediction?: { prompt: string } | null;
  showAnswers?: ShowAnswers;
  /** Days after the close that participants' phone numbers are kept (DEFAULT_RETENTION_DAYS when absent). */
  retentionDays?: number;
  /**
   * Topic quotas drawn from the shared library (contract v2); null or absent: the contest's own
   * bank, `questionsPerAttempt` at random (v1). Publishing copies the library's questions of these
   * topics into the contest's bank.
   */
  draw?: TopicQuota[] | null;
  /** The award certificates' issuer; null or absent: the certificates leave those lines blank. */
  issuer?: ContestIssuer | null;
  /** Rounds (docs/rounds.md); absent or null: one implicit round equal to the contest window. */
  rounds?: RoundInput[] | null;
}

export interface Contest extends ContestInput {
  id: string;
  status: ContestStatus;
}


/** A year: long enough to settle prize disputes and hand out the awards, short enough to matter. */
export const DEFAULT_RETENTION_DAYS = 365;

/**
 * When a closed contest's phone numbers are due for removal (closedAt + retentionDays), or
 * undefined while it is not closed.
 */
export function personalDataDueAt(contest: { closedAt?: string; retentionDays?: number }): string | undefined {
  if (!contest.closedAt) return undefined;
  return toIso(toMs(contest.closedAt) + (contest.retentionDays ?? DEFAULT_RETENTION_DAYS) * 86_400_000);
}

export const DEFAULT_SHOW_ANSWERS: ShowAnswers = 'after_close';

/** Network slack after an attempt's deadline during which the submitted answers still count. */
export const GRACE_MS = 30_000;

const ALL_FIELDS: readonly (keyof ContestInput)[] = [
  'title', 'description', 'rules', 'startsAt', 'endsAt', 'questionsPerAttempt', 'timeLimitSec',
  'maxAttempts', 'unitIds', 'villages', 'prediction', 'showAnswers', 'retentionDays', 'draw', 'issuer', 'rounds',
];
// Once people have taken part, only wording and a longer window may change: anything
// else would make earlier attempts incomparable with later ones.
// Rounds only as roundPatchIssues allows (renames, later ends, rounds added at the end).
const PUBLISHED_FIELDS: readonly (keyof ContestInput)[] = ['description', 'rules', 'endsAt', 'rounds'];
// Not contest rules: data protection, and who signs the awards (printed after the close), may
// change in every status.
const ALWAYS_EDITABLE: readonly (keyof ContestInput)[] = ['retentionDays', 'issuer'];

/** Fields a PATCH may change in this status (published: `endsAt` only to a later time). */
export function editableFields(status: ContestStatus): readonly (keyof ContestInput)[] {
  return status === 'draft' ? ALL_FIELDS : status === 'published' ? PUBLISHED_FIELDS : [];
}

export function contestPhase(contest: Pick<Contest, 'status' | 'startsAt' | 'endsAt'>, now: Instant): ContestPhase {
  if (contest.status !== 'published') return contest.status;
  const t = toMs(now);
  if (t < toMs(contest.startsAt)) return 'scheduled';
  return t < toMs(contest.endsAt) ? 'open' : 'ended';
}

export function canStartAttempt(contest: Pick<Contest, 'status' | 'startsAt' | 'endsAt'>, now: Instant): boolean {
  return contestPhase(contest, now) === 'open';
}

export function attemptsLeft(maxAttempts: number, attemptsUsed: number): number {
  return Math.max(0, maxAttempts - attemptsUsed);
}

/** Throws ContestNotOpen or AttemptsExhausted; attempts are consumed at start, so `attemptsUsed` counts started ones. */
export function assertCanStartAttempt(
  contest: Pick<Contest, 'status' | 'startsAt' | 'endsAt' | 'maxAttempts'>,
  now: Instant,
  attemptsUsed: number,
): void {
  const phase = contestPhase(contest, now);
  if (phase !== 'open') {
    throw new ContestNotOpen(phase === 'scheduled' ? 'The contest has not started yet' : 'The contest is not open');
  }
  if (attemptsLeft(contest.maxAttempts, attemptsUsed) === 0) throw new AttemptsExhausted(contest.maxAttempts);
}

/**
 * `topicCounts`: for a contest drawing from the library, the questions per topic it can draw
 * (its own bank's count is then not what matters).
 */
export function assertCanPublish(contest: Contest, bankSize: number, now: Instant, topicCounts?: ReadonlyMap<string, number>): void {
  if (contest.status !== 'draft') throw new InvalidState(`A ${contest.status} contest cannot be published`);
  if (contest.draw && contest.draw.length > 0) {
    const short = topicShortages(contest.draw, topicCounts ?? new Map());
    const available = [...(topicCounts ?? new Map()).values()].reduce((a, b) => a + b, 0);
    if (short.length > 0) throw new NotEnoughQuestions(contest.questionsPerAttempt, available, short);
  } else if (bankSize < contest.questionsPerAttempt) throw new NotEnoughQuestions(contest.questionsPerAttempt, bankSize);
  if (toMs(contest.endsAt) <= toMs(now)) throw new ValidationFailed([{ field: 'endsAt', message: 'already passed' }]);
}

/** An organizer may close a published contest at any time, also before `endsAt`. */
export function assertCanClose(contest: Pick<Contest, 'status'>): void {
  if (contest.status !== 'published') throw new InvalidState(`A ${contest.status} contest cannot be closed`);
}

function between(issues: FieldIssue[], field: string, value: number, min: number, max: number): void {
  if (!Number.isInteger(value) || value < min || value > max) {
    issues.push({ field, message: `an integer from ${min} to ${max}` });
  }
}

function textLength(issues: FieldIssue[], field: string, value: string | undefined, min: number, max: number): void {
  if (value === undefined) return;
  const length = value.trim().length;
  if (length < min || length > max) issues.push({ field, message: `from ${min} to ${max} characters` });
}

/** Every rule of a whole contest, cross-field ones included: run it on the merged result of a PATCH too. */
export function contestIssues(input: ContestInput): FieldIssue[] {
  const issues: FieldIssue[] = [];
  textLength(issues, 'title', input.title, LIMITS.title.min, LIMITS.title.max);
  textLength(issues, 'description', input.description, 0, LIMITS.description.max);
  textLength(issues, 'rules', input.rules, 0, LIMITS.rules.max);
  between(issues, 'questionsPerAttempt', input.questionsPerAttempt, LIMITS.questionsPerAttempt.min, LIMITS.questionsPerAttempt.max);
  between(issues, 'timeLimitSec', input.timeLimitSec, LIMITS.timeLimitSec.min, LIMITS.timeLimitSec.max);
  between(issues, 'maxAttempts', input.maxAttempts, LIMITS.maxAttempts.min, LIMITS.maxAttempts.max);
  if (input.retentionDays !== undefined) {
    between(issues, 'retentionDays', input.retentionDays, LIMITS.retentionDays.min, LIMITS.retentionDays.max);
  }

  const starts = Date.parse(input.startsAt);
  const ends = Date.parse(input.endsAt);
  if (Number.isNaN(starts)) issues.push({ field: 'startsAt', message: 'an ISO 8601 date-time' });
  if (Number.isNaN(ends)) issues.push({ field: 'endsAt', message: 'an ISO 8601 date-time' });
  else if (ends <= starts) issues.push({ field: 'endsAt', message: 'must be after startsAt' });

  const units = input.unitIds;
  if (units.length < LIMITS.unitIds.min || units.length > LIMITS.unitIds.max) {
    issues.push({ field: 'unitIds', message: `from ${LIMITS.unitIds.min} to ${LIMITS.unitIds.max} units` });
  } else if (new Set(units).size !== units.length) issues.push({ field: 'unitIds', message: 'duplicate unit' });

  const villages = input.villages ?? [];
  if (villages.length > LIMITS.villages.max) issues.push({ field: 'villages', message: `at most ${LIMITS.villages.max}` });
  villages.forEach((v, i) => textLength(issues, `villages.${i}`, v, LIMITS.villageName.min, LIMITS.villageName.max));
  if (new Set(villages.map((v) => v.trim().toLocaleLowerCase('vi'))).size !== villages.length) {
    issues.push({ field: 'villages', message: 'duplicate village' });
  }

  if (input.prediction) {
    const { min, max } = LIMITS.predictionPrompt;
    textLength(issues, 'prediction.prompt', input.prediction.prompt, min, max);
  }
  if (input.draw) issues.push(...drawIssues(input.draw, input.questionsPerAttempt));
  if (input.issuer) {
    const { min, max } = LIMITS.issuerText;
    for (const field of ['body', 'signerTitle', 'signerName'] as const) textLength(issues, `issuer.${field}`, input.issuer[field], min, max);
    for (const field of ['parentBody', 'place'] as const) textLength(issues, `issuer.${field}`, input.issuer[field], 0, max);
  }
  if (!Number.isNaN(starts) && !Number.isNaN(ends)) issues.push(...roundIssues(input.rounds, input.startsAt, input.endsAt));
  return issues;
}

const same = (a: unknown, b: unknown) => JSON.stringify(a) === JSON.stringify(b);

/**
 * The contest after a PATCH, or an error: InvalidState when the status forbids changing a
 * field, ValidationFailed when the result breaks a rule. Fields sent unchanged are accepted,
 * so a form can send everything it shows.
 */
export function applyContestPatch(contest: Contest, patch: Partial<ContestInput>, now: Instant = Date.now()): Contest {
  const editable = editableFields(contest.status);
  const changed = (Object.keys(patch) as (keyof ContestInput)[]).filter(
    (field) => patch[field] !== undefined && !same(patch[field], contest[field]),
  );
  const locked = changed.filter((field) => !editable.includes(field) && !ALWAYS_EDITABLE.includes(field));
  if (locked.length > 0) {
    throw new InvalidState(`A ${contest.status} contest cannot change ${locked.join(', ')}`, { fields: locked });
  }
  if (contest.status === 'published' && patch.endsAt !== undefined && toMs(patch.endsAt) < toMs(contest.endsAt)) {
    throw new ValidationFailed([{ field: 'endsAt', message: 'a published contest can only end later' }]);
  }
  if (contest.status === 'published' && changed.includes('rounds')) {
    const issues = roundPatchIssues(contest, patch.rounds, now);
    if (issues.length > 0) throw new ValidationFailed(issues);
  }
  const next: Contest = { ...contest };
  for (const field of changed) Object.assign(next, { [field]: patch[field] });
  const issues = contestIssues(next);
  if (issues.length > 0) throw new ValidationFailed(issues);
  return next;
}

// ---- the attempt clock ----

/**
 * Deadline of an attempt: its time limit, cut at the contest's end so that no attempt
 * outlives the contest and the leaderboard settles when the window closes.
 */
export function attemptDeadline(startedAt: Instant, timeLimitSec: number, contestEndsAt: Instant): string {
  return toIso(Math.min(toMs(startedAt) + timeLimitSec * 1000, toMs(contestEndsAt)));
}

/**
 * Saves are taken until the deadline only: a save that arrives later could never count
 * (late submits use answers saved before the deadline), so it must not get a 2xx.
 */
export function canSaveAnswers(now: Instant, deadline: Instant): boolean {
  return toMs(now) <= toMs(deadline);
}

/** Late = after the deadline plus the grace: the submitted answers are then ignored. */
export function isLateSubmit(now: Instant, deadline: Instant): boolean {
  return toMs(now) > toMs(deadline) + GRACE_MS;
}

/** Duration as the product defines it: server submit time - server start time, never negative. */
export function durationMs(startedAt: Instant, submittedAt: Instant): number {
  return Math.max(0, toMs(submittedAt) - toMs(startedAt));
}

export interface SavedAnswer {
  optionIds: string[];
  savedAt: string;
}

/** Answers saved during an attempt, per question, each with the server time of its save. */
export type SavedAnswers = Record<string, SavedAnswer>;

/** A partial save replaces the answers of the questions it names and stamps them with `now`. */
export function mergeSavedAnswers(saved: SavedAnswers, answers: Answers, now: Instant): SavedAnswers {
  const savedAt = toIso(now);
  // fromEntries defines own properties: a "__proto__" key from JSON cannot reach a prototype.
  return Object.fromEntries([
    ...Object.entries(saved),
    ...Object.entries(answers).map(([questionId, optionIds]): [string, SavedAnswer] => [
      questionId,
      { optionIds: [...new Set(optionIds)], savedAt },
    ]),
  ]);
}

/**
 * The answers that are scored. Within the grace, the submitted ones, laid over the saved
 * ones so a client that only sends what it has not saved yet loses nothing. After the
 * grace, or when there is no submit (the contest closed on an abandoned attempt), only
 * what was saved by the deadline.
 */
export function answersThatCount(
  saved: SavedAnswers,
  submitted: Answers | null,
  now: Instant,
  deadline: Instant,
): Answers {
  const cutoff = toMs(deadline);
  const counted = Object.entries(saved)
    .filter(([, answer]) => toMs(answer.savedAt) <= cutoff)
    .map(([questionId, answer]) => [questionId, answer.optionIds] as const);
  const onTime = submitted !== null && !isLateSubmit(now, deadline);
  return Object.fromEntries(onTime ? [...counted, ...Object.entries(submitted)] : counted);
}

/**
 * Whether the answer key of a submitted attempt may be shown to its participant.
 * `after_submit` with several attempts lets people learn the key between attempts:
 * that is the organizer's call, which is why `after_close` is the default.
 */
export function reviewVisible(showAnswers: ShowAnswers | undefined, status: ContestStatus, attemptSubmitted: boolean): boolean {
  if (!attemptSubmitted) return false;
  const mode = showAnswers ?? DEFAULT_SHOW_ANSWERS;
  return mode === 'after_submit' || (mode === 'after_close' && status === 'closed');
}

export function isValidBirthYear(year: number, now: Instant): boolean {
  return Number.isInteger(year) && year >= LIMITS.birthYear.min && year <= vnYear(now);
}
