import ExcelJS from 'exceljs';
import { describe, expect, it } from 'vitest';
import { parseQuestionFile } from '../../../functions/adapters/import/question-file.ts';
import { VI_HEADER, XLSX, expectErrors, expectOk, xlsx, zip } from './helpers.ts';

describe('XLSX', () => {
  it('reads the first sheet with Vietnamese headers', async () => {
    const buf = await xlsx([VI_HEADER, ['Một cửa là gì?', 'Nơi tiếp nhận hồ sơ', 'Chợ', '', '', 'A', 'Một cửa', '']]);
    expect(expectOk(await parseQuestionFile(buf, XLSX))).toEqual([
      { text: 'Một cửa là gì?', options: ['Nơi tiếp nhận hồ sơ', 'Chợ'], correct: [0], topic: 'Một cửa' },
    ]);
  });

  it('converts rich text, cached formula results, hyperlinks, numbers, dates, booleans and _x000D_', async () => {
    const buf = await xlsx([
      ['question', 'a', 'b', 'c', 'd', 'e', 'f', 'correct', 'explanation'],
      [
        { richText: [{ text: 'Cổng ', font: { bold: true } }, { text: 'Dịch vụ công' }, { text: ' là gì?' }] },
        { formula: 'UPPER("x")', result: 'Cổng DVC quốc gia' },
        { text: 'dichvucong.gov.vn', hyperlink: 'https://dichvucong.gov.vn' },
        0.1 + 0.2,
        new Date(Date.UTC(2024, 6, 1)),
        true,
        { formula: '1+1', result: 2 },
        { formula: 'CHAR(65)&", C"', result: 'A, C' },
        'Dòng 1_x000D_\nDòng 2',
      ],
    ]);
    expect(expectOk(await parseQuestionFile(buf, XLSX))).toEqual([
      {
        text: 'Cổng Dịch vụ công là gì?',
        options: ['Cổng DVC quốc gia', 'dichvucong.gov.vn', '0.3', '01/07/2024', 'TRUE', '2'],
        correct: [0, 2],
        explanation: 'Dòng 1\nDòng 2',
      },
    ]);
  });

  it('reads shared formulas with cached results and rich-text headers', async () => {
    const buf = await xlsx(
      [
        [{ richText: [{ text: 'Câu ' }, { text: 'hỏi', font: { italic: true } }] }, 'Đáp án A', 'Đáp án B', 'Đáp án đúng'],
        ['Q1', 'x', 'y', 'A'],
        ['Q2', 'x', 'y', 'A'],
      ],
      (ws) => {
        ws.getCell('B2').value = { formula: '"opt "&ROW()', result: 'opt 2' };
        ws.getCell('B3').value = { sharedFormula: 'B2', result: 'opt 3' };
      },
    );
    const qs = expectOk(await parseQuestionFile(buf, XLSX));
    expect(qs.map((q) => q.options[0])).toEqual(['opt 2', 'opt 3']);
  });

  it('reports error values and formulas without a cached result at their row', async () => {
    const buf = await xlsx([
      ['question', 'a', 'b', 'correct'],
      ['Q1', { error: '#N/A' }, 'y', 'A'],
      ['Q2', 'x', { formula: 'A1' }, 'A'],
      ['Q3', 'x', 'y', { formula: '1/0', result: { error: '#DIV/0!' } }],
    ]);
    expect(expectErrors(await parseQuestionFile(buf, XLSX))).toEqual([
      { row: 2, message: 'Đáp án A: lỗi công thức #N/A' },
      { row: 3, message: expect.stringMatching(/^Đáp án B: ô có công thức nhưng chưa có giá trị/) },
      { row: 4, message: 'Đáp án đúng: lỗi công thức #DIV/0!' },
    ]);
  });

  it('numbers rows as the spreadsheet shows them, counting empty and formatting-only rows', async () => {
    const buf = await xlsx(
      [
        ['question', 'a', 'b', 'correct'],
        ['Q1', 'x', 'y', 'A'], // row 2
        [], // line 3
        ['Q4', 'x', '', 'A'], // row 5 (after tweak below)
      ],
      (ws) => {
        ws.spliceRows(4, 0, []); // insert an empty line 4
        ws.getRow(3).height = 40; // a styled, empty row
        ws.getCell('E3').value = 'ghi chú'; // content only in an ignored column
      },
    );
    expect(expectErrors(await parseQuestionFile(buf, XLSX))).toEqual([{ row: 5, message: 'Cần ít nhất 2 đáp án, mới có 1' }]);
  });

  it('a merged cell (e.g. one topic over several rows) applies to each row it covers', async () => {
    const buf = await xlsx(
      [
        ['question', 'a', 'b', 'correct', 'topic'],
        ['Q1', 'x', 'y', 'a', 'Một cửa'],
        ['Q2', 'x', 'y', 'b'],
        ['Q3', 'x', 'y', 'a', 'Khác'],
      ],
      (ws) => ws.mergeCells('E2:E3'),
    );
    expect(expectOk(await parseQuestionFile(buf, XLSX)).map((q) => q.topic)).toEqual(['Một cửa', 'Một cửa', 'Khác']);
  });

  it('uses the first sheet in tab order and ignores the others', async () => {
    const buf = await xlsx([['question', 'a', 'b', 'correct'], ['Q', 'x', 'y', 'b']], (_ws, wb) => {
      const other = wb.addWorksheet('Khác');
      other.getCell('A1').value = 'nonsense';
    });
    expect(expectOk(await parseQuestionFile(buf, XLSX))).toHaveLength(1);
  });

  it('an empty first sheet is one row-0 error', async () => {
    const wb = new ExcelJS.Workbook();
    wb.addWorksheet('Trống');
    wb.addWorksheet('Câu hỏi').getCell('A1').value = 'question';
    const buf = Buffer.from(await wb.xlsx.writeBuffer());
    expect(expectErrors(await parseQuestionFile(buf, XLSX))).toEqual([
      { row: 0, message: 'Trang tính đầu tiên ("Trống") không có dữ liệu' },
    ]);
  });

  it('a header on line 3 (title above) gets an explanation', async () => {
    const buf = await xlsx([['ĐỀ THI TÌM HIỂU CCHC'], [], ['Câu hỏi', 'Đáp án A', 'Đáp án B', 'Đáp án đúng'], ['Q', 'x', 'y', 'A']]);
    expect(expectErrors(await parseQuestionFile(buf, XLSX))).toEqual([{ row: 0, message: expect.stringContaining('dòng 3') }]);
  });

  it('garbage bytes labelled xlsx are one row-0 error', async () => {
    for (const body of [Buffer.from('this is not a spreadsheet'), Buffer.from('PK\x03\x04garbage garbage garbage garbage')]) {
      const errors = expectErrors(await parseQuestionFile(body, XLSX));
      expect(errors).toEqual([{ row: 0, message: expect.stringContaining('Không đọc được tệp Excel') }]);
    }
  });

  it('a truncated xlsx and a valid zip that is not a workbook are one row-0 error', async () => {
    const good = await xlsx([['question', 'a', 'b', 'correct'], ['Q', 'x', 'y', 'a']]);
    for (const body of [good.subarray(0, Math.floor(good.length / 2)), zip([{ name: 'hello.txt', data: Buffer.from('hi') }])]) {
      expect(expectErrors(await parseQuestionFile(body, XLSX))).toEqual([
        { row: 0, message: expect.stringContaining('Không đọc được tệp Excel') },
      ]);
    }
  });

  it('an xlsx sent as text/csv is still read as xlsx (the bytes decide)', async () => {
    const buf = await xlsx([['question', 'a', 'b', 'correct'], ['Q', 'x', 'y', 'a']]);
    expect(expectOk(await parseQuestionFile(buf, 'text/csv'))).toHaveLength(1);
  });

  it('a CSV labelled xlsx is refused', async () => {
    const errors = expectErrors(await parseQuestionFile(Buffer.from('question,a,b,correct\nQ,x,y,a\n'), XLSX));
    expect(errors[0]?.row).toBe(0);
  });
});

