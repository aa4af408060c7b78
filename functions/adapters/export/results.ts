// Results as files an organizer opens in Excel: Vietnamese headers, UTF-8 with BOM for CSV.
import { csvLines, toCsv } from './csv.ts';
import type { FinalRow } from '../../app/contest-ports.ts';
import { writeXlsx, type WriteCell, type WriteWorkbook } from './xlsx.ts';

/** A row of the final ranking, with its unit's name for people to read. */
export type ResultRow = Omit<FinalRow, 'unitId'> & { unitName: string };

export const RESULT_COLUMNS = [
  { header: 'Hạng', key: 'rank', width: 7 },
  { header: 'Họ và tên', key: 'fullName', width: 28 },
  { header: 'Số điện thoại', key: 'phone', width: 14 },
  { header: 'Đơn vị', key: 'unitName', width: 30 },
  { header: 'Thôn', key: 'village', width: 18 },
  { header: 'Số câu đúng', key: 'correctCount', width: 11 },
  { header: 'Dự đoán', key: 'prediction', width: 10 },
  { header: 'Chênh lệch dự đoán', key: 'predictionError', width: 12 },
  { header: 'Thời gian làm bài (giây)', key: 'durationSec', width: 14 },
  { header: 'Thời điểm nộp bài', key: 'submittedAtVn', width: 20 },
  { header: 'Số lượt thi', key: 'attempts', width: 10 },
] as const;

/** Vietnam local time, as organizers read it: "27/11/2026 14:05:09". */
export function vnDateTime(iso: string): string {
  const d = new Date(Date.parse(iso) + 7 * 3600_000);
  const p = (n: number) => String(n).padStart(2, '0');
  return `${p(d.getUTCDate())}/${p(d.getUTCMonth() + 1)}/${d.getUTCFullYear()} ${p(d.getUTCHours())}:${p(d.getUTCMinutes())}:${p(d.getUTCSeconds())}`;
}

const cells = (r: ResultRow) => ({
  rank: r.rank,
  fullName: r.fullName,
  phone: r.phone,
  unitName: r.unitName,
  village: r.village ?? '',
  correctCount: r.correctCount,
  prediction: r.prediction ?? '',
  predictionError: r.predictionError ?? '',
  durationSec: Math.round(r.durationMs / 100) / 10,
  submittedAtVn: vnDateTime(r.submittedAt),
  attempts: r.attempts,
});

/** A leading =, +, - or @ would make Excel evaluate a participant's name as a formula. */
const defuse = (v: unknown) => (typeof v === 'string' && /^[=+\-@\t\r]/.test(v) ? `'${v}` : v);

const csvRow = (r: ResultRow) => {
  const c = cells(r);
  return RESULT_COLUMNS.map((col) => defuse(c[col.key]));
};

export function resultsCsv(rows: ResultRow[]): string {
  return toCsv(
    RESULT_COLUMNS.map((c) => c.header),
    rows.map(csvRow),
  );
}

/** The CSV export in pieces: the BOM and header first, then rows page by page; joined, they are resultsCsv(all rows). */
export const resultsCsvHead = (): string => `\uFEFF${csvLines([RESULT_COLUMNS.map((c) => c.header)])}`;
export const resultsCsvRows = (rows: ResultRow[]): string => csvLines(rows.map(csvRow));

/** A result row as spreadsheet cells; phone numbers stay text so Excel keeps the leading zero. */
export const xlsxRow = (r: ResultRow): WriteCell[] => {
  const c = cells(r);
  return RESULT_COLUMNS.map((col) => (col.key === 'phone' ? String(c.phone) : (defuse(c[col.key]) as string | number)));
};

/** The results workbook; `rows` may be an async iterable (pages of a query) for the streaming writer. */
export function resultsBook(rows: Iterable<ResultRow> | AsyncIterable<ResultRow>, title: string, date?: Date): WriteWorkbook {
  async function* cellsOf() {
    yield RESULT_COLUMNS.map((c) => c.header) as WriteCell[];
    for await (const r of rows) yield xlsxRow(r);
  }
  return {
    creator: 'Cuộc thi tìm hiểu CCHC',
    title,
    ...(date ? { date } : {}),
    sheets: [{ name: 'Kết quả', frozenRows: 1, headerFont: { bold: true }, columns: RESULT_COLUMNS.map((c) => ({ width: c.width })), rows: cellsOf() }],
  };
}

export async function resultsXlsx(rows: ResultRow[], title: string): Promise<Buffer> {
  return writeXlsx(resultsBook(rows, title));
}
