// .xlsx bytes -> the cells of the first worksheet, without a spreadsheet library.
//
// Only the parts needed are inflated (see zip.ts for the size checks done first): the package
// rels, the workbook and its rels, the shared strings, the styles (to tell dates from numbers)
// and the one worksheet. Values come back typed, as a spreadsheet program would show them:
// shared / inline / formula strings with rich-text runs joined and phonetic runs (<rPh>) left
// out, numbers, booleans, error values, dates (numbers in a date format, as UTC wall-clock
// Dates), and formulas without a cached result as { formula }. XML entities and OOXML's
// `_xHHHH_` escapes are decoded. A merged range repeats its top-left value in every cell it
// covers (clipped to the cells the sheet has), as the reader used before this one did.
//
// Hostile input never throws anything but XlsxReadError.

import { XmlScanner, decodeOoxmlEscapes } from './xml.ts';
import { ZipError, inflateEntry, readZipDirectory } from './zip.ts';
import type { ZipEntry } from './zip.ts';

export type XlsxCell = string | number | boolean | Date | { error: string } | { formula: string };

export interface XlsxRow {
  /** 1-based row number, as the spreadsheet shows it. */
  row: number;
  /** By 0-based column; sparse (no entry = empty cell). */
  cells: XlsxCell[];
}

export interface XlsxSheet {
  name: string;
  /** Rows with at least one value, in row order. */
  rows: XlsxRow[];
}

/** not_zip / corrupt: not a readable zip or workbook part; too_big: over a limit; no_sheet: a zip without a worksheet. */
export type XlsxReadErrorReason = 'not_zip' | 'too_big' | 'corrupt' | 'no_sheet';

export class XlsxReadError extends Error {
  constructor(readonly reason: XlsxReadErrorReason) {
    super(`xlsx: ${reason}`);
    this.name = 'XlsxReadError';
  }
}

export interface XlsxReadLimits {
  /** Parts in the archive. */
  maxEntries: number;
  /** Sum of the declared uncompressed sizes of all parts. */
  maxUncompressed: number;
  /** Cell values kept (merged ranges included). */
  maxCells: number;
}

export const DEFAULT_READ_LIMITS: XlsxReadLimits = {
  maxEntries: 1000,
  maxUncompressed: 50 * 1024 * 1024,
  maxCells: 2_000_000,
};

const MAX_ROW = 1_048_576;
const MAX_COL = 16_384;

export function readFirstSheet(bytes: Uint8Array, limits: Partial<XlsxReadLimits> = {}): XlsxSheet {
  const l = { ...DEFAULT_READ_LIMITS, ...limits };
  try {
    return read(bytes, l);
  } catch (e) {
    if (e instanceof XlsxReadError) throw e;
    if (e instanceof ZipError) throw new XlsxReadError(e.reason);
    // A RangeError from a huge string or anything unforeseen: the file is not one we can read.
    throw new XlsxReadError('corrupt');
  }
}

interface Rel {
  id: string;
  type: string;
  target: string;
}

function read(bytes: Uint8Array, limits: XlsxReadLimits): XlsxSheet {
  const entries = readZipDirectory(bytes, limits);
  const byName = new Map<string, ZipEntry>();
  for (const e of entries) byName.set(normalizePath(e.name).toLowerCase(), e);
  const part = (path: string): string | undefined => {
    const e = byName.get(path.toLowerCase());
    return e ? decodeText(inflateEntry(bytes, e)) : undefined;
  };

  const rootRels = parseRels(part('_rels/.rels'), '');
  let workbookPath = rootRels.find((r) => r.type.endsWith('/officeDocument'))?.target ?? 'xl/workbook.xml';
  let workbookXml = part(workbookPath);
  if (workbookXml === undefined && workbookPath !== 'xl/workbook.xml') {
    workbookPath = 'xl/workbook.xml';
    workbookXml = part(workbookPath);
  }
  const wbDir = dirOf(workbookPath);
  const wbRels = parseRels(part(`${wbDir}_rels/${workbookPath.slice(wbDir.length)}.rels`), wbDir);
  const workbook = workbookXml === undefined ? { sheets: [], date1904: false } : parseWorkbook(workbookXml);

  // The first sheet in tab order that is a worksheet (chart sheets have no cells); if its part
  // is missing, xl/worksheets/sheet1.xml as most writers name it.
  const first = workbook.sheets.find((s) => {
    const rel = wbRels.find((r) => r.id === s.rid);
    return !rel || rel.type === '' || rel.type.endsWith('/worksheet');
  });
  const firstPath = first && wbRels.find((r) => r.id === first.rid)?.target;
  let sheetXml = firstPath === undefined ? undefined : part(firstPath);
  sheetXml ??= part(`${wbDir}worksheets/sheet1.xml`);
  if (sheetXml === undefined) throw new XlsxReadError('no_sheet');
  const sheetName = first?.name ?? 'Sheet1';

  const sstPath = wbRels.find((r) => r.type.endsWith('/sharedStrings'))?.target ?? `${wbDir}sharedStrings.xml`;
  const stylesPath = wbRels.find((r) => r.type.endsWith('/styles'))?.target ?? `${wbDir}styles.xml`;
  const shared = parseSharedStrings(part(sstPath));
  const dateStyles = parseDateStyles(part(stylesPath));
  return { name: sheetName, rows: parseSheet(sheetXml, { shared, dateStyles, date1904: workbook.date1904, maxCells: limits.maxCells }) };
}

