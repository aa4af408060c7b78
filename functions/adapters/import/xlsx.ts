// XLSX bytes -> grid: the first worksheet (in tab order), read by `read-excel-file` behind a guard.
//
// The library inflates whatever zip it is given and lays the sheet out as a dense grid, so it never
// sees the upload itself:
//  1. fflate's `unzipSync` reads the central directory; more than MAX_XLSX_ENTRIES parts or more
//     than MAX_XLSX_UNCOMPRESSED_BYTES declared is refused before anything is inflated. Only the
//     XML parts are inflated, each into a buffer of its declared size (fflate cuts a part that
//     inflates past it, so a lying part costs no more memory than it declares).
//  2. One pass of regular expressions over the first sheet's XML bounds the grid the library will
//     allocate (last row x last column holding a value, at most MAX_XLSX_CELLS), and notes what the
//     library turns into empty cells but an organizer must hear about: error values (#N/A) and
//     formulas without a cached result. It also reads the merged ranges, which the library ignores:
//     a merged range repeats its top-left value in every cell it covers (one topic over several
//     questions), as before.
//  3. The library reads a stored (uncompressed) zip of those parts only.
// Every cell becomes a string: rich text joined, formulas replaced by their cached result,
// hyperlinks by their text, dates as dd/mm/yyyy, numbers with Excel's 15 significant digits.

import { unzipSync, zipSync } from 'fflate';
import type { Unzipped } from 'fflate';
import { readSheet } from 'read-excel-file/universal';
import { MAX_XLSX_CELLS, MAX_XLSX_ENTRIES, MAX_XLSX_UNCOMPRESSED_BYTES } from './limits.ts';
import type { GridCell, GridResult, GridRow } from './types.ts';

export const XLSX_UNREADABLE_MESSAGE =
  'Không đọc được tệp Excel (.xlsx): tệp bị hỏng hoặc không phải tệp Excel. Hãy mở tệp bằng Excel, lưu lại dạng .xlsx rồi tải lên lại';

const TOO_BIG_MESSAGE =
  'Tệp Excel quá lớn khi giải nén (có thể chứa nhiều ảnh hoặc trang tính lớn): hãy chỉ giữ trang tính câu hỏi, xoá ảnh rồi lưu lại';

const ODS_MESSAGE =
  'Đây là tệp bảng tính OpenDocument (.ods): hãy chọn Lưu thành (Save As) dạng "Excel 2007-365 (.xlsx)" rồi tải lên lại';

const NO_CACHED_RESULT =
  'ô có công thức nhưng chưa có giá trị tính sẵn: hãy mở tệp bằng Excel, lưu lại rồi tải lên (hoặc dán giá trị thay cho công thức)';

class Refused extends Error {
  constructor(readonly reason: 'too_big' | 'unreadable' | 'no_workbook') {
    super(reason);
  }
}

export async function xlsxToGrid(body: Buffer): Promise<GridResult> {
  try {
    return await read(body);
  } catch (e) {
    const reason = e instanceof Refused ? e.reason : 'unreadable';
    // A zip that is not a workbook: .docx, or an OpenDocument sheet (its first part is a stored `mimetype`).
    const ods = reason === 'no_workbook' && body.subarray(0, 120).includes('application/vnd.oasis.opendocument.spreadsheet');
    const message = reason === 'too_big' ? TOO_BIG_MESSAGE : ods ? ODS_MESSAGE : XLSX_UNREADABLE_MESSAGE;
    return { ok: false, errors: [{ row: 0, message }] };
  }
}

async function read(body: Buffer): Promise<GridResult> {
  const parts = inflateXmlParts(body);
  const workbook = text(parts, 'xl/workbook.xml');
  if (workbook === undefined) throw new Refused('no_workbook');
  const first = firstSheet(workbook, text(parts, 'xl/_rels/workbook.xml.rels') ?? '');
  if (!first || parts[first.path] === undefined) throw new Refused('unreadable');
  // Decoded inside the call, so the sheet's text can be collected before the library decodes it again.
  const scan = scanSheet(text(parts, first.path)!);

  const stored = zipSync(parts, { level: 0 });
  const data = await readSheet(stored.buffer.slice(stored.byteOffset, stored.byteOffset + stored.byteLength) as ArrayBuffer, { trim: false });

  // Its types say `typeof Date` where it returns Date instances.
  const grid: GridCell[][] = data.map((row) => row.map((v) => cellToGrid(v as unknown as ReadCell)));
  for (const [key, problem] of scan.problems) {
    const [r, c] = key;
    (grid[r - 1] ??= [])[c - 1] = { problem };
  }
  applyMerges(grid, scan.merges);

  const rows: GridRow[] = [];
  grid.forEach((cells, i) => {
    if (cells && cells.some((c) => typeof c !== 'string' || c.trim() !== '')) rows.push({ row: i, cells });
  });
  if (rows.length === 0) {
    return { ok: false, errors: [{ row: 0, message: `Trang tính đầu tiên ("${first.name}") không có dữ liệu` }] };
  }
  return { ok: true, rows };
}

