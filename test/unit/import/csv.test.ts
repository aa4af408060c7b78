import { describe, expect, it } from 'vitest';
import { parseQuestionFile, questionFileKind } from '../../../functions/adapters/import/question-file.ts';
import { EN_HEADER, VI_HEADER, bank, csv, expectErrors, expectOk, parseCsv } from './helpers.ts';

const ROW = ['Thủ tục nộp ở đâu?', 'Bộ phận Một cửa', 'Chợ', 'Nhà văn hoá', 'Trường học', 'A', 'Một cửa', 'Nộp tại Bộ phận Một cửa.'];

describe('CSV headers', () => {
  it('reads English headers', async () => {
    const qs = expectOk(await parseCsv(csv([EN_HEADER, ROW])));
    expect(qs).toEqual([
      {
        text: 'Thủ tục nộp ở đâu?',
        options: ['Bộ phận Một cửa', 'Chợ', 'Nhà văn hoá', 'Trường học'],
        correct: [0],
        topic: 'Một cửa',
        explanation: 'Nộp tại Bộ phận Một cửa.',
      },
    ]);
  });

  it('reads Vietnamese headers and gives the same result', async () => {
    const en = expectOk(await parseCsv(csv([EN_HEADER, ROW])));
    const vi = expectOk(await parseCsv(csv([VI_HEADER, ROW])));
    expect(vi).toEqual(en);
  });

  it('accepts headers without diacritics, in any case, with spaces, hints and synonyms', async () => {
    const header = ['  CAU HOI ', 'Dap an A', 'option b', 'Phương án C', 'd', 'Đáp án đúng (A, B, ...)', 'CHU DE', 'giai thich'];
    const qs = expectOk(await parseCsv(csv([header, ROW])));
    expect(qs[0]).toMatchObject({ options: ['Bộ phận Một cửa', 'Chợ', 'Nhà văn hoá', 'Trường học'], topic: 'Một cửa' });
  });

  it('matches headers written in decomposed Unicode (NFD) like macOS produces', async () => {
    const header = VI_HEADER.map((h) => h.normalize('NFD'));
    const qs = expectOk(await parseCsv(csv([header, ROW.map((c) => c.normalize('NFD'))])));
    expect(qs[0]?.text).toBe('Thủ tục nộp ở đâu?'.normalize('NFC'));
    expect(qs[0]?.text).toBe(qs[0]?.text.normalize('NFC'));
  });

  it('ignores unknown columns such as STT and Ghi chú, and takes options from their own columns', async () => {
    const header = ['STT', 'Câu hỏi', 'Ghi chú', 'Đáp án đúng', 'Đáp án B', 'Đáp án A'];
    const qs = expectOk(await parseCsv(csv([header, ['1', 'Câu?', 'x', 'B', 'Sai', 'Đúng']])));
    expect(qs).toEqual([{ text: 'Câu?', options: ['Đúng', 'Sai'], correct: [1] }]);
  });

  it('optional columns may be absent, and options C..F may be absent', async () => {
    const qs = expectOk(await parseCsv(csv([['question', 'a', 'b', 'correct'], ['Q', 'x', 'y', 'b']])));
    expect(qs).toEqual([{ text: 'Q', options: ['x', 'y'], correct: [1] }]);
  });

  it('names every missing required column in one row-0 error', async () => {
    const errors = expectErrors(await parseCsv(csv([['Câu hỏi', 'Đáp án A', 'Chủ đề'], ['Q', 'x', 't']])));
    expect(errors).toHaveLength(1);
    expect(errors[0]?.row).toBe(0);
    expect(errors[0]?.message).toMatch(/^Thiếu cột bắt buộc: Đáp án B, Đáp án đúng\. /);
  });

  it('reports duplicate columns and a gap in the option columns', async () => {
    const errors = expectErrors(
      await parseCsv(csv([['question', 'a', 'b', 'd', 'correct', 'Câu hỏi'], ['Q', 'x', 'y', 'z', 'a', 'Q']])),
    );
    expect(errors.map((e) => e.row)).toEqual([0, 0]);
    expect(errors.map((e) => e.message)).toEqual([
      'Cột "Câu hỏi" bị lặp lại (cột A và F)',
      'Có cột Đáp án D nhưng thiếu cột Đáp án C',
    ]);
  });

  it('explains when the header is not on the first line (title rows above it)', async () => {
    const text = csv([['NGÂN HÀNG CÂU HỎI CUỘC THI CCHC'], [], ['Câu hỏi', 'Đáp án A', 'Đáp án B', 'Đáp án đúng'], ['Q', 'x', 'y', 'A']]);
    const errors = expectErrors(await parseCsv(text));
    expect(errors).toEqual([{ row: 0, message: expect.stringContaining('ở dòng 3') }]);
  });

  it('hints at a lost encoding when headers contain "?" for accented letters', async () => {
    const errors = expectErrors(await parseCsv('C?u h?i,?\u00e1p \u00e1n A\r\nQ,x\r\n'));
    expect(errors[0]?.message).toContain('CSV UTF-8');
  });
});

