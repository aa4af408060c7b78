// Who gets a prize: the top N of the ranking, plus anyone tied with the N-th (same rank),
// and units in their server-side order with shared ranks for equal figures.
import type { ResultRow, UnitStat } from './types.ts';

export function topPeople(rows: readonly ResultRow[], n: number): ResultRow[] {
  const sorted = [...rows].sort((a, b) => a.rank - b.rank);
  if (n <= 0 || sorted.length === 0) return [];
  if (sorted.length <= n) return sorted;
  const cut = sorted[n - 1]!.rank;
  return sorted.filter((r) => r.rank <= cut);
}

/** Units by participation rate, then participants, then average correct; equal on all three share a rank. */
export function rankUnits(units: readonly UnitStat[]): { unit: UnitStat; rank: number }[] {
  const sorted = [...units].sort(
    (a, b) => b.participationRate - a.participationRate || b.participants - a.participants || b.averageCorrect - a.averageCorrect,
  );
  const out: { unit: UnitStat; rank: number }[] = [];
  sorted.forEach((unit, i) => {
    const prev = sorted[i - 1];
    const tied = prev && prev.participationRate === unit.participationRate && prev.participants === unit.participants && prev.averageCorrect === unit.averageCorrect;
    out.push({ unit, rank: tied ? out[i - 1]!.rank : i + 1 });
  });
  return out;
}

/**
 * The date line of a Vietnamese administrative document (Decree 30/2020/NĐ-CP, appendix I): the
 * place, then "ngày … tháng … năm …" in Vietnam's calendar, days below 10 and the months January
 * and February written with a leading zero.
 */
export function documentDate(instant: string | number | Date, tz = 'Asia/Ho_Chi_Minh'): { d: string; m: string; y: string } {
  const parts = new Intl.DateTimeFormat('en-GB', { timeZone: tz, day: 'numeric', month: 'numeric', year: 'numeric' }).formatToParts(new Date(instant));
  const get = (type: string) => Number(parts.find((p) => p.type === type)!.value);
  const day = get('day');
  const month = get('month');
  return { d: day < 10 ? `0${day}` : String(day), m: month < 3 ? `0${month}` : String(month), y: String(get('year')) };
}

/** One award certificate per winner, in ranking order, from whatever ranking rows are given (a contest's, or a round's). */
export interface AwardEntry {
  rank: number;
  fullName: string;
  unitName: string;
  village: string | null;
  correctCount: number;
}
export function certificates<T extends AwardEntry>(rows: readonly T[]): T[] {
  return [...rows].sort((a, b) => a.rank - b.rank);
}
