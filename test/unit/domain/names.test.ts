import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { cleanText, maskName, NAME_MAX, nameKey, normalizeName } from '../../../functions/domain/names.ts';

describe('normalizeName', () => {
  it.each([
    ['Nguyễn Văn A', 'Nguyễn Văn A'],
    ['  Nguyễn   Văn\tA  ', 'Nguyễn Văn A'],
    ['Nguye\u0302\u0303n Thi\u0323 B', 'Nguyễn Thị B'], // combining marks -> NFC
    ['A\u200bLăng', 'ALăng'],
    ['Y\u00a0Blong', 'Y Blong'],
    ['Đinh\nThị\r\nHoa', 'Đinh Thị Hoa'],
    ['A\u0000B', 'AB'],
    ['Bo', 'Bo'],
  ])('%j -> %j', (input, expected) => {
    expect(normalizeName(input)).toBe(expected);
  });

  it('is NFC: composed and decomposed spellings are the same name', () => {
    expect(normalizeName('Trần Thị Ngọc'.normalize('NFD'))).toBe(normalizeName('Trần Thị Ngọc'.normalize('NFC')));
  });

  it.each([
    ['', 'empty'],
    ['   ', 'blank'],
    ['A', 'one letter'],
    [' A\u200b ', 'one letter after cleaning'],
    ['12345', 'no letter'],
    ['--', 'no letter'],
    ['a'.repeat(NAME_MAX + 1), 'too long'],
  ])('%j is rejected (%s)', (input) => {
    expect(normalizeName(input)).toBeNull();
  });

  it('accepts exactly NAME_MAX characters, counted in code points', () => {
    expect(normalizeName('ễ'.repeat(NAME_MAX))).toHaveLength(NAME_MAX);
  });

  it('rejects non-strings', () => {
    expect(normalizeName(42)).toBeNull();
    expect(normalizeName(undefined)).toBeNull();
  });

  it('is idempotent and never leaves edge or double spaces', () => {
    fc.assert(
      fc.property(fc.string({ unit: 'grapheme', maxLength: 40 }), (input) => {
        const once = cleanText(input);
        expect(cleanText(once)).toBe(once);
        expect(once).not.toMatch(/^\s|\s$|\s\s/u);
        const name = normalizeName(input);
        if (name !== null) expect(normalizeName(name)).toBe(name);
      }),
    );
  });
});

describe('nameKey and maskName (issue 16: a shared family phone)', () => {
  it.each([
    ['Nguyễn Văn A', 'nguyen van a'],
    ['  NGUYỄN   văn a ', 'Nguyen Van A'],
    ['Đinh Thị Hoa', 'dinh thi hoa'],
    ['Nguye\u0302\u0303n Văn A', 'Nguyễn Văn A'],
  ])('%j and %j are one name', (a, b) => expect(nameKey(a)).toBe(nameKey(b)));

  it.each([
    ['Nguyễn Văn A', 'Nguyễn Thị A'],
    ['Lê Văn Hùng', 'Lê Văn Hải'],
  ])('%j and %j are two names', (a, b) => expect(nameKey(a)).not.toBe(nameKey(b)));

  it.each([
    ['Nguyễn Văn Hùng', 'N. V. H.'],
    ['đinh thị hoa', 'Đ. T. H.'],
    ['Y Lan', 'Y. L.'],
    [' (Bà) Năm ', 'B. N.'],
  ])('%j is shown as %j', (name, masked) => expect(maskName(name)).toBe(masked));
});
