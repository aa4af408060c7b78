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
