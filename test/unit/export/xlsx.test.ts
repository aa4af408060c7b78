// Our wrapper of exceljs's streaming writer, read back by exceljs's own (full) reader and by
// read-excel-file (the importer's reader); and the two exports built on it (question template,
// results) as a user opening them would see them.
import { PassThrough } from 'node:stream';
import ExcelJS from 'exceljs';
import fc from 'fast-check';
import { readSheet } from 'read-excel-file/node';
import { describe, expect, it, vi } from 'vitest';
import { resultsXlsx } from '../../../functions/adapters/export/results.ts';
import type { ResultRow } from '../../../functions/adapters/export/results.ts';
import { sheetNames, writeXlsx, writeXlsxTo } from '../../../functions/adapters/export/xlsx.ts';
import type { WriteCell, WriteWorkbook } from '../../../functions/adapters/export/xlsx.ts';
import { TEMPLATE_HEADERS, TEMPLATE_ROWS, questionTemplateXlsx } from '../../../functions/adapters/import/question-file.ts';
import { unzip } from '../import/helpers.ts';

async function excel(bytes: Uint8Array): Promise<ExcelJS.Workbook> {
  const wb = new ExcelJS.Workbook();
  await wb.xlsx.load(Buffer.from(bytes) as never);
  return wb;
}

/** exceljs row values without its leading hole at index 0, holes -> null. */
const values = (ws: ExcelJS.Worksheet, n: number): unknown[] => Array.from((ws.getRow(n).values as unknown[]).slice(1), (v) => v ?? null);

const utc = (...a: [number, number, number, number?, number?, number?]) => new Date(Date.UTC(a[0], a[1], a[2], a[3] ?? 0, a[4] ?? 0, a[5] ?? 0));

const LONG = 'Cổng Dịch vụ công quốc gia — dichvucong.gov.vn; '.repeat(700).slice(0, 32_000);

const ROWS: WriteCell[][] = [
  ['Họ và tên', 'Điểm', 'Đạt', 'Ngày', 'Ghi chú'],
  ['Nguyễn Thị Ánh Tuyết', 9.5, true, utc(2026, 10, 27), 'a < b & c > "d" \'e\''],
  ['Y Hương Niê', -3, false, utc(2026, 10, 27, 14, 5, 9), '  hai khoảng trắng  '],
  ['Ê Đê, M\'Nông', 0.1 + 0.2, null, undefined, 'dòng 1\ndòng 2\tcột'],
  [undefined, 1e21, '', 12345678901234, LONG],
];

