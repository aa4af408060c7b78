// Grid (header row + data rows, from CSV or XLSX) -> validated questions.
// All-or-nothing: one bad row and the whole file is rejected with every error.

import { FIELD_LABELS, OPTION_LETTERS, headerErrors, looksLikeHeader, readHeader } from './headers.ts';
import type { ColumnMap, Field, OptionLetter } from './headers.ts';
import {
  MAX_EXPLANATION_LENGTH,
  MAX_LISTED_ERRORS,
  MAX_OPTION_LENGTH,
  MAX_QUESTION_LENGTH,
  MAX_QUESTION_ROWS,
  MAX_TOPIC_LENGTH,
  MIN_OPTIONS,
} from './limits.ts';
import { checkQuestion } from '../../domain/question.ts';
import { cleanCell, foldDiacritics, formatCount } from './text.ts';
import { sheetRow } from './types.ts';
import type { GridCell, GridRow, ImportError, ParseQuestionFileResult, ParsedQuestion } from './types.ts';

/** How far down we look for a header that is not on line 1, only to explain the error. */
const HEADER_SEARCH_ROWS = 10;

export function questionsFromGrid(rows: readonly GridRow[]): ParseQuestionFileResult {
  if (rows.length === 0) return fail('Tệp không có dữ liệu');
  const header = rows[0]?.row === 0 ? rows[0] : undefined;
  const headerCells = header?.cells ?? [];
  const hErrors = headerErrors(headerCells);
  if (hErrors.length > 0) {
    const lower = rows.find((r) => r.row > 0 && r.row < HEADER_SEARCH_ROWS && looksLikeHeader(r.cells));
    if (lower && !looksLikeHeader(headerCells)) {
      return fail(
        `Dòng tiêu đề cột (Câu hỏi, Đáp án A, ...) phải là dòng 1 của bảng tính, tệp này có nó ở dòng ${sheetRow(lower.row)}: hãy xoá các dòng phía trên`,
      );
    }
    return { ok: false, errors: hErrors };
  }
  const columns = readHeader(headerCells);

  const data: { row: number; values: RawValues }[] = [];
  for (const r of rows) {
    if (r.row === 0) continue;
    const values = extract(r.cells, columns);
    if (values) data.push({ row: r.row, values });
  }
  if (data.length === 0) return fail('Tệp chưa có câu hỏi nào (chỉ có dòng tiêu đề)');
  if (data.length > MAX_QUESTION_ROWS) {
    return fail(
      `Tệp có ${formatCount(data.length)} câu hỏi, vượt quá giới hạn ${formatCount(MAX_QUESTION_ROWS)} câu mỗi lần nhập: hãy chia thành nhiều tệp`,
    );
  }

  const questions: ParsedQuestion[] = [];
  const sheetRows: number[] = [];
  const errors: ImportError[] = [];
  for (const d of data) {
    const row = sheetRow(d.row);
    const r = validateRow(d.values);
    if (r.ok) {
      questions.push(r.question);
      sheetRows.push(row);
    }
    else for (const message of r.errors) errors.push({ row, message });
  }
  if (errors.length > 0) return { ok: false, errors: capErrors(errors) };
  return { ok: true, questions, rows: sheetRows };
}

export function capErrors(errors: ImportError[]): ImportError[] {
  if (errors.length <= MAX_LISTED_ERRORS) return errors;
  const rest = errors.length - MAX_LISTED_ERRORS;
  return [
    ...errors.slice(0, MAX_LISTED_ERRORS),
    {
      row: 0,
      message: `Còn ${formatCount(rest)} lỗi khác không liệt kê (tổng cộng ${formatCount(errors.length)} lỗi)`,
    },
  ];
}

function fail(message: string): ParseQuestionFileResult {
  return { ok: false, errors: [{ row: 0, message }] };
}

/** The mapped cells of a row, cleaned; undefined when all of them are empty (the row is skipped). */
type RawValues = Partial<Record<Field, GridCell>>;

/** The question and the explanation keep line breaks (Alt+Enter in a cell); options and topic are one line, as in the domain. */
const MULTILINE: ReadonlySet<Field> = new Set<Field>(['question', 'explanation']);

function extract(cells: readonly GridCell[], columns: ColumnMap): RawValues | undefined {
  const values: RawValues = {};
  let any = false;
  for (const [field, index] of columns) {
    const c = cells[index];
    if (c === undefined) continue;
    const v = typeof c === 'string' ? cleanCell(c, MULTILINE.has(field)) : c;
    if (v === '') continue;
    values[field] = v;
    any = true;
  }
  return any ? values : undefined;
}

/** Stands for a cell already reported as unusable; cleanCell() strips NUL, so no real text equals it. */
const UNUSABLE = '\u0000';

type RowResult = { ok: true; question: ParsedQuestion } | { ok: false; errors: string[] };

