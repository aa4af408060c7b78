import ExcelJS from 'exceljs';
import { describe, expect, it } from 'vitest';
import { parseQuestionFile } from '../../../functions/adapters/import/question-file.ts';
import { XLSX_UNREADABLE_MESSAGE } from '../../../functions/adapters/import/xlsx.ts';
import { VI_HEADER, XLSX, expectErrors, expectOk, unzip, xlsx, zip } from './helpers.ts';
import { MAIN, PKG, REL, book } from './parts.ts';

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

  it('a part that inflates beyond the size it declares is cut there (memory stays bounded) and refused', async () => {
    const liar = zip([{ name: 'xl/worksheets/sheet1.xml', data: Buffer.alloc(20 * 1024 * 1024), declaredSize: 1000 }]);
    expect(expectErrors(await parseQuestionFile(liar, XLSX))).toEqual([
      { row: 0, message: expect.stringContaining('Không đọc được tệp Excel') },
    ]);
    // The same inside a real workbook: the sheet, cut at its declared size, is no longer XML the reader accepts.
    const parts = unzip(await xlsx([['question', 'a', 'b', 'correct'], ['Q', 'x', 'y', 'a']]));
    const lying = parts.map((p) => (p.name === 'xl/worksheets/sheet1.xml' ? { ...p, data: Buffer.concat([p.data, Buffer.alloc(20 * 1024 * 1024, 0x20)]), declaredSize: p.data.length - 40 } : p));
    expect(expectErrors(await parseQuestionFile(zip(lying), XLSX))[0]?.row).toBe(0);
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

describe('hostile workbooks (hand-written markup) end in one row-0 refusal or a normal reading', () => {
  const HEAD = '<row r="1"><c r="A1" t="inlineStr"><is><t>question</t></is></c><c r="B1" t="inlineStr"><is><t>a</t></is></c><c r="C1" t="inlineStr"><is><t>b</t></is></c><c r="D1" t="inlineStr"><is><t>correct</t></is></c></row>';
  const Q = (r: number, topic = '') =>
    `<row r="${r}"><c r="A${r}" t="inlineStr"><is><t>Q${r}</t></is></c><c r="B${r}" t="inlineStr"><is><t>x</t></is></c><c r="C${r}" t="inlineStr"><is><t>y</t></is></c><c r="D${r}" t="inlineStr"><is><t>A</t></is></c>${topic}</row>`;
  const refusal = async (buf: Buffer) => expectErrors(await parseQuestionFile(buf, XLSX));

  it('a value in the last cell of the grid (XFD1048576) is refused before the reader lays the grid out', async () => {
    const huge = book({ sheet: `${HEAD}${Q(2)}<row r="1048576"><c r="XFD1048576"><v>1</v></c></row>` });
    expect(await refusal(huge)).toEqual([{ row: 0, message: expect.stringContaining('quá lớn khi giải nén') }]);
    // The same far away cell with nothing in it (formatting only) costs nothing and is read.
    const styled = book({ sheet: `${HEAD}${Q(2)}<row r="1048576"><c r="XFD1048576" s="0"/></row>` });
    expect(expectOk(await parseQuestionFile(styled, XLSX))).toHaveLength(1);
  });

  it('references read as the library reads them: past the grid, lower case, quoted or escaped otherwise, prefixed', async () => {
    for (const sheet of [
      `${HEAD}<row r="99999999"/>`, // an empty row far away: the library would add every row before it
      `${HEAD}<row r="2"><c r="AAAAAAAA2"><v>1</v></c></row>`,
      `${HEAD}<row r="2"><c r="xfd2"><v>1</v></c></row>`,
      `${HEAD}<row><c r="A99999999" s="1"/></row>`,
      `${HEAD}<row r='1048576'><c r='XFD1048576'><v>1</v></c></row>`,
      `${HEAD}<row r="1048576"><c r="&#88;FD1048576"><v>1</v></c></row>`,
    ]) {
      expect(await refusal(book({ sheet })), sheet.slice(HEAD.length)).toEqual([{ row: 0, message: expect.stringContaining('quá lớn khi giải nén') }]);
    }
    const prefixed = (extra: string) =>
      `<?xml version="1.0"?><x:worksheet xmlns:x="${MAIN}"><x:sheetData>${HEAD.replace(/<(\/?)/g, '<$1x:')}${Q(2).replace(/<(\/?)/g, '<$1x:')}${extra}</x:sheetData></x:worksheet>`;
    expect(expectOk(await parseQuestionFile(book({ sheet: prefixed('') }), XLSX))).toHaveLength(1);
    expect(await refusal(book({ sheet: prefixed('<x:row r="1048576"><x:c r="XFD1048576"><x:v>1</x:v></x:c></x:row>') }))).toEqual([
      { row: 0, message: expect.stringContaining('quá lớn khi giải nén') },
    ]);
  });

  it('cells that never close are scanned in one pass (a quadratic scan would time out here)', async () => {
    const sheet = `${HEAD}<row r="2">${'<c r="A2"><v>1</v>'.repeat(200_000)}</row>`;
    expect((await refusal(book({ sheet })))[0]?.row).toBe(0);
  });

  it('a merge over the whole grid is clipped to the cells that hold values', async () => {
    const merged = book({ sheet: `${HEAD}${Q(2)}${Q(3)}`, sheetTail: '<mergeCells><mergeCell ref="A1:XFD1048576"/></mergeCells>' });
    // Every cell becomes "question": a header without the other columns, one row-0 error, quickly.
    const errors = await refusal(merged);
    expect(errors[0]?.row).toBe(0);
  });

  it('does not expand entities declared in a DOCTYPE (billion laughs)', async () => {
    const doctype = '<!DOCTYPE x [<!ENTITY a "aaaaaaaaaa"><!ENTITY b "&a;&a;&a;&a;&a;&a;&a;&a;&a;&a;"><!ENTITY c "&b;&b;&b;&b;&b;&b;&b;&b;&b;&b;">]>';
    const sheet = `<?xml version="1.0"?>${doctype}<worksheet xmlns="${MAIN}"><sheetData>${HEAD}<row r="2"><c r="A2" t="inlineStr"><is><t>&c;&c;&c;&c;</t></is></c><c r="B2" t="inlineStr"><is><t>x</t></is></c><c r="C2" t="inlineStr"><is><t>y</t></is></c><c r="D2" t="inlineStr"><is><t>A</t></is></c></row></sheetData></worksheet>`;
    const r = await parseQuestionFile(book({ sheet }), XLSX);
    if (r.ok) expect(r.questions[0]?.text.length).toBeLessThan(100);
    else expect(r.errors.length).toBeGreaterThan(0);
  });

  it('a shared-string index past the table, an out-of-order cell, a cell without a reference', async () => {
    for (const sheet of [
      `${HEAD}<row r="2"><c r="A2" t="s"><v>5</v></c></row>`,
      `${HEAD}<row r="2"><c r="B2"><v>1</v></c><c r="A2"><v>2</v></c></row>`,
      `${HEAD}<row r="2"><c><v>1</v></c></row>`,
    ]) {
      expect(await refusal(book({ sheet, sst: '<si><t>x</t></si>' }))).toEqual([{ row: 0, message: XLSX_UNREADABLE_MESSAGE }]);
    }
  });

  it('a formula string without its cached value and an error value are reported at their row', async () => {
    const sheet = `${HEAD}${Q(2)}<row r="3"><c r="A3" t="str"><f>A2&amp;"?"</f></c><c r="B3" t="inlineStr"><is><t>x</t></is></c><c r="C3" t="e"><f>NA()</f><v>#N/A</v></c><c r="D3" t="inlineStr"><is><t>A</t></is></c></row>`;
    expect(await refusal(book({ sheet }))).toEqual([
      // Row 3 as Excel shows it (docs/import.md).
      { row: 3, message: expect.stringMatching(/^Câu hỏi: ô có công thức nhưng chưa có giá trị/) },
      { row: 3, message: 'Đáp án B: lỗi công thức #N/A' },
    ]);
  });

  it('the first sheet is the first in the workbook, found through its relationship (absolute target, escaped name)', async () => {
    const buf = book({
      sheet: `${HEAD}${Q(2)}`,
      extra: {
        'xl/workbook.xml': `<workbook xmlns="${MAIN}" xmlns:r="${REL}"><sheets><sheet name="Trống &amp; khác" sheetId="2" r:id="rId9"/><sheet name="Trang 1" sheetId="1" r:id="rId1"/></sheets></workbook>`,
        'xl/_rels/workbook.xml.rels':
          `<Relationships xmlns="${PKG}"><Relationship Id="rId1" Type="${REL}/worksheet" Target="worksheets/sheet1.xml"/>` +
          `<Relationship Id="rId9" Type="${REL}/worksheet" Target="/xl/worksheets/empty.xml"/></Relationships>`,
        'xl/worksheets/empty.xml': `<worksheet xmlns="${MAIN}"><sheetData/></worksheet>`,
      },
    });
    expect(await refusal(buf)).toEqual([{ row: 0, message: 'Trang tính đầu tiên ("Trống & khác") không có dữ liệu' }]);
  });
});
