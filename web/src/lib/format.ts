// Display formatting in the current locale; contest times always shown in Vietnam time.
import { i18n, t } from './i18n/index.svelte.ts';

export const TIME_ZONE = 'Asia/Ho_Chi_Minh';

const fmtCache = new Map<string, Intl.DateTimeFormat>();
function dateTimeFormat(tag: string): Intl.DateTimeFormat {
  let f = fmtCache.get(tag);
  if (!f) {
    f = new Intl.DateTimeFormat(tag, {
      timeZone: TIME_ZONE,
      hour: '2-digit',
      minute: '2-digit',
      day: '2-digit',
      month: '2-digit',
      year: 'numeric',
      hour12: false,
    });
    fmtCache.set(tag, f);
  }
  return f;
}

/** "08:00 15/03/2024" in Vietnam time, whatever the phone's time zone. */
export function formatDateTime(iso: string): string {
  const d = new Date(iso);
  if (Number.isNaN(d.getTime())) return iso;
  const parts = Object.fromEntries(dateTimeFormat(i18n.tag).formatToParts(d).map((p) => [p.type, p.value]));
  const hour = parts.hour === '24' ? '00' : parts.hour;
  return `${hour}:${parts.minute} ${parts.day}/${parts.month}/${parts.year}`;
}

/** 95_000 -> "1 phút 35 giây". */
export function formatDuration(ms: number): string {
  const total = Math.max(0, Math.round(ms / 1000));
  const m = Math.floor(total / 60);
  const s = total % 60;
  if (m > 0) return s > 0 ? t('time.minSec', { m, s }) : t('time.minutes', { n: m });
  return t('time.sec', { s });
}

/** Long waits in days and hours, shorter ones as a clock. */
export function formatWait(ms: number, clock: (ms: number) => string): string {
  const hours = Math.floor(ms / 3_600_000);
  if (hours >= 24) return t('time.dayHour', { d: Math.floor(hours / 24), h: hours % 24 });
  return clock(ms);
}

export function formatPercent(fraction: number): string {
  return new Intl.NumberFormat(i18n.tag, { style: 'percent', maximumFractionDigits: 1 }).format(fraction);
}

export function formatNumber(n: number, digits = 0): string {
  return new Intl.NumberFormat(i18n.tag, { maximumFractionDigits: digits }).format(n);
}