describe('CSV syntax', () => {
  it('accepts a UTF-8 BOM and no BOM alike', async () => {
    const text = bank([['Câu hỏi một cửa?', 'Đúng', 'Sai', '', '', 'A']]);
    const withBom = expectOk(await parseCsv('\uFEFF' + text));
    const without = expectOk(await parseCsv(text));
    expect(withBom).toEqual(without);
    expect(withBom[0]?.text).toBe('Câu hỏi một cửa?');
  });

  it('reads commas, quotes and line breaks inside quoted fields (line breaks kept in questions and explanations)', async () => {
    const text =
      'question,a,b,correct,explanation\r\n' +
      '"Theo quy định, hồ sơ gồm:\r\n- tờ khai;\n- giấy tờ ""gốc""?","Có, đủ","Không",a,"dòng 1\n\n\n\ndòng 2"\r\n';
    const qs = expectOk(await parseCsv(text));
    expect(qs).toEqual([
      {
        text: 'Theo quy định, hồ sơ gồm:\n- tờ khai;\n- giấy tờ "gốc"?',
        options: ['Có, đủ', 'Không'],
        correct: [0],
        explanation: 'dòng 1\n\ndòng 2',
      },
    ]);
  });

  it('reads semicolon-delimited files (Excel in some locales), even with commas in the text', async () => {
    const text = csv(
      [
        ['Câu hỏi', 'Đáp án A', 'Đáp án B', 'Đáp án C', 'Đáp án đúng'],
        ['Một, hai, ba?', '1,5 triệu', '2', '3', 'A;C'],
      ],
      ';',
    );
    const qs = expectOk(await parseCsv(text));
    expect(qs).toEqual([{ text: 'Một, hai, ba?', options: ['1,5 triệu', '2', '3'], correct: [0, 2] }]);
  });

  it('reads tab-delimited text and honours an Excel "sep=" first line', async () => {
    const tab = expectOk(await parseCsv('question\ta\tb\tcorrect\nQ\tx\ty\tB\n', 'text/plain'));
    expect(tab[0]?.correct).toEqual([1]);
    const sep = expectOk(await parseCsv('sep=|\nquestion|a|b|correct\nQ|x|y|a\n'));
    expect(sep[0]).toEqual({ text: 'Q', options: ['x', 'y'], correct: [0] });
  });

  it('accepts CR-only and mixed line endings', async () => {
    const qs = expectOk(await parseCsv('question,a,b,correct\rQ1,x,y,a\nQ2,x,y,b\r\nQ3,x,y,a'));
    expect(qs.map((q) => q.text)).toEqual(['Q1', 'Q2', 'Q3']);
  });

  it('decodes UTF-16 LE and BE with a BOM, and LE without one', async () => {
    const text = bank([['Dịch vụ công trực tuyến là gì?', 'Nộp hồ sơ qua mạng', 'Đi chợ', '', '', 'A']]);
    const expected = expectOk(await parseCsv(text));
    const le = Buffer.concat([Buffer.from([0xff, 0xfe]), Buffer.from(text, 'utf16le')]);
    expect(expectOk(await parseQuestionFile(le, 'text/csv'))).toEqual(expected);
    const be = Buffer.from(le);
    be.swap16();
    expect(be[0]).toBe(0xfe);
    expect(expectOk(await parseQuestionFile(be, 'text/csv'))).toEqual(expected);
    expect(expectOk(await parseQuestionFile(Buffer.from(text, 'utf16le'), 'text/csv'))).toEqual(expected);
  });

  it('refuses Windows-1258 (invalid UTF-8) bytes with one row-0 error asking for "CSV UTF-8"', async () => {
    // "Câu hỏi,Đáp án A,..." as Windows-1258: â=0xE2, Đ=0xD0, á=0xE1 are not valid UTF-8 sequences here.
    const cp1258 = Buffer.from([
      ...Buffer.from('C'), 0xe2, ...Buffer.from('u h'), 0xf5, 0xd2, ...Buffer.from('i,'), 0xd0, ...Buffer.from('áp án A'.replace(/á/g, 'a')),
      ...Buffer.from(',Dap an B,Dap an dung\r\nTh'), 0xf4, ...Buffer.from('n,x,y,A\r\n'),
    ]);
    const errors = expectErrors(await parseQuestionFile(cp1258, 'text/csv'));
    expect(errors).toHaveLength(1);
    expect(errors[0]?.row).toBe(0);
    expect(errors[0]?.message).toContain('CSV UTF-8');
  });

  it('reports an unclosed quote at its row, and a misplaced one', async () => {
    const open = expectErrors(await parseCsv('question,a,b,correct\nQ1,x,y,a\n\nQ3,"x,y,a\nQ4,x,y,a\n'));
    expect(open).toEqual([{ row: 4, message: expect.stringContaining('không được đóng') }]);
    const misplaced = expectErrors(await parseCsv('question,a,b,correct\nQ1,"x"y,z,a\n'));
    expect(misplaced).toEqual([{ row: 2, message: expect.stringContaining('sai vị trí') }]);
  });

  it('a header-only file and an empty file are errors', async () => {
    expect(expectErrors(await parseCsv('question,a,b,correct\r\n'))).toEqual([
      { row: 0, message: 'Tệp chưa có câu hỏi nào (chỉ có dòng tiêu đề)' },
    ]);
    expect(expectErrors(await parseCsv(''))).toEqual([{ row: 0, message: 'Tệp rỗng' }]);
    expect(expectErrors(await parseCsv('\r\n\r\n'))[0]?.row).toBe(0);
  });
});

