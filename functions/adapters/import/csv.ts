// CSV bytes -> grid. Decoding: UTF-8 (BOM optional), UTF-16 LE/BE (BOM, or
// detected from the NUL-byte pattern); anything else is refused with a hint to
// save as "CSV UTF-8". Parsing is papaparse's (quotes, embedded delimiters and
// line breaks). Delimiter: a `sep=X` first line (Excel's hint) if present,
// otherwise whichever of `,` `;` TAB makes the first record a recognisable
// header, otherwise papaparse's own detection.

import Papa from 'papaparse';
import { headerField } from './headers.ts';
import { sheetRow } from './types.ts';
import type { GridResult, GridRow, ImportError } from './types.ts';

export const NOT_UTF8_MESSAGE =
  'Tệp CSV không ở mã UTF-8 nên tiếng Việt sẽ bị lỗi font. Trong Excel chọn File > Save As (Lưu thành), kiểu tệp "CSV UTF-8 (Comma delimited) (*.csv)" rồi tải lên lại, hoặc tải lên trực tiếp tệp .xlsx';

type Decoded = { ok: true; text: string } | { ok: false; message: string };

export function decodeCsvBytes(body: Uint8Array): Decoded {
  const b0 = body[0];
  const b1 = body[1];
  let encoding: 'utf-8' | 'utf-16le' | 'utf-16be' = 'utf-8';
  if (b0 === 0xff && b1 === 0xfe) encoding = 'utf-16le';
  else if (b0 === 0xfe && b1 === 0xff) encoding = 'utf-16be';
  else if (!(b0 === 0xef && b1 === 0xbb && body[2] === 0xbf)) encoding = sniffUtf16(body) ?? 'utf-8';
  try {
    // The decoder drops a leading BOM of its own encoding; fatal: true throws on invalid bytes.
    const text = new TextDecoder(encoding, { fatal: true }).decode(body);
    return { ok: true, text };
  } catch {
    return { ok: false, message: encoding === 'utf-8' ? NOT_UTF8_MESSAGE : 'Tệp CSV UTF-16 bị hỏng (có byte không hợp lệ)' };
  }
}

/** UTF-16 without a BOM: mostly-ASCII text has a NUL in every other byte. */
function sniffUtf16(body: Uint8Array): 'utf-16le' | 'utf-16be' | undefined {
  const n = Math.min(body.length, 4096) & ~1;
  if (n < 4) return undefined;
  let evenZeros = 0;
  let oddZeros = 0;
  for (let i = 0; i < n; i += 2) {
    if (body[i] === 0) evenZeros++;
    if (body[i + 1] === 0) oddZeros++;
  }
  const pairs = n / 2;
  if (oddZeros > pairs * 0.3 && evenZeros < pairs * 0.05) return 'utf-16le';
  if (evenZeros > pairs * 0.3 && oddZeros < pairs * 0.05) return 'utf-16be';
  return undefined;
}

const CANDIDATE_DELIMITERS = [',', ';', '\t'] as const;

export function csvToGrid(body: Uint8Array): GridResult {
  const decoded = decodeCsvBytes(body);
  if (!decoded.ok) return { ok: false, errors: [{ row: 0, message: decoded.message }] };
  // One line-ending convention for papaparse; CR inside quoted cells becomes LF too, as wanted.
  let text = decoded.text.replace(/^\uFEFF/, '').replace(/\r\n?/g, '\n');

  let delimiter: string | undefined;
  const sep = /^sep=(.)\n/i.exec(text);
  if (sep?.[1] && !Papa.BAD_DELIMITERS.includes(sep[1])) {
    delimiter = sep[1];
    text = text.slice(sep[0].length);
  }
  delimiter ??= delimiterFromHeader(text);

  const parsed = Papa.parse<string[]>(text, {
    delimiter: delimiter ?? '',
    delimitersToGuess: [...CANDIDATE_DELIMITERS],
    newline: '\n',
    header: false,
    dynamicTyping: false,
    skipEmptyLines: false,
  });

  const errors: ImportError[] = [];
  for (const e of parsed.errors) {
    if (e.type !== 'Quotes') continue; // Delimiter: single-column file, reported as missing headers.
    // papaparse counts records from 0 (the header), which is what Excel shows minus one.
    const row = e.row === undefined ? 0 : sheetRow(e.row);
    if (errors.some((x) => x.row === row)) continue; // a bad quote is often followed by "not closed" on the same row
    errors.push({
      row,
      message:
        e.code === 'MissingQuotes'
          ? 'Dấu ngoặc kép (") mở ở ô này nhưng không được đóng, phần còn lại của tệp bị dồn vào một ô'
          : 'Dấu ngoặc kép (") đặt sai vị trí trong ô: ô có dấu ngoặc kép phải được bọc trong ngoặc kép và nhân đôi dấu bên trong ("")',
    });
  }
  if (errors.length > 0) return { ok: false, errors };

  const rows: GridRow[] = [];
  parsed.data.forEach((cells, row) => {
    if (cells.some((c) => c.trim() !== '')) rows.push({ row, cells });
  });
  return { ok: true, rows };
}

function delimiterFromHeader(text: string): string | undefined {
  let best: string | undefined;
  let bestScore = 0;
  for (const d of CANDIDATE_DELIMITERS) {
    const first = Papa.parse<string[]>(text, { delimiter: d, newline: '\n', preview: 1 }).data[0] ?? [];
    const score = new Set(first.map((c) => headerField(c)).filter((f) => f !== undefined)).size;
    if (score > bestScore) {
      best = d;
      bestScore = score;
    }
  }
  return best;
}