describe('writeXlsx read back by exceljs', () => {
  it('strings, numbers, booleans, dates and empty cells keep their value and type', async () => {
    const wb = await excel(await writeXlsx({ sheets: [{ name: 'Kết quả', rows: ROWS }] }));
    const ws = wb.worksheets[0]!;
    expect(ws.name).toBe('Kết quả');
    expect(values(ws, 1)).toEqual(['Họ và tên', 'Điểm', 'Đạt', 'Ngày', 'Ghi chú']);
    expect(values(ws, 2)).toEqual(['Nguyễn Thị Ánh Tuyết', 9.5, true, utc(2026, 10, 27), 'a < b & c > "d" \'e\'']);
    expect(values(ws, 3)).toEqual(['Y Hương Niê', -3, false, utc(2026, 10, 27, 14, 5, 9), '  hai khoảng trắng  ']);
    expect(values(ws, 4)).toEqual(['Ê Đê, M\'Nông', 0.1 + 0.2, null, null, 'dòng 1\ndòng 2\tcột']);
    expect(values(ws, 5)).toEqual([null, 1e21, null, 12345678901234, LONG]);
    expect(ws.rowCount).toBe(5);
    expect(ws.getCell('D2').numFmt).toBe('dd/mm/yyyy');
    expect(ws.getCell('D3').numFmt).toBe('dd/mm/yyyy hh:mm:ss');
  });

  it('several sheets in order, widths, column style, bold header, frozen first row, properties', async () => {
    const book: WriteWorkbook = {
      creator: 'Cuộc thi tìm hiểu CCHC',
      title: 'Cuộc thi "Tìm hiểu" & <CCHC>',
      sheets: [
        {
          name: 'Câu hỏi',
          frozenRows: 1,
          headerFont: { bold: true },
          columns: [{ width: 50, wrapText: true, verticalTop: true }, { width: 14 }],
          rows: [
            ['Câu hỏi', 'Đáp án'],
            ['Một?', 'A'],
          ],
        },
        { name: 'Hướng dẫn', headerFont: { bold: true, size: 14 }, columns: [{ width: 120 }], rows: [['Tiêu đề'], ['Dòng']] },
      ],
    };
    const wb = await excel(await writeXlsx(book));
    expect(wb.creator).toBe('Cuộc thi tìm hiểu CCHC');
    expect(wb.title).toBe('Cuộc thi "Tìm hiểu" & <CCHC>');
    expect(wb.worksheets.map((w) => w.name)).toEqual(['Câu hỏi', 'Hướng dẫn']);
    const [q, g] = wb.worksheets as [ExcelJS.Worksheet, ExcelJS.Worksheet];
    expect(q.views[0]).toMatchObject({ state: 'frozen', ySplit: 1, topLeftCell: 'A2' });
    expect((g.views ?? [])[0]?.state).not.toBe('frozen');
    expect([q.getColumn(1).width, q.getColumn(2).width, g.getColumn(1).width]).toEqual([50, 14, 120]);
    expect(q.getCell('A1').font?.bold).toBe(true);
    expect(q.getCell('A2').font?.bold).toBeFalsy();
    expect(q.getCell('A1').alignment).toEqual({ wrapText: true, vertical: 'top' });
    expect(q.getCell('A2').alignment).toEqual({ wrapText: true, vertical: 'top' });
    expect(q.getCell('B2').alignment).toBeFalsy();
    // The column style covers cells typed in later too.
    expect(q.getColumn(1).alignment).toEqual({ wrapText: true, vertical: 'top' });
    expect(g.getCell('A1').font).toMatchObject({ bold: true, size: 14 });
    expect(g.getCell('A2').font?.bold).toBeFalsy();
  });

  it('sheet names follow Excel rules: forbidden characters replaced, 31 characters, unique', async () => {
    const rows = [['x']];
    const wb = await excel(
      await writeXlsx({ sheets: [{ name: 'Kết quả: 1/2 [a]*?', rows }, { name: 'Đ'.repeat(40), rows }, { name: 'kết quả  1 2  a', rows }, { name: "''", rows }] }),
    );
    const names = wb.worksheets.map((w) => w.name);
    expect(names[0]).toBe('Kết quả  1 2  a');
    expect(names[1]).toBe('Đ'.repeat(31));
    // Excel compares sheet names ignoring case.
    expect(names[2]).toBe('kết quả  1 2  a 2');
    expect(names[3]).toBe('Sheet4');
  });
});

/** What read-excel-file gives back for rows written from `rows`: dense rows, empty cells null, trailing empty rows and columns dropped. */
function denseExpected(rows: readonly (readonly WriteCell[])[]): unknown[][] {
  const norm = rows.map((r) => r.map((v) => (v === '' || v === undefined || v === null ? null : Object.is(v, -0) ? 0 : v)));
  const width = Math.max(0, ...norm.map((r) => r.findLastIndex((v) => v !== null) + 1));
  const height = norm.findLastIndex((r) => r.some((v) => v !== null)) + 1;
  return norm.slice(0, height).map((r) => Array.from({ length: width }, (_, i) => r[i] ?? null));
}