describe('content types', () => {
  it('maps content types, ignoring parameters and case', () => {
    expect(questionFileKind('text/csv; charset=utf-8')).toBe('csv');
    expect(questionFileKind('Application/CSV')).toBe('csv');
    expect(questionFileKind('text/plain;charset=UTF-8')).toBe('csv');
    expect(questionFileKind('application/vnd.ms-excel')).toBe('csv');
    expect(questionFileKind('application/vnd.openxmlformats-officedocument.spreadsheetml.sheet; x=1')).toBe('xlsx');
    expect(questionFileKind('application/json')).toBeUndefined();
    expect(questionFileKind('')).toBeUndefined();
    expect(questionFileKind(undefined)).toBeUndefined();
  });

  it('an unsupported type resolves to a single row-0 error', async () => {
    const errors = expectErrors(await parseQuestionFile(Buffer.from('question,a,b,correct\nQ,x,y,a\n'), 'application/json'));
    expect(errors).toEqual([{ row: 0, message: expect.stringContaining('"application/json" không được hỗ trợ') }]);
  });

  it('a legacy .xls (OLE2) file is refused with advice, whatever its label', async () => {
    const ole = Buffer.concat([Buffer.from([0xd0, 0xcf, 0x11, 0xe0, 0xa1, 0xb1, 0x1a, 0xe1]), Buffer.alloc(512)]);
    for (const type of ['application/vnd.ms-excel', 'application/vnd.openxmlformats-officedocument.spreadsheetml.sheet']) {
      const errors = expectErrors(await parseQuestionFile(ole, type));
      expect(errors).toEqual([{ row: 0, message: expect.stringContaining('.xlsx') }]);
    }
  });

  it('refuses a body over the size limit before parsing it', async () => {
    const big = Buffer.alloc(5 * 1024 * 1024 + 1, 0x61);
    expect(expectErrors(await parseQuestionFile(big, 'text/csv'))).toEqual([
      { row: 0, message: expect.stringContaining('Tệp quá lớn') },
    ]);
  });
});
