// Question-bank import: request body + Content-Type -> validated questions or
// the list of {row, message} problems (the HTTP layer answers 422
// IMPORT_INVALID with them as `details`). Never throws for bad input: every
// failure, including an unsupported type, resolves to { ok: false } with
// row 0 meaning "the file as a whole".
//
// Flow: content type + magic bytes -> csv.ts (papaparse) | xlsx.ts (read-excel-file) -> grid
// -> rows.ts (headers.ts) -> questions.

import { csvToGrid } from './csv.ts';
import { MAX_IMPORT_FILE_BYTES } from './limits.ts';
import { capErrors, questionsFromGrid } from './rows.ts';
import { cleanCell, formatCount } from './text.ts';
import type { ParseQuestionFileResult } from './types.ts';
import { XLSX_UNREADABLE_MESSAGE, xlsxToGrid } from './xlsx.ts';

export type { ImportError, ParseQuestionFileResult, ParsedQuestion } from './types.ts';
export * from './limits.ts';
export { FIELD_LABELS, OPTION_LETTERS, headerField } from './headers.ts';
export { parseCorrect } from './rows.ts';
export { TEMPLATE_HEADERS, TEMPLATE_ROWS, questionTemplateCsv, questionTemplateXlsx } from './template.ts';

export const XLSX_CONTENT_TYPE = 'application/vnd.openxmlformats-officedocument.spreadsheetml.sheet';
export const CSV_CONTENT_TYPE = 'text/csv';

/**
 * Types read as CSV. `text/plain` is what some systems send for .csv, and
 * Windows browsers with Excel installed send `application/vnd.ms-excel` for
 * .csv files (a real legacy .xls is recognised by its bytes and refused).
 */
const CSV_TYPES: ReadonlySet<string> = new Set([
  'text/csv',
  'application/csv',
  'text/x-csv',
  'application/x-csv',
  'text/comma-separated-values',
  'text/plain',
  'application/vnd.ms-excel',
]);

export type QuestionFileKind = 'csv' | 'xlsx';

/** The reader a Content-Type selects (parameters such as `; charset=utf-8` ignored), or undefined if unsupported. */
export function questionFileKind(contentType: string | undefined | null): QuestionFileKind | undefined {
  const mime = (contentType ?? '').split(';')[0]?.trim().toLowerCase() ?? '';
  if (mime === XLSX_CONTENT_TYPE) return 'xlsx';
  if (CSV_TYPES.has(mime)) return 'csv';
  return undefined;
}

const ZIP_MAGIC = [0x50, 0x4b, 0x03, 0x04];
const OLE_MAGIC = [0xd0, 0xcf, 0x11, 0xe0, 0xa1, 0xb1, 0x1a, 0xe1];
const startsWith = (b: Uint8Array, magic: number[]): boolean => magic.every((m, i) => b[i] === m);

export async function parseQuestionFile(body: Uint8Array, contentType: string): Promise<ParseQuestionFileResult> {
  const kind = questionFileKind(contentType);
  if (!kind) {
    const shown = cleanCell(String(contentType ?? ''), false).slice(0, 100) || '(không có)';
    return fail(`Định dạng tệp "${shown}" không được hỗ trợ: hãy tải lên tệp Excel (.xlsx) hoặc CSV (.csv)`);
  }
  if (body.length === 0) return fail('Tệp rỗng');
  if (body.length > MAX_IMPORT_FILE_BYTES) {
    return fail(
      `Tệp quá lớn (${formatCount(Math.ceil(body.length / 1024))} KB, tối đa ${formatCount(MAX_IMPORT_FILE_BYTES / 1024)} KB): hãy xoá ảnh, trang tính thừa hoặc chia thành nhiều tệp`,
    );
  }
  if (startsWith(body, OLE_MAGIC)) {
    return fail(
      'Đây là tệp Excel đời cũ (.xls) hoặc tệp Excel có đặt mật khẩu: hãy bỏ mật khẩu, mở bằng Excel và lưu thành "Excel Workbook (*.xlsx)" rồi tải lên lại',
    );
  }
  try {
    const buf = Buffer.isBuffer(body) ? body : Buffer.from(body.buffer, body.byteOffset, body.byteLength);
    // The bytes decide when they are unambiguous: a zip is read as .xlsx even if labelled CSV.
    const grid = startsWith(buf, ZIP_MAGIC)
      ? await xlsxToGrid(buf)
      : kind === 'xlsx'
        ? { ok: false as const, errors: [{ row: 0, message: XLSX_UNREADABLE_MESSAGE }] }
        : csvToGrid(buf);
    if (!grid.ok) return { ok: false, errors: capErrors(grid.errors) };
    return questionsFromGrid(grid.rows);
  } catch {
    // A parser library failing on hostile input must not become a 500.
    return fail('Không đọc được tệp: hãy kiểm tra lại tệp hoặc lưu lại bằng Excel rồi tải lên');
  }
}

function fail(message: string): ParseQuestionFileResult {
  return { ok: false, errors: [{ row: 0, message }] };
}
