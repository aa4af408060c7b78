import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { cleanText, NAME_MAX, normalizeName } from '../../../functions/domain/names.ts';

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
