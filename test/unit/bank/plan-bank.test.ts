// The ready-made question bank (data/bank/plan-2024.csv), read through the real importer and
// held to its promise: every answer is backed by a word-for-word quote of the plan it was
// written from (data/bank/plan-2024-tu-mo-rong.txt, a copy kept in the repo so a clean clone
// can check it) and names the plan's section, so an organizer never publishes a wrong fact.

import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { csvToGrid } from '../../../functions/adapters/import/csv.ts';
import { parseQuestionFile } from '../../../functions/adapters/import/question-file.ts';
import type { ParsedQuestion } from '../../../functions/adapters/import/question-file.ts';

const BANK_DIR = new URL('../../../data/bank/', import.meta.url);
const bankBytes = readFileSync(new URL('plan-2024.csv', BANK_DIR));
const plan = readFileSync(new URL('plan-2024-tu-mo-rong.txt', BANK_DIR), 'utf8');

const TOPICS = [
  'Chương trình tổng thể CCHC 2021-2030',
  'Một cửa, một cửa liên thông',
  'Dịch vụ công trực tuyến',
  'Tiếp nhận phản ánh, kiến nghị',
  'Kỷ luật, kỷ cương hành chính',
  'Chính quyền số, chuyển đổi số',
  'Hình thức tuyên truyền',
  'Mục đích, yêu cầu của kế hoạch',
];
const MIN_QUESTIONS = 80;
const MIN_PER_TOPIC = 8;
/** A quote long enough to be findable, short enough to be read after an answer. */
const QUOTE_WORDS = { min: 5, max: 40 };

const norm = (s: string): string => s.normalize('NFC').replace(/\s+/g, ' ').trim();
const quotesOf = (explanation: string): string[] => [...explanation.matchAll(/«([^»]*)»/g)].map((m) => m[1] ?? '');
const label = (q: ParsedQuestion): string => q.text.slice(0, 60);

function topicProblems(questions: readonly ParsedQuestion[]): string[] {
  const problems = questions.filter((q) => !TOPICS.includes(q.topic ?? '')).map((q) => `${label(q)}: topic "${q.topic ?? ''}"`);
  for (const t of TOPICS) {
    const n = questions.filter((q) => q.topic === t).length;
    if (n < MIN_PER_TOPIC) problems.push(`${t}: ${n} questions`);
  }
  return problems;
}

function quoteProblems(questions: readonly ParsedQuestion[], planText: string): string[] {
  const source = norm(planText);
  const problems: string[] = [];
  for (const q of questions) {
    const quotes = quotesOf(q.explanation ?? '');
    if (quotes.length === 0) problems.push(`${label(q)}: no «quote»`);
    for (const quote of quotes) {
      const words = norm(quote).split(' ').length;
      if (!source.includes(norm(quote))) problems.push(`${label(q)}: not in the plan: «${quote}»`);
      else if (words < QUOTE_WORDS.min || words > QUOTE_WORDS.max) problems.push(`${label(q)}: ${words} words: «${quote}»`);
    }
  }
  return problems;
}

/** The plan numbers its sections I-III, then 1, 1.1, a...: "Mục II.1.2.b". */
const sectionProblems = (questions: readonly ParsedQuestion[]): string[] =>
  questions.filter((q) => !/\bMục (?:I|II|III)\b/u.test(q.explanation ?? '')).map((q) => `${label(q)}: no section`);

function duplicateProblems(questions: readonly ParsedQuestion[]): string[] {
  const seen = new Set<string>();
  const problems: string[] = [];
  for (const q of questions) {
    const key = norm(q.text).toLowerCase();
    if (seen.has(key)) problems.push(`${label(q)}: duplicate`);
    seen.add(key);
  }
  return problems;
}

/** Kept short for a phone screen (the importer allows more). */
const lengthProblems = (questions: readonly ParsedQuestion[]): string[] =>
  questions.flatMap((q) => [
    ...(q.text.length > 300 ? [`${label(q)}: question ${q.text.length} characters`] : []),
    ...q.options.filter((o) => o.length > 200).map((o) => `${label(q)}: option ${o.length} characters`),
  ]);

async function importBank(bytes: Uint8Array): Promise<ParsedQuestion[]> {
  const parsed = await parseQuestionFile(bytes, 'text/csv');
  if (!parsed.ok) throw new Error(`import failed: ${JSON.stringify(parsed.errors.slice(0, 5))}`);
  return parsed.questions;
}

