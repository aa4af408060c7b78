// Header row -> column map. Headers are matched case-insensitively, after NFC,
// with or without Vietnamese diacritics ("Đáp án A" = "dap an a"), ignoring
// punctuation, and, as a fallback, ignoring a parenthesised hint
// ("Đáp án đúng (A, B...)"). Unknown columns (STT, Ghi chú...) are ignored.

import { columnLetter, foldDiacritics } from './text.ts';
import type { GridCell, ImportError } from './types.ts';

export const OPTION_LETTERS = ['A', 'B', 'C', 'D', 'E', 'F'] as const;
export type OptionLetter = (typeof OPTION_LETTERS)[number];
export type Field = 'question' | OptionLetter | 'correct' | 'topic' | 'explanation';

/** Vietnamese column names, as used in messages and in the template. */
export const FIELD_LABELS: Record<Field, string> = {
  question: 'Câu hỏi',
  A: 'Đáp án A',
  B: 'Đáp án B',
  C: 'Đáp án C',
  D: 'Đáp án D',
  E: 'Đáp án E',
  F: 'Đáp án F',
  correct: 'Đáp án đúng',
  topic: 'Chủ đề',
  explanation: 'Giải thích',
};

const REQUIRED: readonly Field[] = ['question', 'A', 'B', 'correct'];

const ALIASES = new Map<string, Field>();
function alias(field: Field, ...keys: string[]): void {
  for (const k of keys) ALIASES.set(k, field);
}
alias('question', 'question', 'questions', 'question text', 'cau hoi', 'noi dung cau hoi', 'noi dung');
for (const l of OPTION_LETTERS) {
  const x = l.toLowerCase();
  alias(l, x, `option ${x}`, `answer ${x}`, `choice ${x}`, `dap an ${x}`, `phuong an ${x}`, `lua chon ${x}`);
}
alias(
  'correct',
  'correct',
  'correct answer',
  'correct answers',
  'correct option',
  'correct options',
  'answer',
  'answers',
  'key',
  'dap an dung',
  'cac dap an dung',
  'dap an',
  'dap an chinh xac',
);
alias('topic', 'topic', 'category', 'chu de', 'linh vuc');
alias('explanation', 'explanation', 'giai thich', 'giai thich dap an');

function key(s: string): string {
  return foldDiacritics(s.normalize('NFC'))
    .replace(/[^a-z0-9]+/g, ' ')
    .trim();
}

/** The field a header cell names, if any. */
export function headerField(raw: string): Field | undefined {
  const exact = ALIASES.get(key(raw));
  if (exact) return exact;
  const withoutHint = raw.replace(/\([^)]*\)|\[[^\]]*\]/g, ' ');
  return withoutHint === raw ? undefined : ALIASES.get(key(withoutHint));
}

export type ColumnMap = Map<Field, number>;

function cellText(c: GridCell | undefined): string {
  return typeof c === 'string' ? c : '';
}

/** Maps each known field to its 0-based column; unknown columns are left out. */
export function readHeader(cells: readonly GridCell[]): ColumnMap {
  const map: ColumnMap = new Map();
  cells.forEach((c, i) => {
    const f = headerField(cellText(c));
    if (f && !map.has(f)) map.set(f, i);
  });
  return map;
}

/** True when the row has every required column: used to spot a header that is not on line 1. */
export function looksLikeHeader(cells: readonly GridCell[]): boolean {
  const map = readHeader(cells);
  return REQUIRED.every((f) => map.has(f));
}

/** Row-0 errors for a header row: missing required columns, duplicates, a gap in the option columns. */
export function headerErrors(cells: readonly GridCell[]): ImportError[] {
  const errors: ImportError[] = [];
  const seen = new Map<Field, number>();
  const texts: string[] = [];
  cells.forEach((c, i) => {
    const text = cellText(c);
    texts.push(text);
    const f = headerField(text);
    if (!f) return;
    const first = seen.get(f);
    if (first === undefined) seen.set(f, i);
    else {
      errors.push({
        row: 0,
        message: `Cột "${FIELD_LABELS[f]}" bị lặp lại (cột ${columnLetter(first)} và ${columnLetter(i)})`,
      });
    }
  });

  const missing = REQUIRED.filter((f) => !seen.has(f));
  if (missing.length > 0) {
    let message = `Thiếu cột bắt buộc: ${missing.map((f) => FIELD_LABELS[f]).join(', ')}. Dòng đầu tiên phải là dòng tiêu đề: Câu hỏi, Đáp án A, Đáp án B, ... Đáp án F, Đáp án đúng (Chủ đề, Giải thích không bắt buộc)`;
    if (texts.some((t) => /\p{L}\?|\?\p{L}/u.test(t))) {
      message += '. Tiêu đề có ký tự "?" thay cho chữ có dấu: hãy lưu lại tệp dạng "CSV UTF-8"';
    }
    errors.unshift({ row: 0, message });
  }

  const present = OPTION_LETTERS.filter((l) => seen.has(l));
  const last = present[present.length - 1];
  if (last) {
    const gaps = OPTION_LETTERS.slice(0, OPTION_LETTERS.indexOf(last)).filter((l) => !seen.has(l) && l !== 'A' && l !== 'B');
    if (gaps.length > 0) {
      errors.push({
        row: 0,
        message: `Có cột ${FIELD_LABELS[last]} nhưng thiếu cột ${gaps.map((l) => FIELD_LABELS[l]).join(', ')}`,
      });
    }
  }
  return errors;
}