// --- text and paths --------------------------------------------------------------------------

const utf8 = new TextDecoder();

function decodeText(b: Uint8Array): string {
  // XML parts are UTF-8 (a BOM is dropped by the decoder); UTF-16 is legal XML too, if rare.
  if (b[0] === 0xff && b[1] === 0xfe) return new TextDecoder('utf-16le').decode(b);
  if (b[0] === 0xfe && b[1] === 0xff) return new TextDecoder('utf-16be').decode(b);
  return utf8.decode(b);
}

function normalizePath(p: string): string {
  const out: string[] = [];
  for (const seg of p.replace(/\\/g, '/').split('/')) {
    if (seg === '' || seg === '.') continue;
    if (seg === '..') out.pop();
    else out.push(seg);
  }
  return out.join('/');
}

const dirOf = (path: string): string => path.slice(0, path.lastIndexOf('/') + 1);

function parseRels(xml: string | undefined, baseDir: string): Rel[] {
  const rels: Rel[] = [];
  if (xml === undefined) return rels;
  const x = new XmlScanner(xml);
  for (let t = x.next(); t !== 'end'; t = x.next()) {
    if (t !== 'open' || x.name !== 'Relationship') continue;
    const target = x.attr('Target');
    if (target === undefined || x.attr('TargetMode') === 'External') continue;
    let path: string;
    try {
      path = decodeURIComponent(target);
    } catch {
      path = target;
    }
    rels.push({
      id: x.attr('Id') ?? '',
      type: x.attr('Type') ?? '',
      target: normalizePath(path.startsWith('/') ? path : baseDir + path),
    });
  }
  return rels;
}

function parseWorkbook(xml: string): { sheets: { name: string; rid: string }[]; date1904: boolean } {
  const sheets: { name: string; rid: string }[] = [];
  let date1904 = false;
  const x = new XmlScanner(xml);
  for (let t = x.next(); t !== 'end'; t = x.next()) {
    if (t !== 'open') continue;
    if (x.name === 'workbookPr') {
      const v = x.attr('date1904');
      date1904 = v === '1' || v === 'true';
    } else if (x.name === 'sheet') {
      sheets.push({ name: x.attr('name') ?? '', rid: x.attr('id') ?? '' });
    }
  }
  return { sheets, date1904 };
}

/** The text of each <si>: its <t>, or its rich-text runs' <t> joined; phonetic runs (<rPh>) left out. */
function parseSharedStrings(xml: string | undefined): string[] {
  const out: string[] = [];
  if (xml === undefined) return out;
  const x = new XmlScanner(xml);
  let inSi = false;
  let phonetic = 0;
  let inT = false;
  let text = '';
  for (let t = x.next(); t !== 'end'; t = x.next()) {
    if (t === 'text') {
      if (inT) text += x.text;
    } else if (t === 'open') {
      if (x.selfClosing) {
        if (x.name === 'si') out.push('');
      } else if (x.name === 'si') {
        inSi = true;
        phonetic = 0;
        inT = false;
        text = '';
      } else if (x.name === 'rPh') phonetic++;
      else if (x.name === 't' && inSi && phonetic === 0) inT = true;
    } else if (x.name === 't') inT = false;
    else if (x.name === 'rPh') phonetic = Math.max(0, phonetic - 1);
    else if (x.name === 'si' && inSi) {
      out.push(decodeOoxmlEscapes(text));
      inSi = false;
    }
  }
  return out;
}

// --- dates -----------------------------------------------------------------------------------

/** Built-in number formats that are dates or times (14-22; 27-36 and 50-58 are East Asian dates; 45-47 times). */
function builtinDate(id: number): boolean {
  return (id >= 14 && id <= 22) || (id >= 27 && id <= 36) || (id >= 45 && id <= 47) || (id >= 50 && id <= 58);
}

