import { describe, expect, it } from 'vitest';
import {
  MAX_EXPLANATION_LENGTH,
  MAX_LISTED_ERRORS,
  MAX_OPTION_LENGTH,
  MAX_QUESTION_LENGTH,
  MAX_QUESTION_ROWS,
  MAX_TOPIC_LENGTH,
  parseCorrect,
} from '../../../functions/adapters/import/question-file.ts';
import { LIMITS } from '../../../functions/domain/limits.ts';
import { checkQuestion } from '../../../functions/domain/question.ts';
import { bank, csv, expectErrors, expectOk, parseCsv } from './helpers.ts';

const FULL = ['question', 'a', 'b', 'c', 'd', 'e', 'f', 'correct', 'topic', 'explanation'];

describe('correct answers', () => {
  it.each([
    ['A', [0]],
    ['b', [1]],
    ['A, C', [0, 2]],
    ['a;c', [0, 2]],
    ['C A', [0, 2]],
    ['AC', [0, 2]],
    ['c,a,C', [0, 2]],
    ['A/B', [0, 1]],
    ['Đáp án B', [1]],
    ['A và D', [0, 3]],
    [' a , b , c , d ', [0, 1, 2, 3]],
  ])('%j -> %j', async (given, want) => {
    const qs = expectOk(await parseCsv(bank([['Q', 'w', 'x', 'y', 'z', given]])));
    expect(qs[0]?.correct).toEqual(want);
  });

  it('parseCorrect reports words and numbers it does not understand', () => {
    expect(parseCorrect('A, G, 1, cả')).toEqual({ letters: [0], invalid: ['G', '1', 'cả'] });
    expect(parseCorrect('các đáp án')).toEqual({ letters: [], invalid: [] });
  });
});

