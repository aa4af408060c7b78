// Contest start and end are edited in Vietnam time whatever the computer's time zone.
// Asia/Ho_Chi_Minh is UTC+7 all year (no daylight saving since 1975), so a fixed offset is exact.
const OFFSET_MS = 7 * 3_600_000;
export const VN_OFFSET = '+07:00';

const pad = (n: number) => String(n).padStart(2, '0');

/** ISO instant -> the `YYYY-MM-DDTHH:mm` a datetime-local input shows, in Vietnam time. */
export function toVietnamInput(iso: string): string {
  const ms = Date.parse(iso);
  if (Number.isNaN(ms)) return '';
  const d = new Date(ms + OFFSET_MS);
  return `${d.getUTCFullYear()}-${pad(d.getUTCMonth() + 1)}-${pad(d.getUTCDate())}T${pad(d.getUTCHours())}:${pad(d.getUTCMinutes())}`;
}

/** `YYYY-MM-DDTHH:mm[:ss]` read as Vietnam time -> ISO 8601 with the +07:00 offset, or undefined. */
export function fromVietnamInput(value: string): string | undefined {
  const m = /^(\d{4})-(\d{2})-(\d{2})T(\d{2}):(\d{2})(?::(\d{2}))?$/.exec(value.trim());
  if (!m) return undefined;
  const [, y, mo, d, h, mi, s] = m;
  const iso = `${y}-${mo}-${d}T${h}:${mi}:${s ?? '00'}${VN_OFFSET}`;
  const ms = Date.parse(iso);
  // Reject 31/02 and the like: the instant must read back as the same wall-clock time.
  if (Number.isNaN(ms) || toVietnamInput(new Date(ms).toISOString()) !== `${y}-${mo}-${d}T${h}:${mi}`) return undefined;
  return iso;
}

/** The Vietnam calendar date of an instant, `YYYY-MM-DD`. */
export const vietnamDate = (ms: number): string => toVietnamInput(new Date(ms).toISOString()).slice(0, 10);

/** The next whole hour plus `days`, in Vietnam time, as a datetime-local value. */
export function vietnamHourFrom(nowMs: number, days = 0): string {
  const next = Math.ceil((nowMs + 1) / 3_600_000) * 3_600_000 + days * 86_400_000;
  return toVietnamInput(new Date(next).toISOString());
}
