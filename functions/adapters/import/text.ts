// Text hygiene shared by the question-file readers: every cell goes through
// cleanCell() before it is validated or stored.

/**
 * One pass over the characters to fix: a surrogate pair (kept), a lone
 * surrogate (dropped: not encodable as UTF-8), C0/C1 controls other than LF
 * and CR, BOM, zero-width space, non-characters (dropped), TAB and no-break
 * spaces (become a space).
 */
const FIX = /[\uD800-\uDBFF][\uDC00-\uDFFF]|[\uD800-\uDFFF\u0000-\u0008\u000B\u000C\u000E-\u001F\u007F-\u009F\uFEFF\u200B\uFFFE\uFFFF]|[\t\u00A0\u2007\u202F]/g;
const fix = (m: string): string => (m.length === 2 ? m : m === '\t' || m === '\u00A0' || m === '\u2007' || m === '\u202F' ? ' ' : '');
/** Runs of whitespace, or single whitespace other than a plain space (LF, CR, other Unicode spaces). */
const SPACES = /\s{2,}|[^\S ]/g;

/**
 * NFC-normalises, strips control characters, turns tabs and no-break spaces
 * into spaces and trims. `multiline` keeps line breaks (as `\n`, at most one
 * blank line in a row, each line trimmed); otherwise every whitespace run,
 * line breaks included, becomes one space.
 */
export function cleanCell(raw: string, multiline: boolean): string {
  let s = raw.replace(/\r\n?/g, '\n').replace(FIX, fix).normalize('NFC');
  if (multiline) {
    s = s
      .split('\n')
      .map((line) => line.replace(SPACES, ' ').trim())
      .join('\n')
      .replace(/\n{3,}/g, '\n\n');
  } else {
    s = s.replace(SPACES, ' ');
  }
  return s.trim();
}

/** Lower-case, no diacritics, `đ` -> `d`: "Đáp án đúng" -> "dap an dung". */
export function foldDiacritics(s: string): string {
  return s
    .normalize('NFD')
    .replace(/\p{M}/gu, '')
    .replace(/[đĐ]/g, 'd')
    .toLowerCase();
}

/** Vietnamese-style thousands separator: 1234 -> "1.234". */
export function formatCount(n: number): string {
  return String(n).replace(/\B(?=(\d{3})+(?!\d))/g, '.');
}

/** Spreadsheet column letters for a 0-based index: 0 -> A, 26 -> AA. */
export function columnLetter(index: number): string {
  let n = index + 1;
  let out = '';
  while (n > 0) {
    const rem = (n - 1) % 26;
    out = String.fromCharCode(65 + rem) + out;
    n = Math.floor((n - 1) / 26);
  }
  return out;
}
