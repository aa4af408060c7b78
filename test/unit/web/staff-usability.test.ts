// Issue 16 (organizer and observer items): the pure rules behind the console's fixes.
import { describe, expect, it } from 'vitest';
import { LIMITS } from '../../../functions/domain/limits.ts';
import { compareVietnameseNames, nameParts } from '../../../web/src/lib/staff/names.ts';
import { chartConfig, scaleOf } from '../../../web/src/lib/staff/chart-config.ts';
import { cleanLine, cleanQuestionText, QUESTION_LIMITS, questionFromDraft, type QuestionDraft } from '../../../web/src/lib/staff/question-form.ts';
import { cleanMultilineText } from '../../../functions/domain/names.ts';
import { SortableTable } from '../../../web/src/lib/staff/table.svelte.ts';

describe('item 8: Vietnamese name order', () => {
  it.each([
    ['Nguyễn Văn An', { family: 'Nguyễn', middle: 'Văn', given: 'An' }],
    ['  Nguyễn  Thị Minh   Khai ', { family: 'Nguyễn', middle: 'Thị Minh', given: 'Khai' }],
    ['Lê Cường', { family: 'Lê', middle: '', given: 'Cường' }],
    ['Mai', { family: '', middle: '', given: 'Mai' }],
    ['', { family: '', middle: '', given: '' }],
  ])('splits %j', (name, parts) => {
    expect(nameParts(name)).toEqual(parts);
  });

  it.each([
    // given name first, whatever the family name
    ['Trần Văn An', 'Nguyễn Văn Bình', -1],
    ['Nguyễn Văn Bình', 'Trần Văn An', 1],
    // same given name: the middle name, then the family name
    ['Nguyễn Thị An', 'Nguyễn Văn An', -1],
    ['Đặng Văn An', 'Nguyễn Văn An', -1],
    ['Lê An', 'Lê Văn An', -1], // no middle name before one
    // Vietnamese letters: a < ă < â, d < đ, o < ô < ơ, u < ư
    ['Lê Văn Anh', 'Lê Văn Ăn', -1],
    ['Lê Văn Ăn', 'Lê Văn Ân', -1],
    ['Phạm Thị Dung', 'Hoàng Minh Đức', -1],
    ['Lê Thị Oanh', 'Lê Thị Ông', -1],
    ['Lê Văn Ông', 'Lê Văn Ơn', -1],
    ['Lê Văn Uy', 'Lê Văn Ưng', -1],
    // a shorter name before a longer one with the same start; tones after letters
    ['Vũ Thị An', 'Vũ Thị Ánh', -1],
    ['Vũ Thị Anh', 'Vũ Thị Ánh', -1],
    // the same name composed or decomposed is the same name
    ['Nguyễn Văn An', 'Nguyễn Văn An'.normalize('NFD'), 0],
  ])('%s vs %s -> %i', (a, b, sign) => {
    expect(Math.sign(compareVietnameseNames(a, b))).toBe(sign);
    expect(Math.sign(compareVietnameseNames(b, a))).toBe(-sign || 0);
  });

  it('the results table sorts the name column by it, both ways', () => {
    const rows = ['Nguyễn Văn An', 'Trần Thị Bình', 'Hoàng Minh Đức', 'Vũ Thị Ánh', 'Phạm Thị Dung', 'Đặng Văn An', 'Lê Cường'].map((fullName) => ({ fullName }));
    const table = new SortableTable([{ key: 'fullName', value: (r: { fullName: string }) => r.fullName, compare: (a, b) => compareVietnameseNames(String(a), String(b)) }], (r) => [r.fullName], rows);
    const order = ['Đặng Văn An', 'Nguyễn Văn An', 'Vũ Thị Ánh', 'Trần Thị Bình', 'Lê Cường', 'Phạm Thị Dung', 'Hoàng Minh Đức'];
    table.sortBy('fullName');
    expect(table.rows.map((r) => r.fullName)).toEqual(order);
    table.sortBy('fullName');
    expect(table.rows.map((r) => r.fullName)).toEqual([...order].reverse());
  });
});

const draft = (over: Partial<QuestionDraft> & { opts?: [string, boolean][] } = {}): QuestionDraft => ({
  text: over.text ?? 'Câu hỏi?',
  options: (over.opts ?? [['Có', true], ['Không', false], ['', false], ['', false]]).map(([text, correct]) => ({ text, correct })),
  topic: over.topic ?? '',
  explanation: over.explanation ?? '',
});

