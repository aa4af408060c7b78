import { describe, expect, it } from 'vitest';
import { cleanCell, columnLetter, formatCount } from '../../../functions/adapters/import/text.ts';
import { headerField } from '../../../functions/adapters/import/question-file.ts';

describe('cleanCell', () => {
  it('keeps surrogate pairs, drops lone surrogates and controls', () => {
    expect(cleanCell('a\uD83D\uDE00b\uD800c\uDC00d\u0000\u007F\u0085e', false)).toBe('a😀bcde');
  });
  it('single-line flattens every whitespace run; multiline keeps at most one blank line', () => {
    expect(cleanCell(' x \r\n\t y\u2028z ', false)).toBe('x y z');
    expect(cleanCell(' x  \r\n\r\n\r\n\r\n  y \n', true)).toBe('x\n\ny');
  });
  it('normalises to NFC', () => {
    expect(cleanCell('Tie\u0302\u0301ng Vie\u0323\u0302t', false)).toBe('Tiếng Việt');
  });
});

describe('helpers', () => {
  it('formats counts and column letters', () => {
    expect(formatCount(1234567)).toBe('1.234.567');
    expect([0, 25, 26, 701, 702].map(columnLetter)).toEqual(['A', 'Z', 'AA', 'ZZ', 'AAA']);
  });
  it('headerField recognises the documented names and rejects others', () => {
    expect(headerField('Đáp án đúng')).toBe('correct');
    expect(headerField('ĐÁP ÁN ĐÚNG')).toBe('correct');
    expect(headerField('Đáp án (A)')).toBe('A');
    expect(headerField('Option F')).toBe('F');
    expect(headerField('Giải thích')).toBe('explanation');
    expect(headerField('Chu de')).toBe('topic');
    expect(headerField('G')).toBeUndefined();
    expect(headerField('STT')).toBeUndefined();
  });
});