function validateRow(values: RawValues): RowResult {
  const errors: string[] = [];
  /** The text of a field; a problem cell is reported and counts as filled (so it does not also look "missing"). */
  const text = (f: Field): string => {
    const v = values[f];
    if (v === undefined) return '';
    if (typeof v === 'string') return v;
    errors.push(`${FIELD_LABELS[f]}: ${v.problem}`);
    return UNUSABLE;
  };
  const tooLong = (label: string, s: string, max: number): void => {
    const n = s.length;
    if (n > max) errors.push(`${label} quá dài: ${formatCount(n)} ký tự (tối đa ${formatCount(max)})`);
  };

  const question = text('question');
  if (question === '') errors.push('Thiếu nội dung câu hỏi');
  else tooLong('Câu hỏi', question, MAX_QUESTION_LENGTH);

  const optionTexts = OPTION_LETTERS.map((l) => text(l));
  let last = -1;
  optionTexts.forEach((t, i) => {
    if (t !== '') last = i;
  });
  const filled = optionTexts.filter((t) => t !== '').length;
  const gaps = OPTION_LETTERS.filter((_, i) => i < last && optionTexts[i] === '');
  const lastLetter = OPTION_LETTERS[last];
  if (gaps.length > 0 && lastLetter) {
    errors.push(`Đáp án ${gaps.join(', ')} bị bỏ trống trong khi có đáp án ${lastLetter}: các đáp án phải điền liền nhau từ A`);
  }
  if (filled === 0) errors.push('Chưa có đáp án nào (cần ít nhất Đáp án A và Đáp án B)');
  else if (filled < MIN_OPTIONS) errors.push(`Cần ít nhất ${MIN_OPTIONS} đáp án, mới có ${filled}`);
  const seen = new Map<string, OptionLetter>();
  optionTexts.forEach((t, i) => {
    const letter = OPTION_LETTERS[i];
    if (t === '' || t === UNUSABLE || !letter) return;
    tooLong(`Đáp án ${letter}`, t, MAX_OPTION_LENGTH);
    const k = t.toLowerCase();
    const same = seen.get(k);
    if (same) errors.push(`Đáp án ${same} và ${letter} giống nhau`);
    else seen.set(k, letter);
  });

  const correctRaw = text('correct');
  let correct: number[] = [];
  if (correctRaw === '') errors.push('Thiếu đáp án đúng');
  else if (correctRaw !== UNUSABLE) {
    const parsed = parseCorrect(correctRaw);
    if (parsed.invalid.length > 0) {
      errors.push(
        `Đáp án đúng "${parsed.invalid.join(', ')}" không hợp lệ: hãy ghi chữ cái A–F, nhiều đáp án thì cách nhau bằng dấu phẩy (ví dụ: A, C)`,
      );
    } else if (parsed.letters.length === 0) {
      errors.push('Thiếu đáp án đúng');
    }
    const absent = parsed.letters.filter((i) => optionTexts[i] === '');
    if (absent.length > 0) {
      errors.push(`Đáp án đúng "${absent.map((i) => OPTION_LETTERS[i]).join(', ')}" không có trong các đáp án`);
    }
    correct = parsed.letters;
  }

  const topic = text('topic');
  if (topic !== '') tooLong('Chủ đề', topic, MAX_TOPIC_LENGTH);
  const explanation = text('explanation');
  if (explanation !== '') tooLong('Giải thích', explanation, MAX_EXPLANATION_LENGTH);

  if (errors.length > 0) return { ok: false, errors };
  const q: ParsedQuestion = { text: question, options: optionTexts.slice(0, last + 1), correct };
  if (topic !== '') q.topic = topic;
  if (explanation !== '') q.explanation = explanation;
  // The form's rules, last: the checks above are meant to be stricter, this keeps them honest if
  // the domain tightens, and the result is cleaned exactly like a question typed in the form.
  const checked = checkQuestion(q);
  if (checked.issues.length > 0) {
    return { ok: false, errors: checked.issues.map((i) => `${domainFieldLabel(i.field)}: ${i.message}`) };
  }
  return { ok: true, question: checked.question };
}

function domainFieldLabel(field: string): string {
  const option = /^options\.(\d)$/.exec(field);
  const letter = option ? OPTION_LETTERS[Number(option[1])] : undefined;
  if (letter) return FIELD_LABELS[letter];
  const map: Record<string, string> = {
    text: FIELD_LABELS.question,
    options: 'Đáp án',
    correct: FIELD_LABELS.correct,
    topic: FIELD_LABELS.topic,
    explanation: FIELD_LABELS.explanation,
  };
  return map[field] ?? field;
}

/** Words allowed around the letters: "Đáp án A", "A và C", "answer: B". */
const CORRECT_FILLER = new Set(['dap', 'an', 'dung', 'cac', 'phuong', 'la', 'va', 'and', 'option', 'options', 'answer', 'answers', 'correct']);

/**
 * Letters of the correct options as sorted, unique 0-based indexes. Separators:
 * anything that is not a letter or digit (comma, semicolon, space, slash...).
 * A run of letters A-F without separators ("AC") is read as several letters.
 * Any other word or number is reported as invalid.
 */
export function parseCorrect(s: string): { letters: number[]; invalid: string[] } {
  const letters = new Set<number>();
  const invalid: string[] = [];
  for (const token of s.split(/[^\p{L}\p{N}]+/u)) {
    if (token === '') continue;
    if (CORRECT_FILLER.has(foldDiacritics(token))) continue;
    if (/^[a-f]+$/i.test(token)) {
      for (const ch of token.toUpperCase()) letters.add(ch.charCodeAt(0) - 65);
    } else {
      invalid.push(token);
    }
  }
  return { letters: [...letters].sort((a, b) => a - b), invalid };
}
