// Instants travel as ISO strings in data and as epoch milliseconds in `now` arguments;
// every rule accepts either.
export type Instant = string | number;

/** Asia/Ho_Chi_Minh is UTC+7 all year (no DST since 1975), so a fixed offset is exact and needs no Intl. */
export const VN_OFFSET_MS = 7 * 60 * 60 * 1000;

export function toMs(instant: Instant): number {
  const ms = typeof instant === 'number' ? instant : Date.parse(instant);
  if (!Number.isFinite(ms)) throw new RangeError(`Not a valid instant: ${String(instant)}`);
  return ms;
}

/** Canonical ISO form (UTC, milliseconds, `Z`): strings in this form sort as time. */
export function toIso(instant: Instant): string {
  return new Date(toMs(instant)).toISOString();
}

/** Calendar date `YYYY-MM-DD` in Vietnam. */
export function vnDate(instant: Instant): string {
  return new Date(toMs(instant) + VN_OFFSET_MS).toISOString().slice(0, 10);
}

/** Calendar year in Vietnam. */
export function vnYear(instant: Instant): number {
  return new Date(toMs(instant) + VN_OFFSET_MS).getUTCFullYear();
}