describe('items 4 and 5: the question form', () => {
  it('keeps the limits of the server (functions/domain/contest.ts LIMITS)', () => {
    expect(QUESTION_LIMITS).toEqual({
      text: LIMITS.questionText.max,
      option: LIMITS.optionText.max,
      topic: LIMITS.topic.max,
      explanation: LIMITS.explanation.max,
      minOptions: LIMITS.options.min,
      maxOptions: LIMITS.options.max,
    });
  });

  it('keeps the question\'s line breaks as the server does; a library question needs a topic (issue 13)', () => {
    for (const raw of ['Câu hỏi:\r\n- một\n- hai', '  a  \n\n\n\n b\u200b ', 'x\ty\u2028z']) expect(cleanQuestionText(raw)).toBe(cleanMultilineText(raw));
    expect(questionFromDraft({ ...draft(), text: 'Chọn:\nA hay B?' })).toMatchObject({ ok: true, question: { text: 'Chọn:\nA hay B?' } });
    expect(questionFromDraft(draft(), true)).toEqual({ ok: false, errors: { topic: { key: 'library.err.topic' } } });
    expect(questionFromDraft({ ...draft(), topic: ' Một cửa ' }, true)).toMatchObject({ ok: true, question: { topic: 'Một cửa' } });
  });

  it('ignores blank option rows: A and B filled, C and D empty is a two-option question', () => {
    expect(questionFromDraft(draft())).toEqual({ ok: true, question: { text: 'Câu hỏi?', options: ['Có', 'Không'], correct: [0] } });
    // a blank row between two filled ones is left out too, and the correct index follows
    const gap = questionFromDraft(draft({ opts: [['Có', false], ['  ', false], ['Không', true]] }));
    expect(gap).toEqual({ ok: true, question: { text: 'Câu hỏi?', options: ['Có', 'Không'], correct: [1] } });
  });

  it.each<[string, Parameters<typeof draft>[0], string, string]>([
    ['one option only', { opts: [['Có', true], ['', false]] }, 'options', 'qform.err.options'],
    ['two equal options', { opts: [['Có', true], ['có', false]] }, 'options', 'qform.err.duplicate'],
    ['a blank row ticked as correct', { opts: [['Có', false], ['Không', false], ['', true]] }, 'correct', 'qform.err.correctBlank'],
    ['no correct option', { opts: [['Có', false], ['Không', false]] }, 'correct', 'qform.err.correct'],
    ['no question text', { text: '   ' }, 'text', 'qform.err.text'],
  ])('refuses %s', (_, over, field, key) => {
    const r = questionFromDraft(draft(over));
    expect(r.ok).toBe(false);
    if (!r.ok) expect(r.errors[field as keyof typeof r.errors]?.key).toBe(key);
  });

  it('refuses a 10,000-character question with its length, never cutting it', () => {
    const text = 'ơ'.repeat(10_000);
    const d = draft({ text });
    const r = questionFromDraft(d);
    expect(r).toEqual({ ok: false, errors: { text: { key: 'qform.err.tooLong', params: { n: 10_000, max: 1_000 } } } });
    expect(d.text).toBe(text);
  });

  it.each<[string, Parameters<typeof draft>[0], string]>([
    ['an option', { opts: [['x'.repeat(501), true], ['y', false]] }, 'options'],
    ['the topic', { topic: 't'.repeat(101) }, 'topic'],
    ['the explanation', { explanation: 'e'.repeat(2_001) }, 'explanation'],
  ])('refuses %s over its limit', (_, over, field) => {
    const r = questionFromDraft(draft(over));
    expect(r.ok).toBe(false);
    if (!r.ok) expect(Object.keys(r.errors)).toEqual([field]);
  });

  it('counts as the server does: NFC, whitespace runs as one space, trimmed; exactly at the limit is fine', () => {
    expect(cleanLine('  Ca\u0302u  hỏi\n\tmới \u200b ')).toBe('Câu hỏi mới');
    const atLimit = 'ệ'.normalize('NFD').repeat(1_000);
    expect(questionFromDraft(draft({ text: atLimit })).ok).toBe(true);
  });
});

describe('item 13: chart scales', () => {
  const spec = { type: 'bar' as const, labels: ['Hội Nông dân'], series: [{ label: 'Tỷ lệ', data: [0.008], color: '#000' }] };
  it('puts rates on a fixed 0-100 % axis, whatever the data', () => {
    const horizontal = chartConfig({ ...spec, horizontal: true, percent: true }).options!.scales!;
    expect(horizontal.x).toMatchObject({ min: 0, max: 1 });
    const vertical = chartConfig({ ...spec, percent: true }).options!.scales!;
    expect(vertical.y).toMatchObject({ min: 0, max: 1 });
    expect(scaleOf({ percent: true })).toBe('0-100%');
  });
  it('counts keep an axis scaled to the data, from zero', () => {
    const y = chartConfig(spec).options!.scales!.y as Record<string, unknown>;
    expect(y.max).toBeUndefined();
    expect(y.beginAtZero).toBe(true);
  });
});
