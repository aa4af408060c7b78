// Issue 13: a question typed with Alt+Enter in an Excel cell keeps its line breaks through our
// exports (CSV and .xlsx writers) and back through the importer, so a bank that goes out and comes
// back in is the same bank.
import { describe, expect, it } from 'vitest';
import { toCsv } from '../../../functions/adapters/export/csv.ts';
import { writeXlsx } from '../../../functions/adapters/export/xlsx.ts';
import { parseQuestionFile, XLSX_CONTENT_TYPE } from '../../../functions/adapters/import/question-file.ts';

const HEADER = ['Câu hỏi', 'Đáp án A', 'Đáp án B', 'Đáp án đúng', 'Chủ đề', 'Giải thích'];
const ROWS = [
  ['Điền từ còn thiếu:\n"Công khai, minh bạch ..."', 'thủ tục hành chính', 'hồ sơ', 'A', 'Một cửa', 'Mục II.1.\nTrích dẫn.'],
  ['Hồ sơ gồm:\n- tờ khai;\n\n- bản sao giấy tờ?', 'Đủ', 'Thiếu', 'A', 'Một cửa', ''],
];

describe('question text with line breaks, exported and imported again', () => {
  it('CSV', async () => {
    const parsed = await parseQuestionFile(Buffer.from(toCsv(HEADER, ROWS), 'utf8'), 'text/csv');
    expect(parsed.ok && parsed.questions.map((q) => q.text)).toEqual([ROWS[0]![0], ROWS[1]![0]]);
    expect(parsed.ok && parsed.questions[0]!.explanation).toBe('Mục II.1.\nTrích dẫn.');
  });

  it('.xlsx', async () => {
    const bytes = await writeXlsx({ sheets: [{ name: 'Câu hỏi', columns: [{ wrapText: true }], rows: [HEADER, ...ROWS] }] });
    const parsed = await parseQuestionFile(bytes, XLSX_CONTENT_TYPE);
    expect(parsed.ok && parsed.questions.map((q) => q.text)).toEqual([ROWS[0]![0], ROWS[1]![0]]);
  });

  it('a CR LF typed on Windows reads as one line break', async () => {
    const csv = toCsv(HEADER, [['Dòng 1\r\nDòng 2', 'Có', 'Không', 'A', 'T', '']]);
    const parsed = await parseQuestionFile(Buffer.from(csv, 'utf8'), 'text/csv');
    expect(parsed.ok && parsed.questions[0]!.text).toBe('Dòng 1\nDòng 2');
  });
});
