// The contest editor's rounds (docs/rounds.md): rows in Vietnam wall-clock time <-> the contract's
// `rounds` (ISO instants with offset; null for no rounds), and the "weekly rounds" helper.
import { fromVietnamInput, toVietnamInput } from './time.ts';
import type { AdminContest, ContestFields, FieldIssue } from './types.ts';

export interface RoundRow {
  name: string;
  /** datetime-local values, Vietnam time */
  startsAt: string;
  endsAt: string;
}

export const MAX_ROUNDS = 52;
const DAY_MS = 86_400_000;

/** The rows of a contest's own rounds; none for the implicit round of a contest without rounds. */
export function roundRowsOf(c: Pick<AdminContest, 'hasRounds' | 'rounds'>): RoundRow[] {
  return c.hasRounds ? c.rounds.map((r) => ({ name: r.name, startsAt: toVietnamInput(r.startsAt), endsAt: toVietnamInput(r.endsAt) })) : [];
}

export function roundsBody(rows: readonly RoundRow[]): NonNullable<ContestFields['rounds']> | null {
  if (rows.length === 0) return null;
  return rows.map((r) => ({ name: r.name.trim(), startsAt: fromVietnamInput(r.startsAt) ?? r.startsAt, endsAt: fromVietnamInput(r.endsAt) ?? r.endsAt }));
}

/** Same rounds, whatever the offset the instants are written with. */
export function sameRounds(a: ContestFields['rounds'], b: ContestFields['rounds']): boolean {
  const norm = (rs: ContestFields['rounds']) => (rs ?? []).map((r) => [r.name.trim(), Date.parse(r.startsAt), Date.parse(r.endsAt)]);
  return JSON.stringify(norm(a)) === JSON.stringify(norm(b));
}

/** The contest's rounds as the contract's body, to compare a form with. */
export const storedRounds = (c: Pick<AdminContest, 'hasRounds' | 'rounds'>): ContestFields['rounds'] =>
  c.hasRounds ? c.rounds.map(({ name, startsAt, endsAt }) => ({ name, startsAt, endsAt })) : null;

/** The server's rules (functions/domain/rounds.ts), for quick feedback: fields `rounds.<i>.<name>`. */
export function roundRowIssues(rows: readonly RoundRow[], contestStartsAt: string | undefined, contestEndsAt: string | undefined): FieldIssue[] {
  const issues: FieldIssue[] = [];
  if (rows.length > MAX_ROUNDS) issues.push({ field: 'rounds', message: 'count' });
  const start = contestStartsAt ? Date.parse(contestStartsAt) : Number.NaN;
  const end = contestEndsAt ? Date.parse(contestEndsAt) : Number.NaN;
  let previousEnd = Number.NEGATIVE_INFINITY;
  rows.forEach((r, i) => {
    if (r.name.trim().length === 0 || r.name.trim().length > 120) issues.push({ field: `rounds.${i}.name`, message: 'length' });
    const s = fromVietnamInput(r.startsAt);
    const e = fromVietnamInput(r.endsAt);
    if (!s) issues.push({ field: `rounds.${i}.startsAt`, message: 'date' });
    if (!e) issues.push({ field: `rounds.${i}.endsAt`, message: 'date' });
    if (!s || !e) return;
    const sm = Date.parse(s);
    const em = Date.parse(e);
    if (em <= sm) issues.push({ field: `rounds.${i}.endsAt`, message: 'order' });
    else if (sm < start || em > end) issues.push({ field: `rounds.${i}.startsAt`, message: 'outside' });
    else if (sm < previousEnd) issues.push({ field: `rounds.${i}.startsAt`, message: 'overlap' });
    previousEnd = Math.max(previousEnd, em);
  });
  return issues;
}

/**
 * The "weekly rounds" helper: `count` back-to-back rounds of 7 days from `startsAt` (a datetime-local
 * value, Vietnam time), named by `name`. Also returns the end of the last one, which the contest's
 * end must reach.
 */
export function weeklyRows(startsAt: string, count: number, name: (no: number) => string, days = 7): { rows: RoundRow[]; endsAt: string } | undefined {
  const start = fromVietnamInput(startsAt);
  if (!start || !Number.isInteger(count) || count < 1 || count > MAX_ROUNDS) return undefined;
  const t0 = Date.parse(start);
  const at = (ms: number) => toVietnamInput(new Date(ms).toISOString());
  const rows = Array.from({ length: count }, (_, i) => ({ name: name(i + 1), startsAt: at(t0 + i * days * DAY_MS), endsAt: at(t0 + (i + 1) * days * DAY_MS) }));
  return { rows, endsAt: rows[rows.length - 1]!.endsAt };
}
