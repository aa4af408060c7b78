// The question form's rules, the server's own (functions/domain/question.ts checkQuestion
// with LIMITS; a unit test keeps the numbers in step): blank option rows are left out, and a
// text over its limit is refused with its length shown, never cut (no maxlength on the inputs).
import type { StaffKey } from './i18n.ts';
import type { QuestionInput } from './types.ts';

export const QUESTION_LIMITS = {
  text: 1_000,
  option: 500,
  topic: 100,
  explanation: 2_000,
  minOptions: 2,
  maxOptions: 6,
} as const;

export const OPTION_LETTERS = ['A', 'B', 'C', 'D', 'E', 'F'] as const;

/** Invisible characters the server strips (functions/domain/names.ts). */
const INVISIBLE = /[\p{Cc}\p{Cf}]/gu;

/** One-line text as the server stores it: NFC, one space for any run of whitespace, trimmed. */
export function cleanLine(s: string): string {
  return s.normalize('NFC').replace(/[\t\n\v\f\r]/g, ' ').replace(INVISIBLE, '').replace(/\s+/gu, ' ').trim();
}

/** The explanation keeps its line breaks. */
export const cleanMultiline = (s: string): string => s.normalize('NFC').trim();

/** The question text as the server stores it: line breaks kept (Alt+Enter in Excel), each line cleaned, at most one blank line. */
export const cleanQuestionText = (s: string): string =>
  s
    .normalize('NFC')
    .replace(/\r\n?|[\v\f\u2028\u2029]/g, '\n')
    .split('\n')
    .map(cleanLine)
    .join('\n')
    .replace(/\n{3,}/g, '\n\n')
    .trim();

export interface QuestionDraft {
  text: string;
  options: { text: string; correct: boolean }[];
  topic: string;
  explanation: string;
}

export type DraftField = 'text' | 'options' | 'correct' | 'topic' | 'explanation';
export interface DraftError {
  key: StaffKey;
  params?: Record<string, string | number>;
}

export type DraftResult = { ok: true; question: QuestionInput } | { ok: false; errors: Partial<Record<DraftField, DraftError>> };

const tooLong = (n: number, max: number): DraftError => ({ key: 'qform.err.tooLong', params: { n, max } });

/** `topicRequired`: a library question (contract v2) must have a topic. */
export function questionFromDraft(draft: QuestionDraft, topicRequired = false): DraftResult {
  const errors: Partial<Record<DraftField, DraftError>> = {};
  const text = cleanQuestionText(draft.text);
  if (!text) errors.text = { key: 'qform.err.text' };
  else if (text.length > QUESTION_LIMITS.text) errors.text = tooLong(text.length, QUESTION_LIMITS.text);

  // Rows left blank are not options: A and B filled, C and D empty is a two-option question.
  const rows = draft.options.map((o, i) => ({ text: cleanLine(o.text), correct: o.correct, letter: OPTION_LETTERS[i] ?? '?' }));
  const filled = rows.filter((o) => o.text !== '');
  const long = filled.find((o) => o.text.length > QUESTION_LIMITS.option);
  const blankCorrect = rows.find((o) => o.text === '' && o.correct);
  if (filled.length < QUESTION_LIMITS.minOptions) errors.options = { key: 'qform.err.options', params: { min: QUESTION_LIMITS.minOptions } };
  else if (long) errors.options = { key: 'qform.err.optionTooLong', params: { letter: long.letter, n: long.text.length, max: QUESTION_LIMITS.option } };
  else if (new Set(filled.map((o) => o.text.toLocaleLowerCase('vi'))).size !== filled.length) errors.options = { key: 'qform.err.duplicate' };

  const correct = filled.flatMap((o, i) => (o.correct ? [i] : []));
  if (blankCorrect) errors.correct = { key: 'qform.err.correctBlank', params: { letter: blankCorrect.letter } };
  else if (correct.length === 0) errors.correct = { key: 'qform.err.correct' };

  const topic = cleanLine(draft.topic);
  if (topic.length > QUESTION_LIMITS.topic) errors.topic = tooLong(topic.length, QUESTION_LIMITS.topic);
  else if (topicRequired && !topic) errors.topic = { key: 'library.err.topic' };
  const explanation = cleanMultiline(draft.explanation);
  if (explanation.length > QUESTION_LIMITS.explanation) errors.explanation = tooLong(explanation.length, QUESTION_LIMITS.explanation);

  if (Object.keys(errors).length > 0) return { ok: false, errors };
  const question: QuestionInput = { text, options: filled.map((o) => o.text), correct };
  if (topic) question.topic = topic;
  if (explanation) question.explanation = explanation;
  return { ok: true, question };
}