describe('the plan-2024 question bank', () => {
  it('is UTF-8 with a BOM (so Excel shows Vietnamese) and imports with no row error', async () => {
    expect([...bankBytes.subarray(0, 3)]).toEqual([0xef, 0xbb, 0xbf]);
    const parsed = await parseQuestionFile(bankBytes, 'text/csv');
    expect(parsed.ok ? [] : parsed.errors).toEqual([]);
    expect(parsed.ok && parsed.questions.length).toBeGreaterThanOrEqual(MIN_QUESTIONS);
  });

  it('files every question under a listed topic, at least 8 each', async () => {
    expect(topicProblems(await importBank(bankBytes))).toEqual([]);
  });

  it('quotes the plan word for word in every explanation and names the section', async () => {
    const questions = await importBank(bankBytes);
    expect(quoteProblems(questions, plan)).toEqual([]);
    expect(sectionProblems(questions)).toEqual([]);
  });

  it('has no question twice and keeps texts short', async () => {
    const questions = await importBank(bankBytes);
    expect(duplicateProblems(questions)).toEqual([]);
    expect(lengthProblems(questions)).toEqual([]);
  });

  it('has question cells with a line break inside (Alt+Enter) that import without losing a word', async () => {
    const grid = csvToGrid(bankBytes);
    if (!grid.ok) throw new Error('unreadable');
    const [header, ...rows] = grid.rows;
    const col = header?.cells.indexOf('Câu hỏi') ?? -1;
    const multiline = rows.map((r) => r.cells[col]).filter((c): c is string => typeof c === 'string' && c.includes('\n'));
    expect(multiline.length).toBeGreaterThanOrEqual(3);
    // Whether the importer keeps the break or folds it into a space, the words stay.
    const texts = new Set((await importBank(bankBytes)).map((q) => norm(q.text)));
    for (const cell of multiline) expect(texts).toContain(norm(cell));
  });
});

describe('the bank checks', () => {
  // Each check must be able to fail: a bank broken in one way is reported by the check for it.
  const sample = (): ParsedQuestion[] => [
    {
      text: 'Theo Mục I.2, nội dung tuyên truyền phải thế nào?',
      options: ['Rõ ràng, chuẩn xác, đúng đối tượng', 'Càng dài càng tốt'],
      correct: [0],
      topic: TOPICS[7],
      explanation: 'Mục I.2: «Nội dung thông tin, tuyên truyền phải rõ ràng, chuẩn xác, đúng đối tượng».',
    },
  ];
  const withTopics = (qs: ParsedQuestion[]): ParsedQuestion[] =>
    TOPICS.flatMap((topic) => Array.from({ length: MIN_PER_TOPIC }, (_, i) => ({ ...qs[0]!, topic, text: `${topic} ${i}` })));

  it('pass the sample', () => {
    const qs = withTopics(sample());
    expect([topicProblems(qs), quoteProblems(qs, plan), sectionProblems(qs), duplicateProblems(qs), lengthProblems(qs)]).toEqual([[], [], [], [], []]);
  });

  it.each([
    ['a changed word in a quote', (q: ParsedQuestion) => ({ ...q, explanation: q.explanation!.replace('chuẩn xác', 'chính xác') }), 'quote'],
    ['a quote of three words', (q: ParsedQuestion) => ({ ...q, explanation: 'Mục I.2: «đúng đối tượng».' }), 'quote'],
    ['no quote at all', (q: ParsedQuestion) => ({ ...q, explanation: 'Mục I.2 nói như vậy.' }), 'quote'],
    ['no section', (q: ParsedQuestion) => ({ ...q, explanation: q.explanation!.replace('Mục I.2', 'Phần đầu') }), 'section'],
    ['an unknown topic', (q: ParsedQuestion) => ({ ...q, topic: 'Chủ đề khác' }), 'topic'],
    ['an overlong option', (q: ParsedQuestion) => ({ ...q, options: [q.options[0]!, 'x'.repeat(201)] }), 'length'],
  ] as const)('report %s', (_, breakIt, check) => {
    const qs = withTopics(sample());
    qs[3] = breakIt(qs[3]!);
    const found = {
      quote: quoteProblems(qs, plan),
      section: sectionProblems(qs),
      topic: topicProblems(qs),
      length: lengthProblems(qs),
    }[check];
    expect(found.length).toBeGreaterThan(0);
  });

  it('report a topic with too few questions and a duplicate question', () => {
    const qs = withTopics(sample());
    expect(topicProblems(qs.filter((q) => q.topic !== TOPICS[0] || !q.text.endsWith(' 0')))).toEqual([`${TOPICS[0]}: 7 questions`]);
    expect(duplicateProblems([...qs, { ...qs[0]!, text: ` ${qs[0]!.text.toUpperCase()} ` }])).toHaveLength(1);
  });
});