/** The XML parts, checked against the limits before any is inflated. */
function inflateXmlParts(body: Uint8Array): Unzipped {
  let entries = 0;
  let declared = 0;
  let parts: Unzipped;
  try {
    parts = unzipSync(body, {
      filter: (f) => {
        entries++;
        declared += f.originalSize;
        if (entries > MAX_XLSX_ENTRIES || declared > MAX_XLSX_UNCOMPRESSED_BYTES) throw new Refused('too_big');
        return /\.(xml|rels)$/i.test(f.name);
      },
    });
  } catch (e) {
    throw e instanceof Refused ? e : new Refused('unreadable');
  }
  return parts;
}

const utf8 = new TextDecoder();
const text = (parts: Unzipped, path: string): string | undefined => {
  const b = parts[path];
  return b === undefined ? undefined : utf8.decode(b);
};

/** An attribute's value, either quote, entities decoded (as the library's XML parser gives it). */
const attrPatterns = new Map<string, RegExp>();
function attr(tag: string, name: string): string | undefined {
  let re = attrPatterns.get(name);
  if (!re) attrPatterns.set(name, (re = new RegExp(`\\s${name}\\s*=\\s*(?:"([^"]*)"|'([^']*)')`)));
  const m = re.exec(tag);
  return m ? decodeEntities(m[1] ?? m[2] ?? '') : undefined;
}

function decodeEntities(s: string): string {
  if (!s.includes('&')) return s;
  return s.replace(/&(#x[0-9a-f]+|#\d+|amp|lt|gt|quot|apos);/gi, (_, e: string) => {
    const named: Record<string, string> = { amp: '&', lt: '<', gt: '>', quot: '"', apos: "'" };
    if (e[0] !== '#') return named[e.toLowerCase()] ?? '';
    const code = e[1] === 'x' || e[1] === 'X' ? parseInt(e.slice(2), 16) : Number(e.slice(1));
    return code > 0 && code <= 0x10ffff ? String.fromCodePoint(code) : '';
  });
}

/** The sheet the library reads: the first <sheet> of the workbook, found as it finds it (xl/ + the relationship's target). */
function firstSheet(workbookXml: string, relsXml: string): { name: string; path: string } | undefined {
  const tag = /<(?:[\w.-]+:)?sheet\s[^>]*>/.exec(workbookXml)?.[0];
  if (!tag) return undefined;
  const rid = attr(tag, '[\\w.-]+:id');
  for (const rel of relsXml.match(/<(?:[\w.-]+:)?Relationship\s[^>]*>/g) ?? []) {
    if (attr(rel, 'Id') !== rid) continue;
    const target = attr(rel, 'Target') ?? '';
    return { name: attr(tag, 'name') ?? '', path: target.startsWith('/') ? target.slice(1) : `xl/${target}` };
  }
  return undefined;
}

interface SheetScan {
  /** [row, column] (1-based) -> what is wrong with the cell. */
  problems: [[number, number], string][];
  merges: { top: number; left: number; bottom: number; right: number }[];
}

const MAX_ROW = 1_048_576;
const MAX_COL = 16_384;

/**
 * A cell reference read the way the library reads it (letters, any, then a number), so that the
 * bounds checked here are the ones it will allocate; undefined when it has no digits.
 */
function cellAddress(ref: string | undefined): [number, number] | undefined {
  if (ref === undefined) return undefined;
  let col = 0;
  for (let i = 0; i < ref.length; i++) {
    const code = ref.charCodeAt(i);
    if (code >= 48 && code <= 57) return [Number(ref.slice(i)), col];
    col = col * 26 + code - 64;
  }
  return undefined;
}

const inGrid = (n: number, max: number): boolean => Number.isInteger(n) && n >= 1 && n <= max;

// Element names may carry a namespace prefix (<x:c>), which the library ignores.
const P = '(?:[A-Za-z_][\\w.-]*:)?';
const ROW = new RegExp(`<${P}row\\s[^>]*>`, 'g');
const CELL = new RegExp(`<${P}c(\\s[^>]*?)?(\\/?)>`, 'g');
/** The end of a cell's content: its closing tag, or (broken markup) the next cell. */
const CELL_EDGE = new RegExp(`<(\\/?)${P}c(?=[\\s/>])`, 'g');
const VALUE = new RegExp(`<${P}v(?:\\s[^>]*)?>([^<]*)<\\/${P}v>`);
const EMPTY_VALUE = new RegExp(`<${P}v(?:\\s[^>]*)?\\/>`);
const FORMULA = new RegExp(`<${P}f[\\s>/]`);
const MERGE = new RegExp(`<${P}mergeCell\\s[^>]*>`, 'g');

