// Our OOXML reader: workbooks written by exceljs (a different writer), hand-built parts for the
// markup exceljs never writes, and hostile input that must end in XlsxReadError and nothing else.
import ExcelJS from 'exceljs';
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { XlsxReadError, isDateFormat, readFirstSheet } from '../../../functions/adapters/xlsx/read.ts';
import type { XlsxCell, XlsxReadErrorReason, XlsxSheet } from '../../../functions/adapters/xlsx/read.ts';
import { unzip, xlsx, zip } from '../import/helpers.ts';
import { MAIN, PKG, REL, book } from './parts.ts';

/** The rows as plain arrays (holes -> undefined), keyed by row number. */
function grid(sheet: XlsxSheet): Record<number, (XlsxCell | undefined)[]> {
  return Object.fromEntries(sheet.rows.map((r) => [r.row, Array.from(r.cells)]));
}

function reason(run: () => unknown): XlsxReadErrorReason | 'no error' | `other: ${string}` {
  try {
    run();
    return 'no error';
  } catch (e) {
    return e instanceof XlsxReadError ? e.reason : `other: ${String(e)}`;
  }
}

const utc = (...a: [number, number, number, number?, number?, number?]) => new Date(Date.UTC(a[0], a[1], a[2], a[3] ?? 0, a[4] ?? 0, a[5] ?? 0));

describe('reading what exceljs writes', () => {
  it('Vietnamese text, numbers, booleans, gaps, dates, XML specials and long strings', async () => {
    const long = 'Thủ tục hành chính một cửa liên thông '.repeat(800).slice(0, 32_000);
    const buf = await xlsx(
      [
        ['Câu hỏi', 'Đáp án A', undefined, 'Đáp án đúng'],
        ['Ủy ban nhân dân xã Ea Kao có nhiệm vụ gì?', 42, -0.5, true, false, 0.1 + 0.2, 1e21],
        ['<a href="x">&amp; \'q\' "dq"</a>', '  khoảng trắng  ', 'dòng 1\ndòng 2', long],
        [],
        [undefined, undefined, 'cột C', undefined, undefined, 'cột F'],
      ],
      (ws) => {
        ws.getCell('A6').value = utc(2024, 6, 1);
        ws.getCell('B6').value = utc(2026, 10, 27, 14, 5, 9);
        ws.getCell('B6').numFmt = 'dd/mm/yyyy hh:mm:ss';
        ws.getCell('C6').value = 45474;
        ws.getCell('C6').numFmt = '#,##0.00 "đồng"';
      },
    );
    const sheet = readFirstSheet(buf);
    expect(sheet.name).toBe('Sheet1');
    const g = grid(sheet);
    expect(Object.keys(g).map(Number)).toEqual([1, 2, 3, 5, 6]);
    expect(g[1]).toEqual(['Câu hỏi', 'Đáp án A', undefined, 'Đáp án đúng']);
    expect(g[2]).toEqual(['Ủy ban nhân dân xã Ea Kao có nhiệm vụ gì?', 42, -0.5, true, false, 0.1 + 0.2, 1e21]);
    expect(g[3]).toEqual(['<a href="x">&amp; \'q\' "dq"</a>', '  khoảng trắng  ', 'dòng 1\ndòng 2', long]);
    expect(g[5]).toEqual([undefined, undefined, 'cột C', undefined, undefined, 'cột F']);
    expect(g[6]).toEqual([utc(2024, 6, 1), utc(2026, 10, 27, 14, 5, 9), 45474]);
  });

  it('rich text, cached formula results of every type, errors, formulas without a result', async () => {
    const buf = await xlsx([
      [
        { richText: [{ text: 'Cổng ', font: { bold: true } }, { text: 'Dịch vụ công' }, { text: ' quốc gia' }] },
        { formula: 'UPPER("x")', result: 'KẾT QUẢ' },
        { formula: '1+1', result: 2 },
        { formula: 'TRUE()', result: true },
        { formula: '1/0', result: { error: '#DIV/0!' } },
        { error: '#N/A' },
        { formula: 'A1' } as never,
        { text: 'dichvucong.gov.vn', hyperlink: 'https://dichvucong.gov.vn' },
      ],
    ]);
    expect(grid(readFirstSheet(buf))[1]).toEqual([
      'Cổng Dịch vụ công quốc gia',
      'KẾT QUẢ',
      2,
      true,
      { error: '#DIV/0!' },
      { error: '#N/A' },
      { formula: 'A1' },
      'dichvucong.gov.vn',
    ]);
  });

  it('a merged range repeats its top-left value in every cell it covers', async () => {
    const buf = await xlsx(
      [
        ['q', 'topic'],
        ['Q1', 'Một cửa'],
        ['Q2'],
        ['Q3', 'Khác'],
      ],
      (ws) => {
        ws.mergeCells('B2:B3');
        ws.mergeCells('A4:C5');
      },
    );
    const g = grid(readFirstSheet(buf));
    expect([g[2]?.[1], g[3]?.[1]]).toEqual(['Một cửa', 'Một cửa']);
    // A4:C5 covers B4 ("Khác"): the master's value wins, as in Excel.
    expect([g[4], g[5]]).toEqual([
      ['Q3', 'Q3', 'Q3'],
      ['Q3', 'Q3', 'Q3'],
    ]);
  });

  it('uses the first sheet in tab order; an empty one gives no rows and its name', async () => {
    const wb = new ExcelJS.Workbook();
    wb.addWorksheet('Trống');
    wb.addWorksheet('Câu hỏi').getCell('A1').value = 'question';
    const sheet = readFirstSheet(Buffer.from(await wb.xlsx.writeBuffer()));
    expect(sheet).toEqual({ name: 'Trống', rows: [] });
  });
});

