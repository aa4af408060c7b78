import { describe, expect, it } from 'vitest';
import {
  TEMPLATE_GUIDE,
  TEMPLATE_HEADERS,
  TEMPLATE_ROWS,
  XLSX_CONTENT_TYPE,
  parseQuestionFile,
  questionTemplateCsv,
  questionTemplateXlsx,
} from '../../../functions/adapters/import/question-file.ts';
import type { ParsedQuestion } from '../../../functions/adapters/import/question-file.ts';
import { expectOk } from './helpers.ts';

const EXPECTED: ParsedQuestion[] = [
  {
    text: 'Bộ phận Một cửa của Ủy ban nhân dân xã có nhiệm vụ gì?',
    options: [
      'Hướng dẫn, tiếp nhận hồ sơ và trả kết quả giải quyết thủ tục hành chính cho người dân, doanh nghiệp',
      'Xét xử các tranh chấp đất đai',
      'Thu thuế thu nhập cá nhân',
      'Cấp giấy phép lái xe',
    ],
    correct: [0],
    topic: 'Cơ chế một cửa, một cửa liên thông',
    explanation: expect.stringContaining('Bộ phận Một cửa') as unknown as string,
  },
  {
    text: 'Người dân có thể nộp hồ sơ thủ tục hành chính theo những cách nào?',
    options: [
      'Trực tiếp tại Bộ phận Một cửa',
      'Trực tuyến qua dịch vụ công trực tuyến trên Cổng Dịch vụ công quốc gia (dichvucong.gov.vn)',
      'Qua dịch vụ bưu chính công ích',
      'Chỉ được nộp trực tiếp tại Ủy ban nhân dân huyện',
    ],
    correct: [0, 1, 2],
    topic: 'Dịch vụ công trực tuyến',
    explanation:
      'Có ba cách nộp: trực tiếp, trực tuyến hoặc qua bưu chính công ích.\nNộp trực tuyến và nhận kết quả qua bưu điện giúp không phải đi lại.',
  },
];

describe('templates', () => {
  it('CSV: BOM, the Vietnamese header line, CRLF, and it parses back', async () => {
    const text = questionTemplateCsv();
    expect(text.startsWith('\uFEFFCâu hỏi,Đáp án A,Đáp án B,Đáp án C,Đáp án D,Đáp án E,Đáp án F,Đáp án đúng,Chủ đề,Giải thích\r\n')).toBe(
      true,
    );
    expect(TEMPLATE_HEADERS).toHaveLength(10);
    expect(TEMPLATE_ROWS).toHaveLength(2);
    expect(expectOk(await parseQuestionFile(Buffer.from(text, 'utf8'), 'text/csv; charset=utf-8'))).toEqual(EXPECTED);
  });

  it('XLSX: parses back to the same questions as the CSV', async () => {
    const buf = await questionTemplateXlsx();
    expect(buf.subarray(0, 2).toString()).toBe('PK');
    expect(expectOk(await parseQuestionFile(buf, XLSX_CONTENT_TYPE))).toEqual(EXPECTED);
  });

  it('the CSV template saved by Excel as semicolon CSV without BOM still parses', async () => {
    // Swap the delimiter outside quoted fields (the template's own quoting stays valid).
    let out = '';
    let quoted = false;
    for (const ch of questionTemplateCsv().replace(/^\uFEFF/, '')) {
      if (ch === '"') quoted = !quoted;
      out += !quoted && ch === ',' ? ';' : ch;
    }
    expect(expectOk(await parseQuestionFile(Buffer.from(out), 'text/csv'))).toEqual(EXPECTED);
  });
});

describe('row numbers in the guide and the errors (issue 16, item 3)', () => {
  it('the guide gives "dòng 1" one meaning, the header, as Excel numbers it', () => {
    const mentions = TEMPLATE_GUIDE.flatMap((line) => [...line.matchAll(/dòng (\d+)([^,.;)]*)/gi)].map((m) => `${m[1]}${m[2]}`));
    expect(mentions.filter((m) => m.startsWith('1'))).toEqual(['1 là dòng tiêu đề', '1 là dòng tiêu đề']);
    expect(mentions).toContain('2');
  });

  it('an error in the template\'s second question is reported at row 3, where Excel shows it', async () => {
    const rows = TEMPLATE_ROWS.map((r) => [...r]);
    rows[1]![7] = 'Z';
    const text = [TEMPLATE_HEADERS, ...rows].map((r) => r.map((c) => `"${c.replace(/"/g, '""')}"`).join(',')).join('\r\n');
    const r = await parseQuestionFile(Buffer.from(text), 'text/csv');
    expect(r.ok).toBe(false);
    if (!r.ok) expect(r.errors.map((e) => e.row)).toEqual([3]);
  });
});