function scanSheet(xml: string): SheetScan {
  // The library adds an empty row for every row number skipped: a row numbered past the grid is hostile.
  for (const m of xml.matchAll(ROW)) {
    const r = attr(m[0], 'r');
    if (r !== undefined && !inGrid(Number(r), MAX_ROW)) throw new Refused('too_big');
  }
  const problems: SheetScan['problems'] = [];
  let lastRow = 0;
  let lastCol = 0;
  CELL.lastIndex = 0;
  for (let m = CELL.exec(xml); m; m = CELL.exec(xml)) {
    const attrs = m[1] ?? '';
    const at = cellAddress(attr(attrs, 'r'));
    if (!at) continue; // the library refuses a cell without a usable reference
    if (!inGrid(at[0], MAX_ROW) || !inGrid(at[1], MAX_COL)) throw new Refused('too_big');
    if (m[2] === '/') continue; // <c r="X9" s="1"/>: formatting only
    CELL_EDGE.lastIndex = CELL.lastIndex;
    const edge = CELL_EDGE.exec(xml);
    const inner = edge?.[1] === '/' ? xml.slice(CELL.lastIndex, edge.index) : '';
    lastRow = Math.max(lastRow, at[0]);
    lastCol = Math.max(lastCol, at[1]);
    const v = VALUE.exec(inner);
    if (attr(attrs, 't') === 'e') problems.push([at, `lỗi công thức ${decodeEntities(v?.[1] ?? '').trim()}`]);
    else if (FORMULA.test(inner) && !v && !EMPTY_VALUE.test(inner)) problems.push([at, NO_CACHED_RESULT]);
  }
  // The library pads every row to the last column holding a value.
  if (lastRow * lastCol > MAX_XLSX_CELLS) throw new Refused('too_big');

  const merges: SheetScan['merges'] = [];
  for (const [tag] of xml.matchAll(MERGE)) {
    const [a, b] = (attr(tag, 'ref') ?? '').split(':');
    const from = cellAddress(a);
    const to = cellAddress(b ?? a);
    if (!from || !to || !inGrid(from[0], MAX_ROW) || !inGrid(from[1], MAX_COL) || to[0] < from[0] || to[1] < from[1]) continue;
    merges.push({ top: from[0], left: from[1], bottom: Math.min(to[0], lastRow), right: Math.min(to[1], lastCol) });
  }
  return { problems, merges };
}

/** Each merged range gets its top-left value in every covered cell, within the rows and columns that hold values. */
function applyMerges(grid: GridCell[][], merges: SheetScan['merges']): void {
  let filled = 0;
  for (const { top, left, bottom, right } of merges) {
    const master = grid[top - 1]?.[left - 1];
    if (master === undefined || master === '') continue;
    filled += Math.max(0, bottom - top + 1) * Math.max(0, right - left + 1);
    if (filled > MAX_XLSX_CELLS) throw new Refused('too_big');
    for (let r = top; r <= bottom; r++) {
      const row = (grid[r - 1] ??= []);
      for (let c = left; c <= right; c++) row[c - 1] = master;
    }
  }
}

type ReadCell = string | number | boolean | Date | null | undefined;

export function cellToGrid(value: ReadCell): GridCell {
  if (value === null || value === undefined) return '';
  if (typeof value === 'string') return value;
  if (typeof value === 'number') return formatNumber(value);
  if (typeof value === 'boolean') return value ? 'TRUE' : 'FALSE';
  return formatDate(value);
}

function formatNumber(n: number): string {
  if (!Number.isFinite(n)) return String(n);
  return String(Number(n.toPrecision(15)));
}

const pad = (n: number): string => String(n).padStart(2, '0');

/** Dates come as UTC instants of the wall-clock value: format them with UTC getters. */
function formatDate(d: Date): string {
  if (Number.isNaN(d.getTime())) return '';
  const time = `${pad(d.getUTCHours())}:${pad(d.getUTCMinutes())}`;
  // Time-only cells are dates on Excel's day 0 (1899-12-30).
  if (d.getUTCFullYear() < 1900) return time;
  const date = `${pad(d.getUTCDate())}/${pad(d.getUTCMonth() + 1)}/${d.getUTCFullYear()}`;
  return time === '00:00' ? date : `${date} ${time}`;
}
