// The contest editor's form: what the person types (Vietnam wall-clock times, minutes,
// one village a line) <-> the contract's body (ISO instants with offset, seconds, arrays).
import type { ShowAnswers } from '../api/types.ts';
import { linesOf } from './text.ts';
import { roundRowIssues, roundRowsOf, roundsBody, sameRounds, storedRounds, type RoundRow } from './rounds-form.ts';
import { fromVietnamInput, toVietnamInput, vietnamHourFrom } from './time.ts';
import type { AdminContest, ContestFields, FieldIssue } from './types.ts';

export interface ContestForm {
  title: string;
  description: string;
  rules: string;
  /** datetime-local values, Vietnam time */
  startsAt: string;
  endsAt: string;
  questionsPerAttempt: number;
  timeLimitMin: number;
  maxAttempts: number;
  unitIds: string[];
  villages: string;
  usePrediction: boolean;
  predictionPrompt: string;
  showAnswers: ShowAnswers;
  retentionDays: number;
  /** Draw from the shared library by topic quotas instead of the contest's own bank. */
  useLibrary: boolean;
  draw: { topic: string; count: number }[];
  /** Empty: no rounds (one implicit round equal to the window). */
  rounds: RoundRow[];
}

export const DEFAULT_RETENTION_DAYS = 365;

/** The contest bounds (functions/domain/contest.ts LIMITS), checked here too for quick feedback. */
export const FORM_LIMITS = {
  title: { min: 3, max: 200 },
  questionsPerAttempt: { min: 1, max: 200 },
  timeLimitMin: { min: 0.5, max: 240 },
  maxAttempts: { min: 1, max: 100 },
  predictionPrompt: { min: 3, max: 300 },
  retentionDays: { min: 1, max: 3_650 },
} as const;

/** Fields a published contest still accepts (the server's rule). */
export const PUBLISHED_EDITABLE: readonly (keyof ContestFields)[] = ['description', 'rules', 'endsAt', 'retentionDays', 'rounds'];
/** The retention period may change in every status, until the phone numbers are gone. */
export const ALWAYS_EDITABLE: readonly (keyof ContestFields)[] = ['retentionDays'];

/** What the person may still change in this contest. */
export function editableFields(c: Pick<AdminContest, 'status' | 'purgedAt'> | undefined): readonly (keyof ContestFields)[] | 'all' {
  if (!c || c.status === 'draft') return 'all';
  const fields = c.status === 'published' ? PUBLISHED_EDITABLE : ALWAYS_EDITABLE;
  return c.purgedAt ? fields.filter((f) => f !== 'retentionDays') : fields;
}

export function emptyForm(nowMs: number, unitIds: string[], defaultPrompt: string): ContestForm {
  return {
    title: '',
    description: '',
    rules: '',
    startsAt: vietnamHourFrom(nowMs, 1),
    endsAt: vietnamHourFrom(nowMs, 15),
    questionsPerAttempt: 20,
    timeLimitMin: 15,
    maxAttempts: 3,
    unitIds: [...unitIds],
    villages: '',
    usePrediction: false,
    predictionPrompt: defaultPrompt,
    showAnswers: 'after_close',
    retentionDays: DEFAULT_RETENTION_DAYS,
    useLibrary: false,
    draw: [],
    rounds: [],
  };
}

export function formFromContest(c: AdminContest, defaultPrompt: string): ContestForm {
  return {
    title: c.title,
    description: c.description ?? '',
    rules: c.rules ?? '',
    startsAt: toVietnamInput(c.startsAt),
    endsAt: toVietnamInput(c.endsAt),
    questionsPerAttempt: c.questionsPerAttempt,
    timeLimitMin: Math.round((c.timeLimitSec / 60) * 100) / 100,
    maxAttempts: c.maxAttempts,
    unitIds: [...c.unitIds],
    villages: c.villages.join('\n'),
    usePrediction: c.prediction !== null,
    predictionPrompt: c.prediction?.prompt ?? defaultPrompt,
    showAnswers: c.showAnswers,
    retentionDays: c.retentionDays ?? DEFAULT_RETENTION_DAYS,
    useLibrary: !!c.draw?.length,
    draw: (c.draw ?? []).map((q) => ({ ...q })),
    rounds: roundRowsOf(c),
  };
}

/** Problems of the topic quotas (field `draw`, message `topic`, `count` or `sum`). */
export function drawFormIssues(f: Pick<ContestForm, 'useLibrary' | 'draw' | 'questionsPerAttempt'>): FieldIssue[] {
  if (!f.useLibrary) return [];
  const topics = f.draw.map((q) => q.topic.trim());
  if (topics.length === 0 || topics.some((t) => !t) || new Set(topics).size !== topics.length) return [{ field: 'draw', message: 'topic' }];
  if (f.draw.some((q) => !Number.isInteger(q.count) || q.count < 1)) return [{ field: 'draw', message: 'count' }];
  if (f.draw.reduce((s, q) => s + q.count, 0) !== f.questionsPerAttempt) return [{ field: 'draw', message: 'sum' }];
  return [];
}