describe('writeXlsx read back by read-excel-file', () => {
  it('the same values, including CR and _xHHHH_ look-alikes', async () => {
    const extra: WriteCell[][] = [['dòng 1\r\ndòng 2', 'literal _x0041_ and _x005F_', '_x000D_']];
    const bytes = await writeXlsx({ sheets: [{ name: 'Một', rows: [...ROWS, ...extra] }] });
    expect(await readSheet(bytes, { trim: false })).toEqual(denseExpected([...ROWS, ...extra]));
  });

  it('characters XML 1.0 cannot hold are dropped, everything else survives (property)', async () => {
    const illegal = /[\u0000-\u0008\u000B\u000C\u000E-\u001F\u007F\uFFFE\uFFFF]|[\uD800-\uDBFF](?![\uDC00-\uDFFF])|(?<![\uD800-\uDBFF])[\uDC00-\uDFFF]/g;
    const text = fc.oneof(
      fc.string({ unit: 'binary', maxLength: 40 }),
      fc.string({ unit: 'grapheme', maxLength: 40 }),
      fc.array(fc.constantFrom('Đ', 'ữ', 'ệ', '&', '<', ']]>', '"', "'", '_x0041_', '_x', '\r', '\n', ' ', '\t', '&amp;', '\u0001', '\uD83D', '😀'), { maxLength: 12 }).map((a) => a.join('')),
    );
    const cell = fc.oneof(text, fc.double({ noNaN: true, noDefaultInfinity: true }), fc.integer(), fc.boolean(), fc.constant(null));
    await fc.assert(
      fc.asyncProperty(fc.array(fc.array(cell, { maxLength: 6 }), { minLength: 1, maxLength: 6 }), async (rows) => {
        const back = await readSheet(await writeXlsx({ sheets: [{ name: 'P', rows }] }), { trim: false });
        expect(back).toEqual(denseExpected(rows.map((r) => r.map((v) => (typeof v === 'string' ? v.replace(illegal, '') : v)))));
      }),
      { numRuns: 150 },
    );
  });

  it('streams: rows from an async iterable into a stream, one sheet part per sheet', async () => {
    async function* pages(): AsyncGenerator<WriteCell[]> {
      for (let i = 1; i <= 3000; i++) yield [i, `Người thứ ${i}`];
    }
    const out = new PassThrough();
    const chunks: Buffer[] = [];
    out.on('data', (c: Buffer) => chunks.push(c));
    await writeXlsxTo({ sheets: [{ name: 'A', rows: pages() }, { name: 'B', rows: [[1]] }] }, out);
    const bytes = Buffer.concat(chunks);
    const back = await readSheet(bytes);
    expect(back).toHaveLength(3000);
    expect(back[2999]).toEqual([3000, 'Người thứ 3000']);
    const names = unzip(bytes).map((p) => p.name);
    expect(names).toEqual(expect.arrayContaining(['[Content_Types].xml', 'xl/workbook.xml', 'xl/styles.xml', 'xl/worksheets/sheet1.xml', 'xl/worksheets/sheet2.xml']));
  });

  it('sheet names', () => {
    expect(sheetNames(['a', 'A', '', 'x:y'])).toEqual(['a', 'A 2', 'Sheet3', 'x y']);
  });
});

