// Builders for question-file tests: CSV text, in-memory .xlsx via exceljs, raw zips.

import ExcelJS from 'exceljs';
import type { CellValue } from 'exceljs';
import { deflateRawSync } from 'node:zlib';
import { parseQuestionFile } from '../../../functions/adapters/import/question-file.ts';
import type { ParseQuestionFileResult } from '../../../functions/adapters/import/question-file.ts';

export const XLSX = 'application/vnd.openxmlformats-officedocument.spreadsheetml.sheet';

export const EN_HEADER = ['question', 'a', 'b', 'c', 'd', 'correct', 'topic', 'explanation'];
export const VI_HEADER = ['Câu hỏi', 'Đáp án A', 'Đáp án B', 'Đáp án C', 'Đáp án D', 'Đáp án đúng', 'Chủ đề', 'Giải thích'];

/** RFC 4180 quoting, CRLF like Excel. */
export function csv(rows: readonly (readonly string[])[], delimiter = ','): string {
  const q = (c: string): string => (/[",;\r\n\t]/.test(c) ? `"${c.replace(/"/g, '""')}"` : c);
  return rows.map((r) => r.map(q).join(delimiter)).join('\r\n') + '\r\n';
}

export function parseCsv(text: string, contentType = 'text/csv'): Promise<ParseQuestionFileResult> {
  return parseQuestionFile(Buffer.from(text, 'utf8'), contentType);
}

/** A header plus question rows; each row: [question, A, B, C, D, correct]. */
export function bank(rows: readonly (readonly string[])[], header = ['question', 'a', 'b', 'c', 'd', 'correct']): string {
  return csv([header, ...rows]);
}

export async function xlsx(
  rows: readonly (readonly CellValue[])[],
  tweak?: (ws: ExcelJS.Worksheet, wb: ExcelJS.Workbook) => void,
): Promise<Buffer> {
  const wb = new ExcelJS.Workbook();
  const ws = wb.addWorksheet('Sheet1');
  rows.forEach((r, i) => {
    r.forEach((v, j) => {
      if (v !== null && v !== undefined) ws.getCell(i + 1, j + 1).value = v;
    });
  });
  tweak?.(ws, wb);
  return Buffer.from(await wb.xlsx.writeBuffer());
}

export interface ZipPart {
  name: string;
  data: Buffer;
  /** Lie about the uncompressed size in the directory. */
  declaredSize?: number;
}

/** A minimal deflate zip (no CRC: our guard and JSZip's default do not check it). */
export function zip(parts: readonly ZipPart[]): Buffer {
  const locals: Buffer[] = [];
  const centrals: Buffer[] = [];
  let offset = 0;
  for (const p of parts) {
    const name = Buffer.from(p.name, 'utf8');
    const body = deflateRawSync(p.data);
    const size = p.declaredSize ?? p.data.length;
    const local = Buffer.alloc(30);
    local.writeUInt32LE(0x04034b50, 0);
    local.writeUInt16LE(20, 4);
    local.writeUInt16LE(8, 8);
    local.writeUInt32LE(body.length, 18);
    local.writeUInt32LE(size, 22);
    local.writeUInt16LE(name.length, 26);
    const central = Buffer.alloc(46);
    central.writeUInt32LE(0x02014b50, 0);
    central.writeUInt16LE(20, 4);
    central.writeUInt16LE(20, 6);
    central.writeUInt16LE(8, 10);
    central.writeUInt32LE(body.length, 20);
    central.writeUInt32LE(size, 24);
    central.writeUInt16LE(name.length, 28);
    central.writeUInt32LE(offset, 42);
    locals.push(local, name, body);
    centrals.push(central, name);
    offset += local.length + name.length + body.length;
  }
  const cd = Buffer.concat(centrals);
  const eocd = Buffer.alloc(22);
  eocd.writeUInt32LE(0x06054b50, 0);
  eocd.writeUInt16LE(parts.length, 8);
  eocd.writeUInt16LE(parts.length, 10);
  eocd.writeUInt32LE(cd.length, 12);
  eocd.writeUInt32LE(offset, 16);
  return Buffer.concat([...locals, cd, eocd]);
}

export function expectOk(r: ParseQuestionFileResult): Extract<ParseQuestionFileResult, { ok: true }>['questions'] {
  if (!r.ok) throw new Error(`expected ok, got errors: ${JSON.stringify(r.errors)}`);
  return r.questions;
}

export function expectErrors(r: ParseQuestionFileResult): Extract<ParseQuestionFileResult, { ok: false }>['errors'] {
  if (r.ok) throw new Error(`expected errors, got ${r.questions.length} questions`);
  return r.errors;
}
