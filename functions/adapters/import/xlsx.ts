// XLSX bytes -> grid: the first worksheet (in tab order) read with exceljs,
// after the zip-bomb guard. Every cell becomes a string: rich text joined,
// formulas replaced by their cached result, hyperlinks by their text, dates
// as dd/mm/yyyy, numbers with Excel's 15 significant digits. Error values
// (#N/A...) and formulas without a cached result become cell problems.

import ExcelJS from 'exceljs';
import type { CellValue, Buffer as ExcelBuffer } from 'exceljs';
import type { GridCell, GridResult, GridRow } from './types.ts';
import { checkZip } from './zip-guard.ts';

export const XLSX_UNREADABLE_MESSAGE =
  'Không đọc được tệp Excel (.xlsx): tệp bị hỏng hoặc không phải tệp Excel. Hãy mở tệp bằng Excel, lưu lại dạng .xlsx rồi tải lên lại';

const ODS_MESSAGE =
  'Đây là tệp bảng tính OpenDocument (.ods): hãy chọn Lưu thành (Save As) dạng "Excel 2007-365 (.xlsx)" rồi tải lên lại';

export async function xlsxToGrid(body: Buffer): Promise<GridResult> {
  const zip = checkZip(body);
  if (!zip.ok) {
    const message =
      zip.reason === 'too_big'
        ? 'Tệp Excel quá lớn khi giải nén (có thể chứa nhiều ảnh hoặc trang tính lớn): hãy chỉ giữ trang tính câu hỏi, xoá ảnh rồi lưu lại'
        : XLSX_UNREADABLE_MESSAGE;
    return { ok: false, errors: [{ row: 0, message }] };
  }

  const workbook = new ExcelJS.Workbook();
  try {
    await workbook.xlsx.load(body as unknown as ExcelBuffer);
  } catch {
    return { ok: false, errors: [{ row: 0, message: XLSX_UNREADABLE_MESSAGE }] };
  }
  const sheet = workbook.worksheets[0];
  if (!sheet) {
    // A zip that is not a workbook: .docx, or an OpenDocument sheet (its first part is a stored `mimetype`).
    const ods = body.subarray(0, 120).includes('application/vnd.oasis.opendocument.spreadsheet');
    return { ok: false, errors: [{ row: 0, message: ods ? ODS_MESSAGE : XLSX_UNREADABLE_MESSAGE }] };
  }

  const rows: GridRow[] = [];
  sheet.eachRow({ includeEmpty: false }, (row, rowNumber) => {
    const cells: GridCell[] = [];
    let any = false;
    row.eachCell({ includeEmpty: false }, (cell, colNumber) => {
      const c = cellToGrid(cell.value);
      cells[colNumber - 1] = c;
      if (typeof c !== 'string' || c.trim() !== '') any = true;
    });
    if (any) rows.push({ row: rowNumber - 1, cells: Array.from(cells, (c) => c ?? '') });
  });
  if (rows.length === 0) {
    return { ok: false, errors: [{ row: 0, message: `Trang tính đầu tiên ("${sheet.name}") không có dữ liệu` }] };
  }
  return { ok: true, rows };
}

const NO_CACHED_RESULT =
  'ô có công thức nhưng chưa có giá trị tính sẵn: hãy mở tệp bằng Excel, lưu lại rồi tải lên (hoặc dán giá trị thay cho công thức)';

export function cellToGrid(value: CellValue | undefined): GridCell {
  if (value === null || value === undefined) return '';
  if (typeof value === 'string') return decodeOoxmlEscapes(value);
  if (typeof value === 'number') return formatNumber(value);
  if (typeof value === 'boolean') return value ? 'TRUE' : 'FALSE';
  if (value instanceof Date) return formatDate(value);
  if (typeof value !== 'object') return String(value);
  if ('error' in value) return { problem: `lỗi công thức ${value.error}` };
  if ('richText' in value) {
    return decodeOoxmlEscapes((value.richText ?? []).map((r) => r?.text ?? '').join(''));
  }
  if ('formula' in value || 'sharedFormula' in value) {
    const result = (value as { result?: CellValue }).result;
    if (result === undefined || result === null) return { problem: NO_CACHED_RESULT };
    return cellToGrid(result);
  }
  if ('hyperlink' in value) {
    // The text of a hyperlink may itself be rich text.
    const t = (value as { text?: unknown }).text;
    return t === undefined ? value.hyperlink : cellToGrid(t as CellValue);
  }
  return '';
}

/** OOXML escapes characters XML cannot hold as `_xHHHH_` (e.g. `_x000D_` for CR). */
function decodeOoxmlEscapes(s: string): string {
  return s.includes('_x') ? s.replace(/_x([0-9A-Fa-f]{4})_/g, (_, hex: string) => String.fromCharCode(parseInt(hex, 16))) : s;
}

function formatNumber(n: number): string {
  if (!Number.isFinite(n)) return String(n);
  return String(Number(n.toPrecision(15)));
}

const pad = (n: number): string => String(n).padStart(2, '0');

/** exceljs returns dates as UTC instants of the wall-clock value: format them with UTC getters. */
function formatDate(d: Date): string {
  if (Number.isNaN(d.getTime())) return '';
  const time = `${pad(d.getUTCHours())}:${pad(d.getUTCMinutes())}`;
  // Time-only cells are dates on Excel's day 0 (1899-12-30).
  if (d.getUTCFullYear() < 1900) return time;
  const date = `${pad(d.getUTCDate())}/${pad(d.getUTCMonth() + 1)}/${d.getUTCFullYear()}`;
  return time === '00:00' ? date : `${date} ${time}`;
}
