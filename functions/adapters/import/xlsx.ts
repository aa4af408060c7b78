// XLSX bytes -> grid: the first worksheet (in tab order) read by our own OOXML reader
// (functions/adapters/xlsx/read.ts), which checks the zip against bombs before inflating only the
// parts it needs. Every cell becomes a string: rich text joined, formulas replaced by their
// cached result, hyperlinks by their text, dates as dd/mm/yyyy, numbers with Excel's 15
// significant digits. Error values (#N/A...) and formulas without a cached result become cell
// problems.

import { XlsxReadError, readFirstSheet } from '../xlsx/read.ts';
import type { XlsxCell, XlsxSheet } from '../xlsx/read.ts';
import { MAX_XLSX_ENTRIES, MAX_XLSX_UNCOMPRESSED_BYTES } from './limits.ts';
import type { GridCell, GridResult, GridRow } from './types.ts';

export const XLSX_UNREADABLE_MESSAGE =
  'Không đọc được tệp Excel (.xlsx): tệp bị hỏng hoặc không phải tệp Excel. Hãy mở tệp bằng Excel, lưu lại dạng .xlsx rồi tải lên lại';

const TOO_BIG_MESSAGE =
  'Tệp Excel quá lớn khi giải nén (có thể chứa nhiều ảnh hoặc trang tính lớn): hãy chỉ giữ trang tính câu hỏi, xoá ảnh rồi lưu lại';

const ODS_MESSAGE =
  'Đây là tệp bảng tính OpenDocument (.ods): hãy chọn Lưu thành (Save As) dạng "Excel 2007-365 (.xlsx)" rồi tải lên lại';

export async function xlsxToGrid(body: Buffer): Promise<GridResult> {
  let sheet: XlsxSheet;
  try {
    sheet = readFirstSheet(body, { maxEntries: MAX_XLSX_ENTRIES, maxUncompressed: MAX_XLSX_UNCOMPRESSED_BYTES });
  } catch (e) {
    const reason = e instanceof XlsxReadError ? e.reason : 'corrupt';
    // A zip that is not a workbook: .docx, or an OpenDocument sheet (its first part is a stored `mimetype`).
    const ods = reason === 'no_sheet' && body.subarray(0, 120).includes('application/vnd.oasis.opendocument.spreadsheet');
    const message = reason === 'too_big' ? TOO_BIG_MESSAGE : ods ? ODS_MESSAGE : XLSX_UNREADABLE_MESSAGE;
    return { ok: false, errors: [{ row: 0, message }] };
  }

  const rows: GridRow[] = [];
  for (const r of sheet.rows) {
    const cells: GridCell[] = [];
    let any = false;
    r.cells.forEach((value, i) => {
      const c = cellToGrid(value);
      cells[i] = c;
      if (typeof c !== 'string' || c.trim() !== '') any = true;
    });
    // Sparse: a gap is an empty cell (GridRow allows it), so a stray value in column XFD costs nothing.
    if (any) rows.push({ row: r.row - 1, cells });
  }
  if (rows.length === 0) {
    return { ok: false, errors: [{ row: 0, message: `Trang tính đầu tiên ("${sheet.name}") không có dữ liệu` }] };
  }
  return { ok: true, rows };
}

const NO_CACHED_RESULT =
  'ô có công thức nhưng chưa có giá trị tính sẵn: hãy mở tệp bằng Excel, lưu lại rồi tải lên (hoặc dán giá trị thay cho công thức)';

export function cellToGrid(value: XlsxCell | undefined): GridCell {
  if (value === undefined) return '';
  if (typeof value === 'string') return value;
  if (typeof value === 'number') return formatNumber(value);
  if (typeof value === 'boolean') return value ? 'TRUE' : 'FALSE';
  if (value instanceof Date) return formatDate(value);
  if ('error' in value) return { problem: `lỗi công thức ${value.error}` };
  return { problem: NO_CACHED_RESULT };
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
