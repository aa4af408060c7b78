import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { toIso, toMs, vnDate, vnYear } from '../../../functions/domain/time.ts';

describe('vnDate', () => {
  it.each([
    ['2024-06-10T16:59:59.999Z', '2024-06-10'],
    ['2024-06-10T17:00:00.000Z', '2024-06-11'],
    ['2024-12-31T17:00:00.000Z', '2025-01-01'],
    ['2024-02-28T18:00:00.000Z', '2024-02-29'],
    ['2024-06-11T00:30:00+07:00', '2024-06-11'],
    [Date.UTC(2024, 0, 1, 0, 0), '2024-01-01'],
  ])('%s -> %s', (instant, date) => {
    expect(vnDate(instant)).toBe(date);
  });

  it('agrees with Intl for Asia/Ho_Chi_Minh', () => {
    const intl = new Intl.DateTimeFormat('en-CA', { timeZone: 'Asia/Ho_Chi_Minh', year: 'numeric', month: '2-digit', day: '2-digit' });
    fc.assert(
      fc.property(fc.integer({ min: Date.UTC(1980, 0, 1), max: Date.UTC(2100, 0, 1) }), (ms) => {
        expect(vnDate(ms)).toBe(intl.format(ms));
      }),
    );
  });

  it('gives the Vietnamese year', () => {
    expect(vnYear('2024-12-31T16:59:59.999Z')).toBe(2024);
    expect(vnYear('2024-12-31T17:00:00.000Z')).toBe(2025);
  });
});

describe('toMs / toIso', () => {
  it('accepts both forms and gives the canonical ISO string', () => {
    expect(toMs('2024-06-10T00:00:00Z')).toBe(Date.UTC(2024, 5, 10));
    expect(toIso('2024-06-10T07:00:00+07:00')).toBe('2024-06-10T00:00:00.000Z');
  });

  it.each([['not a date'], [Number.NaN], [Number.POSITIVE_INFINITY]])('refuses %j', (bad) => {
    expect(() => toMs(bad)).toThrow(RangeError);
  });
});
