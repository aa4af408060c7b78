// Issue 7, bad input: a fuzzed corpus of question files sent to
// POST /api/admin/contests/{id}/questions/import on the real local mode. Broken quoting, Windows-1258
// and invalid UTF-8, UTF-16 LE/BE with and without BOM, empty files and sheets, formulas with and
// without cached results, zips that are not workbooks, zip bombs, huge sheets, DOCTYPE entities,
// 4.5 MB and 10 MB files, random bytes and mangled workbooks (fast-check). Every answer is 200
// (valid files), 422 IMPORT_INVALID with {row, message} details, or 413 PAYLOAD_TOO_LARGE; never a
// 5xx; and a refused file stores nothing.
import ExcelJS from 'exceljs';
import fc from 'fast-check';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { apiClient, type ApiResponse } from '../helpers/api.ts';
import { expectStatus } from '../helpers/contest.ts';
import type { Stack } from '../helpers/server.ts';
import { sharedServer } from '../helpers/shared-server.ts';
import { staffTokens } from '../helpers/tokens.ts';
import { csv, unzip, xlsx, zip, XLSX } from '../unit/import/helpers.ts';
import { MAIN, book } from '../unit/import/parts.ts';

const RUNS = Number(process.env.FUZZ_RUNS ?? 30);
const SEED = process.env.FUZZ_SEED ? Number(process.env.FUZZ_SEED) : undefined;
const MB = 1024 * 1024;

let server: Stack;
let api: ReturnType<typeof apiClient>;
let token: string;
let contestId: string;
const stats = { cases: 0, byStatus: new Map<number, number>(), imported: 0 };

const HEADER_VI = ['Câu hỏi', 'Đáp án A', 'Đáp án B', 'Đáp án C', 'Đáp án D', 'Đáp án đúng'];
const HEADER_EN = ['question', 'a', 'b', 'c', 'd', 'correct'];
const ROWS = [
  ['Người dân có thể nộp hồ sơ thủ tục hành chính ở đâu?', 'Bộ phận một cửa của xã', 'Nhà văn hóa thôn', 'Chợ', 'Trạm y tế', 'A'],
  ['Dịch vụ công trực tuyến toàn trình là gì?', 'Nộp hồ sơ và nhận kết quả qua mạng', 'Chỉ tra cứu thông tin', 'Gọi điện cho cán bộ', 'Gửi thư tay', 'A'],
  ['Những kênh nào dùng để phản ánh, kiến nghị?', 'Cổng dịch vụ công quốc gia', 'Đường dây nóng', 'Hộp thư góp ý', 'Không có kênh nào', 'A, B, C'],
];
const validCsv = (header = HEADER_VI, rows = ROWS) => csv([header, ...rows]);

// --- encodings, built by hand -------------------------------------------------------------------

/** Windows-1258 (Vietnamese): base letters with circumflex/breve/horn/stroke are single bytes, tones are combining bytes. */
const CP1258_BASE: Record<string, number> = { â: 0xe2, Â: 0xc2, ê: 0xea, Ê: 0xca, ô: 0xf4, Ô: 0xd4, ơ: 0xf5, Ơ: 0xd5, ư: 0xfd, Ư: 0xdd, ă: 0xe3, Ă: 0xc3, đ: 0xf0, Đ: 0xd0 };
const CP1258_TONE: Record<string, number> = { '\u0300': 0xcc, '\u0301': 0xec, '\u0303': 0xde, '\u0309': 0xd2, '\u0323': 0xf2 };
function cp1258(text: string): Buffer {
  const out: number[] = [];
  const chars = [...text.normalize('NFD')];
  for (let i = 0; i < chars.length; ) {
    let base = chars[i++]!;
    const tones: number[] = [];
    while (i < chars.length && /\p{M}/u.test(chars[i]!)) {
      const m = chars[i++]!;
      if (CP1258_TONE[m] !== undefined) tones.push(CP1258_TONE[m]!);
      else base += m; // circumflex, breve, horn stay with the letter
    }
    base = base.normalize('NFC');
    const code = CP1258_BASE[base] ?? (base.charCodeAt(0) < 0x80 ? base.charCodeAt(0) : 0x3f);
    out.push(code, ...tones);
  }
  return Buffer.from(out);
}
const utf16le = (s: string) => Buffer.from(s, 'utf16le');
const utf16be = (s: string) => {
  const b = Buffer.from(s, 'utf16le');
  for (let i = 0; i + 1 < b.length; i += 2) [b[i], b[i + 1]] = [b[i + 1]!, b[i]!];
  return b;
};
const cat = (...parts: (Buffer | number[] | string)[]) => Buffer.concat(parts.map((p) => (typeof p === 'string' ? Buffer.from(p, 'utf8') : Buffer.from(p))));