describe('row validation', () => {
  it('numbers rows as Excel shows them (header = 1), counting skipped empty rows', async () => {
    const text = csv([
      ['question', 'a', 'b', 'c', 'd', 'correct'], // row 1
      ['Q1', 'w', 'x', '', '', 'A'], // row 2
      [], // row 3: blank line, skipped
      ['', '', '', '', '', ''], // row 4: empty cells, skipped
      ['', 'w', 'x', '', '', 'A'], // row 5: empty question
      ['Q5', 'w', 'x', 'y', 'z', 'E'], // row 6
    ]);
    const errors = expectErrors(await parseCsv(text));
    expect(errors).toEqual([
      { row: 5, message: 'Thiếu nội dung câu hỏi' },
      { row: 6, message: 'Đáp án đúng "E" không có trong các đáp án' },
    ]);
  });

  it('a row with content only in ignored columns (e.g. a pre-filled STT) is skipped', async () => {
    const text = csv([['STT', 'question', 'a', 'b', 'correct'], ['1', 'Q', 'x', 'y', 'a'], ['2', '', '', '', ''], ['3']]);
    expect(expectOk(await parseCsv(text))).toHaveLength(1);
  });

  it('reports every kind of problem, one message each, in column order', async () => {
    const long = (n: number): string => 'ơ'.repeat(n);
    const rows = [
      ['Q1', 'only', '', '', '', '', '', 'A', '', ''], // row 2: fewer than 2
      ['Q2', 'x', '', 'z', '', '', '', 'A', '', ''], // row 3: gap B
      ['Q3', 'x', 'y', '', '', '', '', '', '', ''], // row 4: correct empty
      ['Q4', 'x', 'y', 'z', 'w', '', '', 'E', '', ''], // row 5: letter not among options
      ['Q5', 'x', 'y', '', '', '', '', 'G, 2', '', ''], // row 6: invalid letters
      [long(MAX_QUESTION_LENGTH + 1), 'x', 'y', '', '', '', '', 'A', '', ''], // row 7
      ['Q7', long(MAX_OPTION_LENGTH + 1), 'y', '', '', '', '', 'A', '', ''], // row 8
      ['Q8', 'x', 'y', '', '', '', '', 'A', '', long(MAX_EXPLANATION_LENGTH + 1)], // row 9
      ['Q9', 'x', 'y', '', '', '', '', 'A', long(MAX_TOPIC_LENGTH + 1), ''], // row 10
      ['Q10', 'Có', 'có ', 'x', '', '', '', 'A', '', ''], // row 11: duplicate options
      ['', '', '', '', '', '', 'f', '', '', ''], // row 12: many at once
      ['Q12', '', '', '', '', '', '', 'A', '', ''], // row 13: no options
    ];
    const errors = expectErrors(await parseCsv(csv([FULL, ...rows])));
    expect(errors).toEqual([
      { row: 2, message: 'Cần ít nhất 2 đáp án, mới có 1' },
      { row: 3, message: 'Đáp án B bị bỏ trống trong khi có đáp án C: các đáp án phải điền liền nhau từ A' },
      { row: 4, message: 'Thiếu đáp án đúng' },
      { row: 5, message: 'Đáp án đúng "E" không có trong các đáp án' },
      {
        row: 6,
        message:
          'Đáp án đúng "G, 2" không hợp lệ: hãy ghi chữ cái A–F, nhiều đáp án thì cách nhau bằng dấu phẩy (ví dụ: A, C)',
      },
      { row: 7, message: 'Câu hỏi quá dài: 1.001 ký tự (tối đa 1.000)' },
      { row: 8, message: 'Đáp án A quá dài: 301 ký tự (tối đa 300)' },
      { row: 9, message: 'Giải thích quá dài: 2.001 ký tự (tối đa 2.000)' },
      { row: 10, message: 'Chủ đề quá dài: 101 ký tự (tối đa 100)' },
      { row: 11, message: 'Đáp án A và B giống nhau' },
      { row: 12, message: 'Thiếu nội dung câu hỏi' },
      { row: 12, message: 'Đáp án A, B, C, D, E bị bỏ trống trong khi có đáp án F: các đáp án phải điền liền nhau từ A' },
      { row: 12, message: 'Cần ít nhất 2 đáp án, mới có 1' },
      { row: 12, message: 'Thiếu đáp án đúng' },
      { row: 13, message: 'Chưa có đáp án nào (cần ít nhất Đáp án A và Đáp án B)' },
      { row: 13, message: 'Đáp án đúng "A" không có trong các đáp án' },
    ]);
  });

  it('accepts text exactly at the limits, measured after NFC and trimming', async () => {
    const q = 'ệ'.normalize('NFD').repeat(MAX_QUESTION_LENGTH); // 3 UTF-16 units each in NFD, 1 after NFC
    const opt = 'ơ'.repeat(MAX_OPTION_LENGTH);
    const qs = expectOk(await parseCsv(bank([[`  ${q}  `, opt, 'y', '', '', 'a']])));
    expect(qs[0]?.text).toHaveLength(MAX_QUESTION_LENGTH);
  });

  it('never allows more than the form (domain LIMITS) allows', () => {
    expect(MAX_QUESTION_LENGTH).toBeLessThanOrEqual(LIMITS.questionText.max);
    expect(MAX_OPTION_LENGTH).toBeLessThanOrEqual(LIMITS.optionText.max);
    expect(MAX_TOPIC_LENGTH).toBeLessThanOrEqual(LIMITS.topic.max);
    expect(MAX_EXPLANATION_LENGTH).toBeLessThanOrEqual(LIMITS.explanation.max);
    expect([MAX_QUESTION_LENGTH, MAX_OPTION_LENGTH, MAX_EXPLANATION_LENGTH]).toEqual([1000, 300, 2000]);
  });

  it('returns questions exactly as the form would store them (checkQuestion is idempotent on them)', async () => {
    const text = csv([
      ['question', 'a', 'b', 'correct', 'topic', 'explanation'],
      ['Soft\u00ADhyphen and\u200D joiner?', 'x\u2060', 'y', 'a', 'T\u200E', 'line 1\nline 2'],
    ]);
    const [q] = expectOk(await parseCsv(text));
    expect(q).toBeDefined();
    expect(checkQuestion(q!)).toEqual({ question: q, issues: [] });
    expect(q).toEqual({ text: 'Softhyphen and joiner?', options: ['x', 'y'], correct: [0], topic: 'T', explanation: 'line 1\nline 2' });
  });

  it('uses all six options and multi-answer', async () => {
    const qs = expectOk(await parseCsv(csv([FULL, ['Q', '1', '2', '3', '4', '5', '6', 'F, a, D', 'T', 'E']])));
    expect(qs[0]).toEqual({ text: 'Q', options: ['1', '2', '3', '4', '5', '6'], correct: [0, 3, 5], topic: 'T', explanation: 'E' });
  });

  it('strips control characters, normalises to NFC, trims; line breaks kept in the question (contract v2), flattened in options and topic', async () => {
    const text = csv([
      ['question', 'a', 'b', 'correct', 'topic'],
      ['\u0000 Ho\u0007ành\u200B  chính\u00A0 \r\nđiện tử\u001F ', ' Dòng 1\nDòng\t2 ', 'Cu\u0303a', 'a', ' \uFEFFChủ   đề '],
    ]);
    const qs = expectOk(await parseCsv(text));
    expect(qs[0]).toEqual({ text: 'Hoành chính\nđiện tử', options: ['Dòng 1 Dòng 2', 'Cũa'], correct: [0], topic: 'Chủ đề' });
    expect(qs[0]?.options[1]).toBe('Cũa'.normalize('NFC'));
  });

  it('a row of only whitespace and control characters counts as empty', async () => {
    const qs = expectOk(await parseCsv(csv([['question', 'a', 'b', 'correct'], ['Q', 'x', 'y', 'a'], [' \u0000 ', '\t', '', ' ']])));
    expect(qs).toHaveLength(1);
  });

  it('is all-or-nothing: one bad row rejects the file', async () => {
    const good = Array.from({ length: 50 }, (_, i) => [`Q${i}`, 'x', 'y', '', '', 'a']);
    const r = await parseCsv(bank([...good, ['bad', 'x', '', '', '', 'a']]));
    expect(r).toEqual({ ok: false, errors: [{ row: 52, message: 'Cần ít nhất 2 đáp án, mới có 1' }] });
  });

  it(`lists at most ${MAX_LISTED_ERRORS} errors, then one summary entry`, async () => {
    const bad = Array.from({ length: 250 }, () => ['', 'x', 'y', '', '', 'a']);
    const errors = expectErrors(await parseCsv(bank(bad)));
    expect(errors).toHaveLength(MAX_LISTED_ERRORS + 1);
    expect(errors[MAX_LISTED_ERRORS - 1]).toEqual({ row: 201, message: 'Thiếu nội dung câu hỏi' });
    expect(errors[MAX_LISTED_ERRORS]).toEqual({ row: 0, message: 'Còn 50 lỗi khác không liệt kê (tổng cộng 250 lỗi)' });
  });

  it(`accepts ${MAX_QUESTION_ROWS} questions and refuses one more with a single error`, async () => {
    const rows = Array.from({ length: MAX_QUESTION_ROWS }, (_, i) => [`Q${i}`, 'x', 'y', '', '', 'a']);
    expect(expectOk(await parseCsv(bank(rows)))).toHaveLength(MAX_QUESTION_ROWS);
    const errors = expectErrors(await parseCsv(bank([...rows, ['Q', 'x', 'y', '', '', 'a']])));
    expect(errors).toEqual([{ row: 0, message: expect.stringContaining('5.001 câu hỏi, vượt quá giới hạn 5.000') }]);
  }, 30_000);
});
