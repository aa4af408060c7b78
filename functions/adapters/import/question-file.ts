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
export { TEMPLATE_GUIDE, TEMPLATE_HEADERS, TEMPLATE_ROWS, questionTemplateCsv, questionTemplateXlsx } from './template.ts';

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
  const mime = mimeOf(contentType);
  if (mime === XLSX_CONTENT_TYPE) return 'xlsx';
  if (CSV_TYPES.has(mime)) return 'csv';
  return undefined;
}

const mimeOf = (contentType: string | undefined | null): string => (contentType ?? '').split(';')[0]?.trim().toLowerCase() ?? '';

const ODS_CONTENT_TYPE = 'application/vnd.oasis.opendocument.spreadsheet';
export const ODS_MESSAGE =
  'Đây là tệp bảng tính OpenDocument (.ods, của LibreOffice hoặc OpenOffice), hệ thống chỉ đọc tệp Excel (.xlsx) hoặc CSV: hãy mở tệp, chọn Lưu thành (Save As) kiểu "Excel 2007-365 (.xlsx)" hoặc "CSV" (bộ mã UTF-8) rồi tải lên lại';

/** An OpenDocument file is a zip whose first, stored entry is `mimetype` naming its kind. */
const isOds = (b: Uint8Array): boolean =>
  startsWith(b, ZIP_MAGIC) && Buffer.from(b.buffer, b.byteOffset, Math.min(b.byteLength, 120)).includes(ODS_CONTENT_TYPE);

/** Files people pick by mistake, named in words (by their bytes, else by their type). */
const KNOWN_FORMATS: readonly { name: string; types: readonly string[]; magic?: readonly number[] }[] = [
  { name: 'tài liệu PDF (.pdf)', types: ['application/pdf'], magic: [0x25, 0x50, 0x44, 0x46] },
  {
    name: 'văn bản Word (.docx, .doc)',
    types: ['application/msword', 'application/vnd.openxmlformats-officedocument.wordprocessingml.document'],
  },
  { name: 'văn bản OpenDocument (.odt)', types: ['application/vnd.oasis.opendocument.text'] },
  { name: 'bảng tính Numbers của Apple (.numbers)', types: ['application/vnd.apple.numbers', 'application/x-iwork-numbers-sffnumbers'] },
  { name: 'hình ảnh', types: ['image/png', 'image/jpeg', 'image/gif', 'image/webp', 'image/heic'] },
];

function knownFormat(contentType: string, body: Uint8Array): string | undefined {
  const mime = mimeOf(contentType);
  return KNOWN_FORMATS.find((f) => (f.magic && startsWith(body, [...f.magic])) || f.types.includes(mime))?.name;
}

function unsupportedMessage(contentType: string, known: string | undefined): string {
  const what = known
    ? `Đây là ${known}`
    : `Định dạng tệp "${cleanCell(String(contentType ?? ''), false).slice(0, 100) || 'không rõ'}" không được hỗ trợ`;
  return `${what}, hệ thống chỉ đọc tệp Excel (.xlsx) hoặc CSV: hãy mở tệp câu hỏi bằng Excel (hoặc LibreOffice), chọn Lưu thành (Save As) kiểu "Excel Workbook (.xlsx)" hoặc "CSV UTF-8" rồi tải lên lại. Có thể tải tệp mẫu để điền`;
}

const ZIP_MAGIC = [0x50, 0x4b, 0x03, 0x04];
const OLE_MAGIC = [0xd0, 0xcf, 0x11, 0xe0, 0xa1, 0xb1, 0x1a, 0xe1];
const startsWith = (b: Uint8Array, magic: number[]): boolean => magic.every((m, i) => b[i] === m);

export async function parseQuestionFile(body: Uint8Array, contentType: string): Promise<ParseQuestionFileResult> {
  if (body.length === 0) return fail('Tệp rỗng');
  if (body.length > MAX_IMPORT_FILE_BYTES) {
    return fail(
      `Tệp quá lớn (${formatCount(Math.ceil(body.length / 1024))} KB, tối đa ${formatCount(MAX_IMPORT_FILE_BYTES / 1024)} KB): hãy xoá ảnh, trang tính thừa hoặc chia thành nhiều tệp`,
    );
  }
  // The bytes speak first: browsers label .ods, .xls and even .csv inconsistently (or not at all).
  if (startsWith(body, OLE_MAGIC)) {
    return fail(
      'Đây là tệp Excel đời cũ (.xls) hoặc tệp Excel có đặt mật khẩu: hãy bỏ mật khẩu, mở bằng Excel và lưu thành "Excel Workbook (*.xlsx)" rồi tải lên lại',
    );
  }
  if (isOds(body) || mimeOf(contentType) === ODS_CONTENT_TYPE) return fail(ODS_MESSAGE);
  let kind = questionFileKind(contentType);
  if (!kind) {
    const known = knownFormat(contentType, body);
    // An unlabelled zip is most likely an .xlsx whose type the browser did not know.
    if (!known && startsWith(body, ZIP_MAGIC)) kind = 'xlsx';
    else return fail(unsupportedMessage(contentType, known));
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
