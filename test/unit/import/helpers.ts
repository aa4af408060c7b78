// Builders for question-file tests: CSV text, in-memory .xlsx via exceljs, raw zips.

import ExcelJS from 'exceljs';
import type { CellValue } from 'exceljs';
import { deflateRawSync, inflateRawSync } from 'node:zlib';
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
  /** Store instead of deflate (method 0), as .ods does for its `mimetype` part. */
  store?: boolean;
}

/** A minimal zip (no CRC: our guard and JSZip's default do not check it). */
export function zip(parts: readonly ZipPart[]): Buffer {
  const locals: Buffer[] = [];
  const centrals: Buffer[] = [];
  let offset = 0;
  for (const p of parts) {
    const name = Buffer.from(p.name, 'utf8');
    const body = p.store ? p.data : deflateRawSync(p.data);
    const method = p.store ? 0 : 8;
    const size = p.declaredSize ?? p.data.length;
    const local = Buffer.alloc(30);
    local.writeUInt32LE(0x04034b50, 0);
    local.writeUInt16LE(20, 4);
    local.writeUInt16LE(method, 8);
    local.writeUInt32LE(body.length, 18);
    local.writeUInt32LE(size, 22);
    local.writeUInt16LE(name.length, 26);
    const central = Buffer.alloc(46);
    central.writeUInt32LE(0x02014b50, 0);
    central.writeUInt16LE(20, 4);
    central.writeUInt16LE(20, 6);
    central.writeUInt16LE(method, 10);
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

/** Reads back the parts of a zip written by exceljs or zip() (central directory, deflate or store). */
export function unzip(buf: Buffer): ZipPart[] {
  let eocd = buf.length - 22;
  while (eocd >= 0 && buf.readUInt32LE(eocd) !== 0x06054b50) eocd--;
  const count = buf.readUInt16LE(eocd + 10);
  let p = buf.readUInt32LE(eocd + 16);
  const parts: ZipPart[] = [];
  for (let i = 0; i < count; i++) {
    const method = buf.readUInt16LE(p + 10);
    const compressed = buf.readUInt32LE(p + 20);
    const nameLen = buf.readUInt16LE(p + 28);
    const skip = nameLen + buf.readUInt16LE(p + 30) + buf.readUInt16LE(p + 32);
    const name = buf.toString('utf8', p + 46, p + 46 + nameLen);
    const local = buf.readUInt32LE(p + 42);
    const start = local + 30 + buf.readUInt16LE(local + 26) + buf.readUInt16LE(local + 28);
    const raw = buf.subarray(start, start + compressed);
    parts.push({ name, data: method === 0 ? Buffer.from(raw) : inflateRawSync(raw) });
    p += 46 + skip;
  }
  return parts;
}
