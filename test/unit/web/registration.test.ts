import { describe, expect, it } from 'vitest';
import { normalizePhone as serverNormalizePhone } from '../../../functions/domain/phone.ts';
import { fieldErrorsFromDetails, normalizePhone, validateRegistration, type RegistrationValues } from '../../../web/src/lib/registration.ts';

describe('normalizePhone', () => {
  it.each([
    ['0912345678', '0912345678'],
    ['0912 345 678', '0912345678'],
    ['0912.345.678', '0912345678'],
    ['0912-345-678', '0912345678'],
    ['+84 912 345 678', '0912345678'],
    ['+84912345678', '0912345678'],
    ['84912345678', '0912345678'],
    ['0084 912 345 678', '0912345678'],
    ['(+84) 0912 345 678', '0912345678'],
    ['  0387.123.456 ', '0387123456'],
    ['912345678', '0912345678'],
    ['０９１２３４５６７８', '0912345678'],
  ])('%j -> %s', (input, want) => {
    expect(normalizePhone(input)).toBe(want);
  });

  it.each(['', '12345', '09123456', '09123456789', 'abc', '+1 415 555 0100', '0012345678', '0260 3861 234', '0112345678'])(
    'rejects %j',
    (input) => {
      expect(normalizePhone(input)).toBeNull();
    },
  );

  // The form must refuse exactly what the server refuses (one person = one number).
  it.each([
    '0912345678', '+84 912 345 678', '84912345678', '840912345678', '0084912345678', '(+84) 0912-345-678', '912345678',
    '0260 3861 234', '02603861234', '0112345678', '+1 415 555 0100', '12345', '', ' ', '0912 345 67', '09123456789',
    '０９１２３４５６７８', '0912\u00a0345\u00a0678', '0912–345–678', '8491234567', '+84 0 912 345 678',
  ])('agrees with the server on %j', (input) => {
    expect(normalizePhone(input)).toBe(serverNormalizePhone(input));
  });
});

const good: RegistrationValues = { fullName: ' A  Lâm ', phone: '0912.345.678', unitId: 'u1', village: 'Thôn 1', birthYear: '', consent: true };
const opts = { hasVillages: true, currentYear: 2024 };

describe('validateRegistration', () => {
  it('builds the request body with the normalised phone and tidy name', () => {
    expect(validateRegistration(good, opts)).toEqual({
      errors: {},
      body: { fullName: 'A Lâm', phone: '0912345678', unitId: 'u1', village: 'Thôn 1', consent: true },
    });
  });

  it('includes a birth year only when given', () => {
    expect(validateRegistration({ ...good, birthYear: '1985' }, opts).body?.birthYear).toBe(1985);
  });

  it('leaves out the village when the contest has none', () => {
    expect(validateRegistration({ ...good, village: '' }, { ...opts, hasVillages: false }).body).not.toHaveProperty('village');
  });

  it('reports each field problem', () => {
    const { errors, body } = validateRegistration(
      { fullName: ' ', phone: '12', unitId: '', village: '', birthYear: '19a5', consent: false },
      opts,
    );
    expect(body).toBeUndefined();
    expect(errors).toEqual({ fullName: 'required', phone: 'short', unitId: 'required', village: 'required', birthYear: 'invalid', consent: 'required' });
  });

  // Issue 16: "Số điện thoại chưa đúng" for a 9-digit number did not say what was wrong.
  it.each([
    ['091234567', 'short'],
    ['0912 345 67', 'short'],
    ['+84 91234567', 'short'],
    ['91234567', 'short'],
    ['09123456789', 'long'],
    ['+84 0912 345 6789', 'long'],
    ['0260 386 123', 'invalid'],
    ['0912abc678', 'invalid'],
    ['0912345678', undefined],
    ['912345678', undefined],
  ])('says what is wrong with the phone %j: %s', (phone, problem) => {
    expect(validateRegistration({ ...good, phone }, opts).errors.phone).toBe(problem);
  });

  it.each([['A'], ['x'.repeat(81)], ['1234']])('refuses the name %j like the server does', (fullName) => {
    expect(validateRegistration({ ...good, fullName }, opts).errors.fullName).toBe('invalid');
  });

  it('asks for a phone when empty and rejects years in the future', () => {
    const { errors } = validateRegistration({ ...good, phone: ' ', birthYear: '2031' }, opts);
    expect(errors).toEqual({ phone: 'required', birthYear: 'invalid' });
  });
});

describe('fieldErrorsFromDetails', () => {
  it.each([
    [['phone', 'unitId'], { phone: 'invalid', unitId: 'invalid' }],
    [[{ field: 'phone', message: 'bad' }], { phone: 'invalid' }],
    [[{ path: ['birthYear'], message: 'bad' }], { birthYear: 'invalid' }],
    [[{ path: 'body.fullName' }], { fullName: 'invalid' }],
    [[{ instancePath: '/village' }], { village: 'invalid' }],
    [{ phone: 'bad', unknown: 'x' }, { phone: 'invalid' }],
    [{ fieldErrors: { consent: ['required'] } }, { consent: 'invalid' }],
    [{ fields: [{ field: 'phone' }] }, { phone: 'invalid' }],
    [undefined, {}],
    ['phone is wrong', {}],
  ])('%j', (details, want) => {
    expect(fieldErrorsFromDetails(details)).toEqual(want);
  });
});