/** A format code showing a date or time: y, m, d, h or s outside quotes, brackets and escapes. */
export function isDateFormat(code: string): boolean {
  const bare = code
    .replace(/"[^"]*"/g, '')
    .replace(/\[[^\]]*\]/g, '')
    .replace(/\\.|[_*]./g, '');
  return /[ymdhs]/i.test(bare);
}

/** For each cell style index (cellXfs position): does it format numbers as dates? */
function parseDateStyles(xml: string | undefined): boolean[] {
  const out: boolean[] = [];
  if (xml === undefined) return out;
  const custom = new Map<number, string>();
  const xfs: number[] = [];
  const x = new XmlScanner(xml);
  let inCellXfs = false;
  for (let t = x.next(); t !== 'end'; t = x.next()) {
    if (t === 'open') {
      if (x.name === 'numFmt') custom.set(Number(x.attr('numFmtId')), x.attr('formatCode') ?? '');
      else if (x.name === 'cellXfs' && !x.selfClosing) inCellXfs = true;
      else if (x.name === 'xf' && inCellXfs) xfs.push(Number(x.attr('numFmtId') ?? 0));
    } else if (t === 'close' && x.name === 'cellXfs') inCellXfs = false;
  }
  for (const id of xfs) {
    const code = custom.get(id);
    out.push(code !== undefined ? isDateFormat(code) : builtinDate(id));
  }
  return out;
}

/** Serial day number -> the wall-clock time it shows, as a UTC Date. */
function serialToDate(v: number, date1904: boolean): Date {
  return new Date(Math.round((v - 25569 + (date1904 ? 1462 : 0)) * 86_400_000));
}

/** A `t="d"` cell holds an ISO 8601 date: read it as wall-clock time. */
function isoToDate(v: string): Date | undefined {
  const s = v.trim();
  const ms = Date.parse(/[zZ]|[+-]\d\d:?\d\d$/.test(s) || !s.includes('T') ? s : `${s}Z`);
  if (Number.isNaN(ms)) return undefined;
  return new Date(ms);
}

// --- the worksheet -----------------------------------------------------------------------------

interface SheetContext {
  shared: string[];
  dateStyles: boolean[];
  date1904: boolean;
  maxCells: number;
}

/** "BC12" -> column 55 (1-based), or 0 when there are no letters. */
function columnOf(ref: string): number {
  let col = 0;
  let i = 0;
  for (; i < ref.length && i < 4; i++) {
    const c = ref.charCodeAt(i) | 0x20; // lower case
    if (c < 97 || c > 122) break;
    col = col * 26 + (c - 96);
  }
  return col;
}

function rowOf(ref: string): number {
  const m = /^[A-Za-z]{1,3}(\d{1,7})$/.exec(ref);
  return m ? Number(m[1]) : 0;
}

