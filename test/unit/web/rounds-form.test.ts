import { describe, expect, it } from 'vitest';
import { roundRowIssues, roundsBody, sameRounds, weeklyRows } from '../../../web/src/lib/staff/rounds-form.ts';

describe('the weekly rounds helper', () => {
  it('fills N rounds of 7 days from the contest start, in Vietnam time, and says where the contest must end', () => {
    const filled = weeklyRows('2025-03-03T08:00', 4, (n) => `Tuần ${n}`)!;
    expect(filled.rows.map((r) => [r.name, r.startsAt, r.endsAt])).toEqual([
      ['Tuần 1', '2025-03-03T08:00', '2025-03-10T08:00'],
      ['Tuần 2', '2025-03-10T08:00', '2025-03-17T08:00'],
      ['Tuần 3', '2025-03-17T08:00', '2025-03-24T08:00'],
      ['Tuần 4', '2025-03-24T08:00', '2025-03-31T08:00'],
    ]);
    expect(filled.endsAt).toBe('2025-03-31T08:00');
    expect(roundRowIssues(filled.rows, '2025-03-03T01:00:00.000Z', '2025-03-31T01:00:00.000Z')).toEqual([]);
  });
  it.each([0, 53, 1.5])('refuses %s weeks', (n) => {
    expect(weeklyRows('2025-03-03T08:00', n, String)).toBeUndefined();
  });
});

describe('round rows', () => {
  const rows = [
    { name: 'Tuần 1', startsAt: '2025-03-03T08:00', endsAt: '2025-03-10T08:00' },
    { name: 'Tuần 2', startsAt: '2025-03-09T08:00', endsAt: '2025-03-16T08:00' },
  ];
  it('reports overlaps, rounds outside the contest and missing names', () => {
    expect(roundRowIssues(rows, '2025-03-03T01:00:00.000Z', '2025-03-31T01:00:00.000Z')).toEqual([{ field: 'rounds.1.startsAt', message: 'overlap' }]);
    expect(roundRowIssues([{ ...rows[0]!, name: ' ' }], '2025-03-04T01:00:00.000Z', '2025-03-31T01:00:00.000Z').map((i) => i.message)).toEqual(['length', 'outside']);
  });
  it('sends Vietnam times with their offset, null for no rounds, and compares by instant', () => {
    expect(roundsBody([])).toBeNull();
    const body = roundsBody([rows[0]!])!;
    expect(body).toEqual([{ name: 'Tuần 1', startsAt: '2025-03-03T08:00:00+07:00', endsAt: '2025-03-10T08:00:00+07:00' }]);
    expect(sameRounds(body, [{ name: 'Tuần 1', startsAt: '2025-03-03T01:00:00.000Z', endsAt: '2025-03-10T01:00:00.000Z' }])).toBe(true);
    expect(sameRounds(body, null)).toBe(false);
  });
});
