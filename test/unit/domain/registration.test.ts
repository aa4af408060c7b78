import { describe, expect, it } from 'vitest';
import { ValidationFailed } from '../../../functions/domain/errors.ts';
import { checkRegistration } from '../../../functions/domain/registration.ts';
import { makeContest } from '../../factories/domain.ts';

const now = '2024-06-10T00:00:00.000Z';
const contest = makeContest({ unitIds: ['u1', 'u2'], villages: ['Thôn Kon Rế', 'Thôn 2'] });
const form = { fullName: ' Y  Blong ', phone: '+84 912 345 678', unitId: 'u1', village: 'thôn  kon rế', birthYear: 1985, consent: true };

function issuesOf(fn: () => unknown): string[] {
  try {
    fn();
  } catch (e) {
    if (e instanceof ValidationFailed) return e.details.map((d) => d.field);
    throw e;
  }
  return [];
}

describe('checkRegistration', () => {
  it('normalises the form', () => {
    expect(checkRegistration(form, contest, now)).toEqual({
      fullName: 'Y Blong',
      phone: '0912345678',
      unitId: 'u1',
      village: 'Thôn Kon Rế',
      birthYear: 1985,
    });
  });

  it('leaves optional fields empty', () => {
    expect(checkRegistration({ ...form, village: '  ', birthYear: null }, contest, now)).toMatchObject({ village: null, birthYear: null });
  });

  it('takes free-text villages when the contest lists none', () => {
    expect(checkRegistration({ ...form, village: ' Làng  Mới ' }, makeContest({ unitIds: ['u1'], villages: [] }), now).village).toBe('Làng Mới');
  });

  it('lists every bad field at once', () => {
    const bad = { fullName: 'A', phone: '024 3825 1234', unitId: 'u9', village: 'Thôn 9', birthYear: 2030, consent: false };
    expect(issuesOf(() => checkRegistration(bad, contest, now))).toEqual(['fullName', 'phone', 'unitId', 'village', 'birthYear', 'consent']);
  });
});
