// Text hygiene shared by the question-file readers: every cell goes through
// cleanCell() before it is validated or stored.

/** C0/C1 control characters except TAB, LF and CR (handled separately), plus BOM and zero-width space. */
const CONTROL_CHARS = /[\u0000-\u0008\u000B\u000C\u000E-\u001F\u007F-\u009F\uFEFF\u200B\uFFFE\uFFFF]/g;
/** A surrogate half without its partner: not encodable as UTF-8, DynamoDB would reject it. */
const LONE_SURROGATE = /[\uD800-\uDBFF](?![\uDC00-\uDFFF])|(?<![\uD800-\uDBFF])[\uDC00-\uDFFF]/g;

/**
 * NFC-normalises, strips control characters, turns tabs and no-break spaces
 * into spaces and trims. `multiline` keeps line breaks (as `\n`, at most one
 * blank line in a row, each line trimmed); otherwise every whitespace run,
 * line breaks included, becomes one space.
 */
export function cleanCell(raw: string, multiline: boolean): string {
  let s = raw
    .replace(/\r\n?/g, '\n')
    .replace(CONTROL_CHARS, '')
    .replace(LONE_SURROGATE, '')
    .replace(/[\t\u00A0\u2007\u202F]/g, ' ')
    .normalize('NFC');
  if (multiline) {
    s = s
      .split('\n')
      .map((line) => line.replace(/\s+/g, ' ').trim())
      .join('\n')
      .replace(/\n{3,}/g, '\n\n');
  } else {
    s = s.replace(/\s+/g, ' ');
  }
  return s.trim();
}

/** Length in Unicode code points (what a person counts as characters, emoji = 1). */
export function charCount(s: string): number {
  let n = 0;
  for (const _ of s) n++;
  return n;
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