// --- the request and its checks ------------------------------------------------------------------

async function questionCount(id = contestId): Promise<number> {
  const res = await api.get(`/api/admin/contests/${id}/questions`, token);
  expectStatus(res, 200);
  return res.body.items.length;
}

async function send(bytes: Buffer | Uint8Array | string, contentType: string | undefined, id = contestId): Promise<ApiResponse> {
  const headers: Record<string, string> = {};
  if (contentType !== undefined) headers['content-type'] = contentType;
  return api.call('POST', `/api/admin/contests/${id}/questions/import`, { token, raw: bytes as BodyInit, headers });
}

/** One import: allowed status, the envelope, and all or nothing. Returns the response. */
async function importChecked(what: string, bytes: Buffer | Uint8Array | string, contentType: string | undefined, allowed: readonly number[]): Promise<ApiResponse> {
  const before = await questionCount();
  const res = await send(bytes, contentType);
  stats.cases++;
  stats.byStatus.set(res.status, (stats.byStatus.get(res.status) ?? 0) + 1);
  const show = `${what}: ${res.status} ${res.text.slice(0, 500)}`;
  expect(res.status, show).toBeLessThan(500);
  expect(allowed, show).toContain(res.status);
  const after = await questionCount();
  if (res.status === 200) {
    expect(res.body, show).toEqual({ imported: expect.any(Number), total: expect.any(Number) });
    expect(res.body.imported, show).toBeGreaterThan(0);
    expect(after, show).toBe(before + res.body.imported);
    expect(res.body.total, show).toBe(after);
    stats.imported += res.body.imported;
    return res;
  }
  expect(after, `${show} - a refused file must store nothing`).toBe(before);
  const err = res.body?.error;
  expect(err?.code, show).toBe(res.status === 413 ? 'PAYLOAD_TOO_LARGE' : 'IMPORT_INVALID');
  expect(typeof err.message, show).toBe('string');
  if (res.status === 422) {
    expect(Array.isArray(err.details) && err.details.length > 0, show).toBe(true);
    for (const d of err.details) {
      expect(d, show).toEqual({ row: expect.any(Number), message: expect.any(String) });
      expect(d.message.length, show).toBeGreaterThan(0);
    }
  }
  return res;
}

beforeAll(async () => {
  server = await sharedServer();
  api = apiClient(server.baseUrl);
  token = (await staffTokens(api)).admin;
  contestId = await createDraft('Ngân hàng câu hỏi fuzz');
}, 240_000);

afterAll(async () => {
  const statuses = [...stats.byStatus].sort((a, b) => b[1] - a[1]).map(([k, v]) => `${k}:${v}`).join(' ');
  console.log(`[import-fuzz] ${stats.cases} question-file cases run; statuses ${statuses}; ${stats.imported} questions imported by the valid ones`);
});

async function createDraft(title: string): Promise<string> {
  const res = await api.post(
    '/api/admin/contests',
    { title, startsAt: '2030-01-01T00:00:00Z', endsAt: '2030-02-01T00:00:00Z', questionsPerAttempt: 2, timeLimitSec: 600, maxAttempts: 1, unitIds: ['hoi-nong-dan'] },
    token,
  );
  expectStatus(res, 201);
  return res.body.id;
}

// --- the corpus ----------------------------------------------------------------------------------