describe('hand-written markup', () => {
  it('inline strings (plain and rich), formula strings (empty ones too), entities and escapes', () => {
    const buf = book({
      sheet:
        '<row r="1">' +
        '<c r="A1" t="inlineStr"><is><t>Tiếng Việt &amp; &lt;xml&gt; &#7841;&#x1EA1; &quot;&apos;</t></is></c>' +
        '<c r="B1" t="inlineStr"><is><r><rPr><b/></rPr><t xml:space="preserve">Một </t></r><r><t>cửa</t></r><rPh sb="0" eb="1"><t>PHONETIC</t></rPh></is></c>' +
        '<c r="C1" t="str"><f>IF(1,"","x")</f><v></v></c>' +
        '<c r="D1" t="s"><v>0</v></c>' +
        '<c r="E1" t="s"><v>1</v></c>' +
        '<c r="F1" t="s"><v>2</v></c>' +
        '<c r="G1" t="inlineStr"><is><t><![CDATA[<không phải thẻ> & ]]></t></is></c>' +
        '</row>',
      sst:
        '<si><t xml:space="preserve">  Dòng 1_x000D_\nDòng 2  </t></si>' +
        '<si><r><t>Chữ </t></r><r><rPr><i/></rPr><t>nghiêng</t></r><rPh sb="0" eb="2"><t>ふりがな</t></rPh><phoneticPr fontId="1"/></si>' +
        '<si><t>_x005F_x0041_ giữ nguyên, _x0041_ là A</t></si>',
    });
    expect(grid(readFirstSheet(buf))[1]).toEqual([
      'Tiếng Việt & <xml> ạạ "\'',
      'Một cửa',
      '',
      '  Dòng 1\r\nDòng 2  ',
      'Chữ nghiêng',
      '_x0041_ giữ nguyên, A là A',
      '<không phải thẻ> & ',
    ]);
  });

  it('cells and rows without references, prefixed element names, comments', () => {
    const buf = book({
      sheet:
        '<?xml version="1.0"?><x:worksheet xmlns:x="' +
        MAIN +
        '"><!-- a comment <c><v>9</v></c> --><x:sheetData>' +
        '<x:row><x:c><x:v>1</x:v></x:c><x:c t="b"><x:v>1</x:v></x:c><x:c r="E1"><x:v>5</x:v></x:c><x:c><x:v>6</x:v></x:c></x:row>' +
        '<x:row r="3"><x:c r="B3" t="e"><x:v>#REF!</x:v></x:c></x:row>' +
        '<x:row><x:c><x:v>2.5</x:v></x:c></x:row>' +
        '</x:sheetData></x:worksheet>',
    });
    const g = grid(readFirstSheet(buf));
    expect(g).toEqual({
      1: [1, true, undefined, undefined, 5, 6],
      3: [undefined, { error: '#REF!' }],
      4: [2.5],
    });
  });

  it('dates: built-in and custom formats, times, the 1904 system, ISO date cells', () => {
    const styles =
      '<numFmts count="4"><numFmt numFmtId="164" formatCode="dd/mm/yyyy"/><numFmt numFmtId="165" formatCode="0.00&quot; h&quot;"/>' +
      '<numFmt numFmtId="166" formatCode="[$-409]h:mm AM/PM;@"/><numFmt numFmtId="167" formatCode="[Red]#,##0"/></numFmts>' +
      '<cellXfs count="7"><xf numFmtId="0"/><xf numFmtId="14"/><xf numFmtId="164"/><xf numFmtId="165"/><xf numFmtId="166"/><xf numFmtId="167"/><xf numFmtId="22"/></cellXfs>';
    const row = '<row r="1"><c s="1"><v>45474</v></c><c s="2"><v>45474.5</v></c><c s="3"><v>1.5</v></c><c s="4"><v>0.75</v></c><c s="5"><v>45474</v></c><c s="6"><f>NOW()</f><v>45474.25</v></c><c t="d"><v>2024-07-01T08:30:00</v></c><c s="0"><v>45474</v></c></row>';
    expect(grid(readFirstSheet(book({ sheet: row, styles })))[1]).toEqual([
      utc(2024, 6, 1),
      utc(2024, 6, 1, 12),
      1.5,
      utc(1899, 11, 30, 18),
      45474,
      utc(2024, 6, 1, 6),
      utc(2024, 6, 1, 8, 30),
      45474,
    ]);
    // 1904 system: serial 0 is 1904-01-01.
    const b1904 = book({ sheet: '<row r="1"><c s="1"><v>0</v></c></row>', styles, workbookPr: 'date1904="1"' });
    expect(grid(readFirstSheet(b1904))[1]).toEqual([utc(1904, 0, 1)]);
  });

  it('tells date formats from number formats', () => {
    for (const code of ['dd/mm/yyyy', 'DD/MM/YYYY', 'yyyy-mm-dd hh:mm', 'h:mm:ss', '[h]:mm', 'mmm-yy', '[$-42A]dd mmmm yyyy', 'd/m;@']) {
      expect(isDateFormat(code), code).toBe(true);
    }
    for (const code of ['General', '0.00', '#,##0 "đồng"', '0.00" h"', '[Red]0.00', '_(* #,##0_);_(* \\(#,##0\\)', '0%', '0.00E+00', '@', '\\d0']) {
      expect(isDateFormat(code), code).toBe(false);
    }
  });

  it('finds the first sheet through the relationships: tab order, absolute targets, chart sheets, other workbook paths', () => {
    const rels =
      `<Relationships xmlns="${PKG}">` +
      `<Relationship Id="rId7" Type="${REL}/worksheet" Target="/xl/worksheets/sheet2.xml"/>` +
      `<Relationship Id="rId8" Type="${REL}/worksheet" Target="worksheets/sheet1.xml"/>` +
      `<Relationship Id="rId9" Type="${REL}/chartsheet" Target="chartsheets/sheet1.xml"/></Relationships>`;
    const sheets = (order: string) =>
      `<workbook xmlns="${MAIN}" xmlns:r="${REL}"><sheets>${order}</sheets></workbook>`;
    const two = (order: string) =>
      book({
        sheet: '<row r="1"><c t="inlineStr"><is><t>sheet1</t></is></c></row>',
        extra: {
          'xl/workbook.xml': sheets(order),
          'xl/_rels/workbook.xml.rels': rels,
          'xl/worksheets/sheet2.xml': `<worksheet xmlns="${MAIN}"><sheetData><row r="1"><c t="inlineStr"><is><t>sheet2</t></is></c></row></sheetData></worksheet>`,
          'xl/chartsheets/sheet1.xml': '<chartsheet/>',
        },
      });
    const first = (b: Buffer) => [readFirstSheet(b).name, readFirstSheet(b).rows[0]?.cells[0]];
    expect(first(two('<sheet name="Hai" sheetId="2" r:id="rId7"/><sheet name="Một" sheetId="1" r:id="rId8"/>'))).toEqual(['Hai', 'sheet2']);
    expect(first(two('<sheet name="Một" sheetId="1" r:id="rId8"/><sheet name="Hai" sheetId="2" r:id="rId7"/>'))).toEqual(['Một', 'sheet1']);
    expect(first(two('<sheet name="Biểu đồ" sheetId="3" r:id="rId9"/><sheet name="Hai" sheetId="2" r:id="rId7"/>'))).toEqual(['Hai', 'sheet2']);

    // The workbook part named by _rels/.rels, with its own rels beside it.
    const moved = book({
      sheet: '<row r="1"><c t="s"><v>0</v></c></row>',
      sst: '<si><t>ở chỗ khác</t></si>',
      extra: {
        '_rels/.rels': `<Relationships xmlns="${PKG}"><Relationship Id="rId1" Type="${REL}/officeDocument" Target="/xl/workbook2.xml"/></Relationships>`,
        'xl/workbook.xml': undefined,
        'xl/workbook2.xml': `<workbook xmlns="${MAIN}" xmlns:r="${REL}"><sheets><sheet name="Khác" sheetId="1" r:id="rId1"/></sheets></workbook>`,
        'xl/_rels/workbook.xml.rels': undefined,
        'xl/_rels/workbook2.xml.rels': `<Relationships xmlns="${PKG}"><Relationship Id="rId1" Type="${REL}/worksheet" Target="worksheets/sheet1.xml"/><Relationship Id="rId2" Type="${REL}/sharedStrings" Target="sharedStrings.xml"/></Relationships>`,
      },
    });
    expect(first(moved)).toEqual(['Khác', 'ở chỗ khác']);
  });

  it('falls back to xl/worksheets/sheet1.xml when the workbook part is missing', () => {
    const buf = book({ sheet: '<row r="2"><c r="B2"><v>7</v></c></row>', extra: { 'xl/workbook.xml': undefined } });
    expect(readFirstSheet(buf)).toEqual({ name: 'Sheet1', rows: [{ row: 2, cells: [, 7] }] });
  });

  it('does not expand entities declared in a DOCTYPE (billion laughs)', () => {
    const doctype = '<!DOCTYPE x [<!ENTITY a "aaaaaaaaaa"><!ENTITY b "&a;&a;&a;&a;&a;&a;&a;&a;&a;&a;">]>';
    const buf = book({ sheet: `<?xml version="1.0"?>${doctype}<worksheet xmlns="${MAIN}"><sheetData><row r="1"><c t="inlineStr"><is><t>&b;</t></is></c></row></sheetData></worksheet>` });
    expect(grid(readFirstSheet(buf))[1]).toEqual(['&b;']);
  });
});

