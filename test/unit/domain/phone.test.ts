import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { maskPhone, normalizePhone } from '../../../functions/domain/phone.ts';

describe('normalizePhone', () => {
  it.each([
    ['0912345678', '0912345678'],
    ['+84 912 345 678', '0912345678'],
    ['+84912345678', '0912345678'],
    ['84912345678', '0912345678'],
    ['84 912 345 678', '0912345678'],
    ['0084 912 345 678', '0912345678'],
    ['+84 (0) 912 345 678', '0912345678'],
    ['0912.345.678', '0912345678'],
    ['0912-345-678', '0912345678'],
    ['0912 – 345 – 678', '0912345678'],
    ['(091) 234 5678', '0912345678'],
    ['(+84) 912-345-678', '0912345678'],
    ['  0912345678  ', '0912345678'],
    ['0912\u00a0345\u00a0678', '0912345678'],
    ['０９１２３４５６７８', '0912345678'],
    ['＋８４ ９１２ ３４５ ６７８', '0912345678'],
    ['912345678', '0912345678'],
    ['0362 123 456', '0362123456'],
    ['0523456789', '0523456789'],
    ['0701234567', '0701234567'],
    ['0812345678', '0812345678'],
    ['0987654321', '0987654321'],
  ])('%j -> %s', (input, expected) => {
    expect(normalizePhone(input)).toBe(expected);
  });

  it.each([
    ['', 'empty'],
    ['   ', 'blank'],
    ['091234567', 'too short'],
    ['09123456789', 'too long'],
    ['02438251234', 'Hà Nội landline'],
    ['0260 3862 123', 'Kon Tum landline'],
    ['+84 24 3825 1234', 'landline with country code'],
    ['0212345678', '10 digits but 02x landline range'],
    ['0112345678', '01x'],
    ['0412345678', '04x is not mobile'],
    ['0612345678', '06x is not mobile'],
    ['01662345678', 'retired 11-digit mobile'],
    ['+1 212 555 1234', 'foreign number'],
    ['+85 912 345 678', 'other country code'],
    ['0912 345 67a', 'letter'],
    ['O912345678', 'letter O for zero'],
    ['0912345678 ext 2', 'extension'],
    ['0912+345678', 'plus in the middle'],
    ['++84912345678', 'double plus'],
    ['00912345678', 'extra zero'],
  ])('%j is rejected (%s)', (input) => {
    expect(normalizePhone(input)).toBeNull();
  });

  it.each([[undefined], [null], [912345678], [{}]])('non-string %j is rejected', (input) => {
    expect(normalizePhone(input)).toBeNull();
  });

  it('every common spelling of a valid number collapses to the same canonical form', () => {
    const canonical = fc.tuple(fc.constantFrom('3', '5', '7', '8', '9'), fc.stringMatching(/^\d{8}$/)).map(([p, rest]) => `0${p}${rest}`);
    const separator = fc.constantFrom('', ' ', '.', '-', '\u00a0');
    fc.assert(
      fc.property(canonical, fc.constantFrom('0', '+84', '84', '+84 ', '0084'), separator, (phone, prefix, sep) => {
        const body = phone.slice(1);
        const spelled = `${prefix}${body.slice(0, 3)}${sep}${body.slice(3, 6)}${sep}${body.slice(6)}`;
        expect(normalizePhone(spelled)).toBe(phone);
        expect(normalizePhone(normalizePhone(spelled))).toBe(phone);
      }),
    );
  });

  it('the result is always null or 10 digits in a mobile range', () => {
    fc.assert(
      fc.property(fc.string({ unit: fc.constantFrom(...'0123456789 +.-()84'.split('')), maxLength: 20 }), (input) => {
        const out = normalizePhone(input);
        expect(out === null || /^0[35789]\d{8}$/.test(out)).toBe(true);
      }),
    );
  });
});

describe('maskPhone', () => {
  it('keeps the first four and last three digits', () => {
    expect(maskPhone('0912345678')).toBe('0912***678');
  });

  it('never shows the middle digits', () => {
    fc.assert(
      fc.property(fc.stringMatching(/^0[35789]\d{8}$/), (phone) => {
        const masked = maskPhone(phone);
        expect(masked).toHaveLength(10);
        expect(masked.slice(4, 7)).toBe('***');
      }),
    );
  });

  it('masks odd short input completely', () => {
    expect(maskPhone('12345')).toBe('*****');
  });
});
