// The CSV writer (papaparse's unparse) against the parser the importer uses: whatever it writes reads back cell for cell.
import fc from 'fast-check';
import Papa from 'papaparse';
import { describe, expect, it } from 'vitest';
import { toCsv } from '../../../functions/adapters/export/csv.ts';

const read = (csv: string) => Papa.parse<string[]>(csv.replace(/^\uFEFF/, ''), { newline: '\r\n', skipEmptyLines: false }).data.slice(0, -1);

describe('toCsv', () => {
  it('writes a BOM, CRLF lines, and quotes only what needs it', () => {
    const csv = toCsv(['Họ và tên', 'Ghi chú'], [['Nguyễn Văn "An"', 'a,b'], ['Bình', 'dòng 1\r\ndòng 2'], [' lề ', null], [12, undefined]]);
    expect(csv.startsWith('\uFEFFHọ và tên,Ghi chú\r\n')).toBe(true);
    expect(csv).toContain('"Nguyễn Văn ""An""","a,b"\r\n');
    expect(csv).toContain('" lề ",\r\n12,\r\n');
    expect(csv.endsWith('\r\n')).toBe(true);
  });

  it('reads back identical through papaparse, for any text', () => {
    fc.assert(
      fc.property(fc.array(fc.array(fc.string({ unit: 'grapheme', maxLength: 12 }), { minLength: 2, maxLength: 2 }), { maxLength: 8 }), (rows) => {
        expect(read(toCsv(['a', 'b'], rows))).toEqual([['a', 'b'], ...rows]);
      }),
      { numRuns: 300 },
    );
  });
});