describe('zip-bomb guard', () => {
  it('refuses an archive whose parts declare more than the uncompressed limit', async () => {
    const bomb = zip([{ name: 'xl/worksheets/sheet1.xml', data: Buffer.alloc(60 * 1024 * 1024) }]);
    expect(bomb.length).toBeLessThan(100 * 1024);
    expect(expectErrors(await parseQuestionFile(bomb, XLSX))).toEqual([
      { row: 0, message: expect.stringContaining('quá lớn khi giải nén') },
    ]);
  }, 30_000);

  it('refuses a part that inflates beyond the size it declares', async () => {
    const liar = zip([{ name: 'xl/worksheets/sheet1.xml', data: Buffer.alloc(20 * 1024 * 1024), declaredSize: 1000 }]);
    expect(expectErrors(await parseQuestionFile(liar, XLSX))).toEqual([
      { row: 0, message: expect.stringContaining('quá lớn khi giải nén') },
    ]);
  }, 30_000);

  it('refuses an archive with too many parts', async () => {
    const many = zip(Array.from({ length: 1001 }, (_, i) => ({ name: `p${i}.xml`, data: Buffer.from('x') })));
    expect(expectErrors(await parseQuestionFile(many, XLSX))[0]?.message).toContain('quá lớn khi giải nén');
  });
});