/** Problems the person can fix before sending; keys are the contract's field names. */
export function formIssues(f: ContestForm): FieldIssue[] {
  const issues: FieldIssue[] = [];
  const title = f.title.trim();
  if (title.length < FORM_LIMITS.title.min || title.length > FORM_LIMITS.title.max) issues.push({ field: 'title', message: 'length' });
  const starts = fromVietnamInput(f.startsAt);
  const ends = fromVietnamInput(f.endsAt);
  if (!starts) issues.push({ field: 'startsAt', message: 'date' });
  if (!ends) issues.push({ field: 'endsAt', message: 'date' });
  else if (starts && Date.parse(ends) <= Date.parse(starts)) issues.push({ field: 'endsAt', message: 'order' });
  const int = (field: string, v: number, min: number, max: number) => {
    if (!Number.isInteger(v) || v < min || v > max) issues.push({ field, message: 'range' });
  };
  int('questionsPerAttempt', f.questionsPerAttempt, FORM_LIMITS.questionsPerAttempt.min, FORM_LIMITS.questionsPerAttempt.max);
  int('maxAttempts', f.maxAttempts, FORM_LIMITS.maxAttempts.min, FORM_LIMITS.maxAttempts.max);
  if (!Number.isFinite(f.timeLimitMin) || f.timeLimitMin < FORM_LIMITS.timeLimitMin.min || f.timeLimitMin > FORM_LIMITS.timeLimitMin.max) {
    issues.push({ field: 'timeLimitSec', message: 'range' });
  }
  int('retentionDays', f.retentionDays, FORM_LIMITS.retentionDays.min, FORM_LIMITS.retentionDays.max);
  if (f.unitIds.length === 0) issues.push({ field: 'unitIds', message: 'required' });
  if (f.usePrediction) {
    const p = f.predictionPrompt.trim();
    if (p.length < FORM_LIMITS.predictionPrompt.min || p.length > FORM_LIMITS.predictionPrompt.max) issues.push({ field: 'prediction.prompt', message: 'length' });
  }
  issues.push(...drawFormIssues(f));
  issues.push(...roundRowIssues(f.rounds, starts, ends));
  return issues;
}

/** The full body for POST (call after formIssues() is empty). */
export function bodyFromForm(f: ContestForm): ContestFields {
  return {
    title: f.title.trim(),
    description: f.description.trim(),
    rules: f.rules.trim(),
    startsAt: fromVietnamInput(f.startsAt) ?? f.startsAt,
    endsAt: fromVietnamInput(f.endsAt) ?? f.endsAt,
    questionsPerAttempt: f.questionsPerAttempt,
    timeLimitSec: Math.round(f.timeLimitMin * 60),
    maxAttempts: f.maxAttempts,
    unitIds: [...f.unitIds],
    villages: linesOf(f.villages),
    prediction: f.usePrediction ? { prompt: f.predictionPrompt.trim() } : null,
    showAnswers: f.showAnswers,
    retentionDays: f.retentionDays,
    draw: f.useLibrary ? f.draw.map((q) => ({ topic: q.topic.trim(), count: q.count })) : null,
    rounds: roundsBody(f.rounds),
  };
}

const same = (a: unknown, b: unknown) => JSON.stringify(a) === JSON.stringify(b);
const sameInstant = (a: string, b: string) => Date.parse(a) === Date.parse(b);

/** Only what changed against the stored contest, limited to what its status lets change. */
export function patchFromForm(f: ContestForm, c: AdminContest): Partial<ContestFields> {
  const body = bodyFromForm(f);
  const editable = editableFields(c);
  const allowed = editable === 'all' ? (Object.keys(body) as (keyof ContestFields)[]) : editable;
  const patch: Partial<ContestFields> = {};
  for (const key of allowed) {
    const next = body[key];
    const prev =
      key === 'description' || key === 'rules'
        ? (c[key] ?? '')
        : key === 'retentionDays'
          ? (c.retentionDays ?? DEFAULT_RETENTION_DAYS)
          : key === 'draw'
            ? (c.draw ?? null)
            : c[key];
    const unchanged =
      key === 'startsAt' || key === 'endsAt'
        ? sameInstant(next as string, prev as string)
        : key === 'rounds'
          ? sameRounds(body.rounds, storedRounds(c))
          : same(next, prev);
    if (!unchanged) Object.assign(patch, { [key]: next });
  }
  return patch;
}

/** Server field names ("prediction.prompt", "villages.3", "unitIds.0") -> the form field they belong to. */
export function formFieldOf(field: string): string {
  if (field.startsWith('villages')) return 'villages';
  if (field.startsWith('unitIds')) return 'unitIds';
  if (field.startsWith('prediction')) return 'prediction.prompt';
  if (field.startsWith('draw')) return 'draw';
  if (field.startsWith('rounds')) return 'rounds';
  return field;
}
