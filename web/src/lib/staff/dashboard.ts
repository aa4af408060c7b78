// Figures for the Fatherland Front dashboard, derived from GET .../stats (counts only).
import type { Stats, UnitStat } from './types.ts';

/** One dataset of a chart. */
export interface Series {
  label: string;
  data: number[];
  color: string;
  /** a line drawn over a bar chart */
  kind?: 'bar' | 'line';
}

/** Dark enough against white for the 3:1 that graphics need, and told apart without colour by the tables. */
export const PALETTE = ['#0b4f8a', '#b45309', '#1d6b2c', '#7c3aed', '#be123c', '#0e7490'] as const;

export interface DayRow {
  date: string;
  participants: number;
  attempts: number;
  /** participants so far, that day included */
  cumulative: number;
}

const DAY = 86_400_000;
const dayMs = (date: string) => Date.parse(date + 'T00:00:00Z');

/** Every calendar day from the first to the last with activity (quiet days as zeros), with running totals. */
export function fillDays(byDay: Stats['byDay'], maxDays = 370): DayRow[] {
  const known = new Map(byDay.map((d) => [d.date, d]));
  const dates = byDay.map((d) => d.date).filter((d) => !Number.isNaN(dayMs(d))).sort();
  if (dates.length === 0) return [];
  const first = dayMs(dates[0]!);
  const last = dayMs(dates[dates.length - 1]!);
  const out: DayRow[] = [];
  let cumulative = 0;
  // A bounded walk: a stray far-away date must not build a huge table.
  const days = Math.min(Math.round((last - first) / DAY), maxDays);
  for (let i = 0; i <= days; i++) {
    const date = new Date(first + i * DAY).toISOString().slice(0, 10);
    const d = known.get(date);
    cumulative += d?.participants ?? 0;
    out.push({ date, participants: d?.participants ?? 0, attempts: d?.attempts ?? 0, cumulative });
  }
  return out;
}

/** People per number of correct answers, 0..max, zeros included so the shape is honest. */
export function fillHistogram(hist: Stats['scoreHistogram'], max: number): { correctCount: number; people: number }[] {
  const top = Math.max(max, ...hist.map((h) => h.correctCount), 0);
  const by = new Map(hist.map((h) => [h.correctCount, h.people]));
  return Array.from({ length: top + 1 }, (_, n) => ({ correctCount: n, people: by.get(n) ?? 0 }));
}

export function totalMembers(units: readonly UnitStat[]): number {
  return units.reduce((n, u) => n + u.memberCount, 0);
}

export function overallRate(stats: Pick<Stats, 'participants' | 'byUnit'>): number {
  const members = totalMembers(stats.byUnit);
  return members > 0 ? stats.participants / members : 0;
}

export interface MatrixUnit {
  unitId: string;
  name: string;
}

/** Units (rows) x contests (columns) of participation rates; undefined where a unit was not in a contest. */
export function unitMatrix(columns: readonly { id: string; stats: Stats }[]): { units: MatrixUnit[]; rate: (unitId: string, contestId: string) => number | undefined } {
  const names = new Map<string, string>();
  const rates = new Map<string, number>();
  for (const c of columns) {
    for (const u of c.stats.byUnit) {
      if (!names.has(u.unitId)) names.set(u.unitId, u.name);
      rates.set(`${u.unitId}\u0000${c.id}`, u.participationRate);
    }
  }
  const units = [...names].map(([unitId, name]) => ({ unitId, name })).sort((a, b) => a.name.localeCompare(b.name, 'vi'));
  return { units, rate: (unitId, contestId) => rates.get(`${unitId}\u0000${contestId}`) };
}