describe('hostile and broken input ends in XlsxReadError', () => {
  it('not a zip, a truncated zip, a zip that is not a workbook', async () => {
    expect(reason(() => readFirstSheet(Buffer.from('this is not a spreadsheet')))).toBe('not_zip');
    expect(reason(() => readFirstSheet(Buffer.from('PK\x03\x04garbage garbage garbage garbage')))).toBe('corrupt');
    const good = await xlsx([['a']]);
    expect(reason(() => readFirstSheet(good.subarray(0, good.length - 30)))).toBe('corrupt');
    expect(reason(() => readFirstSheet(zip([{ name: 'word/document.xml', data: Buffer.from('<w:document/>') }])))).toBe('no_sheet');
  });

  it('too many parts, too much declared, a part inflating past its declared size', () => {
    const many = zip(Array.from({ length: 11 }, (_, i) => ({ name: `p${i}.xml`, data: Buffer.from('x') })));
    expect(reason(() => readFirstSheet(many, { maxEntries: 10 }))).toBe('too_big');
    expect(reason(() => readFirstSheet(many, { maxEntries: 11 }))).toBe('no_sheet');

    const declared = zip([{ name: 'xl/worksheets/sheet1.xml', data: Buffer.alloc(2000, 0x20) }]);
    expect(reason(() => readFirstSheet(declared, { maxUncompressed: 1999 }))).toBe('too_big');

    // 200 MB of zeros claiming to be 1 KB: stopped at the first slice, so it is quick.
    const liar = zip([{ name: 'xl/worksheets/sheet1.xml', data: Buffer.alloc(200 * 1024 * 1024), declaredSize: 1000 }]);
    const t0 = performance.now();
    expect(reason(() => readFirstSheet(liar))).toBe('too_big');
    expect(performance.now() - t0).toBeLessThan(1000);
  }, 30_000);

  it('a part smaller than declared, an unknown method, an encrypted part, a damaged deflate stream', () => {
    const sheet = Buffer.from(`<worksheet xmlns="${MAIN}"><sheetData/></worksheet>`);
    expect(reason(() => readFirstSheet(zip([{ name: 'xl/worksheets/sheet1.xml', data: sheet, declaredSize: sheet.length + 1 }])))).toBe('corrupt');
    const patched = (patch: (b: Buffer, central: number) => void) => {
      const b = zip([{ name: 'xl/worksheets/sheet1.xml', data: sheet }]);
      patch(b, b.readUInt32LE(b.length - 6));
      return b;
    };
    expect(reason(() => readFirstSheet(patched((b, c) => b.writeUInt16LE(12, c + 10))))).toBe('corrupt'); // bzip2
    expect(reason(() => readFirstSheet(patched((b, c) => b.writeUInt16LE(1, c + 8))))).toBe('corrupt'); // encrypted
    expect(reason(() => readFirstSheet(patched((b) => b.fill(0xff, 30 + 24, 30 + 40))))).toBe('corrupt');
    // Sanity: unpatched it reads.
    expect(reason(() => readFirstSheet(patched(() => {})))).toBe('no error');
  });

  it('a shared-string index past the table', () => {
    expect(reason(() => readFirstSheet(book({ sheet: '<row r="1"><c t="s"><v>5</v></c></row>', sst: '<si><t>x</t></si>' })))).toBe('corrupt');
  });

  it('more cells than the limit, merged ranges included; a merge over the whole grid is clipped', () => {
    const cells = (n: number) => `<row r="1">${'<c><v>1</v></c>'.repeat(n)}</row>`;
    expect(reason(() => readFirstSheet(book({ sheet: cells(10) }), { maxCells: 10 }))).toBe('no error');
    expect(reason(() => readFirstSheet(book({ sheet: cells(11) }), { maxCells: 10 }))).toBe('too_big');
    const merged = book({ sheet: cells(3) + '<row r="4"><c r="C4"/></row>', sheetTail: '<mergeCells><mergeCell ref="A1:XFD1048576"/></mergeCells>' });
    const g = readFirstSheet(merged, { maxCells: 12 });
    expect(g.rows.map((r) => [r.row, Array.from(r.cells)])).toEqual([1, 2, 3, 4].map((r) => [r, [1, 1, 1]]));
    expect(reason(() => readFirstSheet(merged, { maxCells: 11 }))).toBe('too_big');
  });

  it('references beyond the grid are ignored, not allocated', () => {
    const buf = book({ sheet: '<row r="1"><c r="XFD1"><v>1</v></c><c r="ZZZ1"><v>2</v></c></row><row r="2000000"><c><v>3</v></c></row>' });
    const rows = readFirstSheet(buf).rows;
    expect(rows.map((r) => [r.row, r.cells.length, r.cells[16383]])).toEqual([[1, 16384, 1]]);
  });

  it('random bytes and mangled workbooks: a result or XlsxReadError, nothing else', async () => {
    const base = await xlsx([
      ['Câu hỏi', 'Đáp án A', 'Đáp án B', 'Đáp án đúng'],
      ['Q?', { richText: [{ text: 'x' }] }, new Date(Date.UTC(2024, 0, 1)), { formula: '1+1', result: 2 }],
    ]);
    const parts = unzip(base);
    const junk = fc.oneof(
      fc.constantFrom('<', '>', '&', '"', '&#0;', '&#x110000;', ']]>', '<![CDATA[', '<!--', '<!DOCTYPE x [', '</sheetData>', '<c r="A1" t="s"><v>99</v></c>', '<row r="0">', 'r="ZZZZ9"', '<mergeCell ref="A1:XFD1048576"/>', '\u0000', '😀'),
      fc.string({ unit: 'binary', maxLength: 20 }),
    );
    await fc.assert(
      fc.property(fc.constantFrom(...parts.map((p) => p.name)), fc.nat(), junk, fc.constantFrom('insert', 'truncate', 'replace', 'drop'), (name, at, j, op) => {
        const mangled = parts.flatMap((p) => {
          if (p.name !== name) return [p];
          if (op === 'drop') return [];
          const xml = p.data.toString('utf8');
          const i = at % Math.max(1, xml.length);
          const data = op === 'insert' ? xml.slice(0, i) + j + xml.slice(i) : op === 'truncate' ? xml.slice(0, i) : j;
          return [{ name: p.name, data: Buffer.from(data, 'utf8') }];
        });
        const r = reason(() => readFirstSheet(zip(mangled)));
        expect(r.startsWith('other'), r).toBe(false);
      }),
      { numRuns: 400 },
    );
    await fc.assert(
      fc.property(fc.uint8Array({ maxLength: 3000 }), fc.array(fc.tuple(fc.nat(), fc.integer({ min: 0, max: 255 })), { maxLength: 8 }), (bytes, flips) => {
        const b = Buffer.concat([Buffer.from('PK\x03\x04'), Buffer.from(bytes)]);
        expect(reason(() => readFirstSheet(b)).startsWith('other')).toBe(false);
        const c = Buffer.from(base);
        for (const [at, v] of flips) c[at % c.length] = v;
        expect(reason(() => readFirstSheet(c)).startsWith('other')).toBe(false);
      }),
      { numRuns: 300 },
    );
  }, 60_000);

  it('a part that is not XML at all reads as an empty sheet', () => {
    expect(readFirstSheet(book({ sheet: '', extra: { 'xl/worksheets/sheet1.xml': '\u0000\u0001<<<>>>&&&' } }))).toEqual({ name: 'Trang 1', rows: [] });
  });
});