type Case = [name: string, make: () => Promise<Buffer | string> | Buffer | string, contentType: string | undefined, allowed: number[]];
const OK = [200];
const BAD = [422];
const TOO_BIG = [413];

const viText = validCsv();
const corpus: Case[] = [
  // Baselines: the same bank in the encodings the contract accepts.
  ['valid CSV, UTF-8', () => viText, 'text/csv', OK],
  ['valid CSV, UTF-8 with BOM', () => cat([0xef, 0xbb, 0xbf], viText), 'text/csv; charset=utf-8', OK],
  ['valid CSV, English headers, semicolons', () => csv([HEADER_EN, ...ROWS], ';'), 'text/csv', OK],
  ['valid CSV, sep= line and CR-only line ends', () => `sep=;\r${csv([HEADER_EN, ...ROWS], ';').replace(/\r\n/g, '\r')}`, 'text/csv', OK],
  ['valid CSV labelled application/vnd.ms-excel', () => viText, 'application/vnd.ms-excel', OK],
  ['UTF-16 LE with BOM', () => cat([0xff, 0xfe], utf16le(viText)), 'text/csv', OK],
  ['UTF-16 BE with BOM', () => cat([0xfe, 0xff], utf16be(viText)), 'text/csv', OK],
  ['UTF-16 LE without BOM', () => utf16le(validCsv(HEADER_EN)), 'text/csv', OK],
  ['UTF-16 BE without BOM', () => utf16be(validCsv(HEADER_EN)), 'text/csv', OK],
  ['UTF-16 LE with BOM, odd byte count (truncated)', () => cat([0xff, 0xfe], utf16le(viText), [0x41]), 'text/csv', BAD],
  ['UTF-16 LE with BOM, lone surrogate', () => cat([0xff, 0xfe], utf16le(viText), [0x00, 0xd8, 0x41, 0x00]), 'text/csv', BAD],
  ['UTF-16 BE bytes behind a UTF-16 LE BOM', () => cat([0xff, 0xfe], utf16be(viText)), 'text/csv', BAD],
  // Windows-1258 and other bytes that are not UTF-8.
  ['Windows-1258, ASCII header', () => cat(`${HEADER_EN.join(',')}\r\n`, cp1258(csv(ROWS))), 'text/csv', BAD],
  ['Windows-1258, Vietnamese header', () => cp1258(viText), 'text/csv', BAD],
  ['Windows-1258 Đ/đ only (0xD0, 0xF0)', () => cat(`${HEADER_EN.join(',')}\n`, cp1258('Đơn vị nào? Đoàn Thanh niên,Đúng,Sai,Không,Có,A\n')), 'text/csv', BAD],
  ['invalid UTF-8: C3 28', () => cat(`${HEADER_EN.join(',')}\nQ`, [0xc3, 0x28], ',a,b,c,d,A\n'), 'text/csv', BAD],
  ['invalid UTF-8: lone FF', () => cat(`${HEADER_EN.join(',')}\nQ`, [0xff], ',a,b,c,d,A\n'), 'text/csv', BAD],
  ['invalid UTF-8: overlong C0 AF', () => cat(`${HEADER_EN.join(',')}\nQ`, [0xc0, 0xaf], ',a,b,c,d,A\n'), 'text/csv', BAD],
  ['invalid UTF-8: encoded surrogate ED A0 80', () => cat(`${HEADER_EN.join(',')}\nQ`, [0xed, 0xa0, 0x80], ',a,b,c,d,A\n'), 'text/csv', BAD],
  ['invalid UTF-8: truncated sequence at the end', () => cat(viText, [0xe1, 0xbb]), 'text/csv', BAD],
  ['Latin-1 bytes (é = E9)', () => cat(`${HEADER_EN.join(',')}\nCaf`, [0xe9], '?,a,b,c,d,A\n'), 'text/csv', BAD],
  // Broken quoting.
  ['unclosed quote', () => `${HEADER_EN.join(',')}\n"Câu hỏi chưa đóng ngoặc,x,y,z,w,A\nQ2,a,b,c,d,A\n`, 'text/csv', BAD],
  ['text after a closing quote', () => `${HEADER_EN.join(',')}\n"Câu hỏi" thêm chữ,x,y,z,w,A\n`, 'text/csv', BAD],
  ['quote opening mid-file, never closed', () => `${viText}"Q4,a,b,c,d,A\nQ5,a,b,c,d,A\n`, 'text/csv', BAD],
  ['only a quote', () => '"', 'text/csv', BAD],
  ['doubled quotes done right', () => `${HEADER_EN.join(',')}\n"Câu ""trích dẫn"" nào?",a,b,c,d,A\n`, 'text/csv', OK],
  // Empty and nearly empty.
  ['empty file (CSV)', () => '', 'text/csv', BAD],
  ['empty file (xlsx)', () => Buffer.alloc(0), XLSX, BAD],
  ['only a BOM', () => Buffer.from([0xef, 0xbb, 0xbf]), 'text/csv', BAD],
  ['only blank lines and separators', () => '\r\n\r\n,,,,\r\n;;;\r\n', 'text/csv', BAD],
  ['header only (CSV)', () => `${HEADER_VI.join(',')}\r\n`, 'text/csv', BAD],
  ['header only (xlsx)', () => xlsx([HEADER_VI]), XLSX, BAD],
  ['rows without a header', () => csv(ROWS), 'text/csv', BAD],
  ['header with no question column', () => csv([['a', 'b', 'c', 'd', 'correct'], ['x', 'y', 'z', 'w', 'A']]), 'text/csv', BAD],
  ['a row with NUL, RTL override and emoji cells', () => csv([HEADER_EN, ['Q\u0000 \u202Egnp.exe 😀?', 'a\u0301', 'b', 'c', 'd', 'A']]), 'text/csv', [200, 422]],
  ['5,001 questions (over the per-file limit)', () => csv([HEADER_EN, ...Array.from({ length: 5001 }, (_, i) => [`Câu ${i}?`, 'a', 'b', 'c', 'd', 'A'])]), 'text/csv', BAD],
  ['a 900 KB cell', () => csv([HEADER_EN, ['Q'.repeat(900 * 1024), 'a', 'b', 'c', 'd', 'A']]), 'text/csv', BAD],
  // Workbooks.
  ['valid xlsx', () => xlsx([HEADER_VI, ...ROWS]), XLSX, OK],
  ['valid xlsx labelled text/csv (the bytes win)', () => xlsx([HEADER_VI, ...ROWS]), 'text/csv', OK],
  ['CSV labelled as xlsx', () => viText, XLSX, BAD],
  ['empty sheet', () => xlsx([]), XLSX, BAD],
  ['workbook without sheets', async () => Buffer.from(await new ExcelJS.Workbook().xlsx.writeBuffer()), XLSX, BAD],
  [
    'first sheet empty, questions on the second',
    () => xlsx([], (_ws, wb) => wb.addWorksheet('Câu hỏi').addRows([HEADER_VI, ...ROWS])),
    XLSX,
    BAD,
  ],
  [
    'formulas with cached results',
    () =>
      xlsx([
        HEADER_VI,
        [{ formula: 'UPPER("q")', result: 'Câu hỏi từ công thức?' }, { formula: '"Đúng"', result: 'Đúng' }, 'Sai', 'Không', 'Có', { formula: 'CHAR(65)', result: 'A' }],
        ...ROWS,
      ]),
    XLSX,
    OK,
  ],
  ['a formula without a cached result', () => xlsx([HEADER_VI, [{ formula: 'A1&"?"' } as never, 'a', 'b', 'c', 'd', 'A'], ...ROWS]), XLSX, BAD],
  ['a formula whose cached result is an error', () => xlsx([HEADER_VI, ['Q?', 'a', 'b', 'c', 'd', { formula: 'NA()', result: { error: '#N/A' } } as never]]), XLSX, BAD],
  ['xlsx cut in half', async () => (await xlsx([HEADER_VI, ...ROWS])).subarray(0, 2000), XLSX, BAD],
  ['legacy .xls (OLE2 header)', () => cat([0xd0, 0xcf, 0x11, 0xe0, 0xa1, 0xb1, 0x1a, 0xe1], Buffer.alloc(600)), XLSX, BAD],
  ['legacy .xls labelled CSV', () => cat([0xd0, 0xcf, 0x11, 0xe0, 0xa1, 0xb1, 0x1a, 0xe1], Buffer.alloc(600)), 'application/vnd.ms-excel', BAD],
  // Zips that are not workbooks.
  ['a zip of a text file', () => zip([{ name: 'readme.txt', data: Buffer.from('xin chào') }]), XLSX, BAD],
  ['a zip of a text file labelled CSV', () => zip([{ name: 'readme.txt', data: Buffer.from('xin chào') }]), 'text/csv', BAD],
  ['a .docx-like zip', () => zip([{ name: '[Content_Types].xml', data: Buffer.from('<Types/>') }, { name: 'word/document.xml', data: Buffer.from('<w:document/>') }]), XLSX, BAD],
  ['an .ods-like zip', () => zip([{ name: 'mimetype', data: Buffer.from('application/vnd.oasis.opendocument.spreadsheet'), store: true }, { name: 'content.xml', data: Buffer.from('<x/>') }]), XLSX, BAD],
  ['a zip bomb (a part lying about its size)', () => zip([{ name: 'xl/worksheets/sheet1.xml', data: Buffer.alloc(20 * MB, 0x41), declaredSize: 1000 }]), XLSX, BAD],
  ['a zip declaring 60 MB uncompressed', () => zip([{ name: 'xl/worksheets/sheet1.xml', data: Buffer.alloc(60 * MB, 0x20) }]), XLSX, BAD],
  ['a zip of 1,200 parts', () => zip(Array.from({ length: 1200 }, (_, i) => ({ name: `p${i}.xml`, data: Buffer.from('<a/>') }))), XLSX, BAD],
  ['only the zip magic', () => Buffer.from([0x50, 0x4b, 0x03, 0x04]), XLSX, BAD],
  // Huge sheets: what the reader would lay out as a dense grid.
  ['a value in the last cell of the grid (XFD1048576)', () => book({ sheet: '<row r="1"><c r="A1"><v>1</v></c></row><row r="1048576"><c r="XFD1048576"><v>1</v></c></row>' }), XLSX, BAD],
  // Hand-built: exceljs itself creates every cell of a merged range.
  ['a merge over the whole grid', () => book({ sheet: '<row r="1"><c r="A1"><v>1</v></c><c r="B1"><v>2</v></c></row>', sheetTail: '<mergeCells><mergeCell ref="A1:XFD1048576"/></mergeCells>' }), XLSX, BAD],
  ['entities declared in a DOCTYPE (billion laughs)', () => book({ sheet: `<?xml version="1.0"?><!DOCTYPE x [<!ENTITY a "aaaaaaaaaa"><!ENTITY b "&a;&a;&a;&a;&a;&a;&a;&a;&a;&a;">]><worksheet xmlns="${MAIN}"><sheetData><row r="1"><c r="A1" t="inlineStr"><is><t>&b;&b;</t></is></c></row></sheetData></worksheet>` }), XLSX, BAD],
  // Types and sizes.
  ['a PDF', () => cat('%PDF-1.4\n', Buffer.alloc(200, 0x20)), 'application/pdf', BAD],
  // A Buffer body: fetch adds text/plain to a string body of its own accord.
  ['no Content-Type', () => Buffer.from(viText), undefined, BAD],
  ['JSON instead of a file', () => JSON.stringify({ questions: ROWS }), 'application/json', BAD],
  ['4.5 MB CSV (over the 4 MB body limit)', () => csv([HEADER_EN, ...Array.from({ length: 50_000 }, (_, i) => [`Câu hỏi ${i} ${'x'.repeat(70)}?`, 'a', 'b', 'c', 'd', 'A'])]), 'text/csv', TOO_BIG],
  ['4.5 MB of xlsx-typed bytes', () => cat([0x50, 0x4b, 0x03, 0x04], Buffer.alloc(4.5 * MB, 0x41)), XLSX, TOO_BIG],
  ['10 MB CSV', () => Buffer.alloc(10 * MB, 0x41), 'text/csv', TOO_BIG],
  ['10 MB xlsx', () => cat([0x50, 0x4b, 0x03, 0x04], Buffer.alloc(10 * MB, 0)), XLSX, TOO_BIG],
];

