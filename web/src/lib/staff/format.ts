// Staff-only formatting on top of lib/format.ts (which the participant entry already holds).
import { formatDateTime } from '../format.ts';
import { i18n } from '../i18n/index.svelte.ts';

export { formatDateTime, formatDuration, formatNumber, formatPercent } from '../format.ts';

/** "15/03/2024" for a Vietnam calendar date "2024-03-15". */
export function formatDay(date: string): string {
  const m = /^(\d{4})-(\d{2})-(\d{2})$/.exec(date);
  return m ? `${m[3]}/${m[2]}/${m[1]}` : date;
}

/** "08:05:09" in Vietnam time, for "updated at". */
export function formatClock(ms: number): string {
  return new Intl.DateTimeFormat(i18n.tag, { timeZone: 'Asia/Ho_Chi_Minh', hour: '2-digit', minute: '2-digit', second: '2-digit', hour12: false }).format(ms);
}

export const formatPeriod = (startsAt: string, endsAt: string) => [formatDateTime(startsAt), formatDateTime(endsAt)] as const;

/** participants / members, or 0 for a unit with no members on record. */
export const rate = (participants: number, members: number): number => (members > 0 ? participants / members : 0);