function parseSheet(xml: string, ctx: SheetContext): XlsxRow[] {
  const rows = new Map<number, XlsxCell[]>();
  const merges: string[] = [];
  let cellCount = 0;
  let maxRow = 0;
  let maxCol = 0;

  let inSheetData = false;
  let rowNum = 0;
  let cells: XlsxCell[] | undefined;
  let col = 0;

  // The cell being read.
  let inCell = false;
  let type = '';
  let style = 0;
  let hasFormula = false;
  let formula = '';
  let value: string | undefined;
  let inline: string | undefined;
  let capture: 'v' | 't' | 'f' | '' = '';
  let inIs = false;
  let phonetic = 0;

  const rowCells = (n: number): XlsxCell[] => {
    let r = rows.get(n);
    if (!r) rows.set(n, (r = []));
    return r;
  };
  const put = (target: XlsxCell[], c: number, v: XlsxCell): void => {
    if (target[c] === undefined && ++cellCount > ctx.maxCells) throw new XlsxReadError('too_big');
    target[c] = v;
  };

  const x = new XmlScanner(xml);
  for (let t = x.next(); t !== 'end'; t = x.next()) {
    if (t === 'text') {
      if (capture === 'v') value = (value ?? '') + x.text;
      else if (capture === 't') inline = (inline ?? '') + x.text;
      else if (capture === 'f') formula += x.text;
      continue;
    }
    const name = x.name;
    if (t === 'open') {
      if (!inSheetData) {
        if (name === 'sheetData' && !x.selfClosing) inSheetData = true;
        else if (name === 'mergeCell') {
          const ref = x.attr('ref');
          if (ref) merges.push(ref);
        }
        continue;
      }
      if (inCell) {
        if (name === 'v' && !x.selfClosing) {
          capture = 'v';
          value ??= '';
        } else if (name === 'f') {
          hasFormula = true;
          if (!x.selfClosing) capture = 'f';
        } else if (name === 'is') inIs = !x.selfClosing;
        else if (name === 'rPh') phonetic += x.selfClosing ? 0 : 1;
        else if (name === 't' && inIs && phonetic === 0 && !x.selfClosing) {
          capture = 't';
          inline ??= '';
        } else if (name === 't' && inIs && x.selfClosing) inline ??= '';
        continue;
      }
      if (name === 'row') {
        const r = Number(x.attr('r'));
        rowNum = Number.isInteger(r) && r > 0 ? r : rowNum + 1;
        col = 0;
        cells = rowNum <= MAX_ROW && !x.selfClosing ? rowCells(rowNum) : undefined;
        if (rowNum <= MAX_ROW) maxRow = Math.max(maxRow, rowNum);
      } else if (name === 'c') {
        const ref = x.attr('r') ?? '';
        const c = columnOf(ref);
        col = c > 0 && rowOf(ref) !== 0 ? c : col + 1;
        if (!cells) {
          // A cell outside any <row>: use its own reference.
          const r = rowOf(ref);
          if (r > 0 && r <= MAX_ROW) (rowNum = r), (cells = rowCells(r)), (maxRow = Math.max(maxRow, r));
        }
        if (col <= MAX_COL && cells) maxCol = Math.max(maxCol, col);
        if (x.selfClosing) continue;
        inCell = true;
        type = x.attr('t') ?? 'n';
        style = Number(x.attr('s') ?? 0);
        hasFormula = false;
        formula = '';
        value = undefined;
        inline = undefined;
        capture = '';
        inIs = false;
        phonetic = 0;
      }
      continue;
    }
    // t === 'close'
    if (!inSheetData) continue;
    if (name === 'sheetData') {
      inSheetData = false;
      inCell = false;
      continue;
    }
    if (inCell) {
      if (name === 'v' || name === 't' || name === 'f') capture = '';
      else if (name === 'is') inIs = false;
      else if (name === 'rPh') phonetic = Math.max(0, phonetic - 1);
      else if (name === 'c') {
        inCell = false;
        capture = '';
        const v = cellValue(type, style, hasFormula, formula, value, inline, ctx);
        if (v !== undefined && cells && col <= MAX_COL) put(cells, col - 1, v);
      }
      continue;
    }
    if (name === 'row') cells = undefined;
  }

  // Merged ranges: the top-left value in every covered cell, within the sheet's extent.
  for (const ref of merges) {
    const [a, b = a] = ref.split(':') as [string, string?];
    const top = rowOf(a);
    const left = columnOf(a);
    const bottom = Math.min(rowOf(b), maxRow);
    const right = Math.min(columnOf(b), maxCol, MAX_COL);
    if (top <= 0 || left <= 0 || bottom < top || right < left) continue;
    const master = rows.get(top)?.[left - 1];
    if (master === undefined) continue;
    if ((bottom - top + 1) * (right - left + 1) > ctx.maxCells) throw new XlsxReadError('too_big');
    for (let r = top; r <= bottom; r++) {
      const target = rowCells(r);
      for (let c = left; c <= right; c++) put(target, c - 1, master);
    }
  }

  return [...rows]
    .filter(([, c]) => c.length > 0)
    .sort((p, q) => p[0] - q[0])
    .map(([row, c]) => ({ row, cells: c }));
}

function cellValue(
  type: string,
  style: number,
  hasFormula: boolean,
  formula: string,
  value: string | undefined,
  inline: string | undefined,
  ctx: SheetContext,
): XlsxCell | undefined {
  if (inline !== undefined && (type === 'inlineStr' || value === undefined)) return decodeOoxmlEscapes(inline);
  // A formula string result may legitimately be empty (=IF(...;"";...)); other empty values mean "none".
  if (value === undefined || (value === '' && type !== 'str')) return hasFormula ? { formula } : undefined;
  switch (type) {
    case 's': {
      const s = ctx.shared[Number(value)];
      // An index past the shared-string table: the workbook is damaged.
      if (s === undefined) throw new XlsxReadError('corrupt');
      return s;
    }
    case 'str':
    case 'inlineStr':
      return decodeOoxmlEscapes(value);
    case 'b': {
      const v = value.trim();
      return v === 'true' || (v !== 'false' && Number(v) !== 0 && v !== '');
    }
    case 'e':
      return { error: value.trim() };
    case 'd':
      return isoToDate(value) ?? value;
    default: {
      const n = Number(value.trim());
      if (value.trim() === '' || Number.isNaN(n)) return value;
      return ctx.dateStyles[style] ? serialToDate(n, ctx.date1904) : n;
    }
  }
}