describe('question-file corpus', () => {
  it.each(corpus)('%s', async (name, make, contentType, allowed) => {
    await importChecked(name, await make(), contentType, allowed);
  });

  it('the valid files really were imported, each all at once', async () => {
    expect(stats.imported).toBeGreaterThan(0);
  });
});

// --- fuzzing -------------------------------------------------------------------------------------

const oddCell = fc.oneof(
  fc.constantFrom('', ' ', 'A', 'a, c', 'B;D', 'Z', '1', 'Đáp án A', '"', '""', '"x"y', ',', ';', '\t', '\r', '\n', '\r\n', '\u0000', '\u202E', '\uFEFF', '😀', 'a\u0301\u0323', '=1+1', '=CMD|"/c calc"!A1', '+84', '@SUM(1)', 'x'.repeat(1200)),
  fc.string({ unit: 'grapheme-composite', maxLength: 20 }),
  fc.string({ unit: 'binary', maxLength: 20 }),
);
const HEADER_NAMES = [...HEADER_VI, ...HEADER_EN, 'Chủ đề', 'Giải thích', 'topic', 'explanation', 'STT', 'Ghi chú', 'Đáp án E', 'f', 'Đáp án G', ''];

/** Random CSV text: a header from known and unknown names, rows of odd cells, random quoting, delimiter and line ends. */
const randomCsv = fc
  .record({
    header: fc.array(fc.oneof(fc.constantFrom(...HEADER_NAMES), fc.string({ maxLength: 8 })), { minLength: 0, maxLength: 9 }),
    rows: fc.array(fc.array(oddCell, { maxLength: 9 }), { maxLength: 8 }),
    delimiter: fc.constantFrom(',', ';', '\t', '|'),
    eol: fc.constantFrom('\n', '\r\n', '\r'),
    quoteAll: fc.boolean(),
    raw: fc.boolean(),
  })
  .map(({ header, rows, delimiter, eol, quoteAll, raw }) =>
    [header, ...rows]
      .map((r) => r.map((c) => (raw ? c : quoteAll || /[",;\t\r\n|]/.test(c) ? `"${c.replace(/"/g, '""')}"` : c)).join(delimiter))
      .join(eol),
  );

const FILE_TYPES = ['text/csv', XLSX, 'text/plain', 'application/vnd.ms-excel', 'application/octet-stream', 'image/png', ''];

describe('fuzzed question files (fast-check)', () => {
  const opts = { numRuns: RUNS, seed: SEED, interruptAfterTimeLimit: 20_000 };

  it('random bytes as CSV and as xlsx', async () => {
    await fc.assert(
      fc.asyncProperty(fc.uint8Array({ maxLength: 3000 }), fc.constantFrom('text/csv', XLSX), fc.boolean(), async (bytes, type, zipMagic) => {
        const body = zipMagic ? cat([0x50, 0x4b, 0x03, 0x04], Buffer.from(bytes)) : Buffer.from(bytes);
        await importChecked(`${bytes.length} random bytes${zipMagic ? ' after PK\\3\\4' : ''} as ${type}`, body, type, [200, 422]);
      }),
      opts,
    );
  });

  it('random CSV text with odd cells, quoting, delimiters and line ends', async () => {
    await fc.assert(
      fc.asyncProperty(randomCsv, fc.constantFrom('utf8', 'utf8-bom', 'utf16le-bom', 'utf16be-bom'), fc.constantFrom(...FILE_TYPES), async (text, enc, type) => {
        const bytes =
          enc === 'utf8' ? Buffer.from(text) : enc === 'utf8-bom' ? cat([0xef, 0xbb, 0xbf], text) : enc === 'utf16le-bom' ? cat([0xff, 0xfe], utf16le(text)) : cat([0xfe, 0xff], utf16be(text));
        await importChecked(`random CSV (${enc}, ${type || 'no type'}): ${JSON.stringify(text.slice(0, 300))}`, bytes, type, [200, 422]);
      }),
      opts,
    );
  });

  it('valid banks with random bytes flipped, inserted or cut, as CSV and xlsx', async () => {
    const book = await xlsx([HEADER_VI, ...ROWS]);
    const text = Buffer.from(viText);
    await fc.assert(
      fc.asyncProperty(
        fc.boolean(),
        fc.array(fc.record({ at: fc.nat(), byte: fc.integer({ min: 0, max: 255 }), op: fc.constantFrom('flip', 'insert', 'cut') }), { minLength: 1, maxLength: 6 }),
        async (asXlsx, edits) => {
          let b = Buffer.from(asXlsx ? book : text);
          for (const { at, byte, op } of edits) {
            const i = at % Math.max(1, b.length);
            if (op === 'flip') b[i] = byte;
            else if (op === 'insert') b = Buffer.concat([b.subarray(0, i), Buffer.from([byte]), b.subarray(i)]);
            else b = b.subarray(0, Math.max(1, i));
          }
          await importChecked(`mangled ${asXlsx ? 'xlsx' : 'CSV'} (${JSON.stringify(edits)})`, b, asXlsx ? XLSX : 'text/csv', [200, 422]);
        },
      ),
      opts,
    );
  });

  it('workbooks with a mangled XML part', async () => {
    const parts = unzip(await xlsx([HEADER_VI, ...ROWS]));
    const names = parts.map((p) => p.name);
    await fc.assert(
      fc.asyncProperty(
        fc.constantFrom(...names),
        fc.nat(),
        fc.oneof(
          fc.constantFrom('<', '>', '&', '&#0;', '&#xD800;', ']]>', '<!DOCTYPE x [<!ENTITY a "aaaaaaaaaa">]>', '<?xml version="1.0"?>', '"', '</worksheet>', '<c r="A1" t="s"><v>99999</v></c>', '<row r="0">', '\u0000', '😀'),
          fc.string({ unit: 'binary', maxLength: 30 }),
        ),
        fc.constantFrom('insert', 'truncate', 'replace', 'drop-part'),
        async (name, at, junk, op) => {
          const mangled = parts.flatMap((p) => {
            if (p.name !== name) return [p];
            if (op === 'drop-part') return [];
            const xml = p.data.toString('utf8');
            const i = at % Math.max(1, xml.length);
            const data = op === 'insert' ? xml.slice(0, i) + junk + xml.slice(i) : op === 'truncate' ? xml.slice(0, i) : junk;
            return [{ name: p.name, data: Buffer.from(data, 'utf8') }];
          });
          await importChecked(`xlsx with ${name} ${op} at ${at} (${JSON.stringify(junk)})`, zip(mangled), XLSX, [200, 422]);
        },
      ),
      opts,
    );
  });
});

describe('the bank limit', () => {
  it('an import that would overflow the bank stores nothing and is refused with a 4xx in the envelope', async () => {
    const full = await createDraft('Ngân hàng gần đầy');
    const many = (n: number, prefix: string) => csv([HEADER_EN, ...Array.from({ length: n }, (_, i) => [`${prefix} ${i}?`, 'a', 'b', 'c', 'd', 'A'])]);
    expectStatus(await send(many(1999, 'Câu'), 'text/csv', full), 200);
    const res = await send(many(2, 'Thêm'), 'text/csv', full);
    stats.cases++;
    expect(res.status, res.text).toBeLessThan(500);
    expect(res.status, res.text).not.toBe(200);
    expect(res.body.error.code, res.text).toMatch(/^(IMPORT_INVALID|VALIDATION_FAILED)$/);
    expect(await questionCount(full)).toBe(1999);
  });
});
