import fc from 'fast-check';
import Papa from 'papaparse';
import { describe, expect, it } from 'vitest';
import {
  MAX_LISTED_ERRORS,
  MAX_OPTION_LENGTH,
  MAX_QUESTION_LENGTH,
  XLSX_CONTENT_TYPE,
  parseQuestionFile,
  questionTemplateXlsx,
} from '../../../functions/adapters/import/question-file.ts';
import type { ParseQuestionFileResult, ParsedQuestion } from '../../../functions/adapters/import/question-file.ts';
import { unzip, xlsx, zip } from './helpers.ts';

/** Hundreds of cases per property: give them room on a busy 2-core machine. */
const SLOW = 60_000;

const TYPES = ['text/csv', 'text/csv; charset=utf-8', 'text/plain', 'application/vnd.ms-excel', XLSX_CONTENT_TYPE, 'image/png', ''];

/** Whatever the input, the result is well formed. */
function checkShape(r: ParseQuestionFileResult): void {
  if (r.ok) {
    expect(r.questions.length).toBeGreaterThan(0);
    for (const q of r.questions) {
      expect(q.text).not.toBe('');
      expect(q.text.length).toBeLessThanOrEqual(MAX_QUESTION_LENGTH);
      expect(q.text).toBe(q.text.normalize('NFC'));
      expect(q.options.length).toBeGreaterThanOrEqual(2);
      expect(q.options.length).toBeLessThanOrEqual(6);
      for (const o of q.options) {
        expect(o).not.toBe('');
        expect(o.length).toBeLessThanOrEqual(MAX_OPTION_LENGTH);
      }
      expect(q.correct.length).toBeGreaterThan(0);
      expect([...q.correct].sort((a, b) => a - b)).toEqual(q.correct);
      expect(new Set(q.correct).size).toBe(q.correct.length);
      for (const c of q.correct) expect(c).toBeLessThan(q.options.length);
      expect(JSON.stringify(q)).not.toMatch(/[\u0000-\u0008\u000B-\u001F]/);
    }
  } else {
    expect(r.errors.length).toBeGreaterThan(0);
    expect(r.errors.length).toBeLessThanOrEqual(MAX_LISTED_ERRORS + 1);
    for (const e of r.errors) {
      expect(Number.isInteger(e.row) && e.row >= 0).toBe(true);
      expect(typeof e.message).toBe('string');
      expect(e.message.length).toBeGreaterThan(0);
    }
  }
}

describe('never throws', () => {
  it('random bytes, any content type', async () => {
    await fc.assert(
      fc.asyncProperty(fc.uint8Array({ maxLength: 4000 }), fc.constantFrom(...TYPES), async (bytes, type) => {
        checkShape(await parseQuestionFile(Buffer.from(bytes), type));
      }),
      { numRuns: 500 },
    );
  }, SLOW);

  it('random bytes behind a zip signature', async () => {
    await fc.assert(
      fc.asyncProperty(fc.uint8Array({ maxLength: 4000 }), async (bytes) => {
        const body = Buffer.concat([Buffer.from([0x50, 0x4b, 0x03, 0x04]), Buffer.from(bytes)]);
        checkShape(await parseQuestionFile(body, XLSX_CONTENT_TYPE));
      }),
      { numRuns: 300 },
    );
  }, SLOW);

  it('a real workbook with random bytes overwritten', async () => {
    const template = await questionTemplateXlsx();
    await fc.assert(
      fc.asyncProperty(
        fc.array(fc.tuple(fc.nat({ max: template.length - 1 }), fc.integer({ min: 0, max: 255 })), { minLength: 1, maxLength: 8 }),
        async (edits) => {
          const body = Buffer.from(template);
          for (const [at, value] of edits) body[at] = value;
          checkShape(await parseQuestionFile(body, XLSX_CONTENT_TYPE));
        },
      ),
      { numRuns: 300 },
    );
  }, SLOW);

  it('a real workbook with its XML parts corrupted (exceljs sees broken XML, not a broken zip)', async () => {
    const parts = unzip(await questionTemplateXlsx());
    const names = parts.map((p) => p.name);
    expect(names).toContain('xl/worksheets/sheet1.xml');
    const junk = fc.constantFrom('<', '>', '&', '"', '</row>', '<c r="A1" t="s"><v>999</v></c>', '<v>', 'r="ZZZ0"', '\u0000', '<sheet name="x" r:id="rId99"/>');
    await fc.assert(
      fc.asyncProperty(
        fc.constantFrom(...names),
        fc.array(fc.tuple(fc.double({ min: 0, max: 1, noNaN: true }), fc.oneof(junk, fc.string({ maxLength: 5 })), fc.nat({ max: 20 })), {
          minLength: 1,
          maxLength: 4,
        }),
        async (target, edits) => {
          const mutated = parts.map((p) => {
            if (p.name !== target) return p;
            let xml = p.data.toString('utf8');
            for (const [where, insert, cut] of edits) {
              const at = Math.floor(where * xml.length);
              xml = xml.slice(0, at) + insert + xml.slice(at + cut);
            }
            return { name: p.name, data: Buffer.from(xml, 'utf8') };
          });
          checkShape(await parseQuestionFile(zip(mutated), XLSX_CONTENT_TYPE));
        },
      ),
      { numRuns: 300 },
    );
  }, SLOW);

  it('random CSV text under a valid header', async () => {
    const cell = fc.oneof(
      fc.string({ maxLength: 30 }),
      fc.string({ unit: 'grapheme', maxLength: 30 }),
      fc.constantFrom('', 'A', 'a, c', 'E', 'AB', '"', '""', '\n', ',', ';', '\u0000'),
    );
    await fc.assert(
      fc.asyncProperty(fc.array(fc.array(cell, { maxLength: 8 }), { maxLength: 20 }), fc.constantFrom(',', ';'), async (rows, d) => {
        const text = ['question', 'a', 'b', 'c', 'd', 'correct'].join(d) + '\n' + rows.map((r) => r.join(d)).join('\n');
        checkShape(await parseQuestionFile(Buffer.from(text), 'text/csv'));
      }),
      { numRuns: 500 },
    );
  }, SLOW);
});

