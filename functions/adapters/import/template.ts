// Downloadable question-bank templates (CSV and XLSX) with the Vietnamese
// headers and two worked examples; both parse back through parseQuestionFile.

import { toCsv } from '../export/csv.ts';
import { FIELD_LABELS, OPTION_LETTERS } from './headers.ts';
import type { Field } from './headers.ts';
import { MAX_EXPLANATION_LENGTH, MAX_OPTION_LENGTH, MAX_QUESTION_LENGTH, MAX_QUESTION_ROWS, MAX_TOPIC_LENGTH } from './limits.ts';
import { formatCount } from './text.ts';
import { writeXlsx } from '../export/xlsx.ts';

const TEMPLATE_FIELDS: readonly Field[] = ['question', ...OPTION_LETTERS, 'correct', 'topic', 'explanation'];

/** `Câu hỏi, Đáp án A..F, Đáp án đúng, Chủ đề, Giải thích`. */
export const TEMPLATE_HEADERS: readonly string[] = TEMPLATE_FIELDS.map((f) => FIELD_LABELS[f]);

/** The example rows, in TEMPLATE_HEADERS order. */
export const TEMPLATE_ROWS: readonly (readonly string[])[] = [
  [
    'Bộ phận Một cửa của Ủy ban nhân dân xã có nhiệm vụ gì?',
    'Hướng dẫn, tiếp nhận hồ sơ và trả kết quả giải quyết thủ tục hành chính cho người dân, doanh nghiệp',
    'Xét xử các tranh chấp đất đai',
    'Thu thuế thu nhập cá nhân',
    'Cấp giấy phép lái xe',
    '',
    '',
    'A',
    'Cơ chế một cửa, một cửa liên thông',
    'Bộ phận Một cửa là nơi hướng dẫn, tiếp nhận hồ sơ, trả kết quả giải quyết thủ tục hành chính và theo dõi, đôn đốc việc giải quyết.',
  ],
  [
    'Người dân có thể nộp hồ sơ thủ tục hành chính theo những cách nào?',
    'Trực tiếp tại Bộ phận Một cửa',
    'Trực tuyến qua dịch vụ công trực tuyến trên Cổng Dịch vụ công quốc gia (dichvucong.gov.vn)',
    'Qua dịch vụ bưu chính công ích',
    'Chỉ được nộp trực tiếp tại Ủy ban nhân dân huyện',
    '',
    '',
    'A, B, C',
    'Dịch vụ công trực tuyến',
    'Có ba cách nộp: trực tiếp, trực tuyến hoặc qua bưu chính công ích.\nNộp trực tuyến và nhận kết quả qua bưu điện giúp không phải đi lại.',
  ],
];

/** UTF-8 with BOM (so Excel opens the accents correctly), CRLF line endings. */
export function questionTemplateCsv(): string {
  return toCsv(TEMPLATE_HEADERS, TEMPLATE_ROWS);
}

/** The "Hướng dẫn" sheet of the .xlsx template, one paragraph a row. */
export const TEMPLATE_GUIDE: readonly string[] = [
  'Hướng dẫn nhập ngân hàng câu hỏi',
  '',
  'Chỉ trang tính đầu tiên ("Câu hỏi") được đọc; dòng 1 là dòng tiêu đề, mỗi dòng tiếp theo là một câu hỏi.',
  'Cột bắt buộc: Câu hỏi, Đáp án A, Đáp án B, Đáp án đúng. Đáp án C đến F không bắt buộc nhưng phải điền liền nhau từ A.',
  'Đáp án đúng: ghi chữ cái (A, B, ...). Câu có nhiều đáp án đúng thì ghi các chữ cái cách nhau bằng dấu phẩy, ví dụ: A, C.',
  'Chủ đề và Giải thích không bắt buộc.',
  `Độ dài tối đa: câu hỏi ${formatCount(MAX_QUESTION_LENGTH)} ký tự, mỗi đáp án ${formatCount(MAX_OPTION_LENGTH)} ký tự, chủ đề ${formatCount(MAX_TOPIC_LENGTH)} ký tự, giải thích ${formatCount(MAX_EXPLANATION_LENGTH)} ký tự. Tối đa ${formatCount(MAX_QUESTION_ROWS)} câu mỗi lần nhập.`,
  'Nếu lưu dạng CSV, hãy chọn kiểu "CSV UTF-8 (Comma delimited)" để giữ dấu tiếng Việt.',
  'Có lỗi ở bất kỳ dòng nào thì không câu nào được nhập; lỗi được báo theo số dòng mà Excel hiện ở lề trái (dòng 1 là dòng tiêu đề, câu hỏi đầu tiên ở dòng 2).',
];

export async function questionTemplateXlsx(): Promise<Buffer> {
  return writeXlsx({
    creator: 'Cuộc thi tìm hiểu CCHC',
    sheets: [
      {
        name: 'Câu hỏi',
        frozenRows: 1,
        headerFont: { bold: true },
        // The column style (wrap, top) also applies to the questions people type in.
        columns: TEMPLATE_FIELDS.map((f) => ({
          width: f === 'question' || f === 'explanation' ? 50 : f === 'correct' ? 14 : 28,
          wrapText: true,
          verticalTop: true,
        })),
        rows: [[...TEMPLATE_HEADERS], ...TEMPLATE_ROWS.map((r) => [...r])],
      },
      {
        name: 'Hướng dẫn',
        headerFont: { bold: true, size: 14 },
        columns: [{ width: 120 }],
        rows: TEMPLATE_GUIDE.map((line) => [line]),
      },
    ],
  });
}