describe('the exports as Excel users see them', () => {
  it('question template: two sheets, headers, examples, frozen bold header, wrapped columns of set widths', async () => {
    const wb = await excel(await questionTemplateXlsx());
    expect(wb.creator).toBe('Cuộc thi tìm hiểu CCHC');
    expect(wb.worksheets.map((w) => w.name)).toEqual(['Câu hỏi', 'Hướng dẫn']);
    const [q, guide] = wb.worksheets as [ExcelJS.Worksheet, ExcelJS.Worksheet];
    expect(values(q, 1)).toEqual(TEMPLATE_HEADERS);
    // Empty example cells (options E, F) are left empty.
    expect(values(q, 2)).toEqual(TEMPLATE_ROWS[0]!.map((v) => (v === '' ? null : v)));
    expect(values(q, 3)).toEqual(TEMPLATE_ROWS[1]!.map((v) => (v === '' ? null : v)));
    expect(q.views[0]).toMatchObject({ state: 'frozen', ySplit: 1 });
    expect(q.columns.map((c) => c.width)).toEqual([50, 28, 28, 28, 28, 28, 28, 14, 28, 50]);
    expect(q.getCell('A1').font?.bold).toBe(true);
    expect(q.getCell('J3').alignment).toEqual({ wrapText: true, vertical: 'top' });
    expect(q.getColumn(5).alignment).toEqual({ wrapText: true, vertical: 'top' });
    expect(guide.getColumn(1).width).toBe(120);
    expect(guide.getCell('A1').value).toBe('Hướng dẫn nhập ngân hàng câu hỏi');
    expect(guide.getCell('A1').font).toMatchObject({ bold: true, size: 14 });
    expect(guide.rowCount).toBe(9);
  });

  it('results: title, numbers as numbers, phones as text, formula-looking names defused, frozen bold header', async () => {
    const row = (over: Partial<ResultRow>): ResultRow => ({
      rank: 1,
      fullName: 'Nguyễn Văn An',
      phone: '0912345678',
      unitName: 'Hội Nông dân xã',
      village: 'Buôn Ea Kao',
      correctCount: 3,
      prediction: 100,
      predictionError: 5,
      durationMs: 61_234,
      submittedAt: '2026-11-27T07:05:09Z',
      attempts: 2,
      ...over,
    }) as ResultRow;
    const bytes = await resultsXlsx([row({}), row({ rank: 2, fullName: '=HYPERLINK("http://x")', phone: '0355111222', village: undefined, prediction: undefined, predictionError: undefined })], 'Tìm hiểu CCHC 2026');
    const wb = await excel(bytes);
    expect(wb.title).toBe('Tìm hiểu CCHC 2026');
    const ws = wb.worksheets[0]!;
    expect(ws.name).toBe('Kết quả');
    expect(values(ws, 1)).toEqual(['Hạng', 'Họ và tên', 'Số điện thoại', 'Đơn vị', 'Thôn', 'Số câu đúng', 'Dự đoán', 'Chênh lệch dự đoán', 'Thời gian làm bài (giây)', 'Thời điểm nộp bài', 'Số lượt thi']);
    expect(values(ws, 2)).toEqual([1, 'Nguyễn Văn An', '0912345678', 'Hội Nông dân xã', 'Buôn Ea Kao', 3, 100, 5, 61.2, '27/11/2026 14:05:09', 2]);
    expect(values(ws, 3)).toEqual([2, '\'=HYPERLINK("http://x")', '0355111222', 'Hội Nông dân xã', null, 3, null, null, 61.2, '27/11/2026 14:05:09', 2]);
    expect(ws.getCell('B3').type).toBe(ExcelJS.ValueType.String);
    expect(ws.rowCount).toBe(3);
    expect(ws.views[0]).toMatchObject({ state: 'frozen', ySplit: 1 });
    expect(ws.getCell('K1').font?.bold).toBe(true);
    expect(ws.columns.map((c) => c.width)).toEqual([7, 28, 14, 30, 18, 11, 10, 12, 14, 20, 10]);
    // And the importer's reader agrees.
    expect((await readSheet(bytes))[2]?.[2]).toBe('0355111222');
  });
});

describe('writeXlsx output', () => {
  it('is the same bytes for the same workbook, whatever the time it is written (a resumed export equals an uninterrupted one)', async () => {
    const book = () => ({ date: new Date('2026-01-01T00:00:00Z'), sheets: [{ name: 'Kết quả', rows: ROWS }] });
    vi.useFakeTimers({ toFake: ['Date'] });
    try {
      vi.setSystemTime(new Date('2026-05-01T08:00:00Z'));
      const a = await writeXlsx(book());
      vi.setSystemTime(new Date('2026-06-02T09:30:07Z'));
      const b = await writeXlsx(book());
      expect(a.equals(b)).toBe(true);
    } finally {
      vi.useRealTimers();
    }
  });
});