/** Clean text: words joined by single spaces (explanations may have line breaks), so it must come back unchanged. */
const WORDS = ['Một', 'cửa', 'dịch', 'vụ', 'công', 'trực', 'tuyến', 'hồ sơ', '"trích dẫn"', 'a,b', 'x;y', '?', 'Đ', 'ĐÚNG', '1,5', '=1+1', 'A'];
const phrase = (max: number): fc.Arbitrary<string> =>
  fc.array(fc.constantFrom(...WORDS), { minLength: 1, maxLength: max }).map((w) => w.join(' '));

const question: fc.Arbitrary<ParsedQuestion> = fc
  .record({
    text: phrase(12),
    options: fc.uniqueArray(phrase(4), { minLength: 2, maxLength: 6, selector: (s) => s.toLocaleLowerCase('vi') }),
    topic: fc.option(phrase(3), { nil: undefined }),
    explanation: fc.option(
      fc.array(phrase(8), { minLength: 1, maxLength: 3 }).map((lines) => lines.join('\n')),
      { nil: undefined },
    ),
    pick: fc.array(fc.nat({ max: 5 }), { minLength: 1, maxLength: 6 }),
  })
  .map(({ pick, options, topic, explanation, text }) => {
    const q: ParsedQuestion = {
      text,
      options,
      correct: [...new Set(pick.map((p) => p % options.length))].sort((a, b) => a - b),
    };
    if (topic !== undefined) q.topic = topic;
    if (explanation !== undefined) q.explanation = explanation;
    return q;
  });

const HEADER = ['Câu hỏi', 'Đáp án A', 'Đáp án B', 'Đáp án C', 'Đáp án D', 'Đáp án E', 'Đáp án F', 'Đáp án đúng', 'Chủ đề', 'Giải thích'];
const toRow = (q: ParsedQuestion): string[] => [
  q.text,
  ...Array.from({ length: 6 }, (_, i) => q.options[i] ?? ''),
  q.correct.map((c) => 'ABCDEF'[c]).join(', '),
  q.topic ?? '',
  q.explanation ?? '',
];

describe('round trip', () => {
  it('CSV written by papaparse comes back identical', async () => {
    await fc.assert(
      fc.asyncProperty(fc.array(question, { minLength: 1, maxLength: 15 }), fc.constantFrom(',', ';'), async (qs, d) => {
        const text = Papa.unparse({ fields: HEADER, data: qs.map(toRow) }, { delimiter: d });
        const r = await parseQuestionFile(Buffer.from('\uFEFF' + text), 'text/csv');
        expect(r).toEqual({ ok: true, questions: qs, rows: qs.map((_, i) => i + 2) });
      }),
      { numRuns: 200 },
    );
  }, SLOW);

  it('XLSX written by exceljs comes back identical', async () => {
    await fc.assert(
      fc.asyncProperty(fc.array(question, { minLength: 1, maxLength: 10 }), async (qs) => {
        const r = await parseQuestionFile(await xlsx([HEADER, ...qs.map(toRow)]), XLSX_CONTENT_TYPE);
        expect(r).toEqual({ ok: true, questions: qs, rows: qs.map((_, i) => i + 2) });
      }),
      { numRuns: 40 },
    );
  }, SLOW);
});
