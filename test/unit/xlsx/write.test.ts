// Our OOXML writer, read back by exceljs (a different reader) and by our own reader; and the
// two exports built on it (question template, results) as a user opening them would see them.
import ExcelJS from 'exceljs';
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { resultsXlsx } from '../../../functions/adapters/export/results.ts';
import type { ResultRow } from '../../../functions/adapters/export/results.ts';
import { TEMPLATE_HEADERS, TEMPLATE_ROWS, questionTemplateXlsx } from '../../../functions/adapters/import/question-file.ts';
import { readFirstSheet } from '../../../functions/adapters/xlsx/read.ts';
import { columnName, writeXlsx } from '../../../functions/adapters/xlsx/write.ts';
import type { WriteCell, WriteWorkbook } from '../../../functions/adapters/xlsx/write.ts';
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
    const wb = await excel(writeXlsx({ sheets: [{ name: 'Kết quả', rows: ROWS }] }));
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
    const wb = await excel(writeXlsx(book));
    expect(wb.creator).toBe('Cuộc thi tìm hiểu CCHC');
    expect(wb.title).toBe('Cuộc thi "Tìm hiểu" & <CCHC>');
    expect(wb.worksheets.map((w) => w.name)).toEqual(['Câu hỏi', 'Hướng dẫn']);
    const [q, g] = wb.worksheets as [ExcelJS.Worksheet, ExcelJS.Worksheet];
    expect(q.views[0]).toMatchObject({ state: 'frozen', ySplit: 1, topLeftCell: 'A2' });
    expect(g.views[0]?.state).not.toBe('frozen');
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
      writeXlsx({ sheets: [{ name: 'Kết quả: 1/2 [a]*?', rows }, { name: 'Đ'.repeat(40), rows }, { name: 'kết quả  1 2  a', rows }, { name: "''", rows }] }),
    );
    const names = wb.worksheets.map((w) => w.name);
    expect(names[0]).toBe('Kết quả  1 2  a');
    expect(names[1]).toBe('Đ'.repeat(31));
    // Excel compares sheet names ignoring case.
    expect(names[2]).toBe('kết quả  1 2  a 2');
    expect(names[3]).toBe('Sheet4');
  });
});

describe('writeXlsx read back by our reader', () => {
  it('the same values, including what exceljs does not decode (CR, _xHHHH_ look-alikes)', () => {
    const extra: WriteCell[][] = [['dòng 1\r\ndòng 2', 'literal _x0041_ and _x005F_', '_x000D_']];
    const sheet = readFirstSheet(writeXlsx({ sheets: [{ name: 'Một', rows: [...ROWS, ...extra] }] }));
    expect(sheet.name).toBe('Một');
    expect(sheet.rows.map((r) => [r.row, Array.from(r.cells)])).toEqual([
      [1, ROWS[0]],
      [2, ROWS[1]],
      [3, ROWS[2]],
      [4, ['Ê Đê, M\'Nông', 0.1 + 0.2, undefined, undefined, 'dòng 1\ndòng 2\tcột']],
      [5, [undefined, 1e21, undefined, 12345678901234, LONG]],
      [6, extra[0]],
    ]);
  });

  it('characters XML 1.0 cannot hold are dropped, everything else survives (property)', () => {
    const illegal = /[\u0000-\u0008\u000B\u000C\u000E-\u001F\uFFFE\uFFFF]|[\uD800-\uDBFF](?![\uDC00-\uDFFF])|(?<![\uD800-\uDBFF])[\uDC00-\uDFFF]/g;
    const text = fc.oneof(
      fc.string({ unit: 'binary', maxLength: 40 }),
      fc.string({ unit: 'grapheme', maxLength: 40 }),
      fc.array(fc.constantFrom('Đ', 'ữ', 'ệ', '&', '<', ']]>', '"', "'", '_x0041_', '_x', '\r', '\n', ' ', '\t', '&amp;', '\u0001', '\uD83D', '😀'), { maxLength: 12 }).map((a) => a.join('')),
    );
    const cell = fc.oneof(text, fc.double({ noNaN: true, noDefaultInfinity: true }), fc.integer(), fc.boolean(), fc.constant(null));
    fc.assert(
      fc.property(fc.array(fc.array(cell, { maxLength: 6 }), { minLength: 1, maxLength: 6 }), (rows) => {
        const back = readFirstSheet(writeXlsx({ sheets: [{ name: 'P', rows }] }));
        const expected = rows
          .map((r, i) => ({
            row: i + 1,
            cells: r.map((v) => (typeof v === 'string' ? v.replace(illegal, '') : Object.is(v, -0) ? 0 : v)).map((v) => (v === '' || v === null ? undefined : v)),
          }))
          .filter((r) => r.cells.some((v) => v !== undefined));
        expect(back.rows.map((r) => ({ row: r.row, cells: Array.from(r.cells) }))).toEqual(
          expected.map((r) => ({ ...r, cells: r.cells.slice(0, r.cells.findLastIndex((v) => v !== undefined) + 1) })),
        );
      }),
      { numRuns: 300 },
    );
  });

  it('every part is UTF-8 XML with the declaration, and the zip holds the parts Excel expects', () => {
    const parts = unzip(Buffer.from(writeXlsx({ sheets: [{ name: 'A', rows: [['x']] }, { name: 'B', rows: [[1]] }] })));
    expect(parts.map((p) => p.name).sort()).toEqual(
      [
        '[Content_Types].xml',
        '_rels/.rels',
        'docProps/app.xml',
        'docProps/core.xml',
        'xl/_rels/workbook.xml.rels',
        'xl/sharedStrings.xml',
        'xl/styles.xml',
        'xl/workbook.xml',
        'xl/worksheets/sheet1.xml',
        'xl/worksheets/sheet2.xml',
      ].sort(),
    );
    for (const p of parts) expect(p.data.toString('utf8').startsWith('<?xml version="1.0" encoding="UTF-8" standalone="yes"?>'), p.name).toBe(true);
    const types = parts.find((p) => p.name === '[Content_Types].xml')!.data.toString();
    for (const p of parts.filter((x) => !x.name.endsWith('.rels') && x.name !== '[Content_Types].xml')) expect(types).toContain(`PartName="/${p.name}"`);
  });

  it('column names', () => {
    expect([1, 26, 27, 52, 53, 702, 703, 16384].map(columnName)).toEqual(['A', 'Z', 'AA', 'AZ', 'BA', 'ZZ', 'AAA', 'XFD']);
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
    // And our own reader agrees.
    expect(readFirstSheet(bytes).rows[2]?.cells[2]).toBe('0355111222');
  });
});