describe('other zip formats', () => {
  it('an OpenDocument spreadsheet (.ods) gets a save-as-xlsx hint', async () => {
    // .ods begins with a stored (uncompressed) "mimetype" part.
    const ods = zip([
      { name: 'mimetype', data: Buffer.from('application/vnd.oasis.opendocument.spreadsheet'), store: true },
      { name: 'content.xml', data: Buffer.from('<office:document-content/>') },
    ]);
    const errors = expectErrors(await parseQuestionFile(ods, XLSX));
    expect(errors).toEqual([{ row: 0, message: expect.stringContaining('.ods') }]);
  });

  // Issue 16, item 6: the browser labels an .ods as its own type, or sends no type at all.
  it.each([
    ['its own type', 'application/vnd.oasis.opendocument.spreadsheet'],
    ['no type', 'application/octet-stream'],
    ['an empty type', ''],
  ])('an .ods sent with %s names the format in words and says to save as .xlsx or CSV', async (_, type) => {
    const ods = zip([
      { name: 'mimetype', data: Buffer.from('application/vnd.oasis.opendocument.spreadsheet'), store: true },
      { name: 'content.xml', data: Buffer.from('<office:document-content/>') },
    ]);
    const [error, ...more] = expectErrors(await parseQuestionFile(ods, type));
    expect(more).toEqual([]);
    expect(error?.row).toBe(0);
    expect(error?.message).toContain('bảng tính OpenDocument (.ods');
    expect(error?.message).toMatch(/\.xlsx.*CSV/);
    expect(error?.message).not.toContain('application/vnd.oasis');
  });

  it.each([
    ['a PDF', Buffer.from('%PDF-1.7\n'), 'application/pdf', 'tài liệu PDF'],
    ['a PDF with no type', Buffer.from('%PDF-1.7\n'), 'application/octet-stream', 'tài liệu PDF'],
    ['a Word file', Buffer.from('PK\u0003\u0004rest'), 'application/vnd.openxmlformats-officedocument.wordprocessingml.document', 'văn bản Word'],
  ])('%s is named in words, with what to do', async (_, body, type, name) => {
    const [error] = expectErrors(await parseQuestionFile(body, type));
    expect(error?.message).toContain(`Đây là ${name}`);
    expect(error?.message).toContain('Lưu thành (Save As)');
  });
});
